/* SPDX-License-Identifier: GPL-2.0 */
/* --report's insides, shared by its collection (report.c) and its page (report_html.c). */
#ifndef PT_REPORT_INT_H
#define PT_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "jhist.h"
#include "packet.h"
#include "report.h"
#include "stages.h"

/* A waterfall row: what is drawn of a journey, nothing more (under 300 bytes). */
struct rrow {
	uint64_t seq;
	int64_t off[PT_NR_STAGES];	/* since the first stage seen, ns */
	uint8_t stage[PT_NR_STAGES];	/* view stages, layer order */
	uint8_t n;
	bool rx, sender, copied, clone, have_rt;
	enum pt_jstatus status;
	uint32_t len, pid, copy_pid;
	int32_t syscall_nr;
	uint64_t rt_req_seq, rt_total_ns;
	struct pt_flow flow;
	char comm[16], copy_comm[16];	/* as the kernel had them: no NUL when full */
	char status_text[48];
};

struct pt_report {
	char *dev, *backend;
	time_t t_new;			/* wall clock when the run started */
	uint64_t journeys;
	uint64_t counts[2][PT_J_UNFINISHED + 1];	/* [rx][status] */
	uint64_t t_min, t_max;		/* monotonic, over every stage seen */
	bool have_view;
	enum pt_stage_state view[PT_NR_VSTAGES];
	struct rrow *rows;
	unsigned int nr_rows, cap_rows;
	uint64_t left_out;		/* journeys past PT_REPORT_MAX_ROWS */
	struct pt_jhists hists;		/* both ways' */
};

#endif
