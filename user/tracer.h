/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side: probes the kernel (probe.c), loads the BPF object and
 * attaches what this kernel allows per hook (ladder.c: the ladder fentry ->
 * kprobe -> tracepoint), and hands the per-packet records over.
 */
#ifndef PT_TRACER_H
#define PT_TRACER_H

#include <stdint.h>
#include "probe.h"
#include "pathtrace.h"
#include "stages.h"
#include "pt_hist.h"
#include "filter.h"

#define PT_MAX_LINKS 64

typedef void (*pt_event_fn)(const struct pt_event *ev, void *ctx);

struct pt_tracer {
	struct pathtrace_bpf *skel;
	struct ring_buffer *rb;
	struct pt_kernel kern;		/* what the kernel offers */
	struct pt_stage_view view;
	enum pt_backend backend;	/* the rung of the ladder in use */
	char fell[256];			/* why higher rungs were not used */
	char how[PT_NR_HSLOTS][160];	/* what serves each stage (and TCP's records) */
	char why[PT_NR_HSLOTS][200];	/* why a stage is unseen */
	struct bpf_link *links[PT_MAX_LINKS];
	unsigned int nr_links;
	int fds[8];			/* netfilter links and the packet-socket tap (no libbpf call for them) */
	unsigned int nr_fds;
	bool nf_stage[PT_NR_HSLOTS];	/* a netfilter link serves the stage */
	pt_event_fn cb;
	void *ctx;
	bool rx;			/* the way in is followed too */
	bool udp_rx_seen;		/* a UDP socket's receive is (skb_consume_udp) */
};

/* What to trace and how. */
struct pt_trace_cfg {
	unsigned int ifindex;		/* the device */
	uint32_t netns;			/* its network namespace's inode */
	enum pt_backend backend;
	bool tap;			/* a link layer: the neigh stage applies */
	bool rx;			/* follow packets written into the device too */
	const char *btf_path;		/* the kernel's BTF from this file, not /sys */
	uint32_t foreign_tgid;		/* another reader's reads to follow, or 0 */
	bool hist;			/* aggregate in the kernel, no records */
	bool hist_by_proto;
	uint32_t reader_tgid;		/* --hist: whose read()s end a packet's way */
	const struct pt_filter *filter;	/* what is followed (NULL: everything) */
};

/*
 * Load and attach with cfg->backend (PT_BACKEND_AUTO: the best per hook). A
 * forced backend that cannot work is an error, never a fallback. Reports
 * its own errors. 0 or -errno.
 */
int pt_tracer_open(struct pt_tracer *tr, const struct pt_trace_cfg *cfg,
		   pt_event_fn cb, void *ctx);
/* The start-up lines: backend, what serves each stage, and what is unseen and why. */
void pt_tracer_describe(const struct pt_tracer *tr);
int pt_tracer_epoll_fd(const struct pt_tracer *tr);
/*
 * With a filter: whether the packet our reader's last read() copied was
 * not followed (left out by the filter, or never seen at its first
 * sighting). Shared memory: no syscall.
 */
bool pt_tracer_reader_unfollowed(const struct pt_tracer *tr);
/* Hand every pending record to the callback. */
int pt_tracer_drain(struct pt_tracer *tr);
void pt_tracer_counters(const struct pt_tracer *tr, uint64_t out[PT_NR_COUNTERS]);
/*
 * Runs of our programs the kernel skipped (bpf_prog_info's
 * recursion_misses: a program it did not nest in itself, consume_skb's
 * inside a consume_skb for one), warned about if any; their sum.
 */
uint64_t pt_tracer_report_skipped(const struct pt_tracer *tr);
/* --hist's drops by stage and reason (pt_hist.h): 0, or -errno. */
int pt_tracer_hdrops(const struct pt_tracer *tr, uint64_t out[PT_HDROP_ENTRIES]);
/*
 * At exit, the records still open: those of the way in (their end unseen)
 * go to @rx_cb, if given; the others are counted, and the count returned.
 */
unsigned int pt_tracer_left(const struct pt_tracer *tr, pt_event_fn rx_cb, void *ctx);
/* The function of @stage's hook at address @ip (from bpf_get_func_ip), or NULL. */
const char *pt_tracer_func_name(const struct pt_tracer *tr, enum pt_stage stage,
				uint64_t ip);
/* "FULL_RING" for SKB_DROP_REASON_FULL_RING, from the kernel's BTF; NULL if unknown. */
const char *pt_tracer_drop_reason(const struct pt_tracer *tr, uint32_t reason);
/* Detach and unload everything. */
void pt_tracer_close(struct pt_tracer *tr);

#endif
