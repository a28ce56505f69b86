// SPDX-License-Identifier: GPL-2.0
/* user/prom.c: --metrics' buckets, label escaping, the page; --metrics' options. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "prom.h"
#include "unit.h"
#include "unit_cli.h"

UNIT_CASE(prom_bucket_bounds)
{
	/* Bucket k holds what lies below 2^(k + 7) ns; the last is +Inf. */
	ASSERT_EQ_U64(pt_prom_bucket(0), 0);
	ASSERT_EQ_U64(pt_prom_bucket(127), 0);
	ASSERT_EQ_U64(pt_prom_bucket(128), 1);
	ASSERT_EQ_U64(pt_prom_bucket(255), 1);
	ASSERT_EQ_U64(pt_prom_bucket(256), 2);
	ASSERT_EQ_U64(pt_prom_bucket(1000), 3);		/* below 1024 */
	ASSERT_EQ_U64(pt_prom_bucket(1024), 4);
	ASSERT_EQ_U64(pt_prom_bucket((1ull << 32) - 1), PT_PROM_BOUNDS - 1);
	ASSERT_EQ_U64(pt_prom_bucket(1ull << 32), PT_PROM_BOUNDS);
	ASSERT_EQ_U64(pt_prom_bucket(~0ull), PT_PROM_BOUNDS);
}

UNIT_CASE(prom_le_exact)
{
	char b[32];

	pt_prom_le(0, b, sizeof(b));
	ASSERT_STREQ(b, "0.000000128");
	pt_prom_le(3, b, sizeof(b));
	ASSERT_STREQ(b, "0.000001024");
	pt_prom_le(PT_PROM_BOUNDS - 1, b, sizeof(b));
	ASSERT_STREQ(b, "4.294967296");
	/* 2^30 ns: no trailing zeros to strip, whole seconds part 1. */
	pt_prom_le(30 - PT_PROM_LO_BIT, b, sizeof(b));
	ASSERT_STREQ(b, "1.073741824");
}

/* A kernel histogram converts to the buckets its samples would have taken one by one. */
UNIT_CASE(prom_hist_equals_samples)
{
	static const uint64_t v[] = { 0, 1, 3, 4, 100, 127, 128, 129, 255, 256, 1000, 1023,
				      1024, 5000, 65535, 65536, 1000000, 4294967295ull,
				      4294967296ull, 1ull << 40 };
	struct pt_prom_series a = { 0 }, b = { 0 };
	struct pt_hist *h = unit_track(calloc(1, sizeof(*h)));

	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pt_hist_put(h, v[i]);
		pt_prom_add_sample(&a, v[i]);
	}
	pt_prom_add_hist(&b, h);
	ASSERT_MEMEQ(b.bucket, a.bucket, sizeof(a.bucket));
	ASSERT_EQ_U64(b.count, sizeof(v) / sizeof(v[0]));
	ASSERT_EQ_U64(b.sum_ns, a.sum_ns);
	ASSERT_EQ_U64(a.bucket[0], 6);			/* 0 .. 127 */
	ASSERT_EQ_U64(a.bucket[PT_PROM_BOUNDS], 2);	/* 2^32 and above */
	/* Every slot, through its lowest and highest values. */
	for (unsigned int i = 0; i + 1 < PT_HIST_USED_SLOTS; i++) {
		struct pt_prom_series c = { 0 }, d = { 0 };

		memset(h, 0, sizeof(*h));
		pt_hist_put(h, pt_hist_slot_lo(i));
		pt_hist_put(h, pt_hist_slot_lo(i + 1) - 1);
		pt_prom_add_sample(&c, pt_hist_slot_lo(i));
		pt_prom_add_sample(&c, pt_hist_slot_lo(i + 1) - 1);
		pt_prom_add_hist(&d, h);
		ASSERT_MEMEQ(d.bucket, c.bucket, sizeof(c.bucket));
	}
}

UNIT_CASE(prom_escape_labels)
{
	char b[16];

	pt_prom_escape("a\"b\\c\nd", b, sizeof(b));
	ASSERT_STREQ(b, "a\\\"b\\\\c\\nd");
	/* Cut to fit, never in the middle of an escape. */
	pt_prom_escape("\"\"\"\"\"\"\"\"\"\"", b, 6);
	ASSERT_STREQ(b, "\\\"\\\"");
	pt_prom_escape("plain", b, sizeof(b));
	ASSERT_STREQ(b, "plain");
}

static struct pt_prom *prom_new(bool by_proto, bool journeys)
{
	struct pt_prom *p = unit_track(malloc(sizeof(*p)));

	pt_prom_init(p, "tun\"0", by_proto, journeys, false);
	strcpy(p->version, "0.1.0");
	strcpy(p->backend, "tracepoint");
	strcpy(p->kernel, "6.1.0-x");
	return p;
}

UNIT_CASE(prom_page_format)
{
	struct pt_prom *p = prom_new(true, false);
	struct pt_prom_series *s = pt_prom_series(p, false, 1, PT_STAGE_QUEUE, PT_STAGE_DRIVER);
	size_t len;
	char *page;

	ASSERT_TRUE(s != NULL);
	ASSERT_TRUE(pt_prom_series(p, false, 1, PT_STAGE_QUEUE, PT_STAGE_DRIVER) == s);
	pt_prom_add_sample(s, 900);
	pt_prom_add_sample(s, 1500000000);
	pt_prom_add_sample(pt_prom_series(p, false, 1, PT_PROM_TOTAL, PT_STAGE_USER), 6000);
	p->packets[0][PT_J_READ] = 2;
	pt_prom_add_drops(p, "unknown", "unknown", 3);
	pt_prom_add_drops(p, "unknown", "unknown", 4);
	page = unit_track(pt_prom_render(p, &len));
	ASSERT_TRUE(page != NULL);
	ASSERT_EQ_U64(len, strlen(page));
	ASSERT_CONTAINS(page, "# HELP pathtrace_stage_latency_seconds ");
	ASSERT_CONTAINS(page, "# TYPE pathtrace_stage_latency_seconds histogram\n");
	/* Cumulative buckets; +Inf is the count; the sum in seconds. */
	ASSERT_CONTAINS(page, "pathtrace_stage_latency_seconds_bucket{dev=\"tun\\\"0\",dir=\"tx\","
			"from=\"queue\",to=\"driver\",proto=\"icmp\",le=\"0.000000512\"} 0\n");
	ASSERT_CONTAINS(page, "to=\"driver\",proto=\"icmp\",le=\"0.000001024\"} 1\n");
	ASSERT_CONTAINS(page, "to=\"driver\",proto=\"icmp\",le=\"1.073741824\"} 1\n");
	ASSERT_CONTAINS(page, "to=\"driver\",proto=\"icmp\",le=\"2.147483648\"} 2\n");
	ASSERT_CONTAINS(page, "to=\"driver\",proto=\"icmp\",le=\"+Inf\"} 2\n");
	ASSERT_CONTAINS(page, "pathtrace_stage_latency_seconds_sum{dev=\"tun\\\"0\",dir=\"tx\","
			"from=\"queue\",to=\"driver\",proto=\"icmp\"} 1.500000900\n");
	ASSERT_CONTAINS(page, "pathtrace_journey_latency_seconds_count{dev=\"tun\\\"0\",dir=\"tx\","
			"proto=\"icmp\"} 1\n");
	ASSERT_NOT_CONTAINS(page, "pathtrace_stage_latency_seconds_count{dev=\"tun\\\"0\",dir=\"tx\",proto");
	ASSERT_CONTAINS(page, "pathtrace_packets_total{dev=\"tun\\\"0\",dir=\"tx\",status=\"read\"} 2\n");
	ASSERT_NOT_CONTAINS(page, "status=\"unjoined\"");	/* --hist has no unjoined */
	ASSERT_CONTAINS(page, "pathtrace_drops_total{dev=\"tun\\\"0\",stage=\"unknown\",reason=\"unknown\"} 7\n");
	ASSERT_CONTAINS(page, "pathtrace_lost_total{dev=\"tun\\\"0\",cause=\"not_followed\"} 0\n");
	ASSERT_CONTAINS(page, "# TYPE pathtrace_filtered_total counter\n");
	ASSERT_CONTAINS(page, "pathtrace_info{version=\"0.1.0\",backend=\"tracepoint\",kernel=\"6.1.0-x\"} 1\n");
	/* Every line a comment or a sample: name, labels, one value. */
	for (char *l = page; *l; l = strchr(l, '\n') + 1) {
		ASSERT_TRUE(strchr(l, '\n') != NULL);
		ASSERT_TRUE(!strncmp(l, "# HELP pathtrace_", 17) || !strncmp(l, "# TYPE pathtrace_", 17) ||
			    !strncmp(l, "pathtrace_", 10));
	}
}

/* A copy takes only the series in use, and equals its original's page. */
UNIT_CASE(prom_copy_renders_same)
{
	struct pt_prom *p = prom_new(false, true), *q = unit_track(malloc(sizeof(*q)));
	size_t a, b;

	pt_prom_add_sample(pt_prom_series(p, true, 0, PT_V_RX_SYSCALL, PT_V_RX_NETIF), 2000);
	pt_prom_add_drops(p, "driver", "FULL_RING", 1);
	pt_prom_copy(q, p);
	ASSERT_STREQ(unit_track(pt_prom_render(q, &b)), unit_track(pt_prom_render(p, &a)));
	ASSERT_CONTAINS(unit_track(pt_prom_render(q, &b)),
			"dir=\"rx\",from=\"syscall\",to=\"netif\",le=\"0.000002048\"} 1\n");
}

UNIT_CASE(prom_series_table_full)
{
	struct pt_prom *p = prom_new(false, true);
	unsigned int made = 0;

	ASSERT_NULL(pt_prom_series(p, false, PT_HIST_PCLASSES, 0, 1));
	ASSERT_NULL(pt_prom_series(p, false, 0, PT_PROM_TOTAL + 1, 1));
	ASSERT_NULL(pt_prom_series(p, false, 0, 0, PT_NR_VSTAGES));
	for (unsigned int rx = 0; rx < 2; rx++)
		for (unsigned int pc = 0; pc < PT_HIST_PCLASSES; pc++)
			for (unsigned int f = 0; f <= PT_PROM_TOTAL; f++)
				for (unsigned int t = 0; t < PT_NR_VSTAGES; t++)
					made += pt_prom_series(p, rx, pc, f, t) != NULL;
	ASSERT_EQ_U64(made, PT_PROM_MAX_SERIES);
	ASSERT_EQ_U64(p->nr_series, PT_PROM_MAX_SERIES);
}

UNIT_CASE(prom_drops_full)
{
	struct pt_prom *p = prom_new(false, true);
	char r[16];

	for (int i = 0; i < PT_PROM_MAX_DROPS + 5; i++) {
		snprintf(r, sizeof(r), "R%d", i);
		pt_prom_add_drops(p, "driver", r, 1);
	}
	ASSERT_EQ_U64(p->nr_drops, PT_PROM_MAX_DROPS);
	ASSERT_STREQ(p->drops[PT_PROM_MAX_DROPS - 1].reason, "other");
	ASSERT_EQ_U64(p->drops[PT_PROM_MAX_DROPS - 1].n, 6);
	ASSERT_EQ_U64(p->drops[0].n, 1);
}

/* Journeys: transitions, the whole way of a read, status, a drop's stage and reason. */
UNIT_CASE(prom_journeys)
{
	struct pt_prom *p = prom_new(false, true);
	struct pt_journey j = { .status = PT_J_READ, .have_kernel = true, .have_read = true };
	struct pt_prom_series *s;

	j.ev.ts[PT_STAGE_SYSCALL] = 1000;
	j.ev.ts[PT_STAGE_QUEUE] = 3000;
	j.ev.ts[PT_STAGE_COPY] = 2500;	/* before the queue: a reordered sample */
	j.t_user = 11000;
	pt_prom_add_journey(p, &j, NULL);
	ASSERT_EQ_U64(p->packets[0][PT_J_READ], 1);
	s = pt_prom_series(p, false, 0, PT_STAGE_SYSCALL, PT_STAGE_QUEUE);
	ASSERT_EQ_U64(s->count, 1);
	ASSERT_EQ_U64(s->sum_ns, 2000);
	ASSERT_EQ_U64(p->lost[PT_PROM_LOST_SAMPLES], 1);
	s = pt_prom_series(p, false, 0, PT_PROM_TOTAL, PT_STAGE_USER);
	ASSERT_EQ_U64(s->sum_ns, 10000);

	memset(&j, 0, sizeof(j));
	j.status = PT_J_DROPPED;
	j.have_kernel = true;
	j.ev.ts[PT_STAGE_QUEUE] = 1;
	j.ev.ts[PT_STAGE_DRIVER] = 2;
	j.ev.drop_reason = 77;
	pt_prom_add_journey(p, &j, NULL);
	pt_prom_add_journey(p, &j, "FULL_RING");
	ASSERT_EQ_U64(p->packets[0][PT_J_DROPPED], 2);
	ASSERT_EQ_U64(p->nr_drops, 2);
	ASSERT_STREQ(p->drops[0].stage, "driver");
	ASSERT_STREQ(p->drops[0].reason, "77");
	ASSERT_STREQ(p->drops[1].reason, "FULL_RING");
	/* No whole way for a packet that did not arrive. */
	ASSERT_EQ_U64(pt_prom_series(p, false, 0, PT_PROM_TOTAL, PT_STAGE_DRIVER)->count, 0);
}

UNIT_CASE(prom_parse_addr)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	ASSERT_EQ_I64(pt_prom_parse_addr("127.0.0.1:9469", &ss, &len), 0);
	ASSERT_EQ_U64(a4->sin_family, AF_INET);
	ASSERT_EQ_U64(ntohs(a4->sin_port), 9469);
	ASSERT_EQ_U64(ntohl(a4->sin_addr.s_addr), 0x7f000001);
	ASSERT_EQ_U64(len, sizeof(*a4));
	ASSERT_EQ_I64(pt_prom_parse_addr("[::1]:65535", &ss, &len), 0);
	ASSERT_EQ_U64(a6->sin6_family, AF_INET6);
	ASSERT_EQ_U64(ntohs(a6->sin6_port), 65535);
	ASSERT_EQ_U64(a6->sin6_addr.s6_addr[15], 1);
	ASSERT_EQ_U64(len, sizeof(*a6));
	ASSERT_EQ_I64(pt_prom_parse_addr("[2001:db8::1]:80", &ss, &len), 0);
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", ":9469",
		"localhost:9469", "::1:9469", "[::1]9469", "[::1]:", "[127.0.0.1]:80",
		"1.2.3.4:+80", "1.2.3.4:80x", "[::1:80", "",
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_EQ_I64(pt_prom_parse_addr(bad[i], &ss, &len), -EINVAL);
}

/* pt_cli_parse() of "pathtrace" and the arguments, into o and err. */
#define CLI(...) unit_cli(&o, NULL, &err, __VA_ARGS__, NULL)

UNIT_CASE(prom_cli_metrics)
{
	struct pt_opts o;
	const char *err;

	/* Alone: --hist, quiet. */
	ASSERT_EQ_I64(CLI("--dev", "tun0", "--metrics", "127.0.0.1:9469"), PT_CLI_RUN);
	ASSERT_STREQ(o.metrics, "127.0.0.1:9469");
	ASSERT_TRUE(o.hist && o.hist_quiet && !o.journeys);
	/* With --hist: printed. With --hist-by proto: --hist implied too. */
	ASSERT_EQ_I64(CLI("--dev", "tun0", "--hist", "1", "--metrics", "[::1]:9469"), PT_CLI_RUN);
	ASSERT_TRUE(o.hist && !o.hist_quiet && o.interval == 1);
	ASSERT_EQ_I64(CLI("-i", "tun0", "--metrics", "127.0.0.1:1", "--hist-by", "proto"), PT_CLI_RUN);
	ASSERT_TRUE(o.hist && o.hist_by_proto);
	/* --journeys: journey mode, -w and --report allowed. */
	ASSERT_EQ_I64(CLI("-i", "tun0", "--metrics", "127.0.0.1:1", "--journeys", "-w", "x"), PT_CLI_RUN);
	ASSERT_TRUE(!o.hist && o.journeys);
	ASSERT_EQ_I64(CLI("-i", "tun0", "--metrics", "127.0.0.1:1", "-w", "x"), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "add --journeys");
	ASSERT_EQ_I64(CLI("-i", "tun0", "--journeys"), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "--journeys goes with --metrics");
	ASSERT_EQ_I64(CLI("-i", "tun0", "--metrics", "127.0.0.1:1", "--journeys", "--hist"), PT_CLI_USAGE);
	ASSERT_EQ_I64(CLI("-i", "tun0", "--metrics", "localhost:80"), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "invalid --metrics 'localhost:80'");
	ASSERT_EQ_I64(CLI("demo", "tun", "--metrics", "127.0.0.1:1"), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "does not go with demo");
}
