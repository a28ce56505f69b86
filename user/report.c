// SPDX-License-Identifier: GPL-2.0
/* --report: what the page needs of each journey, collected as they come. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"
#include "util.h"

struct pt_report *pt_report_new(const char *dev, const char *backend)
{
	struct pt_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->dev = strdup(dev ? dev : "");
	r->backend = strdup(backend ? backend : "");
	if (!r->dev || !r->backend) {
		pt_report_free(r);
		return NULL;
	}
	r->t_new = time(NULL);
	return r;
}

void pt_report_free(struct pt_report *r)
{
	if (!r)
		return;
	pt_jhists_free(&r->hists);
	free(r->rows);
	free(r->dev);
	free(r->backend);
	free(r);
}

static void status_text(const struct pt_journey *j, const struct pt_print_ctx *c,
			char *buf, size_t len)
{
	buf[0] = '\0';
	pt_appendf(buf, len, "%s", pt_jstatus_label(j->status, j->rx));
	if (j->status == PT_J_UNJOINED)
		pt_appendf(buf, len, j->have_read ? ": no kernel record" :
						    ": copied, never read here");
	else if (j->status == PT_J_DROPPED && c->drop_reason)
		pt_appendf(buf, len, ": %s", c->drop_reason);
	else if (j->status == PT_J_DROPPED)
		pt_appendf(buf, len, ": reason %u", j->ev.drop_reason);
}

static void row_fill(struct rrow *w, const struct pt_journey *j,
		     const struct pt_print_ctx *c, const struct pt_stage_time *st,
		     unsigned int n)
{
	memset(w, 0, sizeof(*w));
	w->seq = c->seq;
	w->n = (uint8_t)n;
	for (unsigned int k = 0; k < n; k++) {
		w->stage[k] = (uint8_t)st[k].stage;
		w->off[k] = (int64_t)(st[k].t_ns - st[0].t_ns);
	}
	w->rx = j->rx;
	w->status = j->status;
	status_text(j, c, w->status_text, sizeof(w->status_text));
	w->len = j->have_read ? j->read_len : j->have_rt ? j->rt.len : j->ev.len;
	w->flow = j->flow;
	if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL)) {
		w->sender = true;
		w->pid = j->ev.pid;
		w->syscall_nr = j->ev.syscall_nr;
		memcpy(w->comm, j->ev.comm, sizeof(w->comm));
	}
	/* PT_RX_COPY and PT_STAGE_COPY are the same slot. */
	if (j->have_kernel && j->ev.ts[PT_STAGE_COPY]) {
		w->copied = true;
		w->clone = j->ev.flags & PT_EV_CLONE;
		w->copy_pid = j->ev.copy_pid;
		memcpy(w->copy_comm, j->ev.copy_comm, sizeof(w->copy_comm));
	}
	if (j->have_rt) {
		w->have_rt = true;
		w->rt_req_seq = j->rt.req_seq;
		w->rt_total_ns = j->rt.out_ns + j->rt.turn_ns + j->rt.in_ns;
	}
}

int pt_report_add(struct pt_report *r, const struct pt_journey *j,
		  const struct pt_print_ctx *c)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st);

	/* What can fail first: a journey is counted whole or not at all. */
	if (r->nr_rows < PT_REPORT_MAX_ROWS && r->nr_rows == r->cap_rows) {
		unsigned int cap = r->cap_rows ? 2 * r->cap_rows : 64;
		struct rrow *rows;

		if (cap > PT_REPORT_MAX_ROWS)
			cap = PT_REPORT_MAX_ROWS;
		rows = realloc(r->rows, cap * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		r->rows = rows;
		r->cap_rows = cap;
	}

	if (pt_jhists_add(&r->hists, st, n))
		return -ENOMEM;
	for (unsigned int k = 0; k < n; k++) {
		if (!r->t_min || st[k].t_ns < r->t_min)
			r->t_min = st[k].t_ns;
		if (st[k].t_ns > r->t_max)
			r->t_max = st[k].t_ns;
	}
	if (!r->have_view && c->view) {
		memcpy(r->view, c->view->state, sizeof(r->view));
		r->have_view = true;
	}
	r->journeys++;
	if ((unsigned int)j->status <= PT_J_UNFINISHED)
		r->counts[j->rx][j->status]++;
	if (r->nr_rows < PT_REPORT_MAX_ROWS)
		row_fill(&r->rows[r->nr_rows++], j, c, st, n);
	else
		r->left_out++;
	return 0;
}
