// SPDX-License-Identifier: GPL-2.0
/* libpcap as the filter cases' reference: see pcapref.h. */
#include <stdio.h>
#include <stdlib.h>
#include <pcap/pcap.h>
#include "pcapref.h"

/* struct sock_filter's layout, which user/cbpf.c reads. */
_Static_assert(sizeof(struct bpf_insn) == 8 && __builtin_offsetof(struct bpf_insn, jt) == 2 &&
	       __builtin_offsetof(struct bpf_insn, k) == 4, "pcap's bpf_insn is sock_filter");

struct ref_prog {
	struct bpf_program bp;
};

struct ref_prog *ref_compile(enum ref_link link, const char *expr, char *err, size_t errlen)
{
	pcap_t *pc = pcap_open_dead(link == REF_TAP ? DLT_EN10MB : DLT_RAW, 262144);
	struct ref_prog *p = calloc(1, sizeof(*p));

	if (!pc || !p) {
		snprintf(err, errlen, "pcap_open_dead: out of memory");
		goto fail;
	}
	if (pcap_compile(pc, &p->bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "pcap_compile: %s", pcap_geterr(pc));
		goto fail;
	}
	pcap_close(pc);
	return p;
fail:
	if (pc)
		pcap_close(pc);
	free(p);
	return NULL;
}

const void *ref_insns(const struct ref_prog *p, unsigned int *n)
{
	*n = p->bp.bf_len;
	return p->bp.bf_insns;
}

unsigned int ref_filter(const struct ref_prog *p, const unsigned char *pkt,
			unsigned int caplen, unsigned int wirelen)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = wirelen };

	return (unsigned int)pcap_offline_filter(&p->bp, &h, pkt);
}

void ref_free(struct ref_prog *p)
{
	if (!p)
		return;
	pcap_freecode(&p->bp);
	free(p);
}
