/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journey mode's bookkeeping: the drops tallied for the summary, the kinds
 * of packet --explain explained in full already, and -w's bytes of reads
 * held until their journeys are printed. Pure; no kernel.
 */
#ifndef PT_BOOKKEEP_H
#define PT_BOOKKEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "journey.h"
#include "stages.h"

#define PT_DROP_REASONS 32

/* Drops on the way out, by the last stage seen and by the kernel's reason. */
struct pt_drops {
	uint64_t stage[PT_NR_STAGES];
	struct { uint32_t reason; uint64_t n; } reason[PT_DROP_REASONS];
	unsigned int nr_reasons;	/* the last one takes any reason beyond */
};
void pt_drops_count(struct pt_drops *d, const struct pt_journey *j);

/* --explain: each kind of packet (way, family, protocol) is explained in full once. */
struct pt_explained {
	struct { bool rx; uint8_t family, proto; } kind[16];
	unsigned int n;
};
/* True the first time @j's kind is seen (while there is room to remember it). */
bool pt_explained_first(struct pt_explained *e, const struct pt_journey *j);

/* -w: the bytes of reads whose journeys are not out yet, by read number. */
struct pt_hold {
	struct { uint64_t seq; uint32_t len; uint8_t *buf; } slot[PT_JOIN_CAP + 64];
};
/* Hold read number @seq's @len bytes (a copy; none if out of memory). */
void pt_hold_put(struct pt_hold *h, uint64_t seq, const uint8_t *p, size_t len);
/* Read number @seq's bytes, if still held: the caller frees them. */
uint8_t *pt_hold_take(struct pt_hold *h, uint64_t seq, uint32_t *len);
void pt_hold_free(struct pt_hold *h);

#endif
