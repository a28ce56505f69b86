// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's sender: SIZE-byte UDP datagrams to DST:PORT for SECONDS,
 * as fast as it can; prints how many it sent. With "drain", it also reads
 * the answers that come back to its socket (the echo set-ups) as it goes,
 * and prints how many it received after the count sent.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long long sent = 0, got = 0;
	struct timespec now, end;
	char buf[1500];
	long size;
	int s, drain;

	drain = argc == 6 && !strcmp(argv[5], "drain");
	if ((argc != 5 && !drain) || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: flood DST PORT SECONDS SIZE [drain]\n");
		return 2;
	}
	dst.sin_port = htons((unsigned short)atoi(argv[2]));
	size = atol(argv[4]);
	if (size < 0 || size > (long)sizeof(buf))
		return 2;
	memset(buf, 'f', sizeof(buf));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		perror("socket");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += atol(argv[3]);
	for (;;) {
		for (int i = 0; i < 256; i++) {
			if (sendto(s, buf, size, 0, (struct sockaddr *)&dst, sizeof(dst)) == size)
				sent++;
			/* Every 32 sends, what came back (before its buffer fills). */
			while (drain && i % 32 == 31 &&
			       recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
				got++;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
	}
	if (drain)
		printf("%llu %llu\n", sent, got);
	else
		printf("%llu\n", sent);
	return 0;
}
