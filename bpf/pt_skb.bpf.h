/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reads of an skb: the facts its first sighting needs, its flow key (parsed
 * by pt_flow.h, as the reader does), and whether it is on the traced device.
 */
#ifndef PT_SKB_BPF_H
#define PT_SKB_BPF_H

#include "pt_config.bpf.h"

/*
 * Scratch space for the header bytes the key is parsed from (on the stack,
 * clang turns offsets into aligned buffers into pointer ORs, which the
 * verifier rejects).
 *
 * Per CPU, one per nesting level: a program that runs in a task with
 * softirqs enabled (a first sighting at the queue under fentry or kprobe,
 * or at a read()'s copy) can be interrupted by one that runs in softirq
 * (the driver, the way in's stages) on the same CPU, in the middle of its
 * parse; two of the same level never nest (the kernel does not nest a
 * program in itself, and softirqs do not nest). pt_nest() picks.
 */
#define PT_NEST_BH 0		/* softirq, or softirqs disabled */
#define PT_NEST_TASK 1		/* a task with softirqs enabled */
#define PT_NESTS 2
struct pt_scratch {
	__u8 l3[PT_L3_MIN];
	__u8 l4[PT_L4_MIN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_NESTS);
	__type(key, __u32);
	__type(value, struct pt_scratch);
} scratch SEC(".maps");

/* What the first sighting needs of an skb, read once. */
struct pt_skb_facts {
	unsigned char *head, *data;
	__u32 len, data_len, ifindex, netns;	/* (data_len: read with a filter, else 0) */
	__u16 nh, mh;		/* network and mac header offsets (mh: read with a filter) */
	__u16 proto;		/* skb->protocol, host order */
	__u32 iif;		/* skb->skb_iif: the device it came in on */
	__u32 nest;		/* the caller's nesting level: its scratch (PT_NEST_*) */
};

/* The nesting level of a first sighting at @stage (see scratch). */
static __always_inline __u32 pt_nest(__u32 stage)
{
	return stage == PT_STAGE_QUEUE || stage == PT_STAGE_COPY ? PT_NEST_TASK : PT_NEST_BH;
}

/*
 * @trusted: @skb is a BTF pointer (tp_btf, fentry) and its fields load
 * directly; from a kprobe it is a plain address, read with probe reads.
 */
static __always_inline void pt_skb_read(struct sk_buff *skb, bool trusted,
					struct pt_skb_facts *f)
{
	struct net_device *dev;

	/* Known without a filter too: clang fills what is not with any register. */
	f->mh = (__u16)~0U;
	f->data_len = 0;
	if (trusted) {
		dev = skb->dev;
		f->ifindex = dev ? dev->ifindex : 0;
		f->netns = dev ? dev->nd_net.net->ns.inum : 0;
		f->head = skb->head;
		f->data = skb->data;
		f->nh = skb->network_header;
		f->len = skb->len;
		f->proto = bpf_ntohs(skb->protocol);
		f->iif = skb->skb_iif;
		if (pkt_filter) {	/* what only the expression needs */
			f->mh = skb->mac_header;
			f->data_len = skb->data_len;
		}
	} else {
		dev = BPF_CORE_READ(skb, dev);
		f->ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
		f->netns = dev ? BPF_CORE_READ(dev, nd_net.net, ns.inum) : 0;
		f->head = BPF_CORE_READ(skb, head);
		f->data = BPF_CORE_READ(skb, data);
		f->nh = BPF_CORE_READ(skb, network_header);
		f->len = BPF_CORE_READ(skb, len);
		f->proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
		f->iif = BPF_CORE_READ(skb, skb_iif);
		if (pkt_filter) {
			f->mh = BPF_CORE_READ(skb, mac_header);
			f->data_len = BPF_CORE_READ(skb, data_len);
		}
	}
}

/* The network namespace of the socket an skb is queued on (0: none). */
static __always_inline __u32 pt_skb_sk_netns(struct sk_buff *skb, bool trusted)
{
	struct sock *sk;

	if (trusted) {
		sk = skb->sk;
		return sk ? sk->__sk_common.skc_net.net->ns.inum : 0;
	}
	sk = BPF_CORE_READ(skb, sk);
	return sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) : 0;
}

#define PT_SOCK_RAW 3	/* enum sock_type (a macro in the kernel: not in its BTF) */

/*
 * Whether @s is a raw socket; NULL: the socket @skb is on (none before the
 * socket's queue takes it).
 */
static __always_inline bool pt_sk_raw(void *s, struct sk_buff *skb, bool trusted)
{
	struct sock *sk = s;

	if (!sk)
		sk = trusted ? skb->sk : BPF_CORE_READ(skb, sk);
	if (!sk)
		return false;
	return (trusted ? sk->sk_type : BPF_CORE_READ(sk, sk_type)) == PT_SOCK_RAW;
}

/*
 * Whether a program with @skb's pointer may load the bytes it points at
 * (a BTF pointer, on a kernel that allows it), not copy them first.
 */
static __always_inline bool pt_bytes_in_place(bool trusted)
{
	return trusted && skb_bytes_direct;
}

/*
 * The packet's key, from its network header (see pt_flow.h): read in
 * place where it may be (pt_bytes_in_place), else copied into @sc first.
 */
static __always_inline void pt_skb_flow(const struct pt_skb_facts *sf, struct pt_flow *f,
					struct pt_scratch *sc, bool trusted)
{
	unsigned char *nh = sf->head + sf->nh;
	const __u8 *l3, *l4;
	__u32 avail;
	int off;

	/* Bytes of the packet from the network header on. */
	avail = sf->len + (__u32)(sf->data - sf->head) - sf->nh;
	if (avail > sf->len + 256)	/* network header not set yet */
		return;
	if (pt_bytes_in_place(trusted)) {
		l3 = nh;
	} else {
		if (bpf_probe_read_kernel(sc->l3, sizeof(sc->l3), nh))
			return;
		l3 = sc->l3;
	}
	if (sf->proto == PT_ETH_P_ARP) {
		pt_flow_arp(f, l3, avail);
		return;
	}
	off = pt_flow_l3(f, l3, avail);
	if (off < 0 || off > 60)
		return;
	if (pt_bytes_in_place(trusted)) {
		l4 = nh + off;
	} else {
		if (bpf_probe_read_kernel(sc->l4, sizeof(sc->l4), nh + off))
			return;
		l4 = sc->l4;
	}
	pt_flow_l4(f, l4, avail > (__u32)off ? avail - off : 0);
}

/* Whether @skb is on the traced device (its ifindex, in its network namespace). */
static __always_inline bool pt_skb_on_target(struct sk_buff *skb, bool trusted)
{
	struct net_device *dev = trusted ? skb->dev : BPF_CORE_READ(skb, dev);

	if (!dev)
		return false;
	if (trusted)
		return dev->ifindex == targ_ifindex && dev->nd_net.net->ns.inum == targ_netns;
	return BPF_CORE_READ(dev, ifindex) == targ_ifindex &&
	       BPF_CORE_READ(dev, nd_net.net, ns.inum) == targ_netns;
}

#endif /* PT_SKB_BPF_H */
