/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An skb's key in the slot table: its address as a plain number, from a
 * typed pointer (tp_btf, fentry) or a plain address (kprobe).
 */
#ifndef PT_KEY_BPF_H
#define PT_KEY_BPF_H

#include "pt_config.bpf.h"

/*
 * An skb's key in the table: its address, less a fixed one (this
 * variable's). From tp_btf and fentry the skb is a typed pointer: the
 * verifier allows no arithmetic on it, nor copying it out as a number
 * without a helper call (a probe read), but a privileged program may
 * subtract one pointer from another, which gives a plain number.
 * From a kprobe it is a number already: the base is read as one.
 */
__u8 pt_key_base SEC(".bss");

static __always_inline __u64 pt_key(const void *skb)
{
	return (__u64)skb - (__u64)&pt_key_base;
}

/* Pointer @p as a number (a copy of it read back: a helper call). */
static __always_inline __u64 pt_ptr_num(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

/* The base as a number, for keys from plain addresses. */
static __always_inline __u64 pt_key_base_raw(void)
{
	return pt_ptr_num(&pt_key_base);
}

/* The key of a plain skb address (a kprobe's argument). */
static __always_inline __u64 pt_key_raw(const void *skb)
{
	return (__u64)skb - pt_key_base_raw();
}

#endif /* PT_KEY_BPF_H */
