// SPDX-License-Identifier: GPL-2.0
/* user/hooks.c: the hook table generated from include/pt_hooks.h. */
#include <string.h>
#include "hooks.h"
#include "unit.h"

static unsigned int nr_fns(const struct pt_fn_hook *h)
{
	unsigned int n = 0;

	while (n < PT_MAX_FNS && h->fns[n])
		n++;
	return n;
}

/* Ids and names agree; every hook has candidates and the programs for them. */
UNIT_CASE(hooks_table_shape)
{
	ASSERT_STREQ(pt_fn_hooks[PT_HOOK_l4].name, "l4");
	ASSERT_STREQ(pt_fn_hooks[PT_HOOK_copy_tun].name, "copy_tun");
	ASSERT_STREQ(pt_fn_hooks[PT_HOOK_rx_udp_done].name, "rx_udp_done");
	ASSERT_STREQ(pt_tp_hooks[PT_TP_kfree_skb].tp, "kfree_skb");
	for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++) {
		const struct pt_fn_hook *hook = &pt_fn_hooks[h];

		ASSERT_TRUE(hook->name && *hook->name);
		ASSERT_TRUE(nr_fns(hook) >= 1);
		ASSERT_TRUE(hook->stage > PT_STAGE_SYSCALL && hook->stage < PT_NR_HSLOTS);
		ASSERT_TRUE(hook->stage != PT_STAGE_USER && hook->stage != PT_V_RX_SYSCALL);
		ASSERT_EQ_U64(hook->nfentry, hook->all ? nr_fns(hook) : 1);
	}
	for (unsigned int t = 0; t < PT_NR_TP_HOOKS; t++)
		ASSERT_TRUE(pt_tp_hooks[t].stage >= -1 && pt_tp_hooks[t].stage < PT_NR_HSLOTS);
}

/* No hook name, tracepoint or candidate function twice: each is attached once. */
UNIT_CASE(hooks_names_unique)
{
	for (unsigned int a = 0; a < PT_NR_FN_HOOKS; a++) {
		for (unsigned int b = a + 1; b < PT_NR_FN_HOOKS; b++) {
			ASSERT_TRUE(strcmp(pt_fn_hooks[a].name, pt_fn_hooks[b].name));
			for (unsigned int i = 0; i < nr_fns(&pt_fn_hooks[a]); i++)
				for (unsigned int j = 0; j < nr_fns(&pt_fn_hooks[b]); j++)
					ASSERT_TRUE(strcmp(pt_fn_hooks[a].fns[i], pt_fn_hooks[b].fns[j]));
		}
		for (unsigned int i = 0; i < nr_fns(&pt_fn_hooks[a]); i++)
			for (unsigned int j = i + 1; j < nr_fns(&pt_fn_hooks[a]); j++)
				ASSERT_TRUE(strcmp(pt_fn_hooks[a].fns[i], pt_fn_hooks[a].fns[j]));
	}
	for (unsigned int a = 0; a < PT_NR_TP_HOOKS; a++)
		for (unsigned int b = a + 1; b < PT_NR_TP_HOOKS; b++)
			ASSERT_TRUE(strcmp(pt_tp_hooks[a].tp, pt_tp_hooks[b].tp));
}

static bool stage_has_fn_hook(int s)
{
	for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++)
		if (pt_fn_hooks[h].stage == s)
			return true;
	return false;
}

static bool stage_has_tp(int s)
{
	for (unsigned int t = 0; t < PT_NR_TP_HOOKS; t++)
		if (pt_tp_hooks[t].stage == s)
			return true;
	return false;
}

/*
 * Every stage has a hook: a function, a tracepoint, or both; the way in's
 * write and copy borrow the way out's syscall and copy stages. A stage
 * only functions serve says why tracepoints cannot.
 */
UNIT_CASE(hooks_every_stage_served)
{
	for (int s = 0; s < PT_NR_VSTAGES; s++) {
		bool fn = stage_has_fn_hook(s), tp = stage_has_tp(s);

		if (s == PT_V_RX_SYSCALL)
			continue;
		if (!fn && !tp)
			FAIL_CASE("stage %s: no hook", pt_stage_name(s));
		if (fn && !tp && s != PT_V_RX_COPY && !pt_hook_tp_blind(s))
			FAIL_CASE("stage %s: no tracepoint, and no why", pt_stage_name(s));
	}
	/* The skb's ends, always needed. */
	ASSERT_TRUE(stage_has_tp(-1));
	ASSERT_EQ_I64(pt_tp_hooks[PT_TP_consume_skb].stage, -1);
	ASSERT_EQ_I64(pt_tp_hooks[PT_TP_kfree_skb].stage, -1);
}

/* The copy stage prefers tun_put_user; both directions keep their order. */
UNIT_CASE(hooks_preference_order)
{
	ASSERT_TRUE(PT_HOOK_copy_tun < PT_HOOK_copy_dgram);
	ASSERT_STREQ(pt_fn_hooks[PT_HOOK_queue].fns[0], "__dev_queue_xmit");
	ASSERT_STREQ(pt_fn_hooks[PT_HOOK_l4].fns[0], "udp_sendmsg");
	for (unsigned int h = 1; h < PT_NR_FN_HOOKS; h++)
		ASSERT_TRUE(pt_fn_hooks[h - 1].stage <= pt_fn_hooks[h].stage);
}

UNIT_CASE(hooks_skipped_by_mode)
{
	/* neigh needs a link layer */
	ASSERT_TRUE(pt_fn_hook_skipped(PT_HOOK_neigh, false, false));
	ASSERT_FALSE(pt_fn_hook_skipped(PT_HOOK_neigh, true, false));
	/* the way in needs --echo */
	ASSERT_TRUE(pt_fn_hook_skipped(PT_HOOK_rx_ip, true, false));
	ASSERT_FALSE(pt_fn_hook_skipped(PT_HOOK_rx_ip, false, true));
	/* with --echo the copy stage hooks skb_copy_datagram_iter only */
	ASSERT_FALSE(pt_fn_hook_skipped(PT_HOOK_copy_tun, false, false));
	ASSERT_TRUE(pt_fn_hook_skipped(PT_HOOK_copy_tun, false, true));
	ASSERT_FALSE(pt_fn_hook_skipped(PT_HOOK_copy_dgram, false, true));
	ASSERT_FALSE(pt_fn_hook_skipped(PT_HOOK_l4, false, false));

	ASSERT_FALSE(pt_tp_hook_wanted(PT_TP_sys_exit, true, false));
	ASSERT_TRUE(pt_tp_hook_wanted(PT_TP_sys_exit, false, true));
	ASSERT_FALSE(pt_tp_hook_wanted(PT_TP_netif_receive_skb, false, true));
	ASSERT_TRUE(pt_tp_hook_wanted(PT_TP_netif_receive_skb, true, false));
	ASSERT_TRUE(pt_tp_hook_wanted(PT_TP_kfree_skb, false, false));
	ASSERT_TRUE(pt_tp_hook_wanted(PT_TP_net_dev_queue, false, false));
}
