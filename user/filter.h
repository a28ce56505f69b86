/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user picked out of the device's traffic: a pcap-filter
 * expression, compiled by libpcap for the device's link type, and the
 * processes of --pid and --comm. The kernel decides with them (the
 * expression translated by cbpf.c), except on the way in, whose reading
 * process is known only at its end, where userspace decides.
 */
#ifndef PT_FILTER_USER_H
#define PT_FILTER_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sock_filter;

struct pt_filter {
	const char *expr;		/* NULL: every packet */
	bool tap;			/* compiled (or to be) for Ethernet frames, not IP */
	struct sock_filter *insns;	/* classic BPF, as libpcap compiled it */
	unsigned int len;
	const uint32_t *pids;		/* --pid */
	unsigned int nr_pids;
	const char *comm;		/* --comm, NULL: none */
};

/*
 * Compile @expr ("" or NULL: none) for a TAP device's frames (@tap) or a
 * TUN device's packets. On a bad expression, libpcap's message goes into
 * @err and -EINVAL is returned; -ELIBACC if libpcap cannot be opened.
 */
int pt_filter_compile(struct pt_filter *f, const char *expr, bool tap, char *err, size_t errlen);
/* Whether anything is left out at all. */
bool pt_filter_on(const struct pt_filter *f);
/* Whether --pid or --comm was given. */
bool pt_filter_by_proc(const struct pt_filter *f);
/* Whether process @pid, named @comm, is one of --pid's or --comm's. */
bool pt_filter_proc_match(const struct pt_filter *f, uint32_t pid, const char *comm);
void pt_filter_free(struct pt_filter *f);

#endif
