// SPDX-License-Identifier: GPL-2.0
/* user/demo.c: the tally of what the reader got, and the demo's summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demo.h"
#include "unit.h"

static struct pt_journey got(uint8_t family, uint8_t proto, uint16_t arp_op, uint32_t len)
{
	struct pt_journey j;

	memset(&j, 0, sizeof(j));
	j.status = PT_J_READ;
	j.have_read = true;
	j.read_len = len;
	j.flow.family = family;
	j.flow.proto = proto;
	j.flow.sport = arp_op;
	return j;
}

static void add(struct pt_demo_tally *t, unsigned int n, struct pt_journey j)
{
	while (n--)
		pt_demo_count(t, PT_DEMO_TUN, &j);
}

static const char *summary(const struct pt_demo_tally *t, bool tap, int *rc)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	*rc = pt_demo_summary(f, t, tap ? PT_DEMO_TAP : PT_DEMO_TUN,
			      tap ? "nsfocus_tap0" : "nsfocus_tun0");
	ASSERT_EQ_I64(fclose(f), 0);
	return unit_track(buf);
}

UNIT_CASE(demo_tun_result)
{
	struct pt_demo_tally t = { 0 };
	const char *s;
	int rc;

	add(&t, 3, got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 84));
	ASSERT_EQ_U64(t.nr, 1);
	ASSERT_EQ_U64(t.run[0].n, 3);
	s = summary(&t, false, &rc);
	ASSERT_EQ_I64(rc, 0);
	ASSERT_CONTAINS(s, "What the reader got from nsfocus_tun0 (TUN):\n");
	ASSERT_CONTAINS(s, "  3 IP packets of 84 bytes (20 IP + 8 ICMP + 56 data)");
	ASSERT_CONTAINS(s, "layer 3");
	ASSERT_NOT_CONTAINS(s, "not the experiment's");
}

UNIT_CASE(demo_tap_result)
{
	struct pt_demo_tally t = { 0 };
	const char *s;
	int rc;

	add(&t, 3, got(PT_FAM_ARP, 0, 1, 42));
	add(&t, 3, got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 98));
	ASSERT_EQ_U64(t.nr, 2);
	s = summary(&t, true, &rc);
	ASSERT_EQ_I64(rc, 0);
	ASSERT_CONTAINS(s, "  3 ARP requests of 42 bytes (14 Ethernet + 28 ARP)");
	ASSERT_CONTAINS(s, "  3 Ethernet frames of 98 bytes (14 Ethernet + 84 IP)");
	ASSERT_TRUE(strstr(s, "ARP requests") < strstr(s, "Ethernet frames of 98"));
	ASSERT_CONTAINS(s, "layer 2");
}

/* What is not the experiment's result is said, and fails the demo. */
UNIT_CASE(demo_unexpected_results)
{
	struct pt_demo_tally t = { 0 };
	struct pt_journey dropped = got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 84);
	const char *s;
	int rc;

	s = summary(&t, false, &rc);
	ASSERT_EQ_I64(rc, 1);
	ASSERT_CONTAINS(s, "  nothing\n");
	ASSERT_CONTAINS(s, "not the experiment's usual result: expected 3 IP packets of 84 bytes");

	add(&t, 2, got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 84));
	summary(&t, false, &rc);
	ASSERT_EQ_I64(rc, 1);		/* two, not three */

	add(&t, 1, got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 84));
	dropped.have_read = false;
	dropped.status = PT_J_DROPPED;
	pt_demo_count(&t, PT_DEMO_TUN, &dropped);
	ASSERT_EQ_U64(t.other, 1);
	s = summary(&t, false, &rc);
	ASSERT_EQ_I64(rc, 1);		/* three, and one more */
	ASSERT_CONTAINS(s, "and 1 packet more, or not read");

	memset(&t, 0, sizeof(t));
	add(&t, 3, got(PT_FAM_IPV4, PT_IPPROTO_ICMP, 0, 98));	/* no ARP first */
	s = summary(&t, true, &rc);
	ASSERT_EQ_I64(rc, 1);
	ASSERT_CONTAINS(s, "expected ARP requests of 42 bytes, then 3 frames of 98 bytes");
}

/* Runs of one kind and length, in order; what does not fit is counted. */
UNIT_CASE(demo_tally_runs)
{
	struct pt_demo_tally t = { 0 };

	for (unsigned int i = 0; i < 20; i++)
		add(&t, 2, got(PT_FAM_IPV4, PT_IPPROTO_UDP, 0, 30 + i));
	ASSERT_EQ_U64(t.nr, 16);
	ASSERT_EQ_U64(t.run[15].len, 45);
	ASSERT_EQ_U64(t.run[15].n, 2);
	ASSERT_EQ_U64(t.other, 8);
}

/* A TCP segment of the demo's connection: out (client to server) or in, read or received. */
static struct pt_journey seg(bool rx, uint8_t flags, uint32_t payload, uint64_t t0)
{
	struct pt_journey j;

	memset(&j, 0, sizeof(j));
	j.status = PT_J_READ;
	j.rx = rx;
	j.have_kernel = true;
	j.have_read = !rx;
	j.flow.family = PT_FAM_IPV4;
	j.flow.proto = PT_IPPROTO_TCP;
	j.flow.sport = rx ? 5001 : 40000;
	j.flow.dport = rx ? 40000 : 5001;
	j.flow.icmp_type = flags;
	j.flow.icmp_code = 5 << 4 | 5;	/* IP and TCP headers of 20 bytes */
	j.flow.l3_len = (uint16_t)(40 + payload);
	j.read_len = 40 + payload;
	j.ev.ts[rx ? PT_RX_SYSCALL : PT_STAGE_SYSCALL] = t0;
	j.ev.ts[rx ? PT_RX_NETIF : PT_STAGE_QUEUE] = t0 + 1000;
	j.t_user = rx ? 0 : t0 + 5000;
	return j;
}

static const char *tcp_summary(const struct pt_demo_tally *t, int *rc)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	*rc = pt_demo_summary(f, t, PT_DEMO_TCP, "nsfocus_tun0");
	ASSERT_EQ_I64(fclose(f), 0);
	return unit_track(buf);
}

/*
 * demo tcp: the handshake and the first data segment held (printed
 * together), the data segments quiet (histograms), the rest counted.
 */
UNIT_CASE(demo_tcp_tally)
{
	struct pt_demo_tally t = { 0 };
	struct pt_journey j;
	const char *s;
	int rc;

	j = seg(false, 0x02, 0, 100);
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_HOLD_SYN);
	j = seg(false, 0x10, 0, 200);
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_HOLD_ACK);
	j = seg(false, 0x10, 1448, 300);
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_HOLD_DATA);
	j = seg(true, 0x12, 0, 150);
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_HOLD_SYNACK);
	for (unsigned int i = 1; i < 45; i++) {
		j = seg(false, 0x10, 1448, 300 + i);
		ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_QUIET);
	}
	j = seg(false, 0x19, 65536 - 45 * 1448, 400);	/* the FIN on the last data */
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_QUIET);
	j = seg(true, 0x10, 0, 500);
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_QUIET);
	j = seg(true, 0x11, 0, 600);
	pt_demo_count(&t, PT_DEMO_TCP, &j);
	j = seg(false, 0x10, 0, 700);	/* the last ACK: no second handshake */
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_QUIET);
	ASSERT_EQ_U64(t.tcp.data, 46);
	ASSERT_EQ_U64(t.tcp.bytes, 65536);
	ASSERT_EQ_U64(t.tcp.mss, 1448);
	ASSERT_EQ_U64(t.tcp.in, 3);
	ASSERT_EQ_U64(t.tcp.other_out, 1);
	ASSERT_EQ_U64(t.tcp.hists.step[PT_STAGE_SYSCALL][PT_STAGE_QUEUE]->h.count, 46);
	ASSERT_EQ_U64(t.tcp.hists.step[PT_STAGE_QUEUE][PT_STAGE_USER]->h.count, 46);
	s = tcp_summary(&t, &rc);
	ASSERT_EQ_I64(rc, 0);
	ASSERT_CONTAINS(s, "the client 192.0.2.1 port 40000 to the server 192.0.2.2 port 5001");
	ASSERT_CONTAINS(s, "  the handshake: SYN out, SYN-ACK in, ACK out\n");
	ASSERT_CONTAINS(s, "  46 TCP segments carrying 65536 bytes, at most 1448 each");
	ASSERT_CONTAINS(s, "  the client's FIN, on its last data segment, and the server's\n");
	ASSERT_NOT_CONTAINS(s, "not the experiment's");
	pt_demo_tally_free(&t);
}

/* demo tcp: a segment out not read, a missing SYN-ACK, bytes short: said, and a failure. */
UNIT_CASE(demo_tcp_unexpected)
{
	struct pt_demo_tally t = { 0 };
	struct pt_journey j;
	const char *s;
	int rc;

	j = seg(false, 0x02, 0, 100);
	pt_demo_count(&t, PT_DEMO_TCP, &j);
	j = seg(false, 0x10, 0, 200);
	pt_demo_count(&t, PT_DEMO_TCP, &j);
	j = seg(false, 0x19, 1000, 300);
	pt_demo_count(&t, PT_DEMO_TCP, &j);
	j = seg(false, 0x10, 1448, 400);
	j.status = PT_J_UNREAD;
	j.have_read = false;
	ASSERT_EQ_I64(pt_demo_count(&t, PT_DEMO_TCP, &j), PT_DEMO_SHOW);
	j = seg(false, 0x10, 1000, 300);
	j.ev.flags = PT_EV_RETRANS;
	pt_demo_count(&t, PT_DEMO_TCP, &j);
	ASSERT_EQ_U64(t.tcp.retrans, 1);
	ASSERT_EQ_U64(t.tcp.bytes, 1000);
	s = tcp_summary(&t, &rc);
	ASSERT_EQ_I64(rc, 1);
	ASSERT_CONTAINS(s, "  the handshake: SYN out, no SYN-ACK in, ACK out\n");
	ASSERT_CONTAINS(s, "  1 data segment sent again (retransmissions)\n");
	ASSERT_CONTAINS(s, "  1 segment out not read\n");
	ASSERT_CONTAINS(s, "not the experiment's usual result");
	pt_demo_tally_free(&t);
}
