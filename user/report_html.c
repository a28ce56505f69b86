// SPDX-License-Identifier: GPL-2.0
/*
 * --report FILE.html. One page that needs nothing else: inline CSS, inline
 * SVG, no script, no font or image to fetch (it is opened from a lab
 * machine, a mail, an archive).
 *
 * Which time is userspace's: the stages are instants, a bar spans from one
 * stage to the next. The syscall stage is the send entering the kernel, so
 * every bar after it is kernel time, but the one that ends at the user
 * stage: from the copy in the reader's read() to the reader's own clock
 * once read() returned. Only that bar is drawn as userspace (it holds the
 * end of read() too: no stamp splits the two; a foreign reader's user
 * stage is its read()'s sys_exit). On the way in there is no user stage:
 * the writer's write() entering is the first stage, the receiver's copy
 * the last, all kernel in between.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hist.h"
#include "packet.h"
#include "report_int.h"
#include "stages.h"
#include "util.h"

/*
 * @s (at most @max bytes) as HTML text or attribute value. Bytes that are
 * not printable ASCII show as \xNN: comm is whatever a process set.
 */
static void esc(FILE *out, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (ch < 0x20 || ch >= 0x7f)
				fprintf(out, "\\x%02x", ch);
			else
				fputc(ch, out);
		}
	}
}

/* printf, then escaped. */
static void escf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void escf(FILE *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	esc(out, buf, sizeof(buf));
}

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222;background:#fff}\n"
	"h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 8px;"
	"border-bottom:1px solid #ccc}h3{font-size:14px;margin:4px 0}\n"
	"table.meta th{text-align:left;padding-right:12px;font-weight:600}\n"
	".note{color:#555}.capped{font-weight:600;color:#8a4b00}\n"
	"div.row{margin:0 0 6px}\n"
	".lbl{font:12px/1.3 monospace;white-space:pre-wrap;word-break:break-all}\n"
	"svg text{font:10px monospace}\n"
	".trk{fill:#f2f2f2}.mk{fill:#222}\n"
	".k0 rect{fill:#2f62a8}.k1 rect{fill:#5f8fd2}.u rect{fill:#e8912d}.x rect{fill:#c0392b}\n"
	".k0 text,.k1 text,.x text{fill:#fff}.u text,.tot{fill:#222}\n"
	".st-dropped,.st-unread,.st-unfinished{color:#b00;font-weight:600}.st-unjoined{color:#8a4b00}\n"
	".hists{display:flex;flex-wrap:wrap;gap:12px}\n"
	".hist{border:1px solid #ddd;border-radius:4px;padding:6px 10px}\n"
	".hist p{margin:0 0 4px;font-size:12px}\n"
	".hb{fill:#2f62a8}.hu{fill:#e8912d}.ht{fill:#666}\n";

/* Waterfall geometry (px): the bars' width, then room for the total. */
#define WF_BAR 800
#define WF_W 900
#define WF_H 18

static double wf_x(int64_t v, int64_t lo, int64_t span)
{
	return span > 0 ? (double)(v - lo) * WF_BAR / (double)span : 0;
}

static void row_label(FILE *out, const struct rrow *w)
{
	char sum[96], src[64], dst[64], d[32];

	pt_flow_summary(&w->flow, sum, sizeof(sum));
	pt_flow_addrs(&w->flow, src, dst, sizeof(src));
	escf(out, "#%" PRIu64 " %s %s %s -> %s, %u bytes, ", w->seq, w->rx ? "rx" : "tx",
	     sum, src, dst, w->len);
	fprintf(out, "<span class=\"st-%s\">", pt_jstatus_name(w->status));
	esc(out, w->status_text, sizeof(w->status_text));
	fputs("</span>", out);
	if (w->sender)
		escf(out, "; %s by %.16s pid %u with %s()", w->rx ? "written" : "sent",
		     w->comm, w->pid, pt_syscall_name(w->syscall_nr) ?: "?");
	else
		escf(out, w->rx ? "; writer unknown" : "; sender unknown (not sent from a syscall)");
	if (w->copied)
		escf(out, "; %s by %.16s pid %u%s", w->rx ? "received" : "read()",
		     w->copy_comm, w->copy_pid, w->clone ? " (a raw socket's clone)" : "");
	if (w->have_rt)
		escf(out, "; round trip of #%" PRIu64 ": %s", w->rt_req_seq,
		     pt_fmt_dur(d, sizeof(d), (int64_t)w->rt_total_ns));
}

/* One bar: from the stage before @k to stage @k. */
static void row_bar(FILE *out, const struct rrow *w, unsigned int k, int64_t lo, int64_t span)
{
	int64_t delta = w->off[k] - w->off[k - 1];
	double x0 = wf_x(w->off[k - 1], lo, span), x1 = wf_x(w->off[k], lo, span), bw;
	const char *name = pt_stage_name(w->stage[k]);
	bool user = w->stage[k] == PT_STAGE_USER;
	const struct pt_step *step = pt_stage_step(w->stage[k], &w->flow);
	const char *cls = delta < 0 ? "x" : user ? "u" : k & 1 ? "k0" : "k1";
	char d[32], text[48];

	if (x1 < x0) {
		double t = x0;

		x0 = x1;
		x1 = t;
	}
	bw = x1 - x0 < 1 ? 1 : x1 - x0;
	pt_fmt_dur(d, sizeof(d), delta);
	fprintf(out, "<g class=\"%s\"><title>", cls);
	escf(out, "%s -> %s (%s %s): %s%s", pt_stage_name(w->stage[k - 1]), name,
	     step->step, step->title, d,
	     delta < 0 ? " (stamped before the stage before it)" :
	     user ? " (userspace: read() returning to the reader)" : " (kernel)");
	fprintf(out, "</title><rect x=\"%.1f\" y=\"1\" width=\"%.1f\" height=\"%d\"/>",
		x0, bw, WF_H - 2);
	/* A label where it fits: 6 px a character at 10 px monospace. */
	snprintf(text, sizeof(text), "%s %s", name, d);
	if (strlen(text) * 6 + 6 > bw)
		snprintf(text, sizeof(text), "%s", name);
	if (strlen(text) * 6 + 6 <= bw) {
		fprintf(out, "<text x=\"%.1f\" y=\"%d\">", x0 + 3, WF_H - 5);
		esc(out, text, sizeof(text));
		fputs("</text>", out);
	}
	fputs("</g>", out);
}

static void row_write(FILE *out, const struct rrow *w)
{
	int64_t lo = 0, hi = 0, span;
	char d[32];

	for (unsigned int k = 0; k < w->n; k++) {
		if (w->off[k] < lo)
			lo = w->off[k];
		if (w->off[k] > hi)
			hi = w->off[k];
	}
	span = hi - lo;
	fprintf(out, "<div class=\"row\" data-dir=\"%s\"><div class=\"lbl\">", w->rx ? "rx" : "tx");
	row_label(out, w);
	fprintf(out, "</div><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">"
		"<rect class=\"trk\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
		WF_W, WF_H, WF_W, WF_H, WF_BAR, WF_H);
	if (w->n) {
		fprintf(out, "<rect class=\"mk\" x=\"%.1f\" y=\"0\" width=\"2\" height=\"%d\">"
			"<title>", wf_x(0, lo, span), WF_H);
		escf(out, "%s: the first stage seen", pt_stage_name(w->stage[0]));
		fputs("</title></rect>", out);
	}
	for (unsigned int k = 1; k < w->n; k++)
		row_bar(out, w, k, lo, span);
	fprintf(out, "<text class=\"tot\" x=\"%d\" y=\"%d\">", WF_BAR + 6, WF_H - 5);
	if (w->n > 1)
		escf(out, "total %s", pt_fmt_dur(d, sizeof(d), w->off[w->n - 1]));
	else
		escf(out, w->n ? "one stage" : "no stage");
	fputs("</text></svg></div>\n", out);
}

static void legend(FILE *out)
{
	fputs("<svg width=\"900\" height=\"20\" viewBox=\"0 0 900 20\">"
	      "<rect class=\"mk\" x=\"0\" y=\"3\" width=\"2\" height=\"14\"/>"
	      "<text x=\"6\" y=\"14\">first stage</text>"
	      "<g class=\"k0\"><rect x=\"90\" y=\"3\" width=\"10\" height=\"14\"/></g>"
	      "<g class=\"k1\"><rect x=\"100\" y=\"3\" width=\"10\" height=\"14\"/></g>"
	      "<text x=\"114\" y=\"14\">kernel (a shade a stage)</text>"
	      "<g class=\"u\"><rect x=\"270\" y=\"3\" width=\"20\" height=\"14\"/></g>"
	      "<text x=\"294\" y=\"14\">userspace: copy -&gt; user, read() returning "
	      "to the reader</text>"
	      "<g class=\"x\"><rect x=\"640\" y=\"3\" width=\"20\" height=\"14\"/></g>"
	      "<text x=\"664\" y=\"14\">stamped before the stage before it</text>"
	      "</svg>\n", out);
}

/* Histogram geometry (px): bucket labels, then the bars. */
#define H_LBL 150
#define H_BAR 260
#define H_ROW 14

static void hist_write(FILE *out, const char *name, const struct pt_jhist *rh, const char *bar)
{
	const struct pt_hist *h = &rh->h;
	int first, last;
	uint64_t b[64], top;
	char d[5][24];

	pt_hist_log2(h, b);
	pt_hist_log2_range(b, &first, &last, &top);
	fputs("<div class=\"hist\"><h3>", out);
	esc(out, name, SIZE_MAX);
	fputs("</h3><p>", out);
	escf(out, "count %" PRIu64 ", p50 %s, p90 %s, p99 %s, max %s, avg %s", (uint64_t)h->count,
	     pt_fmt_dur(d[0], sizeof(d[0]), (int64_t)pt_hist_percentile(h, 0.50)),
	     pt_fmt_dur(d[1], sizeof(d[1]), (int64_t)pt_hist_percentile(h, 0.90)),
	     pt_fmt_dur(d[2], sizeof(d[2]), (int64_t)pt_hist_percentile(h, 0.99)),
	     pt_fmt_dur(d[3], sizeof(d[3]), (int64_t)h->max),
	     pt_fmt_dur(d[4], sizeof(d[4]), h->count ? (int64_t)(h->sum / h->count) : 0));
	fputs("</p>", out);
	if (rh->reordered)
		fprintf(out, "<p class=\"note\">%" PRIu64 " not counted: the later stage was "
			"stamped before the earlier one</p>", rh->reordered);
	if (first >= 0) {
		int rows = last - first + 1;

		fprintf(out, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>",
			H_LBL + H_BAR + 80, (rows + 1) * H_ROW + 4, H_LBL + H_BAR + 80,
			(rows + 1) * H_ROW + 4);
		esc(out, name, SIZE_MAX);
		fprintf(out, "</title><text x=\"%d\" y=\"11\" text-anchor=\"end\">nsecs</text>"
			"<text x=\"%d\" y=\"11\">count</text>", H_LBL - 6, H_LBL);
		for (int k = first; k <= last; k++) {
			uint64_t lo = k ? (uint64_t)1 << k : 0, hi = ((uint64_t)2 << k) - 1;
			double w = top ? (double)b[k] * H_BAR / (double)top : 0;
			int y = (k - first + 1) * H_ROW + 2;

			if (b[k] && w < 1)
				w = 1;
			fprintf(out, "<g><title>%" PRIu64 " -&gt; %" PRIu64 " ns: %" PRIu64
				"</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%" PRIu64
				" -&gt; %" PRIu64 "</text><rect class=\"%s\" x=\"%d\" y=\"%d\" "
				"width=\"%.1f\" height=\"%d\"/><text x=\"%.1f\" y=\"%d\">%" PRIu64
				"</text></g>",
				lo, hi, b[k], H_LBL - 6, y + 10, lo, hi, bar, H_LBL, y + 1, w,
				H_ROW - 2, H_LBL + w + 4, y + 10, b[k]);
		}
		fputs("</svg>", out);
	}
	fputs("</div>\n", out);
}

static uint64_t dir_total(const struct pt_report *r, bool rx)
{
	uint64_t n = 0;

	for (int s = 0; s <= PT_J_UNFINISHED; s++)
		n += r->counts[rx][s];
	return n;
}

/* The histograms of one direction; false if it had none. */
static bool hists_dir(FILE *out, const struct pt_report *r, bool rx)
{
	int lo = PT_VSTAGE_FIRST(rx), end = PT_VSTAGE_END(rx);
	bool any = false;
	char name[64];

	for (int a = lo; a < end; a++)
		for (int b = lo; b < end; b++)
			any |= pt_jhist_used(r->hists.step[a][b]) ||
			       pt_jhist_used(r->hists.total[a][b]);
	if (!any)
		return false;
	fprintf(out, "<h3>The way %s: %" PRIu64 " journeys</h3>\n",
		rx ? "in (rx)" : "out (tx)", dir_total(r, rx));
	fputs("<div class=\"hists\">\n", out);
	for (int a = lo; a < end; a++)
		for (int b = lo; b < end; b++) {
			if (!pt_jhist_used(r->hists.step[a][b]))
				continue;
			snprintf(name, sizeof(name), "%s -> %s", pt_stage_name(a), pt_stage_name(b));
			hist_write(out, name, r->hists.step[a][b],
				   b == PT_STAGE_USER ? "hu" : "hb");
		}
	for (int a = lo; a < end; a++)
		for (int b = lo; b < end; b++) {
			if (!pt_jhist_used(r->hists.total[a][b]))
				continue;
			snprintf(name, sizeof(name), "total: %s -> %s", pt_stage_name(a),
				 pt_stage_name(b));
			hist_write(out, name, r->hists.total[a][b], "ht");
		}
	fputs("</div>\n", out);
	return true;
}

/* "tx: 3 read, 1 dropped". */
static void counts_text(FILE *out, const struct pt_report *r, bool rx)
{
	static const enum pt_jstatus order[] = {
		PT_J_READ, PT_J_DROPPED, PT_J_UNREAD, PT_J_UNJOINED, PT_J_UNFINISHED,
	};
	bool first = true;

	fprintf(out, "%s:", rx ? "rx" : "tx");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint64_t n = r->counts[rx][order[i]];
		const char *s = pt_jstatus_label(order[i], rx);

		if (!n)
			continue;
		fprintf(out, "%s %" PRIu64 " %s", first ? "" : ",", n, s);
		first = false;
	}
}

/* The stages of the directions traced that are @state, space-separated; false if none. */
static bool stage_list(FILE *out, const struct pt_report *r, enum pt_stage_state state)
{
	bool any = false;

	for (int rx = 0; rx < 2; rx++) {
		if (!dir_total(r, rx))
			continue;
		for (int s = PT_VSTAGE_FIRST(rx); s < PT_VSTAGE_END(rx); s++) {
			if (r->view[s] != state)
				continue;
			fprintf(out, "%s%s%s", any ? " " : "", rx ? "rx " : "", pt_stage_name(s));
			any = true;
		}
	}
	return any;
}

static void header(FILE *out, const struct pt_report *r)
{
	char when[64], now[64], d[32];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&r->t_new, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	localtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S %z", &tm);

	fputs("<h1>pathtrace: ", out);
	esc(out, r->dev, SIZE_MAX);
	fputs("</h1>\n<table class=\"meta\">\n<tr><th>device</th><td>", out);
	esc(out, r->dev, SIZE_MAX);
	fputs("</td></tr>\n<tr><th>backend</th><td>", out);
	esc(out, r->backend, SIZE_MAX);
	fprintf(out, "</td></tr>\n<tr><th>journeys</th><td>%" PRIu64, r->journeys);
	for (int rx = 0; rx < 2; rx++) {
		if (!dir_total(r, rx))
			continue;
		fputs(rx && dir_total(r, false) ? "; " : " (", out);
		counts_text(out, r, rx);
	}
	fprintf(out, "%s</td></tr>\n<tr><th>run</th><td>started %s, report written %s",
		r->journeys ? ")" : "", when, now);
	if (r->t_max > r->t_min)
		fprintf(out, "; the journeys' stages span %s",
			pt_fmt_dur(d, sizeof(d), (int64_t)(r->t_max - r->t_min)));
	fputs("</td></tr>\n", out);
	/* Said once here, as at start-up, rather than on every row. */
	if (r->have_view) {
		fputs("<tr><th>unseen</th><td>", out);
		if (!stage_list(out, r, PT_UNSEEN))
			fputs("none", out);
		fputs(" (this backend cannot observe them here)</td></tr>\n"
		      "<tr><th>n/a</th><td>", out);
		if (!stage_list(out, r, PT_NA))
			fputs("none", out);
		fputs(" (not on this path)</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

int pt_report_write(struct pt_report *r, FILE *out)
{
	bool tx, rx;

	errno = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>pathtrace report: ", out);
	esc(out, r->dev, SIZE_MAX);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	header(out, r);

	fputs("<h2>Journeys</h2>\n", out);
	if (!r->journeys) {
		fputs("<p class=\"note\">No packets: no journey was traced.</p>\n", out);
	} else {
		fputs("<p class=\"note\">One row per packet. Each row has its own time axis, "
		      "from the first stage the packet was seen at (left) to its last "
		      "(right), total on the right; a bar spans from one stage to the next, "
		      "named after the stage it ends at (hover for the times).</p>\n", out);
		legend(out);
		for (unsigned int i = 0; i < r->nr_rows; i++)
			row_write(out, &r->rows[i]);
		if (r->left_out)
			fprintf(out, "<p class=\"capped\">The first %u journeys are drawn: %" PRIu64
				" later ones are left out here (the counts and histograms have "
				"them all).</p>\n", r->nr_rows, r->left_out);
	}

	fputs("<h2>Latency per layer</h2>\n", out);
	fputs("<p class=\"note\">Each transition between two consecutive stages a packet "
	      "was seen at, and its whole way (first stage to last, one histogram per "
	      "pair: a dropped packet's way ends early), of every journey whatever became "
	      "of it, in log2 buckets of nanoseconds; percentiles from finer slots (four "
	      "per power of two), as --hist reads them.</p>\n", out);
	tx = hists_dir(out, r, false);
	rx = hists_dir(out, r, true);
	if (!tx && !rx)
		fputs("<p class=\"note\">No histograms: no journey was seen at two stages.</p>\n",
		      out);
	fputs("</body>\n</html>\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
