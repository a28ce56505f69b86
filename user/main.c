// SPDX-License-Identifier: GPL-2.0
/*
 * pathtrace: the lifecycle. Parse, make or attach the device, load and
 * attach the BPF side, read and join until told to stop, clean up.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "cbpf.h"
#include "demo.h"
#include "filter.h"
#include "pt_filter.h"
#include "histmode.h"
#include "jmode.h"	/* with the device, the tracer, --echo and the output */
#include "metrics.h"
#include "privs.h"
#include "util.h"

#define READ_BATCH 64

struct app {
	struct pt_opts o;
	struct pt_tun tun;
	struct pt_tracer tr;
	struct pt_sink out;
	struct pt_echo echo;		/* --echo (its way in: --relay's too) */
	struct pt_relay relay;		/* --relay */
	struct pt_jmode jm;		/* journeys (without --hist) */
	struct pt_histmode hm;		/* --hist */
	struct pt_filter filter;	/* the expression, --pid, --comm */
	struct pt_metrics mx;		/* --metrics */
	bool stop;
	bool ready_made;
	pid_t demo_pid;
	int demo_ns;			/* demo tcp: the server's network namespace */
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && pt_verbose < 2)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Signals are read from a descriptor: a stop is seen, never lost. */
static int signals_fd(bool demo)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (demo)
		sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		pt_err("signalfd: %s", strerror(errno));
	return sfd;
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

static int open_tracer(struct app *a)
{
	struct pt_trace_cfg cfg = {
		/* --hist follows the way out only */
		.rx = (a->o.echo || a->o.relay) && !a->o.hist,
		.btf_path = a->o.btf_path,
		.foreign_tgid = (uint32_t)a->tun.foreign_pid,
		.ifindex = a->tun.ifindex,
		.netns = a->tun.netns,
		.backend = a->o.backend,
		.tap = a->tun.tap,
		.hist = a->o.hist,
		.hist_by_proto = a->o.hist_by_proto,
		.reader_tgid = (uint32_t)getpid(),
		.filter = &a->filter,
	};

	int err = pt_tracer_open(&a->tr, &cfg, pt_jmode_event, &a->jm);

	a->echo.in.udp_copy_unseen = !err && !a->tr.udp_rx_seen;
	return err;
}

/* The start-up lines: the device, the backend and its stages. */
static void describe(const struct app *a)
{
	if (a->tun.foreign_pid)
		pt_info("device %s is read by %s (pid %d): following its reads; pathtrace "
			"does not read", a->tun.name, a->tun.foreign_comm, a->tun.foreign_pid);
	pt_info("tracing %s %s (ifindex %u, %s)", a->tun.tap ? "TAP" : "TUN", a->tun.name,
		a->tun.ifindex,
		a->tun.created ? "created by pathtrace, removed at exit" : "existing device");
	pt_tracer_describe(&a->tr);
	if (a->o.explain)
		pt_info("--explain: stages are labelled with their steps in the classic "
			"walk-through of a UDP send (1 socket, 2 UDP/ICMP, 3 IP, 4 netdevice, "
			"5 the device queue and the reader%s)",
			a->o.echo || a->o.relay ? "; R1-R7 the way in" : "");
}

/* --metrics: what the page says of the run, and the server started. 0 or -1. */
static int start_metrics(struct app *a)
{
	struct pt_prom *w = &a->mx.work;
	struct utsname u;

	pt_prom_init(w, a->tun.name, a->o.hist_by_proto, !a->o.hist, a->o.echo && !a->o.hist);
	snprintf(w->version, sizeof(w->version), "%s", PT_VERSION);
	snprintf(w->backend, sizeof(w->backend), "%s", pt_backend_name(a->tr.backend));
	if (!uname(&u))
		snprintf(w->kernel, sizeof(w->kernel), "%s", u.release);
	return pt_metrics_start(&a->mx);
}

/* demo tcp: the relay's peer is the server's namespace, the demo's own. 0 or -1. */
static int adopt_demo_ns(struct app *a)
{
	int fd = fcntl(a->demo_ns, F_DUPFD_CLOEXEC, 3);

	if (fd < 0) {
		pt_err("demo: cannot hand the server's namespace to the relay: %s",
		       strerror(errno));
		return -1;
	}
	pt_relay_adopt_ns(&a->relay, fd, PT_DEMO_PEER_NS);
	return 0;
}

/* Traced: the device up, the demo's traffic, privileges gone, ready. 0 or -1. */
static int go_live(struct app *a)
{
	if (pt_tun_configure(&a->tun, &a->o))
		return -1;
	if (a->o.relay && pt_relay_configure(&a->relay, &a->o))
		return -1;
	/* The demo's traffic: a child that keeps the privileges ping and ARP need. */
	if (a->o.demo && (a->demo_pid = pt_demo_start(a->o.demo, a->tun.name, a->demo_ns)) < 0)
		return -1;
	/* Set up and attached: from here on only the maps are read. */
	if (pt_drop_privileges() < 0)
		return -1;
	/* Its thread after the drop: threads keep the capabilities they start with. */
	if (a->o.metrics && start_metrics(a))
		return -1;
	if (a->o.ready_file) {
		if (pt_ready_file(a->o.ready_file))
			return -1;
		a->ready_made = true;
	}
	return 0;
}

/*
 * The expression, compiled for the device's link type: TAP's (Ethernet)
 * or TUN's (raw IP). A bad one is a usage error, reported with libpcap's
 * word (or what keeps it out of the kernel): -1. Without libpcap: -2.
 */
static int compile_filter(struct app *a, bool tap)
{
	char err[512];
	int ret = pt_filter_compile(&a->filter, a->o.expr, tap, err, sizeof(err));

	if (ret == -ELIBACC) {
		pt_err("a filter expression needs libpcap (Debian: libpcap0.8): %s", err);
		return -2;
	}
	/* Sized as ladder.c's patch will write it (any of r6 to r9: same length). */
	if (ret || (a->filter.len && pt_cbpf_translate(a->filter.insns, a->filter.len, BPF_REG_6,
						       BPF_REG_7, NULL, PT_FILTER_REGION, err,
						       sizeof(err)) < 0)) {
		pt_err("invalid filter expression '%s' for %s: %s", a->o.expr,
		       tap ? "a TAP device (Ethernet frames)" : "a TUN device (IP packets)", err);
		return -1;
	}
	return 0;
}

static uint64_t reads(const struct app *a)
{
	return a->o.hist ? a->hm.reads : pt_jmode_reads(&a->jm);
}

/* Read what the device has. */
static int read_packets(struct app *a)
{
	uint8_t buf[65536 + 4];

	for (int i = 0; i < READ_BATCH && !a->stop; i++) {
		ssize_t n = read(a->tun.fd, buf, sizeof(buf));
		uint64_t t = pt_now_ns();
		size_t off = a->tun.pi ? 4 : 0;
		bool kept;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			pt_err("cannot read from %s: %s", a->tun.name, strerror(errno));
			return -errno;
		}
		if ((size_t)n < off)
			continue;
		kept = a->o.hist ? pt_histmode_read(&a->hm, t) :
				   pt_jmode_read(&a->jm, buf + off, n - off, t);
		/* --echo answers every packet, and times the followed ones' round trips. */
		if (a->o.echo)
			pt_echo_answer(&a->echo, kept ? reads(a) : 0, buf, off, n - off);
		if (a->o.relay)
			pt_relay_to_peer(&a->relay, buf + off, n - off);
		/* -c: not one read more, even if a journey waits for its record. */
		if (kept && a->o.count && reads(a) >= a->o.count)
			a->stop = true;
	}
	return 0;
}

/* epoll's timeout: until the next output flush or histogram print, or 100 ms. */
static int poll_timeout(const struct app *a)
{
	uint64_t now;
	int t;

	if (a->o.busy_poll)
		return 0;
	now = pt_now_ns();
	t = pt_sink_timeout(&a->out, now);
	if (t >= 0)
		return t;
	return a->o.hist ? pt_histmode_timeout(&a->hm, now) : 100;
}

static int run(struct app *a, int sfd)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[5];
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
	if (a->relay.peer.fd >= 0) {
		ev.data.fd = a->relay.peer.fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, a->relay.peer.fd, &ev);
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = pt_tracer_epoll_fd(&a->tr);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);

	pt_histmode_start(&a->hm);
	a->out.flushed = pt_now_ns();
	while (!a->stop) {
		int n = epoll_wait(ep, evs, 5, poll_timeout(a));

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
			if ((evs[i].data.fd == a->tun.fd && read_packets(a)) ||
			    (evs[i].data.fd == a->relay.peer.fd &&
			     pt_relay_from_peer(&a->relay, READ_BATCH))) {
				err = -1;
				a->stop = true;
			}
		}
		if (a->o.hist)
			pt_histmode_tick(&a->hm);
		else
			pt_jmode_tick(&a->jm);
	}
	close(ep);
	return err;
}

/*
 * The end of a run that started (or of a start that failed once traced).
 * Returns what is still in flight.
 */
static unsigned int wind_down(struct app *a, bool started, bool *demo_cut, int *err)
{
	unsigned int in_flight;

	/* The demo's experiment: over, or ended now (a stop, a failed start). */
	if (a->demo_pid > 0) {
		int st = pt_demo_stop(a->demo_pid);

		if (st < 0 && started)
			pt_warn("demo: stopped before the experiment's end");
		*demo_cut = st < 0;
		if (st > 0)
			*err = -1;
	}
	/* What the peer answered already (in the last relayed write) still goes in. */
	if (started && a->relay.peer.fd >= 0 && !*err)
		pt_relay_from_peer(&a->relay, READ_BATCH);
	/*
	 * Close the device before the programs go: what it still queued for
	 * us is freed now, and reported as unread.
	 */
	if (a->o.hist) {
		pt_tun_close(&a->tun);
		in_flight = pt_histmode_finish(&a->hm, started);
	} else {
		pt_jmode_reader_stops(&a->jm, started);
		pt_tun_close(&a->tun);
		in_flight = pt_jmode_finish(&a->jm, started);
	}
	pt_sink_flush(&a->out);
	return in_flight;
}

int main(int argc, char **argv)
{
	static struct app a;
	const struct pt_run shared = {
		.o = &a.o, .tun = &a.tun, .tr = &a.tr, .out = &a.out, .echo = &a.echo,
		.relay = &a.relay, .stop = &a.stop, .filter = &a.filter, .metrics = &a.mx,
	};
	bool started = false, demo_cut = false, usage = false, compiled;
	unsigned int in_flight;
	int sfd, cf, err = -1;

	pt_mark("main");
	switch (pt_cli_parse(argc, argv, &a.o)) {
	case PT_CLI_RUN:
		break;
	case PT_CLI_EXIT:
		return 0;
	default:
		return 2;
	}
	a.filter.pids = a.o.pids;
	a.filter.nr_pids = a.o.nr_pids;
	a.filter.comm = a.o.comm;
	/*
	 * For the device pathtrace would create: nothing made for a bad one.
	 * An existing device is compiled for once its kind is known.
	 */
	compiled = !if_nametoindex(a.o.dev);
	if (compiled && (cf = compile_filter(&a, a.o.tap)))
		return cf == -2 ? 1 : 2;
	for (unsigned int i = 0; i < a.o.nr_pids; i++)
		if (kill((pid_t)a.o.pids[i], 0) && errno == ESRCH)
			pt_warn("--pid %u: no such process (none of its packets will show)",
				a.o.pids[i]);
	sfd = signals_fd(a.o.demo);
	if (sfd < 0)
		return 1;
	/* The port first: one in use must cost nothing (no device, no BPF). */
	a.mx.fd = -1;
	if (a.o.metrics && pt_metrics_listen(&a.mx, &a.o)) {
		close(sfd);
		return 1;
	}
	libbpf_set_print(pt_verbose ? libbpf_print : NULL);
	pt_sink_init(&a.out, stdout);
	pt_jmode_init(&a.jm, &shared);
	pt_echo_init(&a.echo, &a.tun, pt_jmode_emit, &a.jm);
	a.echo.in.filter = &a.filter;	/* the way in's process: decided at its end */
	pt_histmode_init(&a.hm, &shared);
	pt_relay_init(&a.relay, &a.tun);

	a.demo_ns = -1;
	if (a.o.demo && pt_demo_enter(a.o.demo, &a.demo_ns))
		goto out;
	if (a.demo_ns >= 0 && adopt_demo_ns(&a))
		goto out;
	/* The output first: a refused path must not cost a device. */
	if (pt_jmode_open_files(&a.jm))
		goto out_files;
	/* --relay's namespace and device name, before the device is made. */
	if (a.o.relay && pt_relay_check(&a.relay, &a.o))
		goto out_files;
	if (pt_tun_open(&a.tun, &a.o))
		goto out_files;
	pt_mark("device opened");
	/* An existing device: its own kind (TAP even without --tap). */
	if ((!compiled || a.filter.tap != a.tun.tap) && (cf = compile_filter(&a, a.tun.tap))) {
		usage = cf != -2;
		goto out_tun;
	}
	if (stop_pending(sfd)) {
		err = 0;
		goto out_tun;
	}
	if ((a.o.relay && pt_relay_open(&a.relay, &a.o)) ||
	    pt_jmode_capture_start(&a.jm) || open_tracer(&a))
		goto out_tun;
	if (stop_pending(sfd)) {
		err = 0;
		goto out_tracer;
	}
	if (pt_jmode_report_start(&a.jm))
		goto out_tracer;
	describe(&a);

	started = !go_live(&a);
	pt_mark("ready");
	err = started ? run(&a, sfd) : -1;
	pt_mark("stopping");
	in_flight = wind_down(&a, started, &demo_cut, &err);
	pt_mark("device closed, records read");
	if (started && a.o.hist)
		pt_histmode_summary(&a.hm, in_flight);
	else if (started)
		pt_jmode_summary(&a.jm, in_flight);
out_tracer:
	pt_tracer_close(&a.tr);
	pt_mark("tracer closed");
out_tun:
	pt_tun_close(&a.tun);	/* (closed already, if traced) */
out_files:
	pt_relay_close(&a.relay);
	/* A failed start removes its files: nothing was traced, no capture either. */
	if (pt_jmode_close_files(&a.jm, started))
		err = -1;
	if (a.ready_made)
		unlink(a.o.ready_file);
out:
	if (a.demo_ns >= 0)
		close(a.demo_ns);
	pt_metrics_stop(&a.mx);
	close(sfd);
	pt_filter_free(&a.filter);
	if (!err && started && a.o.demo && pt_jmode_demo_summary(&a.jm, demo_cut))
		err = -1;
	pt_mark("exit");
	return usage ? 2 : err ? 1 : 0;
}
