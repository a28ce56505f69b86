// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "echo.h"
#include "pt_flow.h"

/* Locally administered, "pt". */
const uint8_t pt_echo_mac[6] = { 0x02, 0x70, 0x74, 0x00, 0x00, 0x02 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += pt_get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t pt_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	sum = sum16(p, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header's sum: addresses of @alen bytes each, protocol, length. */
static uint32_t pseudo(const uint8_t *src, const uint8_t *dst, size_t alen,
		       uint8_t proto, uint32_t len)
{
	return sum16(src, alen, 0) + sum16(dst, alen, 0) + proto + (len >> 16) + (len & 0xffff);
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/* A transport checksum at @l4 + @off over @l4len bytes. */
static void l4_csum(uint8_t *l4, size_t l4len, size_t off, uint32_t ph, bool udp)
{
	uint16_t c;

	put16(l4 + off, 0);
	c = pt_csum(l4, l4len, ph);
	put16(l4 + off, udp && !c ? 0xffff : c);
}

static size_t reply_ipv4(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t ihl, tot, l4len;
	uint8_t *l4;

	if (len < 20 || in[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(in[0] & 0xf) * 4;
	tot = pt_get16(in + 2);
	if (ihl < 20 || tot < ihl + 8 || tot > len || tot > cap)
		return 0;
	/* Fragments, multicast and broadcast get no answer. */
	if ((pt_get16(in + 6) & 0x3fff) || in[16] >= 224)
		return 0;
	memcpy(out, in, tot);
	l4 = out + ihl;
	l4len = tot - ihl;
	switch (in[9]) {
	case PT_IPPROTO_ICMP:
		if (l4[0] != 8 || l4[1] != 0)
			return 0;
		l4[0] = 0;
		l4_csum(l4, l4len, 2, 0, false);
		break;
	case PT_IPPROTO_UDP:
		if (pt_get16(l4 + 4) != l4len)
			return 0;
		swap(l4, l4 + 2, 2);
		l4_csum(l4, l4len, 6, pseudo(in + 16, in + 12, 4, PT_IPPROTO_UDP,
					     (uint32_t)l4len), true);
		break;
	default:
		return 0;
	}
	swap(out + 12, out + 16, 4);
	out[8] = 64;
	put16(out + 10, 0);
	put16(out + 10, pt_csum(out, ihl, 0));
	return tot;
}

/* An IPv6 neighbour advertisement for a solicitation's target (TAP). */
static size_t advert_ipv6(const uint8_t *in, uint8_t *out, size_t cap)
{
	uint8_t *icmp = out + 40;

	if (cap < 40 + 32)
		return 0;
	memset(out, 0, 40 + 32);
	out[0] = 0x60;
	put16(out + 4, 32);
	out[6] = PT_IPPROTO_ICMPV6;
	out[7] = 255;				/* neighbour discovery's hop limit */
	memcpy(out + 8, in + 40 + 8, 16);	/* from the target */
	memcpy(out + 24, in + 8, 16);		/* to the solicitor */
	icmp[0] = 136;
	icmp[4] = 0x60;				/* solicited, override */
	memcpy(icmp + 8, in + 40 + 8, 16);
	icmp[24] = 2;				/* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, pt_echo_mac, 6);
	l4_csum(icmp, 32, 2, pseudo(out + 8, out + 24, 16, PT_IPPROTO_ICMPV6, 32), false);
	return 40 + 32;
}

static size_t reply_ipv6(const uint8_t *in, size_t len, bool tap, uint8_t *out, size_t cap)
{
	static const uint8_t unspec[16];
	size_t plen, tot;
	uint8_t *l4;

	if (len < 48 || in[0] >> 4 != 6)
		return 0;
	plen = pt_get16(in + 4);
	tot = 40 + plen;
	if (plen < 8 || tot > len || tot > cap)
		return 0;
	/*
	 * A solicitation for a peer's address, on TAP: advertise ours. Not
	 * one from the unspecified address: that is duplicate address
	 * detection, and an answer would take the device's own address away.
	 */
	if (in[6] == PT_IPPROTO_ICMPV6 && in[40] == 135) {
		if (!tap || plen < 24 || !memcmp(in + 8, unspec, 16))
			return 0;
		return advert_ipv6(in, out, cap);
	}
	if (in[24] == 0xff)	/* multicast */
		return 0;
	memcpy(out, in, tot);
	l4 = out + 40;
	switch (in[6]) {
	case PT_IPPROTO_ICMPV6:
		if (l4[0] != 128 || l4[1] != 0)
			return 0;
		l4[0] = 129;
		break;
	case PT_IPPROTO_UDP:
		if (pt_get16(l4 + 4) != plen)
			return 0;
		swap(l4, l4 + 2, 2);
		break;
	default:
		return 0;
	}
	swap(out + 8, out + 24, 16);
	out[7] = 64;
	l4_csum(l4, plen, in[6] == PT_IPPROTO_UDP ? 6 : 2,
		pseudo(out + 8, out + 24, 16, in[6], (uint32_t)plen), in[6] == PT_IPPROTO_UDP);
	return tot;
}

/* An ARP reply: the requested address is the peer's, at pt_echo_mac. */
static size_t reply_arp(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	const uint8_t *a = in + PT_ETH_HLEN;
	uint8_t *r = out + PT_ETH_HLEN;

	if (len < PT_ETH_HLEN + PT_ARP_LEN || cap < PT_ETH_HLEN + PT_ARP_LEN)
		return 0;
	if (pt_get16(a) != 1 || pt_get16(a + 2) != PT_ETH_P_IP || a[4] != 6 || a[5] != 4 ||
	    pt_get16(a + 6) != 1)
		return 0;
	/* Probes (from 0.0.0.0) and announcements (for the sender itself): no answer. */
	if (!memcmp(a + 14, "\0\0\0\0", 4) || !memcmp(a + 14, a + 24, 4))
		return 0;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, pt_echo_mac, 6);
	put16(out + 12, PT_ETH_P_ARP);
	memcpy(r, a, 6);
	put16(r + 6, 2);
	memcpy(r + 8, pt_echo_mac, 6);
	memcpy(r + 14, a + 24, 4);
	memcpy(r + 18, a + 8, 6);
	memcpy(r + 24, a + 14, 4);
	return PT_ETH_HLEN + PT_ARP_LEN;
}

size_t pt_echo_reply(const uint8_t *in, size_t len, bool tap, uint8_t *out, size_t cap)
{
	size_t n;

	if (!tap) {
		if (len && in[0] >> 4 == 6)
			return reply_ipv6(in, len, false, out, cap);
		return reply_ipv4(in, len, out, cap);
	}
	if (len < PT_ETH_HLEN || cap < PT_ETH_HLEN)
		return 0;
	switch (pt_get16(in + 12)) {
	case PT_ETH_P_ARP:
		return reply_arp(in, len, out, cap);
	case PT_ETH_P_IP:
		n = reply_ipv4(in + PT_ETH_HLEN, len - PT_ETH_HLEN, out + PT_ETH_HLEN,
			       cap - PT_ETH_HLEN);
		break;
	case PT_ETH_P_IPV6:
		n = reply_ipv6(in + PT_ETH_HLEN, len - PT_ETH_HLEN, true, out + PT_ETH_HLEN,
			       cap - PT_ETH_HLEN);
		break;
	default:
		return 0;
	}
	if (!n)
		return 0;
	/* Back to the sender, from the address it sent to (ours if that was a group). */
	memcpy(out, in + 6, 6);
	memcpy(out + 6, in[0] & 1 ? pt_echo_mac : in, 6);
	memcpy(out + 12, in + 12, 2);
	return PT_ETH_HLEN + n;
}
