/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --echo: the reader plays the peer. For what it reads it builds the answer
 * a host at the other end would give, to be written back into the device:
 * ICMP and ICMPv6 echo replies, UDP datagrams sent back, and on a TAP
 * device ARP replies and IPv6 neighbour advertisements, so that the
 * kernel's neighbour resolution completes: pt_echo_reply, a pure function
 * over bytes. struct pt_echo writes the answers into the device and keeps
 * their round trips (echo_rt.c).
 */
#ifndef PT_ECHO_H
#define PT_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "journey.h"
#include "tundev.h"

/* The MAC address the reader answers with on a TAP device. */
extern const uint8_t pt_echo_mac[6];

/*
 * The reply to @in (@len bytes: an IP packet, or an Ethernet frame if @tap)
 * into @out (@cap bytes). Returns its length, or 0 when the packet gets no
 * answer (not addressed to a peer, a protocol not answered, malformed).
 */
size_t pt_echo_reply(const uint8_t *in, size_t len, bool tap, uint8_t *out, size_t cap);

/* The Internet checksum of @len bytes, folded, starting from @sum. */
uint16_t pt_csum(const uint8_t *p, size_t len, uint32_t sum);

/*
 * The answers written (echo_rt.c): each request's journey and the answer
 * written to it, by read number, until the answer's own journey comes in
 * and gets the whole round trip; the answers' way in is followed in @in.
 */
#define PT_ECHO_RT 64

struct pt_echo_rt {
	uint64_t read_seq, printed, t_first, t_user, t_write;
	struct pt_flow reply;
	uint32_t len;
	bool armed;		/* answer written, its journey awaited */
};

struct pt_echo {
	const struct pt_tun *tun;	/* where the answers go */
	struct pt_rxjoin in;		/* their way in */
	struct pt_echo_rt rt[PT_ECHO_RT];
	uint64_t written, failed;
};

/* The answers to reads from @tun (opened later); their journeys go to @emit. */
void pt_echo_init(struct pt_echo *e, const struct pt_tun *tun, pt_emit_fn emit, void *ctx);
/*
 * Answer read number @seq (0: a read not followed, which has no round
 * trip): @len bytes at @buf + @off, after @off bytes of packet information
 * written back as they came.
 */
void pt_echo_answer(struct pt_echo *e, uint64_t seq, const uint8_t *buf, size_t off, size_t len);
/*
 * A journey printed as number @printed: a request's is noted; an answer's
 * (the way in, sent by @pid, us) gets its round trip in @j.
 */
void pt_echo_journey(struct pt_echo *e, struct pt_journey *j, uint64_t printed, uint32_t pid);
/* "the way in: N received, ..." of @in, for the exit's line. */
void pt_rxjoin_text(const struct pt_rxjoin *in, char *buf, size_t len);
/* The exit's line on the answers (and their way in, unless @hist). */
void pt_echo_summary(const struct pt_echo *e, bool hist);

#endif
