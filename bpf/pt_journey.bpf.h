/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journey records: opened at an skb's first sighting on the traced device,
 * joined to the task that sent (or wrote) it, handed to userspace through
 * the ring buffer at its end.
 */
#ifndef PT_JOURNEY_BPF_H
#define PT_JOURNEY_BPF_H

#include "pt_config.bpf.h"
#include "pt_task.bpf.h"
#include "pt_skb.bpf.h"
#include "pt_slots.bpf.h"
#include "pt_filter.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PT_RINGBUF_BYTES);
} events SEC(".maps");

/* Hand a record over (ring buffer full: counted) and free its slot. */
static __always_inline void pt_rec_submit(struct pt_skb_ref *r, enum pt_end end, __u32 reason)
{
	struct pt_event *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (rec) {
		__builtin_memcpy(rec, r->ev, sizeof(*rec));
		rec->end = end;
		rec->drop_reason = reason;
		/*
		 * No wake-up per record (it costs more than the record): the
		 * reader drains the ring after each read() and at least every
		 * 100 ms. Only a ring filling up (a flood of drops) wakes it.
		 */
		bpf_ringbuf_submit(rec, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >
				   PT_RINGBUF_BYTES / 4 ? BPF_RB_FORCE_WAKEUP :
				   BPF_RB_NO_WAKEUP);
	} else {
		pt_count(PT_CNT_RB_FULL);
	}
	*r->owner = 0;	/* the slot is free again */
}

/*
 * The record @ev, found by @skb's address, is a packet on its way in whose
 * skb was freed unseen (on tracepoints a UDP socket's receive frees it
 * without consume_skb; TCP frees a segment it merged into the one before
 * it with no hook at all), and @skb is another one at that address: the
 * kernel reuses a freed skb's memory at once, often its data's too. A
 * packet's data stays where it is on its way in to a local socket, and the
 * device it came in on stays in skb_iif (set by the stack right after the
 * netif stage, copied into clones): an skb at the same two addresses that
 * did not come in on ours (the relay's read of a packet sent in the peer's
 * namespace, a small skb reusing a merged segment's memory) is another.
 */
static __always_inline bool pt_rx_freed_unseen(const struct pt_event *ev, struct sk_buff *skb,
					       bool trusted)
{
	if (!(ev->flags & PT_EV_RX))
		return false;
	if (trusted)
		return ev->head != (__u64)skb->head || skb->skb_iif != ev->ifindex;
	return ev->head != (__u64)BPF_CORE_READ(skb, head) ||
	       BPF_CORE_READ(skb, skb_iif) != ev->ifindex;
}

/*
 * As pt_rx_freed_unseen, for @skb seen at the device with @flags: there it
 * is surely another skb. On its way in a packet passes the device layer
 * once, and never on the way out (unless forwarded back out of the device
 * it came in on: its way in ends there).
 */
static __always_inline bool pt_rx_superseded(const struct pt_event *ev, struct sk_buff *skb,
					     bool trusted, __u32 flags)
{
	if (!(ev->flags & PT_EV_RX))
		return false;
	return !(flags & PT_EV_CLONE) || pt_rx_freed_unseen(ev, skb, trusted);
}

/*
 * The record @ev, found by a new skb's address at its first sighting, is a
 * packet on its way out already copied out by its reader: its end went
 * unseen (the kernel skipped the program, nested in itself), for a packet
 * read is never seen again before its copy. It is done; the new skb is
 * another packet, not a second pass of this one.
 */
static __always_inline bool pt_tx_end_unseen(const struct pt_event *ev)
{
	return !(ev->flags & PT_EV_RX) && ev->ts[PT_STAGE_COPY];
}

/*
 * Open the record of @skb, first seen at @stage on the traced device, if it
 * has none: NULL when it had one (stamped at @stage if that was not), or
 * when it is not the device's, or no slot was free. @flags (PT_EV_*) go
 * into the record; with PT_EV_CLONE, @skb is a received packet's clone (a
 * raw socket's copy), and the device that counts is the one it came in on.
 */
static __always_inline struct pt_event *pt_rec_open(struct sk_buff *skb, __u64 key,
						    bool trusted, __u32 stage, __u32 flags)
{
	struct pt_skb_facts sf;
	struct pt_skb_ref r;
	struct pt_scratch *sc;
	struct pt_event *ev;
	__u64 now;

	pt_skb_read(skb, trusted, &sf);
	sf.nest = pt_nest(stage);
	if (flags & PT_EV_CLONE) {
		/*
		 * Queued on a socket, a packet has lost its device: it came in
		 * on ours if its input interface is ours, in the namespace of
		 * the socket that has it.
		 */
		if (sf.iif != targ_ifindex ||
		    (sf.netns ? sf.netns : pt_skb_sk_netns(skb, trusted)) != targ_netns)
			return NULL;
	} else if (sf.ifindex != targ_ifindex || sf.netns != targ_netns) {
		return NULL;
	}
	/* A GSO segment was filtered by pt_gso_take (the expression inlined once) */
	if (!(flags & PT_EV_GSO) &&
	    !pt_first_keep(&sf, flags & PT_EV_RX, flags & PT_EV_CLONE, trusted))
		return NULL;
	/* The clock only for a packet followed. */
	now = bpf_ktime_get_ns();
	sc = bpf_map_lookup_elem(&scratch, &sf.nest);
	if (!sc)
		return NULL;
	if (!pt_skb_open(key, now, &r)) {
		if (!r.ev || (!pt_rx_superseded(r.ev, skb, trusted, flags) &&
			      !pt_tx_end_unseen(r.ev))) {
			/* Seen already (a second pass through the device layer). */
			if (r.ev && stage < PT_NR_KSTAGES && !r.ev->ts[stage])
				r.ev->ts[stage] = now;
			if (r.ev && !(r.ev->flags & PT_EV_RX))
				pt_count(PT_CNT_MERGED);
			return NULL;
		}
		/* A new skb where a packet on its way in, or one read, was: that one is done. */
		pt_rec_submit(&r, r.ev->flags & PT_EV_RX ? PT_END_UNSEEN : PT_END_CONSUMED, 0);
		if (pt_cas(r.owner, 0, key))
			return NULL;	/* another CPU took the slot */
	}
	ev = r.ev;
	if (!ev) {	/* never: the index is in range; give the slot back */
		*r.owner = 0;
		return NULL;
	}
	__builtin_memset(ev->ts, 0, sizeof(*ev) - offsetof(struct pt_event, ts));
	ev->skb = key;
	ev->head = (__u64)sf.head;
	if (stage < PT_NR_KSTAGES)
		ev->ts[stage] = now;
	ev->len = sf.len;
	pt_skb_flow(&sf, &ev->flow, sc, trusted);
	ev->t_open = now;
	ev->flags = flags;
	ev->ifindex = targ_ifindex;
	ev->syscall_nr = -1;
	return ev;
}

/* Who sent @ev's packet: the send @t of thread @id (its tgid << 32 | tid). */
static __always_inline void pt_rec_sender(struct pt_event *ev, const struct pt_task *t, __u64 id)
{
	ev->l4_ip = t->l4_ip;
	ev->pid = id >> 32;
	ev->tid = (__u32)id;
	ev->syscall_nr = t->nr;
	ev->flags |= PT_EV_IN_SYSCALL;
}

/*
 * A new record takes the stages its task stamped before the skb existed
 * (slots below @upto): the sender's send, or the writer's write.
 */
static __always_inline void pt_rec_join_task(struct pt_event *ev, int upto)
{
	struct pt_task *t = pt_task_get();

	if (!t)
		return;
	for (int i = 0; i < PT_STAGE_QUEUE; i++)
		if (i < upto)
			ev->ts[i] = t->ts[i];
	/* An ARP request sent while the send's own skb parks: a copy (pt_task.bpf.h). */
	if (upto != PT_STAGE_QUEUE || pt_neigh_is_ip_last(ev->skb))
		pt_task_stamps_taken(t);
	pt_rec_sender(ev, t, bpf_get_current_pid_tgid());
	pt_current_comm(ev->comm);
}

/*
 * First sighting on the way out: the sender of a packet the neighbour
 * layer parked, or else the current task's send.
 */
static __always_inline void pt_rec_join_sender(struct pt_event *ev, __u64 key)
{
	struct pt_parked pk;

	if (!pt_parked_take(key, &pk)) {
		pt_rec_join_task(ev, PT_STAGE_QUEUE);
		return;
	}
	for (int i = 0; i < PT_STAGE_QUEUE; i++)
		ev->ts[i] = pk.t.ts[i];
	pt_rec_sender(ev, &pk.t, pk.id);
	ev->flags |= PT_EV_PARKED;
	__builtin_memcpy(ev->comm, pk.comm, sizeof(ev->comm));
}

#endif /* PT_JOURNEY_BPF_H */
