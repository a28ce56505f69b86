/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --echo: the reader plays the peer. For what it reads it builds the answer
 * a host at the other end would give, to be written back into the device:
 * ICMP and ICMPv6 echo replies, UDP datagrams sent back, and on a TAP
 * device ARP replies and IPv6 neighbour advertisements, so that the
 * kernel's neighbour resolution completes. Pure functions over bytes.
 */
#ifndef PT_ECHO_H
#define PT_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
