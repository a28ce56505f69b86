// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "packet.h"
#include "pt_flow.h"

int pt_packet_flow(const uint8_t *pkt, size_t len, struct pt_flow *f)
{
	uint8_t l3[PT_L3_MIN] = { 0 }, l4[PT_L4_MIN] = { 0 };
	int off;

	/* The parsers may look at a fixed number of bytes: pad short packets. */
	memcpy(l3, pkt, len < sizeof(l3) ? len : sizeof(l3));
	off = pt_flow_l3(f, l3, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
	if (off < 0)
		return f->family ? 0 : -EINVAL;
	if ((size_t)off < len)
		memcpy(l4, pkt + off, len - off < sizeof(l4) ? len - off : sizeof(l4));
	pt_flow_l4(f, l4, (size_t)off < len ? (uint32_t)(len - off) : 0);
	return 0;
}

int pt_frame_flow(const uint8_t *frame, size_t len, struct pt_flow *f)
{
	uint8_t arp[PT_L3_MIN] = { 0 };
	size_t n;

	memset(f, 0, sizeof(*f));
	if (len < PT_ETH_HLEN)
		return -EINVAL;
	n = len - PT_ETH_HLEN;
	switch (pt_get16(frame + 12)) {
	case PT_ETH_P_IP:
	case PT_ETH_P_IPV6:
		return pt_packet_flow(frame + PT_ETH_HLEN, n, f);
	case PT_ETH_P_ARP:
		memcpy(arp, frame + PT_ETH_HLEN, n < sizeof(arp) ? n : sizeof(arp));
		return pt_flow_arp(f, arp, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n) ?
		       -EINVAL : 0;
	}
	return -EINVAL;
}

const char *pt_flow_proto(const struct pt_flow *f)
{
	if (f->family == PT_FAM_ARP)
		return "arp";
	if (f->family != PT_FAM_IPV4 && f->family != PT_FAM_IPV6)
		return "unknown";
	switch (f->proto) {
	case PT_IPPROTO_ICMP:
		return "icmp";
	case PT_IPPROTO_UDP:
		return "udp";
	case PT_IPPROTO_TCP:
		return "tcp";
	case PT_IPPROTO_ICMPV6:
		return "icmpv6";
	}
	return f->family == PT_FAM_IPV4 ? "ip" : "ipv6";
}

/*
 * Dotted quad of @a, as inet_ntop() writes it, without its per-byte
 * sprintf (bench/README.md has what that cost the reader).
 */
static void ipv4_str(const uint8_t *a, char *buf, size_t len)
{
	char s[16], *p = s;

	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		if (a[i] >= 100)
			*p++ = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			*p++ = (char)('0' + a[i] / 10 % 10);
		*p++ = (char)('0' + a[i] % 10);
	}
	*p = '\0';
	if ((size_t)(p - s) < len)
		memcpy(buf, s, (size_t)(p - s) + 1);
	else
		snprintf(buf, len, "?");
}

void pt_flow_addrs(const struct pt_flow *f, char *src, char *dst, size_t len)
{
	if (f->family == PT_FAM_IPV4 || f->family == PT_FAM_ARP) {
		ipv4_str(f->saddr, src, len);
		ipv4_str(f->daddr, dst, len);
		return;
	}
	if (f->family != PT_FAM_IPV6) {
		snprintf(src, len, "?");
		snprintf(dst, len, "?");
		return;
	}
	if (!inet_ntop(AF_INET6, f->saddr, src, len))
		snprintf(src, len, "?");
	if (!inet_ntop(AF_INET6, f->daddr, dst, len))
		snprintf(dst, len, "?");
}

static const char *icmp_type_name(const struct pt_flow *f)
{
	if (f->proto == PT_IPPROTO_ICMP) {
		switch (f->icmp_type) {
		case 0: return "echo reply";
		case 3: return "destination unreachable";
		case 8: return "echo request";
		case 11: return "time exceeded";
		}
	} else {
		switch (f->icmp_type) {
		case 1: return "destination unreachable";
		case 128: return "echo request";
		case 129: return "echo reply";
		case 133: return "router solicitation";
		case 135: return "neighbour solicitation";
		case 136: return "neighbour advertisement";
		case 143: return "MLDv2 report";
		}
	}
	return NULL;
}

void pt_flow_summary(const struct pt_flow *f, char *buf, size_t len)
{
	char mac[18];
	const char *name;
	int echo;

	if (f->family == PT_FAM_ARP) {
		if (f->sport == 1)
			snprintf(buf, len, "ARP request");
		else if (f->sport == 2)
			snprintf(buf, len, "ARP reply (%s)", pt_mac_str(f->saddr + 4, mac, sizeof(mac)));
		else
			snprintf(buf, len, "ARP op %u", f->sport);
		return;
	}

	switch (f->family == PT_FAM_NONE ? -1 : f->proto) {
	case PT_IPPROTO_ICMP:
	case PT_IPPROTO_ICMPV6:
		name = icmp_type_name(f);
		echo = f->proto == PT_IPPROTO_ICMP ?
		       (f->icmp_type == 0 || f->icmp_type == 8) :
		       (f->icmp_type == 128 || f->icmp_type == 129);
		if (echo)
			snprintf(buf, len, "%s %s id=%u seq=%u",
				 f->proto == PT_IPPROTO_ICMP ? "ICMP" : "ICMPv6",
				 name, f->sport, f->dport);
		else if (name)
			snprintf(buf, len, "%s %s code=%u",
				 f->proto == PT_IPPROTO_ICMP ? "ICMP" : "ICMPv6",
				 name, f->icmp_code);
		else
			snprintf(buf, len, "%s type=%u code=%u",
				 f->proto == PT_IPPROTO_ICMP ? "ICMP" : "ICMPv6",
				 f->icmp_type, f->icmp_code);
		break;
	case PT_IPPROTO_UDP:
		snprintf(buf, len, "UDP %u -> %u", f->sport, f->dport);
		break;
	case PT_IPPROTO_TCP:
		if (f->icmp_code & 0xf) {	/* its header read: flags, seq, payload */
			char fl[8];

			snprintf(buf, len, "TCP %u -> %u [%s] seq=%u len=%u", f->sport, f->dport,
				 pt_tcp_flags_str(f->icmp_type, fl, sizeof(fl)), f->tcp_seq,
				 pt_flow_tcp_payload(f));
		} else {
			snprintf(buf, len, "TCP %u -> %u", f->sport, f->dport);
		}
		break;
	case -1:
		snprintf(buf, len, "not an IP packet");
		break;
	default:
		snprintf(buf, len, "%s protocol %u",
			 f->family == PT_FAM_IPV4 ? "IPv4" : "IPv6", f->proto);
	}
}

char *pt_mac_str(const uint8_t *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *pt_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	static const char names[] = "FSRPAUEC";
	size_t n = 0;

	for (int i = 0; i < 8 && n + 1 < len; i++)
		if (flags & (1u << i))
			buf[n++] = names[i];
	if (len)
		buf[n < len ? n : len - 1] = 0;
	return buf;
}

int pt_flow_equal(const struct pt_flow *a, const struct pt_flow *b)
{
	return !memcmp(a, b, sizeof(*a));
}
