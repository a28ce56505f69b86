// SPDX-License-Identifier: GPL-2.0
/* Loads and attaches bench/empty.bpf.c, writes READY_FILE, holds until SIGINT/SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include "empty.skel.h"

int main(int argc, char **argv)
{
	struct empty_bpf *skel;
	sigset_t mask;
	int sig, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: emptyload READY_FILE\n");
		return 2;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	skel = empty_bpf__open_and_load();
	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "emptyload: cannot load or attach\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	sigwait(&mask, &sig);
	empty_bpf__destroy(skel);
	return 0;
}
