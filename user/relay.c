// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* setns */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "echo.h"
#include "output.h"
#include "relay.h"
#include "util.h"

#define PI_LEN 4	/* struct tun_pi: flags, protocol */

void pt_relay_init(struct pt_relay *r, const struct pt_tun *dev)
{
	memset(r, 0, sizeof(*r));
	r->dev = dev;
	r->peer.fd = -1;
	r->ns_fd = -1;
	r->home_fd = -1;
}

static void close_ns(struct pt_relay *r)
{
	if (r->ns_fd >= 0)
		close(r->ns_fd);
	if (r->home_fd >= 0)
		close(r->home_fd);
	r->ns_fd = r->home_fd = -1;
}

/* Into PEERNS (@in) or back home. 0 or -1 (said why). */
static int switch_ns(struct pt_relay *r, bool in)
{
	if (!setns(in ? r->ns_fd : r->home_fd, CLONE_NEWNET))
		return 0;
	if (in)
		pt_err("cannot enter network namespace %s: %s", r->ns, strerror(errno));
	else
		pt_err("cannot return to pathtrace's own network namespace: %s", strerror(errno));
	return -1;
}

/* In PEERNS: IFACE must not exist there. 0 or -1 (said why). */
static int peer_absent(const struct pt_relay *r, const char *dev)
{
	if (!if_nametoindex(dev))
		return 0;
	pt_err("device %s already exists in network namespace %s: --relay makes its own", dev,
	       r->ns);
	return -1;
}

void pt_relay_adopt_ns(struct pt_relay *r, int fd, const char *name)
{
	r->ns_fd = fd;
	snprintf(r->ns, sizeof(r->ns), "%s", name);
}

/* PEERNS by its name. 0 or -1 (said why). */
static int open_ns(struct pt_relay *r, const char *name)
{
	char path[sizeof(r->ns) + 16];

	snprintf(r->ns, sizeof(r->ns), "%s", name);
	/* iproute2's NETNS_RUN_DIR (on most systems /var/run is /run) */
	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	r->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->ns_fd >= 0)
		return 0;
	if (errno == ENOENT)
		pt_err("network namespace %s does not exist (no %s; make it with "
		       "ip netns add %s)", r->ns, path, r->ns);
	else
		pt_err("cannot open network namespace %s: %s", path, strerror(errno));
	return -1;
}

int pt_relay_check(struct pt_relay *r, const struct pt_opts *o)
{
	struct stat ns, home;
	int err;

	if (r->ns_fd < 0 && open_ns(r, o->relay_ns))
		return -1;
	r->home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (r->home_fd < 0 || fstat(r->ns_fd, &ns) || fstat(r->home_fd, &home)) {
		pt_err("cannot read network namespaces: %s", strerror(errno));
		return -1;
	}
	if (ns.st_dev == home.st_dev && ns.st_ino == home.st_ino) {
		pt_err("network namespace %s is pathtrace's own, where %s is: --relay needs "
		       "another one", r->ns, o->dev);
		return -1;
	}
	if (switch_ns(r, true))
		return -1;
	err = peer_absent(r, o->relay_dev);
	return switch_ns(r, false) || err ? -1 : 0;
}

int pt_relay_open(struct pt_relay *r, const struct pt_opts *o)
{
	int err;

	if (switch_ns(r, true))
		return -1;
	err = peer_absent(r, o->relay_dev);
	if (!err)
		err = pt_tun_create(&r->peer, o->relay_dev, r->dev->tap);
	if (switch_ns(r, false) || err) {
		pt_tun_close(&r->peer);
		return -1;
	}
	return 0;
}

int pt_relay_configure(struct pt_relay *r, const struct pt_opts *o)
{
	int mtu = pt_tun_mtu(r->dev->name), err;

	if (mtu < 0) {
		pt_err("cannot read the MTU of %s: %s", r->dev->name, strerror(-mtu));
		return -1;
	}
	if (switch_ns(r, true))
		return -1;
	err = pt_tun_setup(&r->peer, o->relay_addrs, o->nr_relay_addrs, (unsigned int)mtu);
	if (switch_ns(r, false) || err)
		return -1;
	close_ns(r);
	pt_info("relay: %s %s in network namespace %s (ifindex %u, MTU %d, created by "
		"pathtrace, removed at exit): what %s sends goes there, what it sends comes back",
		r->peer.tap ? "TAP" : "TUN", r->peer.name, r->ns, r->peer.ifindex, mtu,
		r->dev->name);
	return 0;
}

static void write_failed(struct pt_relay *r, const char *dev)
{
	if (!r->failed++)
		pt_warn("relay: cannot write into %s: %s (counted from now on)", dev,
			strerror(errno));
}

void pt_relay_to_peer(struct pt_relay *r, const uint8_t *p, size_t len)
{
	if (write(r->peer.fd, p, len) == (ssize_t)len)
		r->to_peer++;
	else
		write_failed(r, r->peer.name);
}

/* The packet information the traced device wants before @len bytes at @p. */
static void put_pi(const struct pt_tun *dev, uint8_t *pi, const uint8_t *p, size_t len)
{
	uint16_t proto = 0;

	if (dev->tap && len >= 14)
		proto = (uint16_t)(p[12] << 8 | p[13]);
	else if (!dev->tap && len)
		proto = p[0] >> 4 == 6 ? 0x86dd : 0x0800;
	pi[0] = pi[1] = 0;
	pi[2] = (uint8_t)(proto >> 8);
	pi[3] = (uint8_t)proto;
}

int pt_relay_from_peer(struct pt_relay *r, unsigned int max)
{
	static uint8_t buf[PI_LEN + 65536];
	size_t off = r->dev->pi ? 0 : PI_LEN;

	for (unsigned int i = 0; i < max; i++) {
		ssize_t n = read(r->peer.fd, buf + PI_LEN, sizeof(buf) - PI_LEN);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			pt_err("relay: cannot read from %s: %s", r->peer.name, strerror(errno));
			return -errno;
		}
		if (r->dev->pi)
			put_pi(r->dev, buf, buf + PI_LEN, (size_t)n);
		if (write(r->dev->fd, buf + off, (size_t)n + PI_LEN - off) ==
		    (ssize_t)((size_t)n + PI_LEN - off))
			r->from_peer++;
		else
			write_failed(r, r->dev->name);
	}
	return 0;
}

void pt_relay_close(struct pt_relay *r)
{
	pt_tun_close(&r->peer);
	close_ns(r);
}

void pt_relay_summary(const struct pt_relay *r, const struct pt_rxjoin *in, bool hist)
{
	char way[256] = "their way in is not followed with --hist";

	if (!hist)
		pt_rxjoin_text(in, way, sizeof(way));
	pt_info("relay: %" PRIu64 " packets relayed from %s to %s:%s, %" PRIu64
		" from %s:%s into %s, %" PRIu64 " writes failed; %s", r->to_peer,
		r->dev->name, r->ns, r->peer.name, r->from_peer, r->ns, r->peer.name,
		r->dev->name, r->failed, way);
}

void pt_relay_json(const struct pt_relay *r, FILE *out)
{
	fprintf(out, ",\"relay\":{\"netns\":");
	pt_json_str(out, r->ns, sizeof(r->ns));
	fprintf(out, ",\"dev\":");
	pt_json_str(out, r->peer.name, sizeof(r->peer.name));
	fprintf(out, ",\"to_peer\":%" PRIu64 ",\"from_peer\":%" PRIu64
		",\"write_failures\":%" PRIu64 "}", r->to_peer, r->from_peer, r->failed);
}
