// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/ipv6.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tundev.h"
#include "util.h"

/* An ifreq naming @name (at most IFNAMSIZ - 1 bytes, checked by the CLI). */
static void ifr_init(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* The driver behind a device of this netns: "tun" for TUN and TAP. */
static int dev_driver(const char *name, char *drv, size_t len, char *bus, size_t blen)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ifr_init(&ifr, name);
	ifr.ifr_data = (void *)&info;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	close(s);
	if (!err) {
		snprintf(drv, len, "%s", info.driver);
		snprintf(bus, blen, "%s", info.bus_info);
	}
	return err;
}

/*
 * Another process of this network namespace holding the device open for
 * reading: pid and comm from /proc/PID/fdinfo ("iff:" names a tun file's
 * device; the name alone could be a device of another namespace). 0 if
 * none found.
 */
static pid_t find_reader(const char *name, char *comm, size_t len)
{
	char path[320], buf[512], want[IFNAMSIZ + 8];
	struct stat self_ns, ns;
	struct dirent *p, *f;
	DIR *proc, *fds;
	pid_t self = getpid(), found = 0;

	if (stat("/proc/self/ns/net", &self_ns))
		return 0;
	snprintf(want, sizeof(want), "iff:\t%s\n", name);
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!found && (p = readdir(proc))) {
		pid_t pid = (pid_t)strtol(p->d_name, NULL, 10);

		if (pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &ns) || ns.st_ino != self_ns.st_ino ||
		    ns.st_dev != self_ns.st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, f->d_name);
			if (!read_file(path, buf, sizeof(buf)) && strstr(buf, want)) {
				found = pid;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (found) {
		snprintf(path, sizeof(path), "/proc/%d/comm", found);
		if (read_file(path, comm, len))
			snprintf(comm, len, "?");
		comm[strcspn(comm, "\n")] = '\0';
	}
	return found;
}

/* The flags an existing device was made with, from sysfs if it shows this netns. */
static int existing_flags(const char *name, unsigned int ifindex, short *flags)
{
	char path[96], buf[32];
	unsigned long v;

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
	if (read_file(path, buf, sizeof(buf)) || strtoul(buf, NULL, 10) != ifindex)
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	if (read_file(path, buf, sizeof(buf)))
		return -ENOENT;
	v = strtoul(buf, NULL, 16);
	*flags = (short)(v & (IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE |
			      IFF_VNET_HDR));
	return 0;
}

/* /proc/sys/net/ipv6/conf/DEV/@key = @val; a warning if it cannot be. */
static void set_conf6(const char *dev, const char *key, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", dev, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		pt_warn("cannot set %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int set_addr6(const char *name, unsigned int ifindex, const struct pt_ifaddr *a)
{
	/* Zeroed as large as the ifreq the SIOCSIF* ioctls are declared with. */
	union { struct in6_ifreq r; struct ifreq ifr; } u = { 0 };
	struct in6_ifreq *r = &u.r;
	char s6[INET6_ADDRSTRLEN];
	int s, err = 0;

	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		pt_warn("no IPv6 here (%s): %s gets no IPv6 address", strerror(errno), name);
		return 0;
	}
	r->ifr6_addr = a->in6;
	r->ifr6_prefixlen = a->prefix;
	r->ifr6_ifindex = (int)ifindex;
	if (ioctl(s, SIOCSIFADDR, r) < 0) {
		err = -errno;
		pt_err("cannot set IPv6 address %s/%u of %s: %s",
		       inet_ntop(AF_INET6, &a->in6, s6, sizeof(s6)) ?: "?", a->prefix,
		       name, strerror(errno));
	}
	close(s);
	return err;
}

/* IPv6 on @name with the addresses of @a (off if it has none). */
static int set_ipv6(const char *name, unsigned int ifindex, const struct pt_ifaddr *a,
		    unsigned int n)
{
	bool any = false;
	int err;

	for (unsigned int i = 0; i < n; i++)
		any |= a[i].family == AF_INET6;
	if (!any) {
		set_conf6(name, "disable_ipv6", "1");
		return 0;
	}
	/*
	 * IPv6 without the traffic nobody sent: no router solicitations, no
	 * link-local address, no duplicate address detection (the address is
	 * usable at once).
	 */
	set_conf6(name, "router_solicitations", "0");
	set_conf6(name, "addr_gen_mode", "1");
	set_conf6(name, "accept_dad", "0");
	set_conf6(name, "disable_ipv6", "0");
	for (unsigned int i = 0; i < n; i++) {
		if (a[i].family != AF_INET6)
			continue;
		err = set_addr6(name, ifindex, &a[i]);
		if (err)
			return err;
	}
	return 0;
}

/* The IPv4 address @a (if any), the MTU @mtu (if any), and up. */
static int set_addr_up(const char *name, const struct pt_ifaddr *a, unsigned int mtu)
{
	struct sockaddr_in *sin;
	struct ifreq ifr = { 0 };
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ifr_init(&ifr, name);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	if (a) {
		sin->sin_addr = a->in;
		if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
			err = -errno;
			pt_err("cannot set address of %s: %s", name, strerror(errno));
			goto out;
		}
		sin->sin_addr.s_addr = a->prefix ? htonl(~0u << (32 - a->prefix)) : 0;
		if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) {
			err = -errno;
			pt_err("cannot set netmask of %s: %s", name, strerror(errno));
			goto out;
		}
	}
	ifr.ifr_mtu = (int)mtu;
	if (mtu && ioctl(s, SIOCSIFMTU, &ifr) < 0) {
		err = -errno;
		pt_err("cannot set the MTU of %s to %u: %s", name, mtu, strerror(errno));
		goto out;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		err = -errno;
		pt_err("cannot bring %s up: %s", name, strerror(errno));
	}
out:
	close(s);
	return err;
}

int pt_tun_setup(const struct pt_tun *t, const struct pt_ifaddr *a, unsigned int n,
		 unsigned int mtu)
{
	const struct pt_ifaddr *v4 = NULL;
	int err = set_ipv6(t->name, t->ifindex, a, n);

	if (err)
		return err;
	for (unsigned int i = 0; i < n && !v4; i++)
		if (a[i].family == AF_INET)
			v4 = &a[i];
	return set_addr_up(t->name, v4, mtu);
}

int pt_tun_mtu(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		return -errno;
	ifr_init(&ifr, name);
	err = ioctl(s, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
	close(s);
	return err;
}

static bool dev_is_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (s < 0)
		return false;
	ifr_init(&ifr, name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
		up = ifr.ifr_flags & IFF_UP;
	close(s);
	return up;
}

/*
 * Open /dev/net/tun for device t->name of the current netns, @flags as
 * TUNSETIFF takes them: created (gone when t->fd closes) unless @existing.
 */
static int tun_attach(struct pt_tun *t, short flags, bool existing)
{
	struct ifreq ifr = { 0 };
	struct stat st;
	int err;

	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		pt_err("cannot open /dev/net/tun: %s%s", strerror(errno),
		       errno == ENOENT ? " (kernel without TUN support?)" :
		       errno == EACCES || errno == EPERM ? " (needs root)" : "");
		return err;
	}
	ifr_init(&ifr, t->name);
	ifr.ifr_flags = flags;
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		if (errno == EBUSY)
			pt_err("device %s is busy: another process reads it", t->name);
		else if (errno == EPERM)
			pt_err("cannot %s device %s: permission denied (needs root or CAP_NET_ADMIN)",
			       existing ? "attach to" : "create", t->name);
		else
			pt_err("cannot %s device %s: %s", existing ? "attach to" : "create",
			       t->name, strerror(errno));
		pt_tun_close(t);
		return err;
	}
	t->created = !existing;
	t->pi = !(flags & IFF_NO_PI);
	t->tap = flags & IFF_TAP;
	t->ifindex = if_nametoindex(t->name);
	if (!t->ifindex || stat("/proc/self/ns/net", &st)) {
		err = -errno;
		pt_err("cannot find device %s after attaching: %s", t->name, strerror(errno));
		pt_tun_close(t);
		return err;
	}
	t->netns = (uint32_t)st.st_ino;
	return 0;
}

int pt_tun_open(struct pt_tun *t, const struct pt_opts *o)
{
	char drv[32] = "", bus[32] = "", comm[32];
	short flags = IFF_TUN | IFF_NO_PI;
	unsigned int existing = if_nametoindex(o->dev);
	struct stat st;
	pid_t reader;
	int err;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	snprintf(t->name, sizeof(t->name), "%s", o->dev);

	if (existing) {
		if (dev_driver(o->dev, drv, sizeof(drv), bus, sizeof(bus)) ||
		    strcmp(drv, "tun")) {
			pt_err("device %s is not a TUN/TAP device (driver %s)", o->dev,
			       drv[0] ? drv : "unknown");
			return -ENOTTY;
		}
		reader = find_reader(o->dev, comm, sizeof(comm));
		if (reader && !strcmp(comm, "pathtrace")) {
			pt_err("device %s is already traced by pathtrace (pid %d)", o->dev, reader);
			return -EBUSY;
		}
		if (reader && (o->echo || o->relay || o->write_file)) {
			pt_err("device %s is read by another process (%s, pid %d): %s needs "
			       "pathtrace to be its reader", o->dev, comm, reader,
			       o->echo ? "--echo" : o->relay ? "--relay" : "-w");
			return -EBUSY;
		}
		/* tun's ethtool bus_info names the kind: "tun" or "tap". */
		flags = strcmp(bus, "tap") ? IFF_TUN | IFF_NO_PI : IFF_TAP | IFF_NO_PI;
		if (existing_flags(o->dev, existing, &flags))
			pt_warn("cannot read the flags of %s from sysfs: attaching "
				"with IFF_%s|IFF_NO_PI", o->dev, flags & IFF_TAP ? "TAP" : "TUN");
		if (o->tap && !(flags & IFF_TAP)) {
			pt_err("device %s is a TUN device, not TAP (--tap given)", o->dev);
			return -EINVAL;
		}
		if (flags & IFF_VNET_HDR && !reader) {
			pt_err("device %s uses virtio-net headers (IFF_VNET_HDR): not supported",
			       o->dev);
			return -EOPNOTSUPP;
		}
		if (reader) {
			/* Its reads are followed: pathtrace does not read, nor attach. */
			t->foreign_pid = reader;
			snprintf(t->foreign_comm, sizeof(t->foreign_comm), "%s", comm);
			t->tap = flags & IFF_TAP;
			t->ifindex = existing;
			if (stat("/proc/self/ns/net", &st))
				return -errno;
			t->netns = (uint32_t)st.st_ino;
			return 0;
		}
	} else if (o->no_create) {
		pt_err("device %s does not exist (--no-create given)", o->dev);
		return -ENODEV;
	} else if (o->tap) {
		flags = IFF_TAP | IFF_NO_PI;
	}

	err = tun_attach(t, flags, existing);
	if (err)
		return err;
	if (!t->created) {
		if (!dev_is_up(t->name))
			pt_warn("device %s is down: no packet will reach it until it is up",
				t->name);
	}
	return 0;
}

int pt_tun_create(struct pt_tun *t, const char *name, bool tap)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	return tun_attach(t, (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI, false);
}

int pt_tun_configure(struct pt_tun *t, const struct pt_opts *o)
{
	struct pt_ifaddr a[2] = {
		{ .family = AF_INET, .in = o->addr, .prefix = o->prefix },
		{ .family = AF_INET6, .in6 = o->addr6, .prefix = o->prefix6 },
	};

	return t->created ? pt_tun_setup(t, a, o->no_addr6 ? 1 : 2, 0) : 0;
}

void pt_tun_close(struct pt_tun *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
