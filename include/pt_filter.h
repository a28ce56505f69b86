/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet filter's ABI between the BPF programs and userspace.
 *
 * A pcap-filter expression is compiled by libpcap into classic BPF, which
 * userspace translates into eBPF (user/cbpf.c) and writes, before load, over
 * a placeholder region that every first-sighting program carries inline
 * (PT_FILTER_RUN in bpf/pt_filter.bpf.h). The region, in instructions:
 *
 *   [0, 2)   r0 = PT_FILTER_MARK_START ll    (the marker userspace finds)
 *   [2]      rB = rB                         (names the register rB)
 *   [3]      rP = rP                         (names the register rP)
 *   [4, 4 + PT_FILTER_ROOM)   goto +0        (room for the filter)
 *   [.., +2) r0 = PT_FILTER_MARK_END ll
 *
 * PT_FILTER_REGION instructions in all. On entry rB points at a struct
 * pt_fbuf (a map value) with the packet's lengths, and rP at the packet's
 * first byte: the fbuf's pkt[], a copy, or, where the kernel lets a
 * program load an skb's bytes itself (as read-only untrusted memory,
 * whose faults read 0), the skb's own data, with no copy made. The filter
 * reads at most caplen bytes from rP, may use r0 to r5 (clobbered for the
 * compiler) and must leave its verdict in rB (0: leave the packet out;
 * else: keep it) and go on at the instruction after the region.
 * Unpatched, the region keeps every packet (rB is a pointer) and costs
 * nothing once verified (the verifier removes goto +0).
 */
#ifndef PT_FILTER_H
#define PT_FILTER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Bytes of a packet the kernel's filter sees, from its link-layer start. */
#define PT_FILTER_CAP 256
/* Classic BPF's scratch memory M[]: words. */
#define PT_FILTER_MEMWORDS 16
/* eBPF instructions of room for a translated filter. */
#define PT_FILTER_ROOM 2048
#define PT_FILTER_REGION (PT_FILTER_ROOM + 6)
#define PT_FILTER_MARK_START 0x50544631
#define PT_FILTER_MARK_END 0x50544632

/* What a filter runs on: one per CPU. */
struct pt_fbuf {
	__u32 caplen;			/* bytes of pkt[] that are the packet's */
	__u32 wirelen;			/* the packet's length (classic BPF's len) */
	__u32 mem[PT_FILTER_MEMWORDS];	/* classic BPF's M[] */
	__u8 pkt[PT_FILTER_CAP];
};
_Static_assert(__builtin_offsetof(struct pt_fbuf, pkt) == 72, "pt_fbuf: no implicit padding");

/* A macro's value as a string. */
#define PT_FILTER_STR_(x) #x
#define PT_FILTER_STR(x) PT_FILTER_STR_(x)

/* --pid: processes at most. */
#define PT_MAX_PIDS 16

#endif /* PT_FILTER_H */
