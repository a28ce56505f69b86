// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "bookkeep.h"
#include "output.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void pt_drops_count(struct pt_drops *d, const struct pt_journey *j)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st), i;

	if (n)
		d->stage[st[n - 1].stage]++;
	for (i = 0; i < d->nr_reasons; i++)
		if (d->reason[i].reason == j->ev.drop_reason)
			break;
	if (i == d->nr_reasons) {
		if (i == ARRAY_LEN(d->reason))
			i--;	/* the last entry takes any further reason's count */
		else
			d->nr_reasons++;
		d->reason[i].reason = j->ev.drop_reason;
	}
	d->reason[i].n++;
}

bool pt_explained_first(struct pt_explained *e, const struct pt_journey *j)
{
	for (unsigned int i = 0; i < e->n; i++)
		if (e->kind[i].rx == j->rx && e->kind[i].family == j->flow.family &&
		    e->kind[i].proto == j->flow.proto)
			return false;
	if (e->n == ARRAY_LEN(e->kind))
		return false;
	e->kind[e->n].rx = j->rx;
	e->kind[e->n].family = j->flow.family;
	e->kind[e->n].proto = j->flow.proto;
	e->n++;
	return true;
}

void pt_hold_put(struct pt_hold *h, uint64_t seq, const uint8_t *p, size_t len)
{
	unsigned int slot = seq % ARRAY_LEN(h->slot);

	free(h->slot[slot].buf);	/* its journey went out without it: none */
	h->slot[slot].seq = seq;
	h->slot[slot].len = (uint32_t)len;
	h->slot[slot].buf = malloc(len ? len : 1);
	if (h->slot[slot].buf)
		memcpy(h->slot[slot].buf, p, len);
}

uint8_t *pt_hold_take(struct pt_hold *h, uint64_t seq, uint32_t *len)
{
	unsigned int slot = seq % ARRAY_LEN(h->slot);
	uint8_t *buf = h->slot[slot].buf;

	if (h->slot[slot].seq != seq || !buf)
		return NULL;
	*len = h->slot[slot].len;
	h->slot[slot].buf = NULL;
	return buf;
}

void pt_hold_free(struct pt_hold *h)
{
	for (size_t i = 0; i < ARRAY_LEN(h->slot); i++) {
		free(h->slot[i].buf);
		h->slot[i].buf = NULL;
	}
}
