/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attach ladder, behind pt_tracer_open: per rung (fentry -> kprobe ->
 * tracepoint) decide from the probed features and the hook table what to
 * load, load it, attach, and say what serves each stage.
 */
#ifndef PT_LADDER_H
#define PT_LADDER_H

#include "tracer.h"

/*
 * Load and attach with cfg->backend (PT_BACKEND_AUTO: the best per hook,
 * stepping down a rung the kernel refuses as a whole, keeping why in
 * tr->fell). tr->kern must be open. Reports its own errors. 0 or -errno.
 */
int pt_ladder_run(struct pt_tracer *tr, const struct pt_trace_cfg *cfg);
/* Detach and unload what pt_ladder_run loaded. */
void pt_ladder_unload(struct pt_tracer *tr);

#endif
