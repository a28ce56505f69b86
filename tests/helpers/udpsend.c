// SPDX-License-Identifier: GPL-2.0
/* Test traffic: COUNT UDP datagrams of SIZE payload bytes to DST:PORT. */
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

	if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend DST PORT COUNT SIZE\n");
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
	for (long i = 0; i < count; i++) {
		if (sendto(s, buf, size, 0, (struct sockaddr *)&dst, sizeof(dst)) != size) {
			perror("sendto");
			return 1;
		}
	}
	close(s);
	return 0;
}
