// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "pathtrace.skel.h"
#include "tracer.h"
#include "util.h"

/* The tracepoint backend's hooks. */
struct tp_hook {
	const char *tp;			/* tracepoint name */
	int stage;			/* stage it stamps; -1 for bookkeeping */
	bool required;			/* no journeys without it */
	struct bpf_program *(*prog)(struct pathtrace_bpf *s);
};

#define PROG(name) \
	static struct bpf_program *prog_##name(struct pathtrace_bpf *s) \
	{ return s->progs.name; }
PROG(tp_sys_enter)
PROG(tp_fib_table_lookup)
PROG(tp_net_dev_queue)
PROG(tp_net_dev_start_xmit)
PROG(tp_skb_copy_datagram_iovec)
PROG(tp_consume_skb)
PROG(tp_kfree_skb)

static const struct tp_hook tp_hooks[] = {
	{ "sys_enter", PT_STAGE_SYSCALL, false, prog_tp_sys_enter },
	{ "fib_table_lookup", PT_STAGE_ROUTE, false, prog_tp_fib_table_lookup },
	{ "net_dev_queue", PT_STAGE_QUEUE, true, prog_tp_net_dev_queue },
	{ "net_dev_start_xmit", PT_STAGE_DRIVER, false, prog_tp_net_dev_start_xmit },
	{ "skb_copy_datagram_iovec", PT_STAGE_COPY, false, prog_tp_skb_copy_datagram_iovec },
	{ "consume_skb", -1, true, prog_tp_consume_skb },
	{ "kfree_skb", -1, true, prog_tp_kfree_skb },
};
#define NR_TP_HOOKS (sizeof(tp_hooks) / sizeof(tp_hooks[0]))
_Static_assert(NR_TP_HOOKS <= PT_MAX_LINKS, "raise PT_MAX_LINKS");

/* Stages no tracepoint reaches, and why. */
static const char *const tp_blind[PT_NR_STAGES] = {
	[PT_STAGE_L4] = "no tracepoint in udp_sendmsg/ping_v4_sendmsg/raw_sendmsg; needs fentry or kprobe",
	[PT_STAGE_IP] = "no tracepoint in ip_output; needs fentry or kprobe",
	[PT_STAGE_XMIT] = "no tracepoint where dev_hard_start_xmit starts (net_dev_start_xmit fires after the taps, at the driver); needs fentry or kprobe",
};

static int handle_event(void *ctx, void *data, size_t size)
{
	struct pt_tracer *tr = ctx;

	if (size < sizeof(struct pt_event))
		return 0;
	tr->cb(data, tr->ctx);
	return 0;
}

static bool have_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

static int set_rodata(struct pathtrace_bpf *s, const struct pt_target *tgt)
{
	s->rodata->targ_ifindex = tgt->ifindex;
	s->rodata->targ_netns = tgt->netns;
	for (unsigned int i = 0; i < pt_nr_send_syscalls; i++) {
		long nr = pt_send_syscalls[i].nr;

		if (nr < 0 || nr >= PT_SYSCALL_BITMAP_WORDS * 64)
			return -ERANGE;
		s->rodata->send_syscalls[nr / 64] |= 1ULL << (nr % 64);
	}
	return 0;
}

int pt_tracer_open(struct pt_tracer *tr, const struct pt_target *tgt,
		   pt_event_fn cb, void *ctx)
{
	bool on[NR_TP_HOOKS];
	unsigned int i;
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->cb = cb;
	tr->ctx = ctx;
	tr->backend = "tracepoint";

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		pt_err("kernel has no BTF (/sys/kernel/btf/vmlinux): pathtrace needs a "
		       "kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}
	tr->btf = btf__load_vmlinux_btf();
	if (!tr->btf) {
		err = -errno;
		pt_err("cannot read the kernel's BTF: %s", strerror(errno));
		return err;
	}

	tr->skel = pathtrace_bpf__open();
	if (!tr->skel) {
		err = -errno;
		pt_err("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	err = set_rodata(tr->skel, tgt);
	if (err) {
		pt_err("syscall numbers of this architecture do not fit the BPF bitmap");
		goto fail;
	}

	/* What this kernel offers: a hook without its tracepoint stays off. */
	for (i = 0; i < NR_TP_HOOKS; i++) {
		const struct tp_hook *h = &tp_hooks[i];

		on[i] = have_tracepoint(tr->btf, h->tp);
		if (!on[i] && h->required) {
			pt_err("this kernel has no %s tracepoint: cannot follow packets",
			       h->tp);
			err = -ENOENT;
			goto fail;
		}
		bpf_program__set_autoload(h->prog(tr->skel), on[i]);
	}

	err = pathtrace_bpf__load(tr->skel);
	if (err) {
		pt_err("cannot load the BPF programs: %s%s", strerror(-err),
		       err == -EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" :
		       " (run with -v for the verifier's log)");
		goto fail;
	}

	for (i = 0; i < PT_NR_STAGES; i++) {
		if (tp_blind[i]) {
			tr->view.state[i] = PT_UNSEEN;
			tr->view.why[i] = tp_blind[i];
		}
	}
	tr->view.state[PT_STAGE_NEIGH] = PT_NA;
	tr->view.why[PT_STAGE_NEIGH] = "a TUN device has no link layer";
	tr->view.state[PT_STAGE_USER] = PT_SEEN;

	for (i = 0; i < NR_TP_HOOKS; i++) {
		const struct tp_hook *h = &tp_hooks[i];
		struct bpf_link *link;

		if (on[i]) {
			link = bpf_program__attach(h->prog(tr->skel));
			if (link) {
				tr->links[tr->nr_links++] = link;
				continue;
			}
			err = -errno;
			if (h->required) {
				pt_err("cannot attach to tracepoint %s: %s", h->tp,
				       strerror(-err));
				goto fail;
			}
			pt_warn("cannot attach to tracepoint %s: %s", h->tp,
				strerror(-err));
		}
		if (h->stage >= 0) {
			tr->view.state[h->stage] = PT_UNSEEN;
			tr->view.why[h->stage] = on[i] ? "its tracepoint could not be attached"
						       : "its tracepoint is not in this kernel";
		}
	}

	tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events), handle_event,
				  tr, NULL);
	if (!tr->rb) {
		err = -errno;
		pt_err("cannot set up the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	pt_tracer_close(tr);
	return err;
}

void pt_tracer_describe(const struct pt_tracer *tr)
{
	pt_info("backend: %s", tr->backend);
	for (int s = 0; s < PT_NR_STAGES; s++) {
		if (tr->view.state[s] == PT_UNSEEN)
			pt_info("unseen: %s: %s", pt_stage_name(s), tr->view.why[s]);
		else if (tr->view.state[s] == PT_NA)
			pt_info("n/a: %s: %s", pt_stage_name(s), tr->view.why[s]);
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
		if (bpf_map__lookup_elem(tr->skel->maps.counters, &k, sizeof(k), vals,
					 sizeof(vals), 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
}

unsigned int pt_tracer_in_flight(const struct pt_tracer *tr)
{
	__u64 key, next, *prev = NULL;
	unsigned int n = 0;

	if (!tr->skel)
		return 0;
	while (!bpf_map__get_next_key(tr->skel->maps.skbs, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

const char *pt_tracer_drop_reason(const struct pt_tracer *tr, uint32_t reason)
{
	static const char prefix[] = "SKB_DROP_REASON_";
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	if (!tr->btf)
		return NULL;
	id = btf__find_by_name_kind(tr->btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id <= 0)
		return NULL;
	t = btf__type_by_id(tr->btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		if ((uint32_t)e->val == reason) {
			const char *n = btf__name_by_offset(tr->btf, e->name_off);

			if (n && !strncmp(n, prefix, sizeof(prefix) - 1))
				n += sizeof(prefix) - 1;
			return n;
		}
	}
	return NULL;
}

void pt_tracer_close(struct pt_tracer *tr)
{
	ring_buffer__free(tr->rb);
	tr->rb = NULL;
	while (tr->nr_links)
		bpf_link__destroy(tr->links[--tr->nr_links]);
	pathtrace_bpf__destroy(tr->skel);
	tr->skel = NULL;
	btf__free(tr->btf);
	tr->btf = NULL;
}
