// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the packet and frame parsers (Ethernet, ARP, IPv4,
 * IPv6, ICMP, UDP, TCP: include/pt_flow.h under user/packet.c), their text
 * forms, and the --echo answers built from what was read. The first byte
 * chooses TUN (IP packet) or TAP (Ethernet frame); the rest is the packet.
 * Any crash or sanitizer report fails; what a parse returns is checked for
 * consistency.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "echo.h"
#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536 + 64];
	char sum[128], src[64], dst[64];
	struct pt_flow f, g;
	const uint8_t *p;
	bool tap;
	size_t n, r;
	int rc;

	if (!size)
		return 0;
	tap = data[0] & 1;
	p = data + 1;
	n = size - 1;
	rc = tap ? pt_frame_flow(p, n, &f) : pt_packet_flow(p, n, &f);
	/* A refused packet leaves no key behind. */
	if (rc) {
		memset(&g, 0, sizeof(g));
		if (memcmp(&f, &g, sizeof(f)) && f.family == PT_FAM_NONE)
			abort();
	}
	pt_flow_summary(&f, sum, sizeof(sum));
	pt_flow_addrs(&f, src, dst, sizeof(src));
	if (!memchr(sum, 0, sizeof(sum)) || !memchr(src, 0, sizeof(src)))
		abort();
	/* Parsing is a function of the bytes. */
	if ((tap ? pt_frame_flow(p, n, &g) : pt_packet_flow(p, n, &g)) != rc ||
	    !pt_flow_equal(&f, &g))
		abort();
	r = pt_echo_reply(p, n, tap, out, sizeof(out));
	if (r > sizeof(out))
		abort();
	/* An answer is itself a packet the parsers take. */
	if (r && (tap ? pt_frame_flow(out, r, &g) : pt_packet_flow(out, r, &g)))
		abort();
	return 0;
}
