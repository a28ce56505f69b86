/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The context of tests/bpf/filter.bpf.c's program: a packet in, the
 * filter's verdict out (tests/bpf/logic_filter.c).
 */
#ifndef PT_TEST_FILTER_H
#define PT_TEST_FILTER_H

#include "pt_filter.h"

struct pt_filter_ctx {
	__u32 caplen;			/* bytes of pkt that are the packet's */
	__u32 wirelen;
	__u64 verdict;			/* 0: left out, 1: kept */
	__u8 pkt[PT_FILTER_CAP];
};

#endif
