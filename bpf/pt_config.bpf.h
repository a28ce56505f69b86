/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of the BPF side shares: the configuration userspace sets
 * before load, the globals it reads back, and the loss counters.
 */
#ifndef PT_CONFIG_BPF_H
#define PT_CONFIG_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "pathtrace.h"
#include "pt_flow.h"
#include "pt_hist.h"
#include "pt_filter.h"

/* Set by userspace before load. */
const volatile __u32 targ_ifindex = 0;
const volatile __u32 targ_netns = 0;	/* inode number of the device's netns */
/* Bitmap of the send syscalls' numbers (this architecture's). */
const volatile __u64 send_syscalls[PT_SYSCALL_BITMAP_WORDS] = {};
/* --hist: aggregate here, no record per packet; the reader's process. */
const volatile bool hist_mode = false;
const volatile bool hist_by_proto = false;
/* Another process reads the device: its reads are followed to their return. */
const volatile __u32 foreign_tgid = 0;
/* --echo: follow the packets written into the device too. */
const volatile bool rx_mode = false;
/* A hook stamps TCP's sendq (ip_queue_xmit, or netfilter LOCAL_OUT): first sightings look for it. */
const volatile bool sendq_hooked = false;
/* A packet socket's filter stamps xmit (no function hook there): the driver stage takes it. */
const volatile bool xmit_tapped = false;
/* TAP, with an ip stage of the skb's own: packets the neighbour layer parks keep their sender (pt_task.bpf.h). */
const volatile bool neigh_park = false;
const volatile __u32 reader_tgid = 0;
/* The filters (pt_filter.bpf.h): an expression, and --pid/--comm. */
const volatile bool pkt_filter = false;
const volatile __u32 filter_need = 0;		/* bytes of a packet it may read */
/*
 * The kernel lets a program load an skb's bytes through the skb's own
 * pointers (read-only untrusted memory, whose faults read 0): filters and
 * parses read them in place instead of copying them (user/probe.c).
 */
const volatile bool skb_bytes_direct = false;
/*
 * The kernel has BPF's atomic compare-and-swap (Linux 5.12; probed). Before,
 * its verifier refuses the instruction even where it never runs: userspace
 * takes it out of the object (user/ladder.c), and pt_cas's other branch runs.
 */
const volatile bool atomic_cas = true;
/* kfree_skb's tracepoint has its third argument, the drop reason (Linux 5.17). */
const volatile bool kfree_skb_reason = true;
const volatile bool proc_filter = false;
const volatile __u32 proc_pids[PT_MAX_PIDS] = {};
const volatile __u64 proc_comm[2] = {};		/* a task's comm, 16 bytes */
/* The histogram generation being filled; userspace flips it to read the other. */
volatile __u8 hist_gen = 0;
/* --hist: the reader's last copied packet, for its own user-stage stamp. */
struct pt_reader_stamp reader_stamp = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * *@p = @new if it holds @old; returns what it held. Before Linux 5.12 a
 * load and a store: two CPUs claiming one slot at the same instant may
 * both take it (one record then overwrites the other's).
 */
static __always_inline __u64 pt_cas(__u64 *p, __u64 old, __u64 new)
{
	__u64 cur;

	if (atomic_cas)
		return __sync_val_compare_and_swap(p, old, new);
	cur = *(volatile __u64 *)p;
	if (cur == old)
		*(volatile __u64 *)p = new;
	return cur;
}

/* kfree_skb's drop reason, from its tracepoint's context @ctx; 0 before Linux 5.17. */
static __always_inline __u32 pt_drop_reason(const __u64 *ctx)
{
	return kfree_skb_reason ? (__u32)((const volatile __u64 *)ctx)[2] : 0;
}

static __always_inline void pt_count(enum pt_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
}

#endif /* PT_CONFIG_BPF_H */
