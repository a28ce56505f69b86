// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "demo.h"
#include "output.h"
#include "packet.h"
#include "pt_flow.h"
#include "util.h"

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";
	char buf[4096];

	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static int new_netns(void)
{
	if (!unshare(CLONE_NEWNET))
		return 0;
	pt_err("demo: cannot make a network namespace: %s%s", strerror(errno),
	       errno == EPERM ? " (needs root)" : "");
	return -1;
}

/*
 * demo tcp: the server's namespace, a second one, unnamed: made and left
 * at once, held by the descriptor alone. The descriptor, or -1.
 */
static int peer_netns(void)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), peer = -1;

	if (home < 0) {
		pt_err("demo: cannot open its network namespace: %s", strerror(errno));
		return -1;
	}
	if (!new_netns()) {
		peer = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (peer < 0)
			pt_err("demo: cannot open the server's network namespace: %s",
			       strerror(errno));
		if (setns(home, CLONE_NEWNET)) {
			pt_err("demo: cannot return to its network namespace: %s", strerror(errno));
			if (peer >= 0)
				close(peer);
			peer = -1;
		}
	}
	close(home);
	return peer;
}

int pt_demo_enter(enum pt_demo kind, int *peer_ns)
{
	*peer_ns = -1;
	if (kind != PT_DEMO_TCP && !in_path("ping")) {
		pt_err("demo: ping is not installed (Debian: iputils-ping)");
		return -1;
	}
	if (new_netns())
		return -1;
	if (kind == PT_DEMO_TCP && (*peer_ns = peer_netns()) < 0)
		return -1;
	pt_info("demo: in a network namespace of its own, gone when the demo ends%s",
		kind == PT_DEMO_TCP ? "; the server in a second one (" PT_DEMO_PEER_NS
		", unnamed), gone too" : "");
	return 0;
}

/* The experiment's own child (ping, or the TCP server), ended with it. */
static volatile pid_t kid_pid;

static void on_term(int sig)
{
	if (kid_pid > 0) {
		kill(kid_pid, SIGKILL);
		waitpid(kid_pid, NULL, 0);	/* not left a zombie */
	}
	_exit(128 + sig);
}

/* Reap the experiment's own child: its exit status, or -1. */
static int reap_kid(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	kid_pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * ping -c 3 the peer, its own output hidden: 0 if it ran (no reply is the
 * experiment's). @wait_s: how long it waits for an answer to its last.
 */
static int ping(const char *wait_s)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execlp("ping", "ping", "-c", "3", "-i", "0.5", "-W", wait_s, PT_DEMO_PEER,
		       (char *)NULL);
		fprintf(stderr, "pathtrace: demo: cannot run ping: %s\n", strerror(errno));
		_exit(127);
	}
	kid_pid = pid;
	st = reap_kid(pid);
	return st == 0 || st == 1 ? 0 : -1;
}

/* The state of the peer's neighbour entry on @ifindex (NUD_*), 0 if none, -1 on error. */
static int neigh_state(unsigned int ifindex)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg m;
		struct rtattr a;
		struct in_addr dst;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNEIGH,
		       .nlmsg_flags = NLM_F_REQUEST },
		.m = { .ndm_family = AF_INET, .ndm_ifindex = (int)ifindex },
		.a = { .rta_len = RTA_LENGTH(sizeof(struct in_addr)), .rta_type = NDA_DST },
	};
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;
	int fd, ret = -1;

	inet_pton(AF_INET, PT_DEMO_PEER, &req.dst);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, sizeof(req), 0) == sizeof(req)) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n >= (ssize_t)sizeof(*h) && NLMSG_OK(h, (size_t)n)) {
			if (h->nlmsg_type == RTM_NEWNEIGH &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ndmsg)))
				ret = ((struct ndmsg *)NLMSG_DATA(h))->ndm_state;
			else if (h->nlmsg_type == NLMSG_ERROR &&
				 ((struct nlmsgerr *)NLMSG_DATA(h))->error == -ENOENT)
				ret = 0;
		}
	}
	close(fd);
	return ret;
}

/*
 * TAP, after the first pings: the kernel asks for the peer's address a few
 * times, then gives up and drops the parked pings. The static entry must
 * come after that, or it sends what is parked and the second pings are not
 * alone. The entry turns FAILED before its parked pings are gone: the
 * kernel drops them one by one with the entry unlocked, and stops as soon
 * as the entry is no longer FAILED, so a static entry made in that window
 * sent the rest (seen once, on 6.12 under QEMU; a static entry made as soon
 * as FAILED shows leaked a parked ping in 3 of 8 tries with 150 parked).
 * Each drop reports an error to its ping, and ping exits on its last
 * error: so the first ping waits long enough for its errors (PING_TAP_WAIT,
 * past the kernel's three 1-second probes), and its exit means nothing of
 * it is parked any more. This wait for FAILED is for a ping that timed out.
 */
#define PING_TAP_WAIT "6"

static void wait_neigh_settled(unsigned int ifindex)
{
	for (int i = 0; i < 200; i++) {
		int s = neigh_state(ifindex);

		if (s < 0 || !(s & (NUD_INCOMPLETE | NUD_PROBE)))
			return;
		usleep(50000);
	}
}

/* ip neigh replace PEER lladdr PEER_MAC dev @dev nud permanent, with the old ioctl. */
static int set_neigh(const char *dev)
{
	struct arpreq r = { .arp_flags = ATF_PERM | ATF_COM };
	struct sockaddr_in *pa = (struct sockaddr_in *)&r.arp_pa;
	unsigned int mac[6];
	int fd, err = 0;

	pa->sin_family = AF_INET;
	inet_pton(AF_INET, PT_DEMO_PEER, &pa->sin_addr);
	r.arp_ha.sa_family = ARPHRD_ETHER;
	sscanf(PT_DEMO_PEER_MAC, "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3],
	       &mac[4], &mac[5]);
	for (int i = 0; i < 6; i++)
		r.arp_ha.sa_data[i] = (char)mac[i];
	snprintf(r.arp_dev, sizeof(r.arp_dev), "%s", dev);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCSARP, &r))
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "\npathtrace: demo: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
}

/* A socket's send and receive timeout: the demo's traffic is local, seconds are plenty. */
static void timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void peer_addr(struct sockaddr_in *a)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(PT_DEMO_PORT);
	inet_pton(AF_INET, PT_DEMO_PEER, &a->sin_addr);
}

/*
 * After its FIN: until the client's last ACK came (the socket closed), so
 * that the demo ends with every segment through the relay. 2 s at most.
 */
static void wait_closed(int fd)
{
	for (int i = 0; i < 2000; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || ti.tcpi_state == TCP_CLOSE)
			return;
		usleep(1000);
	}
}

/*
 * The server, in the peer's namespace: listens (then says so on @ready),
 * accepts one connection, reads to its end, closes its side. 0 if it got
 * PT_DEMO_TCP_BYTES, else 1 (said why).
 */
static int tcp_server(int peer_ns, int ready)
{
	struct sockaddr_in a;
	uint64_t got = 0;
	char buf[16384];
	ssize_t n;
	int lfd, fd;

	prctl(PR_SET_NAME, "demo-server");
	if (setns(peer_ns, CLONE_NEWNET)) {
		pt_err("demo: the server cannot enter its network namespace: %s", strerror(errno));
		return 1;
	}
	close(peer_ns);
	peer_addr(&a);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 1)) {
		pt_err("demo: the server cannot listen on %s port %d: %s", PT_DEMO_PEER,
		       PT_DEMO_PORT, strerror(errno));
		return 1;
	}
	timeouts(lfd);
	if (write(ready, "", 1) != 1)
		return 1;
	close(ready);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		pt_err("demo: the server had no connection: %s", strerror(errno));
		return 1;
	}
	timeouts(fd);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (uint64_t)n;
	if (n < 0)
		pt_err("demo: the server's read failed: %s", strerror(errno));
	shutdown(fd, SHUT_WR);
	wait_closed(fd);
	if (n < 0 || got != PT_DEMO_TCP_BYTES) {
		pt_err("demo: the server got %" PRIu64 " bytes, not %d", got, PT_DEMO_TCP_BYTES);
		return 1;
	}
	return 0;
}

/*
 * The client: connect, write PT_DEMO_TCP_BYTES in one write(), close its
 * side, wait for the server's close. 0, or -1 (said why).
 */
static int tcp_client(void)
{
	static char data[PT_DEMO_TCP_BYTES];
	struct sockaddr_in a;
	size_t off = 0;
	char c;
	int fd;

	peer_addr(&a);
	memset(data, 'x', sizeof(data));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	timeouts(fd);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		pt_err("demo: the client cannot connect to %s port %d: %s", PT_DEMO_PEER,
		       PT_DEMO_PORT, strerror(errno));
		close(fd);
		return -1;
	}
	while (off < sizeof(data)) {
		ssize_t n = write(fd, data + off, sizeof(data) - off);

		if (n <= 0) {
			pt_err("demo: the client's write failed: %s", strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	/* The server's close: its FIN reads as the end. */
	while (read(fd, &c, 1) > 0)
		;
	close(fd);
	return 0;
}

/* demo tcp: the server forked into the peer's namespace, the client here. */
static int tcp_experiment(const char *dev, int peer_ns)
{
	pid_t parent = getpid(), pid;
	int p[2], st, err;
	char c;

	say("a client (demo-client) sends %d bytes to a server (demo-server) at %s port %d: "
	    "through %s, then the relay to %s in the server's namespace", PT_DEMO_TCP_BYTES,
	    PT_DEMO_PEER, PT_DEMO_PORT, dev, PT_DEMO_PEER_DEV);
	if (pipe2(p, O_CLOEXEC) || (pid = fork()) < 0) {
		pt_err("demo: cannot start the server: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		close(p[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(1);
		_exit(tcp_server(peer_ns, p[1]));
	}
	kid_pid = pid;
	close(p[1]);
	close(peer_ns);
	prctl(PR_SET_NAME, "demo-client");
	/* Listening, or gone (and said why). */
	err = read(p[0], &c, 1) == 1 ? tcp_client() : -1;
	close(p[0]);
	if (err)
		kill(pid, SIGTERM);
	st = reap_kid(pid);
	return err || st ? 1 : 0;
}

static int experiment(bool tap, const char *dev)
{
	unsigned int ifindex = if_nametoindex(dev);
	int err;

	say("ping -c 3 %s: through %s, a %s device%s", PT_DEMO_PEER, dev, tap ? "TAP" : "TUN",
	    tap ? ", with no neighbour entry for " PT_DEMO_PEER : "");
	if (ping(tap ? PING_TAP_WAIT : "1"))
		return 1;
	if (!tap)
		return 0;
	wait_neigh_settled(ifindex);
	err = set_neigh(dev);
	if (err) {
		fprintf(stderr, "pathtrace: demo: cannot add a neighbour entry: %s\n",
			strerror(-err));
		return 1;
	}
	say("ip neigh replace %s lladdr %s dev %s (a static entry), then ping -c 3 %s again",
	    PT_DEMO_PEER, PT_DEMO_PEER_MAC, dev, PT_DEMO_PEER);
	return ping("1") ? 1 : 0;
}

/* All descriptors closed but @keep (if any). */
static void close_all_but(int keep)
{
	if (keep < 3) {
		close_range(3, ~0U, 0);
		return;
	}
	if (keep > 3)
		close_range(3, (unsigned int)keep - 1, 0);
	close_range((unsigned int)keep + 1, ~0U, 0);
}

pid_t pt_demo_start(enum pt_demo kind, const char *dev, int peer_ns)
{
	pid_t parent = getpid(), pid;
	sigset_t none;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pt_err("demo: fork: %s", strerror(errno));
		return -1;
	}
	if (pid)
		return pid;
	/*
	 * The child: only what ping and the ioctls need (TCP: the server's
	 * namespace), and it ends with pathtrace.
	 */
	close_all_but(peer_ns);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_term);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(1);
	_exit(kind == PT_DEMO_TCP ? tcp_experiment(dev, peer_ns) :
				    experiment(kind == PT_DEMO_TAP, dev));
}

int pt_demo_stop(pid_t pid)
{
	int st = 0;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 128)
		return -1;	/* ended here, by the signal */
	return WEXITSTATUS(st) ? 1 : 0;
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* demo tcp: the connection's segments; the handshake and the first data segment held. */
static enum pt_demo_show count_tcp(struct pt_demo_tcp *t, const struct pt_journey *j)
{
	uint8_t flags = j->flow.icmp_type;
	uint32_t payload = pt_flow_tcp_payload(&j->flow);
	bool retrans = j->have_kernel && (j->ev.flags & PT_EV_RETRANS);
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n;

	if (j->flow.proto != PT_IPPROTO_TCP)
		return PT_DEMO_SHOW;	/* not the experiment's: said in full */
	if (j->rx) {
		t->in++;
		t->fin_in |= flags & TCP_FIN;
		if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && !t->synack) {
			t->synack = true;
			return PT_DEMO_HOLD_SYNACK;
		}
		return PT_DEMO_QUIET;
	}
	if (j->status != PT_J_READ) {
		t->unread++;
		return PT_DEMO_SHOW;
	}
	if (flags & TCP_FIN) {
		t->fin = true;
		t->fin_with_data = payload;
	}
	if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && !t->syn) {
		t->syn = true;
		t->sport = j->flow.sport;
		return PT_DEMO_HOLD_SYN;
	}
	if (!payload) {
		/* The first bare ACK: the handshake's third step. */
		if (flags == TCP_ACK && t->syn && !t->ack && !t->data) {
			t->ack = true;
			return PT_DEMO_HOLD_ACK;
		}
		t->other_out++;
		return PT_DEMO_QUIET;
	}
	if (retrans) {
		t->retrans++;
	} else {
		t->data++;
		t->bytes += payload;
	}
	if (payload > t->mss)
		t->mss = payload;
	n = pt_journey_stages(j, st);
	if (n && (!t->t_first || st[0].t_ns < t->t_first))
		t->t_first = st[0].t_ns;
	if (n && st[n - 1].t_ns > t->t_last)
		t->t_last = st[n - 1].t_ns;
	/* Out of memory: the histograms have one segment less (it was counted). */
	pt_jhists_add(&t->hists, st, n);
	return t->data + t->retrans == 1 ? PT_DEMO_HOLD_DATA : PT_DEMO_QUIET;
}

void pt_demo_tally_free(struct pt_demo_tally *t)
{
	pt_jhists_free(&t->tcp.hists);
}

enum pt_demo_show pt_demo_count(struct pt_demo_tally *t, enum pt_demo kind,
				const struct pt_journey *j)
{
	bool arp = j->flow.family == PT_FAM_ARP;
	uint8_t proto = arp ? (uint8_t)j->flow.sport : j->flow.proto;
	typeof(t->run[0]) *r = t->nr ? &t->run[t->nr - 1] : NULL;

	if (kind == PT_DEMO_TCP)
		return count_tcp(&t->tcp, j);
	if (j->rx || !j->have_read) {
		t->other++;
		return PT_DEMO_SHOW;
	}
	if (r && r->arp == arp && r->proto == proto && r->len == j->read_len) {
		r->n++;
		return PT_DEMO_SHOW;
	}
	if (t->nr == sizeof(t->run) / sizeof(t->run[0])) {
		t->other++;
		return PT_DEMO_SHOW;
	}
	t->run[t->nr++] = (typeof(t->run[0])){ .arp = arp, .proto = proto,
					       .len = j->read_len, .n = 1 };
	return PT_DEMO_SHOW;
}

static bool is_run(const struct pt_demo_tally *t, unsigned int i, bool arp, uint8_t proto,
		   uint32_t len)
{
	return i < t->nr && t->run[i].arp == arp && t->run[i].proto == proto &&
	       t->run[i].len == len;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static int summary_tcp(FILE *out, const struct pt_demo_tcp *t, const char *dev)
{
	bool ok = t->syn && t->synack && t->ack && t->fin && t->bytes == PT_DEMO_TCP_BYTES &&
		  !t->unread;

	fprintf(out, "What went through %s (TUN) and the relay, from the client 192.0.2.1",
		dev);
	if (t->sport)
		fprintf(out, " port %u", t->sport);
	fprintf(out, " to the server %s port %d:\n", PT_DEMO_PEER, PT_DEMO_PORT);
	fprintf(out, "  the handshake: %s, %s, %s\n", t->syn ? "SYN out" : "no SYN out",
		t->synack ? "SYN-ACK in" : "no SYN-ACK in", t->ack ? "ACK out" : "no ACK out");
	fprintf(out, "  %" PRIu64 " TCP segment%s carrying %" PRIu64 " bytes, at most %u each "
		"(the MSS): one write() of %d bytes, cut by TCP\n", t->data, plural(t->data),
		t->bytes, t->mss, PT_DEMO_TCP_BYTES);
	if (t->retrans)
		fprintf(out, "  %" PRIu64 " data segment%s sent again (retransmissions)\n",
			t->retrans, plural(t->retrans));
	fprintf(out, "  %s", !t->fin ? "no FIN from the client" : t->fin_with_data ?
		"the client's FIN, on its last data segment" : "the client's FIN");
	fprintf(out, "%s\n", t->fin_in ? ", and the server's" : "");
	fprintf(out, "  and %" PRIu64 " segment%s more out without data, %" PRIu64
		" in from the server (its SYN-ACK, ACKs and FIN)\n", t->other_out,
		plural(t->other_out), t->in);
	if (t->unread)
		fprintf(out, "  %" PRIu64 " segment%s out not read\n", t->unread,
			plural(t->unread));
	fprintf(out, "The reader reads no offloads from a TUN device, so the kernel cut the "
		"large packets TCP queued into segments of one MSS after the device queue "
		"(GSO): each is a journey of its own.\n");
	if (!ok)
		fprintf(out, "This is not the experiment's usual result: expected the "
			"handshake, %d bytes in data segments all read, and the client's FIN\n",
			PT_DEMO_TCP_BYTES);
	return ok ? 0 : 1;
}

int pt_demo_summary(FILE *out, const struct pt_demo_tally *t, enum pt_demo kind,
		    const char *dev)
{
	bool tap = kind == PT_DEMO_TAP;
	const unsigned int eth = tap ? 14 : 0;
	bool ok;

	if (kind == PT_DEMO_TCP)
		return summary_tcp(out, &t->tcp, dev);

	fprintf(out, "What the reader got from %s (%s):\n", dev, tap ? "TAP" : "TUN");
	if (!t->nr)
		fprintf(out, "  nothing\n");
	for (unsigned int i = 0; i < t->nr; i++) {
		const typeof(t->run[0]) *r = &t->run[i];
		const char *s = r->n == 1 ? "" : "s";

		if (r->arp)
			fprintf(out, "  %" PRIu64 " ARP %s%s of %u bytes (14 Ethernet + 28 ARP)%s\n",
				r->n, r->proto == 1 ? "request" : r->proto == 2 ? "reply" : "frame",
				s, r->len, r->proto == 1 ? ": who has " PT_DEMO_PEER "? "
				"No one answered, and the pings waiting for it were dropped" : "");
		else if (tap)
			fprintf(out, "  %" PRIu64 " Ethernet frame%s of %u bytes (14 Ethernet + %u IP)%s\n",
				r->n, s, r->len, r->len > eth ? r->len - eth : 0,
				r->proto == PT_IPPROTO_ICMP ? ": the ICMP echo requests, the "
				"neighbour now known" : "");
		else
			fprintf(out, "  %" PRIu64 " IP packet%s of %u bytes%s\n", r->n, s, r->len,
				r->proto == PT_IPPROTO_ICMP && r->len == 84 ?
				" (20 IP + 8 ICMP + 56 data): the ICMP echo requests" : "");
	}
	if (t->other)
		fprintf(out, "  and %" PRIu64 " packet%s more, or not read\n", t->other,
			t->other == 1 ? "" : "s");
	if (tap) {
		ok = t->nr == 2 && is_run(t, 0, true, 1, 42) &&
		     is_run(t, 1, false, PT_IPPROTO_ICMP, 98) && t->run[1].n == 3 && !t->other;
		fprintf(out, "A TAP device works at layer 2: the reader gets whole Ethernet frames, "
			"and the kernel must first learn the peer's MAC address with ARP.\n");
	} else {
		ok = t->nr == 1 && is_run(t, 0, false, PT_IPPROTO_ICMP, 84) && t->run[0].n == 3 &&
		     !t->other;
		fprintf(out, "A TUN device works at layer 3: the reader gets bare IP packets, "
			"no Ethernet header, no ARP.\n");
	}
	if (!ok)
		fprintf(out, "This is not the experiment's usual result: %s\n", tap ?
			"expected ARP requests of 42 bytes, then 3 frames of 98 bytes" :
			"expected 3 IP packets of 84 bytes");
	return ok ? 0 : 1;
}
