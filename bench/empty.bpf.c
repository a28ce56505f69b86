// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: programs that do nothing, on the hooks pathtrace --hist
 * attaches with the tracepoint backend. What any tracer pays here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(tp) SEC("tp_btf/" #tp) int BPF_PROG(empty_##tp) { return 0; }

EMPTY(sys_enter)
EMPTY(fib_table_lookup)
EMPTY(net_dev_queue)
EMPTY(net_dev_start_xmit)
EMPTY(skb_copy_datagram_iovec)
EMPTY(consume_skb)
EMPTY(kfree_skb)
