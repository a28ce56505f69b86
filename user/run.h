/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run's modes share, set up by main(): the options, the device, the
 * tracer, where output goes, --echo's answers, --relay, the flag that ends the
 * run, and the filters. Journey mode and --hist each keep a copy of these pointers.
 */
#ifndef PT_RUN_H
#define PT_RUN_H

#include <stdbool.h>
#include "cli.h"
#include "echo.h"
#include "filter.h"
#include "metrics.h"
#include "output.h"
#include "relay.h"
#include "tracer.h"
#include "tundev.h"

struct pt_run {
	const struct pt_opts *o;
	const struct pt_tun *tun;
	struct pt_tracer *tr;
	struct pt_sink *out;
	struct pt_echo *echo;		/* its way in also serves --relay's */
	struct pt_relay *relay;
	bool *stop;			/* set to end the run */
	const struct pt_filter *filter;	/* what is followed */
	struct pt_metrics *metrics;	/* --metrics (used only with o->metrics) */
};

#endif
