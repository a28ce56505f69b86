// SPDX-License-Identifier: GPL-2.0
/*
 * Loads and attaches one set of bench/empty.bpf.c's programs (empty: they
 * do nothing; clock: they read the clock where pathtrace stamps), writes
 * READY_FILE, holds until SIGINT/SIGTERM.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "empty.skel.h"

int main(int argc, char **argv)
{
	struct empty_bpf *skel;
	struct bpf_program *p;
	const char *set;
	sigset_t mask;
	int sig, fd;

	if (argc != 3 || (strcmp(argv[1], "empty") && strcmp(argv[1], "clock"))) {
		fprintf(stderr, "usage: emptyload empty|clock READY_FILE\n");
		return 2;
	}
	set = argv[1];
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	skel = empty_bpf__open();
	if (!skel) {
		fprintf(stderr, "emptyload: cannot open the object\n");
		return 1;
	}
	skel->rodata->sendto_nr = SYS_sendto;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, !strncmp(bpf_program__name(p), set, strlen(set)) &&
					 bpf_program__name(p)[strlen(set)] == '_');
	if (empty_bpf__load(skel) || empty_bpf__attach(skel)) {
		fprintf(stderr, "emptyload: cannot load or attach\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	sigwait(&mask, &sig);
	empty_bpf__destroy(skel);
	return 0;
}
