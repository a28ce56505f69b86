/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel offers, found out before anything is loaded: its
 * BTF (and tun's module BTF), where /proc/kallsyms puts the hooks'
 * functions, the names of drop reasons, and the BPF features the attach
 * ladder's rungs need, probed with libbpf's probing API.
 */
#ifndef PT_PROBE_H
#define PT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hooks.h"
#include "standin.h"	/* the netfilter program type, for the probe */

#define PT_MAX_DROP_REASONS 512

/* Measured once at open. */
struct pt_features {
	bool known;		/* the probes could run: false without privileges */
	bool tracing;		/* fentry programs load (BPF_PROG_TYPE_TRACING) */
	bool kprobe;		/* kprobe programs load */
	bool kprobe_attach;	/* kprobes can be made: the kprobe PMU, or kprobe_events */
	bool kprobe_multi;	/* kprobe.multi links (a kernel with fprobe) */
	bool ringbuf;		/* BPF_MAP_TYPE_RINGBUF (Linux 5.8): every mode needs it */
	/*
	 * Helpers the BPF side does without where the kernel lacks them (it
	 * tells by CO-RE, these by the same BTF): bpf_task_pt_regs (5.15),
	 * bpf_get_current_task_btf (5.11), bpf_get_func_ip (5.15).
	 */
	bool task_regs;
	bool task_btf;
	bool func_ip;
	bool atomic_cas;	/* BPF's atomic compare-and-swap (Linux 5.12) */
	bool drop_reason;	/* kfree_skb's tracepoint gives the reason (Linux 5.17) */
	bool skb_bytes;		/* tp_btf programs load an skb's bytes through skb->data */
	bool nf_links;		/* netfilter BPF programs load (their links: Linux 6.4+) */
	/* cgroup programs that may read the thread id (bpf_get_current_pid_tgid) */
	bool cg_sock_addr;	/* cgroup/sendmsg4 and 6 */
	bool cg_skb;		/* cgroup_skb (Linux 6.10+) */
};

struct pt_kernel {
	const char *btf_path;		/* --btf, or NULL: /sys/kernel/btf/vmlinux */
	struct btf *btf;		/* the kernel's, while the ladder plans a rung */
	struct btf *mod_btf;		/* module tun's, if it has one (split on btf) */
	int mod_btf_err;		/* why not: 0 (not looked for yet) or -errno */
	struct { bool listed; uint64_t addr; } ksym[PT_NR_FN_HOOKS][PT_MAX_FNS];
	bool ksym_scanned;		/* ksym read from /proc/kallsyms */
	char *drop_names[PT_MAX_DROP_REASONS];	/* copied out of btf */
	struct pt_features feat;
};

/*
 * The kernel's BTF (from @btf_path if given), drop reasons, features. A
 * kernel without the map types every rung needs is an error. Reports its
 * own errors. 0 or -errno.
 */
int pt_kernel_open(struct pt_kernel *k, const char *btf_path);
void pt_kernel_close(struct pt_kernel *k);
/*
 * Free the kernel's BTF (about 6 MB parsed), before a skeleton load
 * parses its own copy; parsed again if a later rung asks.
 */
void pt_kernel_drop_btf(struct pt_kernel *k);

/*
 * The cgroup v2 hierarchy's root directory, opened (close-on-exec), where
 * it is mounted or else mounted nowhere for us alone; -1 with why in @why.
 */
int pt_cgroup2_open(char *why, size_t len);

/* Does tp_btf/@tp exist? */
bool pt_kernel_has_tracepoint(struct pt_kernel *k, const char *tp);
/* Does @fn have BTF, so fentry can attach? Else why not, in @why. */
bool pt_kernel_fn_has_btf(struct pt_kernel *k, const char *fn, char *why, size_t len);
/*
 * Where /proc/kallsyms puts each candidate (not listed: no kprobe);
 * addresses are 0 where the kernel hides them. Once.
 */
void pt_kernel_scan_kallsyms(struct pt_kernel *k);
/* The function of @stage's hook at address @ip, or NULL. */
const char *pt_kernel_func_name(const struct pt_kernel *k, int stage, uint64_t ip);

#endif
