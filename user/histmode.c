// SPDX-License-Identifier: GPL-2.0
#include <bpf/libbpf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "histmode.h"	/* first: the skeleton uses its types */
#include "pathtrace.skel.h"
#include "util.h"

void pt_histmode_init(struct pt_histmode *m, const struct pt_run *run)
{
	/*
	 * The rows are read only as far as they were written (nr_rows, the
	 * count taken, nr_urows): left as they are, their 3.1 MB of pages
	 * untouched (not in our RSS), in journey mode all of them.
	 */
	memset(m, 0, offsetof(struct pt_histmode, rows));
	m->run = *run;
}

int pt_histmode_take(struct pt_tracer *tr, unsigned int ifindex, struct pt_hist_row *rows,
		     unsigned int max)
{
	static const struct pt_hist zero;
	struct bpf_map *map = tr->skel->maps.hists;
	unsigned int gen = tr->skel->bss->hist_gen & 1, n = 0;

	/*
	 * The kernel fills the other generation from now on; what is on its
	 * way into this one lands within microseconds.
	 */
	tr->skel->bss->hist_gen = !gen;
	usleep(1000);
	for (unsigned int pc = 0; pc < PT_HIST_PCLASSES; pc++) {
		for (unsigned int from = 0; from < PT_NR_KSTAGES; from++) {
			for (unsigned int to = from + 1; to < PT_NR_KSTAGES; to++) {
				__u32 idx = pt_hist_index(gen, pc, from, to);
				struct pt_hist_row *r = &rows[n];

				if (n == max || bpf_map__lookup_elem(map, &idx, sizeof(idx), &r->h,
								     sizeof(r->h), 0) ||
				    !r->h.count)
					continue;
				/* Emptied for its next turn. */
				bpf_map__update_elem(map, &idx, sizeof(idx), &zero, sizeof(zero), 0);
				r->key = pt_hist_key_make(ifindex, pc, from, to);
				n++;
			}
		}
	}
	return (int)n;
}

void pt_histmode_start(struct pt_histmode *m)
{
	m->last = pt_now_ns();
	m->next = m->last + m->run.o->interval * 1000000000ull;
}

/* Our reads' histogram of class @pc from stage @from (PT_HIST_TOTAL: the whole way) to @to. */
static struct pt_hist *user_hist(struct pt_histmode *m, unsigned int pc, __u8 from, __u8 to)
{
	uint8_t *i = &m->uidx[pc][from == PT_HIST_TOTAL ? PT_STAGE_USER : from][to];
	struct pt_hist_row *r;

	if (!*i) {	/* its first sample: a row of its own from now on */
		r = &m->urows[m->nr_urows];
		memset(r, 0, sizeof(*r));
		r->key = pt_hist_key_make(m->run.tun->ifindex, pc, from, to);
		*i = (uint8_t)++m->nr_urows;
	}
	return &m->urows[*i - 1].h;
}

bool pt_histmode_read(struct pt_histmode *m, uint64_t t)
{
	/* The stamps of the packet our last read() copied (shared memory). */
	const volatile struct pt_reader_stamp *vst = &m->run.tr->skel->bss->reader_stamp;
	struct pt_reader_stamp st;

	if (vst->seq == m->stamp_seq) {
		/* With a filter, only a followed packet's read counts: one stamped. */
		if (pt_filter_on(m->run.filter))
			return false;
	} else {
		/* Written in our read(), which has returned: a plain copy, used alone */
		memcpy(&st, (const void *)vst, sizeof(st));
		/*
		 * A stamp overwritten before we looked (two of our copied
		 * packets freed in one read(), or a read we did not take):
		 * that packet's samples are lost, counted as one.
		 */
		m->lost += st.seq - m->stamp_seq - 1;
		m->stamp_seq = st.seq;
		if (st.pclass < PT_HIST_PCLASSES) {	/* the kernel's are */
#define USER_ADD(from, to, d) pt_hist_put(user_hist(m, st.pclass, from, to), d)
#define USER_LOST() m->lost++
			pt_hrec_for_each_step(st.off, st.first, st.copy, USER_ADD, USER_LOST);
#undef USER_ADD
#undef USER_LOST
			pt_hist_put(user_hist(m, st.pclass, PT_STAGE_COPY, PT_STAGE_USER), t - st.copy);
			pt_hist_put(user_hist(m, st.pclass, PT_HIST_TOTAL, PT_STAGE_USER), t - st.first);
		}
	}
	m->reads++;
	m->iv_reads++;
	return true;
}

/* Our reads' rows after the @n kernel rows of @rows; emptied. */
static int add_user_rows(struct pt_histmode *m, struct pt_hist_row *rows, int n)
{
	for (unsigned int i = 0; i < m->nr_urows; i++) {
		struct pt_hist_row *r = &m->urows[i];

		if (!r->h.count)
			continue;
		rows[n++] = *r;
		memset(&r->h, 0, sizeof(r->h));
	}
	return n;
}

/* The kernel's counters, with the samples our reads lost among the kernel's. */
static void counters(const struct pt_histmode *m, uint64_t *c)
{
	pt_tracer_counters(m->run.tr, c);
	c[PT_CNT_REORDERED] += m->lost;
}

static void hist_merge(struct pt_hist *to, const struct pt_hist *h)
{
	for (unsigned int i = 0; i < PT_HIST_SLOTS; i++)
		to->slot[i] += h->slot[i];
	to->count += h->count;
	to->sum += h->sum;
	if (h->max > to->max)
		to->max = h->max;
}

/* --metrics: a row taken, into the run's cumulative histograms. */
static void export_row(struct pt_histmode *m, const struct pt_hist_row *r)
{
	struct pt_prom_series *s;

	s = pt_prom_series(&m->run.metrics->work, false, pt_hist_pclass(r->key.proto),
			   r->key.from == PT_HIST_TOTAL ? PT_PROM_TOTAL : r->key.from, r->key.to);
	if (s)
		pt_prom_add_hist(s, &r->h);
}

/*
 * What the kernel and the reader aggregated since the last call: added to
 * the interval's rows (printed and emptied by print()) and, with
 * --metrics, to the run's cumulative histograms.
 */
static void collect(struct pt_histmode *m)
{
	int n = pt_histmode_take(m->run.tr, m->run.tun->ifindex, m->fresh, PT_HIST_PER_GEN);

	if (n < 0)
		return;
	n = add_user_rows(m, m->fresh, n);
	for (int i = 0; i < n; i++) {
		const struct pt_hist_row *r = &m->fresh[i];
		unsigned int k;

		if (m->run.o->metrics)
			export_row(m, r);
		for (k = 0; k < m->nr_rows; k++)
			if (!memcmp(&m->rows[k].key, &r->key, sizeof(r->key)))
				break;
		if (k == m->nr_rows)
			m->rows[m->nr_rows++] = *r;
		else
			hist_merge(&m->rows[k].h, &r->h);
	}
}

/*
 * --metrics: the drops since the last export, by stage and reason (read
 * only when the drop counter moved: the kernel adds to them before it).
 */
static void export_drops(struct pt_histmode *m, struct pt_prom *w)
{
	static uint64_t now[PT_HDROP_ENTRIES];
	char num[16];

	if (pt_tracer_hdrops(m->run.tr, now))
		return;
	for (unsigned int i = 0; i < PT_HDROP_ENTRIES; i++) {
		unsigned int reason = i % PT_HDROP_REASONS;
		const char *name = reason == PT_HDROP_OTHER ? "other" :
				   pt_tracer_drop_reason(m->run.tr, reason);

		if (now[i] <= m->hdrops[i])
			continue;
		if (!name) {
			snprintf(num, sizeof(num), "%u", reason);
			name = num;
		}
		pt_prom_add_drops(w, pt_stage_name(i / PT_HDROP_REASONS), name, now[i] - m->hdrops[i]);
		m->hdrops[i] = now[i];
	}
}

/* --metrics: the histograms and the counts so far, published. */
static void export(struct pt_histmode *m)
{
	struct pt_prom *w = &m->run.metrics->work;
	uint64_t c[PT_NR_COUNTERS];

	collect(m);
	counters(m, c);
	w->packets[0][PT_J_READ] = m->reads;
	w->packets[0][PT_J_DROPPED] = c[PT_CNT_DROPPED];
	w->packets[0][PT_J_UNREAD] = c[PT_CNT_UNREAD];
	w->lost[PT_PROM_LOST_RB_FULL] = c[PT_CNT_RB_FULL];
	w->lost[PT_PROM_LOST_NOT_FOLLOWED] = c[PT_CNT_MAP_FULL];
	w->lost[PT_PROM_LOST_STALE] = c[PT_CNT_STALE];
	w->lost[PT_PROM_LOST_NO_TASK_STORE] = c[PT_CNT_NO_TASK_STORE];
	w->lost[PT_PROM_LOST_SAMPLES] = c[PT_CNT_REORDERED];
	w->filtered = c[PT_CNT_FILTERED];
	if (c[PT_CNT_DROPPED] != m->exported_drops)
		export_drops(m, w);
	m->exported_drops = c[PT_CNT_DROPPED];
	pt_metrics_publish(m->run.metrics);
}

/* What the reader and the kernel aggregated since the last print, and the interval's counts. */
static void print(struct pt_histmode *m)
{
	struct pt_hist_view views[sizeof(m->rows) / sizeof(m->rows[0])];
	struct pt_hist_interval iv = { .reads = m->iv_reads };
	uint64_t c[PT_NR_COUNTERS], now = pt_now_ns();
	unsigned int n;

	collect(m);
	n = m->nr_rows;
	m->nr_rows = 0;
	counters(m, c);
	iv.dropped = c[PT_CNT_DROPPED] - m->cnt[PT_CNT_DROPPED];
	iv.unread = c[PT_CNT_UNREAD] - m->cnt[PT_CNT_UNREAD];
	iv.lost = c[PT_CNT_REORDERED] - m->cnt[PT_CNT_REORDERED];
	memcpy(m->cnt, c, sizeof(c));
	iv.t_ns = pt_realtime_ns();
	iv.len_ns = now - m->last;
	m->last = now;
	m->iv_reads = 0;
	/* --metrics alone: the interval is only the metrics' (nothing printed). */
	if (m->run.o->hist_quiet)
		return;
	for (unsigned int i = 0; i < n; i++) {
		views[i].dev = m->run.tun->name;
		views[i].key = &m->rows[i].key;
		views[i].h = &m->rows[i].h;
	}
	qsort(views, n, sizeof(views[0]), pt_hist_row_cmp);
	if (m->run.o->json)
		pt_hist_print_json(m->run.out->f, &iv, views, n, m->run.o->hist_by_proto);
	else
		pt_hist_print_text(m->run.out->f, &iv, views, n, m->run.o->hist_by_proto);
	if (pt_sink_flush(m->run.out))
		*m->run.stop = true;
	m->prints++;
}

void pt_histmode_tick(struct pt_histmode *m)
{
	if (m->run.o->metrics && pt_metrics_due(m->run.metrics, pt_now_ns()))
		export(m);
	if (!m->run.o->interval || pt_now_ns() < m->next)
		return;
	print(m);
	m->next += m->run.o->interval * 1000000000ull;
	if (m->run.o->intervals && m->prints >= m->run.o->intervals)
		*m->run.stop = true;
}

int pt_histmode_timeout(const struct pt_histmode *m, uint64_t now)
{
	int t = m->run.o->interval ? pt_ms_until(m->next, now) : 100;

	if (m->run.o->metrics) {
		int tm = pt_metrics_timeout(m->run.metrics, now);

		t = tm < t ? tm : t;
	}
	return t;
}

unsigned int pt_histmode_finish(struct pt_histmode *m, bool started)
{
	unsigned int in_flight = pt_tracer_left(m->run.tr, NULL, NULL);

	if (started && !m->run.o->hist_quiet && (!m->run.o->interval || m->iv_reads) &&
	    !(m->run.o->intervals && m->prints >= m->run.o->intervals))
		print(m);
	return in_flight;
}

void pt_histmode_summary(struct pt_histmode *m, unsigned int in_flight)
{
	uint64_t c[PT_NR_COUNTERS], skipped;

	counters(m, c);
	pt_warn_lost(c);
	skipped = pt_tracer_report_skipped(m->run.tr);
	if (m->run.o->echo)
		pt_echo_summary(m->run.echo, true);
	if (m->run.o->relay)
		pt_relay_summary(m->run.relay, NULL, true);
	if (m->run.o->json) {
		fprintf(m->run.out->f, "{\"summary\":{\"reads\":%" PRIu64 ",\"filtered_out\":%" PRIu64
			",\"dropped\":%" PRIu64
			",\"unread\":%" PRIu64 ",\"lost\":{\"samples\":%" PRIu64
			",\"not_followed\":%" PRIu64 ",\"stale\":%" PRIu64
			",\"no_task_storage\":%" PRIu64 ",\"runs_skipped\":%" PRIu64 "},\"in_flight\":%u",
			m->reads, c[PT_CNT_FILTERED], c[PT_CNT_DROPPED], c[PT_CNT_UNREAD],
			c[PT_CNT_REORDERED], c[PT_CNT_MAP_FULL], c[PT_CNT_STALE], c[PT_CNT_NO_TASK_STORE],
			skipped, in_flight);
		if (m->run.o->relay)
			pt_relay_json(m->run.relay, m->run.out->f);
		fprintf(m->run.out->f, "}}\n");
	}
	pt_info("%" PRIu64 " packets read, %" PRIu64 " dropped, %" PRIu64
		" unread, %" PRIu64 " samples lost, %" PRIu64
		" packets not followed (table slot taken), %u still in flight",
		m->reads, c[PT_CNT_DROPPED], c[PT_CNT_UNREAD], c[PT_CNT_REORDERED],
		c[PT_CNT_MAP_FULL], in_flight);
	if (pt_filter_on(m->run.filter))
		pt_info("%" PRIu64 " packets left out by the filter", c[PT_CNT_FILTERED]);
}
