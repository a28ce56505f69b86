// SPDX-License-Identifier: GPL-2.0
/*
 * Entry points: one thin program per hook, each calling the generic
 * handler of its stage (pt_core.bpf.h). Userspace chooses per kernel which
 * of them load (bpf_program__set_autoload).
 */
#include "pt_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- tracepoint backend (tp_btf: needs only kernel BTF) ---- */

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_sys_enter, struct pt_regs *regs, long id)
{
	pt_on_syscall(id);
	return 0;
}

SEC("tp_btf/fib_table_lookup")
int BPF_PROG(tp_fib_table_lookup)
{
	pt_on_task_stage(PT_STAGE_ROUTE);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(tp_net_dev_queue, struct sk_buff *skb)
{
	pt_on_skb_first(skb, PT_STAGE_QUEUE);
	return 0;
}

/*
 * net_dev_start_xmit fires in xmit_one() right before ndo_start_xmit(),
 * after the taps: the moment the driver gets the skb.
 */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(tp_net_dev_start_xmit, const struct sk_buff *skb)
{
	pt_on_skb_stage(skb, PT_STAGE_DRIVER);
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(tp_skb_copy_datagram_iovec, const struct sk_buff *skb, int len)
{
	pt_on_skb_copy(skb, len);
	return 0;
}

SEC("tp_btf/consume_skb")
int BPF_PROG(tp_consume_skb, struct sk_buff *skb)
{
	pt_on_skb_end(skb, PT_END_CONSUMED, 0);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(tp_kfree_skb, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	pt_on_skb_end(skb, PT_END_DROPPED, reason);
	return 0;
}
