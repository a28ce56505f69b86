// SPDX-License-Identifier: GPL-2.0
/* include/pt_hist.h, user/hist.c and user/jhist.c: slots, percentiles, printers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "jhist.h"
#include "unit.h"

UNIT_CASE(hist_slots_round_trip)
{
	/* Every slot's lowest value maps back to it, and one less to the slot before. */
	for (unsigned int i = 0; i < PT_HIST_USED_SLOTS; i++) {
		__u64 lo = pt_hist_slot_lo(i);

		ASSERT_EQ_U64(pt_hist_slot(lo), i);
		if (i)
			ASSERT_EQ_U64(pt_hist_slot(lo - 1), i - 1);
	}
	ASSERT_EQ_U64(pt_hist_slot(0), 0);
	ASSERT_EQ_U64(pt_hist_slot(3), 3);
	ASSERT_EQ_U64(pt_hist_slot(4), 4);
	ASSERT_EQ_U64(pt_hist_slot(1000), pt_hist_slot(1023));
	ASSERT_EQ_U64(pt_hist_slot_lo(pt_hist_slot(1000)), 896);
	ASSERT_EQ_U64(pt_hist_slot(~0ULL), PT_HIST_USED_SLOTS - 1);
	ASSERT_TRUE(PT_HIST_USED_SLOTS <= PT_HIST_SLOTS);
	ASSERT_EQ_U64(pt_log2(1), 0);
	ASSERT_EQ_U64(pt_log2(1024), 10);
	ASSERT_EQ_U64(pt_log2(~0ULL), 63);
}

/* The transitions of a record, as "from>to:d" joined by spaces, into steps_buf. */
static char steps_buf[256];
static size_t steps_at;
static unsigned int steps_lost;

static void step_str(__u8 from, __u8 to, __u64 d)
{
	steps_at += (size_t)snprintf(steps_buf + steps_at, sizeof(steps_buf) - steps_at, "%s%u>%u:%llu",
				     steps_at ? " " : "", from, to, (unsigned long long)d);
}

static void step_lost(void)
{
	steps_lost++;
}

static const char *steps_str(const __u32 *off, __u64 first, __u64 copy, unsigned int *lost)
{
	steps_at = 0;
	steps_buf[0] = 0;
	steps_lost = 0;
	pt_hrec_for_each_step(off, first, copy, step_str, step_lost);
	*lost = steps_lost;
	return steps_buf;
}

UNIT_CASE(hist_record_steps)
{
	/* syscall at 1000, l4 +200, route unseen, queue +500, driver far */
	__u32 off[PT_STAGE_COPY] = { 0 };
	unsigned int lost;

	off[PT_STAGE_SYSCALL] = 1;
	off[PT_STAGE_L4] = 201;
	off[PT_STAGE_QUEUE] = 701;
	off[PT_STAGE_DRIVER] = PT_HOFF_FAR;
	/* copy at 2000 */
	ASSERT_STREQ(steps_str(off, 1000, 2000, &lost), "0>1:200 1>6:500 6>9:300");
	ASSERT_EQ_U64(lost, 1);		/* the driver's */
	/* A copy stamped before the queue: its sample lost, the rest kept */
	ASSERT_STREQ(steps_str(off, 1000, 1500, &lost), "0>1:200 1>6:500");
	ASSERT_EQ_U64(lost, 2);
	/* Every stage seen: one step each after the first */
	for (int s = 0; s < PT_STAGE_COPY; s++)
		off[s] = 1 + 10 * s;
	ASSERT_STREQ(steps_str(off, 1000, 5000, &lost),
		     "0>1:10 1>2:10 2>3:10 3>4:10 4>5:10 5>6:10 6>7:10 7>8:10 8>9:3920");
	ASSERT_EQ_U64(lost, 0);
	_Static_assert(PT_STAGE_COPY == 9 && PT_NR_KSTAGES == 10, "the strings above: ten stages");
}

static struct pt_hist *hist_of(const __u64 *v, unsigned int n)
{
	struct pt_hist *h = unit_track(calloc(1, sizeof(*h)));

	for (unsigned int i = 0; i < n; i++) {
		h->slot[pt_hist_slot(v[i])]++;
		h->count++;
		h->sum += v[i];
		if (v[i] > h->max)
			h->max = v[i];
	}
	return h;
}

UNIT_CASE(hist_percentiles)
{
	__u64 v[100];
	struct pt_hist *h;

	for (int i = 0; i < 100; i++)
		v[i] = 1000 + i;	/* 1000..1099: two slots, 896-1023 and 1024-1279 */
	h = hist_of(v, 100);
	ASSERT_EQ_U64(pt_hist_percentile(h, 0.10), 1023);	/* 24 values below 1024 */
	ASSERT_EQ_U64(pt_hist_percentile(h, 0.50), 1099);	/* slot top 1279, capped at max */
	ASSERT_EQ_U64(pt_hist_percentile(h, 0.99), 1099);
	v[99] = 50000;
	h = hist_of(v, 100);
	ASSERT_EQ_U64(pt_hist_percentile(h, 0.99), 1279);
	ASSERT_EQ_U64(pt_hist_percentile(h, 1.0), 50000);
	h = hist_of(v, 0);
	ASSERT_EQ_U64(pt_hist_percentile(h, 0.5), 0);
}

UNIT_CASE(hist_log2_buckets)
{
	__u64 v[] = { 0, 1, 2, 3, 1000, 1023, 1024, 5000000 };
	uint64_t b[64];
	struct pt_hist *h = hist_of(v, 8);

	pt_hist_log2(h, b);
	ASSERT_EQ_U64(b[0], 2);		/* 0, 1 */
	ASSERT_EQ_U64(b[1], 2);		/* 2, 3 */
	ASSERT_EQ_U64(b[9], 2);		/* 512..1023 */
	ASSERT_EQ_U64(b[10], 1);	/* 1024..2047 */
	ASSERT_EQ_U64(b[22], 1);	/* 4194304..8388607 */
}

static char *printed(bool json, const struct pt_hist_view *rows, unsigned int n)
{
	struct pt_hist_interval iv = { .t_ns = 1700000000000000000ull, .len_ns = 1000000000,
				       .reads = 100, .dropped = 2, .unread = 1, .lost = 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json)
		pt_hist_print_json(f, &iv, rows, n, true);
	else
		pt_hist_print_text(f, &iv, rows, n, true);
	fclose(f);
	return unit_track(buf);
}

UNIT_CASE(hist_printers)
{
	__u64 v[] = { 1000, 1100, 3000 };
	struct pt_hist *h = hist_of(v, 3);
	struct pt_hist_key k1 = { .ifindex = 2, .proto = 17, .from = PT_STAGE_QUEUE,
				  .to = PT_STAGE_DRIVER };
	struct pt_hist_key k2 = { .ifindex = 2, .proto = 17, .from = PT_HIST_TOTAL,
				  .to = PT_STAGE_USER };
	struct pt_hist_view rows[2] = {
		{ "nsfocus_tun0", &k2, h }, { "nsfocus_tun0", &k1, h },
	};
	char *s;

	qsort(rows, 2, sizeof(rows[0]), pt_hist_row_cmp);
	ASSERT_TRUE(rows[0].key == &k1);	/* total sorts last */
	s = printed(false, rows, 2);
	ASSERT_CONTAINS(s, "100 packets read, 2 dropped, 1 unread, 0 lost\n");
	/* p50: the 2nd of 3 samples, 1100, in slot 1024..1279: its top. */
	ASSERT_CONTAINS(s, "\nnsfocus_tun0 udp queue -> driver: count 3, p50 1.3us, p90 3.0us,"
			   " p99 3.0us, max 3.0us, avg 1.7us\n");
	ASSERT_CONTAINS(s, "nsfocus_tun0 udp total (first stage -> user): count 3");
	ASSERT_CONTAINS(s, "                   nsecs : count     distribution\n");
	ASSERT_CONTAINS(s, "       512 -> 1023       : 1        |"
			   "****************************************|\n");
	ASSERT_CONTAINS(s, "      1024 -> 2047       : 1        |");
	ASSERT_CONTAINS(s, "      2048 -> 4095       : 1        |");
	s = printed(true, rows, 2);
	ASSERT_EQ_U64(strchr(s, '\n') - s + 1, strlen(s));	/* one line */
	ASSERT_CONTAINS(s, "{\"time_ns\":1700000000000000000,\"interval_ns\":1000000000,"
			   "\"reads\":100,\"dropped\":2,\"unread\":1,\"lost\":0,\"hists\":[");
	ASSERT_CONTAINS(s, "{\"dev\":\"nsfocus_tun0\",\"proto\":\"udp\",\"transition\":"
			   "\"queue->driver\",\"from\":\"queue\",\"to\":\"driver\",\"count\":3,"
			   "\"sum_ns\":5100,\"p50_ns\":1279,\"p90_ns\":3000,\"p99_ns\":3000,"
			   "\"max_ns\":3000,\"log2\":[{\"lo\":512,\"hi\":1023,\"count\":1},"
			   "{\"lo\":1024,\"hi\":2047,\"count\":1},{\"lo\":2048,\"hi\":4095,\"count\":1}]}");
	ASSERT_CONTAINS(s, "\"transition\":\"total\",\"from\":null,\"to\":\"user\"");
	ASSERT_EQ_U64(strstr(s, "\"transition\":\"total\"") > strstr(s, "queue->driver"), 1);
	/* Class 0 holds what is not ICMP, UDP, TCP or ICMPv6: ARP on a TAP device too. */
	k1.proto = k2.proto = 0;
	ASSERT_CONTAINS(printed(true, rows, 2), "\"proto\":\"other\",\"transition\":\"queue->driver\"");
	ASSERT_CONTAINS(printed(false, rows, 2), "nsfocus_tun0 other queue -> driver: count 3");
}

/* Every protocol has a class in range, and a class names its protocol back. */
UNIT_CASE(hist_pclass_round_trip)
{
	for (unsigned int p = 0; p < 256; p++) {
		unsigned int c = pt_hist_pclass((__u8)p);

		ASSERT_TRUE(c < PT_HIST_PCLASSES);
		if (c)
			ASSERT_EQ_U64(pt_hist_pclass_proto(c), p);
	}
	for (unsigned int c = 1; c < PT_HIST_PCLASSES; c++)
		ASSERT_EQ_U64(pt_hist_pclass(pt_hist_pclass_proto(c)), c);
	ASSERT_EQ_U64(pt_hist_pclass_proto(0), 0);
}

/* Journeys' histograms (jhist.c): per transition and whole way, as rows for the printers. */
UNIT_CASE(jhists_rows)
{
	struct pt_stage_time st[] = {
		{ .stage = PT_STAGE_SYSCALL, .t_ns = 1000 },
		{ .stage = PT_STAGE_QUEUE, .t_ns = 1500, .delta_ns = 500 },
		{ .stage = PT_STAGE_DRIVER, .t_ns = 1400, .delta_ns = -100 },
	};
	struct pt_jhists s = { 0 };
	struct pt_hist_key keys[8];
	struct pt_hist_view rows[8];
	unsigned int n;

	ASSERT_EQ_I64(pt_jhists_add(&s, st, 3), 0);
	ASSERT_EQ_I64(pt_jhists_add(&s, st, 2), 0);
	n = pt_jhists_rows(&s, "tun0", 7, keys, rows, 8);
	/* syscall->queue twice; queue->driver reordered (not a row); the totals. */
	ASSERT_EQ_U64(n, 3);
	ASSERT_EQ_U64(keys[0].from, PT_STAGE_SYSCALL);
	ASSERT_EQ_U64(keys[0].to, PT_STAGE_QUEUE);
	ASSERT_EQ_U64(rows[0].h->count, 2);
	ASSERT_EQ_U64(s.step[PT_STAGE_QUEUE][PT_STAGE_DRIVER]->reordered, 1);
	ASSERT_EQ_U64(keys[1].from, PT_HIST_TOTAL);
	ASSERT_EQ_U64(keys[1].to, PT_STAGE_QUEUE);
	ASSERT_EQ_U64(keys[2].to, PT_STAGE_DRIVER);
	ASSERT_EQ_U64(rows[2].h->sum, 400);
	ASSERT_EQ_U64(keys[2].ifindex, 7);
	ASSERT_EQ_U64(pt_jhists_rows(&s, "tun0", 7, keys, rows, 1), 1);
	pt_jhists_free(&s);
	ASSERT_TRUE(s.step[PT_STAGE_SYSCALL][PT_STAGE_QUEUE] == NULL);
}
