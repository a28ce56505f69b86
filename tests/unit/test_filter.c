// SPDX-License-Identifier: GPL-2.0
/* user/filter.c: expressions compiled by libpcap per link type; --pid, --comm. */
#include <errno.h>
#include <string.h>
#include <linux/filter.h>
#include "filter.h"
#include "unit.h"

UNIT_CASE(filter_none)
{
	struct pt_filter f = { 0 };
	char err[256] = "";

	ASSERT_EQ_I64(pt_filter_compile(&f, "", false, err, sizeof(err)), 0);
	ASSERT_EQ_I64(f.len, 0);
	ASSERT_TRUE(!pt_filter_on(&f));
	ASSERT_EQ_I64(pt_filter_compile(&f, NULL, true, err, sizeof(err)), 0);
	ASSERT_TRUE(!pt_filter_on(&f));
	ASSERT_TRUE(f.tap);
	pt_filter_free(&f);
}

UNIT_CASE(filter_link_types)
{
	struct pt_filter f = { 0 };
	char err[256] = "";
	unsigned int raw;

	/* TUN: raw IP, the IP header at byte 0; TAP: behind 14 bytes of Ethernet. */
	ASSERT_EQ_I64(pt_filter_compile(&f, "udp dst port 5001", false, err, sizeof(err)), 0);
	ASSERT_TRUE(f.len > 0 && pt_filter_on(&f));
	ASSERT_STREQ(f.expr, "udp dst port 5001");
	raw = f.len;
	/* Raw IP: the version nibble first (ldb [0]). */
	ASSERT_EQ_I64(f.insns[0].code, BPF_LD | BPF_B | BPF_ABS);
	ASSERT_EQ_I64(f.insns[0].k, 0);
	ASSERT_EQ_I64(pt_filter_compile(&f, "udp dst port 5001", true, err, sizeof(err)), 0);
	ASSERT_TRUE(f.len > 0 && f.tap);
	/* Ethernet: the EtherType first (ldh [12]). */
	ASSERT_EQ_I64(f.insns[0].code, BPF_LD | BPF_H | BPF_ABS);
	ASSERT_EQ_I64(f.insns[0].k, 12);
	ASSERT_TRUE(f.len != raw);
	ASSERT_EQ_I64(pt_filter_compile(&f, "arp", true, err, sizeof(err)), 0);
	pt_filter_free(&f);
	ASSERT_EQ_I64(f.len, 0);
	ASSERT_TRUE(f.insns == NULL);
}

UNIT_CASE(filter_bad_expression)
{
	struct pt_filter f = { 0 };
	char err[256] = "";

	ASSERT_EQ_I64(pt_filter_compile(&f, "udp dst port", false, err, sizeof(err)), -EINVAL);
	ASSERT_CONTAINS(err, "syntax error");
	ASSERT_TRUE(!pt_filter_on(&f));
	/* libpcap's word for what a link type cannot have. */
	ASSERT_EQ_I64(pt_filter_compile(&f, "arp", false, err, sizeof(err)), -EINVAL);
	ASSERT_CONTAINS(err, "rejects all packets");
	ASSERT_EQ_I64(pt_filter_compile(&f, "ether host 02:00:00:00:00:01", false, err,
					sizeof(err)), -EINVAL);
	ASSERT_CONTAINS(err, "ethernet addresses supported only");
	pt_filter_free(&f);
}

UNIT_CASE(filter_processes)
{
	static const uint32_t pids[] = { 42, 7 };
	struct pt_filter f = { 0 };

	ASSERT_TRUE(!pt_filter_by_proc(&f));
	f.comm = "";
	ASSERT_TRUE(!pt_filter_by_proc(&f));
	f.pids = pids;
	f.nr_pids = 2;
	ASSERT_TRUE(pt_filter_by_proc(&f) && pt_filter_on(&f));
	ASSERT_TRUE(pt_filter_proc_match(&f, 7, "x"));
	ASSERT_TRUE(!pt_filter_proc_match(&f, 8, "x"));
	f.comm = "iperf3";
	ASSERT_TRUE(pt_filter_proc_match(&f, 8, "iperf3"));
	ASSERT_TRUE(!pt_filter_proc_match(&f, 8, "iperf"));
	f.nr_pids = 0;
	ASSERT_TRUE(pt_filter_by_proc(&f));
	ASSERT_TRUE(!pt_filter_proc_match(&f, 42, "ping"));
}
