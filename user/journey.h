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
#include "filter.h"

enum pt_jstatus {
	PT_J_READ,	/* read by the reader, kernel record joined */
	PT_J_UNJOINED,	/* one side only: read without a kernel record, or
			 * copied in the kernel without a read to match */
	PT_J_DROPPED,	/* dropped by the kernel before any read */
	PT_J_UNREAD,	/* freed by the kernel without being read: still
			 * queued for the reader when it stopped, or
			 * consumed without a copy */
	PT_J_UNFINISHED,	/* rx: still followed at exit, its end unseen */
};

/* --echo: a ping's whole turn, for the reply's journey. */
struct pt_round_trip {
	uint64_t req_seq;	/* the request's journey, as printed */
	uint64_t out_ns;	/* the request: first stage to the reader's clock */
	uint64_t turn_ns;	/* in the reader: read() returned to write() called */
	uint64_t in_ns;		/* the reply: write() to its last stage */
	uint32_t len;		/* bytes the reader wrote */
};

struct pt_journey {
	enum pt_jstatus status;	/* rx: PT_J_READ is "received" (the application copied it) */
	bool rx;		/* the way in (ev.flags & PT_EV_RX) */
	bool have_rt;		/* rx: a reply the reader wrote: rt valid */
	struct pt_round_trip rt;
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

/*
 * The way in: a received packet's record waits here for its clone's (a raw
 * socket's copy, freed after the application read it), at most
 * PT_RX_WAIT_NS.
 */
#define PT_RX_WAIT_NS 100000000ull
#define PT_RX_CAP 64

struct pt_rxjoin {
	pt_emit_fn emit;
	void *ctx;
	/*
	 * --pid, --comm: the way in is its reader's, known only at its end
	 * (NULL: none). A packet no such process read is left out, counted.
	 */
	const struct pt_filter *filter;
	/*
	 * A UDP socket's receive is unseen (tracepoints): its copy of a linear
	 * skb is not skb_copy_datagram_iter's, so a UDP packet freed with no
	 * copy seen may have been received: unfinished, not unread.
	 */
	bool udp_copy_unseen;
	uint64_t received, dropped, unreceived, unfinished, filtered;
	unsigned int h, n;
	struct { struct pt_event ev; uint64_t t_arrival; } p[PT_RX_CAP];
};

void pt_rxjoin_init(struct pt_rxjoin *x, pt_emit_fn emit, void *ctx);
void pt_rxjoin_kernel(struct pt_rxjoin *x, const struct pt_event *ev, uint64_t now);
/* A record still open at exit: its way in went where this backend cannot see. */
void pt_rxjoin_unfinished(struct pt_rxjoin *x, const struct pt_event *ev);
/* Give up waiting for clones older than @max_age ns (all if 0). */
void pt_rxjoin_expire(struct pt_rxjoin *x, uint64_t now, uint64_t max_age);

void pt_joiner_init(struct pt_joiner *j, pt_emit_fn emit, void *ctx);
/* A record from the kernel, arrived at @now. */
void pt_joiner_kernel(struct pt_joiner *j, const struct pt_event *ev, uint64_t now);
/* A packet the reader read: @len bytes with key @f, at @t_user. */
void pt_joiner_read(struct pt_joiner *j, const struct pt_flow *f, uint32_t len,
		    uint64_t t_user);
/*
 * A record of a packet another process read (its read()'s return stamped
 * in the kernel, ev->t_user): a whole journey by itself.
 */
void pt_joiner_foreign(struct pt_joiner *j, const struct pt_event *ev);
/*
 * The reader stopped reading: the packets the kernel frees from now on
 * were left in its queue (unread), whatever reason the free gives.
 */
void pt_joiner_reader_gone(struct pt_joiner *j);
/* Give up on what waited longer than @max_age ns (all of it if 0). */
void pt_joiner_expire(struct pt_joiner *j, uint64_t now, uint64_t max_age);

#endif
