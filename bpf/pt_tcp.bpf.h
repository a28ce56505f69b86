/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP on the way out. Two things the per-skb journey cannot know alone:
 *
 * - Who sent a segment. TCP queues the data a write() brings and sends it
 *   later, often from softirq when an ACK opens the window, in whatever
 *   task the CPU was running. So each socket keeps a record of its recent
 *   writes (the sequence number where each began, the writer, its syscall
 *   and l4 stamps), made at the socket's send (tcp_sendmsg, or the
 *   tcp_sendmsg_locked tracepoint), and a data segment is attributed, at
 *   its first sighting, to the write its sequence number falls in. A
 *   segment without data (ACK, SYN, FIN, RST) names the socket's owner
 *   (its last writer, or the caller of connect()) when there is one.
 *
 * - GSO (pt_gso.bpf.h): a segment takes its split original's stages.
 *   When the original's consume_skb goes unseen (the kernel skipped the
 *   program, nested in itself), the segment finds its original's live
 *   record through its own socket, which notes the skbs GSO will split
 *   (pt_gso_late).
 *
 * - Retransmissions: the socket's record keeps the highest sequence number
 *   its data reached the device with; a data segment that ends at or
 *   below it went out before (a GSO segment inherits its original's mark).
 */
#ifndef PT_TCP_BPF_H
#define PT_TCP_BPF_H

#include "pt_config.bpf.h"
#include "pt_key.bpf.h"
#include "pt_task.bpf.h"
#include "pt_slots.bpf.h"
#include "pt_journey.bpf.h"
#include "pt_gso.bpf.h"
#include "pt_hist.bpf.h"

/*
 * A socket's writes kept: a full send buffer (4 MiB by default) of 64 KiB
 * writes is 64, and a full-speed upload retransmits from its oldest: with
 * 64 kept, 37 of 23 000 segments of a 32 MiB upload had lost their write.
 */
#define PT_TCP_WRITE_BITS 7
#define PT_TCP_WRITES (1 << PT_TCP_WRITE_BITS)
#define PT_TCP_SOCKS 512	/* sockets followed at once (least recently used go) */
#define PT_TCP_GSO 4		/* a socket's originals to be split, remembered */
#define PT_TCP_SYN_SENT 2	/* enum tcp_state */
#define PT_TCP_CLOSE 7

/* One write() into a socket's queue. */
struct pt_tcp_write {
	__u64 ts_syscall, ts_l4, l4_ip;
	__u32 seq;		/* tp->write_seq when it began */
	__u32 pid, tid;
	__s32 nr;		/* its syscall */
	char comm[16];
};

/* An skb of the socket that GSO will split, followed from the queue. */
struct pt_tcp_gso {
	__u64 key;		/* its record's key; 0: none */
	__u32 seq, end;		/* its sequence range */
};

struct pt_tcp_sock {
	struct pt_tcp_write w[PT_TCP_WRITES];
	struct pt_tcp_gso gso[PT_TCP_GSO];
	__u32 gso_next;		/* the next of gso[] to fill (unmasked) */
	__u32 head;		/* writes recorded (the next one's index, unmasked) */
	__u32 owner_pid, owner_tid;
	__u32 snd_hi;		/* the highest end of data seen at the device */
	char owner_comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PT_TCP_SOCKS);
	__type(key, __u64);
	__type(value, struct pt_tcp_sock);
} tcp_socks SEC(".maps");

/* A new socket's record (never written: the map copies it). */
static struct pt_tcp_sock pt_tcp_sock_zero SEC(".bss");

/* A socket's key, from a typed pointer (tp_btf, fentry) or a plain address. */
static __always_inline __u64 pt_sk_key(const void *sk, bool trusted)
{
	return trusted ? pt_key(sk) : pt_key_raw(sk);
}

/* The record of socket @skey, made if @sk is in the traced device's namespace. */
static __always_inline struct pt_tcp_sock *pt_tcp_sock_get(__u64 skey, const struct sock *sk)
{
	struct pt_tcp_sock *s = bpf_map_lookup_elem(&tcp_socks, &skey);

	if (s)
		return s;
	if (BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != targ_netns)
		return NULL;
	bpf_map_update_elem(&tcp_socks, &skey, &pt_tcp_sock_zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&tcp_socks, &skey);
}

static __always_inline void pt_tcp_owner_is_current(struct pt_tcp_sock *s)
{
	__u64 id = bpf_get_current_pid_tgid();

	s->owner_pid = id >> 32;
	s->owner_tid = (__u32)id;
	pt_current_comm(s->owner_comm);
}

/*
 * The socket's send, in the writer's send syscall: a write begins at the
 * socket's write_seq. The tracepoint fires once per skb the write fills:
 * a syscall's first one is its write.
 */
static __always_inline void pt_on_tcp_write(const struct sock *sk, __u64 skey, __u64 l4_ip)
{
	struct pt_tcp_write *w;
	struct pt_tcp_sock *s;
	struct pt_task *t;
	__u64 id;

	if (hist_mode)
		return;
	t = pt_task_get();
	if (!t)
		return;
	s = pt_tcp_sock_get(skey, sk);
	if (!s)
		return;
	w = &s->w[(s->head - 1) & (PT_TCP_WRITES - 1)];
	if (s->head && w->ts_syscall == t->ts[PT_STAGE_SYSCALL] && w->tid == t->tid)
		return;
	w = &s->w[s->head & (PT_TCP_WRITES - 1)];
	w->seq = BPF_CORE_READ((struct tcp_sock *)sk, write_seq);
	w->ts_syscall = t->ts[PT_STAGE_SYSCALL];
	w->ts_l4 = bpf_ktime_get_ns();
	w->l4_ip = l4_ip;
	w->nr = t->nr;
	id = bpf_get_current_pid_tgid();
	w->pid = id >> 32;
	w->tid = (__u32)id;
	pt_current_comm(w->comm);
	__builtin_memcpy(s->owner_comm, w->comm, sizeof(w->comm));
	s->owner_pid = w->pid;
	s->owner_tid = w->tid;
	s->head++;
}

/*
 * A TCP socket changes state: connect() makes it SYN_SENT in the caller's
 * task (its owner, whom the SYN names); closed, its record goes (the
 * address may be a new socket's next).
 */
static __always_inline void pt_on_tcp_state(const struct sock *sk, int newstate)
{
	struct pt_tcp_sock *s;
	__u64 skey;

	if (hist_mode || BPF_CORE_READ(sk, sk_protocol) != PT_IPPROTO_TCP)
		return;
	skey = pt_key(sk);
	if (newstate == PT_TCP_CLOSE) {
		bpf_map_delete_elem(&tcp_socks, &skey);
		return;
	}
	if (newstate != PT_TCP_SYN_SENT)
		return;
	s = pt_tcp_sock_get(skey, sk);
	if (!s)
		return;
	s->head = 0;
	s->snd_hi = 0;
	pt_tcp_owner_is_current(s);
}

/*
 * The write whose data @seq is: the latest that began at or before it
 * (a binary search: the writes kept are in sequence order, oldest at
 * head - n). NULL if it began before the oldest kept.
 *
 * Without a branch in the search: with one per step the verifier walked
 * each of its 2^7 ways through it (and through what follows it, in every
 * program that opens a TCP record), most of a program's load time. Once
 * [lo, hi) is one write wide, a step leaves it so.
 */
static __always_inline struct pt_tcp_write *pt_tcp_write_of(struct pt_tcp_sock *s, __u32 seq)
{
	__u32 n = s->head < PT_TCP_WRITES ? s->head : PT_TCP_WRITES;
	__u32 first = s->head - n, lo = 0, hi = n;	/* the answer is in [lo, hi) */
	__u32 base, off;

	if (!n)
		return NULL;
	base = s->w[first & (PT_TCP_WRITES - 1)].seq;
	off = seq - base;
	if ((__s32)off < 0)
		return NULL;
#pragma unroll
	for (int i = 0; i <= PT_TCP_WRITE_BITS; i++) {
		__u32 mid = (lo + hi) / 2;
		__u32 at = s->w[(first + mid) & (PT_TCP_WRITES - 1)].seq - base;
		__s64 d = (__s64)off - at;
		__u32 keep;

		barrier_var(d);	/* no compare for the compiler to branch on */
		keep = (__u32)~(d >> 63);	/* all ones if that write began at or before @seq */
		barrier_var(keep);
		lo += (mid - lo) & keep;
		hi = mid + ((hi - mid) & keep);
	}
	return &s->w[(first + lo) & (PT_TCP_WRITES - 1)];
}

/*
 * A TCP skb GSO will split, at its first sighting: its socket remembers
 * it, in case its consume_skb goes unseen (pt_gso_late).
 */
static __always_inline __u64 pt_tcp_gso_note(struct pt_tcp_sock *s, __u64 key, __u32 seq,
					     __u32 len)
{
	struct pt_tcp_gso *g = &s->gso[s->gso_next & (PT_TCP_GSO - 1)];
	__u64 old = g->key;

	g->key = key;
	g->seq = seq;
	g->end = seq + len;
	s->gso_next++;
	return old;	/* the note this one replaced (0: none) */
}

/* The record of the socket @skb is on, if one is kept. */
static __always_inline struct pt_tcp_sock *pt_tcp_sock_of(struct sk_buff *skb, bool trusted)
{
	struct sock *sk = trusted ? skb->sk : BPF_CORE_READ(skb, sk);
	__u64 skey;

	if (!sk)
		return NULL;
	skey = pt_sk_key(sk, trusted);
	return bpf_map_lookup_elem(&tcp_socks, &skey);
}

/* @s's note of the original whose sequence range holds @seq, or NULL. */
static __always_inline struct pt_tcp_gso *pt_tcp_gso_match(struct pt_tcp_sock *s, __u32 seq)
{
#pragma unroll
	for (int i = 0; i < PT_TCP_GSO; i++) {
		struct pt_tcp_gso *g = &s->gso[i];

		if (g->key && (__s32)(seq - g->seq) >= 0 && (__s32)(g->end - seq) > 0)
			return g;
	}
	return NULL;
}

/*
 * A TCP segment's first sighting: its sender. A task joined at the first
 * sighting is this segment's sender only if it wrote the data (found
 * below); otherwise its syscall and l4 stamps go (the stages stamped in
 * this context just before, ip and neigh, stay).
 */
static __always_inline void pt_tcp_attr(struct pt_event *ev, struct sk_buff *skb, __u64 key,
					bool trusted)
{
	struct pt_tcp_sock *s = pt_tcp_sock_of(skb, trusted);
	__u32 len = pt_flow_tcp_payload(&ev->flow), end;
	struct pt_tcp_write *w = NULL;

	if (s && len) {
		w = pt_tcp_write_of(s, ev->flow.tcp_seq);
		/* A GSO segment's original was checked (and raised the mark) */
		if (!(ev->flags & PT_EV_GSO)) {
			end = ev->flow.tcp_seq + len;
			if (s->snd_hi && (__s32)(end - s->snd_hi) <= 0)
				ev->flags |= PT_EV_RETRANS;
			else
				s->snd_hi = end;
			if (pt_gso_size(skb, trusted))
				pt_tcp_gso_note(s, key, ev->flow.tcp_seq, len);
		}
	}
	/*
	 * The stages the task stamped between its send and the queue (route,
	 * ip, neigh) are this segment's only if it left in the write() that
	 * queued its data; else they are another send's (or none: a route
	 * lookup in a write whose data went out later). Its sendq stamp is
	 * its own (per CPU, by skb), and so is its ip stamp with it.
	 */
	if (!(ev->flags & PT_EV_IN_SYSCALL) || !w || ev->ts[PT_STAGE_SYSCALL] != w->ts_syscall) {
#pragma unroll
		for (int i = PT_STAGE_L4 + 1; i < PT_STAGE_QUEUE; i++)
			if (i != PT_STAGE_SENDQ && (i != PT_STAGE_IP || !ev->ts[PT_STAGE_SENDQ]))
				ev->ts[i] = 0;
	}
	ev->flags &= ~(PT_EV_IN_SYSCALL | PT_EV_BY_WRITE | PT_EV_BY_OWNER | PT_EV_TCP_KERNEL);
	if (w) {
		ev->ts[PT_STAGE_SYSCALL] = w->ts_syscall;
		ev->ts[PT_STAGE_L4] = w->ts_l4;
		ev->l4_ip = w->l4_ip;
		ev->pid = w->pid;
		ev->tid = w->tid;
		ev->syscall_nr = w->nr;
		__builtin_memcpy(ev->comm, w->comm, sizeof(ev->comm));
		ev->flags |= PT_EV_IN_SYSCALL | PT_EV_BY_WRITE;
		return;
	}
	ev->ts[PT_STAGE_SYSCALL] = 0;
	ev->ts[PT_STAGE_L4] = 0;
	ev->l4_ip = 0;
	ev->syscall_nr = -1;
	if (s && s->owner_pid) {
		ev->pid = s->owner_pid;
		ev->tid = s->owner_tid;
		__builtin_memcpy(ev->comm, s->owner_comm, sizeof(ev->comm));
		ev->flags |= PT_EV_BY_OWNER;
	} else {
		ev->pid = 0;
		ev->tid = 0;
		__builtin_memset(ev->comm, 0, sizeof(ev->comm));
		ev->flags |= PT_EV_TCP_KERNEL;
	}
}

/*
 * The skb of record @r is consumed: if it is a TCP skb with data that
 * never reached the driver, GSO split it (validate_xmit_skb consumes the
 * original once its segments exist): its stages wait for them. True when
 * stashed (the record is not handed over).
 */
static __always_inline bool pt_gso_stash(struct pt_skb_ref *r, struct sk_buff *skb)
{
	struct pt_event *ev = r->ev;
	struct pt_gso_cpu *c;
	__u32 len;

	if (ev->flow.proto != PT_IPPROTO_TCP || (ev->flags & PT_EV_RX) ||
	    ev->ts[PT_STAGE_DRIVER] || ev->ts[PT_STAGE_COPY])
		return false;
	len = pt_flow_tcp_payload(&ev->flow);
	if (!len || !pt_gso_size(skb, true))
		return false;
	c = pt_gso_cpu();
	if (!c)
		return false;
	pt_gso_put(c, &ev->flow, len, ev->flags, ev->ts);
	return true;
}

/*
 * A segment of flow @f (@len bytes) matches no stashed original: its original's
 * consume_skb was not seen (the kernel skips a program that fires again on
 * a CPU where it is already running: softirq split the original while
 * this CPU ran the consume_skb program for another skb; counted in the
 * program's recursion_misses). Its record is live still: found through the
 * segment's socket, which noted it at its first sighting, stashed now and
 * no longer followed.
 */
static __always_inline bool pt_gso_late(struct pt_gso_cpu *c, struct sk_buff *skb, bool trusted,
					const struct pt_flow *f, __u32 len, struct pt_gso_seg *out)
{
	struct pt_tcp_sock *s = pt_tcp_sock_of(skb, trusted);
	struct pt_tcp_gso *g = s ? pt_tcp_gso_match(s, f->tcp_seq) : NULL;
	struct pt_skb_ref r;
	__u32 olen;

	if (!g)
		return false;
	olen = g->end - g->seq;
	if (!pt_skb_find(g->key, &r) || r.ev->flow.tcp_seq != g->seq ||
	    pt_flow_tcp_payload(&r.ev->flow) != olen || r.ev->ts[PT_STAGE_DRIVER]) {
		g->key = 0;
		return false;
	}
	g->key = 0;
	pt_gso_use(c, pt_gso_put(c, &r.ev->flow, olen, r.ev->flags, r.ev->ts), len, out);
	*r.owner = 0;	/* its segments carry its stages */
	return true;
}

/*
 * --hist: a TCP skb GSO will split, followed from its first sighting
 * (@key), noted on its socket (made here: --hist records no writes), in
 * case its consume_skb goes unseen (pt_hist_gso_late). Any other skb
 * costs two loads (its socket, the socket's protocol).
 */
static __always_inline void pt_hist_gso_note(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct sock *sk = trusted ? skb->sk : BPF_CORE_READ(skb, sk);
	struct pt_skb_facts sf;
	struct pt_tcp_sock *s;
	struct pt_flow f;
	__u32 len;

	/* A plain load where the pointer is typed: this runs for every packet */
	if (!sk || (trusted ? sk->sk_protocol : BPF_CORE_READ(sk, sk_protocol)) != PT_IPPROTO_TCP ||
	    !pt_gso_size(skb, trusted))
		return;
	pt_skb_read(skb, trusted, &sf);
	sf.nest = pt_nest(PT_STAGE_QUEUE);
	if (!pt_gso_tcp_flow(&sf, trusted, &f, &len))
		return;
	s = pt_tcp_sock_get(pt_sk_key(sk, trusted), sk);
	if (s && !pt_tcp_gso_note(s, key, f.tcp_seq, len))
		__sync_fetch_and_add(&hist_gso_noted, 1);
}

/* The note @g taken: no longer open. */
static __always_inline void pt_hist_gso_note_drop(struct pt_tcp_gso *g)
{
	g->key = 0;
	__sync_fetch_and_add(&hist_gso_noted, -1);
}

/* --hist: the original @key was seen split (stashed): its note goes. */
static __always_inline void pt_hist_gso_unnote(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_tcp_sock *s = pt_tcp_sock_of(skb, trusted);

	if (!s)
		return;
#pragma unroll
	for (int i = 0; i < PT_TCP_GSO; i++)
		if (s->gso[i].key == key) {
			pt_hist_gso_note_drop(&s->gso[i]);
			return;
		}
}

/*
 * --hist: a segment of flow @f (@len bytes) matching no stashed original:
 * its original's consume_skb went unseen, and its record is live still,
 * found through the segment's socket. Stashed now (into @out for this
 * segment) and ended; its note goes whatever is found.
 */
static __always_inline bool pt_hist_gso_late(struct pt_gso_cpu *c, struct sk_buff *skb,
					     bool trusted, const struct pt_flow *f, __u32 len,
					     struct pt_gso_seg *out)
{
	struct pt_tcp_sock *s = pt_tcp_sock_of(skb, trusted);
	struct pt_tcp_gso *g = s ? pt_tcp_gso_match(s, f->tcp_seq) : NULL;
	__u64 okey, ts[PT_STAGE_XMIT];
	struct pt_hrec *h;
	struct pt_flow of;
	__u32 olen;

	if (!g)
		return false;
	okey = g->key;
	olen = g->end - g->seq;
	of = *f;
	of.tcp_seq = g->seq;
	pt_hist_gso_note_drop(g);
	h = pt_hrec_find(okey);
	if (!h || h->off[PT_STAGE_DRIVER] || h->copy)
		return false;
	pt_hrec_stamps(h, h->first, ts);
	pt_gso_use(c, pt_gso_put(c, &of, olen, 0, ts), len, out);
	h->first = 0;	/* ended: its segments carry its stages */
	return true;
}

/*
 * An skb not followed reaches the driver: a segment of a stashed original
 * becomes a journey, with the original's stages up to the queue and the
 * xmit stage: the tap's stamp (@tap), else, under fentry or kprobe, that
 * of the dev_hard_start_xmit it is in. Anything else was left out (and
 * counted) at its first sighting.
 */
static __always_inline void pt_gso_take(struct sk_buff *skb, __u64 key, bool trusted, __u64 tap)
{
	struct pt_gso_cpu *c = pt_gso_cpu();
	struct pt_skb_facts sf;
	struct pt_gso_seg seg;
	enum pt_gso_found k;
	struct pt_event *ev;
	struct pt_flow f;
	bool keep;
	__u32 len;

	if (!c)
		return;
	k = pt_gso_find(c, skb, trusted, &sf, &f, &len, &seg);
	if (k == PT_GSO_NONE)
		return;
	keep = pt_expr_keep(&sf, false, trusted);	/* once: pt_rec_open skips it for PT_EV_GSO */
	if (k == PT_GSO_UNCLAIMED && keep && pt_gso_late(c, skb, trusted, &f, len, &seg))
		k = PT_GSO_FOUND;
	if (!pt_gso_kept(k == PT_GSO_FOUND, keep))
		return;
	ev = pt_rec_open(skb, key, trusted, PT_STAGE_DRIVER, PT_EV_GSO);
	if (!ev)
		return;
	__builtin_memcpy(ev->ts, seg.ts, sizeof(seg.ts));
	ev->flags |= seg.flags;
	ev->ts[PT_STAGE_XMIT] = tap ?: pt_gso_xmit_ts(c, &seg);
	pt_tcp_attr(ev, skb, key, trusted);
}

#endif /* PT_TCP_BPF_H */
