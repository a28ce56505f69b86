// SPDX-License-Identifier: GPL-2.0
/* user/journey.c: joining kernel records with reads. */
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "journey.h"
#include "packet.h"
#include "unit.h"

/* What the joiner emitted, in order (copies: the pointer is borrowed). */
#define REC_MAX (PT_JOIN_CAP + 16)
struct rec {
	unsigned int n;
	struct pt_journey j[REC_MAX];
};

static void record(const struct pt_journey *j, void *ctx)
{
	struct rec *r = ctx;

	if (r->n < REC_MAX)
		r->j[r->n] = *j;
	r->n++;
}

/* A joiner (too big for the stack) recording into *r, freed with the case. */
static struct pt_joiner *joiner(struct rec **r)
{
	struct pt_joiner *j = unit_track(malloc(sizeof(*j)));

	*r = unit_track(calloc(1, sizeof(**r)));
	if (!j || !*r)
		FAIL_CASE("out of memory");
	memset(j, 0x5a, sizeof(*j));	/* init must not rely on zeroed memory */
	pt_joiner_init(j, record, *r);
	return j;
}

/* ping's packet number @seq. */
static struct pt_flow flow(uint16_t seq)
{
	struct pt_flow f = fx_icmp4_flow();

	f.dport = seq;
	f.ipid = (uint16_t)(0x1234 + seq);
	return f;
}

/* The kernel record of @f: copied to the reader unless !copied, then freed. */
static struct pt_event event(uint64_t skb, const struct pt_flow *f, bool copied,
			     enum pt_end end)
{
	struct pt_event ev = fx_event(skb, f);

	if (!copied) {
		ev.ts[PT_STAGE_COPY] = 0;
		ev.copy_pid = ev.copy_tid = 0;
	}
	ev.end = end;
	return ev;
}

static void kernel(struct pt_joiner *j, uint64_t skb, const struct pt_flow *f,
		   uint64_t now)
{
	struct pt_event ev = event(skb, f, true, PT_END_CONSUMED);

	pt_joiner_kernel(j, &ev, now);
}

#define ASSERT_STATS(j, reads_, joined_, ureads_, ukernel_, dropped_, unread_) \
	do {								\
		ASSERT_EQ_U64((j)->stats.reads, reads_);		\
		ASSERT_EQ_U64((j)->stats.joined, joined_);		\
		ASSERT_EQ_U64((j)->stats.unjoined_reads, ureads_);	\
		ASSERT_EQ_U64((j)->stats.unjoined_kernel, ukernel_);	\
		ASSERT_EQ_U64((j)->stats.dropped, dropped_);		\
		ASSERT_EQ_U64((j)->stats.unread, unread_);		\
	} while (0)

UNIT_CASE(joiner_init)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);

	ASSERT_TRUE(j->emit == record);
	ASSERT_TRUE(j->ctx == r);
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_STATS(j, 0, 0, 0, 0, 0, 0);
	/* Nothing waits: expiring everything emits nothing. */
	pt_joiner_expire(j, 1000000, 0);
	ASSERT_EQ_U64(r->n, 0);
}

UNIT_CASE(joiner_kernel_then_read)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	kernel(j, 0xa1, &f, 6000);
	ASSERT_EQ_U64(r->n, 0);		/* waits for its read */
	pt_joiner_read(j, &f, 84, 9000);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_READ);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_TRUE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xa1);
	ASSERT_EQ_U64(r->j[0].ev.ts[PT_STAGE_COPY], 5000);
	ASSERT_EQ_U64(r->j[0].ev.pid, 4242);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_EQ_U64(r->j[0].read_len, 84);
	ASSERT_EQ_U64(r->j[0].t_user, 9000);
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_STATS(j, 1, 1, 0, 0, 0, 0);
}

UNIT_CASE(joiner_read_then_kernel)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	pt_joiner_read(j, &f, 84, 9000);
	ASSERT_EQ_U64(r->n, 0);		/* waits for its record */
	kernel(j, 0xa1, &f, 9500);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_READ);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_TRUE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xa1);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_EQ_U64(r->j[0].read_len, 84);
	ASSERT_EQ_U64(r->j[0].t_user, 9000);
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_STATS(j, 1, 1, 0, 0, 0, 0);
}

UNIT_CASE(joiner_fifo_reads_first)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	/* Two packets with the same key (e.g. retransmitted unchanged). */
	pt_joiner_read(j, &f, 84, 100);
	pt_joiner_read(j, &f, 84, 200);
	kernel(j, 0xb1, &f, 300);
	kernel(j, 0xb2, &f, 400);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xb1);
	ASSERT_EQ_U64(r->j[0].t_user, 100);
	ASSERT_EQ_U64(r->j[1].ev.skb, 0xb2);
	ASSERT_EQ_U64(r->j[1].t_user, 200);
	ASSERT_EQ_U64(r->j[1].status, PT_J_READ);
	ASSERT_STATS(j, 2, 2, 0, 0, 0, 0);
}

UNIT_CASE(joiner_fifo_kernel_first)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	kernel(j, 0xb1, &f, 100);
	kernel(j, 0xb2, &f, 200);
	pt_joiner_read(j, &f, 84, 300);
	pt_joiner_read(j, &f, 84, 400);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xb1);
	ASSERT_EQ_U64(r->j[0].t_user, 300);
	ASSERT_EQ_U64(r->j[1].ev.skb, 0xb2);
	ASSERT_EQ_U64(r->j[1].t_user, 400);
	ASSERT_STATS(j, 2, 2, 0, 0, 0, 0);
}

UNIT_CASE(joiner_matches_by_key)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f1 = flow(1), f2 = flow(2), f3 = flow(3);

	kernel(j, 0xc1, &f1, 100);
	kernel(j, 0xc2, &f2, 100);
	kernel(j, 0xc3, &f3, 100);
	/* Read out of order: each read takes its own record. */
	pt_joiner_read(j, &f2, 84, 200);
	pt_joiner_read(j, &f3, 84, 300);
	pt_joiner_read(j, &f1, 84, 400);
	ASSERT_EQ_U64(r->n, 3);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xc2);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f2));
	ASSERT_EQ_U64(r->j[1].ev.skb, 0xc3);
	ASSERT_EQ_U64(r->j[2].ev.skb, 0xc1);
	ASSERT_EQ_U64(r->j[2].t_user, 400);
	/* A key nobody recorded waits. */
	struct pt_flow f4 = flow(4);
	pt_joiner_read(j, &f4, 84, 500);
	ASSERT_EQ_U64(r->n, 3);
	ASSERT_EQ_U64(j->nr, 1);
}

UNIT_CASE(joiner_dropped_without_copy)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);
	struct pt_event ev = event(0xd1, &f, false, PT_END_DROPPED);

	ev.drop_reason = 6;
	pt_joiner_kernel(j, &ev, 100);
	ASSERT_EQ_U64(r->n, 1);		/* at once: no read can come */
	ASSERT_EQ_U64(r->j[0].status, PT_J_DROPPED);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_FALSE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xd1);
	ASSERT_EQ_U64(r->j[0].ev.drop_reason, 6);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_STATS(j, 0, 0, 0, 0, 1, 0);
}

/* Once the reader stopped, a dropped queued packet counts as unread. */
UNIT_CASE(joiner_drop_after_reader_gone_is_unread)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(5), g = flow(6);
	struct pt_event before = event(0xe1, &f, false, PT_END_DROPPED);
	struct pt_event after = event(0xe2, &g, false, PT_END_DROPPED);

	pt_joiner_kernel(j, &before, 100);
	pt_joiner_reader_gone(j);
	pt_joiner_kernel(j, &after, 200);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[0].status, PT_J_DROPPED);
	ASSERT_EQ_U64(r->j[1].status, PT_J_UNREAD);
	ASSERT_EQ_U64(r->j[1].ev.skb, 0xe2);
	ASSERT_STATS(j, 0, 0, 0, 0, 1, 1);
}

UNIT_CASE(joiner_unread_without_copy)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);
	struct pt_event ev = event(0xd2, &f, false, PT_END_CONSUMED);

	pt_joiner_kernel(j, &ev, 100);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNREAD);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_FALSE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xd2);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_STATS(j, 0, 0, 0, 0, 0, 1);
}

UNIT_CASE(joiner_uncopied_record_leaves_read)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);
	struct pt_event ev = event(0xd3, &f, false, PT_END_DROPPED);

	/* A read waits; a packet with its key dropped before any copy is not it. */
	pt_joiner_read(j, &f, 84, 100);
	pt_joiner_kernel(j, &ev, 150);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_DROPPED);
	ASSERT_FALSE(r->j[0].have_read);
	ASSERT_EQ_U64(j->nr, 1);
	kernel(j, 0xd4, &f, 200);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[1].status, PT_J_READ);
	ASSERT_EQ_U64(r->j[1].ev.skb, 0xd4);
	ASSERT_EQ_U64(r->j[1].t_user, 100);
}

UNIT_CASE(joiner_expire_read)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	pt_joiner_read(j, &f, 84, 1000);
	pt_joiner_expire(j, 1000, 200);
	pt_joiner_expire(j, 1100, 200);
	pt_joiner_expire(j, 1200, 200);		/* exactly max_age: not yet */
	ASSERT_EQ_U64(r->n, 0);
	ASSERT_EQ_U64(j->nr, 1);
	pt_joiner_expire(j, 1201, 200);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNJOINED);
	ASSERT_TRUE(r->j[0].have_read);
	ASSERT_FALSE(r->j[0].have_kernel);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_EQ_U64(r->j[0].read_len, 84);
	ASSERT_EQ_U64(r->j[0].t_user, 1000);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_STATS(j, 1, 0, 1, 0, 0, 0);
	/* Gone: its late record does not join any more. */
	kernel(j, 0xe1, &f, 1300);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(j->nk, 1);
}

UNIT_CASE(joiner_expire_kernel)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f = flow(3);

	kernel(j, 0xe2, &f, 5000);
	pt_joiner_expire(j, 5100, 100);
	ASSERT_EQ_U64(r->n, 0);
	pt_joiner_expire(j, 5101, 100);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNJOINED);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_FALSE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0xe2);
	ASSERT_TRUE(pt_flow_equal(&r->j[0].flow, &f));
	ASSERT_STATS(j, 0, 0, 0, 1, 0, 0);
}

UNIT_CASE(joiner_expire_oldest_only)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f1 = flow(1), f2 = flow(2), f9 = flow(9);

	pt_joiner_read(j, &f1, 84, 1000);
	pt_joiner_read(j, &f2, 84, 2000);
	kernel(j, 0xe3, &f2, 2500);	/* joins the second */
	kernel(j, 0xe4, &f9, 2600);
	ASSERT_EQ_U64(r->n, 1);
	pt_joiner_expire(j, 2700, 1000);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[1].status, PT_J_UNJOINED);
	ASSERT_EQ_U64(r->j[1].t_user, 1000);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_EQ_U64(j->nk, 1);	/* 0xe4 is 100 ns old */
}

UNIT_CASE(joiner_expire_zero_flushes_all)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f1 = flow(1), f2 = flow(2), f3 = flow(3), f4 = flow(4);
	unsigned int reads = 0, kernels = 0;

	pt_joiner_read(j, &f1, 84, 1000);
	pt_joiner_read(j, &f2, 84, 1001);
	kernel(j, 0xf3, &f3, 1002);
	kernel(j, 0xf4, &f4, 1003);
	ASSERT_EQ_U64(r->n, 0);
	/* Even at the very time they came. */
	pt_joiner_expire(j, 1003, 0);
	ASSERT_EQ_U64(r->n, 4);
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ_U64(r->j[i].status, PT_J_UNJOINED);
		ASSERT_TRUE(r->j[i].have_read != r->j[i].have_kernel);
		if (r->j[i].have_read)
			/* In the order read. */
			ASSERT_EQ_U64(r->j[i].t_user, 1000 + reads++);
		else
			ASSERT_EQ_U64(r->j[i].ev.skb, 0xf3 + kernels++);
	}
	ASSERT_EQ_U64(reads, 2);
	ASSERT_EQ_U64(kernels, 2);
	ASSERT_EQ_U64(j->nr, 0);
	ASSERT_EQ_U64(j->nk, 0);
	ASSERT_STATS(j, 2, 0, 2, 2, 0, 0);
}

UNIT_CASE(joiner_stats)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow a = flow(1), b = flow(2), c = flow(3), d = flow(4),
		       e = flow(5), f = flow(6);
	struct pt_event ev;

	kernel(j, 1, &a, 10);
	pt_joiner_read(j, &a, 84, 20);			/* joined */
	pt_joiner_read(j, &b, 84, 30);			/* never recorded */
	kernel(j, 3, &c, 40);				/* never read */
	ev = event(4, &d, false, PT_END_DROPPED);	/* dropped */
	pt_joiner_kernel(j, &ev, 50);
	ev = event(5, &e, false, PT_END_CONSUMED);	/* unread */
	pt_joiner_kernel(j, &ev, 60);
	pt_joiner_read(j, &f, 84, 70);
	kernel(j, 6, &f, 80);				/* joined */
	ASSERT_STATS(j, 3, 2, 0, 0, 1, 1);
	pt_joiner_expire(j, 90, 0);
	ASSERT_STATS(j, 3, 2, 1, 1, 1, 1);
	/* Each journey counted once. */
	ASSERT_EQ_U64(r->n, 6);
	ASSERT_EQ_U64(r->j[0].status, PT_J_READ);
	ASSERT_EQ_U64(r->j[1].status, PT_J_DROPPED);
	ASSERT_EQ_U64(r->j[2].status, PT_J_UNREAD);
	ASSERT_EQ_U64(r->j[3].status, PT_J_READ);
	ASSERT_EQ_U64(r->j[3].ev.skb, 6);
}

UNIT_CASE(joiner_read_overflow)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f;

	for (unsigned int i = 0; i < PT_JOIN_CAP; i++) {
		f = flow((uint16_t)i);
		pt_joiner_read(j, &f, 84, 1000 + i);
	}
	ASSERT_EQ_U64(r->n, 0);
	ASSERT_EQ_U64(j->nr, PT_JOIN_CAP);
	f = flow(PT_JOIN_CAP);
	pt_joiner_read(j, &f, 84, 1000 + PT_JOIN_CAP);
	/* The oldest read gives way. */
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNJOINED);
	ASSERT_TRUE(r->j[0].have_read);
	ASSERT_FALSE(r->j[0].have_kernel);
	ASSERT_EQ_U64(r->j[0].flow.dport, 0);
	ASSERT_EQ_U64(r->j[0].t_user, 1000);
	ASSERT_EQ_U64(j->nr, PT_JOIN_CAP);
	ASSERT_STATS(j, PT_JOIN_CAP + 1, 0, 1, 0, 0, 0);
	/* The others still wait, the newest included. */
	f = flow(1);
	kernel(j, 0x101, &f, 5000);
	f = flow(PT_JOIN_CAP);
	kernel(j, 0x102, &f, 5000);
	ASSERT_EQ_U64(r->n, 3);
	ASSERT_EQ_U64(r->j[1].status, PT_J_READ);
	ASSERT_EQ_U64(r->j[1].t_user, 1001);
	ASSERT_EQ_U64(r->j[2].status, PT_J_READ);
	ASSERT_EQ_U64(r->j[2].t_user, 1000 + PT_JOIN_CAP);
	/* The one given up does not join any more. */
	f = flow(0);
	kernel(j, 0x100, &f, 5000);
	ASSERT_EQ_U64(r->n, 3);
	ASSERT_EQ_U64(j->nk, 1);
}

UNIT_CASE(joiner_kernel_overflow)
{
	struct rec *r;
	struct pt_joiner *j = joiner(&r);
	struct pt_flow f;

	for (unsigned int i = 0; i <= PT_JOIN_CAP; i++) {
		f = flow((uint16_t)i);
		kernel(j, 0x1000 + i, &f, 1000 + i);
	}
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNJOINED);
	ASSERT_TRUE(r->j[0].have_kernel);
	ASSERT_FALSE(r->j[0].have_read);
	ASSERT_EQ_U64(r->j[0].ev.skb, 0x1000);
	ASSERT_EQ_U64(r->j[0].flow.dport, 0);
	ASSERT_EQ_U64(j->nk, PT_JOIN_CAP);
	ASSERT_STATS(j, 0, 0, 0, 1, 0, 0);
	f = flow(PT_JOIN_CAP);
	pt_joiner_read(j, &f, 84, 9000);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[1].ev.skb, 0x1000 + PT_JOIN_CAP);
	f = flow(0);
	pt_joiner_read(j, &f, 84, 9001);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(j->nr, 1);
}

/* --- the way in: a raw socket's clone joined with its original --- */

static struct pt_rxjoin *rxjoin(struct rec **r)
{
	struct pt_rxjoin *x = unit_track(malloc(sizeof(*x)));

	*r = unit_track(calloc(1, sizeof(**r)));
	if (!x || !*r)
		FAIL_CASE("out of memory");
	memset(x, 0x5a, sizeof(*x));
	pt_rxjoin_init(x, record, *r);
	return x;
}

/* An rx original (write, netif, ip, l4 at 500, dropped) or a clone (sockq at 400, copy). */
static struct pt_event rx_event(const struct pt_flow *f, bool clone)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.flow = *f;
	ev.flags = PT_EV_RX | (clone ? PT_EV_CLONE : PT_EV_IN_SYSCALL);
	if (clone) {
		ev.ts[PT_RX_SOCKQ] = 400;
		ev.ts[PT_RX_COPY] = 900;
		ev.copy_pid = 77;
		ev.end = PT_END_CONSUMED;
	} else {
		ev.ts[PT_RX_SYSCALL] = 100;
		ev.ts[PT_RX_NETIF] = 200;
		ev.ts[PT_RX_IP] = 300;
		ev.ts[PT_RX_L4] = 500;
		ev.end = PT_END_DROPPED;
		ev.drop_reason = 2;
	}
	return ev;
}

static void check_merged(const struct pt_journey *j)
{
	ASSERT_TRUE(j->rx);
	ASSERT_EQ_U64(j->status, PT_J_READ);
	ASSERT_EQ_U64(j->ev.ts[PT_RX_SYSCALL], 100);
	ASSERT_EQ_U64(j->ev.ts[PT_RX_SOCKQ], 400);
	ASSERT_EQ_U64(j->ev.ts[PT_RX_COPY], 900);
	/* icmp_rcv ran after the raw socket had its clone: not on this way. */
	ASSERT_EQ_U64(j->ev.ts[PT_RX_L4], 0);
	ASSERT_EQ_U64(j->ev.copy_pid, 77);
	ASSERT_EQ_U64(j->ev.end, PT_END_CONSUMED);
	ASSERT_TRUE(j->ev.flags & PT_EV_CLONE);
	ASSERT_TRUE(j->ev.flags & PT_EV_IN_SYSCALL);
}

UNIT_CASE(rx_clone_after_original)
{
	struct pt_flow f = flow(1), g = flow(2);
	struct pt_event o = rx_event(&f, false), c = rx_event(&f, true), other = rx_event(&g, true);
	struct rec *r;
	struct pt_rxjoin *x = rxjoin(&r);

	pt_rxjoin_kernel(x, &o, 1000);
	ASSERT_EQ_U64(r->n, 0);			/* waits for a clone */
	pt_rxjoin_kernel(x, &other, 1001);	/* another packet's: waits too */
	ASSERT_EQ_U64(r->n, 0);
	pt_rxjoin_kernel(x, &c, 1002);
	ASSERT_EQ_U64(r->n, 1);
	check_merged(&r->j[0]);
	ASSERT_EQ_U64(x->received, 1);
	/* The unmatched clone goes on its own when its wait is over. */
	pt_rxjoin_expire(x, 1001 + PT_RX_WAIT_NS, PT_RX_WAIT_NS);
	ASSERT_EQ_U64(r->n, 1);
	pt_rxjoin_expire(x, 1002 + PT_RX_WAIT_NS, PT_RX_WAIT_NS);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_TRUE(pt_flow_equal(&r->j[1].flow, &g));
	ASSERT_EQ_U64(x->received, 2);
}

UNIT_CASE(rx_clone_before_original)
{
	struct pt_flow f = flow(3);
	struct pt_event o = rx_event(&f, false), c = rx_event(&f, true);
	struct rec *r;
	struct pt_rxjoin *x = rxjoin(&r);

	pt_rxjoin_kernel(x, &c, 1000);
	ASSERT_EQ_U64(r->n, 0);
	pt_rxjoin_kernel(x, &o, 1001);
	ASSERT_EQ_U64(r->n, 1);
	check_merged(&r->j[0]);
}

/*
 * More unmatched packets than the ring holds, three times over: the oldest
 * goes out first each time, and the ring's head goes round its own size
 * (it went round the reader's ring's, twice as long: past its end under a
 * flood, into what followed it in memory).
 */
UNIT_CASE(rx_ring_wraps)
{
	struct rec *r;
	struct pt_rxjoin *x = rxjoin(&r);

	for (unsigned int i = 0; i < 3 * PT_RX_CAP; i++) {
		struct pt_flow f = flow((uint16_t)i);
		struct pt_event o = rx_event(&f, false);

		pt_rxjoin_kernel(x, &o, 1000 + i);
		ASSERT_EQ_U64(x->n, i < PT_RX_CAP ? i + 1 : PT_RX_CAP);
	}
	pt_rxjoin_expire(x, 1000 + 3 * PT_RX_CAP, 0);
	ASSERT_EQ_U64(x->n, 0);
	ASSERT_EQ_U64(r->n, 3 * PT_RX_CAP);
	for (unsigned int i = 0; i < 3 * PT_RX_CAP && i < REC_MAX; i++)
		if (r->j[i].flow.dport != i)
			FAIL_CASE("journey %u is packet %u's, not packet %u's", i,
				  r->j[i].flow.dport, i);
}

UNIT_CASE(rx_statuses)
{
	struct pt_flow f = flow(4);
	struct pt_event o = rx_event(&f, false), u = rx_event(&f, false), d;
	struct rec *r;
	struct pt_rxjoin *x = rxjoin(&r);

	/* Copied already (a UDP socket's): out at once, received. */
	d = o;
	d.ts[PT_RX_COPY] = 600;
	d.end = PT_END_CONSUMED;
	pt_rxjoin_kernel(x, &d, 1);
	ASSERT_EQ_U64(r->n, 1);
	ASSERT_EQ_U64(r->j[0].status, PT_J_READ);
	/* Dropped with no clone: dropped once given up on; consumed: unread. */
	pt_rxjoin_kernel(x, &o, 2);
	u.end = PT_END_CONSUMED;
	pt_rxjoin_kernel(x, &u, 3);
	pt_rxjoin_expire(x, 4, 0);
	ASSERT_EQ_U64(r->n, 3);
	ASSERT_EQ_U64(r->j[1].status, PT_J_DROPPED);
	ASSERT_EQ_U64(r->j[2].status, PT_J_UNREAD);
	pt_rxjoin_unfinished(x, &u);
	ASSERT_EQ_U64(r->j[3].status, PT_J_UNFINISHED);
	ASSERT_EQ_U64(x->received, 1);
	ASSERT_EQ_U64(x->dropped, 1);
	ASSERT_EQ_U64(x->unreceived, 1);
	ASSERT_EQ_U64(x->unfinished, 1);
}

/*
 * Where a UDP socket's receive is unseen (tracepoints), a UDP packet freed
 * with no copy seen may have been received: unfinished. Others stay unread.
 */
UNIT_CASE(rx_udp_copy_unseen)
{
	struct pt_flow f = flow(5), g = flow(6);
	struct pt_event u, i;
	struct rec *r;
	struct pt_rxjoin *x = rxjoin(&r);

	f.proto = PT_IPPROTO_UDP;	/* g: ICMP */
	u = rx_event(&f, false);
	i = rx_event(&g, false);
	u.end = i.end = PT_END_CONSUMED;
	x->udp_copy_unseen = true;
	pt_rxjoin_kernel(x, &u, 1);
	pt_rxjoin_kernel(x, &i, 2);
	pt_rxjoin_expire(x, 3, 0);
	ASSERT_EQ_U64(r->n, 2);
	ASSERT_EQ_U64(r->j[0].status, PT_J_UNFINISHED);
	ASSERT_EQ_U64(r->j[1].status, PT_J_UNREAD);
	ASSERT_EQ_U64(x->unfinished, 1);
	ASSERT_EQ_U64(x->unreceived, 1);
	/* Where it is seen (fentry: skb_consume_udp), no copy means unread. */
	x->udp_copy_unseen = false;
	pt_rxjoin_kernel(x, &u, 4);
	pt_rxjoin_expire(x, 5, 0);
	ASSERT_EQ_U64(r->j[2].status, PT_J_UNREAD);
}
