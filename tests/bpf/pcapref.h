/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpcap as the reference for the filter cases (tests/bpf/logic_filter.c),
 * in a file of its own: pcap/bpf.h and linux/bpf.h both define struct
 * bpf_insn.
 */
#ifndef PT_TEST_PCAPREF_H
#define PT_TEST_PCAPREF_H

#include <stddef.h>

enum ref_link { REF_TUN, REF_TAP };	/* DLT_RAW, DLT_EN10MB */

struct ref_prog;

/*
 * pcap_compile() of @expr for @link, snaplen 262144, optimized. NULL with
 * libpcap's reason in @err.
 */
struct ref_prog *ref_compile(enum ref_link link, const char *expr, char *err, size_t errlen);
/* Its classic BPF: the layout of struct sock_filter. */
const void *ref_insns(const struct ref_prog *p, unsigned int *n);
/* pcap_offline_filter() on a packet. */
unsigned int ref_filter(const struct ref_prog *p, const unsigned char *pkt,
			unsigned int caplen, unsigned int wirelen);
void ref_free(struct ref_prog *p);

#endif
