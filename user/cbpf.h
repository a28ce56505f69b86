/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classic BPF (what libpcap compiles a pcap-filter expression into) to
 * eBPF, for the placeholder region of include/pt_filter.h. The code agrees
 * with libpcap's own interpreter (pcap_offline_filter): A and X are u32
 * and start at 0, a read past the packet's caplen or a division by X = 0
 * returns 0, a shift by X >= 32 gives 0.
 */
#ifndef PT_CBPF_H
#define PT_CBPF_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/filter.h>

/*
 * Translate the @n instructions of @c for a region whose struct pt_fbuf
 * pointer is in register @rb and the packet's first byte in @rp (two of
 * r6 to r9). The code goes on at out[@room] (the
 * caller fills what is left of the room with goto +0) with the verdict in
 * @rb. Returns the eBPF instructions written, or -1 with a one-line reason
 * in @err. @out NULL: only whether it translates and fits, and its length.
 */
int pt_cbpf_translate(const struct sock_filter *c, unsigned int n, int rb, int rp,
		      struct bpf_insn *out, unsigned int room, char *err, size_t errlen);

/* Leading packet bytes the program can read (at most PT_FILTER_CAP). */
unsigned int pt_cbpf_need(const struct sock_filter *c, unsigned int n);

/*
 * Write the translation of @c over every placeholder region in @insns.
 * Returns the regions patched (0: none), or -1 with the reason in @err
 * (a region not laid out as include/pt_filter.h says, or the program not
 * translatable); @insns may then be patched in part.
 */
int pt_cbpf_patch(struct bpf_insn *insns, size_t n, const struct sock_filter *c,
		  unsigned int cn, char *err, size_t errlen);

#endif
