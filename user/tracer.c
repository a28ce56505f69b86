// SPDX-License-Identifier: GPL-2.0
/*
 * The attach ladder. One BPF object holds, per hook, thin entry points for
 * each mechanism (bpf/pathtrace.bpf.c). For a backend rung we decide per
 * hook what to load (fentry where the function has BTF; kprobe, or
 * kprobe.multi where the kernel offers it, otherwise) and attach; a stage no
 * function hook serves falls back to its tracepoint, if it has one. Auto
 * starts at fentry and steps down when the kernel refuses a rung as a whole.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tracer.h"	/* first: the skeleton uses its types */
#include "pathtrace.skel.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_FNS PT_MAX_FNS

/* A function hook: candidate kernel functions for one stage. */
struct fn_group {
	const char *hook;	/* programs fentry_<hook>[_<n>], kprobe_<hook>, kmulti_<hook> */
	int stage;		/* a view stage (stages.h) */
	bool all;		/* every candidate present, or only the first */
	const char *fns[MAX_FNS];
};

/* In order of preference: a later group of a stage serves only if earlier ones did not. */
static const struct fn_group groups[] = {
	{ "l4", PT_STAGE_L4, true, { "udp_sendmsg", "ping_v4_sendmsg", "raw_sendmsg",
				     "tcp_sendmsg", "udpv6_sendmsg", "ping_v6_sendmsg",
				     "rawv6_sendmsg" } },
	{ "ip", PT_STAGE_IP, true, { "ip_output", "ip6_output" } },
	/* after netfilter and fragmentation: the neighbour lookup and output */
	{ "neigh", PT_STAGE_NEIGH, true, { "ip_finish_output2", "ip6_finish_output2" } },
	{ "queue", PT_STAGE_QUEUE, false, { "__dev_queue_xmit", "dev_queue_xmit" } },
	{ "xmit", PT_STAGE_XMIT, false, { "dev_hard_start_xmit" } },
	{ "driver", PT_STAGE_DRIVER, false, { "tun_net_xmit" } },
	{ "copy_tun", PT_STAGE_COPY, false, { "tun_put_user" } },
	{ "copy_dgram", PT_STAGE_COPY, false, { "skb_copy_datagram_iter" } },
	/* the way in (--echo) */
	{ "rx_tun", PT_V_RX_TUN, false, { "tun_get_user" } },
	{ "rx_ip", PT_V_RX_IP, true, { "ip_rcv", "ipv6_rcv" } },
	{ "rx_l4", PT_V_RX_L4, true, { "icmp_rcv", "udp_rcv", "icmpv6_rcv", "udpv6_rcv" } },
	{ "rx_sockq", PT_V_RX_SOCKQ, true, { "__udp_enqueue_schedule_skb",
					     "sock_queue_rcv_skb_reason", "__sock_queue_rcv_skb" } },
	{ "rx_udp_done", PT_V_RX_COPY, false, { "skb_consume_udp" } },
};
#define NR_GROUPS ARRAY_SIZE(groups)
_Static_assert(NR_GROUPS <= PT_MAX_FN_GROUPS, "raise PT_MAX_FN_GROUPS");

/*
 * Tracepoints: those of a stage without function hook always serve it; the
 * others fill in for a stage no function hook served; stage -1: the skb's
 * end, always needed.
 */
static const struct { const char *tp; int stage; } tps[] = {
	{ "sys_enter", PT_STAGE_SYSCALL },
	{ "fib_table_lookup", PT_STAGE_ROUTE },
	{ "fib6_table_lookup", PT_STAGE_ROUTE },
	{ "net_dev_queue", PT_STAGE_QUEUE },
	/* fires right before ndo_start_xmit, after the taps: the driver's start */
	{ "net_dev_start_xmit", PT_STAGE_DRIVER },
	{ "skb_copy_datagram_iovec", PT_STAGE_COPY },
	/* a foreign reader's read() returns */
	{ "sys_exit", PT_STAGE_USER },
	/* the way in (--echo): first sighting */
	{ "netif_receive_skb", PT_V_RX_NETIF },
	{ "consume_skb", -1 },
	{ "kfree_skb", -1 },
};
#define NR_TPS ARRAY_SIZE(tps)

/* Why no tracepoint can stand in for a stage. */
static const char *const tp_blind[PT_NR_VSTAGES] = {
	[PT_STAGE_L4] = "no tracepoint in udp_sendmsg/ping_v4_sendmsg/raw_sendmsg",
	[PT_STAGE_IP] = "no tracepoint in ip_output",
	[PT_STAGE_NEIGH] = "no tracepoint on the neighbour output path (the neigh_* "
			   "tracepoints fire when an entry changes, not per packet)",
	[PT_STAGE_XMIT] = "no tracepoint where dev_hard_start_xmit starts "
			  "(net_dev_start_xmit fires after the taps, at the driver)",
	[PT_V_RX_TUN] = "no tracepoint in tun_get_user",
	[PT_V_RX_IP] = "no tracepoint in ip_rcv",
	[PT_V_RX_L4] = "no tracepoint in icmp_rcv/udp_rcv",
	[PT_V_RX_SOCKQ] = "no tracepoint where a socket queues a packet "
			  "(sock_rcvqueue_full fires only when the queue is full)",
};

/*
 * Hooks this trace does without: the neighbour stage without a link layer,
 * the way in without --echo, and tun_put_user with it (the copy stage then
 * hooks skb_copy_datagram_iter, which also sees the receiving
 * application's copy).
 */
static bool group_skipped(const struct pt_trace_cfg *cfg, const struct fn_group *grp)
{
	if (grp->stage == PT_STAGE_NEIGH)
		return !cfg->tap;
	if (grp->stage >= PT_NR_STAGES)
		return !cfg->rx;
	return cfg->rx && !strcmp(grp->hook, "copy_tun");
}

/* What one rung loads for a function hook. */
struct plan {
	struct bpf_program *fentry[MAX_FNS];
	const char *target[MAX_FNS];
	unsigned int nfentry;
	bool kprobe;		/* kprobe_<hook> and kmulti_<hook> loaded */
	char why[160];		/* why neither */
};

static struct bpf_program *prog(struct pt_tracer *tr, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return bpf_object__find_program_by_name(tr->skel->obj, name);
}

static bool have_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

/* The module a candidate lives in when it is not built in. */
static const char *fn_module(const char *fn)
{
	return strncmp(fn, "tun_", 4) ? NULL : "tun";
}

/* Does @fn have BTF, so fentry can attach? Else why not, in @why. */
static bool fn_has_btf(struct pt_tracer *tr, const char *fn, char *why, size_t len)
{
	const char *mod = fn_module(fn);

	if (btf__find_by_name_kind(tr->btf, fn, BTF_KIND_FUNC) > 0)
		return true;
	if (mod && !tr->mod_btf && !access("/sys/kernel/btf/tun", R_OK))
		tr->mod_btf = btf__parse_split("/sys/kernel/btf/tun", tr->btf);
	if (mod && tr->mod_btf &&
	    btf__find_by_name_kind(tr->mod_btf, fn, BTF_KIND_FUNC) > 0)
		return true;
	if (mod && !tr->mod_btf)
		snprintf(why, len, "%s: module %s has no BTF (/sys/kernel/btf/%s)", fn, mod, mod);
	else
		snprintf(why, len, "%s: not in the kernel's BTF (inlined or absent)", fn);
	return false;
}

/*
 * Where /proc/kallsyms puts each candidate (0: not listed, so no kprobe);
 * addresses are 0 too where the kernel hides them.
 */
static void kallsyms_scan(struct pt_tracer *tr)
{
	char line[512], name[256];
	FILE *f = fopen("/proc/kallsyms", "re");

	memset(tr->ksym, 0, sizeof(tr->ksym));
	tr->ksym_scanned = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (unsigned int g = 0; g < NR_GROUPS; g++)
			for (unsigned int i = 0; i < MAX_FNS && groups[g].fns[i]; i++)
				if (!strcmp(groups[g].fns[i], name)) {
					tr->ksym[g][i].listed = true;
					tr->ksym[g][i].addr = addr;
				}
	}
	fclose(f);
}

static int add_link(struct pt_tracer *tr, struct bpf_link *link)
{
	if (!link)
		return -errno;
	if (tr->nr_links == PT_MAX_LINKS) {
		bpf_link__destroy(link);
		return -E2BIG;
	}
	tr->links[tr->nr_links++] = link;
	return 0;
}

static void plan_fentry(struct pt_tracer *tr, unsigned int g, struct plan *p)
{
	const struct fn_group *grp = &groups[g];
	char why[160];

	for (unsigned int i = 0; i < MAX_FNS && grp->fns[i]; i++) {
		struct bpf_program *fp;

		if (!fn_has_btf(tr, grp->fns[i], why, sizeof(why))) {
			if (!p->why[0])
				snprintf(p->why, sizeof(p->why), "%s", why);
			continue;
		}
		fp = grp->all ? prog(tr, "fentry_%s_%u", grp->hook, p->nfentry) :
				prog(tr, "fentry_%s", grp->hook);
		if (!fp)
			break;	/* more candidates than programs */
		bpf_program__set_attach_target(fp, 0, grp->fns[i]);
		bpf_program__set_autoload(fp, true);
		p->fentry[p->nfentry] = fp;
		p->target[p->nfentry++] = grp->fns[i];
		if (!grp->all)
			break;
	}
}

/* Attach a hook's kprobes: one kprobe.multi link if the kernel has them, else one per function. */
static int attach_kprobes(struct pt_tracer *tr, unsigned int g, bool *multi_ok,
			  char *how, size_t hlen, char *why, size_t wlen)
{
	const struct fn_group *grp = &groups[g];
	const char *syms[MAX_FNS];
	unsigned int n = 0, ok = 0;
	int err = -ENOENT;

	for (unsigned int i = 0; i < MAX_FNS && grp->fns[i]; i++)
		if (tr->ksym[g][i].listed)
			syms[n++] = grp->fns[i];
	if (!n) {
		snprintf(why, wlen, "%s%s: not in /proc/kallsyms (inlined or absent)",
			 grp->fns[0], grp->fns[1] ? " and the others" : "");
		return -ENOENT;
	}
	if (!grp->all)
		n = 1;
	if (*multi_ok) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, mo, .syms = syms, .cnt = n);

		err = add_link(tr, bpf_program__attach_kprobe_multi_opts(
					   prog(tr, "kmulti_%s", grp->hook), NULL, &mo));
		if (!err) {
			snprintf(how, hlen, "kprobe.multi");
			for (unsigned int i = 0; i < n; i++)
				pt_appendf(how, hlen, " %s", syms[i]);
			return 0;
		}
		*multi_ok = false;	/* no fprobe in this kernel: one kprobe each */
	}
	snprintf(how, hlen, "kprobe");
	for (unsigned int i = 0; i < n; i++) {
		int e = add_link(tr, bpf_program__attach_kprobe(
					 prog(tr, "kprobe_%s", grp->hook), false, syms[i]));

		if (e) {
			if (!why[0])	/* the first failure says most */
				snprintf(why, wlen, "kprobe on %s: %s%s", syms[i], strerror(-e),
					 e == -ENOENT ? " (kernel without CONFIG_KPROBES?)" : "");
			err = e;
			continue;
		}
		pt_appendf(how, hlen, " %s", syms[i]);
		ok++;
	}
	return ok ? 0 : err;
}

/*
 * One rung. Returns 0, -EAGAIN when the kernel refuses the rung as a whole
 * (@fell says why), or another -errno after reporting it.
 */
static int attempt(struct pt_tracer *tr, const struct pt_trace_cfg *cfg,
		   enum pt_backend level, bool forced, char *fell, size_t flen)
{
	static const char *const mech[] = { [PT_BACKEND_FENTRY] = "fentry",
					    [PT_BACKEND_KPROBE] = "kprobe" };
	bool served[PT_NR_VSTAGES] = { false }, fn_served[PT_NR_VSTAGES], tp_on[NR_TPS];
	bool multi_ok = true;
	struct plan plan[NR_GROUPS];
	unsigned int rung_links = 0, i, g;
	char err_why[200] = "";
	struct bpf_program *p;
	int err;

	memset(plan, 0, sizeof(plan));
	memset(tr->how, 0, sizeof(tr->how));
	memset(tr->why, 0, sizeof(tr->why));
	memset(&tr->view, 0, sizeof(tr->view));
	tr->backend = level;

	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = cfg->btf_path);

	tr->skel = pathtrace_bpf__open_opts(&oo);
	if (!tr->skel) {
		err = -errno;
		pt_err("cannot open the BPF object: %s", strerror(errno));
		return err;
	}
	tr->skel->rodata->targ_ifindex = cfg->ifindex;
	tr->skel->rodata->targ_netns = cfg->netns;
	tr->skel->rodata->hist_mode = cfg->hist;
	/* Each mode has records of its own: the other's shrink to nothing. */
	bpf_map__set_max_entries(cfg->hist ? tr->skel->maps.skbs : tr->skel->maps.hrecs, 1);
	tr->skel->rodata->hist_by_proto = cfg->hist_by_proto;
	tr->skel->rodata->reader_tgid = cfg->reader_tgid;
	tr->skel->rodata->rx_mode = cfg->rx;
	tr->skel->rodata->foreign_tgid = cfg->foreign_tgid;
	for (i = 0; i < pt_nr_send_syscalls; i++) {
		long nr = pt_send_syscalls[i].nr;

		if (nr >= 0 && nr < PT_SYSCALL_BITMAP_WORDS * 64)
			tr->skel->rodata->send_syscalls[nr / 64] |= 1ULL << (nr % 64);
	}
	bpf_object__for_each_program(p, tr->skel->obj)
		bpf_program__set_autoload(p, false);

	for (i = 0; i < NR_TPS; i++) {
		tp_on[i] = have_tracepoint(tr->btf, tps[i].tp) &&
			   (tps[i].stage < PT_NR_STAGES || cfg->rx) &&
			   (tps[i].stage != PT_STAGE_USER || cfg->foreign_tgid);
		if (!tp_on[i] && tps[i].stage < 0) {
			pt_err("this kernel has no %s tracepoint: cannot follow packets", tps[i].tp);
			return -ENOENT;
		}
		bpf_program__set_autoload(prog(tr, "tp_%s", tps[i].tp), tp_on[i]);
	}
	for (g = 0; g < NR_GROUPS; g++) {
		if (group_skipped(cfg, &groups[g]))
			continue;
		if (level == PT_BACKEND_FENTRY) {
			plan_fentry(tr, g, &plan[g]);
			/* auto: what fentry cannot reach, a kprobe may */
			plan[g].kprobe = !plan[g].nfentry && !forced;
		} else {
			plan[g].kprobe = level == PT_BACKEND_KPROBE;
		}
		if (plan[g].kprobe) {
			bpf_program__set_autoload(prog(tr, "kprobe_%s", groups[g].hook), true);
			bpf_program__set_autoload(prog(tr, "kmulti_%s", groups[g].hook), true);
		}
	}

	err = pathtrace_bpf__load(tr->skel);
	if (err) {
		if (level != PT_BACKEND_TRACEPOINT) {
			snprintf(fell, flen, "the kernel refused to load %s programs (%s)",
				 mech[level], strerror(-err));
			return -EAGAIN;
		}
		pt_err("cannot load the BPF programs: %s%s", strerror(-err),
		       err == -EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" :
				       " (run with -vv for the verifier's log)");
		return err;
	}

	/* Where kprobes can go, and which function addresses mean what. */
	if (level != PT_BACKEND_TRACEPOINT && !tr->ksym_scanned)
		kallsyms_scan(tr);
	for (g = 0; g < NR_GROUPS; g++) {
		const struct fn_group *grp = &groups[g];
		struct plan *pl = &plan[g];
		char *how = tr->how[grp->stage], *why = tr->why[grp->stage];

		if (served[grp->stage] || group_skipped(cfg, grp))
			continue;
		for (i = 0; i < pl->nfentry; i++) {
			err = add_link(tr, bpf_program__attach(pl->fentry[i]));
			if (err) {
				snprintf(err_why, sizeof(err_why), "fentry on %s: %s",
					 pl->target[i], strerror(-err));
				continue;
			}
			if (!served[grp->stage])
				snprintf(how, sizeof(tr->how[0]), "fentry");
			pt_appendf(how, sizeof(tr->how[0]), " %s", pl->target[i]);
			served[grp->stage] = true;
			if (level == PT_BACKEND_FENTRY)
				rung_links++;
		}
		if (!served[grp->stage] && pl->kprobe) {
			err = attach_kprobes(tr, g, &multi_ok, how, sizeof(tr->how[0]),
					     pl->why, sizeof(pl->why));
			if (!err) {
				served[grp->stage] = true;
				if (level == PT_BACKEND_KPROBE)
					rung_links++;
			} else if (!err_why[0]) {
				snprintf(err_why, sizeof(err_why), "%s", pl->why);
			}
		}
		if (!served[grp->stage])
			snprintf(why, sizeof(tr->why[0]), "%s",
				 pl->why[0] ? pl->why : level == PT_BACKEND_TRACEPOINT ?
				 tp_blind[grp->stage] ?: "no tracepoint" : "not attached");
	}

	if (level != PT_BACKEND_TRACEPOINT && !rung_links) {
		snprintf(fell, flen, "no %s hook could be attached (%s)",
			 mech[level], err_why[0] ? err_why : "none found");
		return -EAGAIN;
	}

	/* A stage a function hook serves needs no tracepoint; one may take several. */
	memcpy(fn_served, served, sizeof(fn_served));
	for (i = 0; i < NR_TPS; i++) {
		int s = tps[i].stage;

		if (!tp_on[i] || (s >= 0 && fn_served[s]))
			continue;
		err = add_link(tr, bpf_program__attach(prog(tr, "tp_%s", tps[i].tp)));
		if (err) {
			if (s < 0) {
				pt_err("cannot attach to tracepoint %s: %s", tps[i].tp, strerror(-err));
				return err;
			}
			snprintf(tr->why[s], sizeof(tr->why[0]), "tracepoint %s: %s",
				 tps[i].tp, strerror(-err));
			continue;
		}
		if (s >= 0) {
			pt_appendf(tr->how[s], sizeof(tr->how[0]), "%s %s",
				   served[s] ? "," : "tracepoint", tps[i].tp);
			served[s] = true;
		}
	}
	if (!served[PT_STAGE_QUEUE]) {
		pt_err("cannot see packets reach the device: %s", tr->why[PT_STAGE_QUEUE]);
		return -ENOENT;
	}

	/* The way in: the write is a syscall stage, the receiver's copy a copy stage. */
	if (cfg->rx) {
		served[PT_V_RX_SYSCALL] = served[PT_STAGE_SYSCALL];
		memcpy(tr->how[PT_V_RX_SYSCALL], tr->how[PT_STAGE_SYSCALL], sizeof(tr->how[0]));
		if (served[PT_STAGE_COPY]) {
			pt_appendf(tr->how[PT_V_RX_COPY], sizeof(tr->how[0]), "%s%s",
				   served[PT_V_RX_COPY] ? " and " : "", tr->how[PT_STAGE_COPY]);
			served[PT_V_RX_COPY] = true;
		}
	}
	for (int s = 0; s < PT_NR_VSTAGES; s++) {
		if (s == PT_STAGE_USER || (s == PT_STAGE_NEIGH && !cfg->tap) ||
		    (s >= PT_NR_STAGES && !cfg->rx))
			continue;
		if (!served[s]) {
			tr->view.state[s] = PT_UNSEEN;
			if (!tr->why[s][0])
				snprintf(tr->why[s], sizeof(tr->why[0]), "%s",
					 tp_blind[s] ?: "not attached");
			tr->view.why[s] = tr->why[s];
		}
	}
	if (!cfg->tap) {
		tr->view.state[PT_STAGE_NEIGH] = PT_NA;
		tr->view.why[PT_STAGE_NEIGH] = "a TUN device has no link layer";
	}
	return 0;
}

/* The names of enum skb_drop_reason's values, read once from the kernel's BTF. */
static void load_drop_reasons(struct pt_tracer *tr)
{
	static const char prefix[] = "SKB_DROP_REASON_";
	const struct btf_type *t;
	const struct btf_enum *e;
	int id = btf__find_by_name_kind(tr->btf, "skb_drop_reason", BTF_KIND_ENUM);

	if (id <= 0)
		return;
	t = btf__type_by_id(tr->btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *n = btf__name_by_offset(tr->btf, e->name_off);

		if (!n || e->val < 0 || e->val >= PT_MAX_DROP_REASONS)
			continue;
		if (!strncmp(n, prefix, sizeof(prefix) - 1))
			n += sizeof(prefix) - 1;
		tr->drop_names[e->val] = n;
	}
}

static void unload(struct pt_tracer *tr)
{
	ring_buffer__free(tr->rb);
	tr->rb = NULL;
	while (tr->nr_links)
		bpf_link__destroy(tr->links[--tr->nr_links]);
	pathtrace_bpf__destroy(tr->skel);
	tr->skel = NULL;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct pt_tracer *tr = ctx;

	if (size >= sizeof(struct pt_event))
		tr->cb(data, tr->ctx);
	return 0;
}

int pt_tracer_open(struct pt_tracer *tr, const struct pt_trace_cfg *cfg,
		   pt_event_fn cb, void *ctx)
{
	enum pt_backend backend = cfg->backend, level;
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->cb = cb;
	tr->ctx = ctx;

	if (cfg->btf_path) {
		/* Types and CO-RE relocations from this file (a kernel without its own BTF). */
		tr->btf = btf__parse(cfg->btf_path, NULL);
		if (!tr->btf) {
			err = -errno;
			pt_err("cannot read BTF from %s: %s", cfg->btf_path, strerror(errno));
			return err;
		}
	} else {
		if (access("/sys/kernel/btf/vmlinux", R_OK)) {
			pt_err("kernel has no BTF (/sys/kernel/btf/vmlinux): pathtrace needs a "
			       "kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf PATH");
			return -ENOENT;
		}
		tr->btf = btf__load_vmlinux_btf();
		if (!tr->btf) {
			err = -errno;
			pt_err("cannot read the kernel's BTF: %s", strerror(errno));
			return err;
		}
	}
	load_drop_reasons(tr);

	level = backend == PT_BACKEND_AUTO ? PT_BACKEND_FENTRY : backend;
	for (;;) {
		char why[200];

		err = attempt(tr, cfg, level, backend != PT_BACKEND_AUTO, why, sizeof(why));
		if (err != -EAGAIN)
			break;
		unload(tr);
		if (backend != PT_BACKEND_AUTO) {
			pt_err("cannot use backend %s: %s", pt_backend_name(backend), why);
			goto fail;
		}
		/* Auto steps down a rung, keeping why. */
		pt_appendf(tr->fell, sizeof(tr->fell), "%s%s: %s", tr->fell[0] ? "; " : "",
			pt_backend_name(level), why);
		level++;
	}
	if (err)
		goto fail;

	tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events), handle_event,
				  tr, NULL);
	if (!tr->rb) {
		err = -errno;
		pt_err("cannot set up the ring buffer: %s", strerror(errno));
		goto fail;
	}
	tr->ifindex = cfg->ifindex;
	return 0;
fail:
	pt_tracer_close(tr);
	return err ? err : -EINVAL;
}

void pt_tracer_describe(const struct pt_tracer *tr)
{
	if (tr->fell[0])
		pt_info("backend: %s (%s)", pt_backend_name(tr->backend), tr->fell);
	else
		pt_info("backend: %s", pt_backend_name(tr->backend));
	for (int s = 0; s < PT_NR_VSTAGES; s++) {
		const char *dir = s >= PT_NR_STAGES ? "rx " : "";

		if (tr->how[s][0])
			pt_info("stage %s%s: %s", dir, pt_stage_name(s), tr->how[s]);
		else if (tr->view.state[s] == PT_UNSEEN)
			pt_info("unseen: %s%s: %s", dir, pt_stage_name(s), tr->view.why[s]);
		else if (tr->view.state[s] == PT_NA)
			pt_info("n/a: %s%s: %s", dir, pt_stage_name(s), tr->view.why[s]);
	}
}

int pt_tracer_epoll_fd(const struct pt_tracer *tr)
{
	return ring_buffer__epoll_fd(tr->rb);
}

int pt_tracer_drain(struct pt_tracer *tr)
{
	return tr->rb ? ring_buffer__consume(tr->rb) : 0;
}

void pt_tracer_counters(const struct pt_tracer *tr, uint64_t out[PT_NR_COUNTERS])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1];

	memset(out, 0, PT_NR_COUNTERS * sizeof(out[0]));
	if (!tr->skel || ncpu <= 0)
		return;
	for (uint32_t k = 0; k < PT_NR_COUNTERS; k++) {
		/* Filled by the kernel; zeroed for tools (valgrind) that cannot know. */
		memset(vals, 0, sizeof(vals));
		if (bpf_map__lookup_elem(tr->skel->maps.counters, &k, sizeof(k), vals,
					 sizeof(vals), 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
}

unsigned int pt_tracer_left(const struct pt_tracer *tr, pt_event_fn rx_cb, void *ctx)
{
	struct pt_skb_set set;
	/* A slot of the table: the record, padded (bpf/pt_core.bpf.h). */
	union { struct pt_event ev; uint8_t slot[256]; } rec = { 0 };
	struct pt_hrec h;
	unsigned int n = 0;

	if (!tr->skel)
		return 0;
	for (__u32 i = 0; i < PT_SKB_SETS; i++) {
		if (bpf_map__lookup_elem(tr->skel->maps.skb_sets, &i, sizeof(i), &set,
					 sizeof(set), 0))
			continue;
		for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
			__u32 k = i * PT_SKB_WAYS + w;

			if (!set.skb[w])
				continue;
			if (tr->skel->rodata->hist_mode) {
				/* --hist's slots stay owned: is the record live? */
				if (!bpf_map__lookup_elem(tr->skel->maps.hrecs, &k, sizeof(k),
							  &h, sizeof(h), 0) &&
				    pt_hrec_live(&h, set.skb[w]))
					n++;
			} else if (rx_cb && !bpf_map__lookup_elem(tr->skel->maps.skbs, &k, sizeof(k),
								  &rec, sizeof(rec), 0) &&
				   (rec.ev.flags & PT_EV_RX)) {
				rx_cb(&rec.ev, ctx);
			} else {
				n++;
			}
		}
	}
	return n;
}

const char *pt_tracer_func_name(const struct pt_tracer *tr, enum pt_stage stage,
				uint64_t ip)
{
	/* An entry probe may report the address past the function's ENDBR. */
	for (unsigned int g = 0; ip && g < NR_GROUPS; g++) {
		if (groups[g].stage != (int)stage)
			continue;
		for (unsigned int i = 0; i < MAX_FNS && groups[g].fns[i]; i++) {
			uint64_t a = tr->ksym[g][i].addr;

			if (a && ip >= a && ip < a + 16)
				return groups[g].fns[i];
		}
	}
	return NULL;
}

const char *pt_tracer_drop_reason(const struct pt_tracer *tr, uint32_t reason)
{
	return reason < PT_MAX_DROP_REASONS ? tr->drop_names[reason] : NULL;
}

void pt_tracer_close(struct pt_tracer *tr)
{
	unload(tr);
	btf__free(tr->mod_btf);
	tr->mod_btf = NULL;
	btf__free(tr->btf);
	tr->btf = NULL;
}
