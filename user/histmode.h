/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --hist in userspace: our reads' transitions added at each read (from
 * the stamps the kernel left), a foreign reader's read out of the kernel
 * generation by generation, a print every interval (or at exit), and the
 * summary.
 */
#ifndef PT_HISTMODE_H
#define PT_HISTMODE_H

#include <stdbool.h>
#include <stdint.h>
#include "cli.h"
#include "echo.h"
#include "hist.h"
#include "output.h"
#include "tracer.h"
#include "run.h"
#include "tundev.h"

/* The transitions our reads can add: a kernel stage's to a later one, copy->user, total. */
#define PT_HIST_USER_ROWS \
	(PT_HIST_PCLASSES * (PT_NR_KSTAGES * (PT_NR_KSTAGES - 1) / 2 + 2))
_Static_assert(PT_HIST_USER_ROWS < 256, "pt_histmode.uidx: a row's index fits");

/* One histogram read out of the kernel, summed over CPUs. */
struct pt_hist_row {
	struct pt_hist_key key;
	struct pt_hist h;
};

struct pt_histmode {
	struct pt_run run;		/* what the modes share */
	uint64_t reads;			/* packets read */
	uint64_t iv_reads;		/* ... since the last print */
	uint64_t prints;
	uint64_t next;			/* CLOCK_MONOTONIC of the next print */
	uint64_t last;			/* ... and of the last one */
	uint64_t cnt[PT_NR_COUNTERS];	/* counters at the last print */
	/*
	 * Our reads' transitions since the last collect (the kernel adds a
	 * foreign reader's): urows' index + 1 by class, from and to (the whole
	 * way's from at PT_STAGE_USER), 0 for none yet
	 */
	uint8_t uidx[PT_HIST_PCLASSES][PT_NR_STAGES][PT_NR_STAGES];
	unsigned int nr_urows;
	uint64_t lost;			/* samples our reads lost (pt_hrec_for_each_step) */
	uint32_t stamp_seq;
	uint64_t exported_drops;	/* --metrics: drops handed over so far */
	uint64_t hdrops[PT_HDROP_ENTRIES];	/* ... by stage and reason */
	/* the histograms since the last print: nr_rows of rows */
	unsigned int nr_rows;
	struct pt_hist_row rows[PT_HIST_PER_GEN + 2 * PT_HIST_PCLASSES];
	struct pt_hist_row fresh[PT_HIST_PER_GEN + PT_HIST_USER_ROWS];	/* just taken */
	struct pt_hist_row urows[PT_HIST_USER_ROWS];	/* our reads', by uidx */
};

void pt_histmode_init(struct pt_histmode *m, const struct pt_run *run);
/* The first interval starts now. */
void pt_histmode_start(struct pt_histmode *m);
/*
 * A packet read at @t: its transitions, from the stamps the kernel left
 * (reader_stamp), and the two that end at @t, added to our rows.
 * False when a filter is on and it was not followed: not a read of the trace.
 */
bool pt_histmode_read(struct pt_histmode *m, uint64_t t);
/* Between reads: the interval's print, if due; --metrics' update, if due. */
void pt_histmode_tick(struct pt_histmode *m);
/* Milliseconds until the next print or --metrics update (100 if there is none). */
int pt_histmode_timeout(const struct pt_histmode *m, uint64_t now);
/*
 * At exit, the device closed: what came since the last print (everything,
 * without an interval) if the run @started, unless the count of prints is
 * already reached. Returns the packets still in flight.
 */
unsigned int pt_histmode_finish(struct pt_histmode *m, bool started);
void pt_histmode_summary(struct pt_histmode *m, unsigned int in_flight);

/*
 * The kernel's histograms filled since the last call (those with samples),
 * into @rows, at most @max (PT_HIST_PER_GEN holds them all), keyed for
 * device @ifindex; the kernel fills the other generation from now on.
 * Returns how many.
 */
int pt_histmode_take(struct pt_tracer *tr, unsigned int ifindex, struct pt_hist_row *rows,
		     unsigned int max);

#endif
