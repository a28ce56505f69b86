// SPDX-License-Identifier: GPL-2.0
/*
 * Entry points: one thin program per hook and attach mechanism, each
 * calling the generic handler of its stage (pt_core.bpf.h), generated from
 * the hook list (include/pt_hooks.h). Userspace chooses per kernel which of
 * them load and where they attach (user/ladder.c): fentry where the kernel
 * allows it, kprobe (kprobe.multi where offered) otherwise, and the
 * tracepoints for what neither reaches.
 *
 * Program names: fentry_<hook>[_<n>], kprobe_<hook>, kmulti_<hook>,
 * tp_<tracepoint>, nf_<hook> (netfilter), cg_<hook> (cgroup), pk_xmit
 * (the packet-socket tap).
 */
#include "pt_core.bpf.h"
#include "pt_hooks.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Function hooks. fentry programs get their target at run time
 * (bpf_program__set_attach_target), one target each, and its address in
 * fentry_ip_<name> (pt_self: where bpf_get_func_ip is missing, it names the
 * function); kprobe and kprobe.multi programs attach to every function of
 * their hook.
 */
#define PT_SELF(v) const __u64 pt_self __attribute__((unused)) = (v)
#define FENTRY(name, args, body)					\
	const volatile __u64 fentry_ip_##name = 0;			\
	SEC("fentry") int BPF_PROG(fentry_##name, PT_UNPAREN args)	\
	{ PT_SELF(fentry_ip_##name); body; return 0; }
#define FN_HOOK(hook, stage, fentry, args, kbody, fbody, ...)		\
	SEC("kprobe") int BPF_KPROBE(kprobe_##hook, PT_UNPAREN args)	\
	{ PT_SELF(0); kbody; return 0; }				\
	SEC("kprobe.multi") int BPF_KPROBE(kmulti_##hook, PT_UNPAREN args) \
	{ PT_SELF(0); kbody; return 0; }				\
	PT_FENTRY_EACH(fentry, FENTRY, hook, args, fbody)

PT_FN_HOOKS(FN_HOOK)

/* Tracepoints (tp_btf: need only kernel BTF). */
#define TP_HOOK(tp, stage, args, body)					\
	SEC("tp_btf/" #tp) int BPF_PROG(tp_##tp, PT_UNPAREN args) { body; return 0; }

PT_TP_HOOKS(TP_HOOK)

/*
 * Netfilter hooks (BPF_PROG_TYPE_NETFILTER, Linux 6.4+). Debian 12's libbpf
 * knows neither the type nor its section: userspace sets the type before
 * loading them (user/ladder.c). Their context, struct bpf_nf_ctx, read at
 * its fixed layout (no relocation against kernels without it); they let
 * every packet pass (NF_ACCEPT).
 */
struct pt_nf_ctx {
	const void *state;
	struct sk_buff *skb;
};

#define NF_HOOK(hook, stage, pf, hooknum, body)				\
	SEC("socket") int nf_##hook(struct pt_nf_ctx *ctx)		\
	{ struct sk_buff *skb = ctx->skb; body; return 1; }

PT_NF_HOOKS(NF_HOOK)

/*
 * Cgroup hooks, linked at the cgroup v2 root (user/ladder.c): they let
 * every send and packet through (1).
 */
#define CG_HOOK(hook, stage, attach, sec, ctxt, name, where, body)	\
	SEC(sec) int cg_##hook(ctxt *ctx) { body; return 1; }

PT_CG_HOOKS(CG_HOOK)

/*
 * The packet-socket tap: a socket filter (user/ladder.c attaches it to an
 * AF_PACKET socket bound to the device) that keeps nothing.
 */
SEC("socket") int pk_xmit(struct __sk_buff *ctx)
{
	pt_on_tap(ctx);
	return 0;
}

/*
 * The neighbour layer kept a packet (1) or let it go (TAP, where the ip
 * stage has the skb: user/ladder.c loads it then).
 */
SEC("tp_btf/neigh_event_send_done")
int BPF_PROG(tp_neigh_park, struct neighbour *n, int rc)
{
	pt_on_neigh_send_done(rc);
	return 0;
}
