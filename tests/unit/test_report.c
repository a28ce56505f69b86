// SPDX-License-Identifier: GPL-2.0
/* user/report.c: the HTML report's rows, histograms, escaping, cap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "fixtures.h"
#include "report.h"
#include "unit.h"

static const struct pt_stage_view tun_view = {
	.state = {
		[PT_STAGE_L4] = PT_UNSEEN,
		[PT_STAGE_IP] = PT_UNSEEN,
		[PT_STAGE_NEIGH] = PT_NA,
		[PT_STAGE_XMIT] = PT_UNSEEN,
		[PT_V_RX_TUN] = PT_UNSEEN,
	},
};

/* The same, dropped at the driver (no copy, no read). */
static struct pt_journey tx_dropped(void)
{
	struct pt_journey j = fx_journey_read();

	j.status = PT_J_DROPPED;
	j.have_read = false;
	j.ev.ts[PT_STAGE_COPY] = 0;
	j.ev.end = PT_END_DROPPED;
	j.ev.drop_reason = 7;
	return j;
}

/* An answer on the way in: the reader's write at 100, netif 300, ping's copy 700. */
static struct pt_journey rx_received(void)
{
	struct pt_journey j;

	memset(&j, 0, sizeof(j));
	j.status = PT_J_READ;
	j.rx = true;
	j.have_kernel = true;
	j.flow = fx_icmp4_flow();
	j.flow.icmp_type = 0;
	j.ev = fx_event(0xffff888012345700ull, &j.flow);
	memset(j.ev.ts, 0, sizeof(j.ev.ts));
	j.ev.ts[PT_RX_SYSCALL] = 100;
	j.ev.ts[PT_RX_NETIF] = 300;
	j.ev.ts[PT_RX_COPY] = 700;
	j.ev.flags = PT_EV_RX | PT_EV_IN_SYSCALL;
	j.ev.syscall_nr = SYS_write;
	strcpy(j.ev.comm, "pathtrace");
	strcpy(j.ev.copy_comm, "ping");
	j.have_rt = true;
	j.rt = (struct pt_round_trip){ .req_seq = 1, .out_ns = 8000, .turn_ns = 1000,
				       .in_ns = 600, .len = 84 };
	return j;
}

static void add(struct pt_report *r, const struct pt_journey *j, uint64_t seq,
		const char *drop_reason)
{
	struct pt_print_ctx c = {
		.dev = "nsfocus_tun0", .backend = "tracepoint", .view = &tun_view,
		.seq = seq, .drop_reason = drop_reason,
	};

	ASSERT_EQ_I64(pt_report_add(r, j, &c), 0);
}

/* The whole document, freed with the case; @r too. */
static const char *written(struct pt_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	ASSERT_TRUE(f != NULL);
	err = pt_report_write(r, f);
	pt_report_free(r);
	ASSERT_EQ_I64(fclose(f), 0);
	unit_track(buf);
	ASSERT_EQ_I64(err, 0);
	ASSERT_EQ_U64(strlen(buf), len);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Opened and closed alike, and nothing a browser would go and fetch. */
static void assert_sound(const char *s)
{
	ASSERT_TRUE(!strncmp(s, "<!DOCTYPE html>\n", 16));
	ASSERT_CONTAINS(s, "<meta charset=\"utf-8\">");
	ASSERT_TRUE(strstr(s, "</body>\n</html>\n") == s + strlen(s) - 16);
	ASSERT_EQ_U64(count(s, "<div"), count(s, "</div>"));
	ASSERT_EQ_U64(count(s, "<svg"), count(s, "</svg>"));
	ASSERT_EQ_U64(count(s, "<g"), count(s, "</g>"));
	ASSERT_EQ_U64(count(s, "<title>"), count(s, "</title>"));
	ASSERT_EQ_U64(count(s, "<text"), count(s, "</text>"));
	ASSERT_NOT_CONTAINS(s, "http");
	ASSERT_NOT_CONTAINS(s, "src=");
	ASSERT_NOT_CONTAINS(s, "url(");
	ASSERT_NOT_CONTAINS(s, "@import");
	ASSERT_NOT_CONTAINS(s, "<link");
	ASSERT_NOT_CONTAINS(s, "<script");
}

UNIT_CASE(report_rows_and_histograms)
{
	struct pt_report *r = pt_report_new("nsfocus_tun0", "tracepoint");
	struct pt_journey a = fx_journey_read(), b = tx_dropped(), c = rx_received();
	const char *s;

	ASSERT_TRUE(r != NULL);
	add(r, &a, 1, NULL);
	add(r, &b, 2, "FULL_RING");
	add(r, &c, 3, NULL);
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), 3);
	ASSERT_EQ_U64(count(s, "class=\"row"), 3);	/* nothing else starts with it */
	ASSERT_CONTAINS(s, "<title>pathtrace report: nsfocus_tun0</title>");
	ASSERT_CONTAINS(s, "<th>backend</th><td>tracepoint</td>");
	ASSERT_CONTAINS(s, "<th>journeys</th><td>3 (tx: 1 read, 1 dropped; rx: 1 received)");
	ASSERT_CONTAINS(s, "<th>unseen</th><td>l4 ip xmit rx tun (");
	ASSERT_CONTAINS(s, "<th>n/a</th><td>neigh (");

	/* The rows' labels. */
	ASSERT_CONTAINS(s, "#1 tx ICMP echo request id=77 seq=3 192.0.2.1 -&gt; 192.0.2.2, "
			   "84 bytes, <span class=\"st-read\">read</span>; sent by ping pid 4242 "
			   "with sendto(); read() by pathtrace pid 777");
	ASSERT_CONTAINS(s, "#2 tx ICMP echo request");
	ASSERT_CONTAINS(s, "<span class=\"st-dropped\">dropped: FULL_RING</span>");
	ASSERT_CONTAINS(s, "#3 rx ICMP echo reply id=77 seq=3 192.0.2.1 -&gt; 192.0.2.2, 84 bytes, "
			   "<span class=\"st-read\">received</span>; written by pathtrace pid 4242 "
			   "with write(); received by ping pid 777; round trip of #1: 9.6us");
	/* Bars: kernel ones, and the one that ends at the user stage. */
	ASSERT_CONTAINS(s, "<title>syscall -&gt; route (2.2 routing): 500ns (kernel)</title>");
	ASSERT_CONTAINS(s, "<title>driver -&gt; copy (5.1 device queue): 2.0us (kernel)</title>");
	ASSERT_EQ_U64(count(s, "<g class=\"u\"><title>copy -&gt; user (5.2 reader): 4.0us (userspace"), 1);
	ASSERT_EQ_U64(count(s, "<g class=\"u\">"), 2);	/* and the legend's */
	ASSERT_CONTAINS(s, "<title>syscall: the first stage seen</title>");
	ASSERT_CONTAINS(s, ">total 8.0us</text>");
	ASSERT_CONTAINS(s, ">total 2.0us</text>");	/* the dropped one: syscall -> driver */
	ASSERT_CONTAINS(s, "<title>netif -&gt; copy (R7 receive): 400ns (kernel)</title>");
	ASSERT_CONTAINS(s, ">total 600ns</text>");
	/* The longest bar is wide enough for its name and time. */
	ASSERT_CONTAINS(s, ">user 4.0us</text>");

	/* Histograms: per transition and whole way, tx and rx apart. */
	ASSERT_CONTAINS(s, "<h3>The way out (tx): 2 journeys</h3>");
	ASSERT_CONTAINS(s, "<h3>The way in (rx): 1 journeys</h3>");
	ASSERT_TRUE(strstr(s, "The way out (tx)") < strstr(s, "The way in (rx)"));
	ASSERT_CONTAINS(s, "<h3>queue -&gt; driver</h3><p>count 2, p50 400ns, p90 400ns, "
			   "p99 400ns, max 400ns, avg 400ns</p><svg");
	ASSERT_CONTAINS(s, "<title>queue -&gt; driver</title>");
	ASSERT_CONTAINS(s, "<h3>copy -&gt; user</h3><p>count 1, p50 4.0us");
	ASSERT_CONTAINS(s, "<title>copy -&gt; user</title>");
	ASSERT_CONTAINS(s, "<h3>syscall -&gt; route</h3><p>count 2,");
	ASSERT_CONTAINS(s, "<h3>total: syscall -&gt; user</h3><p>count 1, p50 8.0us");
	ASSERT_CONTAINS(s, "<h3>total: syscall -&gt; driver</h3><p>count 1, p50 2.0us");
	ASSERT_CONTAINS(s, "<h3>netif -&gt; copy</h3><p>count 1, p50 400ns");
	ASSERT_CONTAINS(s, "<h3>total: syscall -&gt; copy</h3><p>count 1, p50 600ns");
	ASSERT_NOT_CONTAINS(s, "<h3>driver -&gt; user");	/* the dropped one was not read */
	/* bcc's buckets: 400 in 256 -> 511, twice; the bar of the user one its colour. */
	ASSERT_CONTAINS(s, "<title>256 -&gt; 511 ns: 2</title>");
	ASSERT_CONTAINS(s, ">256 -&gt; 511</text><rect class=\"hb\"");
	ASSERT_CONTAINS(s, ">2048 -&gt; 4095</text><rect class=\"hu\"");
	/* Transitions in layer order, the whole ways last. */
	ASSERT_TRUE(strstr(s, "<h3>syscall -&gt; route") < strstr(s, "<h3>queue -&gt; driver"));
	ASSERT_TRUE(strstr(s, "<h3>copy -&gt; user") < strstr(s, "<h3>total: syscall -&gt; driver"));
	ASSERT_NOT_CONTAINS(s, "No histograms");
	ASSERT_NOT_CONTAINS(s, "left out");
}

UNIT_CASE(report_escapes)
{
	struct pt_report *r = pt_report_new("tun<b>&\"'", "tracepoint");
	struct pt_journey a = fx_journey_read(), b = fx_journey_read();
	const char *s;

	ASSERT_TRUE(r != NULL);
	/* A comm is anything a process set: 16 bytes, no NUL when full. */
	memcpy(a.ev.comm, "<x&\"'>", 7);
	memcpy(a.ev.copy_comm, "<script>alert(1)", 16);
	memcpy(b.ev.comm, "\x01\xff\xc3\xa9<0123456789a", 16);
	add(r, &a, 1, NULL);
	add(r, &b, 2, NULL);
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), 2);
	ASSERT_CONTAINS(s, "sent by &lt;x&amp;&quot;&#39;&gt; pid 4242");
	ASSERT_CONTAINS(s, "read() by &lt;script&gt;alert(1) pid 777");
	ASSERT_CONTAINS(s, "sent by \\x01\\xff\\xc3\\xa9&lt;0123456789a pid 4242");
	ASSERT_CONTAINS(s, "<h1>pathtrace: tun&lt;b&gt;&amp;&quot;&#39;</h1>");
	ASSERT_CONTAINS(s, "<title>pathtrace report: tun&lt;b&gt;&amp;&quot;&#39;</title>");
	ASSERT_NOT_CONTAINS(s, "<x&");
	ASSERT_NOT_CONTAINS(s, "<b>");
	ASSERT_NOT_CONTAINS(s, "\x01");
	ASSERT_NOT_CONTAINS(s, "\xff");
}

UNIT_CASE(report_escapes_drop_reason)
{
	struct pt_report *r = pt_report_new("tun0", "kprobe");
	struct pt_journey a = tx_dropped(), b = tx_dropped();
	const char *s;

	ASSERT_TRUE(r != NULL);
	add(r, &a, 1, "<i>A&'\"</i>");
	add(r, &b, 2, NULL);
	s = written(r);
	assert_sound(s);
	ASSERT_CONTAINS(s, "<span class=\"st-dropped\">dropped: &lt;i&gt;A&amp;&#39;&quot;&lt;/i&gt;</span>");
	ASSERT_CONTAINS(s, "<span class=\"st-dropped\">dropped: reason 7</span>");
}

UNIT_CASE(report_cap)
{
	struct pt_report *r = pt_report_new("nsfocus_tun0", "tracepoint");
	struct pt_journey a = fx_journey_read();
	unsigned int n = PT_REPORT_MAX_ROWS + 5;
	const char *s;
	char want[128];

	ASSERT_TRUE(r != NULL);
	for (unsigned int i = 1; i <= n; i++) {
		a.t_user = 9000 + i;
		add(r, &a, i, NULL);
	}
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), PT_REPORT_MAX_ROWS);
	snprintf(want, sizeof(want), "#%u tx ", PT_REPORT_MAX_ROWS);
	ASSERT_CONTAINS(s, want);
	snprintf(want, sizeof(want), "#%u tx ", PT_REPORT_MAX_ROWS + 1);
	ASSERT_NOT_CONTAINS(s, want);
	snprintf(want, sizeof(want), "<p class=\"capped\">The first %u journeys are drawn: "
		 "5 later ones are left out", PT_REPORT_MAX_ROWS);
	ASSERT_CONTAINS(s, want);
	/* The counts and histograms have every journey. */
	snprintf(want, sizeof(want), "<th>journeys</th><td>%u (tx: %u read)", n, n);
	ASSERT_CONTAINS(s, want);
	snprintf(want, sizeof(want), "<h3>queue -&gt; driver</h3><p>count %u,", n);
	ASSERT_CONTAINS(s, want);
	snprintf(want, sizeof(want), "<h3>total: syscall -&gt; user</h3><p>count %u,", n);
	ASSERT_CONTAINS(s, want);
	snprintf(want, sizeof(want), "<title>256 -&gt; 511 ns: %u</title>", n);
	ASSERT_CONTAINS(s, want);
}

UNIT_CASE(report_empty)
{
	struct pt_report *r = pt_report_new("nsfocus_tun0", "fentry");
	const char *s;

	ASSERT_TRUE(r != NULL);
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), 0);
	ASSERT_CONTAINS(s, "<th>journeys</th><td>0</td>");
	ASSERT_CONTAINS(s, "No packets: no journey was traced.");
	ASSERT_CONTAINS(s, "No histograms: no journey was seen at two stages.");
	ASSERT_NOT_CONTAINS(s, "<th>unseen</th>");	/* no journey, no view */
}

UNIT_CASE(report_one_stage_and_reordered)
{
	struct pt_report *r = pt_report_new("tun0", "tracepoint");
	struct pt_journey a = fx_journey_read(), b = fx_journey_read();
	const char *s;

	ASSERT_TRUE(r != NULL);
	/* A read without a kernel record: the user stage only. */
	a.status = PT_J_UNJOINED;
	a.have_kernel = false;
	add(r, &a, 1, NULL);
	/* The driver stamped after the copy (another CPU's clock ran ahead). */
	b.ev.ts[PT_STAGE_DRIVER] = 5500;
	add(r, &b, 2, NULL);
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), 2);
	ASSERT_CONTAINS(s, "<span class=\"st-unjoined\">unjoined: no kernel record</span>; "
			   "sender unknown (not sent from a syscall)");
	ASSERT_CONTAINS(s, ">one stage</text>");
	ASSERT_CONTAINS(s, "<g class=\"x\"><title>driver -&gt; copy (5.1 device queue): -500ns (stamped before");
	ASSERT_CONTAINS(s, "<h3>driver -&gt; copy</h3><p>count 0,");
	ASSERT_CONTAINS(s, "<p class=\"note\">1 not counted: the later stage was stamped "
			   "before the earlier one</p>");
	ASSERT_CONTAINS(s, "<h3>queue -&gt; driver</h3><p>count 1, p50 2.9us");
	/* No bar is outside the row's axis. */
	ASSERT_NOT_CONTAINS(s, "x=\"-");
}

UNIT_CASE(report_write_error)
{
	struct pt_report *r = pt_report_new("tun0", "tracepoint");
	struct pt_journey a = fx_journey_read();
	FILE *f = fopen("/dev/null", "r");
	int err;

	ASSERT_TRUE(r != NULL);
	ASSERT_TRUE(f != NULL);
	add(r, &a, 1, NULL);
	err = pt_report_write(r, f);
	fclose(f);
	pt_report_free(r);
	ASSERT_EQ_I64(err, -EBADF);
}

UNIT_CASE(report_free_null)
{
	pt_report_free(NULL);
	ASSERT_TRUE(true);
}

/*
 * A report of every kind of row, for a browser: written to the file
 * $PT_REPORT_SAMPLE when set (for tests/render-html.sh: SAMPLE_ROWS rows),
 * else only checked here.
 */
#define SAMPLE_ROWS 40

UNIT_CASE(report_sample)
{
	const char *path = getenv("PT_REPORT_SAMPLE");
	struct pt_report *r = pt_report_new("nsfocus_tun0", "tracepoint");
	uint32_t rnd = 12345;
	const char *s;
	FILE *f;

	ASSERT_TRUE(r != NULL);
	for (unsigned int i = 1; i <= SAMPLE_ROWS; i++) {
		struct pt_journey j = i % 10 == 4 ? rx_received() : fx_journey_read();
		uint64_t t = 1000000 * (uint64_t)i;
		const char *reason = NULL;

		/* Layers of a few hundred ns to a few us, now and then much longer. */
		for (int k = 0; k < PT_NR_KSTAGES; k++) {
			if (!j.ev.ts[k])
				continue;
			rnd = rnd * 1103515245 + 12345;
			t += 200 + (rnd >> 16) % 3000 + (i % 13 == 0 && k == PT_STAGE_COPY ? 250000 : 0);
			j.ev.ts[k] = t;
		}
		j.t_user = t + 1500 + (rnd >> 20) % 9000;
		j.flow.ipid = (uint16_t)i;
		j.flow.dport = (uint16_t)i;
		switch (i % 10) {
		case 3:
			j.status = PT_J_DROPPED;
			j.have_read = false;
			j.ev.ts[PT_STAGE_COPY] = 0;
			reason = "FULL_RING";
			break;
		case 6:
			j.status = PT_J_UNJOINED;
			j.have_kernel = false;
			break;
		case 7:
			memcpy(j.ev.comm, "<x&\"'>\x01\xff", 9);
			break;
		case 8:
			j.ev.ts[PT_STAGE_DRIVER] = j.ev.ts[PT_STAGE_COPY] + 300;
			break;
		}
		add(r, &j, i, reason);
	}
	if (path) {
		f = fopen(path, "w");
		ASSERT_TRUE(f != NULL);
		ASSERT_EQ_I64(pt_report_write(r, f), 0);
		ASSERT_EQ_I64(fclose(f), 0);
		pt_report_free(r);
		return;
	}
	s = written(r);
	assert_sound(s);
	ASSERT_EQ_U64(count(s, "class=\"row\""), SAMPLE_ROWS);
}
