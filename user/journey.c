// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "journey.h"
#include "packet.h"

void pt_joiner_init(struct pt_joiner *j, pt_emit_fn emit, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->emit = emit;
	j->ctx = ctx;
}

static void emit(struct pt_joiner *j, struct pt_journey *jr)
{
	switch (jr->status) {
	case PT_J_READ:
		j->stats.joined++;
		break;
	case PT_J_UNJOINED:
		if (jr->have_read)
			j->stats.unjoined_reads++;
		else
			j->stats.unjoined_kernel++;
		break;
	case PT_J_DROPPED:
		j->stats.dropped++;
		break;
	case PT_J_UNREAD:
		j->stats.unread++;
		break;
	}
	j->emit(jr, j->ctx);
}

static void kernel_only(struct pt_joiner *j, const struct pt_event *ev,
			enum pt_jstatus status)
{
	struct pt_journey jr = { .status = status, .have_kernel = true };

	jr.ev = *ev;
	jr.flow = ev->flow;
	emit(j, &jr);
}

/* Position @i (0: oldest) of a ring starting at @head. */
static unsigned int at(unsigned int head, unsigned int i)
{
	return (head + i) % PT_JOIN_CAP;
}

/*
 * Remove entry @i of a ring: the older ones move up by one, so taking the
 * oldest (the usual match) moves nothing.
 */
#define RING_REMOVE(arr, head, n, i)						\
	do {									\
		for (unsigned int m_ = (i); m_ > 0; m_--)			\
			(arr)[at(head, m_)] = (arr)[at(head, m_ - 1)];		\
		(head) = at(head, 1);						\
		(n)--;								\
	} while (0)

void pt_joiner_kernel(struct pt_joiner *j, const struct pt_event *ev, uint64_t now)
{
	unsigned int i;

	if (!ev->ts[PT_STAGE_COPY]) {
		kernel_only(j, ev, ev->end == PT_END_DROPPED && !j->reader_gone ?
				   PT_J_DROPPED : PT_J_UNREAD);
		return;
	}
	for (i = 0; i < j->nr; i++) {
		struct pt_journey *r = &j->r[at(j->hr, i)];

		if (pt_flow_equal(&r->flow, &ev->flow)) {
			struct pt_journey jr = *r;

			RING_REMOVE(j->r, j->hr, j->nr, i);
			jr.status = PT_J_READ;
			jr.have_kernel = true;
			jr.ev = *ev;
			emit(j, &jr);
			return;
		}
	}
	if (j->nk == PT_JOIN_CAP) {
		kernel_only(j, &j->k[j->hk].ev, PT_J_UNJOINED);
		RING_REMOVE(j->k, j->hk, j->nk, 0);
	}
	j->k[at(j->hk, j->nk)].ev = *ev;
	j->k[at(j->hk, j->nk)].t_arrival = now;
	j->nk++;
}

void pt_joiner_read(struct pt_joiner *j, const struct pt_flow *f, uint32_t len,
		    uint64_t t_user)
{
	struct pt_journey jr = {
		.status = PT_J_READ, .have_read = true,
		.flow = *f, .read_len = len, .t_user = t_user,
		.read_seq = ++j->stats.reads,
	};
	unsigned int i;

	for (i = 0; i < j->nk; i++) {
		unsigned int k = at(j->hk, i);

		if (pt_flow_equal(&j->k[k].ev.flow, f)) {
			jr.have_kernel = true;
			jr.ev = j->k[k].ev;
			RING_REMOVE(j->k, j->hk, j->nk, i);
			emit(j, &jr);
			return;
		}
	}
	if (j->nr == PT_JOIN_CAP) {
		j->r[j->hr].status = PT_J_UNJOINED;
		emit(j, &j->r[j->hr]);
		RING_REMOVE(j->r, j->hr, j->nr, 0);
	}
	j->r[at(j->hr, j->nr++)] = jr;
}

void pt_joiner_reader_gone(struct pt_joiner *j)
{
	j->reader_gone = true;
}

void pt_joiner_expire(struct pt_joiner *j, uint64_t now, uint64_t max_age)
{
	while (j->nr && (!max_age || now - j->r[j->hr].t_user > max_age)) {
		j->r[j->hr].status = PT_J_UNJOINED;
		emit(j, &j->r[j->hr]);
		RING_REMOVE(j->r, j->hr, j->nr, 0);
	}
	while (j->nk && (!max_age || now - j->k[j->hk].t_arrival > max_age)) {
		kernel_only(j, &j->k[j->hk].ev, PT_J_UNJOINED);
		RING_REMOVE(j->k, j->hk, j->nk, 0);
	}
}
