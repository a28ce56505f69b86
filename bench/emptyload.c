// SPDX-License-Identifier: GPL-2.0
/*
 * emptyload SET READY_FILE [NETNS DEV]: loads and attaches one set of
 * bench/empty.bpf.c's programs (empty: they do nothing; clock: they read
 * the clock where pathtrace stamps; handoff: the clock's and one line a
 * packet from sender to reader; clockj: the clock's on journeys' hooks),
 * the cgroup one at the root of the mounted cgroup v2 hierarchy, writes
 * READY_FILE, holds until SIGINT/SIGTERM. empty-nocg and empty-nosys: the
 * empty set without its cgroup hook, or without sys_enter, for what each
 * of those hooks' dispatch costs on its own. clockj also links netfilter
 * programs and binds a packet socket to DEV, both in network namespace
 * NETNS (ip netns's name).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>	/* glibc's in.h before linux/netfilter.h's */
#include <linux/netfilter.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "empty.skel.h"
#include "standin.h"

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

/*
 * clockj's hooks in namespace @netns, made as pathtrace makes them
 * (standin.h): the two netfilter links (@fds[0], @fds[1]) and the tap on
 * @dev (@fds[2]). 0, or -1 with a message.
 */
static int journey_hooks(struct empty_bpf *skel, const char *netns, const char *dev, int *fds)
{
	char path[256];
	int ns;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET)) {
		fprintf(stderr, "emptyload: cannot enter network namespace %s: %m\n", netns);
		return -1;
	}
	close(ns);
	fds[0] = pt_nf_link(bpf_program__fd(skel->progs.clockj_nf_local_out), NFPROTO_IPV4,
			    NF_INET_LOCAL_OUT);
	fds[1] = pt_nf_link(bpf_program__fd(skel->progs.clockj_nf_post_routing), NFPROTO_IPV4,
			    NF_INET_POST_ROUTING);
	if (fds[0] < 0 || fds[1] < 0) {
		fprintf(stderr, "emptyload: cannot link the netfilter programs: %s\n",
			strerror(-(fds[0] < 0 ? fds[0] : fds[1])));
		return -1;
	}
	fds[2] = pt_tap_socket(bpf_program__fd(skel->progs.clockj_tap), (int)if_nametoindex(dev));
	if (fds[2] < 0) {
		fprintf(stderr, "emptyload: cannot tap %s: %s\n", dev, strerror(-fds[2]));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const sets[] = { "empty", "empty-nocg", "empty-nosys", "clock", "handoff",
					    "clockj" };
	bool nocg, nosys, journey, known = false;
	int fds[3] = { -1, -1, -1 }, sig, fd, rc = 1;
	struct bpf_link *cg = NULL;
	struct empty_bpf *skel;
	struct bpf_program *p;
	const char *set;
	char name[32];
	sigset_t mask;

	for (size_t i = 0; argc >= 3 && i < sizeof(sets) / sizeof(sets[0]); i++)
		known |= !strcmp(argv[1], sets[i]);
	journey = known && !strcmp(argv[1], "clockj");
	if (!known || argc != (journey ? 5 : 3)) {
		fprintf(stderr, "usage: emptyload empty|empty-nocg|empty-nosys|clock|handoff READY_FILE\n"
				"       emptyload clockj READY_FILE NETNS DEV\n");
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
	/* Debian 12's libbpf knows no netfilter section: the type by number. */
	bpf_program__set_type(skel->progs.clockj_nf_local_out, PT_BPF_PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(skel->progs.clockj_nf_local_out, PT_BPF_NETFILTER);
	bpf_program__set_type(skel->progs.clockj_nf_post_routing, PT_BPF_PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(skel->progs.clockj_nf_post_routing, PT_BPF_NETFILTER);
	if (empty_bpf__load(skel) || empty_bpf__attach(skel)) {
		fprintf(stderr, "emptyload: cannot load or attach\n");
		goto out;
	}
	/* The skeleton does not attach cgroup programs: it has no cgroup. */
	snprintf(name, sizeof(name), "%s_sendmsg4", set);
	p = bpf_object__find_program_by_name(skel->obj, name);
	fd = nocg ? -1 : cgroup2_root();
	if (!nocg && (!p || fd < 0 || !(cg = bpf_program__attach_cgroup(p, fd)))) {
		fprintf(stderr, "emptyload: cannot link %s at the cgroup v2 root\n", name);
		goto out;
	}
	if (fd >= 0)
		close(fd);
	/* Last: it leaves the host's network namespace. */
	if (journey && journey_hooks(skel, argv[3], argv[4], fds))
		goto out;
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	sigwait(&mask, &sig);
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	bpf_link__destroy(cg);
	empty_bpf__destroy(skel);
	return rc;
}
