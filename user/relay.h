/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --relay PEERNS:IFACE: a wire between two stacks. pathtrace makes IFACE
 * (TUN or TAP, as the traced device) in the named network namespace
 * PEERNS, writes into it what it reads from the traced device, and writes
 * into the device what IFACE gives, so that a real peer answers. Those
 * writes into the device are the way in, followed as --echo's answers are.
 */
#ifndef PT_RELAY_H
#define PT_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "cli.h"
#include "journey.h"
#include "tundev.h"

struct pt_relay {
	const struct pt_tun *dev;	/* the traced device */
	struct pt_tun peer;		/* IFACE in PEERNS (fd -1: not made) */
	int ns_fd, home_fd;		/* PEERNS and ours, while IFACE is set up */
	char ns[256];
	uint64_t to_peer, from_peer;	/* packets relayed each way */
	uint64_t failed;		/* writes that failed, either way */
};

void pt_relay_init(struct pt_relay *r, const struct pt_tun *dev);
/*
 * The network namespace open at @fd (taken over) rather than PEERNS by
 * name, called @name in what is said: the TCP demo's own. Before
 * pt_relay_check.
 */
void pt_relay_adopt_ns(struct pt_relay *r, int fd, const char *name);
/*
 * Before the traced device exists: PEERNS exists, is not our own network
 * namespace, and has no IFACE. 0 or -1 (said why).
 */
int pt_relay_check(struct pt_relay *r, const struct pt_opts *o);
/* Make IFACE in PEERNS, of the traced device's kind. 0 or -1 (said why). */
int pt_relay_open(struct pt_relay *r, const struct pt_opts *o);
/* IFACE's addresses, the traced device's MTU, up: while privileged. 0 or -1. */
int pt_relay_configure(struct pt_relay *r, const struct pt_opts *o);
/* A packet read from the traced device (@len bytes, no packet information): into IFACE. */
void pt_relay_to_peer(struct pt_relay *r, const uint8_t *p, size_t len);
/* What IFACE has, into the traced device: up to @max packets. 0 or -errno (said why). */
int pt_relay_from_peer(struct pt_relay *r, unsigned int max);
/* IFACE removed; nothing left open. */
void pt_relay_close(struct pt_relay *r);
/* The exit's line: packets relayed, and the way in unless @hist (@in). */
void pt_relay_summary(const struct pt_relay *r, const struct pt_rxjoin *in, bool hist);
/* The JSON summary's member: ,"relay":{...}. */
void pt_relay_json(const struct pt_relay *r, FILE *out);

#endif
