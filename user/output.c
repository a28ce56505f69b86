// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include "output.h"
#include "packet.h"
#include "util.h"

const char *pt_jstatus_name(enum pt_jstatus s)
{
	switch (s) {
	case PT_J_READ: return "read";
	case PT_J_UNJOINED: return "unjoined";
	case PT_J_DROPPED: return "dropped";
	case PT_J_UNREAD: return "unread";
	case PT_J_UNFINISHED: return "unfinished";
	}
	return "?";
}

unsigned int pt_journey_stages(const struct pt_journey *j,
			       struct pt_stage_time st[PT_NR_STAGES])
{
	unsigned int n = 0;
	uint64_t prev = 0;

	for (int v = PT_VSTAGE_FIRST(j->rx); v < PT_VSTAGE_END(j->rx); v++) {
		int slot = pt_vstage_slot(v);
		uint64_t t = 0;

		if (slot < 0)
			t = j->have_read ? j->t_user : 0;
		else if (j->have_kernel)
			t = j->ev.ts[slot];
		if (!t)
			continue;
		st[n].stage = v;
		st[n].t_ns = t;
		st[n].delta_ns = prev ? (int64_t)(t - prev) : 0;
		prev = t;
		n++;
	}
	return n;
}

const char *pt_jstatus_label(enum pt_jstatus s, bool rx)
{
	return rx && s == PT_J_READ ? "received" : pt_jstatus_name(s);
}

static const char *status_name(const struct pt_journey *j)
{
	return pt_jstatus_label(j->status, j->rx);
}

void pt_json_str(FILE *out, const char *s, size_t max)
{
	fputc('"', out);
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void header_text(FILE *out, const struct pt_journey *j,
			const struct pt_print_ctx *c)
{
	char sum[96], src[64], dst[64];

	pt_flow_summary(&j->flow, sum, sizeof(sum));
	pt_flow_addrs(&j->flow, src, dst, sizeof(src));
	fprintf(out, "#%" PRIu64 " %s%s %s -> %s, %u bytes", c->seq, j->rx ? "rx " : "",
		sum, src, dst, j->have_read ? j->read_len : j->have_rt ? j->rt.len : j->ev.len);
	if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL))
		fprintf(out, ", %s by %.16s pid %u", j->rx ? "written" : "sent", j->ev.comm,
			j->ev.pid);
	else
		fprintf(out, j->rx ? ", writer unknown" : ", sender unknown (not sent from a syscall)");
	if (j->rx) {
		if (j->status == PT_J_DROPPED)
			fprintf(out, " [DROPPED: %s]", c->drop_reason ? c->drop_reason : "?");
		else if (j->status == PT_J_UNFINISHED)
			fprintf(out, " [UNFINISHED: still followed at exit; where it went is "
				"not seen from here]");
		else if (j->status != PT_J_READ)
			fprintf(out, " [NOT RECEIVED: freed without a copy to an application]");
		fputc('\n', out);
		return;
	}
	switch (j->status) {
	case PT_J_READ:
		break;
	case PT_J_UNJOINED:
		fprintf(out, j->have_read ? " [UNJOINED: no kernel record]" :
					    " [UNJOINED: copied in the kernel, never read here]");
		break;
	case PT_J_DROPPED:
		fprintf(out, " [DROPPED: %s]", c->drop_reason ? c->drop_reason : "?");
		break;
	case PT_J_UNREAD:
		fprintf(out, " [UNREAD: freed without being read%s]",
			j->have_kernel && j->ev.ts[PT_STAGE_DRIVER] ?
			", left in the device queue" : "");
		break;
	case PT_J_UNFINISHED:	/* the way in only */
		break;
	}
	fputc('\n', out);
}

void pt_print_journey_text(FILE *out, const struct pt_journey *j,
			   const struct pt_print_ctx *c)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st), k = 0;
	char d[32];

	header_text(out, j, c);
	for (int s = PT_VSTAGE_FIRST(j->rx); s < PT_VSTAGE_END(j->rx); s++) {
		const char *name = pt_stage_name(s);
		const struct pt_step *step = pt_stage_step(s, j->flow.family == PT_FAM_ARP);

		if (c->explain)
			fprintf(out, "  %-4s %-12s", step->step, step->title);
		if (k < n && st[k].stage == s) {
			fprintf(out, "  %-8s %10" PRIu64 ".%09" PRIu64 " %10s",
				name, st[k].t_ns / 1000000000, st[k].t_ns % 1000000000,
				k ? pt_fmt_dur(d, sizeof(d), st[k].delta_ns) : "");
			if (s == PT_STAGE_SYSCALL || s == PT_V_RX_SYSCALL)
				fprintf(out, "  %s()", pt_syscall_name(j->ev.syscall_nr) ?: "?");
			else if (s == PT_STAGE_L4 && c->l4_func)
				fprintf(out, "  %s()", c->l4_func);
			else if (s == PT_STAGE_COPY)
				fprintf(out, "  read() by %.16s pid %u", j->ev.copy_comm,
					j->ev.copy_pid);
			else if (s == PT_V_RX_COPY)
				fprintf(out, "  received by %.16s pid %u%s", j->ev.copy_comm,
					j->ev.copy_pid,
					j->ev.flags & PT_EV_CLONE ? " (a raw socket's clone)" : "");
			fputc('\n', out);
			k++;
		} else if (c->view->state[s] == PT_UNSEEN) {
			/* Why was said once at start-up. */
			fprintf(out, "  %-8s %20s\n", name, "unseen");
		} else if (c->view->state[s] == PT_NA) {
			fprintf(out, "  %-8s %20s\n", name, "n/a");
		} else {
			fprintf(out, "  %-8s %20s\n", name, "-");
		}
		if (c->explain_lines)
			fprintf(out, "  %19s%s\n", "",
				c->view->state[s] == PT_NA ? c->view->why[s] : step->text);
	}
	if (n > 1)
		fprintf(out, "%s  %-8s %31s  %s -> %s\n", c->explain ? "                   " : "",
			"total",
			pt_fmt_dur(d, sizeof(d), st[n - 1].t_ns - st[0].t_ns),
			pt_stage_name(st[0].stage), pt_stage_name(st[n - 1].stage));
	if (j->have_rt) {
		char o[32], t[32], i[32];

		fprintf(out, "%s  round trip of #%" PRIu64 ": out %s, in the reader %s, back %s: %s\n",
			c->explain ? "                   " : "", j->rt.req_seq, pt_fmt_dur(o, sizeof(o), (int64_t)j->rt.out_ns),
			pt_fmt_dur(t, sizeof(t), (int64_t)j->rt.turn_ns),
			pt_fmt_dur(i, sizeof(i), (int64_t)j->rt.in_ns),
			pt_fmt_dur(d, sizeof(d), (int64_t)(j->rt.out_ns + j->rt.turn_ns + j->rt.in_ns)));
	}
	fputc('\n', out);
}

void pt_journey_comment(const struct pt_journey *j, const struct pt_print_ctx *c,
			char *buf, size_t len)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st);
	bool unseen = false;
	char d[32];

	buf[0] = '\0';
	for (unsigned int k = 0; k < n; k++)
		pt_appendf(buf, len, "%s%s +%s", k ? ", " : "", pt_stage_name(st[k].stage),
			pt_fmt_dur(d, sizeof(d), st[k].delta_ns));
	if (n > 1)
		pt_appendf(buf, len, "; total %s", pt_fmt_dur(d, sizeof(d), st[n - 1].t_ns - st[0].t_ns));
	if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL))
		pt_appendf(buf, len, "; sent by %.16s pid %u with %s()", j->ev.comm, j->ev.pid,
			pt_syscall_name(j->ev.syscall_nr) ?: "?");
	else
		pt_appendf(buf, len, "; sender unknown");
	if (c->l4_func)
		pt_appendf(buf, len, " via %s()", c->l4_func);
	if (j->status != PT_J_READ)
		pt_appendf(buf, len, "; %s", status_name(j));
	for (int s = PT_VSTAGE_FIRST(j->rx); s < PT_VSTAGE_END(j->rx); s++) {
		if (c->view->state[s] != PT_UNSEEN)
			continue;
		pt_appendf(buf, len, "%s%s", unseen ? " " : "; unseen: ", pt_stage_name(s));
		unseen = true;
	}
}

static void stage_list_json(FILE *out, const char *key, bool rx,
			    const struct pt_stage_view *v, enum pt_stage_state want)
{
	bool first = true;

	fprintf(out, ",\"%s\":[", key);
	for (int s = PT_VSTAGE_FIRST(rx); s < PT_VSTAGE_END(rx); s++) {
		if (v->state[s] != want)
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",", pt_stage_name(s));
		first = false;
	}
	fputc(']', out);
}

void pt_print_journey_json(FILE *out, const struct pt_journey *j,
			   const struct pt_print_ctx *c)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st);
	const struct pt_flow *f = &j->flow;
	char src[64], dst[64];

	pt_flow_addrs(f, src, dst, sizeof(src));
	fprintf(out, "{\"seq\":%" PRIu64 ",\"status\":\"%s\",\"dir\":\"%s\",\"dev\":", c->seq,
		status_name(j), j->rx ? "rx" : "tx");
	pt_json_str(out, c->dev, SIZE_MAX);
	if (c->backend)
		fprintf(out, ",\"backend\":\"%s\"", c->backend);
	if (j->have_read)
		fprintf(out, ",\"len\":%u", j->read_len);
	else if (j->have_rt)
		fprintf(out, ",\"len\":%u", j->rt.len);	/* what the reader wrote */
	else
		fprintf(out, ",\"len\":null");
	if (j->have_kernel)
		fprintf(out, ",\"skb_len\":%u", j->ev.len);
	fprintf(out, ",\"proto\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\"",
		pt_flow_proto(f), src, dst);
	if (f->family == PT_FAM_IPV4)
		fprintf(out, ",\"ipid\":%u", f->ipid);
	if (f->family == PT_FAM_ARP) {
		char sha[18], tha[18];

		fprintf(out, ",\"arp\":{\"op\":\"%s\",\"sender_mac\":\"%s\",\"target_mac\":\"%s\"}",
			f->sport == 1 ? "request" : f->sport == 2 ? "reply" : "other",
			pt_mac_str(f->saddr + 4, sha, sizeof(sha)),
			pt_mac_str(f->daddr + 4, tha, sizeof(tha)));
	}
	if (f->family && (f->proto == PT_IPPROTO_ICMP || f->proto == PT_IPPROTO_ICMPV6))
		fprintf(out, ",\"icmp\":{\"type\":%u,\"code\":%u,\"id\":%u,\"seq\":%u}",
			f->icmp_type, f->icmp_code, f->sport, f->dport);
	else if (f->family && (f->proto == PT_IPPROTO_UDP || f->proto == PT_IPPROTO_TCP))
		fprintf(out, ",\"sport\":%u,\"dport\":%u", f->sport, f->dport);
	if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL)) {
		const char *sc = pt_syscall_name(j->ev.syscall_nr);

		fprintf(out, ",\"pid\":%u,\"tid\":%u,\"comm\":", j->ev.pid, j->ev.tid);
		pt_json_str(out, j->ev.comm, sizeof(j->ev.comm));
		fprintf(out, ",\"syscall\":");
		if (sc)
			pt_json_str(out, sc, SIZE_MAX);
		else
			fprintf(out, "null");
	} else {
		fprintf(out, ",\"pid\":null,\"tid\":null,\"comm\":null,\"syscall\":null");
	}
	if (c->l4_func) {
		fprintf(out, ",\"l4_func\":");
		pt_json_str(out, c->l4_func, SIZE_MAX);
	}
	if (j->have_kernel && j->ev.ts[PT_STAGE_COPY]) {
		/* On the way in the application that received it: a raw socket's clone, maybe. */
		fprintf(out, ",\"%s\":{\"pid\":%u,\"tid\":%u,\"comm\":",
			j->rx ? "receiver" : "reader", j->ev.copy_pid, j->ev.copy_tid);
		pt_json_str(out, j->ev.copy_comm, sizeof(j->ev.copy_comm));
		if (j->rx)
			fprintf(out, ",\"clone\":%s", j->ev.flags & PT_EV_CLONE ? "true" : "false");
		fputc('}', out);
	}
	if (j->have_rt)
		fprintf(out, ",\"round_trip\":{\"request_seq\":%" PRIu64 ",\"out_ns\":%" PRIu64
			",\"turn_ns\":%" PRIu64 ",\"in_ns\":%" PRIu64 ",\"total_ns\":%" PRIu64 "}",
			j->rt.req_seq, j->rt.out_ns, j->rt.turn_ns, j->rt.in_ns,
			j->rt.out_ns + j->rt.turn_ns + j->rt.in_ns);
	if (j->status == PT_J_DROPPED) {
		fprintf(out, ",\"drop_reason\":");
		if (c->drop_reason)
			pt_json_str(out, c->drop_reason, SIZE_MAX);
		else
			fprintf(out, "%u", j->ev.drop_reason);
	}
	fprintf(out, ",\"stages\":[");
	for (unsigned int k = 0; k < n; k++) {
		fprintf(out, "%s{\"stage\":\"%s\",\"t_ns\":%" PRIu64 ",\"delta_ns\":%" PRId64,
			k ? "," : "", pt_stage_name(st[k].stage), st[k].t_ns,
			st[k].delta_ns);
		if (c->explain) {
			const struct pt_step *step = pt_stage_step(st[k].stage,
								   f->family == PT_FAM_ARP);

			fprintf(out, ",\"step\":\"%s\",\"step_title\":\"%s\",\"explain\":",
				step->step, step->title);
			pt_json_str(out, step->text, SIZE_MAX);
		}
		fputc('}', out);
	}
	fputc(']', out);
	if (n > 1)
		fprintf(out, ",\"total_ns\":%" PRIu64, st[n - 1].t_ns - st[0].t_ns);
	stage_list_json(out, "unseen", j->rx, c->view, PT_UNSEEN);
	stage_list_json(out, "not_applicable", j->rx, c->view, PT_NA);
	fputs("}\n", out);
}
