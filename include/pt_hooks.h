/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook list, once for both sides: bpf/pathtrace.bpf.c expands it into
 * entry points, user/hooks.c into the tables the attach ladder walks, and
 * user/ladder.c into the skeleton's program fields (a program missing from
 * the object is a compile error there).
 *
 * PT_FN_HOOKS(X): function hooks, in order of preference (a later hook of a
 * stage serves only if earlier ones did not):
 *   X(hook, stage, fentry, args, kprobe_body, fentry_body, candidates...)
 * hook: programs kprobe_<hook> and kmulti_<hook> (every candidate present),
 *   and fentry programs per @fentry: FIRST, one program fentry_<hook> on the
 *   first candidate with BTF; or N (2..8), programs fentry_<hook>_0.._<N-1>,
 *   one per candidate, all hooked. Bodies have pt_self: a fentry program's
 *   target's address (set by userspace; 0 in kprobes), for pt_func_ip.
 * stage: the view stage it serves (user/stages.h), or a slot after them
 *   (PT_H_*: TCP's socket records).
 * args: the entry point's arguments, in parentheses; the bodies call the
 *   stage's handler (pt_core.bpf.h); kprobe bodies read the skb with
 *   probes, fentry bodies directly.
 * candidates: the kernel functions, as strings.
 *
 * PT_TP_HOOKS(X): tracepoints (tp_btf), programs tp_<tp>:
 *   X(tp, stage, args, body)
 * Those of a stage without function hook always serve it; the others fill
 * in for a stage no function hook served; stage -1: the skb's end, always
 * needed.
 *
 * Tokens only: nothing here is expanded except by the side that uses it.
 */
#ifndef PT_HOOKS_H
#define PT_HOOKS_H

#define PT_UNPAREN(...) __VA_ARGS__

/* No skb at entry, or none needed. */
#define PT_A_NONE (void *unused__)
#define PT_A_SKB (struct sk_buff *skb)
#define PT_A_SK_SKB (void *sk__, struct sk_buff *skb)
#define PT_A_SK (struct sock *sk)
#define PT_A_SKB3 (void *a0__, void *a1__, struct sk_buff *skb)

#define PT_FN_HOOKS(X)								\
	/* the socket's send builds the packet (udp, ping, raw; v4 and v6; TCP's	\
	 * is tcp_write's, below: its data may leave long after) */		\
	X(l4, PT_STAGE_L4, 6, PT_A_NONE, pt_on_l4(pt_func_ip(ctx, pt_self)),	\
	  pt_on_l4(pt_func_ip(ctx, pt_self)),					\
	  "udp_sendmsg", "ping_v4_sendmsg", "raw_sendmsg",			\
	  "udpv6_sendmsg", "ping_v6_sendmsg", "rawv6_sendmsg")			\
	/* TCP's transmit hands a segment (a clone of the write queue's skb,	\
	 * or a GSO original) to IP; no device yet: kept per CPU */		\
	X(sendq, PT_STAGE_SENDQ, 2, PT_A_SK_SKB, pt_on_sendq(skb, pt_key_raw(skb), false), \
	  pt_on_sendq(skb, pt_key(skb), true), "ip_queue_xmit", "inet6_csk_xmit")		\
	/* skb->dev is not set yet: kept per task (and per CPU for TCP's) */	\
	X(ip, PT_STAGE_IP, 2, PT_A_SKB3, pt_on_ip(pt_key_raw(skb)),		\
	  pt_on_ip(pt_key(skb)), "ip_output", "ip6_output")			\
	/* after netfilter and fragmentation: the neighbour lookup and output	\
	 * (TAP only: TUN has no link layer) */					\
	X(neigh, PT_STAGE_NEIGH, 2, PT_A_NONE, pt_on_task_stage(PT_STAGE_NEIGH), \
	  pt_on_task_stage(PT_STAGE_NEIGH), "ip_finish_output2", "ip6_finish_output2") \
	/* first sighting; dev_queue_xmit before 5.19 */			\
	X(queue, PT_STAGE_QUEUE, FIRST, PT_A_SKB, pt_on_skb_first(skb, false),	\
	  pt_on_skb_first(skb, true), "__dev_queue_xmit", "dev_queue_xmit")	\
	/* with a list of skbs */						\
	X(xmit, PT_STAGE_XMIT, FIRST, PT_A_SKB,					\
	  pt_on_skb_list_stage(skb, PT_STAGE_XMIT, false),			\
	  pt_on_skb_list_stage(skb, PT_STAGE_XMIT, true), "dev_hard_start_xmit") \
	/* puts the skb in the tun ring */					\
	X(driver, PT_STAGE_DRIVER, FIRST, PT_A_SKB,				\
	  pt_on_skb_driver(skb, pt_key_raw(skb), false),			\
	  pt_on_skb_driver(skb, pt_key(skb), true), "tun_net_xmit")		\
	/* tun_put_user(tun, tfile, skb, iter), or skb_copy_datagram_iter(skb, ...) */ \
	X(copy_tun, PT_STAGE_COPY, FIRST, PT_A_SKB3,				\
	  pt_on_skb_copy(skb, pt_key_raw(skb), false),				\
	  pt_on_skb_copy(skb, pt_key(skb), true), "tun_put_user")		\
	X(copy_dgram, PT_STAGE_COPY, FIRST, PT_A_SKB,				\
	  pt_on_skb_copy(skb, pt_key_raw(skb), false),				\
	  pt_on_skb_copy(skb, pt_key(skb), true), "skb_copy_datagram_iter")	\
	/* ---- the way in (--echo) ---- */					\
	/* the writer's bytes become an skb (no skb yet at entry: by task) */	\
	X(rx_tun, PT_V_RX_TUN, FIRST, PT_A_NONE, pt_on_task_stage(PT_RX_TUN),	\
	  pt_on_task_stage(PT_RX_TUN), "tun_get_user")				\
	X(rx_ip, PT_V_RX_IP, 2, PT_A_SKB, pt_on_skb_stage(pt_key_raw(skb), PT_RX_IP, false), \
	  pt_on_skb_stage(pt_key(skb), PT_RX_IP, false), "ip_rcv", "ipv6_rcv")	\
	X(rx_l4, PT_V_RX_L4, 6, PT_A_SKB, pt_on_skb_stage(pt_key_raw(skb), PT_RX_L4, false), \
	  pt_on_skb_stage(pt_key(skb), PT_RX_L4, false),			\
	  "icmp_rcv", "udp_rcv", "tcp_v4_rcv", "icmpv6_rcv", "udpv6_rcv", "tcp_v6_rcv") \
	/* the socket's receive queue: UDP's, TCP's (in order; tcp_queue_rcv(sk, \
	 * skb, fragstolen) may merge the skb into the queue's last), or any	\
	 * other's (ping, raw sockets' clones) */				\
	X(rx_sockq, PT_V_RX_SOCKQ, 4, PT_A_SK_SKB,				\
	  pt_on_rx_late(sk__, skb, pt_key_raw(skb), false, PT_RX_SOCKQ),	\
	  pt_on_rx_late(sk__, skb, pt_key(skb), true, PT_RX_SOCKQ),		\
	  "__udp_enqueue_schedule_skb", "tcp_queue_rcv", "sock_queue_rcv_skb_reason", \
	  "__sock_queue_rcv_skb")						\
	/* a UDP socket's receive is done (it copies linear skbs without	\
	 * skb_copy_datagram_iter, and frees them without consume_skb) */	\
	X(rx_udp_done, PT_V_RX_COPY, FIRST, PT_A_SK_SKB,			\
	  pt_on_skb_copy(skb, pt_key_raw(skb), false),				\
	  pt_on_skb_copy(skb, pt_key(skb), true), "skb_consume_udp")		\
	/* ---- TCP's socket records (not a stage) ---- */			\
	/* a write into a TCP socket: where its data begins, and who wrote it */ \
	X(tcp_write, PT_H_TCP_WRITE, FIRST, PT_A_SK,				\
	  pt_on_tcp_write(sk, pt_key_raw(sk), pt_func_ip(ctx, pt_self)),	\
	  pt_on_tcp_write(sk, pt_key(sk), pt_func_ip(ctx, pt_self)), "tcp_sendmsg")

#define PT_TP_HOOKS(X)								\
	X(sys_enter, PT_STAGE_SYSCALL, (struct pt_regs *regs, long id), pt_on_syscall(regs, id)) \
	X(fib_table_lookup, PT_STAGE_ROUTE, PT_A_NONE, pt_on_task_stage(PT_STAGE_ROUTE)) \
	X(fib6_table_lookup, PT_STAGE_ROUTE, PT_A_NONE, pt_on_task_stage(PT_STAGE_ROUTE)) \
	X(net_dev_queue, PT_STAGE_QUEUE, PT_A_SKB, pt_on_skb_first(skb, true))	\
	/* fires in xmit_one() right before ndo_start_xmit, after the taps:	\
	 * the moment the driver gets the skb */				\
	X(net_dev_start_xmit, PT_STAGE_DRIVER, (const struct sk_buff *skb),	\
	  pt_on_skb_driver((struct sk_buff *)skb, pt_key(skb), true))		\
	X(skb_copy_datagram_iovec, PT_STAGE_COPY, (struct sk_buff *skb, int len), \
	  pt_on_skb_copy(skb, pt_key(skb), true))				\
	/* a foreign reader's read() returns (loaded only when following one) */ \
	X(sys_exit, PT_STAGE_USER, PT_A_NONE, pt_on_read_return())			\
	/* the way in (--echo): the stack takes a packet written into the device */ \
	X(netif_receive_skb, PT_V_RX_NETIF, PT_A_SKB, pt_on_rx_first(skb))	\
	/* TCP's socket records: a write (Linux 6.16+; tcp_sendmsg's hook	\
	 * before), and a socket's owner at connect() */			\
	X(tcp_sendmsg_locked, PT_H_TCP_WRITE,					\
	  (struct sock *sk, void *msg, void *skb, int size_goal),		\
	  pt_on_tcp_write(sk, pt_key(sk), 0))					\
	X(inet_sock_set_state, PT_H_TCP_OWNER,					\
	  (struct sock *sk, int oldstate, int newstate), pt_on_tcp_state(sk, newstate)) \
	X(consume_skb, -1, PT_A_SKB, pt_on_skb_end(skb, pt_key(skb), PT_END_CONSUMED, 0)) \
	/* (its reason, the third argument: Linux 5.17+) */			\
	X(kfree_skb, -1, (struct sk_buff *skb, void *location),			\
	  pt_on_skb_end(skb, pt_key(skb), PT_END_DROPPED, pt_drop_reason(ctx)))

/*
 * PT_NF_HOOKS(X): netfilter BPF links (Linux 6.4+), for a stage no function
 * hook serves, registered in the traced device's network namespace only:
 *   X(hook, stage, pf, hooknum, body)
 * program nf_<hook>; the body has the packet's skb (a trusted pointer).
 */
#define PT_NFPROTO_IPV4 2
#define PT_NFPROTO_IPV6 10
#define PT_NF_LOCAL_OUT 3
#define PT_NF_POST_ROUTING 4

#define PT_NF_HOOKS(X)								\
	/* __ip_local_out: a TCP segment, just handed to IP (ip_queue_xmit) */	\
	X(local_out4, PT_STAGE_SENDQ, PT_NFPROTO_IPV4, PT_NF_LOCAL_OUT,		\
	  pt_on_nf_local_out(skb))						\
	X(local_out6, PT_STAGE_SENDQ, PT_NFPROTO_IPV6, PT_NF_LOCAL_OUT,		\
	  pt_on_nf_local_out(skb))						\
	/* inside ip_output / ip6_output */					\
	X(postroute4, PT_STAGE_IP, PT_NFPROTO_IPV4, PT_NF_POST_ROUTING,	\
	  pt_on_ip(pt_key(skb)))						\
	X(postroute6, PT_STAGE_IP, PT_NFPROTO_IPV6, PT_NF_POST_ROUTING,	\
	  pt_on_ip(pt_key(skb)))

/*
 * PT_CG_HOOKS(X): cgroup hooks (cgroup v2), for a stage no function hook
 * serves, linked at the root of the hierarchy (any process may send to the
 * traced device); they run in the sending task, found by its thread id:
 *   X(hook, stage, attach_type, section, ctx, name, where, body)
 * program cg_<hook>, which lets the packet or the send through.
 */
#define PT_CG_SENDMSG_WHERE							\
	"cgroup sendmsg4/6, inside udp_sendmsg/udpv6_sendmsg: unconnected UDP sends only"

#define PT_CG_HOOKS(X)								\
	/* inside udp_sendmsg/udpv6_sendmsg: an unconnected socket's send only */ \
	X(sendmsg4, PT_STAGE_L4, BPF_CGROUP_UDP4_SENDMSG, "cgroup/sendmsg4",	\
	  struct bpf_sock_addr, "sendmsg4",					\
	  PT_CG_SENDMSG_WHERE,	\
	  pt_on_task_stage_any(PT_STAGE_L4))					\
	X(sendmsg6, PT_STAGE_L4, BPF_CGROUP_UDP6_SENDMSG, "cgroup/sendmsg6",	\
	  struct bpf_sock_addr, "sendmsg6",					\
	  PT_CG_SENDMSG_WHERE,	\
	  pt_on_task_stage_any(PT_STAGE_L4))					\
	/* ip_finish_output (IPv4 and IPv6), right before ip_finish_output2 */	\
	X(egress, PT_STAGE_NEIGH, BPF_CGROUP_INET_EGRESS, "cgroup_skb/egress",	\
	  struct __sk_buff, "inet egress",					\
	  "cgroup_skb egress, right before ip_finish_output2",			\
	  pt_on_task_stage_any(PT_STAGE_NEIGH))

/*
 * PT_FENTRY_EACH(fentry, M, hook, ...): M(name, ...) once per fentry program
 * of a hook, name being <hook> (FIRST) or <hook>_<n>.
 */
#define PT_FENTRY_EACH(n, M, h, ...) PT_FE_##n(M, h, __VA_ARGS__)
#define PT_FE_FIRST(M, h, ...) M(h, __VA_ARGS__)
#define PT_FE_1(M, h, ...) M(h##_0, __VA_ARGS__)
#define PT_FE_2(M, h, ...) PT_FE_1(M, h, __VA_ARGS__) M(h##_1, __VA_ARGS__)
#define PT_FE_3(M, h, ...) PT_FE_2(M, h, __VA_ARGS__) M(h##_2, __VA_ARGS__)
#define PT_FE_4(M, h, ...) PT_FE_3(M, h, __VA_ARGS__) M(h##_3, __VA_ARGS__)
#define PT_FE_5(M, h, ...) PT_FE_4(M, h, __VA_ARGS__) M(h##_4, __VA_ARGS__)
#define PT_FE_6(M, h, ...) PT_FE_5(M, h, __VA_ARGS__) M(h##_5, __VA_ARGS__)
#define PT_FE_7(M, h, ...) PT_FE_6(M, h, __VA_ARGS__) M(h##_6, __VA_ARGS__)
#define PT_FE_8(M, h, ...) PT_FE_7(M, h, __VA_ARGS__) M(h##_7, __VA_ARGS__)

/* How many fentry programs, and whether every candidate is hooked. */
#define PT_FENTRY_COUNT(n) PT_FC_##n
#define PT_FC_FIRST 1
#define PT_FC_1 1
#define PT_FC_2 2
#define PT_FC_3 3
#define PT_FC_4 4
#define PT_FC_5 5
#define PT_FC_6 6
#define PT_FC_7 7
#define PT_FC_8 8
#define PT_FENTRY_ALL(n) PT_FA_##n
#define PT_FA_FIRST 0
#define PT_FA_1 1
#define PT_FA_2 1
#define PT_FA_3 1
#define PT_FA_4 1
#define PT_FA_5 1
#define PT_FA_6 1
#define PT_FA_7 1
#define PT_FA_8 1

#endif
