/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic handlers behind every hook, whatever attaches them (fentry,
 * kprobe or tracepoint entry points in pathtrace.bpf.c), and the maps they
 * share.
 *
 * Before a packet has an skb on the traced device, its stages are stamped
 * in the sending task's storage (syscall, l4, route, ip); at the first
 * sighting of the skb on the device they move into a per-skb record, in a
 * table slotted by the skb's address, which collects the later stages and is handed to
 * userspace, one ring-buffer record per packet, when the kernel frees the
 * skb.
 */
#ifndef PT_CORE_BPF_H
#define PT_CORE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "pathtrace.h"
#include "pt_flow.h"
#include "pt_hist.h"

/* Set by userspace before load. */
const volatile __u32 targ_ifindex = 0;
const volatile __u32 targ_netns = 0;	/* inode number of the device's netns */
/* Bitmap of the send syscalls' numbers (this architecture's). */
const volatile __u64 send_syscalls[PT_SYSCALL_BITMAP_WORDS] = {};
/* --hist: aggregate here, no record per packet; the reader's process. */
const volatile bool hist_mode = false;
const volatile bool hist_by_proto = false;
/* Another process reads the device: its reads are followed to their return. */
const volatile __u32 foreign_tgid = 0;
/* --echo: follow the packets written into the device too. */
const volatile bool rx_mode = false;
const volatile __u32 reader_tgid = 0;
/* The histogram generation being filled; userspace flips it to read the other. */
volatile __u8 hist_gen = 0;
/* --hist: the reader's last copied packet, for its own user-stage stamp. */
struct pt_reader_stamp reader_stamp = {};

/* A send syscall in progress in a task: its stages before the first skb. */
struct pt_task {
	__u64 ts[PT_STAGE_QUEUE];
	__u64 l4_ip;		/* which l4 function ran */
	__s64 nr;
	__u64 pending;		/* a foreign reader's task: the skb its read copied */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pt_task);
} tasks SEC(".maps");

/*
 * The followed packets, in a table of sets of PT_SKB_WAYS slots, a
 * packet's set by hash of its skb's address. A set's owners (skb addresses,
 * 0: free) share a cache line in skb_sets, so that finding or claiming a
 * slot touches one line; the records are in skbs, 256 bytes each in a
 * page-aligned (mmapable) array, so that a record starts a cache line
 * (--hist's are in hrecs, one line each, by the same slots). No
 * allocation, no lock, nothing moving between CPUs' free lists as a hash
 * map had per packet. A journey's slot is freed at its end; a packet whose
 * set is full is not followed, and counted. --hist frees no slot: see
 * pt_hrec_take. A slot's record: struct pt_slot (pathtrace.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PT_SKB_SETS);
	__type(key, __u32);
	__type(value, struct pt_skb_set);
} skb_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PT_MAX_SKBS);
	__type(key, __u32);
	__type(value, struct pt_slot);
} skbs SEC(".maps");

/* --hist: the records, one line each (pt_hist.h), by the slots of skb_sets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* page-aligned: a record is a line */
	__uint(max_entries, PT_MAX_SKBS);
	__type(key, __u32);
	__type(value, struct pt_hrec);
} hrecs SEC(".maps");

/* A record whose skb was never freed (its end unseen) gives way after this. */
#define PT_STALE_NS (10ull * 1000000000ull)

/*
 * An skb's key in the table: its address, less a fixed one (this
 * variable's). From tp_btf and fentry the skb is a typed pointer: the
 * verifier allows no arithmetic on it, nor copying it out as a number
 * without a helper call (a probe read, about 35 ns), but a privileged
 * program may subtract one pointer from another, which gives a plain number.
 * From a kprobe it is a number already: the base is read as one.
 */
__u8 pt_key_base SEC(".bss");

static __always_inline __u64 pt_key(const void *skb)
{
	return (__u64)skb - (__u64)&pt_key_base;
}

/* The base as a number, for keys from plain addresses. */
static __always_inline __u64 pt_key_base_raw(void)
{
	const void *base = &pt_key_base;
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &base);
	return v;
}

/* The key of a plain skb address (a kprobe's argument). */
static __always_inline __u64 pt_key_raw(const void *skb)
{
	return (__u64)skb - pt_key_base_raw();
}

/* A followed packet's place: its set's owner word, and its record. */
struct pt_skb_ref {
	__u64 *owner;
	struct pt_event *ev;
};

/* The set of @skb. */
static __always_inline __u32 pt_skb_set_idx(__u64 skb)
{
	return (__u32)((skb * 0x9E3779B97F4A7C15ull) >> (64 - PT_SKB_SET_BITS));
}

static __always_inline struct pt_skb_set *pt_skb_set_of(__u64 skb, __u32 *set)
{
	*set = pt_skb_set_idx(skb);
	return bpf_map_lookup_elem(&skb_sets, set);
}

/*
 * A followed packet's slot, in either mode: its owner word, and the index
 * of its record (in skbs, or --hist's in hrecs).
 */
struct pt_slot_ref {
	__u64 *owner;
	__u32 idx;
};

/* The slot of @skb, if it is followed. */
static __always_inline bool pt_slot_find(__u64 skb, struct pt_slot_ref *r)
{
	struct pt_skb_set *ws;
	__u32 set;

	ws = pt_skb_set_of(skb, &set);
	if (!ws)
		return false;
#pragma unroll
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		if (ws->skb[w] != skb)
			continue;
		r->owner = &ws->skb[w];
		r->idx = pt_slot_idx(set, w);
		return true;
	}
	return false;
}

static __always_inline struct pt_event *pt_skb_rec(__u32 idx)
{
	struct pt_slot *s = bpf_map_lookup_elem(&skbs, &idx);

	return s ? &s->ev : NULL;
}

/* The record of @skb, if it is followed. */
static __always_inline bool pt_skb_find(__u64 skb, struct pt_skb_ref *r)
{
	struct pt_slot_ref s;

	if (!pt_slot_find(skb, &s))
		return false;
	r->owner = s.owner;
	r->ev = pt_skb_rec(s.idx);
	return r->ev != NULL;
}

static __always_inline struct pt_hrec *pt_hrec_at(__u32 idx)
{
	return bpf_map_lookup_elem(&hrecs, &idx);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PT_RINGBUF_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_HIST_ENTRIES);
	__type(key, __u32);
	__type(value, struct pt_hist);
} hists SEC(".maps");

/*
 * Scratch space for the header bytes the key is parsed from (on the stack,
 * clang turns offsets into aligned buffers into pointer ORs, which the
 * verifier rejects).
 */
struct pt_scratch {
	__u8 l3[PT_L3_MIN];
	__u8 l4[PT_L4_MIN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_scratch);
} scratch SEC(".maps");

static __always_inline void pt_count(enum pt_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
}

/* The syscall number the current task is in (its entry registers). */
static __always_inline long pt_current_syscall(void)
{
	struct pt_regs *regs;

	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;	/* a BTF pointer: a direct load */
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ((struct user_pt_regs *)regs, regs[8]);
#else
#error "pathtrace: syscall number not known for this architecture"
#endif
}

/* The send syscall in progress in this task, or NULL. */
static __always_inline struct pt_task *pt_task_get(void)
{
	struct pt_task *t;

	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	if (!t || !t->ts[PT_STAGE_SYSCALL])
		return NULL;
	/* The stamps belong to this send only while the task is in it. */
	if (pt_current_syscall() != t->nr)
		return NULL;
	return t;
}

/* sys_enter: a send syscall starts the syscall stage of this task. */
static __always_inline void pt_on_syscall(long id)
{
	__u64 nr = (__u64)id;
	struct pt_task *t;

	if (nr >= PT_SYSCALL_BITMAP_WORDS * 64 ||
	    !(send_syscalls[nr / 64] & (1ULL << (nr % 64))))
		return;
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		pt_count(PT_CNT_NO_TASK_STORE);
		return;
	}
	__builtin_memset(t->ts, 0, sizeof(t->ts));
	t->ts[PT_STAGE_SYSCALL] = bpf_ktime_get_ns();
	t->l4_ip = 0;
	t->nr = nr;
}

/*
 * A stage before the skb reaches the device (l4, route, ip), by task. No
 * check that the task is still in its send syscall here (it costs a
 * register read per stage): the first sighting makes it, and a stamp made
 * outside the send is either reset by the next send's entry or left unused.
 */
static __always_inline struct pt_task *pt_on_task_stage(__u32 stage)
{
	struct pt_task *t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);

	if (!t || !t->ts[PT_STAGE_SYSCALL] || stage >= PT_STAGE_QUEUE || t->ts[stage])
		return NULL;
	t->ts[stage] = bpf_ktime_get_ns();
	return t;
}

/*
 * An skb took the task's stamps; a next skb of the same send (sendmmsg,
 * segments) stamps its own, and shares the syscall.
 */
static __always_inline void pt_task_stamps_taken(struct pt_task *t)
{
	__builtin_memset(&t->ts[PT_STAGE_L4], 0,
			 sizeof(t->ts) - sizeof(t->ts[PT_STAGE_SYSCALL]));
}

/* The socket's send (a function hook): also which function it was. */
static __always_inline void pt_on_l4(void *ctx)
{
	struct pt_task *t = pt_on_task_stage(PT_STAGE_L4);

	if (t)
		t->l4_ip = bpf_get_func_ip(ctx);
}

/* What the first sighting needs of an skb, read once. */
struct pt_skb_facts {
	unsigned char *head, *data;
	__u32 len, ifindex, netns;
	__u16 nh;
	__u16 proto;		/* skb->protocol, host order */
	__u32 iif;		/* skb->skb_iif: the device it came in on */
};

/*
 * @trusted: @skb is a BTF pointer (tp_btf, fentry) and its fields load
 * directly; from a kprobe it is a plain address, read with probe reads.
 */
static __always_inline void pt_skb_read(struct sk_buff *skb, bool trusted,
					struct pt_skb_facts *f)
{
	struct net_device *dev;

	if (trusted) {
		dev = skb->dev;
		f->ifindex = dev ? dev->ifindex : 0;
		f->netns = dev ? dev->nd_net.net->ns.inum : 0;
		f->head = skb->head;
		f->data = skb->data;
		f->nh = skb->network_header;
		f->len = skb->len;
		f->proto = bpf_ntohs(skb->protocol);
		f->iif = skb->skb_iif;
	} else {
		dev = BPF_CORE_READ(skb, dev);
		f->ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
		f->netns = dev ? BPF_CORE_READ(dev, nd_net.net, ns.inum) : 0;
		f->head = BPF_CORE_READ(skb, head);
		f->data = BPF_CORE_READ(skb, data);
		f->nh = BPF_CORE_READ(skb, network_header);
		f->len = BPF_CORE_READ(skb, len);
		f->proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
		f->iif = BPF_CORE_READ(skb, skb_iif);
	}
}

/* The network namespace of the socket an skb is queued on (0: none). */
static __always_inline __u32 pt_skb_sk_netns(struct sk_buff *skb, bool trusted)
{
	struct sock *sk;

	if (trusted) {
		sk = skb->sk;
		return sk ? sk->__sk_common.skc_net.net->ns.inum : 0;
	}
	sk = BPF_CORE_READ(skb, sk);
	return sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) : 0;
}

/* The packet's key, from its network header (see pt_flow.h). */
static __always_inline void pt_skb_flow(const struct pt_skb_facts *sf, struct pt_flow *f,
					struct pt_scratch *sc)
{
	unsigned char *nh = sf->head + sf->nh;
	__u32 avail;
	int off;

	/* Bytes of the packet from the network header on. */
	avail = sf->len + (__u32)(sf->data - sf->head) - sf->nh;
	if (avail > sf->len + 256)	/* network header not set yet */
		return;
	if (bpf_probe_read_kernel(sc->l3, sizeof(sc->l3), nh))
		return;
	if (sf->proto == PT_ETH_P_ARP) {
		pt_flow_arp(f, sc->l3, avail);
		return;
	}
	off = pt_flow_l3(f, sc->l3, avail);
	if (off < 0 || off > 60)
		return;
	if (bpf_probe_read_kernel(sc->l4, sizeof(sc->l4), nh + off))
		return;
	pt_flow_l4(f, sc->l4, avail > (__u32)off ? avail - off : 0);
}

/* When the journey in slot @idx opened, for its staleness (0: being opened). */
static __always_inline __u64 pt_slot_opened(__u32 idx)
{
	struct pt_event *ev = pt_skb_rec(idx);

	return ev ? ev->t_open : 0;
}

/*
 * A journey's slot for @skb, first seen now: true when claimed (a free
 * way, else one whose owner is stale: its skb's end was never seen). False
 * when it is followed already (@r its slot: a second pass through the
 * device layer), or when its set is full (@r->owner NULL).
 */
static __always_inline bool pt_slot_claim(__u64 skb, __u64 now, struct pt_slot_ref *r)
{
	struct pt_skb_set *ws;
	__u32 set;

	r->owner = NULL;
	if (pt_slot_find(skb, r))
		return false;
	ws = pt_skb_set_of(skb, &set);
	if (!ws)
		return false;
#pragma unroll
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		if (ws->skb[w] || __sync_val_compare_and_swap(&ws->skb[w], 0, skb))
			continue;	/* taken, or another CPU took it first */
		r->owner = &ws->skb[w];
		r->idx = pt_slot_idx(set, w);
		return true;
	}
#pragma unroll
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		__u32 idx = pt_slot_idx(set, w);
		__u64 old = ws->skb[w], t;

		if (!old)
			continue;
		t = pt_slot_opened(idx);
		if (!t || now - t < PT_STALE_NS)
			continue;
		if (__sync_val_compare_and_swap(&ws->skb[w], old, skb) != old)
			continue;
		pt_count(PT_CNT_STALE);
		r->owner = &ws->skb[w];
		r->idx = idx;
		return true;
	}
	pt_count(PT_CNT_MAP_FULL);
	return false;
}

/*
 * @skb's record if it is followed already (returns false), or a slot
 * claimed for it (returns true). r->ev is NULL when the set is full.
 */
static __always_inline bool pt_skb_open(__u64 skb, __u64 now, struct pt_skb_ref *r)
{
	struct pt_slot_ref s;
	bool claimed = pt_slot_claim(skb, now, &s);

	r->owner = s.owner;
	r->ev = s.owner ? pt_skb_rec(s.idx) : NULL;
	return claimed;
}

/*
 * Open the record of @skb, first seen at @stage on the traced device, if it
 * has none: NULL when it had one (stamped at @stage if that was not), or
 * when it is not the device's, or no slot was free. @flags (PT_EV_*) go
 * into the record; with PT_EV_CLONE, @skb is a received packet's clone (a
 * raw socket's copy), and the device that counts is the one it came in on.
 */
static __always_inline struct pt_event *pt_rec_open(struct sk_buff *skb, __u64 key,
						    bool trusted, __u32 stage, __u32 flags)
{
	__u64 now = bpf_ktime_get_ns();
	struct pt_skb_facts sf;
	struct pt_skb_ref r;
	struct pt_scratch *sc;
	struct pt_event *ev;
	__u32 zero = 0;

	pt_skb_read(skb, trusted, &sf);
	if (flags & PT_EV_CLONE) {
		/*
		 * Queued on a socket, a packet has lost its device: it came in
		 * on ours if its input interface is ours, in the namespace of
		 * the socket that has it.
		 */
		if (sf.iif != targ_ifindex ||
		    (sf.netns ? sf.netns : pt_skb_sk_netns(skb, trusted)) != targ_netns)
			return NULL;
	} else if (sf.ifindex != targ_ifindex || sf.netns != targ_netns) {
		return NULL;
	}
	sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc)
		return NULL;
	if (!pt_skb_open(key, now, &r)) {
		/* Seen already (a second pass through the device layer). */
		if (r.ev && stage < PT_NR_KSTAGES && !r.ev->ts[stage])
			r.ev->ts[stage] = now;
		return NULL;
	}
	ev = r.ev;
	if (!ev) {	/* never: the index is in range; give the slot back */
		*r.owner = 0;
		return NULL;
	}
	__builtin_memset(ev->ts, 0, sizeof(*ev) - offsetof(struct pt_event, ts));
	ev->skb = key;
	if (stage < PT_NR_KSTAGES)
		ev->ts[stage] = now;
	ev->len = sf.len;
	pt_skb_flow(&sf, &ev->flow, sc);
	ev->t_open = now;
	ev->flags = flags;
	ev->ifindex = targ_ifindex;
	ev->syscall_nr = -1;
	return ev;
}

/*
 * A new record takes the stages its task stamped before the skb existed
 * (slots below @upto): the sender's send, or the writer's write.
 */
static __always_inline void pt_rec_join_task(struct pt_event *ev, int upto)
{
	struct pt_task *t = pt_task_get();

	if (!t)
		return;
	for (int i = 0; i < PT_STAGE_QUEUE; i++)
		if (i < upto)
			ev->ts[i] = t->ts[i];
	pt_task_stamps_taken(t);
	__u64 id = bpf_get_current_pid_tgid();

	ev->l4_ip = t->l4_ip;
	ev->pid = id >> 32;
	ev->tid = (__u32)id;
	ev->syscall_nr = t->nr;
	ev->flags |= PT_EV_IN_SYSCALL;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/* ---- --hist: one record line per packet (struct pt_hrec), histograms in the kernel ---- */

/*
 * --hist keeps the set lines to the senders: the reader neither writes
 * nor reads them. A line the reader's CPU touched (even only read) is
 * gone from the sender's cache the next time it looks in that set: it
 * waited for the line, about 200 ns per packet and most of what --hist
 * cost a sender, when the reader found packets by their set and freed
 * their slots. So the reader finds a packet by its record, which holds
 * its key (pt_hrec_probe), and ends it there (pt_hrec_live); a sender only
 * writes a record when it takes one, and reads it back only for its own
 * packet's later stages. No slot is freed.
 *
 * A packet sent takes, in its set, the way its skb's address had last
 * (that skb is gone: a new one has its address), else the way sent
 * longest ago (a way never used was sent at 0). That one has ended unless
 * the set holds more packets in flight than it has ways; a packet whose
 * way is taken so is not followed, and counted. No lock either: two CPUs
 * sending into one set at the same instant may take one way, and one of
 * the two packets is not followed, uncounted. What this gives up
 * against a journey: a packet queued on the device twice starts its
 * record again, where a journey notes the second pass.
 */

/* Keep the stores on either side in order (a record's key and first stamp). */
#define pt_store_order() asm volatile("" ::: "memory")

/* The live record of @skb, a sender's own packet: by its set's line. */
static __always_inline struct pt_hrec *pt_hrec_find(__u64 skb)
{
	struct pt_slot_ref s;
	struct pt_hrec *h;

	if (!pt_slot_find(skb, &s))
		return NULL;
	h = pt_hrec_at(s.idx);
	return h && pt_hrec_live(h, skb) ? h : NULL;
}

/* The live record of @skb, for the reader: among its set's records. */
static __always_inline struct pt_hrec *pt_hrec_probe(__u64 skb)
{
	__u32 set = pt_skb_set_idx(skb);

#pragma unroll
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		struct pt_hrec *h = pt_hrec_at(pt_slot_idx(set, w));

		if (h && pt_hrec_live(h, skb))
			return h;
	}
	return NULL;
}

/* Whether @skb is on the traced device (its ifindex, in its network namespace). */
static __always_inline bool pt_skb_on_target(struct sk_buff *skb, bool trusted)
{
	struct net_device *dev = trusted ? skb->dev : BPF_CORE_READ(skb, dev);

	if (!dev)
		return false;
	if (trusted)
		return dev->ifindex == targ_ifindex && dev->nd_net.net->ns.inum == targ_netns;
	return BPF_CORE_READ(dev, ifindex) == targ_ifindex &&
	       BPF_CORE_READ(dev, nd_net.net, ns.inum) == targ_netns;
}

/* A record for @skb, sent now, in its set's line (see above). */
static __always_inline struct pt_hrec *pt_hrec_take(__u64 skb, __u64 now)
{
	struct pt_skb_set *ws;
	__u32 set, w, pick = 0;
	struct pt_hrec *h;

	ws = pt_skb_set_of(skb, &set);
	if (!ws)
		return NULL;
#pragma unroll
	for (w = 0; w < PT_SKB_WAYS; w++) {
		if (ws->skb[w] == skb)
			break;
		if (ws->sent[w] < ws->sent[pick])
			pick = w;
	}
	if (w < PT_SKB_WAYS)
		pick = w;
	pick &= PT_SKB_WAYS - 1;
	h = pt_hrec_at(pt_slot_idx(set, pick));
	/*
	 * Another packet's way: a look at its record, which costs the wait
	 * for its line, but this is rare (about 1 packet in 1000 at full
	 * rate here: an skb's address mostly comes back).
	 */
	if (w == PT_SKB_WAYS && ws->skb[pick] && h && pt_hrec_live(h, ws->skb[pick]))
		pt_count(PT_CNT_MAP_FULL);	/* in flight still: not followed */
	ws->skb[pick] = skb;
	ws->sent[pick] = now;
	return h;
}

/* @ts as an offset from @first (0 stays 0: unseen). */
static __always_inline __u32 pt_hoff(__u64 ts, __u64 first)
{
	if (!ts)
		return 0;
	if (ts < first || ts - first >= PT_HOFF_FAR)
		return PT_HOFF_FAR;
	return (__u32)(ts - first) + 1;
}

/*
 * First sighting of an skb sent to the traced device: its record takes the
 * stages its task stamped before the skb existed, and now (the queue's).
 */
static __always_inline void pt_hist_open(struct sk_buff *skb, __u64 key, bool trusted)
{
	__u64 now = bpf_ktime_get_ns(), first;
	struct pt_skb_facts sf;
	struct pt_task *t;
	struct pt_hrec *h;

	if (!pt_skb_on_target(skb, trusted))
		return;
	h = pt_hrec_take(key, now);
	if (!h)		/* never: the index is in range */
		return;
	/* Not live while written: a reader still at the way's last packet lets it be. */
	h->first = 0;
	h->key = key;
	pt_store_order();
	t = pt_task_get();
	first = t ? t->ts[PT_STAGE_SYSCALL] : now;
#pragma unroll
	for (int i = 0; i < PT_STAGE_QUEUE; i++)
		h->off[i] = t ? pt_hoff(t->ts[i], first) : 0;
	h->off[PT_STAGE_QUEUE] = pt_hoff(now, first);
#pragma unroll
	for (int i = PT_STAGE_QUEUE + 1; i < PT_STAGE_COPY; i++)
		h->off[i] = 0;
	h->copy = 0;
	h->pclass = 0;
	if (hist_by_proto) {
		struct pt_flow f = {};
		__u32 zero = 0;
		struct pt_scratch *sc = bpf_map_lookup_elem(&scratch, &zero);

		if (sc) {
			pt_skb_read(skb, trusted, &sf);
			pt_skb_flow(&sf, &f, sc);
			h->pclass = pt_hist_pclass(f.proto);
		}
	}
	pt_store_order();
	h->first = first;	/* last: live from here */
	if (t)
		pt_task_stamps_taken(t);
}

/* A later stage of a followed packet, below the copy. */
static __always_inline void pt_hist_stage(__u64 key, __u32 stage)
{
	struct pt_hrec *h = pt_hrec_find(key);

	if (h && stage < PT_STAGE_COPY && !h->off[stage])
		h->off[stage] = pt_hoff(bpf_ktime_get_ns(), h->first);
}

/* The reader's copy (of any datagram: the device's are looked up). */
static __always_inline void pt_hist_copy(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_hrec *h;

	if (!pt_skb_on_target(skb, trusted))
		return;
	h = pt_hrec_probe(key);
	if (h && !h->copy)
		h->copy = bpf_ktime_get_ns();
}

/*
 * Plain adds: a packet's transitions are added when it is freed after the
 * copy, in the reader's task (tun_do_read), one packet at a time.
 */
static __always_inline void pt_hist_add(__u8 pclass, __u8 from, __u8 to, __u64 d)
{
	__u32 idx = pt_hist_index(hist_gen & 1, pclass, from, to);
	struct pt_hist *h = bpf_map_lookup_elem(&hists, &idx);

	if (h)		/* always: the index is in range */
		pt_hist_put(h, d);
}

/*
 * The skb is freed: its kernel transitions go into the histograms; for the
 * last two (copy -> user, and the whole way) the reader adds its clock
 * after read() returns, from reader_stamp. The record has ended.
 */
static __always_inline void pt_hist_end(struct sk_buff *skb, __u64 key, enum pt_end end)
{
	struct pt_hrec *h;
	__u64 prev = 0, first;
	__u8 pclass, from = 0;

	if (!pt_skb_on_target(skb, true))
		return;
	h = pt_hrec_probe(key);
	if (!h)
		return;
	first = h->first;
	pclass = h->pclass < PT_HIST_PCLASSES ? h->pclass : 0;
	h->first = 0;		/* ended (this line is the record's, not the set's) */
	if (!h->copy) {
		pt_count(end == PT_END_DROPPED ? PT_CNT_DROPPED : PT_CNT_UNREAD);
		return;
	}
	for (int s = 0; s < PT_NR_KSTAGES; s++) {
		__u32 o = s < PT_STAGE_COPY ? h->off[s] : 1;
		__u64 ts = s < PT_STAGE_COPY ? first + o - 1 : h->copy;

		if (!o)
			continue;
		if (o == PT_HOFF_FAR || ts < prev) {
			pt_count(PT_CNT_REORDERED);
			continue;
		}
		if (prev)
			pt_hist_add(pclass, from, s, ts - prev);
		prev = ts;
		from = s;
	}
	if ((bpf_get_current_pid_tgid() >> 32) == reader_tgid) {
		reader_stamp.first = first;
		reader_stamp.copy = h->copy;
		reader_stamp.pclass = pclass;
		/* Written in the reader's read(), read by it once read() returns: no race. */
		reader_stamp.seq++;
	}
}

/* First sighting of an skb sent to the traced device (at the queue stage). */
static __always_inline void pt_on_skb_first(struct sk_buff *skb, bool trusted)
{
	__u64 key = trusted ? pt_key(skb) : pt_key_raw(skb);
	struct pt_event *ev;

	if (hist_mode) {
		pt_hist_open(skb, key, trusted);
		return;
	}
	ev = pt_rec_open(skb, key, trusted, PT_STAGE_QUEUE, 0);
	if (ev)
		pt_rec_join_task(ev, PT_STAGE_QUEUE);
}

/*
 * --echo: first sighting of a packet written into the traced device, as
 * the stack takes it (netif_receive_skb, in the writer's task).
 */
static __always_inline void pt_on_rx_first(struct sk_buff *skb)
{
	struct pt_event *ev;

	if (!rx_mode)
		return;
	ev = pt_rec_open(skb, pt_key(skb), true, PT_RX_NETIF, PT_EV_RX);
	if (ev)
		pt_rec_join_task(ev, PT_RX_TUN + 1);
}

/* A later stage of a followed skb. */
static __always_inline void pt_on_skb_stage(__u64 key, __u32 stage)
{
	struct pt_skb_ref r;

	if (hist_mode)
		pt_hist_stage(key, stage);
	else if (pt_skb_find(key, &r) && !r.ev->ts[stage])
		r.ev->ts[stage] = bpf_ktime_get_ns();
}

/*
 * A late stage on the way in (the socket queue, the application's copy): a
 * packet not followed may be a raw socket's clone of one that is; it is
 * followed from here, and userspace joins the two.
 */
static __always_inline struct pt_event *pt_on_rx_late(struct sk_buff *skb, __u64 key,
						      bool trusted, __u32 stage)
{
	struct pt_skb_ref r;

	if (pt_skb_find(key, &r)) {
		if (!r.ev->ts[stage])
			r.ev->ts[stage] = bpf_ktime_get_ns();
		return r.ev;
	}
	if (!rx_mode)
		return NULL;
	return pt_rec_open(skb, key, trusted, stage, PT_EV_RX | PT_EV_CLONE);
}

/* dev_hard_start_xmit: a list of skbs, linked by skb->next. */
static __always_inline void pt_on_skb_list_stage(struct sk_buff *skb,
						 enum pt_stage stage, bool trusted)
{
	__u64 base = trusted ? 0 : pt_key_base_raw();

	for (int i = 0; i < PT_MAX_XMIT_LIST && skb; i++) {
		if (trusted) {
			pt_on_skb_stage(pt_key(skb), stage);
			skb = skb->next;
		} else {
			pt_on_skb_stage((__u64)skb - base, stage);
			skb = BPF_CORE_READ(skb, next);
		}
	}
}

/* Hand a record over (ring buffer full: counted) and free its slot. */
static __always_inline void pt_rec_submit(struct pt_skb_ref *r, enum pt_end end, __u32 reason)
{
	struct pt_event *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (rec) {
		__builtin_memcpy(rec, r->ev, sizeof(*rec));
		rec->end = end;
		rec->drop_reason = reason;
		/*
		 * No wake-up per record (it costs more than the record): the
		 * reader drains the ring after each read() and at least every
		 * 100 ms. Only a ring filling up (a flood of drops) wakes it.
		 */
		bpf_ringbuf_submit(rec, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >
				   PT_RINGBUF_BYTES / 4 ? BPF_RB_FORCE_WAKEUP :
				   BPF_RB_NO_WAKEUP);
	} else {
		pt_count(PT_CNT_RB_FULL);
	}
	*r->owner = 0;	/* the slot is free again */
}

/*
 * A read() copies the skb out: the tun reader's (on the way out), or the
 * receiving application's (on the way in). That is the end of the way in:
 * the record goes now (a UDP socket frees the skb without consume_skb).
 */
static __always_inline void pt_on_skb_copy(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_skb_ref r;
	struct pt_event *ev;
	__u64 id;

	if (hist_mode) {
		pt_hist_copy(skb, key, trusted);
		return;
	}
	ev = pt_on_rx_late(skb, key, trusted, PT_STAGE_COPY);
	if (!ev || ev->copy_pid)
		return;
	id = bpf_get_current_pid_tgid();
	ev->copy_pid = id >> 32;
	ev->copy_tid = (__u32)id;
	bpf_get_current_comm(ev->copy_comm, sizeof(ev->copy_comm));
	if ((ev->flags & PT_EV_RX) && pt_skb_find(key, &r))
		pt_rec_submit(&r, PT_END_CONSUMED, 0);
}

/* The skb is freed: hand its record over (or count it) and forget it. */
static __always_inline void pt_on_skb_end(struct sk_buff *skb, __u64 key, enum pt_end end,
					  __u32 reason)
{
	struct pt_skb_ref r;

	if (hist_mode) {
		pt_hist_end(skb, key, end);
		return;
	}
	if (!pt_skb_find(key, &r))
		return;
	/*
	 * A foreign reader's read() frees the skb it copied before it
	 * returns: the record waits for that return (pt_on_read_return).
	 */
	if (foreign_tgid && r.ev->copy_pid == foreign_tgid &&
	    (bpf_get_current_pid_tgid() >> 32) == foreign_tgid) {
		struct pt_task *t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
							 BPF_LOCAL_STORAGE_GET_F_CREATE);

		if (t) {
			t->pending = key;
			return;
		}
	}
	pt_rec_submit(&r, end, reason);
}

/* sys_exit in a foreign reader: the user stage of the packet its read copied. */
static __always_inline void pt_on_read_return(void)
{
	struct pt_skb_ref r;
	struct pt_task *t;
	__u64 key;

	if ((bpf_get_current_pid_tgid() >> 32) != foreign_tgid || !foreign_tgid)
		return;
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	if (!t || !t->pending)
		return;
	key = t->pending;
	t->pending = 0;
	if (!pt_skb_find(key, &r))
		return;
	r.ev->t_user = bpf_ktime_get_ns();
	pt_rec_submit(&r, PT_END_CONSUMED, 0);
}

#endif /* PT_CORE_BPF_H */
