// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include "dynlib.h"
#include "filter.h"

#define PCAP_FNS(X) X(pcap_open_dead) X(pcap_compile) X(pcap_geterr) X(pcap_freecode) X(pcap_close)
PT_DL_LIB(libpcap, PT_PCAP_SONAME, PCAP_FNS)

/* Classic BPF as the kernel's struct sock_filter lays it out (cbpf.c). */
_Static_assert(sizeof(struct bpf_insn) == 8, "libpcap's bpf_insn is the kernel's sock_filter");

/* Packets as long as the kernel makes them: the verdicts only say keep or not. */
#define PT_FILTER_SNAPLEN 262144

int pt_filter_compile(struct pt_filter *f, const char *expr, bool tap, char *err, size_t errlen)
{
	struct bpf_program prog;
	int ret = 0;
	pcap_t *p;

	pt_filter_free(f);
	f->tap = tap;
	if (!expr || !*expr)
		return 0;
	if (libpcap_open(err, errlen))
		return -ELIBACC;
	p = PT_DL(libpcap, pcap_open_dead)(tap ? DLT_EN10MB : DLT_RAW, PT_FILTER_SNAPLEN);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (PT_DL(libpcap, pcap_compile)(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s", PT_DL(libpcap, pcap_geterr)(p));
		PT_DL(libpcap, pcap_close)(p);
		return -EINVAL;
	}
	f->insns = malloc(prog.bf_len * sizeof(struct bpf_insn));
	if (f->insns) {
		memcpy(f->insns, prog.bf_insns, prog.bf_len * sizeof(struct bpf_insn));
		f->len = prog.bf_len;
		f->expr = expr;
	} else {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	PT_DL(libpcap, pcap_freecode)(&prog);
	PT_DL(libpcap, pcap_close)(p);
	return ret;
}

bool pt_filter_on(const struct pt_filter *f)
{
	return f->len || pt_filter_by_proc(f);
}

bool pt_filter_by_proc(const struct pt_filter *f)
{
	return f->nr_pids || (f->comm && *f->comm);
}

bool pt_filter_proc_match(const struct pt_filter *f, uint32_t pid, const char *comm)
{
	for (unsigned int i = 0; i < f->nr_pids; i++)
		if (f->pids[i] == pid)
			return true;
	return f->comm && *f->comm && !strncmp(f->comm, comm, 16);
}

void pt_filter_free(struct pt_filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
	f->expr = NULL;
}
