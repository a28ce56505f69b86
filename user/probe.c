// SPDX-License-Identifier: GPL-2.0
/* Kernel probing: BTF, kallsyms, BPF features (see probe.h). */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "probe.h"
#include "util.h"

/*
 * kprobe.multi, which libbpf 1.1 cannot probe: a do-nothing program linked
 * to udp_sendmsg (in every kernel) for a moment. A kernel without fprobe
 * refuses the link type (EOPNOTSUPP), one older than kprobe.multi the
 * attach type (EINVAL). Resolving a symbol it lacks failed with EINVAL
 * too in 5.18, which is why the symbol is a real one.
 */
static bool probe_kprobe_multi(void)
{
	static const char *const syms[] = { "udp_sendmsg" };
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	LIBBPF_OPTS(bpf_link_create_opts, co, .kprobe_multi.syms = (const char **)syms,
		    .kprobe_multi.cnt = 1);
	int prog, link, err;

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &lo);
	if (prog < 0)
		return false;
	link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &co);
	err = link < 0 ? -errno : 0;
	if (link >= 0)
		close(link);
	close(prog);
	return !err;
}

/*
 * Whether a kprobe can be made at all, where libbpf 1.1 makes one: with
 * the kprobe PMU, else by a line in kprobe_events (tracefs, or debugfs's
 * tracing). A kernel without CONFIG_KPROBES has neither, yet loads kprobe
 * programs: unprobed, the kprobe rung was loaded and verified in full, and
 * /proc/kallsyms read, only for every attach to fail (about 160 ms here).
 */
static bool probe_kprobe_attach(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", R_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", W_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", W_OK);
}

/* The byte offset of member @name of struct @type in @btf, or -1. */
static int member_offset(const struct btf *btf, const char *type, const char *name)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_member *m;
	const struct btf_type *t;

	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return (int)(btf_member_bit_offset(t, i) / 8);
	return -1;
}

/*
 * Whether a tp_btf program may load the bytes skb->data points at, a
 * pointer to char that older kernels give programs as a number only (6.18
 * gives it as read-only untrusted memory, at any offset): a program on
 * net_dev_queue that reads the first byte and one at an offset it found
 * there, loaded, never attached. Without it, packet bytes are copied
 * with bpf_probe_read_kernel (tens of ns a packet more).
 */
static bool probe_skb_bytes(const struct btf *btf)
{
	int data = btf ? member_offset(btf, "sk_buff", "data") : -1;
	int tp = btf ? btf__find_by_name_kind(btf, "btf_trace_net_dev_queue",
					      BTF_KIND_TYPEDEF) : -1;
	const struct bpf_insn insns[] = {
		/* r1 = ctx[0] (the skb); r1 = skb->data */
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1,
		  .off = (__s16)data },
		/* r0 = data[0] & 15; r1 += r0; r0 = data[r0] */
		{ .code = BPF_LDX | BPF_MEM | BPF_B, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1 },
		{ .code = BPF_ALU64 | BPF_AND | BPF_K, .dst_reg = BPF_REG_0, .imm = 15 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_X, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_B, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_RAW_TP);
	int prog;

	if (data < 0 || data > 0x7fff || tp <= 0)
		return false;
	lo.attach_btf_id = (__u32)tp;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), &lo);
	if (prog < 0)
		return false;
	close(prog);
	return true;
}

/*
 * Netfilter BPF programs (Linux 6.4+, CONFIG_NETFILTER_BPF_LINK): one that
 * lets every packet pass loads. Debian 12's libbpf and headers predate
 * them: the type and attach type by number.
 */
static bool probe_nf_links(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = PT_BPF_NETFILTER);
	int prog = bpf_prog_load(PT_BPF_PROG_TYPE_NETFILTER, NULL, "GPL", insns,
				 sizeof(insns) / sizeof(insns[0]), &lo);

	if (prog < 0)
		return false;
	close(prog);
	return true;
}

/* Where our mounts list a cgroup2 file system, into @buf; false if nowhere. */
static bool cgroup2_mounted(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[64], dir[200], type[32];
	bool found = false;

	if (!f)
		return false;
	while (!found && fscanf(f, "%63s %199s %31s %*[^\n]", dev, dir, type) == 3)
		found = !strcmp(type, "cgroup2");
	fclose(f);
	if (found)
		snprintf(buf, len, "%s", dir);
	return found;
}

/*
 * The cgroup2 file system, mounted nowhere (fsopen, fsmount: Linux 5.2):
 * `ip netns exec` runs us with a /sys of its own, without the cgroup file
 * systems mounted under it. The mount goes with its last descriptor.
 */
static int cgroup2_detached(void)
{
	int fs, mnt, fd = -1, err;

	fs = (int)syscall(__NR_fsopen, "cgroup2", 1 /* FSOPEN_CLOEXEC */);
	if (fs < 0)
		return -1;
	if (syscall(__NR_fsconfig, fs, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0) ||
	    (mnt = (int)syscall(__NR_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0)) < 0) {
		err = errno;
		close(fs);
		errno = err;
		return -1;
	}
	fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = errno;
	close(mnt);
	close(fs);
	errno = err;
	return fd;
}

int pt_cgroup2_open(char *why, size_t len)
{
	char dir[200];
	int fd;

	if (cgroup2_mounted(dir, sizeof(dir))) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			snprintf(why, len, "cannot open %.80s: %s", dir, strerror(errno));
		return fd;
	}
	fd = cgroup2_detached();
	if (fd < 0)
		snprintf(why, len, "no cgroup v2 hierarchy mounted, and none could be (%s)",
			 strerror(errno));
	return fd;
}

/*
 * BPF's atomic compare-and-swap (Linux 5.12), on the stack of a socket
 * filter. Older verifiers refuse the instruction wherever it stands.
 */
static bool probe_atomic_cas(void)
{
	const struct bpf_insn insns[] = {
		/* *(u64 *)(r10 - 8) = 0; r2 = r10 - 8; r0 = 0; r1 = 1 */
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .off = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		/* r0 = cmpxchg(r2, r0, r1) */
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1,
		  .imm = BPF_CMPXCHG },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
				 sizeof(insns) / sizeof(insns[0]), NULL);

	if (prog < 0)
		return false;
	close(prog);
	return true;
}

/* Whether enum @type of @btf has a value named @name. */
static bool btf_has_enum_value(const struct btf *btf, const char *type, const char *name)
{
	int id = btf ? btf__find_by_name_kind(btf, type, BTF_KIND_ENUM) : -1;
	const struct btf_type *t;
	const struct btf_enum *e;

	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return true;
	return false;
}

/* The number of arguments of tracepoint @tp (its btf_trace_ type's, less the context), or -1. */
static int tp_nr_args(const struct btf *btf, const char *tp)
{
	char name[128];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) : -1;
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	while (t && (btf_is_typedef(t) || btf_is_ptr(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? btf_vlen(t) - 1 : -1;
}

/* @btf: the kernel's own (its ids), or NULL; @types: the BTF CO-RE relocates against. */
static void probe_features(struct pt_features *f, const struct btf *btf,
			   const struct btf *types)
{
	memset(f, 0, sizeof(*f));
	/* Every rung needs tp_btf: if even raw tracepoints fail, the probes cannot tell. */
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) != 1)
		return;
	f->known = true;
	f->tracing = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACING, NULL) == 1;
	f->kprobe = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_KPROBE, NULL) == 1;
	f->kprobe_attach = probe_kprobe_attach();
	f->kprobe_multi = f->kprobe && f->kprobe_attach && probe_kprobe_multi();
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	/* As the BPF side tells them (CO-RE: the kernel's enum bpf_func_id). */
	f->task_regs = btf_has_enum_value(types, "bpf_func_id", "BPF_FUNC_task_pt_regs");
	f->task_btf = btf_has_enum_value(types, "bpf_func_id", "BPF_FUNC_get_current_task_btf");
	f->func_ip = btf_has_enum_value(types, "bpf_func_id", "BPF_FUNC_get_func_ip");
	f->atomic_cas = probe_atomic_cas();
	f->drop_reason = tp_nr_args(types, "kfree_skb") >= 3;
	f->skb_bytes = probe_skb_bytes(btf);
	f->nf_links = probe_nf_links();
	f->cg_sock_addr = libbpf_probe_bpf_helper(BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
						  BPF_FUNC_get_current_pid_tgid, NULL) == 1;
	f->cg_skb = libbpf_probe_bpf_helper(BPF_PROG_TYPE_CGROUP_SKB,
					    BPF_FUNC_get_current_pid_tgid, NULL) == 1;
	if (pt_verbose)
		pt_info("kernel: fentry %s, kprobe %s, kprobe.multi %s, netfilter links %s, "
			"cgroup sendmsg %s, cgroup_skb %s, packet bytes read %s, bpf_task_pt_regs %s, "
			"bpf_get_current_task_btf %s, bpf_get_func_ip %s, atomic compare-and-swap %s, "
			"kfree_skb's reason %s",
			f->tracing ? "yes" : "no",
			!f->kprobe ? "no" : f->kprobe_attach ? "yes" : "loads, cannot attach",
			f->kprobe_multi ? "yes" : "no", f->nf_links ? "yes" : "no",
			f->cg_sock_addr ? "yes" : "no", f->cg_skb ? "yes" : "no",
			f->skb_bytes ? "in place" : "by copy", f->task_regs ? "yes" : "no",
			f->task_btf ? "yes" : "no", f->func_ip ? "yes" : "no",
			f->atomic_cas ? "yes" : "no", f->drop_reason ? "yes" : "no");
}

/* A drop reason's name, without its prefix; NULL if it has none to show. */
static const char *drop_name(const struct btf *btf, const struct btf_enum *e)
{
	static const char prefix[] = "SKB_DROP_REASON_";
	const char *n = btf__name_by_offset(btf, e->name_off);

	if (!n || e->val < 0 || e->val >= PT_MAX_DROP_REASONS)
		return NULL;
	return strncmp(n, prefix, sizeof(prefix) - 1) ? n : n + sizeof(prefix) - 1;
}

/* The names of enum skb_drop_reason's values, copied: the BTF goes before the load. */
static void load_drop_reasons(struct pt_kernel *k)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id = btf__find_by_name_kind(k->btf, "skb_drop_reason", BTF_KIND_ENUM);

	if (id <= 0)
		return;
	t = btf__type_by_id(k->btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *n = drop_name(k->btf, e);

		if (n)
			k->drop_names[e->val] = strdup(n);	/* NULL if out of memory: unnamed */
	}
}

/*
 * The kernel's BTF, mapped (Linux 6.16 lets /sys/kernel/btf/vmlinux be)
 * and handed to libbpf as it is, as libbpf 1.6 does itself: libbpf 1.1
 * reads the file through sysfs, 4 KiB a call, into a buffer it then
 * copies. Mapped, the 5.5 MB are neither read nor held twice: about
 * 30 ms less here. NULL: not mappable (libbpf reads it then).
 */
static struct btf *map_vmlinux_btf(void)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	struct btf *btf = NULL;
	struct stat st;
	void *p;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0 && (uint64_t)st.st_size <= UINT32_MAX) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			btf = btf__new(p, (__u32)st.st_size);	/* a copy of its own */
			munmap(p, (size_t)st.st_size);
		}
	}
	close(fd);
	return btf;
}

static int load_btf(struct pt_kernel *k)
{
	const char *btf_path = k->btf_path;
	int err;

	if (btf_path) {
		/* Types and CO-RE relocations from this file (a kernel without its own BTF). */
		k->btf = btf__parse(btf_path, NULL);
		if (!k->btf) {
			err = -errno;
			pt_err("cannot read BTF from %s: %s", btf_path, strerror(errno));
			return err;
		}
		return 0;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		pt_err("kernel has no BTF (/sys/kernel/btf/vmlinux): pathtrace needs a "
		       "kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf PATH");
		return -ENOENT;
	}
	k->btf = map_vmlinux_btf();
	if (!k->btf)
		k->btf = btf__load_vmlinux_btf();
	if (!k->btf) {
		err = -errno;
		pt_err("cannot read the kernel's BTF: %s", strerror(errno));
		return err;
	}
	return 0;
}

int pt_kernel_open(struct pt_kernel *k, const char *btf_path)
{
	int err;

	memset(k, 0, sizeof(*k));
	k->btf_path = btf_path;
	err = load_btf(k);
	if (err)
		return err;
	load_drop_reasons(k);
	pt_mark("kernel btf indexed");
	probe_features(&k->feat, k->btf_path ? NULL : k->btf, k->btf);	/* ids: this kernel's only */
	pt_mark("kernel probed");
	if (k->feat.known && !k->feat.ringbuf) {
		pt_err("this kernel has no BPF ring buffer maps: pathtrace needs Linux 5.8 "
		       "or later");
		pt_kernel_close(k);
		return -EOPNOTSUPP;
	}
	return 0;
}

void pt_kernel_drop_btf(struct pt_kernel *k)
{
	/* The module's BTF is split on the kernel's: it goes first. */
	btf__free(k->mod_btf);
	k->mod_btf = NULL;
	k->mod_btf_err = 0;
	btf__free(k->btf);
	k->btf = NULL;
}

void pt_kernel_close(struct pt_kernel *k)
{
	pt_kernel_drop_btf(k);
	for (unsigned int i = 0; i < PT_MAX_DROP_REASONS; i++) {
		free(k->drop_names[i]);
		k->drop_names[i] = NULL;
	}
}

/* The kernel's BTF, parsed again if dropped (NULL if that fails: reported). */
static struct btf *kernel_btf(struct pt_kernel *k)
{
	if (!k->btf)
		load_btf(k);
	return k->btf;
}

bool pt_kernel_has_tracepoint(struct pt_kernel *k, const char *tp)
{
	struct btf *btf = kernel_btf(k);
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

/* The module a candidate lives in when it is not built in. */
static const char *fn_module(const char *fn)
{
	return strncmp(fn, "tun_", 4) ? NULL : "tun";
}

bool pt_kernel_fn_has_btf(struct pt_kernel *k, const char *fn, char *why, size_t len)
{
	const char *mod = fn_module(fn);

	if (!kernel_btf(k)) {
		snprintf(why, len, "%s: the kernel's BTF could not be read", fn);
		return false;
	}
	if (btf__find_by_name_kind(k->btf, fn, BTF_KIND_FUNC) > 0)
		return true;
	if (mod && !k->mod_btf && !k->mod_btf_err) {
		/* The kernel's list of BTF objects, split on the kernel's. */
		k->mod_btf = btf__load_module_btf(mod, k->btf);
		k->mod_btf_err = k->mod_btf ? 0 : -errno ?: -ENOENT;
	}
	if (mod && k->mod_btf && btf__find_by_name_kind(k->mod_btf, fn, BTF_KIND_FUNC) > 0)
		return true;
	if (mod && !k->mod_btf && k->mod_btf_err == -ENOENT)
		snprintf(why, len, "%s: module %s has no BTF (/sys/kernel/btf/%s)", fn, mod, mod);
	else if (mod && !k->mod_btf)
		snprintf(why, len, "%s: module %s's BTF: %s", fn, mod, strerror(-k->mod_btf_err));
	else
		snprintf(why, len, "%s: not in the kernel's BTF (inlined or absent)", fn);
	return false;
}

void pt_kernel_scan_kallsyms(struct pt_kernel *k)
{
	char line[512], name[256];
	FILE *f;

	if (k->ksym_scanned)
		return;
	memset(k->ksym, 0, sizeof(k->ksym));
	k->ksym_scanned = true;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (unsigned int h = 0; h < PT_NR_FN_HOOKS; h++)
			for (unsigned int i = 0; i < PT_MAX_FNS && pt_fn_hooks[h].fns[i]; i++)
				if (!strcmp(pt_fn_hooks[h].fns[i], name)) {
					k->ksym[h][i].listed = true;
					k->ksym[h][i].addr = addr;
				}
	}
	fclose(f);
}

const char *pt_kernel_func_name(const struct pt_kernel *k, int stage, uint64_t ip)
{
	/* An entry probe may report the address past the function's ENDBR. */
	for (unsigned int h = 0; ip && h < PT_NR_FN_HOOKS; h++) {
		/* TCP's l4 function is its write's hook */
		if (pt_fn_hooks[h].stage != stage &&
		    !(stage == PT_STAGE_L4 && pt_fn_hooks[h].stage == PT_H_TCP_WRITE))
			continue;
		for (unsigned int i = 0; i < PT_MAX_FNS && pt_fn_hooks[h].fns[i]; i++) {
			uint64_t a = k->ksym[h][i].addr;

			if (a && ip >= a && ip < a + 16)
				return pt_fn_hooks[h].fns[i];
		}
	}
	return NULL;
}
