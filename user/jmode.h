/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journey mode (everything but --hist): the kernel's records joined with
 * the reads, each journey printed (and captured with -w, kept for
 * --report, counted for the demo), the drops tallied, and the summary.
 */
#ifndef PT_JMODE_H
#define PT_JMODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bookkeep.h"
#include "cli.h"
#include "demo.h"
#include "echo.h"
#include "journey.h"
#include "output.h"
#include "pcapng.h"
#include "report.h"
#include "tracer.h"
#include "run.h"
#include "tundev.h"

struct pt_jmode {
	struct pt_run run;		/* what the modes share */
	struct pt_joiner joiner;
	uint64_t printed;		/* journeys so far */
	struct pt_drops drops;
	struct pt_explained explained;
	struct pt_demo_tally tally;
	/* demo tcp: journeys held to be printed together, in order (PT_DEMO_HOLD_*) */
	struct {
		struct pt_journey j;
		struct pt_print_ctx pc;
		bool held;
	} held[PT_DEMO_HELD];
	bool held_out;			/* printed */
	struct pt_pcap pcap;		/* -w */
	bool pcap_open;
	struct pt_hold hold;
	struct pt_report *report;	/* --report: every journey, written at exit */
	FILE *report_f;
};

void pt_jmode_init(struct pt_jmode *m, const struct pt_run *run);
/* The journeys' way out (pt_emit_fn): print, capture, count. */
void pt_jmode_emit(const struct pt_journey *j, void *m);
/* The kernel's records (pt_event_fn). */
void pt_jmode_event(const struct pt_event *ev, void *m);

/* -w's and --report's files, made before the device (a refused path must not cost one). 0 or -1. */
int pt_jmode_open_files(struct pt_jmode *m);
/* -w: the capture's interface, once the device is known. 0 or -1. */
int pt_jmode_capture_start(struct pt_jmode *m);
/* --report: its collection, once the backend is known. 0 or -1. */
int pt_jmode_report_start(struct pt_jmode *m);
/*
 * The files at exit: written if the run @started, else removed (a failed
 * start leaves nothing behind). 0 or -1.
 */
int pt_jmode_close_files(struct pt_jmode *m, bool started);

/*
 * A packet read: @len bytes at @t, joined with its kernel record. False
 * when it is not followed (a filter left it out): not a read of the trace.
 */
bool pt_jmode_read(struct pt_jmode *m, const uint8_t *p, size_t len, uint64_t t);
uint64_t pt_jmode_reads(const struct pt_jmode *m);
/* Between reads: records handed over, what waited too long given up, output flushed. */
void pt_jmode_tick(struct pt_jmode *m);

/* Stopping, before the device is closed: what is freed from now on was left unread. */
void pt_jmode_reader_stops(struct pt_jmode *m, bool started);
/* After the device is closed: the last records, all waits ended. Returns what is in flight. */
unsigned int pt_jmode_finish(struct pt_jmode *m, bool started);
/* (demo tcp: first the journeys held, and the data segments' histograms.) */
void pt_jmode_summary(struct pt_jmode *m, unsigned int in_flight);
/* The demo's closing summary, unless it was @cut short by a stop. 0 or -1. */
int pt_jmode_demo_summary(struct pt_jmode *m, bool cut);

#endif
