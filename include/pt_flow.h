/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet key, computed the same way on both sides: by the BPF programs
 * from the skb's headers and by the reader from the bytes read() returned.
 * Pure functions over byte buffers, written so the BPF verifier accepts
 * them: fixed bounds, no loops over variable lengths.
 *
 * Usage: pt_flow_l3() on the network header (at least PT_L3_MIN bytes
 * readable, `len` the bytes really present), then pt_flow_l4() on the
 * transport header at the offset it returned; an ARP packet (the Ethernet
 * type, or the skb's protocol, says so) goes to pt_flow_arp() instead.
 */
#ifndef PT_FLOW_H
#define PT_FLOW_H

#include "pathtrace.h"

#define PT_L3_MIN 40	/* bytes the L3 parser may look at (IPv6 header) */
#define PT_L4_MIN 20	/* bytes the L4 parser may look at (a TCP header) */
#define PT_L4_PORTS 8	/* bytes it needs: ports, or an echo's id and sequence */
#define PT_ETH_HLEN 14
#define PT_ETH_P_IP 0x0800
#define PT_ETH_P_ARP 0x0806
#define PT_ETH_P_IPV6 0x86dd
#define PT_ARP_LEN 28	/* ARP for IPv4 over Ethernet */
_Static_assert(PT_L3_MIN >= 40 && PT_L3_MIN >= PT_ARP_LEN, "PT_L3_MIN: an IPv6 header, an ARP packet");
_Static_assert(PT_L4_MIN >= 20 && PT_L4_PORTS <= PT_L4_MIN, "PT_L4_MIN: a TCP header");

static inline __u16 pt_get16(const __u8 *p)
{
	return (__u16)((p[0] << 8) | p[1]);
}

/*
 * Fill the L3 part of @f from the network header @p of which @len bytes are
 * packet data. Returns the offset of the transport header, or -1 when there
 * is none to parse: not an IP packet this parser knows (@f left zeroed), or
 * a non-first IPv4 fragment (@f keeps its L3 part).
 */
static inline int pt_flow_l3(struct pt_flow *f, const __u8 *p, __u32 len)
{
	__u32 ihl;
	int i;

	__builtin_memset(f, 0, sizeof(*f));
	if (len < 1)
		return -1;
	switch (p[0] >> 4) {
	case 4:
		ihl = (__u32)(p[0] & 0xf) * 4;
		if (len < 20 || ihl < 20)
			return -1;
		f->family = PT_FAM_IPV4;
		f->l3_len = pt_get16(p + 2);
		f->ipid = pt_get16(p + 4);
		f->proto = p[9];
		if (f->proto == PT_IPPROTO_TCP)
			f->icmp_code = (__u8)((ihl / 4) << 4);
		for (i = 0; i < 4; i++) {
			f->saddr[i] = p[12 + i];
			f->daddr[i] = p[16 + i];
		}
		/* Only the first fragment carries the transport header. */
		if (pt_get16(p + 6) & 0x1fff)
			return -1;
		return (int)ihl;
	case 6:
		if (len < 40)
			return -1;
		f->family = PT_FAM_IPV6;
		f->l3_len = (__u16)(pt_get16(p + 4) + 40);
		f->proto = p[6];
		if (f->proto == PT_IPPROTO_TCP)
			f->icmp_code = 10 << 4;
		for (i = 0; i < 16; i++) {
			f->saddr[i] = p[8 + i];
			f->daddr[i] = p[24 + i];
		}
		return 40;
	}
	return -1;
}

/*
 * Fill @f from the ARP packet @p (at least PT_L3_MIN bytes readable, @len
 * present): op in sport, sender and target as addresses (IPv4, then MAC).
 * Returns 0, or -1 for ARP other than IPv4 over Ethernet (@f zeroed).
 */
static inline int pt_flow_arp(struct pt_flow *f, const __u8 *p, __u32 len)
{
	int i;

	__builtin_memset(f, 0, sizeof(*f));
	if (len < PT_ARP_LEN || pt_get16(p) != 1 || pt_get16(p + 2) != PT_ETH_P_IP ||
	    p[4] != 6 || p[5] != 4)
		return -1;
	f->family = PT_FAM_ARP;
	f->l3_len = PT_ARP_LEN;
	f->sport = pt_get16(p + 6);
	for (i = 0; i < 4; i++) {
		f->saddr[i] = p[14 + i];
		f->daddr[i] = p[24 + i];
	}
	for (i = 0; i < 6; i++) {
		f->saddr[4 + i] = p[8 + i];
		f->daddr[4 + i] = p[18 + i];
	}
	return 0;
}

/* Fill the transport part of @f from @p, of which @len bytes are data. */
static inline void pt_flow_l4(struct pt_flow *f, const __u8 *p, __u32 len)
{
	if (len < PT_L4_PORTS)
		return;
	switch (f->proto) {
	case PT_IPPROTO_TCP:
		if (len >= 20 && (p[12] >> 4) >= 5) {
			f->tcp_seq = ((__u32)pt_get16(p + 4) << 16) | pt_get16(p + 6);
			f->icmp_type = p[13];
			f->icmp_code |= p[12] >> 4;
		}
		/* fall through */
	case PT_IPPROTO_UDP:
		f->sport = pt_get16(p);
		f->dport = pt_get16(p + 2);
		break;
	case PT_IPPROTO_ICMP:
	case PT_IPPROTO_ICMPV6:
		f->icmp_type = p[0];
		f->icmp_code = p[1];
		/* Echo request/reply: identifier and sequence number. */
		if (f->proto == PT_IPPROTO_ICMP ? (p[0] == 8 || p[0] == 0) :
						  (p[0] == 128 || p[0] == 129)) {
			f->sport = pt_get16(p + 4);
			f->dport = pt_get16(p + 6);
		}
		break;
	}
}

/* TCP flags (pt_flow.icmp_type for TCP). */
#define PT_TCP_FIN 0x01
#define PT_TCP_SYN 0x02
#define PT_TCP_RST 0x04
#define PT_TCP_PSH 0x08
#define PT_TCP_ACK 0x10

/* A TCP segment's payload in bytes (0: none, or not TCP, or header unread). */
static inline __u32 pt_flow_tcp_payload(const struct pt_flow *f)
{
	__u32 hl = ((__u32)(f->icmp_code >> 4) + (f->icmp_code & 0xf)) * 4;

	if (f->proto != PT_IPPROTO_TCP || !(f->icmp_code & 0xf) || f->l3_len <= hl)
		return 0;
	return f->l3_len - hl;
}

#endif /* PT_FLOW_H */
