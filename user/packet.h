/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_PACKET_H
#define PT_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include "pathtrace.h"

/*
 * The reader's side of the packet key: parse the bytes read() returned from
 * a TUN device (an IP packet) with the code the BPF programs use. Returns 0,
 * or -EINVAL when the bytes are not an IP packet (flow zeroed).
 */
int pt_packet_flow(const uint8_t *pkt, size_t len, struct pt_flow *f);
/*
 * The same from a TAP device's frame: the Ethernet header, then an IPv4,
 * IPv6 or ARP packet. Returns 0, or -EINVAL (flow zeroed).
 */
int pt_frame_flow(const uint8_t *frame, size_t len, struct pt_flow *f);

/* "icmp", "udp", "tcp", "icmpv6", "arp", or "ip"/"ipv6" for another transport, "unknown". */
const char *pt_flow_proto(const struct pt_flow *f);
/* Source/destination as text (ARP: sender and target IPv4 addresses). */
void pt_flow_addrs(const struct pt_flow *f, char *src, char *dst, size_t len);
/* One line: "ICMP echo request id=1234 seq=1", "UDP 40000 -> 9999", ... */
void pt_flow_summary(const struct pt_flow *f, char *buf, size_t len);
/* "02:00:5e:10:00:01" into @buf (18 bytes), which it returns. */
char *pt_mac_str(const uint8_t *mac, char *buf, size_t len);
/* TCP flags as letters, tcpdump's order of bits: F S R P A U E C ("SA", "PA"). */
const char *pt_tcp_flags_str(uint8_t flags, char *buf, size_t len);
/* True when two keys name the same packet. */
int pt_flow_equal(const struct pt_flow *a, const struct pt_flow *b);

#endif
