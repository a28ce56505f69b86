// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's untraced reader: creates TUN device NAME, writes
 * READY_FILE, reads what arrives the way pathtrace does (epoll, non-blocking
 * reads; with "busy", as pathtrace --busy-poll does: epoll without ever
 * sleeping; with "echo", it writes back each packet's answer, as pathtrace
 * --echo does, with its code: user/echo.c; with "tap", the device is a TAP
 * device and it reads Ethernet frames), and on SIGINT/SIGTERM prints how
 * many packets it read.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "echo.h"

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[2];
	struct ifreq ifr = { 0 };
	unsigned long long reads = 0;
	unsigned char buf[65536], out[65536];
	int fd, sfd, ep, rfd, stop = 0, timeout = 100, echo = 0, tap = 0;
	sigset_t mask;

	const char *how = argc == 4 ? argv[3] : "";

	if (!strcmp(how, "busy"))
		timeout = 0;	/* never sleep */
	echo = !strcmp(how, "echo");
	tap = !strcmp(how, "tap");
	if (argc < 3 || argc > 4 || (argc == 4 && timeout && !echo && !tap) ||
	    strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: tunsink NAME READY_FILE [busy|echo|tap]\n");
		return 2;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, 0);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0 || sfd < 0) {
		perror("tunsink");
		return 1;
	}
	ifr.ifr_flags = (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
	memcpy(ifr.ifr_name, argv[1], strlen(argv[1]));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("TUNSETIFF");
		return 1;
	}
	ep = epoll_create1(0);
	ev.data.fd = fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	rfd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rfd < 0) {
		perror(argv[2]);
		return 1;
	}
	close(rfd);
	while (!stop) {
		int n = epoll_wait(ep, evs, 2, timeout);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == sfd) {
				stop = 1;
				continue;
			}
			for (int k = 0; k < 64; k++) {
				ssize_t r = read(fd, buf, sizeof(buf));
				size_t a;

				if (r < 0)
					break;
				reads++;
				a = echo ? pt_echo_reply(buf, (size_t)r, false, out, sizeof(out)) : 0;
				if (a && write(fd, out, a) < 0)
					break;	/* as --echo: a full device drops the answer */
			}
		}
	}
	printf("%llu\n", reads);
	return 0;
}
