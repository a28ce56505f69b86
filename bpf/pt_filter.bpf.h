/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet filter's placeholder (see include/pt_filter.h): userspace
 * writes the translated pcap-filter expression over it before load.
 */
#ifndef PT_FILTER_BPF_H
#define PT_FILTER_BPF_H

#include "pt_filter.h"

#define PT_FILTER_STR_(x) #x
#define PT_FILTER_STR(x) PT_FILTER_STR_(x)

/*
 * Run the filter on the struct pt_fbuf @v points at; @v (a __u64) becomes
 * the verdict: 0 leaves the packet out.
 */
#define PT_FILTER_RUN(v)							\
	asm volatile("r0 = " PT_FILTER_STR(PT_FILTER_MARK_START) " ll\n\t"	\
		     "%[rb] = %[rb]\n\t"					\
		     ".rept " PT_FILTER_STR(PT_FILTER_ROOM) "\n\t"		\
		     "goto +0\n\t"						\
		     ".endr\n\t"						\
		     "r0 = " PT_FILTER_STR(PT_FILTER_MARK_END) " ll\n\t"	\
		     : [rb] "+r"(v) : : "r0", "r1", "r2", "r3", "r4", "r5")

#endif /* PT_FILTER_BPF_H */
