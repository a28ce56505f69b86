// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side's logic that only a flood reaches in live traffic (a slot
 * claimed by compare-and-swap, staleness, a journey's slot freed at its
 * end, --hist's choice of a way, its lookups and histograms), run through
 * BPF_PROG_TEST_RUN: tests/bpf/logic.bpf.c's programs call the real inline
 * functions on map contents set here, and what they return and leave in the
 * maps is checked. One line per case: PASS name | FAIL name: why |
 * SKIP name: why. Needs root (CAP_BPF) and syscall programs (5.14+).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pathtrace.h"
#include "pt_hist.h"
#include "logic.h"
#include "logic.skel.h"

#define T0 (100ull * 1000000000ull)	/* "now" in the cases */
#define NKEYS (PT_SKB_WAYS + 2)

static struct logic_bpf *skel;
static int ncpu;
static char why[512];
static char libbpf_log[8192];

static void failf(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;	/* the first failure says it */
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

#define EXPECT_EQ(got, want, what)						\
	do {									\
		unsigned long long g_ = (got), w_ = (want);			\
		if (g_ != w_)							\
			failf("%s: got %llu, want %llu", (what), g_, w_);	\
	} while (0)

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(libbpf_log);

	if (level != LIBBPF_DEBUG && n < sizeof(libbpf_log) - 1)
		vsnprintf(libbpf_log + n, sizeof(libbpf_log) - n, fmt, ap);
	return 0;
}

/* Runs @prog on @c; the kernel writes the context back into it. */
static void run(struct bpf_program *prog, struct pt_logic_ctx *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = c, .ctx_size_in = sizeof(*c));

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
		failf("test run of %s: %s", bpf_program__name(prog), strerror(errno));
	else if (o.retval)
		failf("%s returned %u", bpf_program__name(prog), o.retval);
}

static struct pt_logic_ctx ctx(__u64 key, __u64 now, __u64 a, __u64 b)
{
	struct pt_logic_ctx c = { .key = key, .now = now, .a = a, .b = b,
				  .ret = -1, .idx = 0x5a5a5a5a };

	return c;
}

static void put(struct bpf_map *m, __u32 k, const void *v, size_t n)
{
	if (bpf_map__update_elem(m, &k, sizeof(k), v, n, 0))
		failf("update of %s[%u]: %s", bpf_map__name(m), k, strerror(errno));
}

static void get(struct bpf_map *m, __u32 k, void *v, size_t n)
{
	if (bpf_map__lookup_elem(m, &k, sizeof(k), v, n, 0)) {
		failf("lookup of %s[%u]: %s", bpf_map__name(m), k, strerror(errno));
		memset(v, 0, n);
	}
}

static struct pt_skb_set set_get(__u32 set)
{
	struct pt_skb_set s;

	get(skel->maps.skb_sets, set, &s, sizeof(s));
	return s;
}

static void set_put(__u32 set, const __u64 skb[PT_SKB_WAYS], const __u64 sent[PT_SKB_WAYS])
{
	struct pt_skb_set s = { 0 };

	for (int w = 0; w < PT_SKB_WAYS; w++) {
		s.skb[w] = skb ? skb[w] : 0;
		s.sent[w] = sent ? sent[w] : 0;
	}
	put(skel->maps.skb_sets, set, &s, sizeof(s));
}

/* A journey's record in way @w of @set: its key and when it opened. */
static void slot_put(__u32 set, __u32 w, __u64 key, __u64 t_open)
{
	struct pt_slot s = { 0 };

	s.ev.skb = key;
	s.ev.ts[PT_STAGE_QUEUE] = t_open;
	s.ev.t_open = t_open;
	put(skel->maps.skbs, pt_slot_idx(set, w), &s, sizeof(s));
}

static void hrec_put(__u32 set, __u32 w, __u64 key, __u64 first)
{
	struct pt_hrec h = { .key = key, .first = first };

	put(skel->maps.hrecs, pt_slot_idx(set, w), &h, sizeof(h));
}

static struct pt_hrec hrec_get(__u32 set, __u32 w)
{
	struct pt_hrec h;

	get(skel->maps.hrecs, pt_slot_idx(set, w), &h, sizeof(h));
	return h;
}

/* A counter, summed over the CPUs. */
static __u64 counter(enum pt_counter c)
{
	__u64 v[ncpu], sum = 0;

	get(skel->maps.counters, c, v, sizeof(v));
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

/*
 * Keys that share set @set (skb-like: 256-byte aligned), and the set
 * emptied, its journey and --hist records with it.
 */
static void set_fresh(__u32 set, __u64 keys[NKEYS])
{
	static const struct pt_slot no_slot;
	static const struct pt_hrec no_hrec;
	int n = 0;

	for (__u64 k = 0xffff888000000000ull; n < NKEYS; k += 256)
		if (pt_skb_set_idx(k) == set)
			keys[n++] = k;
	set_put(set, NULL, NULL);
	for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
		put(skel->maps.skbs, pt_slot_idx(set, w), &no_slot, sizeof(no_slot));
		put(skel->maps.hrecs, pt_slot_idx(set, w), &no_hrec, sizeof(no_hrec));
	}
}

struct counts {
	__u64 full, stale;
};

static struct counts counts(void)
{
	struct counts c = { counter(PT_CNT_MAP_FULL), counter(PT_CNT_STALE) };

	return c;
}

static void expect_counts(struct counts before, __u64 full, __u64 stale)
{
	struct counts now = counts();

	EXPECT_EQ(now.full - before.full, full, "PT_CNT_MAP_FULL counted");
	EXPECT_EQ(now.stale - before.stale, stale, "PT_CNT_STALE counted");
}

/* ---- the slot table ---- */

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

/* ---- --hist's records ---- */

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

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
#define C(n) { #n, case_##n }
	C(claim_free_way),
	C(claim_skips_taken_ways),
	C(claim_followed_already),
	C(claim_full_set),
	C(claim_stale_gives_way),
	C(claim_opening_not_stale),
	C(submit_frees_slot),
	C(hrec_take_never_used),
	C(hrec_take_oldest),
	C(hrec_take_same_address),
	C(hrec_take_live_victim),
	C(hrec_probe),
	C(hrec_find),
	C(hoff),
	C(hist_add),
#undef C
};
#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

static void skip_all(const char *reason)
{
	for (unsigned int i = 0; i < NR_CASES; i++)
		printf("SKIP bpf_%s: %s\n", cases[i].name, reason);
}

int main(void)
{
	int failed = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		skip_all("not root");
		return 0;
	}
	libbpf_set_print(keep_log);
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SYSCALL, NULL) != 1) {
		skip_all("this kernel has no syscall programs");
		return 0;
	}
	ncpu = libbpf_num_possible_cpus();
	skel = logic_bpf__open_and_load();
	if (!skel || ncpu <= 0) {
		err = errno;
		fputs(libbpf_log, stdout);
		for (unsigned int i = 0; i < NR_CASES; i++)
			printf("FAIL bpf_%s: test object not loaded: %s\n", cases[i].name,
			       strerror(err));
		return 1;
	}
	for (unsigned int i = 0; i < NR_CASES; i++) {
		why[0] = 0;
		cases[i].fn();
		if (why[0]) {
			printf("FAIL bpf_%s: %s\n", cases[i].name, why);
			failed = 1;
		} else {
			printf("PASS bpf_%s\n", cases[i].name);
		}
	}
	logic_bpf__destroy(skel);
	return failed;
}
