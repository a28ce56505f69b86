// SPDX-License-Identifier: GPL-2.0
/*
 * The packet filter's placeholder (bpf/pt_filter.bpf.h) in a syscall
 * program: tests/bpf/logic_filter.c writes a translated pcap-filter
 * expression over it before load, then runs it on packets of its own
 * through BPF_PROG_TEST_RUN. The packet goes into the tracer's own
 * struct pt_fbuf map value, as its programs put it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "pt_filter.bpf.h"
#include "filter_test.h"

char LICENSE[] SEC("license") = "GPL";

SEC("syscall")
int filter_run(struct pt_filter_ctx *c)
{
	__u32 zero = 0, caplen = c->caplen;
	struct pt_fbuf *f = bpf_map_lookup_elem(&fbufs, &zero);
	__u64 v;

	if (!f)
		return 1;
	f->caplen = caplen < PT_FILTER_CAP ? caplen : PT_FILTER_CAP;
	f->wirelen = c->wirelen;
	__builtin_memcpy(f->pkt, c->pkt, PT_FILTER_CAP);
	v = (__u64)f;
	PT_FILTER_RUN(v, f->pkt);
	/* Through a pointer the compiler knows nothing of: see logic.bpf.c. */
	asm volatile("" : "+r"(c));
	c->verdict = v != 0;
	return 0;
}
