// SPDX-License-Identifier: GPL-2.0
/*
 * TCP's logic: the write a segment's data belongs to (pt_tcp_write_of's
 * search), against a plain scan of the writes kept.
 */
#include <string.h>
#include "runner.h"

#define W PT_LOGIC_TCP_WRITES

/* The socket of the cases: @head writes recorded, the @i-th began at seq[@i % W]. */
static void sock_put(__u64 key, __u32 head, const __u32 seq[W])
{
	for (__u32 i = 0; i < W; i++) {
		struct pt_logic_ctx c = ctx(key, head, i, seq[i]);

		run(skel->progs.tcp_write_put, &c);
		EXPECT_EQ(c.ret, 1, "socket record made");
	}
}

/* The latest kept write that began at or before @q, in sequence space from the oldest. */
static __u32 scan(__u32 head, const __u32 seq[W], __u32 q)
{
	__u32 n = head < W ? head : W, first = head - n, base, found = PT_LOGIC_NONE;

	if (!n)
		return PT_LOGIC_NONE;
	base = seq[first % W];
	if ((__s32)(q - base) < 0)
		return PT_LOGIC_NONE;
	for (__u32 j = 0; j < n; j++)
		if (seq[(first + j) % W] - base <= q - base)
			found = (first + j) % W;
	return found;
}

/* Every query around every kept write's start: found as the scan finds it. */
static void check_all(__u64 key, __u32 head, const __u32 seq[W])
{
	__u32 n = head < W ? head : W;

	sock_put(key, head, seq);
	for (__u32 j = 0; j < n + 1 && !why[0]; j++) {
		__u32 at = j < n ? seq[(head - n + j) % W] : seq[(head - 1) % W] + 5000;

		for (int d = -2; d <= 2 && !why[0]; d++) {
			struct pt_logic_ctx c = ctx(key, 0, at + d, 0);
			__u32 want = scan(head, seq, at + d);
			char what[96];

			run(skel->progs.tcp_write_of, &c);
			snprintf(what, sizeof(what), "head %u, query %u: the write's index", head, at + d);
			EXPECT_EQ(c.ret, want != PT_LOGIC_NONE, "found");
			EXPECT_EQ(c.idx, want, what);
		}
	}
}

/* Writes of uneven sizes: from one kept to a full ring that wrapped, and none. */
static void case_tcp_write_of(void)
{
	__u32 seq[W];
	__u32 heads[] = { 0, 1, 2, 3, 7, 33, 63, 64, 65, 100, 1000 };

	for (unsigned int h = 0; h < sizeof(heads) / sizeof(heads[0]) && !why[0]; h++) {
		__u32 head = heads[h], n = head < W ? head : W, s = 1000;

		memset(seq, 0, sizeof(seq));
		for (__u32 i = head - n; i != head; i++) {
			seq[i % W] = s;
			s += 1 + (i * 7919) % 3000;	/* 1 to 3000 bytes */
		}
		check_all(100 + h, head, seq);
	}
}

/* Sequence numbers that wrap around 2^32 among the writes kept. */
static void case_tcp_write_of_seq_wraps(void)
{
	__u32 seq[W], s = 0xffffffffu - 20 * 1448;

	for (__u32 i = 0; i < W; i++, s += 1448)
		seq[i] = s;
	check_all(200, W, seq);
}

const struct pt_logic_case pt_logic_tcp_cases[] = {
#define C(n) { #n, case_##n }
	C(tcp_write_of),
	C(tcp_write_of_seq_wraps),
#undef C
	{ 0 },
};
