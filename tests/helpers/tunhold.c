// SPDX-License-Identifier: GPL-2.0
/*
 * Plays a foreign reader (a VPN daemon): attaches to TUN device NAME,
 * creating it if needed, writes READY_FILE, then waits for a signal; with a
 * third argument "read", reads what arrives until then.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct ifreq ifr = { 0 };
	int fd, rfd;

	if (argc < 3 || argc > 4 || strlen(argv[1]) >= IFNAMSIZ ||
	    (argc == 4 && strcmp(argv[3], "read"))) {
		fprintf(stderr, "usage: tunhold NAME READY_FILE [read]\n");
		return 2;
	}
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) {
		perror("/dev/net/tun");
		return 1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, argv[1], strlen(argv[1]));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("TUNSETIFF");
		return 1;
	}
	rfd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rfd < 0) {
		perror(argv[2]);
		return 1;
	}
	close(rfd);
	if (argc == 4) {
		char buf[65536];

		while (read(fd, buf, sizeof(buf)) >= 0 || errno == EINTR)
			;
		return 0;
	}
	pause();
	return 0;
}
