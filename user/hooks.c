// SPDX-License-Identifier: GPL-2.0
/* The hook table, generated from include/pt_hooks.h. */
#include <bpf/bpf.h>	/* BPF_CGROUP_* */
#include <stddef.h>
#include "hooks.h"

#define NR_ARGS(...) (sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *))

#define FN_ROW(hook, stage_, fentry, args, kbody, fbody, ...)		\
	[PT_HOOK_##hook] = { .name = #hook, .stage = stage_,		\
			     .all = PT_FENTRY_ALL(fentry),			\
			     .nfentry = PT_FENTRY_COUNT(fentry),		\
			     .fns = { __VA_ARGS__ } },
const struct pt_fn_hook pt_fn_hooks[PT_NR_FN_HOOKS] = { PT_FN_HOOKS(FN_ROW) };

/* A hook of every candidate has one fentry program per candidate. */
#define FN_CHECK(hook, stage_, fentry, args, kbody, fbody, ...)		\
	_Static_assert(NR_ARGS(__VA_ARGS__) <= PT_MAX_FNS, #hook ": raise PT_MAX_FNS"); \
	_Static_assert(!PT_FENTRY_ALL(fentry) ||				\
		       NR_ARGS(__VA_ARGS__) == PT_FENTRY_COUNT(fentry),	\
		       #hook ": one fentry program per candidate");
PT_FN_HOOKS(FN_CHECK)

#define TP_ROW(tp_, stage_, args, body) [PT_TP_##tp_] = { .tp = #tp_, .stage = stage_ },
const struct pt_tp_hook pt_tp_hooks[PT_NR_TP_HOOKS] = { PT_TP_HOOKS(TP_ROW) };

#define NF_ROW(hook, stage_, pf_, hooknum_, body)				\
	[PT_NF_##hook] = { .name = hooknum_ == PT_NF_LOCAL_OUT ? "LOCAL_OUT" : "POST_ROUTING", \
			   .where = hooknum_ == PT_NF_LOCAL_OUT ?			\
				    "netfilter LOCAL_OUT, right after TCP's ip_queue_xmit" :	\
				    "netfilter POST_ROUTING, inside ip_output",		\
			   .stage = stage_, .pf = pf_, .hooknum = hooknum_ },
const struct pt_nf_hook pt_nf_hooks[PT_NR_NF_HOOKS] = { PT_NF_HOOKS(NF_ROW) };

#define CG_ROW(hook, stage_, attach, sec, ctx, name_, where_, body)		\
	[PT_CG_##hook] = { .name = name_, .where = where_, .stage = stage_,	\
			   .attach_type = attach },
const struct pt_cg_hook pt_cg_hooks[PT_NR_CG_HOOKS] = { PT_CG_HOOKS(CG_ROW) };

static const char *const tp_blind[PT_NR_HSLOTS] = {
	[PT_STAGE_L4] = "no tracepoint in udp_sendmsg/ping_v4_sendmsg/raw_sendmsg",
	[PT_STAGE_SENDQ] = "no tracepoint where TCP hands a segment to IP (ip_queue_xmit)",
	[PT_STAGE_IP] = "no tracepoint in ip_output",
	[PT_STAGE_NEIGH] = "no tracepoint on the neighbour output path (the neigh_* "
			   "tracepoints fire when an entry changes, not per packet)",
	[PT_STAGE_XMIT] = "no tracepoint where dev_hard_start_xmit starts "
			  "(net_dev_start_xmit fires after the taps, at the driver)",
	[PT_V_RX_TUN] = "no tracepoint in tun_get_user",
	[PT_V_RX_IP] = "no tracepoint in ip_rcv",
	[PT_V_RX_L4] = "no tracepoint in icmp_rcv/udp_rcv/tcp_v4_rcv",
	[PT_V_RX_SOCKQ] = "no tracepoint where a socket queues a packet "
			  "(sock_rcvqueue_full fires only when the queue is full)",
	[PT_H_TCP_WRITE] = "no tracepoint in tcp_sendmsg before Linux 6.16's "
			   "tcp_sendmsg_locked",
};

const char *pt_hook_tp_blind(int s)
{
	return s >= 0 && s < PT_NR_HSLOTS ? tp_blind[s] : NULL;
}

/*
 * With --echo the copy stage hooks skb_copy_datagram_iter, not
 * tun_put_user: it also sees the receiving application's copy.
 */
bool pt_fn_hook_skipped(enum pt_fn_hook_id h, bool tap, bool rx)
{
	int stage = pt_fn_hooks[h].stage;

	if (stage == PT_STAGE_NEIGH)
		return !tap;
	if (stage >= PT_NR_STAGES && stage < PT_NR_VSTAGES)
		return !rx;
	return rx && h == PT_HOOK_copy_tun;
}

bool pt_tp_hook_wanted(enum pt_tp_hook_id t, bool rx, bool foreign)
{
	int stage = pt_tp_hooks[t].stage;

	return (stage < PT_NR_STAGES || stage >= PT_NR_VSTAGES || rx) &&
	       (stage != PT_STAGE_USER || foreign);
}
