/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The way in (--echo: a packet written into the device, followed up to the
 * application that receives it), and a foreign reader's reads, followed to
 * their return.
 */
#ifndef PT_RX_BPF_H
#define PT_RX_BPF_H

#include "pt_config.bpf.h"
#include "pt_key.bpf.h"
#include "pt_task.bpf.h"
#include "pt_slots.bpf.h"
#include "pt_journey.bpf.h"

/*
 * --echo: first sighting of a packet written into the traced device, as
 * the stack takes it (netif_receive_skb, in the writer's task).
 */
static __always_inline void pt_on_rx_first(struct sk_buff *skb)
{
	struct pt_event *ev;

	if (!rx_mode)
		return;
	ev = pt_rec_open(skb, pt_key(skb), true, PT_RX_NETIF, PT_EV_RX);
	if (ev)
		pt_rec_join_task(ev, PT_RX_TUN + 1);
}

/*
 * A late stage on the way in (the socket queue, the application's copy): a
 * packet not followed may be a raw socket's clone of one that is; it is
 * followed from here, and userspace joins the two. Only a raw socket's: a
 * TCP socket's skb copied by a second read (its first ended its journey)
 * is no new packet. @sk: the socket queueing it (NULL: the one it is on).
 */
static __always_inline struct pt_event *pt_on_rx_late(void *sk, struct sk_buff *skb, __u64 key,
						      bool trusted, __u32 stage)
{
	struct pt_skb_ref r;

	if (pt_skb_find(key, &r) && !pt_rx_freed_unseen(r.ev, skb, trusted)) {
		if (!r.ev->ts[stage])
			r.ev->ts[stage] = bpf_ktime_get_ns();
		return r.ev;
	}
	if (!rx_mode || !pt_sk_raw(sk, skb, trusted))
		return NULL;
	return pt_rec_open(skb, key, trusted, stage, PT_EV_RX | PT_EV_CLONE);
}

/*
 * A foreign reader's read() frees the skb it copied before it returns: the
 * record of @key (@r) waits for that return (pt_on_read_return). True when
 * it waits.
 */
static __always_inline bool pt_foreign_defer(struct pt_skb_ref *r, __u64 key)
{
	if (foreign_tgid && r->ev->copy_pid == foreign_tgid &&
	    (bpf_get_current_pid_tgid() >> 32) == foreign_tgid) {
		struct pt_task *t = pt_task_claim();

		if (t) {
			t->pending = key;
			*r->owner = key ^ PT_KEY_WAITING;	/* its skb's address is free */
			return true;
		}
	}
	return false;
}

/* sys_exit in a foreign reader: the user stage of the packet its read copied. */
static __always_inline void pt_on_read_return(void)
{
	struct pt_skb_ref r;
	struct pt_task *t;
	__u64 key;

	if ((bpf_get_current_pid_tgid() >> 32) != foreign_tgid || !foreign_tgid)
		return;
	t = pt_task_mine();
	if (!t || !t->pending)
		return;
	key = t->pending;
	t->pending = 0;
	if (!pt_skb_find_owner(key, key ^ PT_KEY_WAITING, &r))
		return;
	r.ev->t_user = bpf_ktime_get_ns();
	pt_rec_submit(&r, PT_END_CONSUMED, 0);
}

#endif /* PT_RX_BPF_H */
