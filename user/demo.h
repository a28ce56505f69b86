/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pathtrace demo tun|tap: the classic TUN and TAP experiments, in a network
 * namespace of the demo's own. The tracer is the usual one; this is the
 * namespace, the traffic (a child that runs ping) and the closing summary.
 */
#ifndef PT_DEMO_H
#define PT_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "journey.h"

#define PT_DEMO_PEER "192.0.2.2"
#define PT_DEMO_PEER_MAC "02:70:74:00:00:02"

/* Into a new network namespace, gone when the demo's last process ends. 0 or -1, said why. */
int pt_demo_enter(void);
/*
 * The experiment, in a child forked now (before pathtrace gives up its
 * privileges): ping three times; on TAP then a static neighbour entry and
 * three pings more. Its exit is the demo's end. The pid, or -1.
 */
pid_t pt_demo_start(bool tap, const char *dev);
/*
 * End the child (and its ping) if it still runs, and reap it: 0 if the
 * experiment ran through, 1 if it failed (and said why), -1 if it was ended.
 */
int pt_demo_stop(pid_t pid);

/* What the reader got, in runs of the same kind and length. */
struct pt_demo_tally {
	struct {
		bool arp;	/* ARP, else IP (in an Ethernet frame on TAP) */
		uint8_t proto;	/* IP's protocol */
		uint32_t len;
		uint64_t n;
	} run[16];
	unsigned int nr;
	uint64_t other;		/* journeys beyond the runs, or not read */
};
void pt_demo_count(struct pt_demo_tally *t, const struct pt_journey *j);
/*
 * The summary: what the reader got, and the layer that shows. 0 if it is
 * the experiment's result (TUN: 84-byte IP packets; TAP: 42-byte ARP
 * requests, then 98-byte frames), else 1, and said what differs.
 */
int pt_demo_summary(FILE *out, const struct pt_demo_tally *t, bool tap, const char *dev);

#endif
