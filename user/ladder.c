// SPDX-License-Identifier: GPL-2.0
/*
 * The attach ladder. One BPF object holds, per hook, thin entry points for
 * each mechanism (bpf/pathtrace.bpf.c, from include/pt_hooks.h). For a
 * backend rung we decide per hook what to load (fentry where the function
 * has BTF; kprobe, or kprobe.multi where the kernel offers it, otherwise)
 * and attach; a stage no function hook serves falls back to its
 * tracepoint, if it has one. Auto starts at fentry and steps down when the
 * kernel refuses a rung as a whole: known from the probes (probe.c) before
 * anything loads, else from the failed load or attach.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ladder.h"	/* first: the skeleton uses its types */
#include "pathtrace.skel.h"
#include "cbpf.h"
#include "standin.h"
#include "pt_filter.h"
#include "util.h"

/* Each hook's programs, as skeleton fields: a program missing from the object does not compile. */
#define PROG(name) offsetof(struct pathtrace_bpf, progs.name)
#define FENTRY_PROG(name, ...) PROG(fentry_##name),
/* and each fentry program's target address (pt_self), in the configuration */
#define FENTRY_IP(name, ...) offsetof(struct pathtrace_bpf__rodata, fentry_ip_##name),
#define FN_PROGS(hook, stage, fentry, ...)				\
	[PT_HOOK_##hook] = { PROG(kprobe_##hook), PROG(kmulti_##hook),	\
			     { PT_FENTRY_EACH(fentry, FENTRY_PROG, hook, 0) },	\
			     { PT_FENTRY_EACH(fentry, FENTRY_IP, hook, 0) } },
static const struct {
	size_t kprobe, kmulti, fentry[PT_MAX_FNS], fentry_ip[PT_MAX_FNS];
} fn_progs[PT_NR_FN_HOOKS] = { PT_FN_HOOKS(FN_PROGS) };

#define TP_PROG(tp, ...) [PT_TP_##tp] = PROG(tp_##tp),
static const size_t tp_progs[PT_NR_TP_HOOKS] = { PT_TP_HOOKS(TP_PROG) };

#define NF_PROG(hook, ...) [PT_NF_##hook] = PROG(nf_##hook),
static const size_t nf_progs[PT_NR_NF_HOOKS] = { PT_NF_HOOKS(NF_PROG) };

#define CG_PROG(hook, ...) [PT_CG_##hook] = PROG(cg_##hook),
static const size_t cg_progs[PT_NR_CG_HOOKS] = { PT_CG_HOOKS(CG_PROG) };

/*
 * What the packet-socket tap costs every packet the device sends (make
 * bench, 2026-12-04: pk_xmit about 75 ns, the clone's consume_skb about
 * 70; untraced-tap lost 5 to 12% of untraced's throughput).
 */
#define PT_TAP_COST "about 150 ns of program time a packet, and the clone's own"

static const char *const mech[] = { [PT_BACKEND_FENTRY] = "fentry",
				    [PT_BACKEND_KPROBE] = "kprobe" };

/* What one rung loads for a function hook. */
struct plan {
	struct bpf_program *fentry[PT_MAX_FNS];
	const char *target[PT_MAX_FNS];
	unsigned int nfentry;
	bool kprobe;		/* kprobe_<hook> loaded (and kmulti_<hook> with kprobe.multi) */
	char why[160];		/* why neither */
};

/* One attempt at a rung. */
struct rung {
	struct pt_tracer *tr;
	const struct pt_trace_cfg *cfg;
	enum pt_backend level;
	bool forced;			/* the user's backend: no kprobe fill-in */
	bool multi;			/* kprobe.multi: probed, until an attach fails */
	bool served[PT_NR_HSLOTS];
	bool tp_on[PT_NR_TP_HOOKS];
	bool nf_on[PT_NR_NF_HOOKS];	/* netfilter hooks for stages nothing else serves (loaded but with --hist) */
	bool cg_on[PT_NR_CG_HOOKS];	/* cgroup hooks for stages no function hook serves (loaded) */
	bool tap_on;			/* the packet-socket tap serves xmit (loaded but with --hist) */
	bool park;			/* packets the neighbour layer parks keep their sender */
	struct plan plan[PT_NR_FN_HOOKS];
	char no_fentry[PT_NR_HSLOTS][160];	/* why fentry could not serve a stage of its rung */
	unsigned int links;		/* links of the rung's own mechanism */
	char err_why[160];		/* a failed attach, for fell */
	char fell[200];			/* why the kernel refuses the rung */
};

static struct bpf_program *prog_at(const struct pt_tracer *tr, size_t off)
{
	return *(struct bpf_program *const *)((const char *)tr->skel + off);
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

/* Does a probe rule the rung out before anything loads? Then why, in fell. */
static bool rung_refused(struct rung *r)
{
	const struct pt_features *f = &r->tr->kern.feat;

	if (!f->known)
		return false;
	if (r->level == PT_BACKEND_FENTRY && !f->tracing)
		snprintf(r->fell, sizeof(r->fell), "the kernel refused to load fentry programs "
			 "(libbpf's probe of BPF_PROG_TYPE_TRACING failed)");
	else if (r->level == PT_BACKEND_KPROBE && !f->kprobe)
		snprintf(r->fell, sizeof(r->fell), "the kernel refused to load kprobe programs "
			 "(libbpf's probe of BPF_PROG_TYPE_KPROBE failed)");
	else if (r->level == PT_BACKEND_KPROBE && !f->kprobe_attach)
		snprintf(r->fell, sizeof(r->fell), "the kernel cannot attach kprobes (no "
			 "kprobe PMU, no kprobe_events in tracefs: kernel without CONFIG_KPROBES?)");
	return r->fell[0];
}

/*
 * The filters: --pid and --comm into the configuration, and the expression
 * written over the placeholder of every program that has one (before
 * load, in place: no instruction moves). 0 or -EINVAL, reported.
 */
static int set_filter(struct pathtrace_bpf *skel, const struct pt_filter *f)
{
	struct bpf_program *p;
	char err[200];
	int regions = 0;

	skel->rodata->proc_filter = pt_filter_by_proc(f);
	for (unsigned int i = 0; i < f->nr_pids && i < PT_MAX_PIDS; i++)
		skel->rodata->proc_pids[i] = f->pids[i];
	if (f->comm)
		memcpy((char *)skel->rodata->proc_comm, f->comm,
		       strnlen(f->comm, sizeof(skel->rodata->proc_comm) - 1));
	if (!f->len)
		return 0;
	skel->rodata->pkt_filter = true;
	skel->rodata->filter_need = pt_cbpf_need(f->insns, f->len);
	bpf_object__for_each_program(p, skel->obj) {
		size_t n = bpf_program__insn_cnt(p);
		struct bpf_insn *insns = malloc(n * sizeof(*insns));
		int r = -1;

		if (!insns) {
			snprintf(err, sizeof(err), "out of memory");
		} else {
			memcpy(insns, bpf_program__insns(p), n * sizeof(*insns));
			r = pt_cbpf_patch(insns, n, f->insns, f->len, err, sizeof(err));
			if (r > 0 && bpf_program__set_insns(p, insns, n)) {
				snprintf(err, sizeof(err), "libbpf took no new instructions");
				r = -1;
			}
		}
		free(insns);
		if (r < 0) {
			pt_err("filter '%s' in %s: %s", f->expr, bpf_program__name(p), err);
			return -EINVAL;
		}
		regions += r;
	}
	if (!regions) {
		pt_err("no program has the filter's placeholder: a broken build");
		return -EINVAL;
	}
	return 0;
}

/*
 * A kernel without BPF's atomic compare-and-swap (before Linux 5.12) refuses
 * the instruction wherever it stands, even where the verifier would never
 * go: each is made a no-op (goto +0), in place, behind pt_cas's branch
 * that atomic_cas (false here) closes.
 */
static int drop_atomics(struct pathtrace_bpf *skel)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, skel->obj) {
		size_t n = bpf_program__insn_cnt(p), k = 0;
		struct bpf_insn *insns = malloc(n * sizeof(*insns));

		if (!insns) {
			pt_err("out of memory");
			return -ENOMEM;
		}
		memcpy(insns, bpf_program__insns(p), n * sizeof(*insns));
		for (size_t i = 0; i < n; i++)
			if (insns[i].code == (BPF_STX | BPF_DW | BPF_ATOMIC) &&
			    insns[i].imm == BPF_CMPXCHG) {
				insns[i] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
				k++;
			}
		if (k && bpf_program__set_insns(p, insns, n)) {
			free(insns);
			pt_err("%s: libbpf took no new instructions", bpf_program__name(p));
			return -EINVAL;
		}
		free(insns);
	}
	return 0;
}

/*
 * Opened, the object is parsed and copied: the pages of its bytes in our
 * binary (read from the file, touched by the parse) go until a next rung
 * parses them again. They would add 1.2 MB to the load's peak, when
 * libbpf holds the kernel's BTF twice.
 */
static void drop_object_pages(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t sz;
	uintptr_t p = (uintptr_t)pathtrace_bpf__elf_bytes(&sz);
	uintptr_t a = (p + pg - 1) & ~(uintptr_t)(pg - 1), e = (p + sz) & ~(uintptr_t)(pg - 1);

	if (pg > 0 && e > a)
		madvise((void *)a, e - a, MADV_DONTNEED);
}

/* Open the object with this trace's configuration, nothing to load yet. */
static int open_skel(struct rung *r)
{
	const struct pt_trace_cfg *cfg = r->cfg;
	struct pt_tracer *tr = r->tr;
	struct bpf_program *p;
	int err;

	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = cfg->btf_path);

	tr->skel = pathtrace_bpf__open_opts(&oo);
	if (!tr->skel) {
		err = -errno;
		pt_err("cannot open the BPF object: %s", strerror(errno));
		return err;
	}
	drop_object_pages();
	tr->skel->rodata->targ_ifindex = cfg->ifindex;
	tr->skel->rodata->targ_netns = cfg->netns;
	tr->skel->rodata->hist_mode = cfg->hist;
	/* Each mode has records of its own: the other's shrink to nothing. */
	bpf_map__set_max_entries(cfg->hist ? tr->skel->maps.skbs : tr->skel->maps.hrecs, 1);
	/*
	 * --hist hands no record over: its ring, one page (the 4 MiB one,
	 * mapped twice into our memory by libbpf, was 8 MiB of our RSS).
	 */
	if (cfg->hist)
		bpf_map__set_max_entries(tr->skel->maps.events, getpagesize());
	tr->skel->rodata->hist_by_proto = cfg->hist_by_proto;
	tr->skel->rodata->reader_tgid = cfg->reader_tgid;
	tr->skel->rodata->rx_mode = cfg->rx;
	tr->skel->rodata->foreign_tgid = cfg->foreign_tgid;
	tr->skel->rodata->skb_bytes_direct = tr->kern.feat.skb_bytes;
	for (unsigned int i = 0; i < pt_nr_send_syscalls; i++) {
		long nr = pt_send_syscalls[i].nr;

		if (nr >= 0 && nr < PT_SYSCALL_BITMAP_WORDS * 64)
			tr->skel->rodata->send_syscalls[nr / 64] |= 1ULL << (nr % 64);
	}
	if (cfg->filter && set_filter(tr->skel, cfg->filter))
		return -EINVAL;
	/* (unprobed, without privileges: as the newest kernels, and the load will tell) */
	if (tr->kern.feat.known) {
		tr->skel->rodata->atomic_cas = tr->kern.feat.atomic_cas;
		tr->skel->rodata->kfree_skb_reason = tr->kern.feat.drop_reason;
		err = tr->kern.feat.atomic_cas ? 0 : drop_atomics(tr->skel);
		if (err)
			return err;
	}
	bpf_object__for_each_program(p, tr->skel->obj)
		bpf_program__set_autoload(p, false);
	return 0;
}

/* The tracepoints this kernel has and this trace wants load; the skb's end is a must. */
static int choose_tracepoints(struct rung *r)
{
	for (unsigned int t = 0; t < PT_NR_TP_HOOKS; t++) {
		const struct pt_tp_hook *tp = &pt_tp_hooks[t];

		r->tp_on[t] = pt_kernel_has_tracepoint(&r->tr->kern, tp->tp) &&
			      pt_tp_hook_wanted(t, r->cfg->rx, r->cfg->foreign_tgid);
		if (!r->tp_on[t] && tp->stage < 0) {
			pt_err("this kernel has no %s tracepoint: cannot follow packets", tp->tp);
			return -ENOENT;
		}
		bpf_program__set_autoload(prog_at(r->tr, tp_progs[t]), r->tp_on[t]);
	}
	return 0;
}

static void plan_fentry(struct rung *r, unsigned int h)
{
	const struct pt_fn_hook *hook = &pt_fn_hooks[h];
	struct plan *p = &r->plan[h];
	char why[160];

	for (unsigned int i = 0; i < PT_MAX_FNS && hook->fns[i]; i++) {
		struct bpf_program *fp;

		if (!pt_kernel_fn_has_btf(&r->tr->kern, hook->fns[i], why, sizeof(why))) {
			if (!p->why[0])
				snprintf(p->why, sizeof(p->why), "%s", why);
			continue;
		}
		fp = prog_at(r->tr, fn_progs[h].fentry[p->nfentry]);
		bpf_program__set_attach_target(fp, 0, hook->fns[i]);
		/* its function's address, for kernels without bpf_get_func_ip (0: hidden) */
		*(__u64 *)((char *)r->tr->skel->rodata + fn_progs[h].fentry_ip[p->nfentry]) =
			r->tr->kern.ksym[h][i].addr;
		bpf_program__set_autoload(fp, true);
		p->fentry[p->nfentry] = fp;
		p->target[p->nfentry++] = hook->fns[i];
		if (!hook->all || p->nfentry == hook->nfentry)
			break;
	}
}

/* Per function hook, what this rung loads. */
static void plan_hooks(struct rung *r)
{
	const struct pt_features *f = &r->tr->kern.feat;

	for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++) {
		struct plan *p = &r->plan[h];

		if (pt_fn_hook_skipped(h, r->cfg->tap, r->cfg->rx))
			continue;
		if (r->level == PT_BACKEND_FENTRY) {
			plan_fentry(r, h);
			/* auto: what fentry cannot reach, a kprobe may */
			p->kprobe = !p->nfentry && !r->forced &&
				    (!f->known || (f->kprobe && f->kprobe_attach));
		} else {
			p->kprobe = r->level == PT_BACKEND_KPROBE;
		}
		if (p->kprobe) {
			bpf_program__set_autoload(prog_at(r->tr, fn_progs[h].kprobe), true);
			bpf_program__set_autoload(prog_at(r->tr, fn_progs[h].kmulti), r->multi);
		}
	}
}

/* Whether a function hook of view stage @s is planned in this rung. */
static bool fn_planned(const struct rung *r, int s)
{
	for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++)
		if (pt_fn_hooks[h].stage == s && (r->plan[h].nfentry || r->plan[h].kprobe))
			return true;
	return false;
}

/*
 * Netfilter hooks stand in for a stage no function hook serves, where the
 * kernel has them. Debian 12's libbpf knows neither their program type nor
 * their section: both set here, by number.
 */
static void plan_nf_hooks(struct rung *r)
{
	for (unsigned int n = 0; n < PT_NR_NF_HOOKS; n++) {
		struct bpf_program *p = prog_at(r->tr, nf_progs[n]);

		r->nf_on[n] = r->tr->kern.feat.nf_links && !fn_planned(r, pt_nf_hooks[n].stage);
		/* --hist: not at all (attach_nf_hooks says why) */
		if (!r->nf_on[n] || r->cfg->hist)
			continue;
		bpf_program__set_type(p, PT_BPF_PROG_TYPE_NETFILTER);
		bpf_program__set_expected_attach_type(p, PT_BPF_NETFILTER);
		bpf_program__set_autoload(p, true);
	}
	/* Without a hook there, first sightings do not look for a sendq stamp. */
	r->tr->skel->rodata->sendq_hooked = fn_planned(r, PT_STAGE_SENDQ) ||
		((r->nf_on[PT_NF_local_out4] || r->nf_on[PT_NF_local_out6]) && !r->cfg->hist);
}

/* Whether the kernel lets cgroup hook @h read the sending thread's id. */
static bool cg_loads(const struct pt_features *f, const struct pt_cg_hook *h)
{
	return h->attach_type == BPF_CGROUP_INET_EGRESS ? f->cg_skb : f->cg_sock_addr;
}

/* Whether cgroup hook @h would stand in: its stage applies, no function hook is planned. */
static bool cg_wanted(const struct rung *r, const struct pt_cg_hook *h)
{
	return (h->stage != PT_STAGE_NEIGH || r->cfg->tap) && !fn_planned(r, h->stage);
}

/*
 * Cgroup hooks stand in for a stage no function hook serves, where the
 * kernel lets them find the sending thread: loaded here, linked at the
 * cgroup v2 root by attach_cg_hooks.
 */
static void plan_cg_hooks(struct rung *r)
{
	for (unsigned int n = 0; n < PT_NR_CG_HOOKS; n++) {
		const struct pt_cg_hook *h = &pt_cg_hooks[n];

		r->cg_on[n] = cg_wanted(r, h) && cg_loads(&r->tr->kern.feat, h);
		bpf_program__set_autoload(prog_at(r->tr, cg_progs[n]), r->cg_on[n]);
	}
}

/*
 * The packet-socket tap stands in for xmit where no function hook serves
 * it; --hist does without (attach_tap says why).
 */
static void plan_tap(struct rung *r)
{
	r->tap_on = !fn_planned(r, PT_STAGE_XMIT);
	bpf_program__set_autoload(r->tr->skel->progs.pk_xmit, r->tap_on && !r->cfg->hist);
	r->tr->skel->rodata->xmit_tapped = r->tap_on && !r->cfg->hist;
}

/*
 * TAP: a packet the neighbour layer parks keeps its sender's stamps by its
 * key (bpf/pt_task.bpf.h), where the ip stage is hooked with the skb and
 * the kernel has the neigh_event_send_done tracepoint (Linux 5.4+).
 */
static void plan_neigh_park(struct rung *r)
{
	struct pt_tracer *tr = r->tr;
	bool ip_keyed = fn_planned(r, PT_STAGE_IP) ||
		((r->nf_on[PT_NF_postroute4] || r->nf_on[PT_NF_postroute6]) && !r->cfg->hist);

	r->park = r->cfg->tap && ip_keyed &&
		  pt_kernel_has_tracepoint(&tr->kern, "neigh_event_send_done");
	bpf_program__set_autoload(tr->skel->progs.tp_neigh_park, r->park);
	tr->skel->rodata->neigh_park = r->park;
}

static int load(struct rung *r)
{
	int err;

	/* Planned: our BTF goes, not to be held beside the copy libbpf parses now. */
	pt_kernel_drop_btf(&r->tr->kern);
	err = pathtrace_bpf__load(r->tr->skel);

	if (!err)
		return 0;
	if (r->level != PT_BACKEND_TRACEPOINT) {
		snprintf(r->fell, sizeof(r->fell), "the kernel refused to load %s programs (%s)",
			 mech[r->level], strerror(-err));
		return -EAGAIN;
	}
	pt_err("cannot load the BPF programs: %s%s", strerror(-err),
	       err == -EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" :
			       " (run with -vv for the verifier's log)");
	return err;
}

/* Attach a hook's kprobes: one kprobe.multi link if the kernel has them, else one per function. */
static int attach_kprobes(struct rung *r, unsigned int h, char *how, size_t hlen,
			  char *why, size_t wlen)
{
	const struct pt_fn_hook *hook = &pt_fn_hooks[h];
	struct pt_tracer *tr = r->tr;
	const char *syms[PT_MAX_FNS];
	unsigned int n = 0, ok = 0;
	int err = -ENOENT;

	for (unsigned int i = 0; i < PT_MAX_FNS && hook->fns[i]; i++)
		if (tr->kern.ksym[h][i].listed)
			syms[n++] = hook->fns[i];
	if (!n) {
		snprintf(why, wlen, "%s%s: not in /proc/kallsyms (inlined or absent)",
			 hook->fns[0], hook->fns[1] ? " and the others" : "");
		return -ENOENT;
	}
	if (!hook->all)
		n = 1;
	if (r->multi) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, mo, .syms = syms, .cnt = n);

		err = add_link(tr, bpf_program__attach_kprobe_multi_opts(
					   prog_at(tr, fn_progs[h].kmulti), NULL, &mo));
		if (!err) {
			snprintf(how, hlen, "kprobe.multi");
			for (unsigned int i = 0; i < n; i++)
				pt_appendf(how, hlen, " %s", syms[i]);
			return 0;
		}
		r->multi = false;	/* the probe was wrong: one kprobe each */
	}
	snprintf(how, hlen, "kprobe");
	for (unsigned int i = 0; i < n; i++) {
		int e = add_link(tr, bpf_program__attach_kprobe(prog_at(tr, fn_progs[h].kprobe),
								false, syms[i]));

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

/* Attach a function hook as planned; the first of a stage's hooks that attaches serves it. */
static void attach_fn_hook(struct rung *r, unsigned int h)
{
	struct pt_tracer *tr = r->tr;
	struct plan *pl = &r->plan[h];
	int s = pt_fn_hooks[h].stage, err;
	char *how = tr->how[s];

	for (unsigned int i = 0; i < pl->nfentry; i++) {
		err = add_link(tr, bpf_program__attach(pl->fentry[i]));
		if (err) {
			snprintf(r->err_why, sizeof(r->err_why), "fentry on %s: %s",
				 pl->target[i], strerror(-err));
			continue;
		}
		if (!r->served[s])
			snprintf(how, sizeof(tr->how[0]), "fentry");
		pt_appendf(how, sizeof(tr->how[0]), " %s", pl->target[i]);
		r->served[s] = true;
		if (r->level == PT_BACKEND_FENTRY)
			r->links++;
	}
	/* fentry's rung, which could not reach this hook: said where the stage is served */
	if (!r->served[s] && r->level == PT_BACKEND_FENTRY && pl->why[0] && !r->no_fentry[s][0])
		snprintf(r->no_fentry[s], sizeof(r->no_fentry[0]), "%s", pl->why);
	if (!r->served[s] && pl->kprobe) {
		err = attach_kprobes(r, h, how, sizeof(tr->how[0]), pl->why, sizeof(pl->why));
		if (!err) {
			r->served[s] = true;
			if (r->level == PT_BACKEND_KPROBE)
				r->links++;
			else if (r->no_fentry[s][0])
				pt_appendf(how, sizeof(tr->how[0]), " (no fentry: %s)", r->no_fentry[s]);
		} else if (!r->err_why[0]) {
			snprintf(r->err_why, sizeof(r->err_why), "%s", pl->why);
		}
	}
	if (!r->served[s])
		snprintf(tr->why[s], sizeof(tr->why[0]), "%s",
			 pl->why[0] ? pl->why : r->level == PT_BACKEND_TRACEPOINT ?
			 pt_hook_tp_blind(s) ?: "no tracepoint" : "not attached");
}

/* The netfilter hooks of stages nothing served yet. */
static void attach_nf_hooks(struct rung *r)
{
	struct pt_tracer *tr = r->tr;

	_Static_assert(PT_NR_NF_HOOKS + 1 <= sizeof(tr->fds) / sizeof(tr->fds[0]),
		       "a link fd per netfilter hook, and the tap's socket");
	for (unsigned int n = 0; n < PT_NR_NF_HOOKS; n++) {
		const struct pt_nf_hook *h = &pt_nf_hooks[n];
		int s = h->stage, fd;

		if (!r->nf_on[n] || (r->served[s] && !tr->nf_stage[s]))
			continue;
		/*
		 * --hist is the cheap mode: a netfilter hook costs every packet
		 * (followed or not) about 70 to 100 ns of program time (make
		 * bench), more than a filter that keeps nothing may cost in all.
		 */
		if (r->cfg->hist) {
			snprintf(tr->why[s], sizeof(tr->why[0]), "netfilter %s not used with --hist "
				 "(it costs every packet about 70 to 100 ns)", h->name);
			continue;
		}
		fd = pt_nf_link(bpf_program__fd(prog_at(tr, nf_progs[n])), h->pf, h->hooknum);
		if (fd < 0) {
			snprintf(tr->why[s], sizeof(tr->why[0]), "netfilter %s link: %s", h->name,
				 strerror(-fd));
			continue;
		}
		tr->fds[tr->nr_fds++] = fd;
		if (!tr->nf_stage[s])
			pt_appendf(tr->how[s], sizeof(tr->how[0]), "netfilter %s ", h->name);
		pt_appendf(tr->how[s], sizeof(tr->how[0]), "%s%s", tr->nf_stage[s] ? ", " : "",
			   h->pf == PT_NFPROTO_IPV6 ? "IPv6" : "IPv4");
		tr->nf_stage[s] = true;
		tr->view.hook[s] = h->where;
		r->served[s] = true;
	}
}

/*
 * The cgroup hooks of stages nothing served yet, linked at the root of the
 * cgroup v2 hierarchy: whichever process sends to the device is under it.
 * Their links go with the others' (pt_ladder_unload, or our exit).
 */
static void attach_cg_hooks(struct rung *r)
{
	const struct pt_features *f = &r->tr->kern.feat;
	struct pt_tracer *tr = r->tr;
	bool cg_stage[PT_NR_HSLOTS] = { false };
	char root[160];		/* why the root cannot be opened */
	int cg = -1, err;

	for (unsigned int n = 0; n < PT_NR_CG_HOOKS; n++) {
		const struct pt_cg_hook *h = &pt_cg_hooks[n];
		int s = h->stage;

		if (r->served[s] && !cg_stage[s])
			continue;
		if (!r->cg_on[n]) {
			if (f->known && cg_wanted(r, h) && !cg_loads(f, h))
				pt_appendf(tr->why[s], sizeof(tr->why[0]), "%scgroup %s programs "
					   "cannot read the sending thread's id on this kernel",
					   tr->why[s][0] ? "; " : "", h->name);
			continue;
		}
		if (cg < 0 && (cg = pt_cgroup2_open(root, sizeof(root))) < 0) {
			pt_appendf(tr->why[s], sizeof(tr->why[0]), "%scgroup %s: %s",
				   tr->why[s][0] ? "; " : "", h->name, root);
			continue;
		}
		err = add_link(tr, bpf_program__attach_cgroup(prog_at(tr, cg_progs[n]), cg));
		if (err) {
			pt_appendf(tr->why[s], sizeof(tr->why[0]), "%scgroup %s link: %s",
				   tr->why[s][0] ? "; " : "", h->name, strerror(-err));
			continue;
		}
		pt_appendf(tr->how[s], sizeof(tr->how[0]), "%s%s", cg_stage[s] ? ", " : "cgroup ",
			   h->name);
		cg_stage[s] = true;
		tr->view.hook[s] = h->where;
		r->served[s] = true;
	}
	if (cg >= 0)
		close(cg);
}

/*
 * The packet-socket tap: an AF_PACKET socket bound to the device, its
 * filter (pk_xmit) run where tcpdump's copy is taken. The filter keeps
 * nothing, but while the socket exists the kernel clones every packet the
 * device sends for it, as it does for tcpdump.
 */
static void attach_tap(struct rung *r)
{
	struct pt_tracer *tr = r->tr;
	char *why = tr->why[PT_STAGE_XMIT];
	int fd;

	if (!r->tap_on || r->served[PT_STAGE_XMIT])
		return;
	if (r->cfg->hist) {
		pt_appendf(why, sizeof(tr->why[0]), "%sthe packet-socket tap is not used with "
			   "--hist (the kernel clones every packet for it: %s)", why[0] ? "; " : "",
			   PT_TAP_COST);
		return;
	}
	fd = pt_tap_socket(bpf_program__fd(tr->skel->progs.pk_xmit), (int)r->cfg->ifindex);
	if (fd < 0) {
		pt_appendf(why, sizeof(tr->why[0]), "%spacket-socket tap: %s", why[0] ? "; " : "",
			   strerror(-fd));
		return;
	}
	tr->fds[tr->nr_fds++] = fd;
	snprintf(tr->how[PT_STAGE_XMIT], sizeof(tr->how[0]), "packet-socket tap (AF_PACKET filter)");
	tr->view.hook[PT_STAGE_XMIT] = "a packet socket's filter, where tcpdump's copy is taken "
				       "inside dev_hard_start_xmit";
	r->served[PT_STAGE_XMIT] = true;
}

/* A stage a function hook serves needs no tracepoint; one may take several. */
static int attach_tracepoints(struct rung *r)
{
	struct pt_tracer *tr = r->tr;
	bool fn_served[PT_NR_HSLOTS];
	int err;

	memcpy(fn_served, r->served, sizeof(fn_served));
	for (unsigned int t = 0; t < PT_NR_TP_HOOKS; t++) {
		const char *tp = pt_tp_hooks[t].tp;
		int s = pt_tp_hooks[t].stage;

		if (!r->tp_on[t] || (s >= 0 && fn_served[s]))
			continue;
		err = add_link(tr, bpf_program__attach(prog_at(tr, tp_progs[t])));
		if (err) {
			if (s < 0) {
				pt_err("cannot attach to tracepoint %s: %s", tp, strerror(-err));
				return err;
			}
			snprintf(tr->why[s], sizeof(tr->why[0]), "tracepoint %s: %s", tp,
				 strerror(-err));
			continue;
		}
		if (s >= 0) {
			pt_appendf(tr->how[s], sizeof(tr->how[0]), "%s %s",
				   r->served[s] ? "," : "tracepoint", tp);
			r->served[s] = true;
		}
	}
	for (int s = 0; s < PT_NR_HSLOTS; s++)
		if (r->served[s] && !fn_served[s] && r->no_fentry[s][0])
			pt_appendf(tr->how[s], sizeof(tr->how[0]), " (no fentry: %s)",
				   r->no_fentry[s]);
	if (!r->served[PT_STAGE_QUEUE]) {
		pt_err("cannot see packets reach the device: %s", tr->why[PT_STAGE_QUEUE]);
		return -ENOENT;
	}
	return 0;
}

/* What the view shows of each stage: served, unseen and why, or not applicable. */
static void finish_view(struct rung *r)
{
	const struct pt_trace_cfg *cfg = r->cfg;
	struct pt_tracer *tr = r->tr;
	bool *served = r->served;

	/* The way in: the write is a syscall stage, the receiver's copy a copy stage. */
	if (cfg->rx) {
		tr->udp_rx_seen = served[PT_V_RX_COPY];
		served[PT_V_RX_SYSCALL] = served[PT_STAGE_SYSCALL];
		memcpy(tr->how[PT_V_RX_SYSCALL], tr->how[PT_STAGE_SYSCALL], sizeof(tr->how[0]));
		if (served[PT_STAGE_COPY]) {
			pt_appendf(tr->how[PT_V_RX_COPY], sizeof(tr->how[0]), "%s%s",
				   served[PT_V_RX_COPY] ? " and " : "", tr->how[PT_STAGE_COPY]);
			served[PT_V_RX_COPY] = true;
		}
	}
	/* Where netfilter links would have stood in for a stage */
	for (unsigned int n = 0; n < PT_NR_NF_HOOKS; n++) {
		int s = pt_nf_hooks[n].stage;

		if (!served[s] && tr->kern.feat.known && !tr->kern.feat.nf_links &&
		    !strstr(tr->why[s], "netfilter"))
			pt_appendf(tr->why[s], sizeof(tr->why[0]), "%s; no netfilter BPF links "
				   "to stand in (Linux 6.4+)", tr->why[s][0] ? "" :
				   pt_hook_tp_blind(s) ?: "not attached");
	}
	for (int s = 0; s < PT_NR_VSTAGES; s++) {
		if (s == PT_STAGE_USER || (s == PT_STAGE_NEIGH && !cfg->tap) ||
		    (s >= PT_NR_STAGES && !cfg->rx))
			continue;
		if (!served[s]) {
			tr->view.state[s] = PT_UNSEEN;
			if (!tr->why[s][0])
				snprintf(tr->why[s], sizeof(tr->why[0]), "%s",
					 pt_hook_tp_blind(s) ?: "not attached");
			tr->view.why[s] = tr->why[s];
		}
	}
	if (!cfg->tap) {
		tr->view.state[PT_STAGE_NEIGH] = PT_NA;
		tr->view.why[PT_STAGE_NEIGH] = "a TUN device has no link layer";
	}
}

/*
 * One rung. Returns 0, -EAGAIN when the kernel refuses the rung as a whole
 * (r->fell says why), or another -errno after reporting it.
 */
static int attempt(struct rung *r)
{
	struct pt_tracer *tr = r->tr;
	int err;

	memset(tr->how, 0, sizeof(tr->how));
	memset(tr->why, 0, sizeof(tr->why));
	memset(&tr->view, 0, sizeof(tr->view));
	tr->backend = r->level;
	if (rung_refused(r))
		return -EAGAIN;
	err = open_skel(r);
	pt_mark("object opened");
	if (!err)
		err = choose_tracepoints(r);
	if (err)
		return err;
	/* Where kprobes can go, and which function addresses mean what. */
	if (r->level != PT_BACKEND_TRACEPOINT)
		pt_kernel_scan_kallsyms(&tr->kern);
	plan_hooks(r);
	plan_nf_hooks(r);
	plan_cg_hooks(r);
	plan_tap(r);
	plan_neigh_park(r);
	pt_mark("planned");
	err = load(r);
	pt_mark("loaded");
	if (err)
		return err;

	for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++)
		if (!r->served[pt_fn_hooks[h].stage] &&
		    !pt_fn_hook_skipped(h, r->cfg->tap, r->cfg->rx))
			attach_fn_hook(r, h);
	if (r->level != PT_BACKEND_TRACEPOINT && !r->links) {
		snprintf(r->fell, sizeof(r->fell), "no %s hook could be attached (%s)",
			 mech[r->level], r->err_why[0] ? r->err_why : "none found");
		return -EAGAIN;
	}
	attach_nf_hooks(r);
	attach_cg_hooks(r);
	attach_tap(r);
	err = attach_tracepoints(r);
	if (err)
		return err;
	err = r->park ? add_link(tr, bpf_program__attach(tr->skel->progs.tp_neigh_park)) : 0;
	if (err)
		pt_warn("cannot attach to tracepoint neigh_event_send_done (%s): a packet waiting "
			"for ARP or NDP is taken for a packet of whoever receives the answer",
			strerror(-err));
	finish_view(r);
	return 0;
}

int pt_ladder_run(struct pt_tracer *tr, const struct pt_trace_cfg *cfg)
{
	const struct pt_features *f = &tr->kern.feat;
	enum pt_backend backend = cfg->backend;
	enum pt_backend level = backend == PT_BACKEND_AUTO ? PT_BACKEND_FENTRY : backend;
	int err;

	for (;;) {
		struct rung r = {
			.tr = tr, .cfg = cfg, .level = level,
			.forced = backend != PT_BACKEND_AUTO,
			.multi = !f->known || f->kprobe_multi,
		};

		err = attempt(&r);
		if (err != -EAGAIN)
			return err;
		pt_ladder_unload(tr);
		if (backend != PT_BACKEND_AUTO) {
			pt_err("cannot use backend %s: %s", pt_backend_name(backend), r.fell);
			return err;
		}
		/* Auto steps down a rung, keeping why. */
		pt_appendf(tr->fell, sizeof(tr->fell), "%s%s: %s", tr->fell[0] ? "; " : "",
			   pt_backend_name(level), r.fell);
		level++;
	}
}

void pt_ladder_unload(struct pt_tracer *tr)
{
	while (tr->nr_links)
		bpf_link__destroy(tr->links[--tr->nr_links]);
	while (tr->nr_fds)
		close(tr->fds[--tr->nr_fds]);
	memset(tr->nf_stage, 0, sizeof(tr->nf_stage));
	pt_mark("detached");
	pathtrace_bpf__destroy(tr->skel);
	tr->skel = NULL;
}
