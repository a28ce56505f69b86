// SPDX-License-Identifier: GPL-2.0
/*
 * The floors, on the hooks pathtrace --hist attaches with the tracepoint
 * backend (and the cgroup sendmsg4 hook at the cgroup v2 root, its l4).
 * empty_*: programs that do nothing, what any tracer pays here. clock_*:
 * each reads the clock once where pathtrace stamps a stage (the sender's
 * sendto, udp_sendmsg, the route, the queue, the driver, the copy) and
 * keeps it in this CPU's slot: what any tracer that times these stages
 * pays. handoff_*: the clock's, and the least a tracer that follows each
 * packet keeps of it: at the queue, one line (the skb's address, the
 * stamp) in a table by that address; at the copy, the reader finds it
 * and stamps it; at the free, it ends it. That line goes from the
 * sender's CPU to the reader's and back once a packet: what any tracer
 * pays that carries a packet's stamps to the CPU that reads it.
 * clockj_*: the clock floor on journeys' hooks (below). bench/emptyload
 * loads one set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader: this architecture's sendto (the benchmark's sender). */
const volatile long sendto_nr = -1;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} stamp SEC(".maps");

static __always_inline void stamp_now(void)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&stamp, &zero);

	if (v)
		*v = bpf_ktime_get_ns();
}

/* handoff: a packet's line, by its skb's address (as pathtrace's 16 384 records). */
struct line {
	__u64 skb, ts, copy;
	__u8 pad[40];
};
_Static_assert(sizeof(struct line) == 64, "a line");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct line);
} lines SEC(".maps");

static __always_inline struct line *line_of(const void *skb)
{
	__u32 i = ((__u64)skb >> 8) & 16383;

	return bpf_map_lookup_elem(&lines, &i);
}

#define NOP(set, tp) SEC("tp_btf/" #tp) int BPF_PROG(set##_##tp) { return 0; }
#define EMPTY(tp) NOP(empty, tp)
#define STAMP(set, tp) SEC("tp_btf/" #tp) int BPF_PROG(set##_##tp) { stamp_now(); return 0; }
/* The sender's sendto, stamped (sys_enter runs for every syscall). */
#define SENDTO(set)							\
	SEC("tp_btf/sys_enter")						\
	int BPF_PROG(set##_sys_enter, struct pt_regs *regs, long id)	\
	{								\
		if (id == sendto_nr)					\
			stamp_now();					\
		return 0;						\
	}

EMPTY(sys_enter)
EMPTY(fib_table_lookup)
EMPTY(net_dev_queue)
EMPTY(net_dev_start_xmit)
EMPTY(skb_copy_datagram_iovec)
EMPTY(consume_skb)
EMPTY(kfree_skb)

SENDTO(clock)
STAMP(clock, fib_table_lookup)
STAMP(clock, net_dev_queue)
STAMP(clock, net_dev_start_xmit)
STAMP(clock, skb_copy_datagram_iovec)
SEC("cgroup/sendmsg4") int empty_sendmsg4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg4") int clock_sendmsg4(struct bpf_sock_addr *ctx) { stamp_now(); return 1; }
NOP(clock, consume_skb)		/* pathtrace ends a packet here: no stamp */
NOP(clock, kfree_skb)

SENDTO(handoff)
STAMP(handoff, fib_table_lookup)
STAMP(handoff, net_dev_start_xmit)
SEC("cgroup/sendmsg4") int handoff_sendmsg4(struct bpf_sock_addr *ctx) { stamp_now(); return 1; }
NOP(handoff, kfree_skb)

SEC("tp_btf/net_dev_queue")
int BPF_PROG(handoff_net_dev_queue, struct sk_buff *skb)
{
	struct line *l = line_of(skb);

	if (l) {
		l->skb = (__u64)skb;
		l->ts = bpf_ktime_get_ns();
	}
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(handoff_skb_copy_datagram_iovec, const struct sk_buff *skb)
{
	struct line *l = line_of(skb);

	if (l && l->skb == (__u64)skb)
		l->copy = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/consume_skb")
int BPF_PROG(handoff_consume_skb, struct sk_buff *skb)
{
	struct line *l = line_of(skb);

	if (l && l->skb == (__u64)skb)
		l->skb = 0;	/* ended */
	return 0;
}

/*
 * clockj: the clock's, and the hooks journeys add where no tracepoint
 * serves a stage (doc/design.md): netfilter LOCAL_OUT (a look at the
 * protocol there, TCP's sendq: a UDP packet is not stamped), POST_ROUTING
 * (ip: stamped), and the packet-socket tap on the device (xmit: stamped;
 * the kernel clones each packet sent for it, and frees the clone, which
 * consume_skb sees). emptyload sets the netfilter programs' type and
 * links them in the benchmark's namespace, and binds the tap there.
 */
SENDTO(clockj)
STAMP(clockj, fib_table_lookup)
STAMP(clockj, net_dev_queue)
STAMP(clockj, net_dev_start_xmit)
STAMP(clockj, skb_copy_datagram_iovec)
SEC("cgroup/sendmsg4") int clockj_sendmsg4(struct bpf_sock_addr *ctx) { stamp_now(); return 1; }
NOP(clockj, consume_skb)
NOP(clockj, kfree_skb)

/* A netfilter program's context (struct bpf_nf_ctx, Linux 6.4). */
struct nf_ctx {
	const void *state;
	struct sk_buff *skb;
};

SEC("socket") int clockj_nf_local_out(struct nf_ctx *ctx) { return 1; }
SEC("socket") int clockj_nf_post_routing(struct nf_ctx *ctx) { stamp_now(); return 1; }

SEC("socket")
int clockj_tap(struct __sk_buff *skb)
{
	if (skb->pkt_type == 4)		/* PACKET_OUTGOING */
		stamp_now();
	return 0;		/* the socket gets no copy */
}
