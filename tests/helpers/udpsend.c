// SPDX-License-Identifier: GPL-2.0
/*
 * Test traffic: COUNT UDP datagrams of SIZE payload bytes to DST:PORT, one
 * sendto() each, or all in one sendmmsg() with a fifth argument "mmsg".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	char buf[65507];
	long count, size;
	int s;

	if (argc < 5 || argc > 6 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 ||
	    (argc == 6 && strcmp(argv[5], "mmsg"))) {
		fprintf(stderr, "usage: udpsend DST PORT COUNT SIZE [mmsg]\n");
		return 2;
	}
	dst.sin_port = htons((unsigned short)atoi(argv[2]));
	count = atol(argv[3]);
	size = atol(argv[4]);
	if (size < 0 || size > (long)sizeof(buf))
		return 2;
	memset(buf, 'p', sizeof(buf));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		perror("socket");
		return 1;
	}
	if (argc == 6) {
		struct mmsghdr m[64];
		struct iovec iov = { .iov_base = buf, .iov_len = size };

		if (count > 64)
			return 2;
		memset(m, 0, sizeof(m));
		for (long i = 0; i < count; i++) {
			m[i].msg_hdr.msg_name = &dst;
			m[i].msg_hdr.msg_namelen = sizeof(dst);
			m[i].msg_hdr.msg_iov = &iov;
			m[i].msg_hdr.msg_iovlen = 1;
		}
		if (sendmmsg(s, m, count, 0) != count) {
			perror("sendmmsg");
			return 1;
		}
		count = 0;
	}
	for (long i = 0; i < count; i++) {
		if (sendto(s, buf, size, 0, (struct sockaddr *)&dst, sizeof(dst)) != size) {
			perror("sendto");
			return 1;
		}
	}
	close(s);
	return 0;
}
