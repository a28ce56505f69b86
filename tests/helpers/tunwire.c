// SPDX-License-Identifier: GPL-2.0
/*
 * A wire between two network namespaces, as a VPN daemon reads its TUN
 * device: creates TUN device DEVA in namespace NSA and DEVB in NSB
 * (/var/run/netns names), stays in NSA, writes READY_FILE, then forwards every packet
 * read from one into the other until SIGINT or SIGTERM. At exit it writes
 * to COUNT_FILE what it forwarded: "a2b N", "a2b_tcp N" (TCP segments
 * read from DEVA), "a2b_tcp_data N" (those with a payload), "b2a N",
 * "dropped N".
 * With DROP (a number K > 0), the K-th to K+2-th TCP data segments read from
 * DEVA are not forwarded (a loss the sender must retransmit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Open TUN device @name inside network namespace @ns. */
static int tun_in(const char *ns, const char *name)
{
	struct ifreq ifr = { 0 };
	char path[256];
	int nsfd, fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	nsfd = open(path, O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror(path);
		return -1;
	}
	close(nsfd);
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) {
		perror("/dev/net/tun");
		return -1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("TUNSETIFF");
		return -1;
	}
	return fd;
}

/*
 * 0: not TCP (IPv4, or IPv6 without extension headers); 1: a TCP segment
 * without payload; 2: with.
 */
static int tcp_kind(const unsigned char *p, ssize_t n)
{
	unsigned int l3, tot;

	if (n >= 20 && p[0] >> 4 == 4 && p[9] == 6) {
		l3 = (p[0] & 0xf) * 4;
		tot = (unsigned int)(p[2] << 8 | p[3]);
	} else if (n >= 40 && p[0] >> 4 == 6 && p[6] == 6) {
		l3 = 40;
		tot = 40 + (unsigned int)(p[4] << 8 | p[5]);
	} else {
		return 0;
	}
	if ((ssize_t)l3 + 20 > n)
		return 0;
	return tot > l3 + (p[l3 + 12] >> 4) * 4u ? 2 : 1;
}

int main(int argc, char **argv)
{
	unsigned long a2b = 0, tcp = 0, data = 0, b2a = 0, dropped = 0, drop = 0;
	static unsigned char buf[65536];
	struct pollfd pfd[2];
	FILE *f;
	int fa, fb;

	if (argc < 7 || argc > 8) {
		fprintf(stderr, "usage: tunwire NSA DEVA NSB DEVB READY_FILE COUNT_FILE [DROP]\n");
		return 2;
	}
	if (argc == 8)
		drop = strtoul(argv[7], NULL, 10);
	/* B first: the wire stays in A's namespace, as a VPN daemon in its device's. */
	fb = tun_in(argv[3], argv[4]);
	fa = fb < 0 ? -1 : tun_in(argv[1], argv[2]);
	if (fa < 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	f = fopen(argv[5], "w");
	if (!f)
		return 1;
	fclose(f);
	pfd[0] = (struct pollfd){ .fd = fa, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fb, .events = POLLIN };
	while (!stop) {
		ssize_t n;

		if (poll(pfd, 2, 100) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & POLLIN) {
			n = read(fa, buf, sizeof(buf));
			if (n > 0) {
				int k = tcp_kind(buf, n);

				a2b++;
				tcp += k > 0;
				if (k == 2 && ++data >= drop && drop && data < drop + 3)
					dropped++;
				else if (write(fb, buf, (size_t)n) < 0 && errno != EIO)
					perror("write B");	/* EIO: B not up yet */
			}
		}
		if (pfd[1].revents & POLLIN) {
			n = read(fb, buf, sizeof(buf));
			if (n > 0) {
				b2a++;
				if (write(fa, buf, (size_t)n) < 0 && errno != EIO)
					perror("write A");
			}
		}
	}
	f = fopen(argv[6], "w");
	if (!f)
		return 1;
	fprintf(f, "a2b %lu\na2b_tcp %lu\na2b_tcp_data %lu\nb2a %lu\ndropped %lu\n", a2b, tcp,
		data, b2a, dropped);
	fclose(f);
	return 0;
}
