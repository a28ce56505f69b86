// SPDX-License-Identifier: GPL-2.0
/* user/pcapng.c: the blocks, byte by byte. */
#include <stdint.h>
#include <string.h>
#include "pcapng.h"
#include "unit.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* A block's framing: type, equal lengths at both ends, 4-byte multiple. */
#define ASSERT_BLOCK(b, n, type)					\
	do {								\
		ASSERT_EQ_U64(get32(b), type);				\
		ASSERT_EQ_U64(get32((b) + 4), n);			\
		ASSERT_EQ_U64(get32((b) + (n) - 4), n);			\
		ASSERT_EQ_U64((n) % 4, 0);				\
	} while (0)

UNIT_CASE(pcapng_shb_idb)
{
	uint8_t b[256];
	size_t n = pt_pcapng_shb(b, sizeof(b), "pathtrace 0.1.0");

	ASSERT_BLOCK(b, n, 0x0A0D0D0A);
	ASSERT_EQ_U64(get32(b + 8), 0x1A2B3C4D);
	ASSERT_EQ_U64(get16(b + 12), 1);		/* version 1.0 */
	ASSERT_EQ_U64(get16(b + 24), 4);		/* shb_userappl */
	ASSERT_EQ_U64(get16(b + 26), 15);
	ASSERT_MEMEQ(b + 28, "pathtrace 0.1.0", 15);
	ASSERT_EQ_U64(n, 28 + 16 + 4 + 4);		/* + padded option, end, length */

	n = pt_pcapng_idb(b, sizeof(b), PT_LINKTYPE_RAW, "nsfocus_tun0");
	ASSERT_BLOCK(b, n, 1);
	ASSERT_EQ_U64(get16(b + 8), 101);
	ASSERT_EQ_U64(get16(b + 16), 2);		/* if_name */
	ASSERT_EQ_U64(get16(b + 18), 12);
	ASSERT_MEMEQ(b + 20, "nsfocus_tun0", 12);
	ASSERT_EQ_U64(get16(b + 32), 9);		/* if_tsresol */
	ASSERT_EQ_U64(b[36], 9);			/* nanoseconds */
	ASSERT_EQ_U64(pt_pcapng_idb(b, 10, 1, "x"), 0);	/* too small */
}

UNIT_CASE(pcapng_epb)
{
	uint8_t b[256], pkt[5] = { 0x45, 1, 2, 3, 4 };
	uint64_t t = 0x0123456789abcdefull;
	size_t n = pt_pcapng_epb(b, sizeof(b), t, pkt, 5, "syscall +0ns");

	ASSERT_BLOCK(b, n, 6);
	ASSERT_EQ_U64(get32(b + 8), 0);			/* interface */
	ASSERT_EQ_U64(get32(b + 12), 0x01234567);	/* timestamp, high then low */
	ASSERT_EQ_U64(get32(b + 16), 0x89abcdef);
	ASSERT_EQ_U64(get32(b + 20), 5);
	ASSERT_EQ_U64(get32(b + 24), 5);
	ASSERT_MEMEQ(b + 28, pkt, 5);
	ASSERT_EQ_U64(b[33] | b[34] | b[35], 0);	/* padding */
	ASSERT_EQ_U64(get16(b + 36), 1);		/* opt_comment */
	ASSERT_EQ_U64(get16(b + 38), 12);
	ASSERT_MEMEQ(b + 40, "syscall +0ns", 12);
	ASSERT_EQ_U64(get32(b + 52), 0);		/* opt_endofopt */
	ASSERT_EQ_U64(n, 60);
	n = pt_pcapng_epb(b, sizeof(b), t, pkt, 5, NULL);
	ASSERT_EQ_U64(n, 28 + 8 + 4 + 4);
	ASSERT_EQ_U64(pt_pcapng_epb(b, 40, t, pkt, 5, "long comment here"), 0);
}
