/* SPDX-License-Identifier: GPL-2.0 */
/* Per-layer latency histograms: percentiles and the bcc-style printers. */
#ifndef PT_HIST_USER_H
#define PT_HIST_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "pt_hist.h"

/*
 * The value at or below which a fraction @p of the samples lie: the top of
 * the slot where the count crosses p, never above the maximum seen.
 */
uint64_t pt_hist_percentile(const struct pt_hist *h, double p);

/* Counts per power of two (bcc's log2 buckets): out[k] holds [2^k, 2^(k+1)) (k=0: [0, 2)). */
void pt_hist_log2(const struct pt_hist *h, uint64_t out[64]);

/*
 * The used part of log2 buckets @b: first and last bucket with a count
 * (both -1 if none), and the largest count.
 */
void pt_hist_log2_range(const uint64_t b[64], int *first, int *last, uint64_t *top);

/* One histogram row to print. */
struct pt_hist_view {
	const char *dev;
	const struct pt_hist_key *key;
	const struct pt_hist *h;
};

/* What one interval had besides the histograms. */
struct pt_hist_interval {
	uint64_t t_ns;			/* CLOCK_REALTIME at its end */
	uint64_t len_ns;		/* its length */
	uint64_t reads, dropped, unread, lost;
};

void pt_hist_print_text(FILE *out, const struct pt_hist_interval *iv,
			const struct pt_hist_view *rows, unsigned int n, bool by_proto);
void pt_hist_print_json(FILE *out, const struct pt_hist_interval *iv,
			const struct pt_hist_view *rows, unsigned int n, bool by_proto);
/* Print order: by device, protocol, then the layer order of the transition, total last. */
int pt_hist_row_cmp(const void *a, const void *b);

#endif
