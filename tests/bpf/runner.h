/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace side of the BPF logic tests (tests/bpf/logic.c): the
 * loaded test object, one program run, the maps set and read, and the
 * cases' checks, which keep the first failure of a case.
 */
#ifndef PT_TEST_RUNNER_H
#define PT_TEST_RUNNER_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include "pathtrace.h"
#include "pt_hist.h"
#include "logic.h"
#include "logic.skel.h"

#define T0 (100ull * 1000000000ull)	/* "now" in the cases */
#define NKEYS (PT_SKB_WAYS + 2)		/* keys of one set in a case */

extern struct logic_bpf *skel;
extern char why[512];			/* the case's first failure, "" if none */

void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define EXPECT_EQ(got, want, what)						\
	do {									\
		unsigned long long g_ = (got), w_ = (want);			\
		if (g_ != w_)							\
			failf("%s: got %llu, want %llu", (what), g_, w_);	\
	} while (0)

struct pt_logic_case {
	const char *name;
	void (*fn)(void);
};
/* Each ends with an entry without a name. */
extern const struct pt_logic_case pt_logic_slot_cases[], pt_logic_hist_cases[],
	pt_logic_tcp_cases[];

/* The packet filter's cases (logic_filter.c): 1 if one failed. */
int pt_logic_filter_cases(void);
void pt_logic_filter_skip(const char *reason);

/* Runs @prog on @c; the kernel writes the context back into it. */
void run(struct bpf_program *prog, struct pt_logic_ctx *c);
struct pt_logic_ctx ctx(__u64 key, __u64 now, __u64 a, __u64 b);

void put(struct bpf_map *m, __u32 k, const void *v, size_t n);
void get(struct bpf_map *m, __u32 k, void *v, size_t n);
struct pt_skb_set set_get(__u32 set);
/* NULL: all 0. */
void set_put(__u32 set, const __u64 skb[PT_SKB_WAYS], const __u64 sent[PT_SKB_WAYS]);
/* A journey's record in way @w of @set: its key and when it opened. */
void slot_put(__u32 set, __u32 w, __u64 key, __u64 t_open);
void hrec_put(__u32 set, __u32 w, __u64 key, __u64 first);
struct pt_hrec hrec_get(__u32 set, __u32 w);
/* A counter, summed over the CPUs. */
__u64 counter(enum pt_counter c);
/* Keys that share set @set, and the set emptied with its records. */
void set_fresh(__u32 set, __u64 keys[NKEYS]);

/* The table's counters, before a case's step and after it. */
struct counts {
	__u64 full, stale;
};
struct counts counts(void);
void expect_counts(struct counts before, __u64 full, __u64 stale);

#endif
