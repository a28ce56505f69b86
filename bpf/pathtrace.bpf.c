// SPDX-License-Identifier: GPL-2.0
/*
 * Entry points: one thin program per hook and attach mechanism, each
 * calling the generic handler of its stage (pt_core.bpf.h). Userspace
 * chooses per kernel which of them load and where they attach
 * (user/tracer.c): fentry where the kernel allows it, kprobe (kprobe.multi
 * where offered) otherwise, and the tracepoints for what neither reaches.
 *
 * Program names are the tracer's table keys: fentry_<hook>[_<n>],
 * kprobe_<hook>, kmulti_<hook>, tp_<tracepoint>.
 */
#include "pt_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Function hooks. fentry programs get their target at run time
 * (bpf_program__set_attach_target), one target each; kprobe and kprobe.multi
 * programs attach to every function of their hook.
 */
#define FN_HOOK(hook, body_args, body)					\
	SEC("kprobe") int BPF_KPROBE(kprobe_##hook, body_args) { body; return 0; } \
	SEC("kprobe.multi") int BPF_KPROBE(kmulti_##hook, body_args) { body; return 0; }
#define FENTRY(name, body_args, body)					\
	SEC("fentry") int BPF_PROG(fentry_##name, body_args) { body; return 0; }

#define NOARGS void *unused__
#define SKB1 struct sk_buff *skb
#define SKB3 void *a0__, void *a1__, struct sk_buff *skb

/* l4: the socket's send builds the packet (udp, ping, raw, tcp; v4 and v6). */
FN_HOOK(l4, NOARGS, pt_on_l4(ctx))
FENTRY(l4_0, NOARGS, pt_on_l4(ctx))
FENTRY(l4_1, NOARGS, pt_on_l4(ctx))
FENTRY(l4_2, NOARGS, pt_on_l4(ctx))
FENTRY(l4_3, NOARGS, pt_on_l4(ctx))
FENTRY(l4_4, NOARGS, pt_on_l4(ctx))
FENTRY(l4_5, NOARGS, pt_on_l4(ctx))
FENTRY(l4_6, NOARGS, pt_on_l4(ctx))
FENTRY(l4_7, NOARGS, pt_on_l4(ctx))

/* ip: ip_output / ip6_output (skb->dev is not set yet: kept per task). */
FN_HOOK(ip, NOARGS, pt_on_task_stage(PT_STAGE_IP))
FENTRY(ip_0, NOARGS, pt_on_task_stage(PT_STAGE_IP))
FENTRY(ip_1, NOARGS, pt_on_task_stage(PT_STAGE_IP))

/* neigh: ip_finish_output2 / ip6_finish_output2 (TAP only: TUN has no link layer). */
FN_HOOK(neigh, NOARGS, pt_on_task_stage(PT_STAGE_NEIGH))
FENTRY(neigh_0, NOARGS, pt_on_task_stage(PT_STAGE_NEIGH))
FENTRY(neigh_1, NOARGS, pt_on_task_stage(PT_STAGE_NEIGH))

/* queue: __dev_queue_xmit (dev_queue_xmit before 5.19): first sighting. */
FN_HOOK(queue, SKB1, pt_on_skb_first(skb, false))
FENTRY(queue, SKB1, pt_on_skb_first(skb, true))

/* xmit: dev_hard_start_xmit, with a list of skbs. */
FN_HOOK(xmit, SKB1, pt_on_skb_list_stage(skb, PT_STAGE_XMIT, false))
FENTRY(xmit, SKB1, pt_on_skb_list_stage(skb, PT_STAGE_XMIT, true))

/* driver: tun_net_xmit puts the skb in the tun ring. */
FN_HOOK(driver, SKB1, pt_on_skb_stage(pt_key_raw(skb), PT_STAGE_DRIVER))
FENTRY(driver, SKB1, pt_on_skb_stage(pt_key(skb), PT_STAGE_DRIVER))

/* copy: tun_put_user(tun, tfile, skb, iter), or skb_copy_datagram_iter(skb, ...). */
FN_HOOK(copy_tun, SKB3, pt_on_skb_copy(skb, pt_key_raw(skb), false))
FENTRY(copy_tun, SKB3, pt_on_skb_copy(skb, pt_key(skb), true))
FN_HOOK(copy_dgram, SKB1, pt_on_skb_copy(skb, pt_key_raw(skb), false))
FENTRY(copy_dgram, SKB1, pt_on_skb_copy(skb, pt_key(skb), true))

/* ---- the way in (--echo) ---- */

#define SK_SKB void *sk__, struct sk_buff *skb

/* tun_get_user: the writer's bytes become an skb (no skb yet at entry: by task). */
FN_HOOK(rx_tun, NOARGS, pt_on_task_stage(PT_RX_TUN))
FENTRY(rx_tun, NOARGS, pt_on_task_stage(PT_RX_TUN))

/* ip_rcv / ipv6_rcv */
FN_HOOK(rx_ip, SKB1, pt_on_skb_stage(pt_key_raw(skb), PT_RX_IP))
FENTRY(rx_ip_0, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_IP))
FENTRY(rx_ip_1, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_IP))

/* icmp_rcv, udp_rcv, icmpv6_rcv, udpv6_rcv */
FN_HOOK(rx_l4, SKB1, pt_on_skb_stage(pt_key_raw(skb), PT_RX_L4))
FENTRY(rx_l4_0, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_L4))
FENTRY(rx_l4_1, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_L4))
FENTRY(rx_l4_2, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_L4))
FENTRY(rx_l4_3, SKB1, pt_on_skb_stage(pt_key(skb), PT_RX_L4))

/* The socket's receive queue: UDP's, or any other's (ping, raw sockets' clones). */
FN_HOOK(rx_sockq, SK_SKB, pt_on_rx_late(skb, pt_key_raw(skb), false, PT_RX_SOCKQ))
FENTRY(rx_sockq_0, SK_SKB, pt_on_rx_late(skb, pt_key(skb), true, PT_RX_SOCKQ))
FENTRY(rx_sockq_1, SK_SKB, pt_on_rx_late(skb, pt_key(skb), true, PT_RX_SOCKQ))
FENTRY(rx_sockq_2, SK_SKB, pt_on_rx_late(skb, pt_key(skb), true, PT_RX_SOCKQ))

/*
 * skb_consume_udp: a UDP socket's receive is done (it copies linear skbs
 * without skb_copy_datagram_iter, and frees them without consume_skb).
 */
FN_HOOK(rx_udp_done, SK_SKB, pt_on_skb_copy(skb, pt_key_raw(skb), false))
FENTRY(rx_udp_done, SK_SKB, pt_on_skb_copy(skb, pt_key(skb), true))

/* ---- tracepoints (tp_btf: need only kernel BTF) ---- */

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_sys_enter, struct pt_regs *regs, long id)
{
	pt_on_syscall(id);
	return 0;
}

/* A foreign reader's read() returns (loaded only when following one). */
SEC("tp_btf/sys_exit")
int BPF_PROG(tp_sys_exit)
{
	pt_on_read_return();
	return 0;
}

SEC("tp_btf/fib_table_lookup")
int BPF_PROG(tp_fib_table_lookup)
{
	pt_on_task_stage(PT_STAGE_ROUTE);
	return 0;
}

SEC("tp_btf/fib6_table_lookup")
int BPF_PROG(tp_fib6_table_lookup)
{
	pt_on_task_stage(PT_STAGE_ROUTE);
	return 0;
}

/* --echo: the stack takes a packet written into the device. */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(tp_netif_receive_skb, struct sk_buff *skb)
{
	pt_on_rx_first(skb);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(tp_net_dev_queue, struct sk_buff *skb)
{
	pt_on_skb_first(skb, true);
	return 0;
}

/*
 * net_dev_start_xmit fires in xmit_one() right before ndo_start_xmit(),
 * after the taps: the moment the driver gets the skb.
 */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(tp_net_dev_start_xmit, const struct sk_buff *skb)
{
	pt_on_skb_stage(pt_key(skb), PT_STAGE_DRIVER);
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(tp_skb_copy_datagram_iovec, struct sk_buff *skb, int len)
{
	pt_on_skb_copy(skb, pt_key(skb), true);
	return 0;
}

SEC("tp_btf/consume_skb")
int BPF_PROG(tp_consume_skb, struct sk_buff *skb)
{
	pt_on_skb_end(skb, pt_key(skb), PT_END_CONSUMED, 0);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(tp_kfree_skb, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	pt_on_skb_end(skb, pt_key(skb), PT_END_DROPPED, reason);
	return 0;
}
