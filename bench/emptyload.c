// SPDX-License-Identifier: GPL-2.0
/*
 * Loads and attaches one set of bench/empty.bpf.c's programs (empty: they
 * do nothing; clock: they read the clock where pathtrace stamps; handoff:
 * the clock's and one line a packet from sender to reader), the
 * cgroup one at the root of the mounted cgroup v2 hierarchy, writes
 * READY_FILE, holds until SIGINT/SIGTERM. empty-nocg and empty-nosys: the
 * empty set without its cgroup hook, or without sys_enter, for what each
 * of those hooks' dispatch costs on its own.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "empty.skel.h"

/* The cgroup v2 root, where mounted (the benchmark runs us in the host's mounts), or -1. */
static int cgroup2_root(void)
{
	char dir[256], type[32];
	FILE *f = fopen("/proc/self/mounts", "re");
	int fd = -1;

	while (f && fd < 0 && fscanf(f, "%*s %255s %31s %*[^\n]", dir, type) == 2)
		if (!strcmp(type, "cgroup2"))
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f)
		fclose(f);
	return fd;
}

int main(int argc, char **argv)
{
	static const char *const sets[] = { "empty", "empty-nocg", "empty-nosys", "clock", "handoff" };
	bool nocg = false, nosys = false, known = false;
	struct bpf_link *cg = NULL;
	struct empty_bpf *skel;
	struct bpf_program *p;
	const char *set;
	sigset_t mask;
	int sig, fd;

	for (size_t i = 0; argc == 3 && i < sizeof(sets) / sizeof(sets[0]); i++)
		known |= !strcmp(argv[1], sets[i]);
	if (!known) {
		fprintf(stderr, "usage: emptyload empty|empty-nocg|empty-nosys|clock|handoff READY_FILE\n");
		return 2;
	}
	nocg = !strcmp(argv[1], "empty-nocg");
	nosys = !strcmp(argv[1], "empty-nosys");
	set = nocg || nosys ? "empty" : argv[1];
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
					 bpf_program__name(p)[strlen(set)] == '_' &&
					 !(nosys && !strcmp(bpf_program__name(p), "empty_sys_enter")));
	if (empty_bpf__load(skel) || empty_bpf__attach(skel)) {
		fprintf(stderr, "emptyload: cannot load or attach\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	/* The skeleton does not attach cgroup programs: it has no cgroup. */
	p = !strcmp(set, "empty") ? skel->progs.empty_sendmsg4 :
	    !strcmp(set, "clock") ? skel->progs.clock_sendmsg4 : skel->progs.handoff_sendmsg4;
	fd = nocg ? -1 : cgroup2_root();
	if (!nocg && (fd < 0 || !(cg = bpf_program__attach_cgroup(p, fd)))) {
		fprintf(stderr, "emptyload: cannot link %s at the cgroup v2 root\n",
			bpf_program__name(p));
		empty_bpf__destroy(skel);
		return 1;
	}
	if (fd >= 0)
		close(fd);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	sigwait(&mask, &sig);
	bpf_link__destroy(cg);
	empty_bpf__destroy(skel);
	return 0;
}
