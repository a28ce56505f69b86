/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journeys' latency histograms, built in userspace from each journey's
 * stages: one per transition between consecutive stages seen, one per
 * whole way (first stage -> last). --report's page draws them; the TCP
 * demo prints its data segments' with the --hist printers.
 */
#ifndef PT_JHIST_H
#define PT_JHIST_H

#include <stdbool.h>
#include <stdint.h>
#include "hist.h"
#include "output.h"
#include "stages.h"

/* One transition's histogram, or one whole way's. */
struct pt_jhist {
	struct pt_hist h;
	uint64_t reordered;	/* negative times, not counted */
};

/* By view stage: [from][to]; NULL until a journey had it. */
struct pt_jhists {
	struct pt_jhist *step[PT_NR_VSTAGES][PT_NR_VSTAGES];
	struct pt_jhist *total[PT_NR_VSTAGES][PT_NR_VSTAGES];
};

/* A journey's @n stages @st (pt_journey_stages): added whole, or not at all (-ENOMEM). */
int pt_jhists_add(struct pt_jhists *s, const struct pt_stage_time *st, unsigned int n);
void pt_jhists_free(struct pt_jhists *s);
/* Whether @h has anything to show. */
bool pt_jhist_used(const struct pt_jhist *h);

/*
 * Rows for pt_hist_print_text/json (device @dev, @ifindex): the way out's
 * transitions in layer order, then its whole ways. @keys holds the rows'
 * names. Returns the rows written, at most @max.
 */
unsigned int pt_jhists_rows(const struct pt_jhists *s, const char *dev, uint32_t ifindex,
			    struct pt_hist_key *keys, struct pt_hist_view *rows, unsigned int max);

#endif
