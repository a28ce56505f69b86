// SPDX-License-Identifier: GPL-2.0
/*
 * The slot table's cases: a way claimed with compare-and-swap (free, taken
 * by another key, the packet's own, none: the set full), staleness, and a
 * journey's end handing its record over and freeing its way.
 */
#include <errno.h>
#include <string.h>
#include "runner.h"

static void case_claim_free_way(void)
{
	__u32 set = 11;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct pt_skb_set s;
	struct counts n0;

	set_fresh(set, k);
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 1, "claimed");
	EXPECT_EQ(c.idx, pt_slot_idx(set, 0), "slot: the set's first way");
	s = set_get(set);
	EXPECT_EQ(s.skb[0], k[0], "owner of way 0");
	EXPECT_EQ(s.skb[1] | s.skb[2] | s.skb[3], 0, "other ways still free");
	expect_counts(n0, 0, 0);
	/* Found there now; another key of the set is not. */
	c = ctx(k[0], 0, 0, 0);
	run(skel->progs.slot_find, &c);
	EXPECT_EQ(c.ret, 1, "found after the claim");
	EXPECT_EQ(c.idx, pt_slot_idx(set, 0), "found at its slot");
	c = ctx(k[1], 0, 0, 0);
	run(skel->progs.slot_find, &c);
	EXPECT_EQ(c.ret, 0, "another key of the set found");
}

static void case_claim_skips_taken_ways(void)
{
	__u32 set = 12;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct pt_skb_set s;
	struct counts n0;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], 0, k[3] }, NULL);
	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		slot_put(set, w, k[w + 1], T0 - 1);
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 1, "claimed");
	EXPECT_EQ(c.idx, pt_slot_idx(set, 2), "slot: the free way");
	s = set_get(set);
	EXPECT_EQ(s.skb[0], k[1], "way 0 keeps its owner");
	EXPECT_EQ(s.skb[1], k[2], "way 1 keeps its owner");
	EXPECT_EQ(s.skb[2], k[0], "way 2's owner");
	EXPECT_EQ(s.skb[3], k[3], "way 3 keeps its owner");
	expect_counts(n0, 0, 0);
}

/* A second pass through the device layer: not claimed again, its slot given. */
static void case_claim_followed_already(void)
{
	__u32 set = 13;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct pt_skb_set s;
	struct counts n0;

	set_fresh(set, k);
	set_put(set, (__u64[]){ 0, k[1], k[0], 0 }, NULL);
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 0, "claimed");
	EXPECT_EQ(c.idx, pt_slot_idx(set, 2), "slot: its own");
	s = set_get(set);
	EXPECT_EQ(s.skb[0], 0, "way 0 still free");
	EXPECT_EQ(s.skb[2], k[0], "way 2's owner");
	expect_counts(n0, 0, 0);
}

static void case_claim_full_set(void)
{
	__u32 set = 14;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct pt_skb_set s;
	struct counts n0;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, NULL);
	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		slot_put(set, w, k[w + 1], T0 - PT_STALE_NS + 1);	/* all fresh */
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 0, "claimed");
	EXPECT_EQ(c.idx, PT_LOGIC_NONE, "slot");
	s = set_get(set);
	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		EXPECT_EQ(s.skb[w], k[w + 1], "owners unchanged");
	expect_counts(n0, 1, 0);
}

/* A record whose end was never seen gives way once PT_STALE_NS old, the first such. */
static void case_claim_stale_gives_way(void)
{
	__u32 set = 15;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct pt_skb_set s;
	struct counts n0;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, NULL);
	slot_put(set, 0, k[1], T0 - 1);
	slot_put(set, 1, k[2], T0 - PT_STALE_NS + 1);
	slot_put(set, 2, k[3], T0 - PT_STALE_NS);
	slot_put(set, 3, k[4], 1);
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 1, "claimed");
	EXPECT_EQ(c.idx, pt_slot_idx(set, 2), "slot: the first stale way");
	s = set_get(set);
	EXPECT_EQ(s.skb[1], k[2], "way 1 (not stale yet) keeps its owner");
	EXPECT_EQ(s.skb[2], k[0], "way 2's new owner");
	EXPECT_EQ(s.skb[3], k[4], "way 3 (stale too) keeps its owner");
	expect_counts(n0, 0, 1);
}

/* A record being opened (t_open 0) is never stale, however old its set. */
static void case_claim_opening_not_stale(void)
{
	__u32 set = 16;
	__u64 k[NKEYS];
	struct pt_logic_ctx c;
	struct counts n0;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, NULL);
	n0 = counts();
	c = ctx(k[0], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.ret, 0, "claimed");
	EXPECT_EQ(c.idx, PT_LOGIC_NONE, "slot");
	EXPECT_EQ(set_get(set).skb[0], k[1], "way 0 keeps its owner");
	expect_counts(n0, 1, 0);
}

static int rb_seen;
static struct pt_event rb_ev;

static int rb_record(void *c, void *data, size_t len)
{
	(void)c;
	if (len == sizeof(rb_ev))
		memcpy(&rb_ev, data, len);
	rb_seen++;
	return 0;
}

/* A journey's end: its record handed over, its way free for the next packet. */
static void case_submit_frees_slot(void)
{
	__u32 set = 17;
	__u64 k[NKEYS];
	struct ring_buffer *rb;
	struct pt_logic_ctx c;
	struct pt_skb_set s;

	set_fresh(set, k);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), rb_record, NULL, NULL);
	if (!rb) {
		failf("ring_buffer__new: %s", strerror(errno));
		return;
	}
	ring_buffer__consume(rb);	/* nothing from earlier cases */
	rb_seen = 0;
	set_put(set, (__u64[]){ k[1], k[0], 0, 0 }, NULL);
	slot_put(set, 1, k[0], T0);
	c = ctx(k[0], 0, PT_END_DROPPED, 7);
	run(skel->progs.rec_submit, &c);
	EXPECT_EQ(c.ret, 1, "found");
	EXPECT_EQ(ring_buffer__consume(rb), 1, "records handed over");
	EXPECT_EQ(rb_seen, 1, "records read");
	EXPECT_EQ(rb_ev.skb, k[0], "the record's key");
	EXPECT_EQ(rb_ev.ts[PT_STAGE_QUEUE], T0, "the record's queue stamp");
	EXPECT_EQ(rb_ev.end, PT_END_DROPPED, "the record's end");
	EXPECT_EQ(rb_ev.drop_reason, 7, "the record's drop reason");
	s = set_get(set);
	EXPECT_EQ(s.skb[1], 0, "way 1 freed");
	EXPECT_EQ(s.skb[0], k[1], "way 0 keeps its owner");
	c = ctx(k[2], T0, 0, 0);
	run(skel->progs.slot_claim, &c);
	EXPECT_EQ(c.idx, pt_slot_idx(set, 1), "the next packet's slot: the freed way");
	ring_buffer__free(rb);
}

static int rb_count(void *c, void *data, size_t len)
{
	(void)c, (void)data, (void)len;
	return 0;
}

/* The ring buffer full: the record counted as lost, its way freed all the same. */
static void case_submit_ring_full(void)
{
	__u32 set = 18;
	__u64 k[NKEYS], lost0 = counter(PT_CNT_RB_FULL);
	struct ring_buffer *rb;
	struct pt_logic_ctx c;
	int n;

	set_fresh(set, k);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), rb_count, NULL, NULL);
	if (!rb) {
		failf("ring_buffer__new: %s", strerror(errno));
		return;
	}
	ring_buffer__consume(rb);
	for (n = 0; n <= (int)(PT_RINGBUF_BYTES / sizeof(struct pt_event)); n++) {
		set_put(set, (__u64[]){ k[0], 0, 0, 0 }, NULL);
		slot_put(set, 0, k[0], T0);
		c = ctx(k[0], 0, PT_END_CONSUMED, 0);
		run(skel->progs.rec_submit, &c);
		if (why[0] || counter(PT_CNT_RB_FULL) != lost0)
			break;
	}
	EXPECT_EQ(counter(PT_CNT_RB_FULL) - lost0, 1, "PT_CNT_RB_FULL counted");
	EXPECT_EQ(ring_buffer__consume(rb), n, "records handed over before it filled");
	EXPECT_EQ(set_get(set).skb[0], 0, "way 0 freed");
	ring_buffer__free(rb);
}
/* A send's task slot, by thread id: its own, and one another thread takes. */
static struct pt_task task_get(__u32 tid)
{
	struct pt_task t;

	get(skel->maps.tasks, tid & (PT_TASK_SLOTS - 1), &t, sizeof(t));
	return t;
}

static void case_task_slot_own(void)
{
	static const struct pt_task none;
	__u32 tid = 4242;
	struct pt_logic_ctx c;

	put(skel->maps.tasks, tid & (PT_TASK_SLOTS - 1), &none, sizeof(none));
	c = ctx(0, 0, tid, 0);
	run(skel->progs.task_mine, &c);
	EXPECT_EQ(c.ret, 0, "a fresh slot held by the thread");
	c = ctx(0, T0, tid, 1);
	run(skel->progs.task_claim, &c);
	EXPECT_EQ(c.ret, 1, "claimed");
	EXPECT_EQ(c.idx, tid & (PT_TASK_SLOTS - 1), "the slot: tid modulo the slots");
	EXPECT_EQ(task_get(tid).tid, tid, "tagged with the thread");
	EXPECT_EQ(task_get(tid).ts[PT_STAGE_SYSCALL], T0, "stamped");
	c = ctx(0, 0, tid, 0);
	run(skel->progs.task_mine, &c);
	EXPECT_EQ(c.ret, 1, "held by the thread");
	/* The thread's next claim keeps what it had. */
	c = ctx(0, 0, tid, 0);
	run(skel->progs.task_claim, &c);
	EXPECT_EQ(task_get(tid).ts[PT_STAGE_SYSCALL], T0, "its own claim keeps its stamp");
}

static void case_task_slot_shared(void)
{
	static const struct pt_task none;
	__u32 a = 777, b = 777 + PT_TASK_SLOTS;
	struct pt_logic_ctx c;
	struct pt_task t;

	put(skel->maps.tasks, a & (PT_TASK_SLOTS - 1), &none, sizeof(none));
	c = ctx(0, T0, a, 1);
	run(skel->progs.task_claim, &c);
	t = task_get(a);
	t.pending = 99;
	put(skel->maps.tasks, a & (PT_TASK_SLOTS - 1), &t, sizeof(t));
	/* b shares a's slot: a's stamps and pending read go with it. */
	c = ctx(0, 0, b, 0);
	run(skel->progs.task_claim, &c);
	EXPECT_EQ(c.ret, 1, "claimed by the other thread");
	t = task_get(b);
	EXPECT_EQ(t.tid, b, "tagged with the other thread");
	EXPECT_EQ(t.ts[PT_STAGE_SYSCALL], 0, "the first thread's stamp gone");
	EXPECT_EQ(t.pending, 0, "the first thread's pending read gone");
	c = ctx(0, 0, a, 0);
	run(skel->progs.task_mine, &c);
	EXPECT_EQ(c.ret, 0, "the first thread no longer holds it");
	c = ctx(0, 0, b, 0);
	run(skel->progs.task_mine, &c);
	EXPECT_EQ(c.ret, 1, "the other thread holds it");
}

const struct pt_logic_case pt_logic_slot_cases[] = {
#define C(n) { #n, case_##n }
	C(claim_free_way),
	C(claim_skips_taken_ways),
	C(claim_followed_already),
	C(claim_full_set),
	C(claim_stale_gives_way),
	C(claim_opening_not_stale),
	C(submit_frees_slot),
	C(submit_ring_full),
	C(task_slot_own),
	C(task_slot_shared),
#undef C
	{ 0 },
};
