// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jmode.h"
#include "packet.h"
#include "util.h"

#define JOIN_WAIT_NS 20000000ull	/* a read's record comes before read() returns: 20 ms is late */

void pt_jmode_init(struct pt_jmode *m, const struct pt_run *run)
{
	memset(m, 0, sizeof(*m));
	m->run = *run;
	pt_joiner_init(&m->joiner, pt_jmode_emit, m);
}

/* -w: the packet's bytes, if still held, with the journey as its comment. */
static void capture(struct pt_jmode *m, const struct pt_journey *j, const struct pt_print_ctx *pc)
{
	uint32_t len;
	uint8_t *buf = pt_hold_take(&m->hold, j->read_seq, &len);
	char comment[512];

	if (!buf)
		return;
	pt_journey_comment(j, pc, comment, sizeof(comment));
	if (pt_pcap_write(&m->pcap, j->t_user, buf, len, comment))
		*m->run.stop = true;
	free(buf);
}

static void print(struct pt_jmode *m, const struct pt_journey *j, const struct pt_print_ctx *pc)
{
	if (m->run.o->json)
		pt_print_journey_json(m->run.out->f, j, pc);
	else
		pt_print_journey_text(m->run.out->f, j, pc);
	if (pt_sink_printed(m->run.out))
		*m->run.stop = true;
}

/* demo tcp: the held journeys, in order, once. */
static void print_held(struct pt_jmode *m)
{
	if (m->held_out)
		return;
	m->held_out = true;
	for (unsigned int i = 0; i < PT_DEMO_HELD; i++)
		if (m->held[i].held)
			print(m, &m->held[i].j, &m->held[i].pc);
}

/* demo tcp: @j kept for its place among the held (all came: out now). */
static void hold(struct pt_jmode *m, enum pt_demo_show show, const struct pt_journey *j,
		 const struct pt_print_ctx *pc)
{
	unsigned int i = show - PT_DEMO_HOLD_SYN, n = 0;

	m->held[i].j = *j;
	m->held[i].pc = *pc;
	m->held[i].held = true;
	for (i = 0; i < PT_DEMO_HELD; i++)
		n += m->held[i].held;
	if (n == PT_DEMO_HELD)
		print_held(m);
}

void pt_jmode_emit(const struct pt_journey *j, void *ctx)
{
	struct pt_jmode *m = ctx;
	enum pt_demo_show show = PT_DEMO_SHOW;
	struct pt_print_ctx pc = {
		.dev = m->run.tun->name,
		.backend = pt_backend_name(m->run.tr->backend),
		.view = &m->run.tr->view,
		.seq = ++m->printed,
	};

	if (m->run.o->echo)
		pt_echo_journey(m->run.echo, (struct pt_journey *)j, pc.seq, (uint32_t)getpid());
	if (j->status == PT_J_DROPPED) {
		pc.drop_reason = pt_tracer_drop_reason(m->run.tr, j->ev.drop_reason);
		if (!j->rx)
			pt_drops_count(&m->drops, j);
	}
	if (j->have_kernel)
		pc.l4_func = pt_tracer_func_name(m->run.tr, PT_STAGE_L4, j->ev.l4_ip);
	if (m->run.o->demo)
		show = pt_demo_count(&m->tally, m->run.o->demo, j);
	/* Explained in full the first time its kind is printed (demo tcp prints few). */
	if (m->run.o->explain) {
		pc.explain = true;
		pc.explain_lines = show != PT_DEMO_QUIET && pt_explained_first(&m->explained, j);
	}
	if (m->run.o->metrics)
		pt_prom_add_journey(&m->run.metrics->work, j, pc.drop_reason);
	if (m->report && pt_report_add(m->report, j, &pc)) {
		pt_err("out of memory for the report: stopping");
		*m->run.stop = true;
	}
	if (show == PT_DEMO_SHOW)
		print(m, j, &pc);
	else if (show != PT_DEMO_QUIET)
		hold(m, show, j, &pc);
	if (m->pcap_open && j->have_read)
		capture(m, j, &pc);
}

void pt_jmode_event(const struct pt_event *ev, void *ctx)
{
	struct pt_jmode *m = ctx;

	if ((ev->flags & PT_EV_RX) && ev->end == PT_END_UNSEEN)
		pt_rxjoin_unfinished(&m->run.echo->in, ev);
	else if (ev->flags & PT_EV_RX)
		pt_rxjoin_kernel(&m->run.echo->in, ev, pt_now_ns());
	else if (m->run.tun->foreign_pid && ev->t_user) {
		if (!m->run.o->count || m->joiner.stats.reads < m->run.o->count)
			pt_joiner_foreign(&m->joiner, ev);
	}
	else
		pt_joiner_kernel(&m->joiner, ev, pt_now_ns());
}

int pt_jmode_open_files(struct pt_jmode *m)
{
	const struct pt_opts *o = m->run.o;

	if (o->write_file) {
		if (pt_pcap_open(&m->pcap, o->write_file, o->force))
			return -1;
		m->pcap_open = true;
	}
	if (o->report) {
		int fd = pt_open_output(o->report, o->force);

		m->report_f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!m->report_f) {
			if (fd >= 0) {
				close(fd);
				unlink(o->report);
			}
			return -1;
		}
	}
	return 0;
}

int pt_jmode_capture_start(struct pt_jmode *m)
{
	if (!m->pcap_open)
		return 0;
	return pt_pcap_interface(&m->pcap, m->run.tun->tap ? PT_LINKTYPE_ETHERNET : PT_LINKTYPE_RAW,
				 m->run.tun->name) ? -1 : 0;
}

int pt_jmode_report_start(struct pt_jmode *m)
{
	if (!m->report_f)
		return 0;
	m->report = pt_report_new(m->run.tun->name, pt_backend_name(m->run.tr->backend));
	if (!m->report) {
		pt_err("out of memory for the report");
		return -1;
	}
	return 0;
}

/* A failed start: the files we made are not left behind. */
static void drop_files(struct pt_jmode *m)
{
	if (m->report_f) {
		fclose(m->report_f);
		unlink(m->run.o->report);
		m->report_f = NULL;
	}
	if (!m->pcap_open)
		return;
	pt_pcap_close(&m->pcap);
	unlink(m->run.o->write_file);
	m->pcap_open = false;
}

/* --report: the page, at exit. 0 or -1. */
static int write_report(struct pt_jmode *m)
{
	int err = pt_report_write(m->report, m->report_f);

	if (fclose(m->report_f) && !err)
		err = -errno;
	m->report_f = NULL;
	if (err) {
		pt_err("cannot write the report %s: %s", m->run.o->report, strerror(-err));
		return -1;
	}
	pt_info("wrote the report of %" PRIu64 " journeys to %s", m->printed, m->run.o->report);
	return 0;
}

int pt_jmode_close_files(struct pt_jmode *m, bool started)
{
	int err = 0;

	if (!started)
		drop_files(m);
	if (m->pcap_open) {
		if (pt_pcap_close(&m->pcap))
			err = -1;
		else
			pt_info("wrote %" PRIu64 " packets to %s", m->pcap.packets, m->run.o->write_file);
		m->pcap_open = false;
	}
	pt_hold_free(&m->hold);
	pt_demo_tally_free(&m->tally);
	if (m->report_f && write_report(m))
		err = -1;
	pt_report_free(m->report);
	m->report = NULL;
	return err;
}

bool pt_jmode_read(struct pt_jmode *m, const uint8_t *p, size_t len, uint64_t t)
{
	struct pt_flow f;

	/*
	 * A filter left the packet out (counted by the kernel), or it was not
	 * followed: not a read without its record.
	 */
	if (pt_filter_on(m->run.filter) && pt_tracer_reader_unfollowed(m->run.tr))
		return false;
	pt_tracer_drain(m->run.tr);
	if (m->pcap_open)
		pt_hold_put(&m->hold, m->joiner.stats.reads + 1, p, len);
	if (m->run.tun->tap)
		pt_frame_flow(p, len, &f);
	else
		pt_packet_flow(p, len, &f);
	pt_joiner_read(&m->joiner, &f, (uint32_t)len, t);
	return true;
}

uint64_t pt_jmode_reads(const struct pt_jmode *m)
{
	return m->joiner.stats.reads;
}

static uint64_t filtered_out(const struct pt_jmode *m, const uint64_t *c);

/* --metrics: the kernel's loss counters with the journeys counted so far, published. */
static void export(struct pt_jmode *m)
{
	struct pt_prom *w = &m->run.metrics->work;
	uint64_t c[PT_NR_COUNTERS];

	pt_tracer_counters(m->run.tr, c);
	w->lost[PT_PROM_LOST_RB_FULL] = c[PT_CNT_RB_FULL];
	w->lost[PT_PROM_LOST_NOT_FOLLOWED] = c[PT_CNT_MAP_FULL];
	w->lost[PT_PROM_LOST_STALE] = c[PT_CNT_STALE];
	w->lost[PT_PROM_LOST_NO_TASK_STORE] = c[PT_CNT_NO_TASK_STORE];
	w->filtered = filtered_out(m, c);
	pt_metrics_publish(m->run.metrics);
}

void pt_jmode_tick(struct pt_jmode *m)
{
	pt_tracer_drain(m->run.tr);
	pt_joiner_expire(&m->joiner, pt_now_ns(), JOIN_WAIT_NS);
	pt_rxjoin_expire(&m->run.echo->in, pt_now_ns(), PT_RX_WAIT_NS);
	/* -c with a foreign reader: its reads arrive as records. */
	if (m->run.tun->foreign_pid && m->run.o->count && m->joiner.stats.reads >= m->run.o->count)
		*m->run.stop = true;
	/* Few writes: what was printed goes out PT_SINK_FLUSH_NS late at most. */
	if (pt_sink_tick(m->run.out, pt_now_ns()))
		*m->run.stop = true;
	if (m->run.o->metrics && pt_metrics_due(m->run.metrics, pt_now_ns()))
		export(m);
}

/* Whether the answers' way in is followed (the tracer's choice) in a run that started. */
static bool follows_in(const struct pt_jmode *m, bool started)
{
	return started && m->run.tr->rx;
}

/*
 * --echo, stopping: the last answers may still be on their way to their
 * application, and a raw socket's clone is freed only once it has read it.
 */
static void settle_in(struct pt_jmode *m)
{
	uint64_t end = pt_now_ns() + PT_RX_WAIT_NS;

	while (pt_now_ns() < end) {
		pt_tracer_drain(m->run.tr);
		pt_rxjoin_expire(&m->run.echo->in, pt_now_ns(), PT_RX_WAIT_NS);
		if (!m->run.echo->in.n)
			break;
		usleep(5000);
	}
}

/*
 * Stopping (-c, a signal): reads made just now still wait for their
 * records, up to the join's own wait, before anything is given up.
 */
static void settle_out(struct pt_jmode *m)
{
	uint64_t end = pt_now_ns() + JOIN_WAIT_NS;

	while (m->joiner.nr && pt_now_ns() < end) {
		usleep(2000);
		pt_tracer_drain(m->run.tr);
	}
}

void pt_jmode_reader_stops(struct pt_jmode *m, bool started)
{
	pt_tracer_drain(m->run.tr);
	if (started)
		settle_out(m);
	if (follows_in(m, started))
		settle_in(m);
	pt_joiner_reader_gone(&m->joiner);
}

static void in_left(const struct pt_event *ev, void *ctx)
{
	struct pt_jmode *m = ctx;

	pt_rxjoin_unfinished(&m->run.echo->in, ev);
}

unsigned int pt_jmode_finish(struct pt_jmode *m, bool started)
{
	pt_tracer_drain(m->run.tr);
	pt_joiner_expire(&m->joiner, pt_now_ns(), 0);
	pt_rxjoin_expire(&m->run.echo->in, pt_now_ns(), 0);
	/* Ways in still open are reported unfinished; the rest is in flight. */
	return pt_tracer_left(m->run.tr, follows_in(m, started) ? in_left : NULL, m);
}

/* Left out by the filters: by the kernel, and on the way in by its reader. */
static uint64_t filtered_out(const struct pt_jmode *m, const uint64_t *c)
{
	return c[PT_CNT_FILTERED] + m->run.echo->in.filtered;
}

/*
 * --json: the summary as the last object on stdout. Where each count
 * arises: not_followed at a packet's first sighting (its set of the
 * per-skb table full), ring_buffer_full when its record is handed over,
 * drops by the last stage the packet reached and by the kernel's reason.
 */
static void summary_json(struct pt_jmode *m, const uint64_t *c, uint64_t skipped,
			 unsigned int in_flight)
{
	const struct pt_join_stats *s = &m->joiner.stats;
	const struct pt_drops *d = &m->drops;
	const struct pt_rxjoin *in = &m->run.echo->in;
	FILE *out = m->run.out->f;
	bool first = true;

	fprintf(out, "{\"summary\":{\"reads\":%" PRIu64 ",\"filtered_out\":%" PRIu64
		",\"journeys\":{\"read\":%" PRIu64
		",\"dropped\":%" PRIu64 ",\"unread\":%" PRIu64 ",\"unjoined_reads\":%" PRIu64
		",\"unjoined_kernel\":%" PRIu64 "},\"lost\":{\"ring_buffer_full\":%" PRIu64
		",\"not_followed\":%" PRIu64 ",\"stale\":%" PRIu64 ",\"no_task_storage\":%" PRIu64
		",\"gso_segments_unmatched\":%" PRIu64 ",\"runs_skipped\":%" PRIu64
		",\"driver_unseen\":%" PRIu64
		"},\"merged\":%" PRIu64 ",\"in_flight\":%u,\"dropped_by_stage\":{",
		s->reads, filtered_out(m, c), s->joined, s->dropped, s->unread, s->unjoined_reads,
		s->unjoined_kernel, c[PT_CNT_RB_FULL], c[PT_CNT_MAP_FULL], c[PT_CNT_STALE], c[PT_CNT_NO_TASK_STORE],
		c[PT_CNT_GSO_MISS], skipped, c[PT_CNT_XMIT_UNSEEN], c[PT_CNT_MERGED], in_flight);
	for (int st = 0; st < PT_NR_STAGES; st++) {
		if (!d->stage[st])
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, first ? "" : ",", pt_stage_name(st), d->stage[st]);
		first = false;
	}
	fprintf(out, "},\"dropped_by_reason\":{");
	for (unsigned int i = 0; i < d->nr_reasons; i++) {
		const char *name = pt_tracer_drop_reason(m->run.tr, d->reason[i].reason);

		if (name)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", name, d->reason[i].n);
		else
			fprintf(out, "%s\"%u\":%" PRIu64, i ? "," : "", d->reason[i].reason,
				d->reason[i].n);
	}
	fprintf(out, "}");
	if (m->run.o->echo)
		fprintf(out, ",\"rx\":{\"answers_written\":%" PRIu64 ",\"received\":%" PRIu64
			",\"dropped\":%" PRIu64 ",\"unread\":%" PRIu64 ",\"unfinished\":%" PRIu64 "}",
			m->run.echo->written, in->received, in->dropped, in->unreceived, in->unfinished);
	if (m->run.o->relay) {
		fprintf(out, ",\"rx\":{\"received\":%" PRIu64 ",\"dropped\":%" PRIu64
			",\"unread\":%" PRIu64 ",\"unfinished\":%" PRIu64 "}", in->received,
			in->dropped, in->unreceived, in->unfinished);
		pt_relay_json(m->run.relay, out);
	}
	fprintf(out, "}}\n");
}

/*
 * demo tcp, before the summary (--json's comes last): the held journeys
 * not printed yet, then the data segments' histograms.
 */
static void demo_show(struct pt_jmode *m)
{
	struct pt_hist_key keys[2 * PT_NR_STAGES * PT_NR_STAGES];
	struct pt_hist_view rows[2 * PT_NR_STAGES * PT_NR_STAGES];
	const struct pt_demo_tcp *t = &m->tally.tcp;
	struct pt_hist_interval iv = {
		.t_ns = pt_realtime_ns(), .len_ns = t->t_last - t->t_first,
		.reads = t->data + t->retrans,
	};
	FILE *out = m->run.out->f;
	unsigned int n;

	print_held(m);
	n = pt_jhists_rows(&t->hists, m->run.tun->name, m->run.tun->ifindex, keys, rows,
			   sizeof(rows) / sizeof(rows[0]));
	if (m->run.o->json) {
		pt_hist_print_json(out, &iv, rows, n, false);
	} else if (!n) {
		fprintf(out, "No data segment was read: no histograms.\n");
	} else {
		fprintf(out, "The %" PRIu64 " data segments' way out, stage to stage (the "
			"first in full above):\n\n", iv.reads);
		pt_hist_print_text(out, &iv, rows, n, false);
	}
	if (pt_sink_printed(m->run.out))
		*m->run.stop = true;
}

void pt_jmode_summary(struct pt_jmode *m, unsigned int in_flight)
{
	const struct pt_join_stats *s = &m->joiner.stats;
	uint64_t c[PT_NR_COUNTERS], skipped;

	if (m->run.o->demo == PT_DEMO_TCP)
		demo_show(m);
	pt_tracer_counters(m->run.tr, c);
	pt_warn_lost(c);
	skipped = pt_tracer_report_skipped(m->run.tr);
	if (m->run.o->echo)
		pt_echo_summary(m->run.echo, false);
	if (m->run.o->relay)
		pt_relay_summary(m->run.relay, &m->run.echo->in, false);
	if (m->run.o->json)
		summary_json(m, c, skipped, in_flight);
	pt_info("%" PRIu64 " packets read, %" PRIu64 " journeys complete, %" PRIu64
		" unjoined (%" PRIu64 " reads without kernel record, %" PRIu64
		" kernel records without read), %" PRIu64 " dropped, %" PRIu64
		" unread, %" PRIu64 " records lost (ring buffer full), %" PRIu64
		" packets not followed (table slot taken), %u still in flight",
		s->reads, s->joined, s->unjoined_reads + s->unjoined_kernel,
		s->unjoined_reads, s->unjoined_kernel, s->dropped, s->unread,
		c[PT_CNT_RB_FULL], c[PT_CNT_MAP_FULL], in_flight);
	if (pt_filter_on(m->run.filter))
		pt_info("%" PRIu64 " packets left out by the filter", filtered_out(m, c));
}

/* Where the demo's files are, whatever directory it ran in. */
static void demo_files(FILE *out, const struct pt_opts *o)
{
	char *cap = realpath(o->write_file, NULL), *rep = realpath(o->report, NULL);

	if (cap && rep)
		fprintf(out, "Open %s in Wireshark (or tshark -r), %s in a browser.\n", cap, rep);
	free(cap);
	free(rep);
}

int pt_jmode_demo_summary(struct pt_jmode *m, bool cut)
{
	FILE *out = m->run.o->json ? stderr : m->run.out->f;	/* stdout is JSON's alone */
	int err = 0;

	fputc('\n', out);
	/* Cut short by a stop signal: what came so far, and exit 0. */
	if (pt_demo_summary(out, &m->tally, m->run.o->demo, m->run.tun->name) && !cut)
		err = -1;
	demo_files(out, m->run.o);
	fflush(out);
	return err;
}
