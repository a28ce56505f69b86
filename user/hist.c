// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "hist.h"
#include "output.h"
#include "packet.h"
#include "stages.h"
#include "util.h"

uint64_t pt_hist_percentile(const struct pt_hist *h, double p)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	want = (uint64_t)(p * (double)h->count + 0.999999);
	if (want < 1)
		want = 1;
	for (unsigned int i = 0; i < PT_HIST_USED_SLOTS; i++) {
		seen += h->slot[i];
		if (seen >= want) {
			uint64_t top = i + 1 < PT_HIST_USED_SLOTS ? pt_hist_slot_lo(i + 1) - 1 : UINT64_MAX;

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}

void pt_hist_log2(const struct pt_hist *h, uint64_t out[64])
{
	memset(out, 0, 64 * sizeof(out[0]));
	for (unsigned int i = 0; i < PT_HIST_USED_SLOTS; i++) {
		uint64_t lo = pt_hist_slot_lo(i);

		out[lo < 2 ? 0 : pt_log2(lo)] += h->slot[i];
	}
}

/* A protocol class's name: 0 is every packet the others are not (ARP too). */
static const char *proto_name(uint8_t proto)
{
	struct pt_flow f = { .family = PT_FAM_IPV4, .proto = proto };

	return proto ? pt_flow_proto(&f) : "other";
}

/* "queue -> driver", or "total (first stage -> user)". */
static void transition(const struct pt_hist_key *k, char *buf, size_t len)
{
	if (k->from == PT_HIST_TOTAL)
		snprintf(buf, len, "total (first stage -> %s)", pt_stage_name(k->to));
	else
		snprintf(buf, len, "%s -> %s", pt_stage_name(k->from), pt_stage_name(k->to));
}

int pt_hist_row_cmp(const void *a, const void *b)
{
	const struct pt_hist_key *x = ((const struct pt_hist_view *)a)->key;
	const struct pt_hist_key *y = ((const struct pt_hist_view *)b)->key;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->from != y->from)	/* PT_HIST_TOTAL (0xff) sorts last */
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

void pt_hist_log2_range(const uint64_t b[64], int *first, int *last, uint64_t *top)
{
	*first = *last = -1;
	*top = 0;
	for (int k = 0; k < 64; k++) {
		if (!b[k])
			continue;
		if (*first < 0)
			*first = k;
		*last = k;
		if (b[k] > *top)
			*top = b[k];
	}
}

static void print_log2(FILE *out, const uint64_t b[64])
{
	int first, last;
	uint64_t top;

	pt_hist_log2_range(b, &first, &last, &top);
	fprintf(out, "%24s : count     distribution\n", "nsecs");
	for (int k = first; k >= 0 && k <= last; k++) {
		uint64_t lo = k ? (uint64_t)1 << k : 0, hi = ((uint64_t)2 << k) - 1;
		int stars = top ? (int)((b[k] * 40 + top - 1) / top) : 0;
		char bar[41];

		memset(bar, '*', stars);
		memset(bar + stars, ' ', 40 - stars);
		bar[40] = '\0';
		fprintf(out, "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64 " |%s|\n",
			lo, hi, b[k], bar);
	}
}

void pt_hist_print_text(FILE *out, const struct pt_hist_interval *iv,
			const struct pt_hist_view *rows, unsigned int n, bool by_proto)
{
	char when[32], name[40], d[5][24];
	time_t secs = (time_t)(iv->t_ns / 1000000000ull);
	struct tm tm;
	uint64_t b[64];

	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(out, "%s  %" PRIu64 " packets read, %" PRIu64 " dropped, %" PRIu64
		" unread, %" PRIu64 " lost\n", when, iv->reads, iv->dropped, iv->unread, iv->lost);
	for (unsigned int r = 0; r < n; r++) {
		const struct pt_hist *h = rows[r].h;

		transition(rows[r].key, name, sizeof(name));
		fprintf(out, "\n%s%s%s %s: count %" PRIu64 ", p50 %s, p90 %s, p99 %s, max %s, avg %s\n",
			rows[r].dev, by_proto ? " " : "",
			by_proto ? proto_name(rows[r].key->proto) : "", name,
			(uint64_t)h->count,
			pt_fmt_dur(d[0], sizeof(d[0]), pt_hist_percentile(h, 0.50)),
			pt_fmt_dur(d[1], sizeof(d[1]), pt_hist_percentile(h, 0.90)),
			pt_fmt_dur(d[2], sizeof(d[2]), pt_hist_percentile(h, 0.99)),
			pt_fmt_dur(d[3], sizeof(d[3]), h->max),
			pt_fmt_dur(d[4], sizeof(d[4]), h->count ? h->sum / h->count : 0));
		pt_hist_log2(h, b);
		print_log2(out, b);
	}
	fputc('\n', out);
}

void pt_hist_print_json(FILE *out, const struct pt_hist_interval *iv,
			const struct pt_hist_view *rows, unsigned int n, bool by_proto)
{
	uint64_t b[64];

	fprintf(out, "{\"time_ns\":%" PRIu64 ",\"interval_ns\":%" PRIu64 ",\"reads\":%" PRIu64
		",\"dropped\":%" PRIu64 ",\"unread\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"hists\":[",
		iv->t_ns, iv->len_ns, iv->reads, iv->dropped, iv->unread, iv->lost);
	for (unsigned int r = 0; r < n; r++) {
		const struct pt_hist_key *k = rows[r].key;
		const struct pt_hist *h = rows[r].h;
		bool first = true;

		fprintf(out, "%s{\"dev\":", r ? "," : "");
		pt_json_str(out, rows[r].dev, SIZE_MAX);
		if (by_proto)
			fprintf(out, ",\"proto\":\"%s\"", proto_name(k->proto));
		if (k->from == PT_HIST_TOTAL)
			fprintf(out, ",\"transition\":\"total\",\"from\":null");
		else
			fprintf(out, ",\"transition\":\"%s->%s\",\"from\":\"%s\"",
				pt_stage_name(k->from), pt_stage_name(k->to), pt_stage_name(k->from));
		fprintf(out, ",\"to\":\"%s\",\"count\":%" PRIu64 ",\"sum_ns\":%" PRIu64
			",\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
			",\"max_ns\":%" PRIu64 ",\"log2\":[",
			pt_stage_name(k->to), (uint64_t)h->count, (uint64_t)h->sum,
			pt_hist_percentile(h, 0.50), pt_hist_percentile(h, 0.90),
			pt_hist_percentile(h, 0.99), (uint64_t)h->max);
		pt_hist_log2(h, b);
		for (int i = 0; i < 64; i++) {
			if (!b[i])
				continue;
			fprintf(out, "%s{\"lo\":%" PRIu64 ",\"hi\":%" PRIu64 ",\"count\":%" PRIu64 "}",
				first ? "" : ",", i ? (uint64_t)1 << i : 0,
				((uint64_t)2 << i) - 1, b[i]);
			first = false;
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}
