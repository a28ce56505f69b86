// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
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
	case PT_J_UNFINISHED:	/* the way in only */
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

/* Position @i (0: oldest) of ring array @arr starting at @head: modulo its own size. */
#define AT(arr, head, i) (((head) + (i)) % (unsigned int)(sizeof(arr) / sizeof((arr)[0])))

/*
 * Remove entry @i of a ring: the older ones move up by one, so taking the
 * oldest (the usual match) moves nothing.
 */
#define RING_REMOVE(arr, head, n, i)						\
	do {									\
		for (unsigned int m_ = (i); m_ > 0; m_--)			\
			(arr)[AT(arr, head, m_)] = (arr)[AT(arr, head, m_ - 1)]; \
		(head) = AT(arr, head, 1);					\
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
		struct pt_journey *r = &j->r[AT(j->r, j->hr, i)];

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
	j->k[AT(j->k, j->hk, j->nk)].ev = *ev;
	j->k[AT(j->k, j->hk, j->nk)].t_arrival = now;
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
		unsigned int k = AT(j->k, j->hk, i);

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
	j->r[AT(j->r, j->hr, j->nr++)] = jr;
}

void pt_joiner_foreign(struct pt_joiner *j, const struct pt_event *ev)
{
	struct pt_journey jr = {
		.status = PT_J_READ, .have_kernel = true, .have_read = true,
		.ev = *ev, .flow = ev->flow, .read_len = ev->len, .t_user = ev->t_user,
		.read_seq = ++j->stats.reads,
	};

	emit(j, &jr);
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

void pt_rxjoin_init(struct pt_rxjoin *x, pt_emit_fn emit, void *ctx)
{
	memset(x, 0, sizeof(*x));
	x->emit = emit;
	x->ctx = ctx;
}

/* Whether --pid or --comm leaves out the way in of @ev (read by @read). */
static bool rx_left_out(struct pt_rxjoin *x, const struct pt_event *ev, bool read)
{
	if (!x->filter || !pt_filter_by_proc(x->filter) ||
	    (read && pt_filter_proc_match(x->filter, ev->copy_pid, ev->copy_comm)))
		return false;
	x->filtered++;
	return true;
}

static void rx_emit(struct pt_rxjoin *x, const struct pt_event *ev)
{
	struct pt_journey jr = { .rx = true, .have_kernel = true, .ev = *ev, .flow = ev->flow };

	if (rx_left_out(x, ev, ev->ts[PT_RX_COPY]))
		return;
	if (ev->ts[PT_RX_COPY]) {
		jr.status = PT_J_READ;
		x->received++;
	} else if (ev->end == PT_END_DROPPED) {
		jr.status = PT_J_DROPPED;
		x->dropped++;
	} else if (x->udp_copy_unseen && ev->flow.proto == PT_IPPROTO_UDP) {
		jr.status = PT_J_UNFINISHED;
		x->unfinished++;
	} else {
		jr.status = PT_J_UNREAD;
		x->unreceived++;
	}
	x->emit(&jr, x->ctx);
}

/* A received packet's record @o completed by its clone's @c (a raw socket's). */
static void rx_merge(struct pt_rxjoin *x, struct pt_event o, const struct pt_event *c)
{
	/*
	 * A raw socket gets its clone before the protocol's handler runs:
	 * that handler (l4) is not on the way to this application.
	 */
	if (c->ts[PT_RX_SOCKQ] && o.ts[PT_RX_L4] > c->ts[PT_RX_SOCKQ])
		o.ts[PT_RX_L4] = 0;
	if (!o.ts[PT_RX_SOCKQ])
		o.ts[PT_RX_SOCKQ] = c->ts[PT_RX_SOCKQ];
	o.ts[PT_RX_COPY] = c->ts[PT_RX_COPY];
	o.copy_pid = c->copy_pid;
	o.copy_tid = c->copy_tid;
	memcpy(o.copy_comm, c->copy_comm, sizeof(o.copy_comm));
	o.flags |= PT_EV_CLONE;
	if (c->ts[PT_RX_COPY]) {
		o.end = c->end;
		o.drop_reason = c->drop_reason;
	}
	rx_emit(x, &o);
}

void pt_rxjoin_kernel(struct pt_rxjoin *x, const struct pt_event *ev, uint64_t now)
{
	bool clone = ev->flags & PT_EV_CLONE;

	/* Copied already (a UDP or ping socket's): complete. */
	if (!clone && ev->ts[PT_RX_COPY]) {
		rx_emit(x, ev);
		return;
	}
	/*
	 * A raw socket's clone and its original come in either order (the
	 * application may read the clone before the original is freed), the
	 * original maybe dropped: icmp_rcv drops an echo reply no ping socket
	 * wants after the raw sockets took theirs. The oldest waiting one of
	 * the other kind with the same key is the match.
	 */
	for (unsigned int i = 0; i < x->n; i++) {
		struct pt_event *o = &x->p[AT(x->p, x->h, i)].ev;

		if (!(o->flags & PT_EV_CLONE) == !clone || !pt_flow_equal(&o->flow, &ev->flow))
			continue;
		if (clone)
			rx_merge(x, *o, ev);
		else
			rx_merge(x, *ev, o);
		RING_REMOVE(x->p, x->h, x->n, i);
		return;
	}
	if (x->n == PT_RX_CAP) {
		rx_emit(x, &x->p[x->h].ev);
		RING_REMOVE(x->p, x->h, x->n, 0);
	}
	x->p[AT(x->p, x->h, x->n)].ev = *ev;
	x->p[AT(x->p, x->h, x->n)].t_arrival = now;
	x->n++;
}

void pt_rxjoin_unfinished(struct pt_rxjoin *x, const struct pt_event *ev)
{
	struct pt_journey jr = { .rx = true, .have_kernel = true, .ev = *ev, .flow = ev->flow,
				 .status = PT_J_UNFINISHED };

	if (rx_left_out(x, ev, false))
		return;
	x->unfinished++;
	x->emit(&jr, x->ctx);
}

void pt_rxjoin_expire(struct pt_rxjoin *x, uint64_t now, uint64_t max_age)
{
	while (x->n && (!max_age || now - x->p[x->h].t_arrival > max_age)) {
		rx_emit(x, &x->p[x->h].ev);
		RING_REMOVE(x->p, x->h, x->n, 0);
	}
}
