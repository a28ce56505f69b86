/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms aggregated in the kernel: log-linear slots (four per
 * power of two, so a percentile read from them is within 19% of the
 * truth), shown as bcc-style log2 buckets. Slot arithmetic shared by the
 * BPF programs and userspace.
 */
#ifndef PT_HIST_H
#define PT_HIST_H

#include "pathtrace.h"

#define PT_HIST_SUB_BITS 2
#define PT_HIST_SUB (1u << PT_HIST_SUB_BITS)
/* Values below PT_HIST_SUB have a slot each; above, PT_HIST_SUB per power of two. */
#define PT_HIST_SLOTS (PT_HIST_SUB * (64 - PT_HIST_SUB_BITS + 1))

/* The transition id of the whole way, first stage to reader. */
#define PT_HIST_TOTAL 0xff

struct pt_hist_key {
	__u32 ifindex;
	__u8 proto;		/* IPPROTO_* with --hist-by proto, else 0 */
	__u8 from;		/* enum pt_stage, or PT_HIST_TOTAL */
	__u8 to;		/* enum pt_stage */
	__u8 gen;		/* generation: userspace reads one while the kernel fills the other */
};

struct pt_hist {
	__u64 slot[PT_HIST_SLOTS];
	__u64 count;
	__u64 sum;
	__u64 max;
};

/* Index of the highest bit set in @v (v > 0), without a loop. */
static inline unsigned int pt_log2(__u64 v)
{
	unsigned int r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (unsigned int)(v >> 1);
	return r;
}

/* The slot of value @v. */
static inline unsigned int pt_hist_slot(__u64 v)
{
	unsigned int msb;

	if (v < PT_HIST_SUB)
		return (unsigned int)v;
	msb = pt_log2(v);
	return PT_HIST_SUB * (msb - PT_HIST_SUB_BITS + 1) +
	       (unsigned int)((v >> (msb - PT_HIST_SUB_BITS)) & (PT_HIST_SUB - 1));
}

/* The smallest value of slot @i (the next slot's lowest, minus one, is its highest). */
static inline __u64 pt_hist_slot_lo(unsigned int i)
{
	unsigned int msb;

	if (i < PT_HIST_SUB)
		return i;
	msb = i / PT_HIST_SUB + PT_HIST_SUB_BITS - 1;
	return (1ULL << msb) | ((__u64)(i % PT_HIST_SUB) << (msb - PT_HIST_SUB_BITS));
}

#endif /* PT_HIST_H */
