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
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "demo.h"
#include "packet.h"
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

int pt_demo_enter(void)
{
	if (!in_path("ping")) {
		pt_err("demo: ping is not installed (Debian: iputils-ping)");
		return -1;
	}
	if (unshare(CLONE_NEWNET)) {
		pt_err("demo: cannot make a network namespace: %s%s", strerror(errno),
		       errno == EPERM ? " (needs root)" : "");
		return -1;
	}
	pt_info("demo: in a network namespace of its own, gone when the demo ends");
	return 0;
}

static volatile pid_t ping_pid;

static void on_term(int sig)
{
	if (ping_pid > 0) {
		kill(ping_pid, SIGKILL);
		waitpid(ping_pid, NULL, 0);	/* not left a zombie */
	}
	_exit(128 + sig);
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
	ping_pid = pid;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ping_pid = 0;
	return WIFEXITED(st) && WEXITSTATUS(st) <= 1 ? 0 : -1;
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

pid_t pt_demo_start(bool tap, const char *dev)
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
	/* The child: only what ping and the ioctls need, and it ends with pathtrace. */
	close_range(3, ~0U, 0);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_term);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(1);
	_exit(experiment(tap, dev));
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

void pt_demo_count(struct pt_demo_tally *t, const struct pt_journey *j)
{
	bool arp = j->flow.family == PT_FAM_ARP;
	uint8_t proto = arp ? (uint8_t)j->flow.sport : j->flow.proto;
	typeof(t->run[0]) *r = t->nr ? &t->run[t->nr - 1] : NULL;

	if (j->rx || !j->have_read) {
		t->other++;
		return;
	}
	if (r && r->arp == arp && r->proto == proto && r->len == j->read_len) {
		r->n++;
		return;
	}
	if (t->nr == sizeof(t->run) / sizeof(t->run[0])) {
		t->other++;
		return;
	}
	t->run[t->nr++] = (typeof(t->run[0])){ .arp = arp, .proto = proto,
					       .len = j->read_len, .n = 1 };
}

static bool is_run(const struct pt_demo_tally *t, unsigned int i, bool arp, uint8_t proto,
		   uint32_t len)
{
	return i < t->nr && t->run[i].arp == arp && t->run[i].proto == proto &&
	       t->run[i].len == len;
}

int pt_demo_summary(FILE *out, const struct pt_demo_tally *t, bool tap, const char *dev)
{
	const unsigned int eth = tap ? 14 : 0;
	bool ok;

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
