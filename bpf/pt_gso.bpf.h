/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GSO, for both modes. A TUN device without offloads has no TSO: TCP's
 * large skb is split into segments after the qdisc (validate_xmit_skb),
 * each a new skb, and the original is consumed there. At that consume its
 * stages (up to the queue) wait in a small per-CPU stash, keyed by
 * connection and sequence range; each segment's first sighting on the
 * device (the driver stage, on the same CPU, in the same
 * dev_hard_start_xmit) takes them, and the original is not reported.
 * Journeys stash from their record (pt_gso_stash, pt_tcp.bpf.h), --hist
 * from its record line and the original's own bytes (pt_hist.bpf.h).
 */
#ifndef PT_GSO_BPF_H
#define PT_GSO_BPF_H

#include "pt_config.bpf.h"
#include "pt_skb.bpf.h"
#include "pt_filter.bpf.h"

#define PT_GSO_STASH 8		/* split originals waiting for their segments, per CPU */

/* An original split by GSO, waiting for its segments. */
struct pt_gso {
	__u64 conn;		/* its connection (pt_gso_conn); 0: empty */
	__u32 seq, end;		/* its sequence range */
	__s32 left;		/* payload bytes no segment has taken yet */
	__u32 flags;		/* its PT_EV_RETRANS */
	__u64 ts[PT_STAGE_XMIT];	/* its stages up to the queue (0: unseen) */
};

struct pt_gso_cpu {
	struct pt_gso e[PT_GSO_STASH];
	__u64 xmit_ts;		/* the last dev_hard_start_xmit with a stranger in its list */
	__u32 next;		/* the next entry to fill (unmasked) */
	__u32 live;		/* entries not empty */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_gso_cpu);
} gso_stash SEC(".maps");

/*
 * --hist: TCP originals noted on their socket and neither stashed nor
 * rescued yet (pt_tcp.bpf.h, pt_hist_gso_note): while there are some, a
 * stranger at the driver may be a segment of one whose consume_skb went
 * unseen.
 */
__u32 hist_gso_noted = 0;

/* A connection's identity: a hash of its addresses and ports (never 0). */
static __always_inline __u64 pt_gso_conn(const struct pt_flow *f)
{
	const __u32 *a = (const __u32 *)f->saddr;
	__u64 h = ((__u64)f->sport << 16 | f->dport) * 0x9E3779B97F4A7C15ull;

#pragma unroll
	for (int i = 0; i < 8; i++)
		h = (h ^ a[i]) * 0x100000001B3ull;
	return h | 1;
}

/* The skb's gso_size: non-zero if GSO will split it. */
static __always_inline __u16 pt_gso_size(struct sk_buff *skb, bool trusted)
{
	struct skb_shared_info *sh;
	__u16 size = 0;

	if (trusted)
		sh = (struct skb_shared_info *)(skb->head + skb->end);
	else
		sh = (struct skb_shared_info *)(BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end));
	if (bpf_probe_read_kernel(&size, sizeof(size), &sh->gso_size))
		return 0;
	return size;
}

/* This CPU's stash of split originals. */
static __always_inline struct pt_gso_cpu *pt_gso_cpu(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gso_stash, &zero);
}

/*
 * Stash the original of flow @f (@len payload bytes, @flags its
 * PT_EV_RETRANS) with its stages @ts, for its segments.
 */
static __always_inline struct pt_gso *pt_gso_put(struct pt_gso_cpu *c, const struct pt_flow *f,
						 __u32 len, __u32 flags, const __u64 *ts)
{
	struct pt_gso *e = &c->e[c->next & (PT_GSO_STASH - 1)];

	if (!e->conn)
		c->live++;
	c->next++;
	e->conn = pt_gso_conn(f);
	e->seq = f->tcp_seq;
	e->end = f->tcp_seq + len;
	e->left = len;
	e->flags = flags & PT_EV_RETRANS;
	__builtin_memcpy(e->ts, ts, sizeof(e->ts));
	return e;
}

/* What a segment takes from its split original. */
struct pt_gso_seg {
	__u64 ts[PT_STAGE_XMIT];	/* the original's stages up to the queue */
	__u32 flags;			/* its PT_EV_RETRANS */
};

/*
 * A segment of @len payload bytes takes its stages from the stashed
 * original @e (into @out); the original is done once its segments have
 * taken all its bytes. Copied out, not pointed to: the verifier then
 * follows one way on from the search, not one per stash entry.
 */
static __always_inline void pt_gso_use(struct pt_gso_cpu *c, struct pt_gso *e, __u32 len,
				       struct pt_gso_seg *out)
{
	__builtin_memcpy(out->ts, e->ts, sizeof(out->ts));
	out->flags = e->flags;
	e->left -= (__s32)len;
	if (e->left <= 0) {
		e->conn = 0;
		c->live--;
	}
}

/* dev_hard_start_xmit with an skb of its list not followed: maybe a segment. */
static __always_inline void pt_gso_xmit_mark(void)
{
	struct pt_gso_cpu *c = pt_gso_cpu();

	if (c && c->live)
		c->xmit_ts = bpf_ktime_get_ns();
}

/* The xmit stage of a segment (@seg) whose list @c saw: 0 if not seen after its queue. */
static __always_inline __u64 pt_gso_xmit_ts(const struct pt_gso_cpu *c, const struct pt_gso_seg *seg)
{
	return seg->ts[PT_STAGE_QUEUE] && c->xmit_ts >= seg->ts[PT_STAGE_QUEUE] ? c->xmit_ts : 0;
}

/*
 * The segment at sequence number @seq of connection @conn, @len bytes,
 * takes its stages (into @out) from the stashed original whose range holds
 * it. False if none does.
 */
static __always_inline bool pt_gso_claim(struct pt_gso_cpu *c, __u64 conn, __u32 seq, __u32 len,
					 struct pt_gso_seg *out)
{
#pragma unroll
	for (int i = 0; i < PT_GSO_STASH; i++) {
		struct pt_gso *e = &c->e[i];

		if (e->conn == conn && (__s32)(seq - e->seq) >= 0 && (__s32)(e->end - seq) > 0) {
			pt_gso_use(c, e, len, out);
			return true;
		}
	}
	return false;
}

/*
 * The TCP key (@f, @len its payload) of the skb whose facts @sf holds,
 * parsed in @sf's nesting level's scratch: false if it is not TCP data.
 */
static __always_inline bool pt_gso_tcp_flow(const struct pt_skb_facts *sf, bool trusted,
					    struct pt_flow *f, __u32 *len)
{
	struct pt_scratch *sc = bpf_map_lookup_elem(&scratch, &sf->nest);

	if (!sc)
		return false;
	__builtin_memset(f, 0, sizeof(*f));
	pt_skb_flow(sf, f, sc, trusted);
	*len = pt_flow_tcp_payload(f);
	return f->proto == PT_IPPROTO_TCP && *len;
}

/* What an skb not followed at the driver is (pt_gso_find). */
enum pt_gso_found {
	PT_GSO_NONE = 0,	/* not TCP data on the traced device: not a segment */
	PT_GSO_FOUND,		/* a segment: its original's stages are in the seg */
	PT_GSO_UNCLAIMED,	/* TCP data on the device, matching no stashed original */
};

/*
 * An skb not followed reaches the driver: read its facts (@sf) and key
 * (@f, @len its TCP payload), and take its original's stages if it is a
 * segment of a stashed one. Its bytes are taken from the original whether
 * the filter keeps it or not.
 */
static __always_inline enum pt_gso_found pt_gso_find(struct pt_gso_cpu *c, struct sk_buff *skb,
						     bool trusted, struct pt_skb_facts *sf,
						     struct pt_flow *f, __u32 *len,
						     struct pt_gso_seg *seg)
{
	pt_skb_read(skb, trusted, sf);
	sf->nest = pt_nest(PT_STAGE_DRIVER);
	if (sf->ifindex != targ_ifindex || sf->netns != targ_netns ||
	    !pt_gso_tcp_flow(sf, trusted, f, len))
		return PT_GSO_NONE;
	if (c->live && pt_gso_claim(c, pt_gso_conn(f), f->tcp_seq, *len, seg))
		return PT_GSO_FOUND;
	return PT_GSO_UNCLAIMED;
}

/*
 * Whether a segment is followed: @found its original, @keep the
 * expression's verdict on it. A segment of TCP data on the device that
 * the expression keeps and that matches no original is counted, never
 * silent (not with --pid/--comm: its original may have been left out);
 * one the filters leave out is counted as such.
 */
static __always_inline bool pt_gso_kept(bool found, bool keep)
{
	if (!found) {
		if (keep && !proc_filter)
			pt_count(PT_CNT_GSO_MISS);
		return false;
	}
	if (!keep || (proc_filter && (!pt_in_send() || !pt_proc_match()))) {
		pt_count(PT_CNT_FILTERED);
		return false;
	}
	return true;
}

#endif /* PT_GSO_BPF_H */
