// SPDX-License-Identifier: GPL-2.0
/* --metrics' content and its text exposition. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"
#include "packet.h"
#include "prom.h"
#include "util.h"

_Static_assert(PT_PROM_TOTAL <= UINT8_MAX, "a from-stage fits pt_prom_series.from");
_Static_assert(PT_PROM_MAX_SERIES < UINT16_MAX, "a series number fits the index");

void pt_prom_init(struct pt_prom *p, const char *dev, bool by_proto, bool journeys, bool rx)
{
	memset(p, 0, offsetof(struct pt_prom, series));
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	p->by_proto = by_proto;
	p->journeys = journeys;
	p->rx = rx;
}

void pt_prom_copy(struct pt_prom *dst, const struct pt_prom *src)
{
	memcpy(dst, src, offsetof(struct pt_prom, series));
	memcpy(dst->series, src->series, src->nr_series * sizeof(src->series[0]));
}

struct pt_prom_series *pt_prom_series(struct pt_prom *p, bool rx, unsigned int pclass,
				      unsigned int from, unsigned int to)
{
	uint16_t *idx;
	struct pt_prom_series *s;

	if (pclass >= PT_HIST_PCLASSES || from > PT_PROM_TOTAL || to >= PT_NR_VSTAGES)
		return NULL;
	idx = &p->index[rx][pclass][from][to];
	if (*idx)
		return &p->series[*idx - 1];
	if (p->nr_series == PT_PROM_MAX_SERIES)
		return NULL;
	s = &p->series[p->nr_series++];
	memset(s, 0, sizeof(*s));
	s->rx = rx;
	s->pclass = (uint8_t)pclass;
	s->from = (uint8_t)from;
	s->to = (uint8_t)to;
	*idx = (uint16_t)p->nr_series;
	return s;
}

unsigned int pt_prom_bucket(uint64_t ns)
{
	unsigned int b;

	/* A sample lies below 2^(log2(ns) + 1). */
	if (ns < (1ull << PT_PROM_LO_BIT))
		return 0;
	b = pt_log2(ns) + 1 - PT_PROM_LO_BIT;
	return b > PT_PROM_BOUNDS ? PT_PROM_BOUNDS : b;
}

void pt_prom_add_sample(struct pt_prom_series *s, uint64_t ns)
{
	s->bucket[pt_prom_bucket(ns)]++;
	s->count++;
	s->sum_ns += ns;
}

void pt_prom_add_hist(struct pt_prom_series *s, const struct pt_hist *h)
{
	for (unsigned int i = 0; i < PT_HIST_USED_SLOTS; i++) {
		if (!h->slot[i])
			continue;
		/* The slot's largest value decides: the whole slot is below its bound. */
		s->bucket[i + 1 < PT_HIST_USED_SLOTS ?
			  pt_prom_bucket(pt_hist_slot_lo(i + 1) - 1) : PT_PROM_BOUNDS] += h->slot[i];
	}
	s->count += h->count;
	s->sum_ns += h->sum;
}

void pt_prom_add_drops(struct pt_prom *p, const char *stage, const char *reason, uint64_t n)
{
	struct pt_prom_drop *d;
	unsigned int i;

	for (i = 0; i < p->nr_drops; i++)
		if (!strcmp(p->drops[i].stage, stage) && !strcmp(p->drops[i].reason, reason))
			break;
	if (i == p->nr_drops) {
		if (i == PT_PROM_MAX_DROPS) {
			/* Full: the last pair takes the rest, renamed. */
			i = PT_PROM_MAX_DROPS - 1;
			snprintf(p->drops[i].stage, sizeof(p->drops[i].stage), "other");
			snprintf(p->drops[i].reason, sizeof(p->drops[i].reason), "other");
		} else {
			p->nr_drops++;
			snprintf(p->drops[i].stage, sizeof(p->drops[i].stage), "%s", stage);
			snprintf(p->drops[i].reason, sizeof(p->drops[i].reason), "%s", reason);
		}
	}
	d = &p->drops[i];
	d->n += n;
}

void pt_prom_add_journey(struct pt_prom *p, const struct pt_journey *j, const char *reason)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st);
	struct pt_prom_series *s;
	char num[16];

	if ((unsigned int)j->status <= PT_J_UNFINISHED)
		p->packets[j->rx][j->status]++;
	for (unsigned int k = 1; k < n; k++) {
		if (st[k].delta_ns < 0) {
			p->lost[PT_PROM_LOST_SAMPLES]++;
			continue;
		}
		s = pt_prom_series(p, j->rx, 0, st[k - 1].stage, st[k].stage);
		if (s)
			pt_prom_add_sample(s, (uint64_t)st[k].delta_ns);
	}
	/* The whole way: of a packet that arrived (the reader's, or the application's). */
	if (j->status == PT_J_READ && n > 1 && st[n - 1].t_ns >= st[0].t_ns) {
		s = pt_prom_series(p, j->rx, 0, PT_PROM_TOTAL, st[n - 1].stage);
		if (s)
			pt_prom_add_sample(s, st[n - 1].t_ns - st[0].t_ns);
	}
	if (j->status == PT_J_DROPPED && !j->rx && n) {
		if (!reason) {
			snprintf(num, sizeof(num), "%u", j->ev.drop_reason);
			reason = num;
		}
		pt_prom_add_drops(p, pt_stage_name(st[n - 1].stage), reason, 1);
	}
}

void pt_prom_le(unsigned int k, char *buf, size_t len)
{
	uint64_t ns = 1ull << (k + PT_PROM_LO_BIT);
	char frac[16];
	int end;

	snprintf(frac, sizeof(frac), "%09" PRIu64, ns % 1000000000);
	for (end = 9; end > 1 && frac[end - 1] == '0'; end--)
		;
	frac[end] = '\0';
	snprintf(buf, len, "%" PRIu64 ".%s", ns / 1000000000, frac);
}

void pt_prom_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	for (; *s; s++) {
		const char *rep = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;
		size_t n = rep ? 2 : 1;

		if (o + n >= len)
			break;
		if (rep)
			memcpy(buf + o, rep, 2);
		else
			buf[o] = *s;
		o += n;
	}
	buf[o] = '\0';
}

/* The page under construction: grows; a failed growth makes it fail as a whole. */
struct page {
	char *p;
	size_t n, cap;
	bool oom;
};

static void put(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct page *pg, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (pg->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(pg->p + pg->n, pg->cap - pg->n, fmt, ap);
		va_end(ap);
		if (n < 0) {
			pg->oom = true;
			return;
		}
		if ((size_t)n < pg->cap - pg->n) {
			pg->n += (size_t)n;
			return;
		}
		size_t cap = 2 * pg->cap + (size_t)n;
		char *p = realloc(pg->p, cap);

		if (!p) {
			pg->oom = true;
			return;
		}
		pg->p = p;
		pg->cap = cap;
	}
}

static void family(struct page *pg, const char *name, const char *type, const char *help)
{
	put(pg, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *pclass_name(unsigned int pclass)
{
	struct pt_flow f = { .family = PT_FAM_IPV4, .proto = pt_hist_pclass_proto(pclass) };

	return pclass ? pt_flow_proto(&f) : "other";
}

/* A series' labels, without the braces: dev, dir, from, to[, proto]. */
static void series_labels(const struct pt_prom *p, const char *dev,
			  const struct pt_prom_series *s, char *buf, size_t len)
{
	snprintf(buf, len, "dev=\"%s\",dir=\"%s\"", dev, s->rx ? "rx" : "tx");
	if (s->from != PT_PROM_TOTAL)
		pt_appendf(buf, len, ",from=\"%s\",to=\"%s\"", pt_stage_name(s->from),
			   pt_stage_name(s->to));
	if (p->by_proto)
		pt_appendf(buf, len, ",proto=\"%s\"", pclass_name(s->pclass));
}

static void histogram(struct page *pg, const struct pt_prom *p, const char *dev,
		      const char *name, bool total)
{
	char labels[256], le[32];

	for (unsigned int i = 0; i < p->nr_series; i++) {
		const struct pt_prom_series *s = &p->series[i];
		uint64_t cum = 0;

		if ((s->from == PT_PROM_TOTAL) != total)
			continue;
		series_labels(p, dev, s, labels, sizeof(labels));
		for (unsigned int k = 0; k < PT_PROM_BOUNDS; k++) {
			cum += s->bucket[k];
			pt_prom_le(k, le, sizeof(le));
			put(pg, "%s_bucket{%s,le=\"%s\"} %" PRIu64 "\n", name, labels, le, cum);
		}
		put(pg, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels, s->count);
		put(pg, "%s_sum{%s} %" PRIu64 ".%09" PRIu64 "\n", name, labels,
		    s->sum_ns / 1000000000, s->sum_ns % 1000000000);
		put(pg, "%s_count{%s} %" PRIu64 "\n", name, labels, s->count);
	}
}

static const char *const lost_names[PT_PROM_NR_LOST] = {
	[PT_PROM_LOST_RB_FULL] = "ring_buffer_full",
	[PT_PROM_LOST_NOT_FOLLOWED] = "not_followed",
	[PT_PROM_LOST_STALE] = "stale",
	[PT_PROM_LOST_NO_TASK_STORE] = "no_task_storage",
	[PT_PROM_LOST_SAMPLES] = "samples",
};

static void counters(struct page *pg, const struct pt_prom *p, const char *dev)
{
	char st[64], re[128];

	family(pg, "pathtrace_packets_total", "counter",
	       "Packets by how their journey ended: read (on the way in: received), dropped, unread, unjoined, unfinished.");
	for (int rx = 0; rx <= (p->rx ? 1 : 0); rx++)
		for (int s = 0; s <= PT_J_UNFINISHED; s++) {
			if ((s == PT_J_UNJOINED && (rx || !p->journeys)) ||
			    (s == PT_J_UNFINISHED && !rx))
				continue;
			put(pg, "pathtrace_packets_total{dev=\"%s\",dir=\"%s\",status=\"%s\"} %" PRIu64 "\n",
			    dev, rx ? "rx" : "tx", pt_jstatus_label(s, rx), p->packets[rx][s]);
		}
	family(pg, "pathtrace_drops_total", "counter",
	       "Packets the kernel dropped on the way out, by the last stage seen and the kernel's reason.");
	for (unsigned int i = 0; i < p->nr_drops; i++) {
		pt_prom_escape(p->drops[i].stage, st, sizeof(st));
		pt_prom_escape(p->drops[i].reason, re, sizeof(re));
		put(pg, "pathtrace_drops_total{dev=\"%s\",stage=\"%s\",reason=\"%s\"} %" PRIu64 "\n",
		    dev, st, re, p->drops[i].n);
	}
	family(pg, "pathtrace_lost_total", "counter",
	       "What pathtrace could not account in full, by cause.");
	for (int c = 0; c < PT_PROM_NR_LOST; c++)
		put(pg, "pathtrace_lost_total{dev=\"%s\",cause=\"%s\"} %" PRIu64 "\n", dev,
		    lost_names[c], p->lost[c]);
	family(pg, "pathtrace_filtered_total", "counter",
	       "Packets the filter expression, --pid or --comm left out.");
	put(pg, "pathtrace_filtered_total{dev=\"%s\"} %" PRIu64 "\n", dev, p->filtered);
}

char *pt_prom_render(const struct pt_prom *p, size_t *len)
{
	struct page pg = { 0 };
	char dev[64], v[64], b[32], k[144];

	pt_prom_escape(p->dev, dev, sizeof(dev));
	family(&pg, "pathtrace_stage_latency_seconds", "histogram",
	       "Time between consecutive stages a packet was seen at.");
	histogram(&pg, p, dev, "pathtrace_stage_latency_seconds", false);
	family(&pg, "pathtrace_journey_latency_seconds", "histogram",
	       "Time from a packet's first stage to its last (the reader, or the application on the way in).");
	histogram(&pg, p, dev, "pathtrace_journey_latency_seconds", true);
	counters(&pg, p, dev);
	pt_prom_escape(p->version, v, sizeof(v));
	pt_prom_escape(p->backend, b, sizeof(b));
	pt_prom_escape(p->kernel, k, sizeof(k));
	family(&pg, "pathtrace_info", "gauge", "pathtrace's version, attach backend and kernel release.");
	put(&pg, "pathtrace_info{version=\"%s\",backend=\"%s\",kernel=\"%s\"} 1\n", v, b, k);
	if (pg.oom) {
		free(pg.p);
		return NULL;
	}
	*len = pg.n;
	return pg.p;
}

int pt_prom_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hl;
	uint64_t port;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (!hl || hl >= sizeof(host) || pt_parse_u64(colon + 1, 65535, &port) || !port)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (*s == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -EINVAL;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
	}
	return 0;
}
