/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pathtrace demo tun|tap|tcp: the classic TUN and TAP experiments, in a
 * network namespace of the demo's own, and a TCP connection through the
 * relay to a second one. The tracer is the usual one; this is the
 * namespaces, the traffic (a child that runs ping, or a TCP client and its
 * server) and the closing summary.
 */
#ifndef PT_DEMO_H
#define PT_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "cli.h"
#include "jhist.h"
#include "journey.h"

#define PT_DEMO_PEER "192.0.2.2"
#define PT_DEMO_PEER_MAC "02:70:74:00:00:02"
/* demo tcp: the relay's device, in the server's namespace (called so: it has no name) */
#define PT_DEMO_PEER_DEV "nsfocus_peer0"
#define PT_DEMO_PEER_NS "demo-peer"
#define PT_DEMO_PORT 5001
#define PT_DEMO_TCP_BYTES 65536

/*
 * Into a new network namespace, gone when the demo's last process ends;
 * for TCP, @peer_ns the server's, a second one (else -1). 0 or -1, said why.
 */
int pt_demo_enter(enum pt_demo kind, int *peer_ns);
/*
 * The experiment, in a child forked now (before pathtrace gives up its
 * privileges): ping three times; on TAP then a static neighbour entry and
 * three pings more. TCP: a server forked into @peer_ns, the client here
 * sends it PT_DEMO_TCP_BYTES. Its exit is the demo's end. The pid, or -1.
 */
pid_t pt_demo_start(enum pt_demo kind, const char *dev, int peer_ns);
/*
 * End the child (and its ping) if it still runs, and reap it: 0 if the
 * experiment ran through, 1 if it failed (and said why), -1 if it was ended.
 */
int pt_demo_stop(pid_t pid);

/* demo tcp: the connection's segments, as they went through. */
struct pt_demo_tcp {
	bool syn, synack, ack;	/* the handshake: SYN out, SYN-ACK in, ACK out */
	bool fin, fin_in;	/* the client's FIN out, the server's in */
	bool fin_with_data;	/* the client's FIN rode on its last data segment */
	uint16_t sport;		/* the client's port */
	uint64_t data;		/* data segments out, read, first sent */
	uint64_t bytes;		/* their payload */
	uint64_t retrans;	/* data segments sent again, read */
	uint32_t mss;		/* the largest payload out */
	uint64_t t_first, t_last;	/* the data segments': first stage, last reader's clock */
	uint64_t other_out;	/* segments out without data but the handshake's (ACKs, FIN) */
	uint64_t in;		/* segments in, from the server */
	uint64_t unread;	/* segments out not read (dropped, left, unjoined) */
	struct pt_jhists hists;	/* the data segments' read, stage to stage */
};

/* What the demo does with a journey it counted. */
enum pt_demo_show {
	PT_DEMO_SHOW,		/* printed as it comes */
	PT_DEMO_QUIET,		/* counted only (TCP: data in the histograms, the rest summed up) */
	/* TCP: held, printed together in this order once all came (or at the end) */
	PT_DEMO_HOLD_SYN,
	PT_DEMO_HOLD_SYNACK,
	PT_DEMO_HOLD_ACK,
	PT_DEMO_HOLD_DATA,	/* the first data segment: one in full, before the histograms */
};
#define PT_DEMO_HELD (PT_DEMO_HOLD_DATA - PT_DEMO_HOLD_SYN + 1)

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
	struct pt_demo_tcp tcp;	/* demo tcp's */
};
/* Count @j for demo @kind; what to do with it. */
enum pt_demo_show pt_demo_count(struct pt_demo_tally *t, enum pt_demo kind,
				const struct pt_journey *j);
void pt_demo_tally_free(struct pt_demo_tally *t);
/*
 * The summary: what the reader got, and the layer that shows. 0 if it is
 * the experiment's result (TUN: 84-byte IP packets; TAP: 42-byte ARP
 * requests, then 98-byte frames; TCP: the handshake, PT_DEMO_TCP_BYTES in
 * data segments all read, the client's FIN), else 1, and said what differs.
 */
int pt_demo_summary(FILE *out, const struct pt_demo_tally *t, enum pt_demo kind,
		    const char *dev);

#endif
