// SPDX-License-Identifier: GPL-2.0
/*
 * user/packet.c (and include/pt_flow.h under it): the packet key from real
 * packet bytes, and its text forms.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "fixtures.h"
#include "packet.h"
#include "pt_flow.h"
#include "unit.h"

static const uint8_t ip4_a[4] = { 192, 0, 2, 1 }, ip4_b[4] = { 192, 0, 2, 2 };
static const uint8_t zero16[16];
static const struct pt_flow zero_flow;
static const uint8_t ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* Parse into a flow first filled with garbage: every byte must be set. */
static int parse(const uint8_t *pkt, size_t len, struct pt_flow *f)
{
	memset(f, 0xa5, sizeof(*f));
	return pt_packet_flow(pkt, len, f);
}

static const char *summary(const struct pt_flow *f)
{
	static char buf[128];

	memset(buf, 'X', sizeof(buf));
	pt_flow_summary(f, buf, sizeof(buf));
	return buf;
}

/* "src -> dst" */
static const char *addrs(const struct pt_flow *f)
{
	static char buf[160];
	char src[64], dst[64];

	memset(src, 'X', sizeof(src));
	memset(dst, 'X', sizeof(dst));
	pt_flow_addrs(f, src, dst, sizeof(src));
	snprintf(buf, sizeof(buf), "%s -> %s", src, dst);
	return buf;
}

UNIT_CASE(packet_icmp4_echo_request)
{
	struct pt_flow f;

	ASSERT_EQ_I64(parse(fx_icmp4_echo, sizeof(fx_icmp4_echo), &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV4);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_ICMP);
	ASSERT_EQ_U64(f.l3_len, 84);
	ASSERT_EQ_U64(f.ipid, 0x1234);
	ASSERT_MEMEQ(f.saddr, ip4_a, 4);
	ASSERT_MEMEQ(f.daddr, ip4_b, 4);
	ASSERT_MEMEQ(f.saddr + 4, zero16, 12);
	ASSERT_MEMEQ(f.daddr + 4, zero16, 12);
	ASSERT_EQ_U64(f.icmp_type, 8);
	ASSERT_EQ_U64(f.icmp_code, 0);
	ASSERT_EQ_U64(f.sport, 77);	/* echo identifier */
	ASSERT_EQ_U64(f.dport, 3);	/* echo sequence */
	/* The fixture the other tests use is this very flow. */
	struct pt_flow fx = fx_icmp4_flow();
	ASSERT_TRUE(pt_flow_equal(&f, &fx));
}

UNIT_CASE(packet_icmp4_echo_text)
{
	struct pt_flow f;

	ASSERT_EQ_I64(parse(fx_icmp4_echo, sizeof(fx_icmp4_echo), &f), 0);
	ASSERT_STREQ(pt_flow_proto(&f), "icmp");
	ASSERT_STREQ(summary(&f), "ICMP echo request id=77 seq=3");
	ASSERT_STREQ(addrs(&f), "192.0.2.1 -> 192.0.2.2");
}

UNIT_CASE(packet_icmp4_echo_reply_and_other_types)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	n = fx_icmp(l4, 0, 0, 77, 3, 56);
	n = fx_ipv4(pkt, 5, PT_IPPROTO_ICMP, 9, 0, "192.0.2.2", "192.0.2.1", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_STREQ(summary(&f), "ICMP echo reply id=77 seq=3");
	ASSERT_STREQ(addrs(&f), "192.0.2.2 -> 192.0.2.1");

	/* Not an echo: no id/seq, the code instead. */
	n = fx_icmp(l4, 3, 1, 0x1111, 0x2222, 28);
	n = fx_ipv4(pkt, 5, PT_IPPROTO_ICMP, 9, 0, "192.0.2.2", "192.0.2.1", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.icmp_type, 3);
	ASSERT_EQ_U64(f.icmp_code, 1);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_STREQ(summary(&f), "ICMP destination unreachable code=1");

	n = fx_icmp(l4, 5, 1, 0, 0, 28);	/* redirect: no name */
	n = fx_ipv4(pkt, 5, PT_IPPROTO_ICMP, 9, 0, "192.0.2.2", "192.0.2.1", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_STREQ(summary(&f), "ICMP type=5 code=1");
}

UNIT_CASE(packet_ipv4_options_udp)
{
	/* Router Alert: read as ports, it would give 37892 -> 0. */
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	n = fx_udp(l4, 40000, 9999, 12);
	n = fx_ipv4(pkt, 6, PT_IPPROTO_UDP, 0xbeef, 0x4000, "192.0.2.1",
		    "192.0.2.2", ra, l4, n);
	ASSERT_EQ_U64(n, 24 + 20);
	ASSERT_EQ_U64(pkt[0], 0x46);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV4);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_UDP);
	ASSERT_EQ_U64(f.l3_len, 44);
	ASSERT_EQ_U64(f.ipid, 0xbeef);
	ASSERT_EQ_U64(f.sport, 40000);	/* from offset 24, not 20 */
	ASSERT_EQ_U64(f.dport, 9999);
	ASSERT_EQ_U64(f.icmp_type, 0);
	ASSERT_STREQ(pt_flow_proto(&f), "udp");
	ASSERT_STREQ(summary(&f), "UDP 40000 -> 9999");
	ASSERT_STREQ(addrs(&f), "192.0.2.1 -> 192.0.2.2");
}

UNIT_CASE(packet_ipv4_tcp)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	n = fx_tcp(l4, 43210, 80);
	n = fx_ipv4(pkt, 5, PT_IPPROTO_TCP, 7, 0x4000, "198.18.0.1", "198.19.255.254",
		    NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_TCP);
	ASSERT_EQ_U64(f.l3_len, 40);
	ASSERT_EQ_U64(f.sport, 43210);
	ASSERT_EQ_U64(f.dport, 80);
	ASSERT_STREQ(pt_flow_proto(&f), "tcp");
	ASSERT_STREQ(summary(&f), "TCP 43210 -> 80 [S] seq=3735879680 len=0");
	ASSERT_STREQ(addrs(&f), "198.18.0.1 -> 198.19.255.254");
	/* The key's TCP part: sequence number, flags, no payload. */
	ASSERT_EQ_U64(f.tcp_seq, 0xdead0000u);
	ASSERT_EQ_U64(f.icmp_type, PT_TCP_SYN);
	ASSERT_EQ_U64(pt_flow_tcp_payload(&f), 0);
}

/*
 * Data segments: the payload from the IP and TCP header lengths (IPv4 with
 * options, IPv6), and two equal-length segments of one flow told apart by
 * their sequence numbers, as IPv6 has no IP id to do it.
 */
UNIT_CASE(packet_tcp_data_segments)
{
	uint8_t l4[1600], pkt[1700], opt[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
	struct pt_flow f, g;
	char flags[8];
	size_t n;

	memset(l4, 0x5a, sizeof(l4));
	fx_tcp(l4, 40000, 5001);
	l4[12] = 8 << 4;	/* 32 bytes of header: timestamps */
	l4[13] = PT_TCP_ACK | PT_TCP_PSH;
	n = fx_ipv4(pkt, 7, PT_IPPROTO_TCP, 9, 0x4000, "192.0.2.1", "192.0.2.2", opt, l4,
		    32 + 1448);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.l3_len, 28 + 32 + 1448);
	ASSERT_EQ_U64(pt_flow_tcp_payload(&f), 1448);
	ASSERT_STREQ(pt_tcp_flags_str(f.icmp_type, flags, sizeof(flags)), "PA");
	ASSERT_STREQ(pt_tcp_flags_str(PT_TCP_FIN | PT_TCP_SYN | PT_TCP_RST, flags, 3), "FS");
	ASSERT_STREQ(summary(&f), "TCP 40000 -> 5001 [PA] seq=3735879680 len=1448");

	n = fx_ipv6(pkt, PT_IPPROTO_TCP, "2001:db8::1", "2001:db8::2", l4, 32 + 100);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(pt_flow_tcp_payload(&f), 100);
	l4[7] = 0x64;	/* the next segment: 100 bytes on */
	n = fx_ipv6(pkt, PT_IPPROTO_TCP, "2001:db8::1", "2001:db8::2", l4, 32 + 100);
	ASSERT_EQ_I64(parse(pkt, n, &g), 0);
	ASSERT_EQ_U64(g.tcp_seq - f.tcp_seq, 100);
	ASSERT_FALSE(pt_flow_equal(&f, &g));

	/* A header cut short: ports, but no sequence number nor payload. */
	n = fx_ipv4(pkt, 5, PT_IPPROTO_TCP, 9, 0x4000, "192.0.2.1", "192.0.2.2", NULL, l4, 20);
	ASSERT_EQ_I64(parse(pkt, 20 + 12, &f), 0);
	ASSERT_EQ_U64(f.sport, 40000);
	ASSERT_EQ_U64(f.tcp_seq, 0);
	ASSERT_EQ_U64(pt_flow_tcp_payload(&f), 0);
	ASSERT_STREQ(summary(&f), "TCP 40000 -> 5001");
}

UNIT_CASE(packet_ipv4_other_transport)
{
	uint8_t l4[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, pkt[64];
	struct pt_flow f;
	size_t n;

	n = fx_ipv4(pkt, 5, 47 /* GRE */, 7, 0, "192.0.2.1", "192.0.2.2", NULL, l4, 8);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.proto, 47);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_STREQ(pt_flow_proto(&f), "ip");
	ASSERT_STREQ(summary(&f), "IPv4 protocol 47");
}

UNIT_CASE(packet_ipv6_udp)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	n = fx_udp(l4, 5353, 53, 12);
	n = fx_ipv6(pkt, 17, "2001:db8::1", "2001:db8::2", l4, n);
	ASSERT_EQ_U64(n, 60);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV6);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_UDP);
	ASSERT_EQ_U64(f.l3_len, 60);
	ASSERT_EQ_U64(f.ipid, 0);
	ASSERT_MEMEQ(f.saddr, ip6_a, 16);
	ASSERT_MEMEQ(f.daddr, ip6_b, 16);
	ASSERT_EQ_U64(f.sport, 5353);
	ASSERT_EQ_U64(f.dport, 53);
	ASSERT_STREQ(pt_flow_proto(&f), "udp");
	ASSERT_STREQ(summary(&f), "UDP 5353 -> 53");
	ASSERT_STREQ(addrs(&f), "2001:db8::1 -> 2001:db8::2");
}

UNIT_CASE(packet_ipv6_icmpv6_echo)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	n = fx_icmp(l4, 128, 0, 0x4242, 7, 16);
	n = fx_ipv6(pkt, PT_IPPROTO_ICMPV6, "2001:db8::1", "2001:db8::2", l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV6);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_ICMPV6);
	ASSERT_EQ_U64(f.l3_len, 64);
	ASSERT_EQ_U64(f.icmp_type, 128);
	ASSERT_EQ_U64(f.icmp_code, 0);
	ASSERT_EQ_U64(f.sport, 0x4242);
	ASSERT_EQ_U64(f.dport, 7);
	ASSERT_STREQ(pt_flow_proto(&f), "icmpv6");
	ASSERT_STREQ(summary(&f), "ICMPv6 echo request id=16962 seq=7");
	ASSERT_STREQ(addrs(&f), "2001:db8::1 -> 2001:db8::2");

	/* Neighbour solicitation: named, no id/seq. */
	n = fx_icmp(l4, 135, 0, 0x1111, 0x2222, 16);
	n = fx_ipv6(pkt, PT_IPPROTO_ICMPV6, "fe80::1", "ff02::1:ff00:2", l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_STREQ(summary(&f), "ICMPv6 neighbour solicitation code=0");
	ASSERT_STREQ(addrs(&f), "fe80::1 -> ff02::1:ff00:2");
}

UNIT_CASE(packet_ipv6_other_transport)
{
	uint8_t l4[8] = { 17, 0, 0, 1, 0, 0, 0, 0 }, pkt[64];
	struct pt_flow f;
	size_t n;

	n = fx_ipv6(pkt, 44 /* fragment header */, "2001:db8::1", "2001:db8::2", l4, 8);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.proto, 44);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_STREQ(pt_flow_proto(&f), "ipv6");
	ASSERT_STREQ(summary(&f), "IPv6 protocol 44");
}

UNIT_CASE(packet_ipv4_non_first_fragment)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	/* Offset 1480 bytes (185 units), more fragments follow. */
	n = fx_udp(l4, 40000, 9999, 12);
	n = fx_ipv4(pkt, 5, PT_IPPROTO_UDP, 0x4321, 0x2000 | 185, "192.0.2.1",
		    "192.0.2.2", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV4);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_UDP);
	ASSERT_EQ_U64(f.l3_len, 40);
	ASSERT_EQ_U64(f.ipid, 0x4321);
	ASSERT_MEMEQ(f.saddr, ip4_a, 4);
	ASSERT_MEMEQ(f.daddr, ip4_b, 4);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_EQ_U64(f.icmp_type, 0);
	ASSERT_STREQ(summary(&f), "UDP 0 -> 0");

	/* The last fragment (offset, no MF) is not the first either. */
	n = fx_ipv4(pkt, 5, PT_IPPROTO_UDP, 0x4321, 1, "192.0.2.1",
		    "192.0.2.2", NULL, l4, 20);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
}

UNIT_CASE(packet_ipv4_first_fragment_has_ports)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	/* MF set, offset 0: the transport header is here. */
	n = fx_udp(l4, 40000, 9999, 12);
	n = fx_ipv4(pkt, 5, PT_IPPROTO_UDP, 0x4321, 0x2000, "192.0.2.1",
		    "192.0.2.2", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, n, &f), 0);
	ASSERT_EQ_U64(f.sport, 40000);
	ASSERT_EQ_U64(f.dport, 9999);
}

UNIT_CASE(packet_truncated)
{
	uint8_t l4[64], pkt[128];
	struct pt_flow f;
	size_t n;

	/* 10 bytes: not even an IPv4 header. */
	ASSERT_EQ_I64(parse(fx_icmp4_echo, 10, &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
	ASSERT_EQ_U64(f.family, PT_FAM_NONE);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_I64(parse(fx_icmp4_echo, 19, &f), -EINVAL);
	ASSERT_EQ_I64(parse(fx_icmp4_echo, 0, &f), -EINVAL);

	/* The 20-byte IPv4 header alone: L3 known, no ports. */
	n = fx_udp(l4, 40000, 9999, 12);
	fx_ipv4(pkt, 5, PT_IPPROTO_UDP, 0x77, 0, "192.0.2.1", "192.0.2.2", NULL, l4, n);
	ASSERT_EQ_I64(parse(pkt, 20, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV4);
	ASSERT_EQ_U64(f.proto, PT_IPPROTO_UDP);
	ASSERT_EQ_U64(f.l3_len, 40);	/* as the header says */
	ASSERT_EQ_U64(f.ipid, 0x77);
	ASSERT_MEMEQ(f.saddr, ip4_a, 4);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);

	/* Less than the 8 bytes the L4 parser needs: no ports either. */
	ASSERT_EQ_I64(parse(pkt, 27, &f), 0);
	ASSERT_EQ_U64(f.sport, 0);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_EQ_I64(parse(pkt, 28, &f), 0);
	ASSERT_EQ_U64(f.sport, 40000);
	ASSERT_EQ_U64(f.dport, 9999);

	/* IPv6 needs its 40 bytes. */
	n = fx_ipv6(pkt, 17, "2001:db8::1", "2001:db8::2", l4, n);
	ASSERT_EQ_I64(parse(pkt, 39, &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
	ASSERT_EQ_I64(parse(pkt, 40, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_IPV6);
	ASSERT_EQ_U64(f.sport, 0);
}

UNIT_CASE(packet_bad_version)
{
	uint8_t pkt[84];
	struct pt_flow f;

	memcpy(pkt, fx_icmp4_echo, sizeof(pkt));
	pkt[0] = 0x55;
	ASSERT_EQ_I64(parse(pkt, sizeof(pkt), &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
	pkt[0] = 0x05;
	ASSERT_EQ_I64(parse(pkt, sizeof(pkt), &f), -EINVAL);
	/* IPv4 with a header shorter than 20 bytes. */
	pkt[0] = 0x44;
	ASSERT_EQ_I64(parse(pkt, sizeof(pkt), &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
}

UNIT_CASE(packet_not_ip_text)
{
	struct pt_flow f;

	memset(&f, 0, sizeof(f));
	ASSERT_STREQ(pt_flow_proto(&f), "unknown");
	ASSERT_STREQ(summary(&f), "not an IP packet");
	ASSERT_STREQ(addrs(&f), "? -> ?");
}

UNIT_CASE(packet_parsed_twice_equal)
{
	uint8_t pkt[84];
	struct pt_flow a, b;

	memset(&a, 0x11, sizeof(a));
	memset(&b, 0xee, sizeof(b));
	ASSERT_EQ_I64(pt_packet_flow(fx_icmp4_echo, sizeof(fx_icmp4_echo), &a), 0);
	ASSERT_EQ_I64(pt_packet_flow(fx_icmp4_echo, sizeof(fx_icmp4_echo), &b), 0);
	ASSERT_TRUE(pt_flow_equal(&a, &b));
	ASSERT_MEMEQ(&a, &b, sizeof(a));

	/* The next ping (seq 4) is another packet. */
	memcpy(pkt, fx_icmp4_echo, sizeof(pkt));
	pkt[27] = 4;
	ASSERT_EQ_I64(pt_packet_flow(pkt, sizeof(pkt), &b), 0);
	ASSERT_FALSE(pt_flow_equal(&a, &b));
	/* So is the same ping with another IP id. */
	memcpy(pkt, fx_icmp4_echo, sizeof(pkt));
	pkt[5] = 0x35;
	ASSERT_EQ_I64(pt_packet_flow(pkt, sizeof(pkt), &b), 0);
	ASSERT_FALSE(pt_flow_equal(&a, &b));
	/* The data does not take part. */
	memcpy(pkt, fx_icmp4_echo, sizeof(pkt));
	pkt[60] ^= 0xff;
	ASSERT_EQ_I64(pt_packet_flow(pkt, sizeof(pkt), &b), 0);
	ASSERT_TRUE(pt_flow_equal(&a, &b));
}

UNIT_CASE(packet_flow_addrs_small_buffer)
{
	struct pt_flow f = fx_icmp4_flow();
	char src[8], dst[8];

	/* "192.0.2.1" does not fit in 8 bytes: "?" rather than a cut address. */
	pt_flow_addrs(&f, src, dst, sizeof(src));
	ASSERT_STREQ(src, "?");
	ASSERT_STREQ(dst, "?");
}

/* IPv4 addresses are written as inet_ntop() writes them, byte values at every width. */
UNIT_CASE(packet_flow_addrs_ipv4_as_inet_ntop)
{
	struct pt_flow f = fx_icmp4_flow();
	char src[64], dst[64], want[INET_ADDRSTRLEN];

	for (unsigned int i = 0; i < 1024; i++) {
		const uint8_t b[] = { 0, 1, 9, 10, 99, 100, 199, 255 };

		for (int k = 0; k < 4; k++)
			f.saddr[k] = b[(i >> (k * 2)) % 8 ^ (i >> 8)];
		f.daddr[0] = (uint8_t)i;
		f.daddr[3] = (uint8_t)(255 - i);
		pt_flow_addrs(&f, src, dst, sizeof(src));
		ASSERT_STREQ(src, inet_ntop(AF_INET, f.saddr, want, sizeof(want)));
		ASSERT_STREQ(dst, inet_ntop(AF_INET, f.daddr, want, sizeof(want)));
	}
	/* Exactly the length, NUL included: fits; one byte less: "?". */
	memcpy(f.saddr, (uint8_t[]){ 255, 255, 255, 255 }, 4);
	pt_flow_addrs(&f, src, dst, 16);
	ASSERT_STREQ(src, "255.255.255.255");
	pt_flow_addrs(&f, src, dst, 15);
	ASSERT_STREQ(src, "?");
}

/* An Ethernet frame: @type after two MACs, then @payload. */
static size_t eth_frame(uint8_t *buf, uint16_t type, const uint8_t *payload, size_t len)
{
	static const uint8_t dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t src[6] = { 0x02, 0, 0x5e, 0, 0x53, 1 };

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	fx_put16(buf + 12, type);
	memcpy(buf + 14, payload, len);
	return 14 + len;
}

/* The ARP request a TAP device's kernel side sends: who-has .2 tell .1. */
static size_t arp_request(uint8_t *buf)
{
	static const uint8_t arp[28] = {
		0, 1, 0x08, 0x00, 6, 4, 0, 1,
		0x02, 0, 0x5e, 0, 0x53, 1, 192, 0, 2, 1,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 2,
	};

	return eth_frame(buf, 0x0806, arp, sizeof(arp));
}

UNIT_CASE(frame_arp_request)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x5e, 0, 0x53, 1 };
	uint8_t buf[64];
	size_t n = arp_request(buf);
	struct pt_flow f;
	char s[18];

	ASSERT_EQ_U64(n, 42);
	memset(&f, 0xa5, sizeof(f));
	ASSERT_EQ_I64(pt_frame_flow(buf, n, &f), 0);
	ASSERT_EQ_U64(f.family, PT_FAM_ARP);
	ASSERT_EQ_U64(f.proto, 0);
	ASSERT_EQ_U64(f.l3_len, 28);
	ASSERT_EQ_U64(f.sport, 1);
	ASSERT_EQ_U64(f.dport, 0);
	ASSERT_MEMEQ(f.saddr, ip4_a, 4);
	ASSERT_MEMEQ(f.saddr + 4, mac, 6);
	ASSERT_MEMEQ(f.daddr, ip4_b, 4);
	ASSERT_MEMEQ(f.daddr + 4, zero16, 12);
	ASSERT_MEMEQ(f.saddr + 10, zero16, 6);
	ASSERT_STREQ(pt_flow_proto(&f), "arp");
	ASSERT_STREQ(summary(&f), "ARP request");
	ASSERT_STREQ(addrs(&f), "192.0.2.1 -> 192.0.2.2");
	ASSERT_STREQ(pt_mac_str(f.saddr + 4, s, sizeof(s)), "02:00:5e:00:53:01");
	/* An ARP reply names the sender's MAC. */
	buf[14 + 7] = 2;
	ASSERT_EQ_I64(pt_frame_flow(buf, n, &f), 0);
	ASSERT_STREQ(summary(&f), "ARP reply (02:00:5e:00:53:01)");
}

UNIT_CASE(frame_ip_same_key_as_packet)
{
	uint8_t buf[128];
	size_t n = eth_frame(buf, 0x0800, fx_icmp4_echo, sizeof(fx_icmp4_echo));
	struct pt_flow f, g;

	ASSERT_EQ_U64(n, 98);
	ASSERT_EQ_I64(pt_frame_flow(buf, n, &f), 0);
	ASSERT_EQ_I64(parse(fx_icmp4_echo, sizeof(fx_icmp4_echo), &g), 0);
	ASSERT_TRUE(pt_flow_equal(&f, &g));
}

UNIT_CASE(frame_refused)
{
	uint8_t buf[64];
	size_t n = arp_request(buf);
	struct pt_flow f;

	/* Too short for an Ethernet header, a truncated ARP, ARP for another protocol. */
	ASSERT_EQ_I64(pt_frame_flow(buf, 13, &f), -EINVAL);
	ASSERT_EQ_I64(pt_frame_flow(buf, n - 1, &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
	buf[14 + 2] = 0x86;
	ASSERT_EQ_I64(pt_frame_flow(buf, n, &f), -EINVAL);
	/* An unknown Ethernet type. */
	fx_put16(buf + 12, 0x88cc);
	ASSERT_EQ_I64(pt_frame_flow(buf, n, &f), -EINVAL);
	ASSERT_MEMEQ(&f, &zero_flow, sizeof(f));
}
