/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Correlation: joins the kernel's per-packet records with the packets the
 * reader read, through the packet key both sides compute (pt_flow.h), in
 * arrival order among equal keys.
 */
#ifndef PT_JOURNEY_H
#define PT_JOURNEY_H

#include <stdbool.h>
#include <stdint.h>
#include "pathtrace.h"

enum pt_jstatus {
	PT_J_READ,	/* read by the reader, kernel record joined */
	PT_J_UNJOINED,	/* one side only: read without a kernel record, or
			 * copied in the kernel without a read to match */
	PT_J_DROPPED,	/* dropped by the kernel before any read */
	PT_J_UNREAD,	/* freed by the kernel without being read: still
			 * queued for the reader when it stopped, or
			 * consumed without a copy */
};

struct pt_journey {
	enum pt_jstatus status;
	bool have_kernel;	/* ev is valid */
	bool have_read;		/* read_len, t_user valid */
	struct pt_event ev;
	struct pt_flow flow;	/* the reader's key, or the kernel's if unread */
	uint32_t read_len;
	uint64_t t_user;	/* CLOCK_MONOTONIC after read() returned */
	uint64_t read_seq;	/* which read (1, 2, ...), if have_read */
};

struct pt_join_stats {
	uint64_t reads;		/* packets the reader read */
	uint64_t joined;	/* reads joined with their kernel record */
	uint64_t unjoined_reads;
	uint64_t unjoined_kernel;
	uint64_t dropped;
	uint64_t unread;
};

typedef void (*pt_emit_fn)(const struct pt_journey *j, void *ctx);

/* What may wait on each side; a match is nearly always the oldest. */
#define PT_JOIN_CAP 128

struct pt_joiner {
	pt_emit_fn emit;
	void *ctx;
	bool reader_gone;	/* the reader stopped: what is freed now was queued */
	struct pt_join_stats stats;
	/* Two FIFO rings, oldest at the head: k from hk, r from hr; nk, nr long. */
	unsigned int hk, nk, hr, nr;
	struct { struct pt_event ev; uint64_t t_arrival; } k[PT_JOIN_CAP];
	struct pt_journey r[PT_JOIN_CAP];
};

void pt_joiner_init(struct pt_joiner *j, pt_emit_fn emit, void *ctx);
/* A record from the kernel, arrived at @now. */
void pt_joiner_kernel(struct pt_joiner *j, const struct pt_event *ev, uint64_t now);
/* A packet the reader read: @len bytes with key @f, at @t_user. */
void pt_joiner_read(struct pt_joiner *j, const struct pt_flow *f, uint32_t len,
		    uint64_t t_user);
/*
 * The reader stopped reading: the packets the kernel frees from now on
 * were left in its queue (unread), whatever reason the free gives.
 */
void pt_joiner_reader_gone(struct pt_joiner *j);
/* Give up on what waited longer than @max_age ns (all of it if 0). */
void pt_joiner_expire(struct pt_joiner *j, uint64_t now, uint64_t max_age);

#endif
