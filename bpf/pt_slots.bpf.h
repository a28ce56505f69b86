/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slot table of followed packets: sets of ways by hash of the skb's
 * key, a way found, or claimed with compare-and-swap (a free way, else a
 * stale one); the journeys' records by slot (struct pt_slot, pathtrace.h).
 */
#ifndef PT_SLOTS_BPF_H
#define PT_SLOTS_BPF_H

#include "pt_config.bpf.h"

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

/* A followed packet's place: its set's owner word, and its record. */
struct pt_skb_ref {
	__u64 *owner;
	struct pt_event *ev;
};

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

/*
 * A record whose skb is freed but which still waits (a foreign reader's
 * read() has not returned): its slot's owner is its key with this bit
 * flipped, which no skb's key has (a difference of two kernel addresses:
 * its 17 top bits all equal), so that a new skb at the freed address is
 * not taken for it. It stays in its key's set.
 */
#define PT_KEY_WAITING (1ull << 62)

/* The slot of key @skb's set whose owner is @owner. */
static __always_inline bool pt_slot_find_owner(__u64 skb, __u64 owner, struct pt_slot_ref *r)
{
	struct pt_skb_set *ws;
	__u32 set;

	ws = pt_skb_set_of(skb, &set);
	if (!ws)
		return false;
#pragma unroll
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		if (ws->skb[w] != owner)
			continue;
		r->owner = &ws->skb[w];
		r->idx = pt_slot_idx(set, w);
		return true;
	}
	return false;
}

/* The slot of @skb, if it is followed. */
static __always_inline bool pt_slot_find(__u64 skb, struct pt_slot_ref *r)
{
	return pt_slot_find_owner(skb, skb, r);
}

static __always_inline struct pt_event *pt_skb_rec(__u32 idx)
{
	struct pt_slot *s = bpf_map_lookup_elem(&skbs, &idx);

	return s ? &s->ev : NULL;
}

/* The record of key @skb's set owned by @owner. */
static __always_inline bool pt_skb_find_owner(__u64 skb, __u64 owner, struct pt_skb_ref *r)
{
	struct pt_slot_ref s;

	if (!pt_slot_find_owner(skb, owner, &s))
		return false;
	r->owner = s.owner;
	r->ev = pt_skb_rec(s.idx);
	return r->ev != NULL;
}

/* The record of @skb, if it is followed. */
static __always_inline bool pt_skb_find(__u64 skb, struct pt_skb_ref *r)
{
	return pt_skb_find_owner(skb, skb, r);
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
		if (ws->skb[w] || pt_cas(&ws->skb[w], 0, skb))
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
		if (pt_cas(&ws->skb[w], old, skb) != old)
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

#endif /* PT_SLOTS_BPF_H */
