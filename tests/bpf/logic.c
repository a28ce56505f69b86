// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side's logic that only a flood reaches in live traffic (a slot
 * claimed by compare-and-swap, staleness, a journey's slot freed at its
 * end, --hist's choice of a way, its lookups and histograms), run through
 * BPF_PROG_TEST_RUN: tests/bpf/logic.bpf.c's programs call the real inline
 * functions on map contents set here, and what they return and leave in the
 * maps is checked (the cases: logic_slots.c, logic_hist.c); then the
 * packet filter's translation against libpcap (logic_filter.c). One line per
 * case: PASS name | FAIL name: why | SKIP name: why. Needs root (CAP_BPF)
 * and syscall programs (5.14+).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "runner.h"

struct logic_bpf *skel;
char why[512];
static int ncpu;
static char libbpf_log[8192];

void failf(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;	/* the first failure says it */
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(libbpf_log);

	if (level != LIBBPF_DEBUG && n < sizeof(libbpf_log) - 1)
		vsnprintf(libbpf_log + n, sizeof(libbpf_log) - n, fmt, ap);
	return 0;
}

/* Runs @prog on @c; the kernel writes the context back into it. */
void run(struct bpf_program *prog, struct pt_logic_ctx *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = c, .ctx_size_in = sizeof(*c));

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
		failf("test run of %s: %s", bpf_program__name(prog), strerror(errno));
	else if (o.retval)
		failf("%s returned %u", bpf_program__name(prog), o.retval);
}

struct pt_logic_ctx ctx(__u64 key, __u64 now, __u64 a, __u64 b)
{
	struct pt_logic_ctx c = { .key = key, .now = now, .a = a, .b = b,
				  .ret = -1, .idx = 0x5a5a5a5a };

	return c;
}

void put(struct bpf_map *m, __u32 k, const void *v, size_t n)
{
	if (bpf_map__update_elem(m, &k, sizeof(k), v, n, 0))
		failf("update of %s[%u]: %s", bpf_map__name(m), k, strerror(errno));
}

void get(struct bpf_map *m, __u32 k, void *v, size_t n)
{
	if (bpf_map__lookup_elem(m, &k, sizeof(k), v, n, 0)) {
		failf("lookup of %s[%u]: %s", bpf_map__name(m), k, strerror(errno));
		memset(v, 0, n);
	}
}

struct pt_skb_set set_get(__u32 set)
{
	struct pt_skb_set s;

	get(skel->maps.skb_sets, set, &s, sizeof(s));
	return s;
}

void set_put(__u32 set, const __u64 skb[PT_SKB_WAYS], const __u64 sent[PT_SKB_WAYS])
{
	struct pt_skb_set s = { 0 };

	for (int w = 0; w < PT_SKB_WAYS; w++) {
		s.skb[w] = skb ? skb[w] : 0;
		s.sent[w] = sent ? sent[w] : 0;
	}
	put(skel->maps.skb_sets, set, &s, sizeof(s));
}

/* A journey's record in way @w of @set: its key and when it opened. */
void slot_put(__u32 set, __u32 w, __u64 key, __u64 t_open)
{
	struct pt_slot s = { 0 };

	s.ev.skb = key;
	s.ev.ts[PT_STAGE_QUEUE] = t_open;
	s.ev.t_open = t_open;
	put(skel->maps.skbs, pt_slot_idx(set, w), &s, sizeof(s));
}

void hrec_put(__u32 set, __u32 w, __u64 key, __u64 first)
{
	struct pt_hrec h = { .key = key, .first = first };

	put(skel->maps.hrecs, pt_slot_idx(set, w), &h, sizeof(h));
}

struct pt_hrec hrec_get(__u32 set, __u32 w)
{
	struct pt_hrec h;

	get(skel->maps.hrecs, pt_slot_idx(set, w), &h, sizeof(h));
	return h;
}

/* A counter, summed over the CPUs. */
__u64 counter(enum pt_counter c)
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
void set_fresh(__u32 set, __u64 keys[NKEYS])
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

struct counts counts(void)
{
	struct counts c = { counter(PT_CNT_MAP_FULL), counter(PT_CNT_STALE) };

	return c;
}

void expect_counts(struct counts before, __u64 full, __u64 stale)
{
	struct counts now = counts();

	EXPECT_EQ(now.full - before.full, full, "PT_CNT_MAP_FULL counted");
	EXPECT_EQ(now.stale - before.stale, stale, "PT_CNT_STALE counted");
}
static const struct pt_logic_case *const tables[] = {
	pt_logic_slot_cases, pt_logic_hist_cases, pt_logic_tcp_cases,
};
#define NR_TABLES (sizeof(tables) / sizeof(tables[0]))
#define each_case(c) \
	for (unsigned int t_ = 0; t_ < NR_TABLES; t_++) \
		for (const struct pt_logic_case *c = tables[t_]; c->name; c++)

static void skip_all(const char *reason)
{
	each_case(c)
		printf("SKIP bpf_%s: %s\n", c->name, reason);
	pt_logic_filter_skip(reason);
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
		each_case(c)
			printf("FAIL bpf_%s: test object not loaded: %s\n", c->name,
			       strerror(err));
		pt_logic_filter_cases();
		return 1;
	}
	each_case(c) {
		why[0] = 0;
		c->fn();
		if (why[0]) {
			printf("FAIL bpf_%s: %s\n", c->name, why);
			failed = 1;
		} else {
			printf("PASS bpf_%s\n", c->name);
		}
	}
	logic_bpf__destroy(skel);
	failed |= pt_logic_filter_cases();
	return failed;
}

