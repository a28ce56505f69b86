// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's life: the kernel probed (probe.c), the programs loaded and
 * attached by the ladder (ladder.c), the ring buffer read, the maps read
 * out at exit, everything undone.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tracer.h"	/* first: the skeleton uses its types */
#include "pathtrace.skel.h"
#include "ladder.h"
#include "util.h"

static void unload(struct pt_tracer *tr)
{
	ring_buffer__free(tr->rb);
	tr->rb = NULL;
	pt_ladder_unload(tr);
	pt_mark("unloaded");
}

/*
 * The kernel's BTF is parsed twice on the way in: by us, to probe and plan
 * (probe.c), then by libbpf, to load (its relocations), once our copy is
 * freed. On this VM the first touch of a page costs about 10 us, 4 KiB or
 * 2 MiB alike, and those parses touch some 3 000 fresh pages: most of the
 * start-up's time was there. So, until the programs are loaded:
 * - large blocks come from the heap, and what is freed stays there, for
 *   libbpf's parse to reuse the pages ours touched (glibc would hand each
 *   5.5 MB back to the kernel at once, and map fresh pages for the next);
 * - the first 8 MiB of the heap's top, where the next blocks come from,
 *   are in huge pages where the kernel's transparent huge pages allow it
 *   ("madvise" or "always"; else nothing changes). 8 MiB is what our parse
 *   fills and libbpf's reuses, so the peak is as it was; 12 took
 *   it to the edge of 16 MiB (16 376 kB), 16 past it (17 684).
 * Then glibc's defaults are back, the heap is trimmed, and the span is
 * marked for no huge pages: left as it was, khugepaged would in time fold
 * any 2 MiB of it that still holds a page in use into a whole huge page,
 * and the resident size would jump by up to 2 MiB while tracing (it did,
 * in a soak: 7 380 kB to 9 380). So those 8 MiB of our heap stay out of
 * huge pages for the run, whatever the system's policy ("always"
 * included): the tracer's footprint stays flat.
 */
static void heap_keep(bool keep)
{
	const size_t huge = 2 << 20, span = 8 << 20;
	const int dflt = 128 * 1024;	/* M_MMAP_THRESHOLD's and M_TRIM_THRESHOLD's */
	static uintptr_t at;	/* the span's start, 0 if none was marked */
	char *top;

	mallopt(M_MMAP_THRESHOLD, keep ? 32 << 20 : dflt);	/* 32 MiB: glibc's most */
	mallopt(M_TRIM_THRESHOLD, keep ? 64 << 20 : dflt);
	if (!keep) {
		malloc_trim(0);
		/* Where the heap no longer reaches, it fails for that part only */
		if (at)
			madvise((void *)at, span, MADV_NOHUGEPAGE);
		at = 0;
		return;
	}
	/* A block freed at once: back into the heap's top, untouched. */
	at = 0;
	top = malloc(span + huge);
	if (top) {
		at = ((uintptr_t)top + huge - 1) & ~(uintptr_t)(huge - 1);
		/* EINVAL: no THP, nothing marked; else what was, unmarked later */
		if (madvise((void *)at, span, MADV_HUGEPAGE) && errno == EINVAL)
			at = 0;
		free(top);
	}
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct pt_tracer *tr = ctx;

	if (size >= sizeof(struct pt_event))
		tr->cb(data, tr->ctx);
	return 0;
}

int pt_tracer_open(struct pt_tracer *tr, const struct pt_trace_cfg *cfg,
		   pt_event_fn cb, void *ctx)
{
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->cb = cb;
	tr->ctx = ctx;

	heap_keep(true);
	err = pt_kernel_open(&tr->kern, cfg->btf_path);
	if (err) {
		heap_keep(false);
		return err;	/* it cleaned up after itself */
	}
	err = pt_ladder_run(tr, cfg);
	heap_keep(false);
	if (err)
		goto fail;
	pt_mark("attached");

	tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events), handle_event,
				  tr, NULL);
	if (!tr->rb) {
		err = -errno;
		pt_err("cannot set up the ring buffer: %s", strerror(errno));
		goto fail;
	}
	tr->rx = cfg->rx;
	pt_mark("ring buffer mapped");
	return 0;
fail:
	pt_tracer_close(tr);
	return err ? err : -EINVAL;
}

void pt_tracer_describe(const struct pt_tracer *tr)
{
	if (tr->fell[0])
		pt_info("backend: %s (%s)", pt_backend_name(tr->backend), tr->fell);
	else
		pt_info("backend: %s", pt_backend_name(tr->backend));
	for (int s = 0; s < PT_NR_VSTAGES; s++) {
		const char *dir = s >= PT_NR_STAGES ? "rx " : "";

		if (tr->how[s][0])
			pt_info("stage %s%s: %s", dir, pt_stage_name(s), tr->how[s]);
		else if (tr->view.state[s] == PT_UNSEEN)
			pt_info("unseen: %s%s: %s", dir, pt_stage_name(s), tr->view.why[s]);
		else if (tr->view.state[s] == PT_NA)
			pt_info("n/a: %s%s: %s", dir, pt_stage_name(s), tr->view.why[s]);
	}
	/* What the kernel's BPF lacks costs, where it is not a stage */
	if (tr->kern.feat.known && !tr->kern.feat.drop_reason)
		pt_info("drops: no reason given (kfree_skb's tracepoint has it from Linux 5.17)");
	if (tr->kern.feat.known && !tr->kern.feat.atomic_cas)
		pt_info("no BPF compare-and-swap (Linux 5.12+): two CPUs first seeing two "
			"packets of one table set at once may take one slot, one record lost "
			"uncounted");
	if (tr->how[PT_H_TCP_WRITE][0])
		pt_info("tcp writes: %s", tr->how[PT_H_TCP_WRITE]);
	else
		pt_info("tcp writes: unseen (%s): TCP data sent outside its write() names "
			"the socket's owner, not its writer", tr->why[PT_H_TCP_WRITE]);
}

int pt_tracer_epoll_fd(const struct pt_tracer *tr)
{
	return ring_buffer__epoll_fd(tr->rb);
}

int pt_tracer_drain(struct pt_tracer *tr)
{
	return tr->rb ? ring_buffer__consume(tr->rb) : 0;
}

bool pt_tracer_reader_unfollowed(const struct pt_tracer *tr)
{
	return tr->skel && *(volatile __u8 *)&tr->skel->bss->reader_unfollowed;
}

/*
 * The packet-socket tap's stamps no driver stage took, one per CPU at most:
 * a packet the tap saw last on its CPU whose driver stage went unseen (or,
 * while packets flow, is a few instructions away).
 */
static uint64_t tap_left(const struct pt_tracer *tr, int ncpu)
{
	struct pt_tap vals[ncpu];
	uint32_t zero = 0;
	uint64_t n = 0;

	memset(vals, 0, sizeof(vals));
	if (!tr->skel->rodata->xmit_tapped || bpf_map__lookup_elem(tr->skel->maps.tap_stash, &zero, sizeof(zero),
						vals, sizeof(vals), 0))
		return 0;
	for (int c = 0; c < ncpu; c++)
		n += vals[c].ts != 0;
	return n;
}

void pt_tracer_counters(const struct pt_tracer *tr, uint64_t out[PT_NR_COUNTERS])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1];

	memset(out, 0, PT_NR_COUNTERS * sizeof(out[0]));
	if (!tr->skel || ncpu <= 0)
		return;
	for (uint32_t k = 0; k < PT_NR_COUNTERS; k++) {
		/* Filled by the kernel; zeroed for tools (valgrind) that cannot know. */
		memset(vals, 0, sizeof(vals));
		if (bpf_map__lookup_elem(tr->skel->maps.counters, &k, sizeof(k), vals,
					 sizeof(vals), 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	out[PT_CNT_XMIT_UNSEEN] += tap_left(tr, ncpu);
}

uint64_t pt_tracer_report_skipped(const struct pt_tracer *tr)
{
	const char *worst = NULL;
	uint64_t sum = 0, max = 0;
	struct bpf_program *p;

	if (!tr->skel)
		return 0;
	bpf_object__for_each_program(p, tr->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		sum += info.recursion_misses;
		if (info.recursion_misses > max) {
			max = info.recursion_misses;
			worst = bpf_program__name(p);
		}
	}
	if (sum)
		pt_warn("%" PRIu64 " runs of pathtrace's programs skipped by the kernel (a program "
			"nested in itself; %" PRIu64 " of them %s's): the packets they missed may be "
			"counted wrong", sum, max, worst);
	return sum;
}

int pt_tracer_hdrops(const struct pt_tracer *tr, uint64_t out[PT_HDROP_ENTRIES])
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	static uint32_t keys[PT_HDROP_ENTRIES];
	uint32_t next, n = PT_HDROP_ENTRIES;
	int err;

	memset(out, 0, PT_HDROP_ENTRIES * sizeof(out[0]));
	if (!tr->skel)
		return -ENOENT;
	/* The whole array in one call (ENOENT: its end reached). */
	err = bpf_map_lookup_batch(bpf_map__fd(tr->skel->maps.hdrops), NULL, &next, keys, out,
				   &n, &opts);
	return err && errno != ENOENT ? -errno : 0;
}

unsigned int pt_tracer_left(const struct pt_tracer *tr, pt_event_fn rx_cb, void *ctx)
{
	const size_t len = PT_SKB_SETS * sizeof(struct pt_skb_set);
	const struct pt_skb_set *sets;
	struct pt_skb_set set;
	struct pt_slot rec = { 0 };
	struct pt_hrec h;
	unsigned int n = 0;

	if (!tr->skel)
		return 0;
	/*
	 * The sets read where they are (the map is mmapable): a lookup each
	 * was 4096 system calls, about 25 ms of the exit.
	 */
	sets = mmap(NULL, len, PROT_READ, MAP_SHARED, bpf_map__fd(tr->skel->maps.skb_sets), 0);
	for (__u32 i = 0; i < PT_SKB_SETS; i++) {
		if (sets != MAP_FAILED)
			set = sets[i];
		else if (bpf_map__lookup_elem(tr->skel->maps.skb_sets, &i, sizeof(i), &set,
					      sizeof(set), 0))
			continue;
		for (__u32 w = 0; w < PT_SKB_WAYS; w++) {
			__u32 k = pt_slot_idx(i, w);

			if (!set.skb[w])
				continue;
			if (tr->skel->rodata->hist_mode) {
				/* --hist's slots stay owned: is the record live? */
				if (!bpf_map__lookup_elem(tr->skel->maps.hrecs, &k, sizeof(k),
							  &h, sizeof(h), 0) &&
				    pt_hrec_live(&h, set.skb[w]))
					n++;
			} else if (rx_cb && !bpf_map__lookup_elem(tr->skel->maps.skbs, &k, sizeof(k),
								  &rec, sizeof(rec), 0) &&
				   (rec.ev.flags & PT_EV_RX)) {
				rx_cb(&rec.ev, ctx);
			} else {
				n++;
			}
		}
	}
	if (sets != MAP_FAILED)
		munmap((void *)sets, len);
	return n;
}

const char *pt_tracer_func_name(const struct pt_tracer *tr, enum pt_stage stage,
				uint64_t ip)
{
	return pt_kernel_func_name(&tr->kern, stage, ip);
}

const char *pt_tracer_drop_reason(const struct pt_tracer *tr, uint32_t reason)
{
	return reason < PT_MAX_DROP_REASONS ? tr->kern.drop_names[reason] : NULL;
}

void pt_tracer_close(struct pt_tracer *tr)
{
	unload(tr);
	pt_kernel_close(&tr->kern);
}
