/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook table: what each function hook and tracepoint serves, generated
 * from the one hook list (include/pt_hooks.h). Pure data and rules, no
 * kernel: the attach ladder (ladder.c) walks it.
 */
#ifndef PT_HOOKS_TABLE_H
#define PT_HOOKS_TABLE_H

#include <stdbool.h>
#include "pt_hooks.h"
#include "stages.h"

#define PT_MAX_FNS 8		/* candidate functions of a hook */

/* Hook ids, in the list's order: PT_HOOK_l4, ... */
enum pt_fn_hook_id {
#define PT_X(hook, ...) PT_HOOK_##hook,
	PT_FN_HOOKS(PT_X)
#undef PT_X
	PT_NR_FN_HOOKS
};

enum pt_tp_hook_id {
#define PT_X(tp, ...) PT_TP_##tp,
	PT_TP_HOOKS(PT_X)
#undef PT_X
	PT_NR_TP_HOOKS
};

enum pt_nf_hook_id {
#define PT_X(hook, ...) PT_NF_##hook,
	PT_NF_HOOKS(PT_X)
#undef PT_X
	PT_NR_NF_HOOKS
};

enum pt_cg_hook_id {
#define PT_X(hook, ...) PT_CG_##hook,
	PT_CG_HOOKS(PT_X)
#undef PT_X
	PT_NR_CG_HOOKS
};

/* A function hook: candidate kernel functions for one stage. */
struct pt_fn_hook {
	const char *name;	/* programs fentry_<name>[_<n>], kprobe_<name>, kmulti_<name> */
	int stage;		/* a view stage (stages.h) */
	bool all;		/* every candidate present, or only the first */
	unsigned int nfentry;	/* its fentry programs */
	const char *fns[PT_MAX_FNS];
};

/* A tracepoint: program tp_<tp>; stage -1: the skb's end. */
struct pt_tp_hook {
	const char *tp;
	int stage;
};

/* A netfilter hook: program nf_<name>, at @hooknum of protocol family @pf. */
struct pt_nf_hook {
	const char *name;	/* "LOCAL_OUT", as netfilter names the hook */
	const char *where;	/* where it runs, for --explain */
	int stage;
	int pf;			/* NFPROTO_IPV4, NFPROTO_IPV6 */
	int hooknum;		/* NF_INET_* */
};

/* A cgroup hook: program cg_<name>, linked at the cgroup v2 root. */
struct pt_cg_hook {
	const char *name;	/* "sendmsg4", as the attach type is named */
	const char *where;	/* where it runs, for --explain */
	int stage;
	int attach_type;	/* BPF_CGROUP_* */
};

/* In order of preference: a later hook of a stage serves only if earlier ones did not. */
extern const struct pt_fn_hook pt_fn_hooks[PT_NR_FN_HOOKS];
extern const struct pt_tp_hook pt_tp_hooks[PT_NR_TP_HOOKS];
extern const struct pt_nf_hook pt_nf_hooks[PT_NR_NF_HOOKS];
extern const struct pt_cg_hook pt_cg_hooks[PT_NR_CG_HOOKS];

/* Why no tracepoint can stand in for view stage @s; NULL if none is known. */
const char *pt_hook_tp_blind(int s);

/*
 * Hooks a trace does without: the neighbour stage without a link layer
 * (@tap), the way in without --echo (@rx), and tun_put_user with it.
 */
bool pt_fn_hook_skipped(enum pt_fn_hook_id h, bool tap, bool rx);

/* Whether tracepoint @t applies: the way in's only with @rx, sys_exit only with @foreign. */
bool pt_tp_hook_wanted(enum pt_tp_hook_id t, bool rx, bool foreign);

#endif
