// SPDX-License-Identifier: GPL-2.0
/* user/echo.c: the answers --echo writes back, byte for byte. */
#include <arpa/inet.h>
#include <string.h>
#include "echo.h"
#include "fixtures.h"
#include "unit.h"

/* Independent of pt_csum: the one's-complement sum of a region with a valid checksum is 0xffff. */
static unsigned int ones_sum(const uint8_t *p, size_t len, unsigned int sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (unsigned int)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (unsigned int)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static unsigned int pseudo_sum(const uint8_t *src, const uint8_t *dst, size_t alen,
			       unsigned int proto, unsigned int len)
{
	return ones_sum(src, alen, 0) + ones_sum(dst, alen, 0) + proto + len;
}

static const uint8_t *ip(int af, const char *s)
{
	static uint8_t b[4][16];
	static int n;
	uint8_t *o = b[n++ % 4];

	inet_pton(af, s, o);
	return o;
}

UNIT_CASE(echo_csum_rfc1071)
{
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	ASSERT_EQ_U64(pt_csum(v, sizeof(v), 0), 0x220d);
	ASSERT_EQ_U64(pt_csum(v, 3, 0), (uint16_t)~(0x0001 + 0xf200));
}

UNIT_CASE(echo_icmp4_reply)
{
	uint8_t in[128], out[256], icmp[64];
	size_t li = fx_icmp(icmp, 8, 0, 0x1234, 7, 56);
	size_t n = fx_ipv4(in, 5, 1, 0x4242, 0x4000, "192.0.2.1", "192.0.2.2", NULL, icmp, li);
	size_t r = pt_echo_reply(in, n, false, out, sizeof(out));

	ASSERT_EQ_U64(r, 84);
	ASSERT_MEMEQ(out + 12, ip(AF_INET, "192.0.2.2"), 4);
	ASSERT_MEMEQ(out + 16, ip(AF_INET, "192.0.2.1"), 4);
	ASSERT_EQ_U64(out[9], 1);
	ASSERT_EQ_U64(out[20], 0);		/* echo reply */
	ASSERT_EQ_U64(out[24] << 8 | out[25], 0x1234);	/* same id, seq, data */
	ASSERT_EQ_U64(out[26] << 8 | out[27], 7);
	ASSERT_MEMEQ(out + 28, in + 28, 56);
	ASSERT_EQ_U64(ones_sum(out, 20, 0), 0xffff);
	ASSERT_EQ_U64(ones_sum(out + 20, 64, 0), 0xffff);
	/* Not a request, a fragment, multicast, truncated: no answer. */
	in[20] = 0;
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), 0);
	in[20] = 8;
	ASSERT_EQ_U64(pt_echo_reply(in, n - 1, false, out, sizeof(out)), 0);
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, 83), 0);
	n = fx_ipv4(in, 5, 1, 1, 0x2000, "192.0.2.1", "192.0.2.2", NULL, icmp, li);
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), 0);
	n = fx_ipv4(in, 5, 1, 1, 0, "192.0.2.1", "224.0.0.1", NULL, icmp, li);
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), 0);
}

UNIT_CASE(echo_udp4_back)
{
	uint8_t in[128], out[256], udp[64];
	size_t lu = fx_udp(udp, 40000, 9, 20);
	size_t n = fx_ipv4(in, 5, 17, 1, 0, "192.0.2.1", "192.0.2.2", NULL, udp, lu);
	size_t r = pt_echo_reply(in, n, false, out, sizeof(out));

	ASSERT_EQ_U64(r, n);
	ASSERT_EQ_U64(out[20] << 8 | out[21], 9);
	ASSERT_EQ_U64(out[22] << 8 | out[23], 40000);
	ASSERT_MEMEQ(out + 28, in + 28, 20);
	ASSERT_EQ_U64(ones_sum(out, 20, 0), 0xffff);
	ASSERT_EQ_U64(ones_sum(out + 20, lu, pseudo_sum(out + 12, out + 16, 4, 17, (unsigned int)lu)), 0xffff);
}

UNIT_CASE(echo_icmp6_and_udp6)
{
	uint8_t in[128], out[256], l4[64];
	size_t ll = fx_icmp(l4, 128, 0, 5, 1, 16);
	size_t n = fx_ipv6(in, 58, "2001:db8::1", "2001:db8::2", l4, ll);
	size_t r = pt_echo_reply(in, n, false, out, sizeof(out));

	ASSERT_EQ_U64(r, n);
	ASSERT_EQ_U64(out[40], 129);
	ASSERT_MEMEQ(out + 8, ip(AF_INET6, "2001:db8::2"), 16);
	ASSERT_MEMEQ(out + 24, ip(AF_INET6, "2001:db8::1"), 16);
	ASSERT_EQ_U64(ones_sum(out + 40, ll, pseudo_sum(out + 8, out + 24, 16, 58, (unsigned int)ll)), 0xffff);

	ll = fx_udp(l4, 40001, 7, 9);
	n = fx_ipv6(in, 17, "2001:db8::1", "2001:db8::2", l4, ll);
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), n);
	ASSERT_EQ_U64(out[40] << 8 | out[41], 7);
	ASSERT_EQ_U64(out[42] << 8 | out[43], 40001);
	ASSERT_EQ_U64(ones_sum(out + 40, ll, pseudo_sum(out + 8, out + 24, 16, 17, (unsigned int)ll)), 0xffff);

	/* Multicast (an MLD report's group, say): no answer. */
	n = fx_ipv6(in, 17, "2001:db8::1", "ff02::16", l4, ll);
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), 0);
}

/* @payload in an Ethernet frame to @dst from 02:00:5e:00:53:01. */
static size_t frame(uint8_t *buf, const uint8_t *dst, uint16_t type, const uint8_t *payload,
		    size_t len)
{
	static const uint8_t src[6] = { 0x02, 0, 0x5e, 0, 0x53, 1 };

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	fx_put16(buf + 12, type);
	memcpy(buf + 14, payload, len);
	return 14 + len;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t peer[6] = { 0x02, 0, 0x5e, 0, 0x53, 2 };
static const uint8_t dev[6] = { 0x02, 0, 0x5e, 0, 0x53, 1 };

UNIT_CASE(echo_arp_reply)
{
	static const uint8_t req[28] = {
		0, 1, 0x08, 0x00, 6, 4, 0, 1,
		0x02, 0, 0x5e, 0, 0x53, 1, 192, 0, 2, 1,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 2,
	};
	uint8_t in[64], out[64], a[28];
	size_t n = frame(in, bcast, 0x0806, req, sizeof(req));

	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 42);
	ASSERT_MEMEQ(out, dev, 6);
	ASSERT_MEMEQ(out + 6, pt_echo_mac, 6);
	ASSERT_EQ_U64(out[12] << 8 | out[13], 0x0806);
	ASSERT_EQ_U64(out[20] << 8 | out[21], 2);		/* reply */
	ASSERT_MEMEQ(out + 22, pt_echo_mac, 6);
	ASSERT_MEMEQ(out + 28, ip(AF_INET, "192.0.2.2"), 4);
	ASSERT_MEMEQ(out + 32, dev, 6);
	ASSERT_MEMEQ(out + 38, ip(AF_INET, "192.0.2.1"), 4);
	/* Not on TUN; not a probe from 0.0.0.0; not an announcement; not a reply. */
	ASSERT_EQ_U64(pt_echo_reply(in, n, false, out, sizeof(out)), 0);
	memcpy(a, req, sizeof(a));
	memset(a + 14, 0, 4);
	n = frame(in, bcast, 0x0806, a, sizeof(a));
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 0);
	memcpy(a, req, sizeof(a));
	memcpy(a + 24, a + 14, 4);
	n = frame(in, bcast, 0x0806, a, sizeof(a));
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 0);
	memcpy(a, req, sizeof(a));
	a[7] = 2;
	n = frame(in, bcast, 0x0806, a, sizeof(a));
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 0);
}

UNIT_CASE(echo_tap_icmp_frame)
{
	uint8_t pkt[128], in[160], out[256], icmp[64];
	size_t li = fx_icmp(icmp, 8, 0, 9, 1, 56);
	size_t n = fx_ipv4(pkt, 5, 1, 3, 0, "192.0.2.1", "192.0.2.2", NULL, icmp, li);

	n = frame(in, peer, 0x0800, pkt, n);
	ASSERT_EQ_U64(n, 98);
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 98);
	ASSERT_MEMEQ(out, dev, 6);		/* back to the sender */
	ASSERT_MEMEQ(out + 6, peer, 6);		/* from the address it used */
	ASSERT_EQ_U64(out[34], 0);
}

UNIT_CASE(echo_neighbour_advert)
{
	uint8_t ns[32] = { 135, 0 }, pkt[128], in[160], out[256];
	size_t n;

	memcpy(ns + 8, ip(AF_INET6, "2001:db8::2"), 16);
	ns[24] = 1;				/* source link-layer address */
	ns[25] = 1;
	memcpy(ns + 26, dev, 6);
	n = fx_ipv6(pkt, 58, "2001:db8::1", "ff02::1:ff00:2", ns, sizeof(ns));
	n = frame(in, bcast, 0x86dd, pkt, n);
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 14 + 72);
	ASSERT_MEMEQ(out, dev, 6);
	ASSERT_MEMEQ(out + 6, pt_echo_mac, 6);	/* a group was asked: from ours */
	ASSERT_EQ_U64(out[14 + 7], 255);
	ASSERT_MEMEQ(out + 14 + 8, ip(AF_INET6, "2001:db8::2"), 16);
	ASSERT_MEMEQ(out + 14 + 24, ip(AF_INET6, "2001:db8::1"), 16);
	ASSERT_EQ_U64(out[54], 136);
	ASSERT_EQ_U64(out[58], 0x60);
	ASSERT_MEMEQ(out + 62, ip(AF_INET6, "2001:db8::2"), 16);
	ASSERT_MEMEQ(out + 80, pt_echo_mac, 6);
	ASSERT_EQ_U64(ones_sum(out + 54, 32, pseudo_sum(out + 22, out + 38, 16, 58, 32)), 0xffff);
	/* Duplicate address detection (from ::) is never answered; nor is TUN asked. */
	ASSERT_EQ_U64(pt_echo_reply(in + 14, n - 14, false, out, sizeof(out)), 0);
	n = fx_ipv6(pkt, 58, "::", "ff02::1:ff00:2", ns, sizeof(ns));
	n = frame(in, bcast, 0x86dd, pkt, n);
	ASSERT_EQ_U64(pt_echo_reply(in, n, true, out, sizeof(out)), 0);
}
