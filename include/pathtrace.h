/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI shared by the BPF programs (bpf/) and userspace (user/): stage
 * ids, the per-packet record handed over through the ring buffer, the
 * loss counters. Fixed-size types only, natural alignment, explicit
 * padding: both sides see the same bytes.
 */
#ifndef PATHTRACE_H
#define PATHTRACE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* The layer model of the transmit direction, in layer order. */
enum pt_stage {
	PT_STAGE_SYSCALL = 0,	/* app hands data to the kernel */
	PT_STAGE_L4,		/* UDP / ICMP / raw / TCP send builds the skb */
	PT_STAGE_ROUTE,		/* route lookup */
	PT_STAGE_SENDQ,		/* TCP: the segment leaves the socket's write
				 * queue, handed to IP (ip_queue_xmit) */
	PT_STAGE_IP,		/* IP output, netfilter, fragmentation */
	PT_STAGE_NEIGH,		/* neighbour (ARP) resolution */
	PT_STAGE_QUEUE,		/* __dev_queue_xmit: qdisc */
	PT_STAGE_XMIT,		/* dev_hard_start_xmit: taps, hand-off */
	PT_STAGE_DRIVER,	/* tun_net_xmit: into the tun ring */
	PT_STAGE_COPY,		/* the reader's read() copies the skb out */
	PT_STAGE_USER,		/* the reader has the bytes (userspace) */
	PT_NR_STAGES,
};

/* Stages stamped in the kernel: all but the last. */
#define PT_NR_KSTAGES PT_STAGE_USER
_Static_assert(PT_NR_KSTAGES == PT_NR_STAGES - 1, "pt_stage: only the user stage is userspace's");
/* A sender's stamps before its skb exists are kept by task, below the queue. */
_Static_assert(PT_STAGE_SYSCALL == 0 && PT_STAGE_SYSCALL < PT_STAGE_L4 &&
	       PT_STAGE_L4 < PT_STAGE_ROUTE && PT_STAGE_ROUTE < PT_STAGE_SENDQ &&
	       PT_STAGE_SENDQ < PT_STAGE_IP &&
	       PT_STAGE_IP < PT_STAGE_NEIGH && PT_STAGE_NEIGH < PT_STAGE_QUEUE &&
	       PT_STAGE_QUEUE < PT_STAGE_XMIT && PT_STAGE_XMIT < PT_STAGE_DRIVER &&
	       PT_STAGE_DRIVER < PT_STAGE_COPY && PT_STAGE_COPY < PT_STAGE_USER,
	       "pt_stage: in layer order");

/*
 * The receive direction (--echo: a packet written into the device, up to
 * the application that receives it), by the slot each stage takes in
 * pt_event.ts. The first two are the writer's task's, as on the way out.
 */
enum pt_rx_stage {
	PT_RX_SYSCALL = 0,	/* the writer's write() */
	PT_RX_TUN = 1,		/* tun_get_user builds the skb from the bytes */
	PT_RX_NETIF = 2,	/* __netif_receive_skb: the stack takes it */
	PT_RX_IP = 3,		/* ip_rcv / ipv6_rcv */
	PT_RX_L4 = 4,		/* icmp_rcv, udp_rcv (+ v6) */
	PT_RX_SOCKQ = 5,	/* queued on the receiving socket */
	PT_RX_COPY = 9,		/* the application's receive copies it out */
};
/* Both directions' copies are stamped by one handler, at one slot. */
_Static_assert((int)PT_RX_COPY == (int)PT_STAGE_COPY, "the way in's copy is the way out's slot");
/* The writer's stamps before its skb exists are the task's, as a sender's. */
_Static_assert((int)PT_RX_SYSCALL == (int)PT_STAGE_SYSCALL, "the way in's syscall is the way out's slot");
_Static_assert((int)PT_RX_TUN < (int)PT_STAGE_QUEUE, "the way in's tun stage fits in the task's stamps");
_Static_assert(PT_RX_SYSCALL < PT_RX_TUN && PT_RX_TUN < PT_RX_NETIF && PT_RX_NETIF < PT_RX_IP &&
	       PT_RX_IP < PT_RX_L4 && PT_RX_L4 < PT_RX_SOCKQ && PT_RX_SOCKQ < PT_RX_COPY,
	       "pt_rx_stage: in layer order, each its own slot");
_Static_assert((int)PT_RX_COPY < (int)PT_NR_KSTAGES, "the way in's stages fit in pt_event.ts");

/* Flow family of struct pt_flow. */
enum pt_family {
	PT_FAM_NONE = 0,
	PT_FAM_ARP = 1,		/* ARP for IPv4 over Ethernet (TAP) */
	PT_FAM_IPV4 = 4,
	PT_FAM_IPV6 = 6,
};

/* Transports struct pt_flow knows (IPPROTO_* values). */
#define PT_IPPROTO_ICMP 1
#define PT_IPPROTO_TCP 6
#define PT_IPPROTO_UDP 17
#define PT_IPPROTO_ICMPV6 58

/*
 * What identifies a packet on both sides: filled from the packet bytes by
 * the same code (include/pt_flow.h) in the kernel and in the reader.
 * Numbers in host order, addresses as on the wire. No implicit padding:
 * two flows are equal when their bytes are.
 */
struct pt_flow {
	__u8 family;		/* enum pt_family */
	__u8 proto;		/* IPPROTO_* of the transport */
	__u8 icmp_type;		/* TCP: the flags byte */
	__u8 icmp_code;		/* TCP: the IP and TCP header lengths in 32-bit
				 * words, 4 bits each (IP's high) */
	__u16 l3_len;		/* IPv4 total length / IPv6 payload + 40 */
	__u16 ipid;		/* IPv4 identification (0 for IPv6) */
	__u16 sport;		/* UDP/TCP ports; ICMP echo: id, seq; ARP: op */
	__u16 dport;
	__u8 saddr[16];		/* IPv4 in the first 4 bytes; ARP: sender IPv4 */
	__u8 daddr[16];		/* and MAC, target IPv4 and MAC */
	__u32 tcp_seq;		/* TCP: sequence number (equal-length segments
				 * of a flow differ by it; IPv6 has no IP id) */
};
_Static_assert(sizeof(struct pt_flow) == 48, "pt_flow: no implicit padding");

/* How a packet's record ended. */
enum pt_end {
	PT_END_UNSEEN = 0,	/* the way in: its skb was freed unseen (a UDP
				 * socket's, on tracepoints), and a new one took
				 * its address */
	PT_END_CONSUMED = 1,	/* freed normally (after the copy if copied) */
	PT_END_DROPPED,		/* kfree_skb: dropped, drop_reason says why */
};

/* Flags of struct pt_event. */
#define PT_EV_IN_SYSCALL	0x1	/* sender's syscall joined (pid valid) */
#define PT_EV_RX		0x2	/* receive direction (stages: enum pt_rx_stage) */
#define PT_EV_CLONE		0x4	/* rx: a clone of a received packet (a raw
					 * socket's), followed from its socket on */
#define PT_EV_GSO		0x8	/* a segment of a GSO split: its stages up to
					 * the queue are its original's */
#define PT_EV_BY_WRITE		0x10	/* TCP data: pid, comm, syscall and l4 are the
					 * write's that queued it (PT_EV_IN_SYSCALL too) */
#define PT_EV_BY_OWNER		0x20	/* TCP: pid and comm are the socket's owner's
					 * (its last writer, or connect()'s caller) */
#define PT_EV_TCP_KERNEL	0x40	/* TCP: sent outside its owner's send (softirq,
					 * a timer) and no owner known */
#define PT_EV_RETRANS		0x80	/* TCP: its data reached the device before */
#define PT_EV_PARKED		0x100	/* parked by the neighbour layer until the next
					 * hop's address came (ARP, NDP): its wait is
					 * neigh -> queue */

/*
 * One record per packet, emitted when the kernel frees the skb. What every
 * stage touches comes first (the first two cache lines of a table slot):
 * --hist touches nothing else.
 */
struct pt_event {
	__u64 skb;			/* skb address: the packet's identity */
	__u64 ts[PT_NR_KSTAGES];	/* CLOCK_MONOTONIC ns; 0 = not seen */
	struct pt_flow flow;
	__u64 l4_ip;			/* address of the l4 function, 0 if unseen */
	__u32 pid;			/* sender (tgid, tid) */
	__u32 tid;
	__u32 copy_pid;			/* reader whose read() copied it */
	__u32 copy_tid;
	char comm[16];
	char copy_comm[16];
	__u32 ifindex;
	__u32 end;			/* enum pt_end */
	__u32 drop_reason;		/* enum skb_drop_reason if dropped */
	__u32 flags;			/* PT_EV_* */
	__s32 syscall_nr;		/* the sender's syscall, -1 if none */
	__u32 len;			/* skb->len at first sighting */
	__u64 t_open;			/* when its record opened (for staleness) */
	__u64 t_user;			/* a foreign reader's read() returned (else 0) */
	__u64 head;			/* skb->head at first sighting: the way in tells
					 * its skb from a later one at its address */
};
_Static_assert(__builtin_offsetof(struct pt_event, ts) + sizeof(((struct pt_event *)0)->ts) <= 128,
	       "pt_event: what every stage touches is in its first two cache lines");

/* Counters, one per-CPU slot each: everything that was not handed over. */
enum pt_counter {
	PT_CNT_RB_FULL = 0,	/* ring buffer reserve failed: record lost */
	PT_CNT_MAP_FULL,	/* its slot in the per-skb table taken: packet not followed */
	PT_CNT_STALE,		/* a record whose skb's end was never seen, given up */
	PT_CNT_NO_TASK_STORE,	/* a send's task slot taken by another thread's: its
				 * early stages lost */
	PT_CNT_DROPPED,		/* --hist: packets dropped before any read */
	PT_CNT_UNREAD,		/* --hist: packets freed without being read */
	PT_CNT_REORDERED,	/* --hist: a sample not counted (a stage stamped
				 * before the one before it, or over 4.29 s
				 * after the first before the copy) */
	PT_CNT_FILTERED,	/* left out by the filter expression or --pid/--comm */
	PT_CNT_GSO_MISS,	/* a TCP skb at the driver, not followed, matching no
				 * split original: a GSO segment not followed */
	PT_CNT_MERGED,		/* journeys: an skb first seen where a record of a
				 * packet on its way out, not read yet, was open: taken
				 * for a second pass of that packet (or that record's
				 * end went unseen, and this packet is in no journey) */
	PT_CNT_XMIT_UNSEEN,	/* journeys: a packet the packet-socket tap saw go to
				 * the driver whose driver stage no program saw (the
				 * kernel ran the tap, not the tracing programs that
				 * follow it): in no journey */
	PT_NR_COUNTERS,
};

/* Tasks with a send in progress at once, by thread id: a power of two. */
#define PT_TASK_SLOTS 16384
_Static_assert((PT_TASK_SLOTS & (PT_TASK_SLOTS - 1)) == 0, "PT_TASK_SLOTS: a power of two");

/* Packets parked by the neighbour layer at once whose senders are kept (TAP). */
#define PT_PARKED_MAX 256

/*
 * A send syscall in progress in a task: its stages before the first skb
 * (the task's slot, tagged with the thread id it holds).
 */
struct pt_task {
	__u64 ts[PT_STAGE_QUEUE];
	__u64 l4_ip;		/* which l4 function ran */
	__s64 nr;
	__u64 pending;		/* a foreign reader's task: the skb its read copied */
	__u32 tid;		/* whose slot it is now */
	__u32 __pad;
};
_Static_assert(sizeof(struct pt_task) == 80, "pt_task: no implicit padding");

/* Bitmap words of send syscall numbers (set by userspace, per architecture). */
#define PT_SYSCALL_BITMAP_WORDS 8

/*
 * The packet-socket tap's stamp of a packet going to the driver (one per
 * CPU, bpf/pt_core.bpf.h), taken by the driver stage; one left at exit is
 * a packet no program saw there (userspace counts it).
 */
struct pt_tap {
	__u64 ts;		/* 0: none waiting */
	__u32 len;
	__u32 __pad;
};
_Static_assert(sizeof(struct pt_tap) == 16, "pt_tap: no implicit padding");

/*
 * Packets followed at once: sets of PT_SKB_WAYS slots, a packet's set by
 * hash of its skb's address. And the ring buffer that hands them over.
 */
#define PT_SKB_WAYS 4
#define PT_SKB_SET_BITS 12
#define PT_SKB_SETS (1u << PT_SKB_SET_BITS)
#define PT_MAX_SKBS (PT_SKB_SETS * PT_SKB_WAYS)
/* Slot indexes and the choice of a way are masked: powers of two. */
_Static_assert((PT_SKB_WAYS & (PT_SKB_WAYS - 1)) == 0, "PT_SKB_WAYS: a power of two");
_Static_assert((PT_MAX_SKBS & (PT_MAX_SKBS - 1)) == 0 && PT_MAX_SKBS == PT_SKB_SETS * PT_SKB_WAYS,
	       "PT_MAX_SKBS: a power of two, every way of every set");

/* A journey whose skb was never freed (its end unseen) gives way after this. */
#define PT_STALE_NS (10ull * 1000000000ull)

/*
 * A set, one cache line: its owners (skb keys, 0: free) and, with --hist,
 * when each was sent (for the choice of the oldest to give way).
 */
struct pt_skb_set {
	__u64 skb[PT_SKB_WAYS];
	__u64 sent[PT_SKB_WAYS];
};
_Static_assert(sizeof(struct pt_skb_set) == 64, "pt_skb_set: one cache line");

/* The set of the skb of key @skb (a multiplicative hash). */
static inline __u32 pt_skb_set_idx(__u64 skb)
{
	return (__u32)((skb * 0x9E3779B97F4A7C15ull) >> (64 - PT_SKB_SET_BITS));
}

/* The slot of way @w of set @set (masked: a bound the verifier sees). */
static inline __u32 pt_slot_idx(__u32 set, __u32 w)
{
	return (set * PT_SKB_WAYS + w) & (PT_MAX_SKBS - 1);
}

/*
 * A journey's slot in the table (the skbs map): its record, padded so that
 * each starts a cache line of the page-aligned array.
 */
#define PT_SLOT_BYTES 256

struct pt_slot {
	struct pt_event ev;
	__u8 __pad[PT_SLOT_BYTES - sizeof(struct pt_event)];
};
_Static_assert(sizeof(struct pt_slot) == PT_SLOT_BYTES, "pt_slot: the record, padded");
_Static_assert(_Alignof(struct pt_slot) == 8, "pt_slot: aligned as its record");

/* skbs of one dev_hard_start_xmit list stamped (the rest are not). */
#define PT_MAX_XMIT_LIST 16
#define PT_RINGBUF_BYTES (4u << 20)
_Static_assert((PT_RINGBUF_BYTES & (PT_RINGBUF_BYTES - 1)) == 0, "PT_RINGBUF_BYTES: a power of two");

#endif /* PATHTRACE_H */
