// SPDX-License-Identifier: GPL-2.0
/*
 * The printers' whole output over a fixed set of journeys and histograms,
 * byte for byte against tests/unit/golden/ (made from the printers as they
 * were before user/ was split by concern). A change of output must change
 * the golden files in the same commit: PT_GOLDEN_UPDATE=1 rewrites them.
 * Run from the top of the tree (tests/run.sh does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "hist.h"
#include "output.h"
#include "unit.h"

#define GOLDEN_DIR "tests/unit/golden/"

/* Every stage seen (fentry on a TAP device), the way in too. */
static const struct pt_stage_view all_view;

struct variant {
	struct pt_journey j;
	struct pt_print_ctx c;
};

/* The journeys every printer is held to: the way out's. Returns how many. */
static unsigned int variants_out(struct variant *v)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const struct pt_print_ctx base = { .dev = "nsfocus_tun0", .view = &fx_tun_view };
	unsigned int n = 0;
	struct variant *x;

	/* 1: read and joined */
	x = &v[n++];
	x->j = fx_journey_read();
	x->c = base;
	/* 2: the same with --explain, its lines, a backend and an l4 function */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.ev.ts[PT_STAGE_L4] = 1200;
	x->j.ev.ts[PT_STAGE_IP] = 1800;
	x->j.ev.ts[PT_STAGE_XMIT] = 2800;
	x->c = base;
	x->c.view = &all_view;
	x->c.backend = "fentry";
	x->c.l4_func = "ping_v4_sendmsg";
	x->c.explain = x->c.explain_lines = true;
	/* 3: --explain without the lines (the kind explained already) */
	x = &v[n++];
	*x = v[n - 2];
	x->c.explain_lines = false;
	/* 4: dropped, with the kernel's reason */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.status = PT_J_DROPPED;
	x->j.have_read = false;
	x->j.ev.ts[PT_STAGE_COPY] = 0;
	x->j.ev.ts[PT_STAGE_DRIVER] = 0;
	x->j.ev.end = PT_END_DROPPED;
	x->j.ev.drop_reason = 6;
	x->c = base;
	x->c.drop_reason = "NETFILTER_DROP";
	/* 5: dropped, a reason without a name */
	x = &v[n++];
	*x = v[n - 2];
	x->j.ev.drop_reason = 999;
	x->c.drop_reason = NULL;
	/* 6: unread */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.status = PT_J_UNREAD;
	x->j.have_read = false;
	x->j.ev.ts[PT_STAGE_COPY] = 0;
	x->c = base;
	/* 7: a read without its kernel record */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.status = PT_J_UNJOINED;
	x->j.have_kernel = false;
	x->c = base;
	/* 8: a kernel record without its read */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.status = PT_J_UNJOINED;
	x->j.have_read = false;
	x->c = base;
	/* 9: not from a send syscall; strings that need escaping */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.ev.flags = 0;
	x->j.ev.ts[PT_STAGE_SYSCALL] = 0;
	strcpy(x->j.ev.copy_comm, "r\"d\\\x01");
	x->c = base;
	x->c.dev = "t\"un";
	/* 10: UDP over IPv6, a full comm */
	x = &v[n++];
	x->j = fx_journey_read();
	memset(&x->j.flow, 0, sizeof(x->j.flow));
	x->j.flow.family = PT_FAM_IPV6;
	x->j.flow.proto = PT_IPPROTO_UDP;
	x->j.flow.l3_len = 60;
	x->j.flow.sport = 5353;
	x->j.flow.dport = 53;
	memcpy(x->j.flow.saddr, a6, 16);
	memcpy(x->j.flow.daddr, a6, 16);
	x->j.flow.daddr[15] = 2;
	x->j.ev.flow = x->j.flow;
	memcpy(x->j.ev.comm, "0123456789abcdef", 16);
	x->c = base;
	/* 11: ARP on a TAP device, --explain */
	x = &v[n++];
	x->j = fx_journey_read();
	memset(&x->j.flow, 0, sizeof(x->j.flow));
	x->j.flow.family = PT_FAM_ARP;
	x->j.flow.sport = 1;
	x->j.flow.saddr[0] = 192, x->j.flow.saddr[3] = 1;
	x->j.flow.daddr[0] = 192, x->j.flow.daddr[3] = 2;
	x->j.ev.flow = x->j.flow;
	x->j.ev.ts[PT_STAGE_NEIGH] = 2000;
	x->j.read_len = 42;
	x->c = base;
	x->c.dev = "nsfocus_tap0";
	x->c.view = &all_view;
	x->c.explain = x->c.explain_lines = true;
	/* 12: an echo request parked until its neighbour answered (TAP) */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.ev.flags |= PT_EV_PARKED;
	x->j.ev.ts[PT_STAGE_NEIGH] = 1700;
	x->c = base;
	x->c.dev = "nsfocus_tap0";
	return n;
}

/* The way in's, after @n of the way out's. Returns how many in all. */
static unsigned int variants_in(struct variant *v, unsigned int n)
{
	const struct pt_print_ctx base = { .dev = "nsfocus_tun0", .view = &fx_tun_view };
	struct variant *x;

	/* 12: the way in, an answer with its round trip */
	x = &v[n++];
	x->j = fx_journey_read();
	x->j.rx = true;
	x->j.have_read = false;
	memset(x->j.ev.ts, 0, sizeof(x->j.ev.ts));
	x->j.ev.flags = PT_EV_RX | PT_EV_IN_SYSCALL;
	x->j.ev.ts[PT_RX_SYSCALL] = 10000;
	x->j.ev.ts[PT_RX_TUN] = 10300;
	x->j.ev.ts[PT_RX_NETIF] = 10900;
	x->j.ev.ts[PT_RX_IP] = 11000;
	x->j.ev.ts[PT_RX_L4] = 11400;
	x->j.ev.ts[PT_RX_SOCKQ] = 11800;
	x->j.ev.ts[PT_RX_COPY] = 14000;
	x->j.have_rt = true;
	x->j.rt = (struct pt_round_trip){ .req_seq = 1, .out_ns = 8000, .turn_ns = 700,
					  .in_ns = 4000, .len = 84 };
	x->c = base;
	x->c.view = &all_view;
	x->c.explain = x->c.explain_lines = true;
	/* 13: the way in, dropped */
	x = &v[n++];
	*x = v[n - 2];
	x->j.have_rt = false;
	x->j.status = PT_J_DROPPED;
	x->j.ev.ts[PT_RX_COPY] = 0;
	x->j.ev.end = PT_END_DROPPED;
	x->c.explain = x->c.explain_lines = false;
	x->c.drop_reason = "SOCKET_RCVBUFF";
	return n;
}

static unsigned int variants(struct variant *v)
{
	unsigned int n = variants_in(v, variants_out(v));

	for (unsigned int i = 0; i < n; i++)
		v[i].c.seq = i + 1;
	return n;
}

/* What @render prints over every variant. */
static char *render(void (*fn)(FILE *, const struct variant *))
{
	struct variant v[16];
	unsigned int n = variants(v);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	for (unsigned int i = 0; i < n; i++)
		fn(f, &v[i]);
	fclose(f);
	return unit_track(buf);
}

static void json_of(FILE *f, const struct variant *v)
{
	pt_print_journey_json(f, &v->j, &v->c);
}

static void text_of(FILE *f, const struct variant *v)
{
	pt_print_journey_text(f, &v->j, &v->c);
}

static void comment_of(FILE *f, const struct variant *v)
{
	char buf[512];

	pt_journey_comment(&v->j, &v->c, buf, sizeof(buf));
	fprintf(f, "%s\n", buf);
}

/* The histogram printers over rows of every kind, by protocol or not. */
static char *hists(bool json, bool by_proto)
{
	static const __u64 vals[] = { 0, 3, 700, 1000, 1100, 3000, 65000, 2000000 };
	struct pt_hist_interval iv = { .t_ns = 1700000000000000000ull, .len_ns = 1000000000,
				       .reads = 100, .dropped = 2, .unread = 1, .lost = 3 };
	struct pt_hist_key keys[] = {
		{ .ifindex = 2, .proto = 17, .from = PT_STAGE_QUEUE, .to = PT_STAGE_DRIVER },
		{ .ifindex = 2, .proto = 17, .from = PT_HIST_TOTAL, .to = PT_STAGE_USER },
		{ .ifindex = 2, .proto = 1, .from = PT_STAGE_SYSCALL, .to = PT_STAGE_QUEUE },
		{ .ifindex = 2, .proto = 0, .from = PT_STAGE_COPY, .to = PT_STAGE_USER },
	};
	struct pt_hist h[4];
	struct pt_hist_view rows[4];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(h, 0, sizeof(h));
	for (unsigned int r = 0; r < 4; r++) {
		for (unsigned int i = r; i < sizeof(vals) / sizeof(vals[0]); i++)
			pt_hist_put(&h[r], vals[i] * (r + 1));
		rows[r] = (struct pt_hist_view){ "nsfocus_tun0", &keys[r], &h[r] };
	}
	qsort(rows, 4, sizeof(rows[0]), pt_hist_row_cmp);
	f = open_memstream(&buf, &len);
	ASSERT_TRUE(f != NULL);
	if (json)
		pt_hist_print_json(f, &iv, rows, 4, by_proto);
	else
		pt_hist_print_text(f, &iv, rows, 4, by_proto);
	fclose(f);
	return unit_track(buf);
}

/* @got against golden file @name (or written there, with PT_GOLDEN_UPDATE=1). */
static void golden(const char *name, const char *got)
{
	char path[256], *want = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), GOLDEN_DIR "%s", name);
	if (getenv("PT_GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		ASSERT_TRUE(f != NULL);
		fputs(got, f);
		ASSERT_TRUE(fclose(f) == 0);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		FAIL_CASE("cannot read %s (run from the top of the tree)", path);
	want = unit_track(calloc(1, 1 << 20));
	len = fread(want, 1, (1 << 20) - 1, f);
	fclose(f);
	ASSERT_EQ_U64(strlen(got), len);
	ASSERT_STREQ(got, want);
}

UNIT_CASE(golden_journeys_json)
{
	golden("journeys.json", render(json_of));
}

UNIT_CASE(golden_journeys_text)
{
	golden("journeys.txt", render(text_of));
}

UNIT_CASE(golden_journey_comments)
{
	golden("comments.txt", render(comment_of));
}

UNIT_CASE(golden_hist)
{
	golden("hist.txt", hists(false, false));
	golden("hist-by-proto.txt", hists(false, true));
	golden("hist.json", hists(true, false));
	golden("hist-by-proto.json", hists(true, true));
}
