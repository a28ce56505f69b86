// SPDX-License-Identifier: GPL-2.0
/*
 * Test traffic: COUNT UDP datagrams of SIZE payload bytes to DST:PORT (IPv4
 * or IPv6), one sendto() each, or all in one sendmmsg() with a fifth
 * argument "mmsg". With "recv" instead, each send waits (2 s at most) for a
 * datagram back, and the exit status says whether all came. SIGINT stops
 * the sending early; the number sent is printed then ("sent N").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_int(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in dst4 = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	struct sockaddr *dst = (struct sockaddr *)&dst4;
	socklen_t dlen = sizeof(dst4);
	unsigned short port;
	bool recv_back;
	char buf[65507];
	long count, size, got = 0, sent = 0;
	int s;

	if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "mmsg") && strcmp(argv[5], "recv"))) {
		fprintf(stderr, "usage: udpsend DST PORT COUNT SIZE [mmsg|recv]\n");
		return 2;
	}
	recv_back = argc == 6 && !strcmp(argv[5], "recv");
	port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET6, argv[1], &dst6.sin6_addr) == 1) {
		dst6.sin6_port = port;
		dst = (struct sockaddr *)&dst6;
		dlen = sizeof(dst6);
	} else if (inet_pton(AF_INET, argv[1], &dst4.sin_addr) == 1) {
		dst4.sin_port = port;
	} else {
		fprintf(stderr, "udpsend: bad address %s\n", argv[1]);
		return 2;
	}
	count = atol(argv[3]);
	size = atol(argv[4]);
	if (size < 0 || size > (long)sizeof(buf))
		return 2;
	memset(buf, 'p', sizeof(buf));
	s = socket(dst->sa_family, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("socket");
		return 1;
	}
	if (argc == 6 && !recv_back) {
		struct mmsghdr m[64];
		struct iovec iov = { .iov_base = buf, .iov_len = size };

		if (count > 64)
			return 2;
		memset(m, 0, sizeof(m));
		for (long i = 0; i < count; i++) {
			m[i].msg_hdr.msg_name = dst;
			m[i].msg_hdr.msg_namelen = dlen;
			m[i].msg_hdr.msg_iov = &iov;
			m[i].msg_hdr.msg_iovlen = 1;
		}
		if (sendmmsg(s, m, count, 0) != count) {
			perror("sendmmsg");
			return 1;
		}
		count = 0;
	}
	signal(SIGINT, on_int);
	for (long i = 0; i < count && !stop; i++) {
		if (sendto(s, buf, size, 0, dst, dlen) != size) {
			if (stop)
				break;
			perror("sendto");
			return 1;
		}
		sent++;
		if (recv_back && recv(s, buf, sizeof(buf), 0) == size)
			got++;
	}
	close(s);
	if (stop) {
		printf("sent %ld\n", sent);
		return 0;
	}
	if (recv_back) {
		printf("received %ld\n", got);
		return got == count ? 0 : 1;
	}
	return 0;
}
