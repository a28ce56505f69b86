/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The context of tests/bpf/logic.bpf.c's programs, run one at a time
 * through BPF_PROG_TEST_RUN by tests/bpf/logic.c: what a case passes in,
 * and what the program returns in it.
 */
#ifndef PT_TEST_LOGIC_H
#define PT_TEST_LOGIC_H

#include "pathtrace.h"

#define PT_LOGIC_NONE 0xffffffffu	/* no slot */
#define PT_LOGIC_TCP_WRITES 128		/* a TCP socket's writes kept (PT_TCP_WRITES) */

struct pt_logic_ctx {
	__u64 key;	/* the skb's key */
	__u64 now;	/* the clock, as the handlers would have read it */
	__u64 a, b;	/* per program: see logic.bpf.c */
	__s64 ret;	/* what the function returned */
	__u32 idx;	/* the slot it gave, or PT_LOGIC_NONE */
	__u32 __pad;
};

#endif
