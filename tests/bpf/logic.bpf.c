// SPDX-License-Identifier: GPL-2.0
/*
 * The slot table's, --hist's and TCP's logic, run outside any hook: each program
 * calls one of the real inline functions (the headers of bpf/, not a copy) with
 * what tests/bpf/logic.c puts in its context and the maps, and leaves what
 * it returned there. Syscall programs: BPF_PROG_TEST_RUN runs them with a
 * context of our own, and they may use maps, atomics, the ring buffer and
 * global data, which is all this logic needs besides an skb.
 */
#include "pt_slots.bpf.h"
#include "pt_journey.bpf.h"
#include "pt_hist.bpf.h"
#include "pt_task.bpf.h"
#include "pt_tcp.bpf.h"
#include "logic.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The results go into the context last, through a pointer the compiler
 * knows nothing of: the verifier refuses a store through a context
 * pointer it has moved, which clang may otherwise make of stores on
 * several paths.
 */
static __always_inline void pt_logic_out(struct pt_logic_ctx *c, __s64 ret, __u32 idx)
{
	asm volatile("" : "+r"(c));
	c->ret = ret;
	c->idx = idx;
}

/* pt_slot_claim(key, now): ret claimed, idx the slot (NONE: set full). */
SEC("syscall")
int slot_claim(struct pt_logic_ctx *c)
{
	struct pt_slot_ref r;
	bool claimed = pt_slot_claim(c->key, c->now, &r);

	pt_logic_out(c, claimed, r.owner ? r.idx : PT_LOGIC_NONE);
	return 0;
}

/* pt_slot_find(key): ret found, idx its slot. */
SEC("syscall")
int slot_find(struct pt_logic_ctx *c)
{
	struct pt_slot_ref r;
	bool found = pt_slot_find(c->key, &r);

	pt_logic_out(c, found, found ? r.idx : PT_LOGIC_NONE);
	return 0;
}

/*
 * A journey's end: the record of key handed over with pt_rec_submit (end
 * a, drop reason b), its slot freed. ret: whether it was found.
 */
SEC("syscall")
int rec_submit(struct pt_logic_ctx *c)
{
	__u32 end = c->a, reason = c->b;
	struct pt_skb_ref r;
	bool found = pt_skb_find(c->key, &r);

	if (found)
		pt_rec_submit(&r, end, reason);
	pt_logic_out(c, found, PT_LOGIC_NONE);
	return 0;
}

/* The slot a record of --hist's is at (PT_LOGIC_NONE: none). */
static __always_inline __u32 pt_logic_hrec_idx(__u64 key, const struct pt_hrec *h)
{
	__u32 set = pt_skb_set_idx(key);

	for (__u32 w = 0; w < PT_SKB_WAYS; w++)
		if (h && pt_hrec_at(pt_slot_idx(set, w)) == h)
			return pt_slot_idx(set, w);
	return PT_LOGIC_NONE;
}

/*
 * pt_hrec_take(key, now), then what pt_hist_open writes to make it live:
 * its key, and a as its first stamp. idx: the record's slot.
 */
SEC("syscall")
int hrec_take(struct pt_logic_ctx *c)
{
	__u64 key = c->key, first = c->a;
	struct pt_hrec *h = pt_hrec_take(key, c->now);

	if (h) {
		h->key = key;
		h->first = first;
	}
	pt_logic_out(c, h != NULL, pt_logic_hrec_idx(key, h));
	return 0;
}

/* pt_hrec_probe(key) (a: 0) or pt_hrec_find(key) (a: 1); idx its slot. */
SEC("syscall")
int hrec_lookup(struct pt_logic_ctx *c)
{
	__u64 key = c->key;
	struct pt_hrec *h = c->a ? pt_hrec_find(key) : pt_hrec_probe(key);

	pt_logic_out(c, h != NULL, pt_logic_hrec_idx(key, h));
	return 0;
}

/* pt_hoff(a, b) */
SEC("syscall")
int hoff(struct pt_logic_ctx *c)
{
	pt_logic_out(c, pt_hoff(c->a, c->b), PT_LOGIC_NONE);
	return 0;
}

/* pt_hist_add: class key, from a >> 8, to a & 0xff, value b. */
SEC("syscall")
int hist_add(struct pt_logic_ctx *c)
{
	pt_hist_add(c->key, c->a >> 8, c->a & 0xff, c->b);
	pt_logic_out(c, 0, PT_LOGIC_NONE);
	return 0;
}

/*
 * pt_task_claim_tid(a): a thread's slot taken (ret: 1), stamped as a send's
 * entry at now (b: 1) or left as it was; idx the slot.
 */
SEC("syscall")
int task_claim(struct pt_logic_ctx *c)
{
	struct pt_task *t = pt_task_claim_tid(c->a);

	if (t && c->b)
		t->ts[PT_STAGE_SYSCALL] = c->now;
	pt_logic_out(c, !!t, t ? (__u32)(c->a & (PT_TASK_SLOTS - 1)) : PT_LOGIC_NONE);
	return 0;
}

/* pt_task_mine_tid(a): ret whether thread a's slot holds its stamps. */
SEC("syscall")
int task_mine(struct pt_logic_ctx *c)
{
	struct pt_task *t = pt_task_mine_tid(c->a);

	pt_logic_out(c, !!t, t ? (__u32)(c->a & (PT_TASK_SLOTS - 1)) : PT_LOGIC_NONE);
	return 0;
}

_Static_assert(PT_LOGIC_TCP_WRITES == PT_TCP_WRITES, "logic.h: a socket's writes kept");

/*
 * A TCP socket's record (key: key) with its writes kept: a write that
 * began at sequence b put at index a, and head (writes recorded) now.
 */
SEC("syscall")
int tcp_write_put(struct pt_logic_ctx *c)
{
	__u64 key = c->key;
	struct pt_tcp_sock *s;

	bpf_map_update_elem(&tcp_socks, &key, &pt_tcp_sock_zero, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&tcp_socks, &key);
	if (s) {
		s->w[c->a & (PT_TCP_WRITES - 1)].seq = c->b;
		s->head = c->now;
	}
	pt_logic_out(c, s != NULL, PT_LOGIC_NONE);
	return 0;
}

/* pt_tcp_write_of(the record of key, a): ret whether found, idx its index. */
SEC("syscall")
int tcp_write_of(struct pt_logic_ctx *c)
{
	__u64 key = c->key;
	struct pt_tcp_sock *s = bpf_map_lookup_elem(&tcp_socks, &key);
	struct pt_tcp_write *w = s ? pt_tcp_write_of(s, c->a) : NULL;

	pt_logic_out(c, w != NULL, w ? (__u32)(w - s->w) : PT_LOGIC_NONE);
	return 0;
}
