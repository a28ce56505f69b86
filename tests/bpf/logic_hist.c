// SPDX-License-Identifier: GPL-2.0
/*
 * --hist's cases: the way a packet takes (its address's last, else the one
 * sent longest ago; a live victim counted as not followed), the reader's
 * and the sender's lookups, the offsets of stamps, the histograms' adds.
 */
#include "runner.h"

/* Take a --hist record for k[0] at T0 (first stamp T0 - 5); its way, or -1. */
static int take(__u32 set, const __u64 k[NKEYS])
{
	struct pt_logic_ctx c = ctx(k[0], T0, T0 - 5, 0);

	run(skel->progs.hrec_take, &c);
	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		if (c.idx == pt_slot_idx(set, w))
			return (int)w;
	failf("slot taken: got %u, not one of set %u's", c.idx, set);
	return -1;
}

/* The way taken holds the packet: owner, sent, a live record. */
static void expect_taken(__u32 set, int w, const __u64 k[NKEYS])
{
	struct pt_skb_set s = set_get(set);
	struct pt_hrec h;

	if (w < 0)
		return;
	h = hrec_get(set, w);
	EXPECT_EQ(s.skb[w], k[0], "owner of the way taken");
	EXPECT_EQ(s.sent[w], T0, "when the way taken was sent");
	EXPECT_EQ(pt_hrec_live(&h, k[0]), 1, "its record live");
}

static void case_hrec_take_never_used(void)
{
	__u32 set = 21;
	__u64 k[NKEYS];
	struct counts n0;
	int w;

	set_fresh(set, k);
	n0 = counts();
	w = take(set, k);
	EXPECT_EQ(w, 0, "way taken in an unused set");
	expect_taken(set, w, k);
	expect_counts(n0, 0, 0);
}

static void case_hrec_take_oldest(void)
{
	__u32 set = 22;
	__u64 k[NKEYS];
	struct counts n0;
	int w;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, (__u64[]){ 40, 10, 30, 20 });
	for (__u32 i = 0; i < PT_SKB_WAYS; i++)
		hrec_put(set, i, k[i + 1], 0);	/* all ended */
	n0 = counts();
	w = take(set, k);
	EXPECT_EQ(w, 1, "way taken: the one sent longest ago");
	expect_taken(set, w, k);
	EXPECT_EQ(set_get(set).skb[3], k[4], "way 3 keeps its owner");
	expect_counts(n0, 0, 0);
}

/* An skb's address back: the way it had, even live (that skb is gone). */
static void case_hrec_take_same_address(void)
{
	__u32 set = 23;
	__u64 k[NKEYS];
	struct counts n0;
	int w;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[0] }, (__u64[]){ 40, 10, 30, 50 });
	hrec_put(set, 3, k[0], 7);
	n0 = counts();
	w = take(set, k);
	EXPECT_EQ(w, 3, "way taken: its address's");
	expect_taken(set, w, k);
	EXPECT_EQ(set_get(set).skb[1], k[2], "the oldest way keeps its owner");
	expect_counts(n0, 0, 0);
}

/* The oldest way still in flight: taken, its packet counted as not followed. */
static void case_hrec_take_live_victim(void)
{
	__u32 set = 24;
	__u64 k[NKEYS];
	struct counts n0;
	int w;

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, (__u64[]){ 40, 10, 30, 20 });
	hrec_put(set, 1, k[2], 7);
	n0 = counts();
	w = take(set, k);
	EXPECT_EQ(w, 1, "way taken: the one sent longest ago");
	expect_taken(set, w, k);
	expect_counts(n0, 1, 0);
	/* A record of another key there is no victim. */
	set_put(set, (__u64[]){ k[1], k[2], k[3], k[4] }, (__u64[]){ 40, 10, 30, 20 });
	hrec_put(set, 1, k[5], 7);
	n0 = counts();
	EXPECT_EQ(take(set, k), 1, "way taken again");
	expect_counts(n0, 0, 0);
}

static int lookup(__u32 set, __u64 key, int find)
{
	struct pt_logic_ctx c = ctx(key, 0, find, 0);

	run(skel->progs.hrec_lookup, &c);
	if (c.idx == PT_LOGIC_NONE)
		return -1;
	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		if (c.idx == pt_slot_idx(set, w))
			return (int)w;
	failf("record found: got slot %u, not one of set %u's", c.idx, set);
	return -2;
}

/* The reader's lookup, by the records alone: live ones of its key. */
static void case_hrec_probe(void)
{
	__u32 set = 25;
	__u64 k[NKEYS];

	set_fresh(set, k);
	hrec_put(set, 0, k[0], 0);	/* ended */
	hrec_put(set, 1, k[1], 9);	/* another packet's */
	hrec_put(set, 2, k[0], 9);	/* live, with no owner in the set line */
	EXPECT_EQ(lookup(set, k[0], 0), 2, "way probed: the live record's");
	EXPECT_EQ(lookup(set, k[2], 0), -1, "a key with no record");
	hrec_put(set, 2, k[0], 0);
	EXPECT_EQ(lookup(set, k[0], 0), -1, "its record ended");
}

/* The sender's lookup, by its set's line, then the record's liveness. */
static void case_hrec_find(void)
{
	__u32 set = 26;
	__u64 k[NKEYS];

	set_fresh(set, k);
	set_put(set, (__u64[]){ k[1], k[0], 0, 0 }, NULL);
	hrec_put(set, 1, k[0], 9);
	hrec_put(set, 2, k[0], 9);
	EXPECT_EQ(lookup(set, k[0], 1), 1, "way found: its owner's");
	hrec_put(set, 1, k[0], 0);
	EXPECT_EQ(lookup(set, k[0], 1), -1, "its record ended");
	hrec_put(set, 1, k[5], 9);
	EXPECT_EQ(lookup(set, k[0], 1), -1, "its record another packet's");
}

static void case_hoff(void)
{
	static const struct { __u64 ts, first, want; } t[] = {
		{ 0, 5, 0 },				/* unseen */
		{ 5, 5, 1 },
		{ 1005, 5, 1001 },
		{ 4, 5, PT_HOFF_FAR },			/* before the first */
		{ 5 + 0xfffffffdull, 5, 0xfffffffeull },	/* the farthest kept */
		{ 5 + (__u64)PT_HOFF_FAR, 5, PT_HOFF_FAR },	/* the nearest lost */
		{ 5 + (1ull << 40), 5, PT_HOFF_FAR },
	};
	char what[64];

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pt_logic_ctx c = ctx(0, 0, t[i].ts, t[i].first);

		run(skel->progs.hoff, &c);
		snprintf(what, sizeof(what), "pt_hoff(%llu, %llu)", (unsigned long long)t[i].ts,
			 (unsigned long long)t[i].first);
		EXPECT_EQ(c.ret, t[i].want, what);
	}
}

static struct pt_hist hist_get(unsigned int gen, unsigned int pc, unsigned int from,
			       unsigned int to)
{
	struct pt_hist h;

	get(skel->maps.hists, pt_hist_index(gen, pc, from, to), &h, sizeof(h));
	return h;
}

static void hist_add(unsigned int pc, unsigned int from, unsigned int to, __u64 d)
{
	struct pt_logic_ctx c = ctx(pc, 0, from << 8 | to, d);

	run(skel->progs.hist_add, &c);
}

/* Samples go to the generation being filled (hist_gen's low bit), by class and stages. */
static void case_hist_add(void)
{
	static const struct pt_hist zero;
	unsigned int from = PT_STAGE_QUEUE, to = PT_STAGE_DRIVER;
	struct pt_hist h;

	for (unsigned int gen = 0; gen < 2; gen++)
		put(skel->maps.hists, pt_hist_index(gen, 2, from, to), &zero, sizeof(zero));
	skel->bss->hist_gen = 1;
	hist_add(2, from, to, 1000);
	skel->bss->hist_gen = 2;
	hist_add(2, from, to, 10);
	skel->bss->hist_gen = 3;
	hist_add(2, from, to, 3000);
	h = hist_get(1, 2, from, to);
	EXPECT_EQ(h.count, 2, "generation 1: samples");
	EXPECT_EQ(h.sum, 4000, "generation 1: sum");
	EXPECT_EQ(h.max, 3000, "generation 1: max");
	EXPECT_EQ(h.slot[pt_hist_slot(1000)], 1, "generation 1: 1000's slot");
	EXPECT_EQ(h.slot[pt_hist_slot(3000)], 1, "generation 1: 3000's slot");
	h = hist_get(0, 2, from, to);
	EXPECT_EQ(h.count, 1, "generation 0: samples");
	EXPECT_EQ(h.slot[pt_hist_slot(10)], 1, "generation 0: 10's slot");
	EXPECT_EQ(hist_get(1, 1, from, to).count, 0, "another class's samples");
	EXPECT_EQ(hist_get(1, 2, from, to + 1).count, 0, "another transition's samples");
	skel->bss->hist_gen = 0;
}
const struct pt_logic_case pt_logic_hist_cases[] = {
#define C(n) { #n, case_##n }
	C(hrec_take_never_used),
	C(hrec_take_oldest),
	C(hrec_take_same_address),
	C(hrec_take_live_victim),
	C(hrec_probe),
	C(hrec_find),
	C(hoff),
	C(hist_add),
#undef C
	{ 0 },
};
