/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic handlers behind every hook, whatever attaches them (fentry,
 * kprobe or tracepoint entry points in pathtrace.bpf.c): each serves both
 * modes, a journey record per packet or --hist's records.
 *
 * Before a packet has an skb on the traced device, its stages are stamped
 * in the sending task's slot (pt_task.bpf.h); at the first sighting of
 * the skb on the device they move into a per-skb record, in a table slotted
 * by the skb's address (pt_slots.bpf.h), which collects the later stages
 * and is handed to userspace, one ring-buffer record per packet, when the
 * kernel frees the skb (pt_journey.bpf.h). --hist keeps a line per packet
 * and fills histograms in the kernel instead (pt_hist.bpf.h); the way in
 * and foreign readers are in pt_rx.bpf.h.
 */
#ifndef PT_CORE_BPF_H
#define PT_CORE_BPF_H

#include "pt_config.bpf.h"
#include "pt_key.bpf.h"
#include "pt_task.bpf.h"
#include "pt_skb.bpf.h"
#include "pt_slots.bpf.h"
#include "pt_journey.bpf.h"
#include "pt_hist.bpf.h"
#include "pt_rx.bpf.h"
#include "pt_filter.bpf.h"
#include "pt_tcp.bpf.h"

/* First sighting of an skb sent to the traced device (at the queue stage). */
static __always_inline void pt_on_skb_first(struct sk_buff *skb, bool trusted)
{
	__u64 key = trusted ? pt_key(skb) : pt_key_raw(skb);
	struct pt_event *ev;

	if (hist_mode) {
		pt_hist_open(skb, key, trusted);
		return;
	}
	ev = pt_rec_open(skb, key, trusted, PT_STAGE_QUEUE, 0);
	if (!ev)
		return;
	pt_rec_join_sender(ev, key);
	if (ev->flow.proto == PT_IPPROTO_TCP) {
		ev->ts[PT_STAGE_SENDQ] = pt_sendq_take(skb, key, trusted, &ev->ts[PT_STAGE_IP]);
		pt_tcp_attr(ev, skb, key, trusted);
	}
}

/*
 * A later stage of a followed skb: false if it is not followed. On the way
 * out (@tx), a record of a packet on its way in at the skb's address is not
 * its own: that skb was freed unseen and its address reused (a TCP ACK
 * written by --relay, then a segment the ACK let out), and the new skb is a
 * stranger, which its driver stage opens (superseding that record).
 */
static __always_inline bool pt_on_skb_stage(__u64 key, __u32 stage, bool tx)
{
	struct pt_skb_ref r;

	if (hist_mode)
		return pt_hist_stage(key, stage);
	if (!pt_skb_find(key, &r) || (tx && (r.ev->flags & PT_EV_RX)))
		return false;
	if (!r.ev->ts[stage])
		r.ev->ts[stage] = bpf_ktime_get_ns();
	return true;
}

/* dev_hard_start_xmit: a list of skbs, linked by skb->next. */
static __always_inline void pt_on_skb_list_stage(struct sk_buff *skb,
						 enum pt_stage stage, bool trusted)
{
	__u64 base = trusted ? 0 : pt_key_base_raw();
	bool missed = false;

	for (int i = 0; i < PT_MAX_XMIT_LIST && skb; i++) {
		if (trusted) {
			missed |= !pt_on_skb_stage(pt_key(skb), stage, true);
			skb = skb->next;
		} else {
			missed |= !pt_on_skb_stage((__u64)skb - base, stage, true);
			skb = BPF_CORE_READ(skb, next);
		}
	}
	/* Segments of a GSO split are strangers here: their driver stage opens them. */
	if (missed)
		pt_gso_xmit_mark();
}

/*
 * The packet-socket tap (where no function hook serves xmit): a socket
 * filter on an AF_PACKET socket bound to the device runs in
 * dev_queue_xmit_nit, inside xmit_one, on a clone of each outgoing skb
 * (another address, the same bytes). Nothing else can run on this CPU
 * between it and the net_dev_start_xmit tracepoint that follows for the
 * same skb (bottom halves are off): the driver stage takes the stamp from
 * here, matched by length. It keeps nothing (0: the socket gets no copy).
 *
 * A stamp still there when the next packet comes had no driver stage: the
 * kernel ran this socket filter but not the tracing programs around it
 * (seen on 6.18 in softirqs that interrupt some tasks, with no skipped
 * run counted; doc/design.md). Counted: that packet is in no journey.
 */
#define PT_PACKET_OUTGOING 4	/* linux/if_packet.h */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_tap);
} tap_stash SEC(".maps");

static __always_inline void pt_on_tap(struct __sk_buff *ctx)
{
	__u32 zero = 0;
	struct pt_tap *t;

	if (ctx->pkt_type != PT_PACKET_OUTGOING)
		return;
	t = bpf_map_lookup_elem(&tap_stash, &zero);
	if (t) {
		if (t->ts)
			pt_count(PT_CNT_XMIT_UNSEEN);
		t->ts = bpf_ktime_get_ns();
		t->len = ctx->len;
	}
}

/* The tap's stamp of @skb, which the driver now gets, or 0. */
static __always_inline __u64 pt_tap_take(struct sk_buff *skb, bool trusted)
{
	__u32 zero = 0;
	struct pt_tap *t;
	__u64 ts;

	if (!xmit_tapped)
		return 0;
	t = bpf_map_lookup_elem(&tap_stash, &zero);
	if (!t || !t->ts || t->len != (trusted ? skb->len : BPF_CORE_READ(skb, len)))
		return 0;
	ts = t->ts;
	t->ts = 0;
	return ts;
}

/*
 * The driver gets the skb (with the tap, its xmit stage too: one lookup
 * for both): a stranger may be a segment of a GSO split.
 */
static __always_inline void pt_on_skb_driver(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_skb_ref r;
	__u64 tap;

	if (hist_mode) {
		pt_hist_driver(skb, key, trusted);
		return;
	}
	tap = pt_tap_take(skb, trusted);
	if (!pt_skb_find(key, &r) || (r.ev->flags & PT_EV_RX)) {
		pt_gso_take(skb, key, trusted, tap);
		return;
	}
	if (!r.ev->ts[PT_STAGE_DRIVER])
		r.ev->ts[PT_STAGE_DRIVER] = bpf_ktime_get_ns();
	if (tap && !r.ev->ts[PT_STAGE_XMIT])
		r.ev->ts[PT_STAGE_XMIT] = tap;
}

/*
 * A read() copies the skb out: the tun reader's (on the way out), or the
 * receiving application's (on the way in). That is the end of the way in:
 * the record goes now (a UDP socket frees the skb without consume_skb).
 */
static __always_inline void pt_on_skb_copy(struct sk_buff *skb, __u64 key, bool trusted)
{
	struct pt_skb_ref r;
	struct pt_event *ev;
	__u64 id;

	if (hist_mode) {
		pt_hist_copy(skb, key, trusted);
		return;
	}
	ev = pt_on_rx_late(NULL, skb, key, trusted, PT_STAGE_COPY);
	if (!ev && !pkt_filter && !proc_filter)
		return;
	id = bpf_get_current_pid_tgid();
	/*
	 * Our reader reads a packet another process sent: userspace must not
	 * take it for one whose record went missing. Written only when it
	 * changes: while every packet is followed, the line stays clean.
	 */
	if ((pkt_filter || proc_filter) && (id >> 32) == reader_tgid &&
	    reader_unfollowed != !ev)
		reader_unfollowed = !ev;
	if (!ev || ev->copy_pid)
		return;
	ev->copy_pid = id >> 32;
	ev->copy_tid = (__u32)id;
	pt_current_comm(ev->copy_comm);
	if ((ev->flags & PT_EV_RX) && pt_skb_find(key, &r))
		pt_rec_submit(&r, PT_END_CONSUMED, 0);
}

/* The skb is freed: hand its record over (or count it) and forget it. */
static __always_inline void pt_on_skb_end(struct sk_buff *skb, __u64 key, enum pt_end end,
					  __u32 reason)
{
	struct pt_skb_ref r;

	/*
	 * A packet socket's copy of a packet sent (dev_queue_xmit_nit's
	 * clone, which the tap and any tcpdump on the device get), freed on
	 * the sender's CPU: never followed, so its free leaves the tables
	 * alone. Its byte is in the skb just freed; a look in its set was a
	 * line the reader's CPU had last.
	 */
	if (BPF_CORE_READ_BITFIELD(skb, pkt_type) == PT_PACKET_OUTGOING)
		return;
	pt_parked_forget(key);
	if (hist_mode) {
		pt_hist_end(skb, key, end, reason);
		return;
	}
	if (!pt_skb_find(key, &r) || pt_rx_freed_unseen(r.ev, skb, true))
		return;
	if (end == PT_END_CONSUMED && pt_gso_stash(&r, skb)) {
		*r.owner = 0;	/* its segments carry its stages */
		return;
	}
	if (pt_foreign_defer(&r, key))
		return;
	pt_rec_submit(&r, end, reason);
}

#endif /* PT_CORE_BPF_H */
