// SPDX-License-Identifier: GPL-2.0
/*
 * pathtrace: the lifecycle. Parse, make or attach the device, load and
 * attach the BPF side, read and join until told to stop, clean up.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "cli.h"
#include "demo.h"
#include "echo.h"
#include "hist.h"
#include "journey.h"
#include "output.h"
#include "packet.h"
#include "pcapng.h"
#include "privs.h"
#include "report.h"
#include "tracer.h"
#include "tundev.h"
#include "util.h"

#define READ_BATCH 64
#define JOIN_WAIT_NS 20000000ull	/* a read's record comes before read() returns: 20 ms is late */
/*
 * A pipe or file gets what was printed at most this late: a write per
 * batch of reads was one per five journeys at full rate, 8% of the
 * reader's time.
 */
#define OUT_FLUSH_NS 20000000ull

struct app {
	struct pt_opts o;
	struct pt_tun tun;
	struct pt_tracer tr;
	struct pt_joiner joiner;
	struct pt_rxjoin rxjoin;	/* --echo: the way in */
	/*
	 * --echo: each request's journey and the answer written to it, by
	 * read number, until the answer's own journey comes in.
	 */
	struct {
		uint64_t read_seq, printed, t_first, t_user, t_write;
		struct pt_flow reply;
		uint32_t len;
		bool armed;		/* answer written, its journey awaited */
	} rt[64];
	uint64_t echo_written, echo_failed;
	/* Drops on the way out, by the last stage seen and by the kernel's reason. */
	uint64_t drop_stage[PT_NR_STAGES];
	struct { uint32_t reason; uint64_t n; } drop_reason[32];
	unsigned int nr_drop_reasons;
	uint64_t printed;
	bool stop;
	bool out_tty;		/* stdout is a terminal: flush each journey */
	bool out_pending;	/* printed, not flushed yet (not a terminal) */
	uint64_t out_flushed;	/* when it last was */
	/* -w: the bytes of reads whose journeys are not out yet, by read number */
	struct pt_pcap pcap;
	bool pcap_open;
	struct { uint64_t seq; uint32_t len; uint8_t *buf; } kept[PT_JOIN_CAP + 64];
	bool ready_made;
	/* --hist */
	uint64_t hist_reads;		/* packets read since the last print */
	uint64_t hist_prints;
	uint64_t hist_next;		/* CLOCK_MONOTONIC of the next print */
	uint64_t hist_last;		/* ... and of the last one */
	uint64_t hist_cnt[PT_NR_COUNTERS];	/* counters at the last print */
	/* the last two transitions, which end with our clock: copy->user, total */
	struct pt_hist user_hist[PT_HIST_PCLASSES][2];
	uint32_t stamp_seq;
	struct pt_hist_row rows[PT_HIST_PER_GEN + 2 * PT_HIST_PCLASSES];
	/* --explain: the kinds of packet explained in full once already */
	struct { bool rx; uint8_t family, proto; } explained[16];
	unsigned int nr_explained;
	/* --report: every journey, written at exit */
	struct pt_report *report;
	FILE *report_f;
	/* demo */
	pid_t demo_pid;
	struct pt_demo_tally tally;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && pt_verbose < 2)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void flush_output(struct app *a)
{
	/* Nobody reads our output any more (a closed pipe): stop. */
	if (fflush(stdout) == EOF)
		a->stop = true;
	a->out_pending = false;
	a->out_flushed = pt_now_ns();
}

/*
 * --echo: a request's journey is noted by its read number (it comes before
 * the answer is written); an answer's journey gets the whole round trip.
 */
static void round_trip(struct app *a, struct pt_journey *j, uint64_t printed)
{
	const size_t n = sizeof(a->rt) / sizeof(a->rt[0]);
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int k = pt_journey_stages(j, st);

	if (!j->rx) {
		if (j->have_read && j->have_kernel && k) {
			a->rt[j->read_seq % n] = (typeof(a->rt[0])){
				.read_seq = j->read_seq, .printed = printed,
				.t_first = st[0].t_ns, .t_user = j->t_user,
			};
		}
		return;
	}
	if (!k || !(j->ev.flags & PT_EV_IN_SYSCALL) || j->ev.pid != (uint32_t)getpid())
		return;
	for (size_t i = 0; i < n; i++) {
		typeof(a->rt[0]) *e = &a->rt[i];

		if (!e->armed || !pt_flow_equal(&e->reply, &j->flow))
			continue;
		e->armed = false;
		j->have_rt = true;
		j->rt = (struct pt_round_trip){
			.req_seq = e->printed, .out_ns = e->t_user - e->t_first,
			.turn_ns = e->t_write - e->t_user, .in_ns = st[k - 1].t_ns - e->t_write,
			.len = e->len,
		};
		return;
	}
}

/* --echo: answer read number @seq (@p, @len bytes after @off of packet info). */
static void echo(struct app *a, uint64_t seq, const uint8_t *buf, size_t off, size_t len)
{
	const size_t n = sizeof(a->rt) / sizeof(a->rt[0]);
	uint8_t out[65536 + 4];
	size_t r;

	memcpy(out, buf, off);	/* the same packet information, if any */
	r = pt_echo_reply(buf + off, len, a->tun.tap, out + off, sizeof(out) - off);
	if (!r)
		return;
	a->rt[seq % n].t_write = pt_now_ns();
	if (write(a->tun.fd, out, off + r) != (ssize_t)(off + r)) {
		if (!a->echo_failed++)
			pt_warn("cannot write an answer into %s: %s", a->tun.name, strerror(errno));
		return;
	}
	a->echo_written++;
	if (a->rt[seq % n].read_seq != seq)
		return;		/* its request's journey is not out: no round trip */
	if (a->tun.tap)
		pt_frame_flow(out + off, r, &a->rt[seq % n].reply);
	else
		pt_packet_flow(out + off, r, &a->rt[seq % n].reply);
	a->rt[seq % n].len = (uint32_t)r;
	a->rt[seq % n].armed = true;
}

static void count_drop(struct app *a, const struct pt_journey *j)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st), i;

	if (n)
		a->drop_stage[st[n - 1].stage]++;
	for (i = 0; i < a->nr_drop_reasons; i++)
		if (a->drop_reason[i].reason == j->ev.drop_reason)
			break;
	if (i == a->nr_drop_reasons) {
		if (i == sizeof(a->drop_reason) / sizeof(a->drop_reason[0]))
			i--;	/* the last entry takes any further reason's count */
		else
			a->nr_drop_reasons++;
		a->drop_reason[i].reason = j->ev.drop_reason;
	}
	a->drop_reason[i].n++;
}

/* --explain: each kind of packet (way, protocol) is explained in full once. */
static bool first_of_kind(struct app *a, const struct pt_journey *j)
{
	const size_t max = sizeof(a->explained) / sizeof(a->explained[0]);

	for (unsigned int i = 0; i < a->nr_explained; i++)
		if (a->explained[i].rx == j->rx && a->explained[i].family == j->flow.family &&
		    a->explained[i].proto == j->flow.proto)
			return false;
	if (a->nr_explained == max)
		return false;
	a->explained[a->nr_explained].rx = j->rx;
	a->explained[a->nr_explained].family = j->flow.family;
	a->explained[a->nr_explained].proto = j->flow.proto;
	a->nr_explained++;
	return true;
}

static void on_journey(const struct pt_journey *j, void *ctx)
{
	struct app *a = ctx;
	struct pt_print_ctx pc = {
		.dev = a->tun.name,
		.backend = pt_backend_name(a->tr.backend),
		.view = &a->tr.view,
		.seq = ++a->printed,
	};

	if (a->o.echo)
		round_trip(a, (struct pt_journey *)j, pc.seq);
	if (j->status == PT_J_DROPPED) {
		pc.drop_reason = pt_tracer_drop_reason(&a->tr, j->ev.drop_reason);
		if (!j->rx)
			count_drop(a, j);
	}
	if (j->have_kernel)
		pc.l4_func = pt_tracer_func_name(&a->tr, PT_STAGE_L4, j->ev.l4_ip);
	if (a->o.explain) {
		pc.explain = true;
		pc.explain_lines = first_of_kind(a, j);
	}
	if (a->o.demo)
		pt_demo_count(&a->tally, j);
	if (a->report && pt_report_add(a->report, j, &pc)) {
		pt_err("out of memory for the report: stopping");
		a->stop = true;
	}
	if (a->o.json)
		pt_print_journey_json(stdout, j, &pc);
	else
		pt_print_journey_text(stdout, j, &pc);
	/* A terminal sees each journey at once; a pipe or file gets them in batches. */
	if (a->out_tty)
		flush_output(a);
	else
		a->out_pending = true;
	if (a->pcap_open && j->have_read) {
		unsigned int slot = j->read_seq % (sizeof(a->kept) / sizeof(a->kept[0]));

		if (a->kept[slot].seq == j->read_seq && a->kept[slot].buf) {
			char comment[512];

			pt_journey_comment(j, &pc, comment, sizeof(comment));
			if (pt_pcap_write(&a->pcap, j->t_user, a->kept[slot].buf,
					  a->kept[slot].len, comment))
				a->stop = true;
			free(a->kept[slot].buf);
			a->kept[slot].buf = NULL;
		}
	}
}

static void on_event(const struct pt_event *ev, void *ctx)
{
	struct app *a = ctx;

	if (ev->flags & PT_EV_RX)
		pt_rxjoin_kernel(&a->rxjoin, ev, pt_now_ns());
	else if (a->tun.foreign_pid && ev->t_user) {
		if (!a->o.count || a->joiner.stats.reads < a->o.count)
			pt_joiner_foreign(&a->joiner, ev);
	}
	else
		pt_joiner_kernel(&a->joiner, ev, pt_now_ns());
}

/* -w: hold read number @seq's bytes until its journey is printed. */
static void keep_packet(struct app *a, uint64_t seq, const uint8_t *p, size_t len)
{
	unsigned int slot = seq % (sizeof(a->kept) / sizeof(a->kept[0]));

	free(a->kept[slot].buf);	/* its journey went out without it: none */
	a->kept[slot].seq = seq;
	a->kept[slot].len = (uint32_t)len;
	a->kept[slot].buf = malloc(len ? len : 1);
	if (a->kept[slot].buf)
		memcpy(a->kept[slot].buf, p, len);
}

/* --hist: a packet read; its way up to the copy was counted in the kernel. */
static void hist_read(struct app *a, uint64_t t)
{
	const volatile struct pt_reader_stamp *st = pt_tracer_reader_stamp(&a->tr);

	if (st->seq != a->stamp_seq && st->pclass < PT_HIST_PCLASSES) {
		struct pt_hist *h = a->user_hist[st->pclass];

		a->stamp_seq = st->seq;
		pt_hist_put(&h[0], t - st->copy);
		pt_hist_put(&h[1], t - st->first);
	}
	a->joiner.stats.reads++;
	a->hist_reads++;
}

/* A packet read, joined with its kernel record (submitted before read() returned). */
static void journey_read(struct app *a, const uint8_t *p, size_t len, uint64_t t)
{
	struct pt_flow f;

	pt_tracer_drain(&a->tr);
	if (a->pcap_open)
		keep_packet(a, a->joiner.stats.reads + 1, p, len);
	if (a->tun.tap)
		pt_frame_flow(p, len, &f);
	else
		pt_packet_flow(p, len, &f);
	pt_joiner_read(&a->joiner, &f, (uint32_t)len, t);
}

/* Read what the device has. */
static int read_packets(struct app *a)
{
	uint8_t buf[65536 + 4];

	for (int i = 0; i < READ_BATCH && !a->stop; i++) {
		ssize_t n = read(a->tun.fd, buf, sizeof(buf));
		uint64_t t = pt_now_ns();
		size_t off = a->tun.pi ? 4 : 0;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			pt_err("cannot read from %s: %s", a->tun.name, strerror(errno));
			return -errno;
		}
		if ((size_t)n < off)
			continue;
		if (a->o.hist)
			hist_read(a, t);
		else
			journey_read(a, buf + off, n - off, t);
		if (a->o.echo)
			echo(a, a->joiner.stats.reads, buf, off, n - off);
		/* -c: not one read more, even if a journey waits for its record. */
		if (a->o.count && a->joiner.stats.reads >= a->o.count)
			a->stop = true;
	}
	return 0;
}

/* A failed start: the files we made are not left behind. */
static void drop_output(struct app *a)
{
	if (a->report_f) {
		fclose(a->report_f);
		unlink(a->o.report);
		a->report_f = NULL;
	}
	if (!a->pcap_open)
		return;
	pt_pcap_close(&a->pcap);
	unlink(a->o.write_file);
	a->pcap_open = false;
}

/* --report: the page, at exit. 0 or -1. */
static int write_report(struct app *a)
{
	int err = pt_report_write(a->report, a->report_f);

	if (fclose(a->report_f) && !err)
		err = -errno;
	a->report_f = NULL;
	if (err) {
		pt_err("cannot write the report %s: %s", a->o.report, strerror(-err));
		return -1;
	}
	pt_info("wrote the report of %" PRIu64 " journeys to %s", a->printed, a->o.report);
	return 0;
}

/*
 * A stop signal during the set-up: undo what is made so far, without
 * loading or attaching the rest. (Its signal is consumed: the exit is 0.)
 */
static bool stop_pending(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return false;
	pt_info("interrupted during set-up (signal %u): nothing left behind", si.ssi_signo);
	return true;
}

static int make_ready_file(const char *path)
{
	char buf[32];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		pt_err("cannot create ready file %s: %s", path, strerror(errno));
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, len) != len) {
		pt_err("cannot write ready file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* --hist: print what the kernel aggregated since the last print. */
static void hist_print(struct app *a)
{
	struct pt_hist_view views[sizeof(a->rows) / sizeof(a->rows[0])];
	struct pt_hist_interval iv = { .reads = a->hist_reads };
	uint64_t c[PT_NR_COUNTERS], now = pt_now_ns();
	struct timespec rt;
	int n;

	n = pt_tracer_hist_take(&a->tr, a->rows, PT_HIST_PER_GEN);
	if (n < 0)
		return;
	for (unsigned int pc = 0; pc < PT_HIST_PCLASSES; pc++) {
		for (int k = 0; k < 2; k++) {
			struct pt_hist_row *r = &a->rows[n];

			if (!a->user_hist[pc][k].count)
				continue;
			r->key = pt_hist_key_make(a->tun.ifindex, pc,
						  k ? PT_HIST_TOTAL : PT_STAGE_COPY,
						  PT_STAGE_USER);
			r->h = a->user_hist[pc][k];
			memset(&a->user_hist[pc][k], 0, sizeof(a->user_hist[pc][k]));
			n++;
		}
	}
	pt_tracer_counters(&a->tr, c);
	iv.dropped = c[PT_CNT_DROPPED] - a->hist_cnt[PT_CNT_DROPPED];
	iv.unread = c[PT_CNT_UNREAD] - a->hist_cnt[PT_CNT_UNREAD];
	iv.lost = c[PT_CNT_REORDERED] - a->hist_cnt[PT_CNT_REORDERED];
	memcpy(a->hist_cnt, c, sizeof(c));
	clock_gettime(CLOCK_REALTIME, &rt);
	iv.t_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	iv.len_ns = now - a->hist_last;
	a->hist_last = now;
	a->hist_reads = 0;
	for (int i = 0; i < n; i++) {
		views[i].dev = a->tun.name;
		views[i].key = &a->rows[i].key;
		views[i].h = &a->rows[i].h;
	}
	qsort(views, n, sizeof(views[0]), pt_hist_row_cmp);
	if (a->o.json)
		pt_hist_print_json(stdout, &iv, views, n, a->o.hist_by_proto);
	else
		pt_hist_print_text(stdout, &iv, views, n, a->o.hist_by_proto);
	flush_output(a);
	a->hist_prints++;
}

/* epoll's timeout: until the next histogram print or output flush, or 100 ms. */
static int poll_timeout(const struct app *a)
{
	uint64_t now = pt_now_ns();

	if (a->out_pending)
		return a->out_flushed + OUT_FLUSH_NS > now ?
		       (int)((a->out_flushed + OUT_FLUSH_NS - now + 999999) / 1000000) : 0;
	if (!a->o.hist || !a->o.interval)
		return 100;
	return a->hist_next > now ? (int)((a->hist_next - now + 999999) / 1000000) : 0;
}

static int run(struct app *a, int sfd)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	int ep, err = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		pt_err("epoll: %s", strerror(errno));
		return -1;
	}
	if (a->tun.fd >= 0) {
		ev.data.fd = a->tun.fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, a->tun.fd, &ev);
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = pt_tracer_epoll_fd(&a->tr);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);

	a->hist_last = pt_now_ns();
	a->out_flushed = a->hist_last;
	a->hist_next = a->hist_last + a->o.interval * 1000000000ull;
	while (!a->stop) {
		int n = epoll_wait(ep, evs, 4, poll_timeout(a));

		if (n < 0 && errno != EINTR) {
			pt_err("epoll: %s", strerror(errno));
			err = -1;
			break;
		}
		/* A stop request first: nothing more is read after it. */
		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			/* (SIGCHLD: the demo's experiment is over.) */
			if (evs[i].data.fd == sfd &&
			    read(sfd, &si, sizeof(si)) == sizeof(si))
				a->stop = true;
		}
		for (int i = 0; i < n && !a->stop; i++) {
			if (evs[i].data.fd == a->tun.fd && read_packets(a)) {
				err = -1;
				a->stop = true;
			}
		}
		if (a->o.hist) {
			if (a->o.interval && pt_now_ns() >= a->hist_next) {
				hist_print(a);
				a->hist_next += a->o.interval * 1000000000ull;
				if (a->o.intervals && a->hist_prints >= a->o.intervals)
					a->stop = true;
			}
			continue;
		}
		pt_tracer_drain(&a->tr);
		pt_joiner_expire(&a->joiner, pt_now_ns(), JOIN_WAIT_NS);
		pt_rxjoin_expire(&a->rxjoin, pt_now_ns(), PT_RX_WAIT_NS);
		/* -c with a foreign reader: its reads arrive as records. */
		if (a->tun.foreign_pid && a->o.count && a->joiner.stats.reads >= a->o.count)
			a->stop = true;
		/* Few writes: what was printed goes out OUT_FLUSH_NS late at most. */
		if (a->out_pending && pt_now_ns() - a->out_flushed >= OUT_FLUSH_NS)
			flush_output(a);
	}
	close(ep);
	return err;
}

static void rx_left(const struct pt_event *ev, void *ctx)
{
	struct app *a = ctx;

	pt_rxjoin_unfinished(&a->rxjoin, ev);
}

/*
 * --echo, stopping: the last answers may still be on their way to their
 * application, and a raw socket's clone is freed only once it has read it.
 */
static void settle_rx(struct app *a)
{
	uint64_t end = pt_now_ns() + PT_RX_WAIT_NS;

	while (pt_now_ns() < end) {
		pt_tracer_drain(&a->tr);
		pt_rxjoin_expire(&a->rxjoin, pt_now_ns(), PT_RX_WAIT_NS);
		if (!a->rxjoin.n)
			break;
		usleep(5000);
	}
}

/*
 * --json: the summary as the last object on stdout. Where each count
 * arises: not_followed at a packet's first sighting (its set of the
 * per-skb table full), ring_buffer_full when its record is handed over,
 * drops by the last stage the packet reached and by the kernel's reason.
 */
static void summary_json(struct app *a, const uint64_t *c, unsigned int in_flight)
{
	const struct pt_join_stats *s = &a->joiner.stats;
	bool first = true;

	printf("{\"summary\":{\"reads\":%" PRIu64 ",\"journeys\":{\"read\":%" PRIu64
	       ",\"dropped\":%" PRIu64 ",\"unread\":%" PRIu64 ",\"unjoined_reads\":%" PRIu64
	       ",\"unjoined_kernel\":%" PRIu64 "},\"lost\":{\"ring_buffer_full\":%" PRIu64
	       ",\"not_followed\":%" PRIu64 ",\"stale\":%" PRIu64 ",\"no_task_storage\":%" PRIu64
	       "},\"in_flight\":%u,\"dropped_by_stage\":{",
	       s->reads, s->joined, s->dropped, s->unread, s->unjoined_reads, s->unjoined_kernel,
	       c[PT_CNT_RB_FULL], c[PT_CNT_MAP_FULL], c[PT_CNT_STALE], c[PT_CNT_NO_TASK_STORE],
	       in_flight);
	for (int st = 0; st < PT_NR_STAGES; st++) {
		if (!a->drop_stage[st])
			continue;
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", pt_stage_name(st), a->drop_stage[st]);
		first = false;
	}
	printf("},\"dropped_by_reason\":{");
	for (unsigned int i = 0; i < a->nr_drop_reasons; i++) {
		const char *name = pt_tracer_drop_reason(&a->tr, a->drop_reason[i].reason);

		if (name)
			printf("%s\"%s\":%" PRIu64, i ? "," : "", name, a->drop_reason[i].n);
		else
			printf("%s\"%u\":%" PRIu64, i ? "," : "", a->drop_reason[i].reason,
			       a->drop_reason[i].n);
	}
	printf("}");
	if (a->o.echo)
		printf(",\"rx\":{\"answers_written\":%" PRIu64 ",\"received\":%" PRIu64
		       ",\"dropped\":%" PRIu64 ",\"unread\":%" PRIu64 ",\"unfinished\":%" PRIu64 "}",
		       a->echo_written, a->rxjoin.received, a->rxjoin.dropped,
		       a->rxjoin.unreceived, a->rxjoin.unfinished);
	printf("}}\n");
}

static void summary(struct app *a, unsigned int in_flight)
{
	const struct pt_join_stats *s = &a->joiner.stats;
	uint64_t c[PT_NR_COUNTERS];

	pt_tracer_counters(&a->tr, c);
	if (c[PT_CNT_STALE])
		pt_warn("%" PRIu64 " records given up: their skb's end was never seen",
			c[PT_CNT_STALE]);
	if (c[PT_CNT_NO_TASK_STORE])
		pt_warn("%" PRIu64 " sends lost their syscall/l4/route/ip stamps (no task storage)",
			c[PT_CNT_NO_TASK_STORE]);
	if (a->o.echo && a->o.hist)
		pt_info("%" PRIu64 " answers written (their way in is not followed with --hist)",
			a->echo_written);
	else if (a->o.echo)
		pt_info("%" PRIu64 " answers written; the way in: %" PRIu64 " received, %"
			PRIu64 " dropped, %" PRIu64 " freed without a copy to an application, %"
			PRIu64 " unfinished (end unseen)", a->echo_written, a->rxjoin.received,
			a->rxjoin.dropped, a->rxjoin.unreceived, a->rxjoin.unfinished);
	if (a->o.hist) {
		if (a->o.json)
			printf("{\"summary\":{\"reads\":%" PRIu64 ",\"dropped\":%" PRIu64
			       ",\"unread\":%" PRIu64 ",\"lost\":{\"samples\":%" PRIu64
			       ",\"not_followed\":%" PRIu64 ",\"stale\":%" PRIu64
			       ",\"no_task_storage\":%" PRIu64 "},\"in_flight\":%u}}\n",
			       s->reads, c[PT_CNT_DROPPED], c[PT_CNT_UNREAD], c[PT_CNT_REORDERED],
			       c[PT_CNT_MAP_FULL], c[PT_CNT_STALE], c[PT_CNT_NO_TASK_STORE], in_flight);
		pt_info("%" PRIu64 " packets read, %" PRIu64 " dropped, %" PRIu64
			" unread, %" PRIu64 " samples lost, %" PRIu64
			" packets not followed (table slot taken), %u still in flight",
			s->reads, c[PT_CNT_DROPPED], c[PT_CNT_UNREAD], c[PT_CNT_REORDERED],
			c[PT_CNT_MAP_FULL], in_flight);
		return;
	}
	if (a->o.json)
		summary_json(a, c, in_flight);
	pt_info("%" PRIu64 " packets read, %" PRIu64 " journeys complete, %" PRIu64
		" unjoined (%" PRIu64 " reads without kernel record, %" PRIu64
		" kernel records without read), %" PRIu64 " dropped, %" PRIu64
		" unread, %" PRIu64 " records lost (ring buffer full), %" PRIu64
		" packets not followed (table slot taken), %u still in flight",
		s->reads, s->joined, s->unjoined_reads + s->unjoined_kernel,
		s->unjoined_reads, s->unjoined_kernel, s->dropped, s->unread,
		c[PT_CNT_RB_FULL], c[PT_CNT_MAP_FULL], in_flight);
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

int main(int argc, char **argv)
{
	static char out_buf[1 << 16];
	static struct app a;
	struct pt_trace_cfg cfg;
	unsigned int in_flight;
	bool started, demo_cut = false;
	sigset_t mask;
	int sfd, err;

	switch (pt_cli_parse(argc, argv, &a.o)) {
	case PT_CLI_RUN:
		break;
	case PT_CLI_EXIT:
		return 0;
	default:
		return 2;
	}

	/* Signals are read from a descriptor: a stop is seen, never lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (a.o.demo)
		sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		pt_err("signalfd: %s", strerror(errno));
		return 1;
	}
	libbpf_set_print(pt_verbose ? libbpf_print : NULL);
	a.out_tty = isatty(STDOUT_FILENO);
	/*
	 * A pipe or file gets its output in writes of 64 KiB (stdio's own
	 * 4 KiB took one write per six JSON lines), flushed OUT_FLUSH_NS late
	 * at most. glibc takes the size only with a buffer.
	 */
	if (!a.out_tty)
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	pt_joiner_init(&a.joiner, on_journey, &a);
	pt_rxjoin_init(&a.rxjoin, on_journey, &a);

	if (a.o.demo && pt_demo_enter())
		return 1;
	/* The output first: a refused path must not cost a device. */
	if (a.o.write_file) {
		if (pt_pcap_open(&a.pcap, a.o.write_file, a.o.force))
			return 1;
		a.pcap_open = true;
	}
	if (a.o.report) {
		int fd = pt_open_output(a.o.report, a.o.force);

		a.report_f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!a.report_f) {
			if (fd >= 0) {
				close(fd);
				unlink(a.o.report);
			}
			drop_output(&a);
			return 1;
		}
	}
	if (pt_tun_open(&a.tun, &a.o)) {
		drop_output(&a);
		return 1;
	}
	if (stop_pending(sfd)) {
		pt_tun_close(&a.tun);
		drop_output(&a);
		return 0;
	}
	if (a.pcap_open && pt_pcap_interface(&a.pcap, a.tun.tap ? PT_LINKTYPE_ETHERNET :
					     PT_LINKTYPE_RAW, a.tun.name)) {
		pt_tun_close(&a.tun);
		drop_output(&a);
		return 1;
	}
	cfg = (struct pt_trace_cfg){
		.rx = a.o.echo && !a.o.hist,	/* --hist follows the way out only */
		.btf_path = a.o.btf_path,
		.foreign_tgid = (uint32_t)a.tun.foreign_pid,
		.ifindex = a.tun.ifindex,
		.netns = a.tun.netns,
		.backend = a.o.backend,
		.tap = a.tun.tap,
		.hist = a.o.hist,
		.hist_by_proto = a.o.hist_by_proto,
		.reader_tgid = (uint32_t)getpid(),
	};
	if (pt_tracer_open(&a.tr, &cfg, on_event, &a)) {
		pt_tun_close(&a.tun);
		drop_output(&a);
		return 1;
	}
	if (stop_pending(sfd)) {
		pt_tracer_close(&a.tr);
		pt_tun_close(&a.tun);
		drop_output(&a);
		return 0;
	}
	if (a.report_f && !(a.report = pt_report_new(a.tun.name, pt_backend_name(a.tr.backend)))) {
		pt_err("out of memory for the report");
		pt_tracer_close(&a.tr);
		pt_tun_close(&a.tun);
		drop_output(&a);
		return 1;
	}
	if (a.tun.foreign_pid)
		pt_info("device %s is read by %s (pid %d): following its reads; pathtrace "
			"does not read", a.tun.name, a.tun.foreign_comm, a.tun.foreign_pid);
	pt_info("tracing %s %s (ifindex %u, %s)", a.tun.tap ? "TAP" : "TUN", a.tun.name,
		a.tun.ifindex,
		a.tun.created ? "created by pathtrace, removed at exit" : "existing device");
	pt_tracer_describe(&a.tr);
	if (a.o.explain)
		pt_info("--explain: stages are labelled with their steps in the classic "
			"walk-through of a UDP send (1 socket, 2 UDP/ICMP, 3 IP, 4 netdevice, "
			"5 the device queue and the reader%s)", a.o.echo ? "; R1-R7 the way in" : "");

	err = pt_tun_configure(&a.tun, &a.o);
	/* The demo's traffic: a child that keeps the privileges ping and ARP need. */
	if (!err && a.o.demo && (a.demo_pid = pt_demo_start(a.tun.tap, a.tun.name)) < 0)
		err = -1;
	/* Set up and attached: from here on only the maps are read. */
	if (!err && pt_drop_privileges() < 0)
		err = -1;
	if (!err && a.o.ready_file) {
		if (make_ready_file(a.o.ready_file))
			err = -1;
		else
			a.ready_made = true;
	}
	started = !err;
	if (started)
		err = run(&a, sfd);
	else
		drop_output(&a);	/* nothing was traced: no capture either */

	/* The demo's experiment: over, or ended now (a stop, a failed start). */
	if (a.demo_pid > 0) {
		int st = pt_demo_stop(a.demo_pid);

		if (st < 0 && started)
			pt_warn("demo: stopped before the experiment's end");
		demo_cut = st < 0;
		if (st > 0)
			err = -1;
	}
	/*
	 * Close the device before the programs go: what it still queued for
	 * us is freed now, and reported as unread.
	 */
	pt_tracer_drain(&a.tr);
	if (started && a.o.echo && !a.o.hist)
		settle_rx(&a);
	pt_joiner_reader_gone(&a.joiner);
	pt_tun_close(&a.tun);
	pt_tracer_drain(&a.tr);
	pt_joiner_expire(&a.joiner, pt_now_ns(), 0);
	pt_rxjoin_expire(&a.rxjoin, pt_now_ns(), 0);
	/* Ways in still open are reported unfinished; the rest is in flight. */
	in_flight = pt_tracer_left(&a.tr, started && a.o.echo && !a.o.hist ? rx_left : NULL, &a);
	/*
	 * --hist: what came since the last print (everything, without an
	 * interval), unless the count of prints is already reached.
	 */
	if (started && a.o.hist && (!a.o.interval || a.hist_reads) &&
	    !(a.o.intervals && a.hist_prints >= a.o.intervals))
		hist_print(&a);
	flush_output(&a);
	if (started)
		summary(&a, in_flight);
	pt_tracer_close(&a.tr);
	if (a.pcap_open) {
		if (pt_pcap_close(&a.pcap))
			err = -1;
		else
			pt_info("wrote %" PRIu64 " packets to %s", a.pcap.packets, a.o.write_file);
		for (size_t i = 0; i < sizeof(a.kept) / sizeof(a.kept[0]); i++)
			free(a.kept[i].buf);
	}
	if (a.report_f && write_report(&a))
		err = -1;
	pt_report_free(a.report);
	if (a.ready_made)
		unlink(a.o.ready_file);
	close(sfd);
	if (!err && started && a.o.demo) {
		FILE *out = a.o.json ? stderr : stdout;	/* stdout is JSON's alone */

		fputc('\n', out);
		/* Cut short by a stop signal: what came so far, and exit 0. */
		if (pt_demo_summary(out, &a.tally, a.tun.tap, a.tun.name) && !demo_cut)
			err = -1;
		demo_files(out, &a.o);
		fflush(out);
	}
	return err ? 1 : 0;
}
