// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "jhist.h"

static struct pt_jhist *get(struct pt_jhist **h)
{
	if (!*h)
		*h = calloc(1, sizeof(**h));
	return *h;
}

static void put(struct pt_jhist *h, int64_t d)
{
	if (d < 0)
		h->reordered++;
	else
		pt_hist_put(&h->h, (uint64_t)d);
}

int pt_jhists_add(struct pt_jhists *s, const struct pt_stage_time *st, unsigned int n)
{
	/* What can fail first: a journey is counted whole or not at all. */
	for (unsigned int k = 1; k < n; k++)
		if (!get(&s->step[st[k - 1].stage][st[k].stage]))
			return -ENOMEM;
	if (n > 1 && !get(&s->total[st[0].stage][st[n - 1].stage]))
		return -ENOMEM;
	for (unsigned int k = 1; k < n; k++)
		put(s->step[st[k - 1].stage][st[k].stage], st[k].delta_ns);
	if (n > 1)
		put(s->total[st[0].stage][st[n - 1].stage], (int64_t)(st[n - 1].t_ns - st[0].t_ns));
	return 0;
}

void pt_jhists_free(struct pt_jhists *s)
{
	for (int a = 0; a < PT_NR_VSTAGES; a++)
		for (int b = 0; b < PT_NR_VSTAGES; b++) {
			free(s->step[a][b]);
			free(s->total[a][b]);
			s->step[a][b] = s->total[a][b] = NULL;
		}
}

bool pt_jhist_used(const struct pt_jhist *h)
{
	return h && (h->h.count || h->reordered);
}

unsigned int pt_jhists_rows(const struct pt_jhists *s, const char *dev, uint32_t ifindex,
			    struct pt_hist_key *keys, struct pt_hist_view *rows, unsigned int max)
{
	unsigned int n = 0;

	for (int total = 0; total < 2; total++)
		for (int a = 0; a < PT_NR_STAGES; a++)
			for (int b = 0; b < PT_NR_STAGES; b++) {
				const struct pt_jhist *h = total ? s->total[a][b] : s->step[a][b];
				__u8 from = (__u8)(total ? PT_HIST_TOTAL : a);

				if (n == max || !h || !h->h.count)
					continue;
				keys[n] = pt_hist_key_make(ifindex, 0, from, (__u8)b);
				rows[n] = (struct pt_hist_view){ .dev = dev, .key = &keys[n],
								 .h = &h->h };
				n++;
			}
	return n;
}
