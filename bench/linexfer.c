// SPDX-License-Identifier: GPL-2.0
/*
 * linexfer CPU_A CPU_B: what moving one cache line from one CPU to the
 * other costs right now, in ns: two threads, pinned to the two CPUs, pass
 * a counter in one line back and forth; the median, over 7 batches of
 * 20 000 round trips, of a batch's time over its one-way transfers.
 *
 * The benchmark's sender and reader run on two CPUs, and every tracer that
 * carries a packet's stamps to its reader moves lines between them. On a
 * virtual machine, what that costs depends on where the host placed the
 * two virtual CPUs, which can change from one minute to the next, so the
 * cost runs print it beside each run (bench/README.md).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRIPS 20000
#define BATCHES 7

static struct {
	volatile uint64_t n;
} __attribute__((aligned(64))) line;

static cpu_set_t only(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return set;
}

/* The other side: answers each odd count with the next even one. */
static void *echo(void *arg)
{
	uint64_t want = 1;

	(void)arg;
	for (uint64_t i = 0; i < (uint64_t)TRIPS * BATCHES; i++, want += 2) {
		while (line.n != want)
			;
		line.n = want + 1;
	}
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double ns[BATCHES];
	cpu_set_t sa, sb;
	pthread_attr_t attr;
	uint64_t next = 0;
	pthread_t t;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: linexfer CPU_A CPU_B\n");
		return 2;
	}
	sa = only(atoi(argv[1]));
	sb = only(atoi(argv[2]));
	/* The other side pinned from its start: no turn of its loop elsewhere. */
	err = pthread_attr_init(&attr);
	if (!err) {
		err = pthread_setaffinity_np(pthread_self(), sizeof(sa), &sa) ?:
		      pthread_attr_setaffinity_np(&attr, sizeof(sb), &sb) ?:
		      pthread_create(&t, &attr, echo, NULL);
		pthread_attr_destroy(&attr);
	}
	if (err) {
		fprintf(stderr, "linexfer: cannot run on CPUs %s and %s\n", argv[1], argv[2]);
		return 1;
	}
	for (int k = 0; k < BATCHES; k++) {
		uint64_t t0 = now_ns();

		for (int i = 0; i < TRIPS; i++) {
			line.n = next + 1;
			while (line.n != next + 2)
				;
			next += 2;
		}
		ns[k] = (double)(now_ns() - t0) / (2.0 * TRIPS);
	}
	pthread_join(t, NULL);
	qsort(ns, BATCHES, sizeof(ns[0]), cmp);
	printf("%.0f\n", ns[BATCHES / 2]);
	return 0;
}
