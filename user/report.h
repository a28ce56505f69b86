/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --report FILE.html: one self-contained HTML page (inline CSS and SVG, no
 * script, nothing fetched) with a waterfall of each journey's stages and
 * per-layer latency histograms, tx and rx apart.
 */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include <stdio.h>
#include "journey.h"
#include "output.h"

/*
 * Waterfall rows drawn: the first journeys only (a flood makes hundreds of
 * thousands; a browser chokes long before). Every journey still goes into
 * the histograms and the counts.
 */
#define PT_REPORT_MAX_ROWS 2000

struct pt_report;

/* NULL on out of memory. @dev and @backend are copied. */
struct pt_report *pt_report_new(const char *dev, const char *backend);
/*
 * Keep what the report needs of one journey (a compact copy: @j is not
 * kept). c->seq is its number, c->drop_reason its drop reason's name.
 * Returns 0 or -ENOMEM.
 */
int pt_report_add(struct pt_report *r, const struct pt_journey *j,
		  const struct pt_print_ctx *c);
/* Write the whole HTML document to @out; 0 or -errno (ferror). */
int pt_report_write(struct pt_report *r, FILE *out);
void pt_report_free(struct pt_report *r);

#endif
