/* SPDX-License-Identifier: GPL-2.0 */
/* Packets, flows and journeys shared by the unit tests. */
#ifndef UNIT_FIXTURES_H
#define UNIT_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include "journey.h"
#include "pathtrace.h"
#include "stages.h"

/*
 * What ping sends to 192.0.2.2 from 192.0.2.1: IPv4 (ihl 5, id 0x1234, DF,
 * ttl 64), ICMP echo request id 77 seq 3, 56 bytes of data; 84 bytes, both
 * checksums right.
 */
extern const uint8_t fx_icmp4_echo[84];

/*
 * An IPv4 packet: @ihl 32-bit words of header (the options after the first
 * 20 bytes copied from @opts), identification @id, flags and fragment
 * offset @frag, then @l4len bytes of @l4. Header checksum filled. Returns
 * the length.
 */
size_t fx_ipv4(uint8_t *buf, unsigned int ihl, uint8_t proto, uint16_t id,
	       uint16_t frag, const char *src, const char *dst,
	       const uint8_t *opts, const uint8_t *l4, size_t l4len);
/* An IPv6 packet: next header @nh, then @l4len bytes of @l4. */
size_t fx_ipv6(uint8_t *buf, uint8_t nh, const char *src, const char *dst,
	       const uint8_t *l4, size_t l4len);
/* An 8-byte UDP header and @paylen bytes of payload into @buf. */
size_t fx_udp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t paylen);
/* A 20-byte TCP SYN header. */
size_t fx_tcp(uint8_t *buf, uint16_t sport, uint16_t dport);
/* An ICMP (v4 or v6) header: type, code, then id and seq, and @paylen bytes. */
size_t fx_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint16_t id,
	       uint16_t seq, size_t paylen);

void fx_put16(uint8_t *p, uint16_t v);

/* The flow of fx_icmp4_echo, written field by field. */
struct pt_flow fx_icmp4_flow(void);

/*
 * A kernel record of a packet that took the whole TUN path: syscall
 * (sendto, from "ping" pid 4242 tid 4243) at 1000 ns, route 1500, queue
 * 2600, driver 3000, copy 5000 (by "pathtrace" pid 777 tid 778); the
 * others unseen. 84 bytes, consumed. @f is its flow.
 */
struct pt_event fx_event(uint64_t skb, const struct pt_flow *f);

/* ping's packet of fx_event, joined: copied at 5000 ns, read (84 bytes) at 9000 ns. */
struct pt_journey fx_journey_read(void);

/* The TUN path as the tracepoint backend sees it (l4, ip, xmit unseen; no neigh). */
extern const struct pt_stage_view fx_tun_view;

#endif
