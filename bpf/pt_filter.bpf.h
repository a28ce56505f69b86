/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user picked out of the device's traffic, decided at a packet's
 * first sighting: a pcap-filter expression, run on the packet's first
 * bytes by the placeholder userspace writes the translated expression over
 * (see include/pt_filter.h), and the sending process (--pid, --comm),
 * decided as early as its send syscall. A packet left out is counted.
 */
#ifndef PT_FILTER_BPF_H
#define PT_FILTER_BPF_H

#include "pt_config.bpf.h"
#include "pt_filter.h"
#include "pt_skb.bpf.h"
#include "pt_task.bpf.h"

/* Journey mode: whether the reader's last copy was of a packet not followed. */
volatile __u8 reader_unfollowed = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_NESTS);	/* by nesting level, as scratch */
	__type(key, __u32);
	__type(value, struct pt_fbuf);
} fbufs SEC(".maps");

/*
 * Run the filter on the packet whose first byte @p points at, with the
 * lengths in the struct pt_fbuf @v points at; @v (a __u64) becomes the
 * verdict: 0 leaves the packet out.
 */
#define PT_FILTER_RUN(v, p)							\
	asm volatile("r0 = " PT_FILTER_STR(PT_FILTER_MARK_START) " ll\n\t"	\
		     "%[rb] = %[rb]\n\t"					\
		     "%[rp] = %[rp]\n\t"					\
		     ".rept " PT_FILTER_STR(PT_FILTER_ROOM) "\n\t"		\
		     "goto +0\n\t"						\
		     ".endr\n\t"						\
		     "r0 = " PT_FILTER_STR(PT_FILTER_MARK_END) " ll\n\t"	\
		     : [rb] "+r"(v) : [rp] "r"(p) : "r0", "r1", "r2", "r3", "r4", "r5")

/* Whether the current process is one of --pid's or --comm's. */
static __always_inline bool pt_proc_match(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 comm[2];

#pragma unroll
	for (int i = 0; i < PT_MAX_PIDS; i++)
		if (proc_pids[i] && proc_pids[i] == tgid)
			return true;
	if (!proc_comm[0])
		return false;
	pt_current_comm(comm);
	return comm[0] == proc_comm[0] && comm[1] == proc_comm[1];
}

/*
 * Whether the expression keeps the packet of @sf: its bytes from the link
 * layer on (the way in: from its mac header, which the stack has pulled).
 * @trusted: @sf was read through a BTF pointer, whose data pointers the
 * filter may read in place where the kernel allows it; else a copy.
 */
static __always_inline bool pt_expr_keep(const struct pt_skb_facts *sf, bool rx, bool trusted)
{
	unsigned char *start = sf->data, *p;
	struct pt_fbuf *b;
	__u32 nest = sf->nest & (PT_NESTS - 1), n;
	__u64 v;

	if (!pkt_filter)
		return true;
	b = bpf_map_lookup_elem(&fbufs, &nest);
	if (!b)
		return true;	/* never: the index is in range */
	if (rx && sf->mh != (__u16)~0U && sf->head + sf->mh < sf->data)
		start = sf->head + sf->mh;
	b->wirelen = sf->len + (__u32)(sf->data - start);
	/* Only the linear bytes are at start + n. */
	n = sf->len - sf->data_len + (__u32)(sf->data - start);
	if (n > PT_FILTER_CAP)
		n = PT_FILTER_CAP;
	if (pt_bytes_in_place(trusted)) {
		p = start;
	} else {
		if (n > filter_need)	/* a copy of what the filter may read */
			n = filter_need;
		if (bpf_probe_read_kernel(b->pkt, n, start))
			n = 0;
		p = b->pkt;
	}
	b->caplen = n;
	v = (__u64)b;
	PT_FILTER_RUN(v, p);
	return v != 0;
}

/*
 * A packet's first sighting on the device: whether it is followed. Sent:
 * by one of the processes picked, in a send syscall; both ways: matched by the
 * expression. A packet left out is counted, unless @clone: a received
 * packet's clone, whose original was counted already.
 */
static __always_inline bool pt_first_keep(const struct pt_skb_facts *sf, bool rx, bool clone,
					  bool trusted)
{
	if (proc_filter && !rx && (!pt_in_send() || !pt_proc_match()))
		goto out;
	if (pt_expr_keep(sf, rx, trusted))
		return true;
out:
	if (!clone)
		pt_count(PT_CNT_FILTERED);
	return false;
}

#endif /* PT_FILTER_BPF_H */
