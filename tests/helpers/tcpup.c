// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP upload, both ends (real stacks, no library: it runs in the VM's
 * initramfs too).
 *   tcpup recv ADDR PORT OUT_FILE READY_FILE: listens, writes READY_FILE,
 *     accepts one connection and writes what it receives to OUT_FILE.
 *   tcpup send ADDR PORT IN_FILE [CHUNK]: connects and write()s IN_FILE in
 *     CHUNK-byte writes (default 65536), then closes its side and waits
 *     for the receiver's close.
 * IPv4 addresses only.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int addr_of(const char *a, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(port));
	return inet_pton(AF_INET, a, &sa->sin_addr) == 1 ? 0 : -1;
}

static int recv_side(struct sockaddr_in *sa, const char *out, const char *ready)
{
	static char buf[65536];
	int ls, s, fd, one = 1;
	ssize_t n;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)sa, sizeof(*sa)) || listen(ls, 1)) {
		perror("listen");
		return 1;
	}
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	s = accept(ls, NULL, NULL);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (s < 0 || fd < 0) {
		perror("accept");
		return 1;
	}
	while ((n = read(s, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	close(fd);
	close(s);
	return n < 0;
}

static int send_side(struct sockaddr_in *sa, const char *in, size_t chunk)
{
	static char buf[1 << 20];
	int s, fd;
	ssize_t n;

	if (chunk > sizeof(buf))
		chunk = sizeof(buf);
	fd = open(in, O_RDONLY);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || s < 0 || connect(s, (struct sockaddr *)sa, sizeof(*sa))) {
		perror("connect");
		return 1;
	}
	while ((n = read(fd, buf, chunk)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(s, buf + off, (size_t)(n - off));

			if (w < 0) {
				perror("write");
				return 1;
			}
			off += w;
		}
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof(buf)) > 0)
		;
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;

	if (argc >= 5 && !strcmp(argv[1], "recv") && argc == 6 && !addr_of(argv[2], argv[3], &sa))
		return recv_side(&sa, argv[4], argv[5]);
	if (argc >= 5 && !strcmp(argv[1], "send") && argc <= 6 && !addr_of(argv[2], argv[3], &sa))
		return send_side(&sa, argv[4], argc == 6 ? strtoul(argv[5], NULL, 10) : 65536);
	fprintf(stderr, "usage: tcpup recv ADDR PORT OUT_FILE READY_FILE | "
		"tcpup send ADDR PORT IN_FILE [CHUNK]\n");
	return 2;
}
