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
		pt_demo_count(t, &j);
}

static const char *summary(const struct pt_demo_tally *t, bool tap, int *rc)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	*rc = pt_demo_summary(f, t, tap, tap ? "nsfocus_tap0" : "nsfocus_tun0");
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
	pt_demo_count(&t, &dropped);
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
