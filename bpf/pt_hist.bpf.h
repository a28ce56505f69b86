/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --hist: one record line per packet (struct pt_hrec) by the slots of the
 * table, with a way chosen of its own (no slot is freed), and the
 * histograms filled in the kernel.
 */
#ifndef PT_HIST_BPF_H
#define PT_HIST_BPF_H

#include "pt_config.bpf.h"
#include "pt_task.bpf.h"
#include "pt_skb.bpf.h"
#include "pt_slots.bpf.h"
#include "pt_filter.bpf.h"
#include "pt_gso.bpf.h"

/* --hist: the records, one line each (pt_hist.h), by the slots of skb_sets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* page-aligned: a record is a line */
	__uint(max_entries, PT_MAX_SKBS);
	__type(key, __u32);
	__type(value, struct pt_hrec);
} hrecs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_HIST_ENTRIES);
	__type(key, __u32);
	__type(value, struct pt_hist);
} hists SEC(".maps");

/* Drops by stage and reason (pt_hist.h), added to by any CPU: rare. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_HDROP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} hdrops SEC(".maps");

static __always_inline struct pt_hrec *pt_hrec_at(__u32 idx)
{
	return bpf_map_lookup_elem(&hrecs, &idx);
}

/*
 * --hist keeps the set lines to the senders: the reader neither writes
 * nor reads them. A line the reader's CPU touched (even only read) is
 * gone from the sender's cache the next time it looks in that set, and
 * waiting for it was most of what --hist cost a sender when the reader
 * found packets by their set and freed their slots. So the reader finds a packet by its record, which holds
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

/*
 * The TCP original whose consume_skb goes unseen (the kernel skipped the
 * program, nested in itself): noted on its socket at its first sighting,
 * found there by its segments (pt_tcp.bpf.h, as pt_gso_late for journeys).
 */
static __always_inline void pt_hist_gso_note(struct sk_buff *skb, __u64 key, bool trusted);
static __always_inline void pt_hist_gso_unnote(struct sk_buff *skb, __u64 key, bool trusted);
static __always_inline bool pt_hist_gso_late(struct pt_gso_cpu *c, struct sk_buff *skb,
					     bool trusted, const struct pt_flow *f, __u32 len,
					     struct pt_gso_seg *out);

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
	 * for its line, but this is rare: an skb's address mostly comes back.
	 */
	if (w == PT_SKB_WAYS && ws->skb[pick] && h && pt_hrec_live(h, ws->skb[pick]))
		pt_count(PT_CNT_MAP_FULL);	/* in flight still: not followed */
	ws->skb[pick] = skb;
	ws->sent[pick] = now;
	return h;
}

/*
 * The record line of @key, sent now, being written: not live until its
 * first stamp is (a reader still at the way's last packet lets it be).
 * NULL: never, the index is in range.
 */
static __always_inline struct pt_hrec *pt_hrec_begin(__u64 key, __u64 now)
{
	struct pt_hrec *h = pt_hrec_take(key, now);

	if (!h)
		return NULL;
	h->first = 0;
	h->key = key;
	pt_store_order();
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
	struct pt_skb_facts sf = {};
	__u64 now, first, sendq, ip = 0;
	struct pt_parked pk;
	struct pt_task *t;
	struct pt_hrec *h;
	bool parked;

	if (pkt_filter || proc_filter || hist_by_proto) {
		/* The facts the filters and the class need tell the device too. */
		pt_skb_read(skb, trusted, &sf);
		sf.nest = pt_nest(PT_STAGE_QUEUE);
		if (sf.ifindex != targ_ifindex || sf.netns != targ_netns ||
		    !pt_first_keep(&sf, false, false, trusted))
			return;
	} else if (!pt_skb_on_target(skb, trusted)) {
		return;
	}
	now = bpf_ktime_get_ns();	/* the clock only for a packet followed */
	h = pt_hrec_begin(key, now);
	if (!h)
		return;
	parked = pt_parked_take(key, &pk);
	t = parked ? &pk.t : pt_task_get();
	sendq = pt_sendq_take(skb, key, trusted, &ip);
	first = t ? t->ts[PT_STAGE_SYSCALL] : sendq ?: now;
#pragma unroll
	for (int i = 0; i < PT_STAGE_QUEUE; i++)
		h->off[i] = t ? pt_hoff(t->ts[i], first) : 0;
	if (sendq) {	/* TCP's: its own, not its task's */
		h->off[PT_STAGE_SENDQ] = pt_hoff(sendq, first);
		h->off[PT_STAGE_IP] = pt_hoff(ip, first);
	}
	h->off[PT_STAGE_QUEUE] = pt_hoff(now, first);
#pragma unroll
	for (int i = PT_STAGE_QUEUE + 1; i < PT_STAGE_COPY; i++)
		h->off[i] = 0;
	h->copy = 0;
	h->pclass = 0;
	if (hist_by_proto) {
		struct pt_flow f = {};
		struct pt_scratch *sc = bpf_map_lookup_elem(&scratch, &sf.nest);

		if (sc) {
			pt_skb_flow(&sf, &f, sc, trusted);	/* sf: read above */
			h->pclass = pt_hist_pclass(f.proto);
		}
	}
	pt_store_order();
	h->first = first;	/* last: live from here */
	if (t && !parked && pt_neigh_is_ip_last(key))
		pt_task_stamps_taken(t);
	pt_hist_gso_note(skb, key, trusted);
}

/* A later stage of a followed packet, below the copy. False: not followed. */
static __always_inline bool pt_hist_stage(__u64 key, __u32 stage)
{
	struct pt_hrec *h = pt_hrec_find(key);

	if (!h)
		return false;
	if (stage < PT_STAGE_COPY && !h->off[stage])
		h->off[stage] = pt_hoff(bpf_ktime_get_ns(), h->first);
	return true;
}

/* A record's stages up to the queue, in full (@first its first), into @ts. */
static __always_inline void pt_hrec_stamps(const struct pt_hrec *h, __u64 first, __u64 *ts)
{
#pragma unroll
	for (int i = 0; i < PT_STAGE_XMIT; i++) {
		__u32 o = h->off[i];

		ts[i] = o && o != PT_HOFF_FAR ? first + o - 1 : 0;
	}
}

/*
 * A TCP skb followed, consumed unread before the driver: if GSO split it,
 * its stages (@h's, from @first) wait for its segments (pt_gso.bpf.h). Its
 * key is read from its own bytes: GSO leaves the original's headers as
 * they were. True when stashed.
 */
static __always_inline bool pt_hist_gso_stash(const struct pt_hrec *h, __u64 first,
					      struct sk_buff *skb, __u64 key)
{
	__u64 ts[PT_STAGE_XMIT];
	struct pt_skb_facts sf;
	struct pt_gso_cpu *c;
	struct pt_flow f;
	__u32 len;

	if (h->off[PT_STAGE_DRIVER] || !pt_gso_size(skb, true))
		return false;
	c = pt_gso_cpu();
	pt_skb_read(skb, true, &sf);
	sf.nest = PT_NEST_BH;	/* validate_xmit_skb: softirqs are off */
	if (!c || !pt_gso_tcp_flow(&sf, true, &f, &len))
		return false;
	pt_hrec_stamps(h, first, ts);
	pt_gso_put(c, &f, len, 0, ts);
	pt_hist_gso_unnote(skb, key, true);
	return true;
}

/*
 * A stranger at the driver: a segment of a stashed original takes a record
 * with the original's stages (first: its syscall, else its sendq, else its queue), the
 * xmit stage of its list where seen, and now. Only while an original
 * waits, or one is noted (pt_hist_gso_note): a packet not followed costs
 * one look at this CPU's stash.
 */
static __always_inline void pt_hist_gso_take(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_gso_cpu *c = pt_gso_cpu();
	struct pt_skb_facts sf;
	struct pt_gso_seg seg;
	enum pt_gso_found k;
	struct pt_flow f;
	struct pt_hrec *h;
	__u64 now, first;
	__u32 len;
	bool keep;

	if (!c || (!c->live && !hist_gso_noted))
		return;
	/* Not a segment (another device's, not TCP data): nothing to count. */
	k = pt_gso_find(c, skb, trusted, &sf, &f, &len, &seg);
	if (k == PT_GSO_NONE)
		return;
	keep = pt_expr_keep(&sf, false, trusted);
	if (k == PT_GSO_UNCLAIMED && keep && hist_gso_noted &&
	    pt_hist_gso_late(c, skb, trusted, &f, len, &seg))
		k = PT_GSO_FOUND;
	if (!pt_gso_kept(k == PT_GSO_FOUND, keep))
		return;
	now = bpf_ktime_get_ns();
	h = pt_hrec_begin(key, now);
	if (!h)
		return;
	/* As its original's (pt_hist_open): its syscall, else its sendq, else its queue */
	first = seg.ts[PT_STAGE_SYSCALL] ?: seg.ts[PT_STAGE_SENDQ] ?: seg.ts[PT_STAGE_QUEUE];
#pragma unroll
	for (int i = 0; i < PT_STAGE_XMIT; i++)
		h->off[i] = pt_hoff(seg.ts[i], first);
	h->off[PT_STAGE_XMIT] = pt_hoff(pt_gso_xmit_ts(c, &seg), first);
	h->off[PT_STAGE_DRIVER] = pt_hoff(now, first);
	_Static_assert(PT_STAGE_DRIVER + 1 == PT_STAGE_COPY, "a segment's record: every offset set");
	h->copy = 0;
	h->pclass = hist_by_proto ? pt_hist_pclass(PT_IPPROTO_TCP) : 0;
	pt_store_order();
	h->first = first;	/* last: live from here */
}

/*
 * The driver gets @skb: a followed packet's stage, else a stranger that may
 * be a segment of a GSO split (pt_hist_gso_take). A noted TCP original
 * that gets here whole (a device that takes GSO packets) will have no
 * segments: its note goes now, while the skb still names its socket.
 */
static __always_inline void pt_hist_driver(struct sk_buff *skb, __u64 key, bool trusted)
{
	if (!pt_hist_stage(key, PT_STAGE_DRIVER)) {
		pt_hist_gso_take(skb, key, trusted);
		return;
	}
	if (hist_gso_noted && pt_gso_size(skb, trusted))
		pt_hist_gso_unnote(skb, key, trusted);
}

/*
 * The reader's copy (of any datagram: the device's are looked up). The
 * record first: most copies of a packet not followed (another device's, or
 * one a filter left out) end there, without the device's pointer chase.
 */
static __always_inline void pt_hist_copy(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_hrec *h = pt_hrec_probe(key);

	if (h && !h->copy && pt_skb_on_target(skb, trusted))
		h->copy = bpf_ktime_get_ns();
}

/*
 * Plain adds: a foreign reader's packet's transitions are added when it is
 * freed after the copy, in that reader's task (tun_do_read), one packet at
 * a time.
 */
static __always_inline void pt_hist_add(__u8 pclass, __u8 from, __u8 to, __u64 d)
{
	__u32 idx = pt_hist_index(hist_gen & 1, pclass, from, to);
	struct pt_hist *h = bpf_map_lookup_elem(&hists, &idx);

	if (h)		/* always: the index is in range */
		pt_hist_put(h, d);
}

/* A followed packet dropped (@h not read): by the last stage it reached, and @reason. */
static __always_inline void pt_hist_drop(const struct pt_hrec *h, __u32 reason)
{
	__u32 last = 0, idx;
	__u64 *n;

#pragma unroll
	for (__u32 s = 1; s < PT_STAGE_COPY; s++)
		if (h->off[s])
			last = s;
	idx = last * PT_HDROP_REASONS + (reason < PT_HDROP_OTHER ? reason : PT_HDROP_OTHER);
	n = bpf_map_lookup_elem(&hdrops, &idx);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/*
 * The skb is freed: the record has ended. A copied packet's transitions go
 * into the histograms: by the kernel, where a foreign reader copied it;
 * where our reader did (in its read(), which frees it), by the reader once
 * read() returns, from reader_stamp, with the two that end in its clock
 * (copy -> user, and the whole way): the adds are then out of the kernel.
 */
static __always_inline void pt_hist_end(struct sk_buff *skb, __u64 key, enum pt_end end,
					__u32 reason)
{
	struct pt_hrec *h;
	__u64 first;
	__u8 pclass;

	h = pt_hrec_probe(key);		/* first, as pt_hist_copy */
	if (!h || !pt_skb_on_target(skb, true))
		return;
	first = h->first;
	pclass = h->pclass < PT_HIST_PCLASSES ? h->pclass : 0;
	h->first = 0;		/* ended (this line is the record's, not the set's) */
	if (!h->copy && end == PT_END_CONSUMED && pt_hist_gso_stash(h, first, skb, key))
		return;		/* its segments carry its stages (its note went there) */
	/*
	 * A noted TCP original dropped before the driver: no segments will
	 * come. (Past it, the device has orphaned the skb: one that got there
	 * whole lost its note at its driver stage, pt_hist_driver.) Its size
	 * first: the reader's CPU reads the senders' count only for GSO skbs.
	 */
	if (!h->off[PT_STAGE_DRIVER] && pt_gso_size(skb, true) && hist_gso_noted)
		pt_hist_gso_unnote(skb, key, true);
	if (!h->copy) {
		if (end == PT_END_DROPPED) {
			pt_hist_drop(h, reason);	/* first: userspace reads the counter first */
			pt_count(PT_CNT_DROPPED);
		} else {
			pt_count(PT_CNT_UNREAD);
		}
		return;
	}
	if ((bpf_get_current_pid_tgid() >> 32) == reader_tgid) {
		reader_stamp.first = first;
		reader_stamp.copy = h->copy;
#pragma unroll
		for (int i = 0; i < PT_STAGE_COPY; i++)
			reader_stamp.off[i] = h->off[i];
		reader_stamp.pclass = pclass;
		/* Written in the reader's read(), read by it once read() returns: no race. */
		reader_stamp.seq++;
		return;
	}
#define PT_HIST_ADD(from, to, d) pt_hist_add(pclass, from, to, d)
#define PT_HIST_LOST() pt_count(PT_CNT_REORDERED)
	pt_hrec_for_each_step(h->off, first, h->copy, PT_HIST_ADD, PT_HIST_LOST);
#undef PT_HIST_ADD
#undef PT_HIST_LOST
}

#endif /* PT_HIST_BPF_H */
