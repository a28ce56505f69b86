// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "output.h"
#include "packet.h"
#include "pt_flow.h"
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

void pt_line_init(struct pt_line *l, FILE *out)
{
	l->out = out;
	l->n = 0;
}

/* What is built so far goes to stdio. */
static void line_flush(struct pt_line *l)
{
	fwrite(l->buf, 1, l->n, l->out);
	l->n = 0;
}

void pt_line_mem_full(struct pt_line *l, const char *p, size_t n)
{
	while (n) {
		size_t k = sizeof(l->buf) - l->n;

		if (!k) {
			line_flush(l);
			continue;
		}
		if (k > n)
			k = n;
		memcpy(l->buf + l->n, p, k);
		l->n += k;
		p += k;
		n -= k;
	}
}

void pt_line_u64(struct pt_line *l, uint64_t v)
{
	/* Two digits per division: a stamp has thirteen or more. */
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char d[20];
	size_t i = sizeof(d);

	while (v >= 100) {
		i -= 2;
		memcpy(d + i, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(d + i, pairs + 2 * v, 2);
	} else {
		d[--i] = (char)('0' + v);
	}
	pt_line_mem(l, d + i, sizeof(d) - i);
}

void pt_line_i64(struct pt_line *l, int64_t v)
{
	if (v < 0) {
		pt_line_chr(l, '-');
		pt_line_u64(l, -(uint64_t)v);	/* INT64_MIN too */
	} else {
		pt_line_u64(l, (uint64_t)v);
	}
}

void pt_line_json_str(struct pt_line *l, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";

	pt_line_chr(l, '"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			pt_line_chr(l, '\\');
			pt_line_chr(l, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			pt_line_mem(l, u, sizeof(u));
		} else {
			pt_line_chr(l, (char)c);
		}
	}
	pt_line_chr(l, '"');
}

void pt_line_end(struct pt_line *l)
{
	line_flush(l);
}

void pt_json_str(FILE *out, const char *s, size_t max)
{
	struct pt_line l;

	pt_line_init(&l, out);
	pt_line_json_str(&l, s, max);
	pt_line_end(&l);
}

static void header_text(FILE *out, const struct pt_journey *j,
			const struct pt_print_ctx *c)
{
	char sum[96], src[64], dst[64];

	pt_flow_summary(&j->flow, sum, sizeof(sum));
	pt_flow_addrs(&j->flow, src, dst, sizeof(src));
	fprintf(out, "#%" PRIu64 " %s%s %s -> %s, %u bytes", c->seq, j->rx ? "rx " : "",
		sum, src, dst, j->have_read ? j->read_len : j->have_rt ? j->rt.len : j->ev.len);
	if (j->have_kernel && (j->ev.flags & PT_EV_BY_WRITE))
		fprintf(out, ", data written by %.16s pid %u", j->ev.comm, j->ev.pid);
	else if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL))
		fprintf(out, ", %s by %.16s pid %u", j->rx ? "written" : "sent", j->ev.comm,
			j->ev.pid);
	else if (j->have_kernel && (j->ev.flags & PT_EV_BY_OWNER))
		fprintf(out, ", socket of %.16s pid %u (sent by the kernel)", j->ev.comm,
			j->ev.pid);
	else if (j->have_kernel && (j->ev.flags & PT_EV_TCP_KERNEL))
		fprintf(out, ", sent by the kernel (softirq or timer; socket owner unknown)");
	else
		fprintf(out, j->rx ? ", writer unknown" : ", sender unknown (not sent from a syscall)");
	if (j->have_kernel && (j->ev.flags & PT_EV_GSO))
		fprintf(out, ", GSO segment");
	if (j->have_kernel && (j->ev.flags & PT_EV_RETRANS))
		fprintf(out, ", RETRANSMISSION");
	if (j->have_kernel && (j->ev.flags & PT_EV_PARKED))
		fprintf(out, ", parked until the neighbour answered (neigh -> queue)");
	if (j->rx) {
		if (j->status == PT_J_DROPPED)
			fprintf(out, " [DROPPED: %s]", c->drop_reason ? c->drop_reason : "?");
		else if (j->status == PT_J_UNFINISHED)
			fprintf(out, " [UNFINISHED: whether an application copied it is "
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

/*
 * Whether stage @s of @j's path is @want in view @v: a stage this journey
 * has a stamp of is seen whatever the view says (TCP's l4 is its write's,
 * from a hook of its own).
 */
static bool stage_is(const struct pt_journey *j, const struct pt_stage_view *v, int s,
		     enum pt_stage_state want)
{
	int slot = pt_vstage_slot(s);

	if (!pt_stage_on_path(s, &j->flow))
		return false;
	if (slot >= 0 && j->have_kernel && j->ev.ts[slot])
		return want == PT_SEEN;
	return v->state[s] == want;
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
		const struct pt_step *step = pt_stage_step(s, &j->flow);

		if (!pt_stage_on_path(s, &j->flow))
			continue;
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
		if (c->explain_lines && c->view->state[s] != PT_NA && c->view->hook[s])
			fprintf(out, "  %19s%s (seen at %s)\n", "", step->text, c->view->hook[s]);
		else if (c->explain_lines)
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
		pt_appendf(buf, len, "; %s %.16s pid %u with %s()",
			   j->ev.flags & PT_EV_BY_WRITE ? "data written by" : "sent by",
			   j->ev.comm, j->ev.pid, pt_syscall_name(j->ev.syscall_nr) ?: "?");
	else if (j->have_kernel && (j->ev.flags & PT_EV_BY_OWNER))
		pt_appendf(buf, len, "; socket of %.16s pid %u, sent by the kernel",
			   j->ev.comm, j->ev.pid);
	else
		pt_appendf(buf, len, "; sender unknown");
	if (c->l4_func)
		pt_appendf(buf, len, " via %s()", c->l4_func);
	if (j->have_kernel && (j->ev.flags & PT_EV_PARKED))
		pt_appendf(buf, len, "; parked until the neighbour answered");
	if (j->status != PT_J_READ)
		pt_appendf(buf, len, "; %s", status_name(j));
	for (int s = PT_VSTAGE_FIRST(j->rx); s < PT_VSTAGE_END(j->rx); s++) {
		if (!stage_is(j, c->view, s, PT_UNSEEN))
			continue;
		pt_appendf(buf, len, "%s%s", unseen ? " " : "; unseen: ", pt_stage_name(s));
		unseen = true;
	}
}

static void stage_list_json(struct pt_line *l, const char *key, const struct pt_journey *j,
			    const struct pt_stage_view *v, enum pt_stage_state want)
{
	bool first = true;

	pt_line_str(l, key);
	for (int s = PT_VSTAGE_FIRST(j->rx); s < PT_VSTAGE_END(j->rx); s++) {
		if (!stage_is(j, v, s, want))
			continue;
		if (!first)
			pt_line_chr(l, ',');
		pt_line_chr(l, '"');
		pt_line_str(l, pt_stage_name(s));
		pt_line_chr(l, '"');
		first = false;
	}
	pt_line_chr(l, ']');
}

/* @key (the text up to the value, JSON already), then @v. */
static void key_u64(struct pt_line *l, const char *key, uint64_t v)
{
	pt_line_str(l, key);
	pt_line_u64(l, v);
}

/* Protocol, addresses and what the protocol adds (ARP, ICMP, ports). */
static void json_flow(struct pt_line *l, const struct pt_flow *f)
{
	char src[64], dst[64];

	pt_flow_addrs(f, src, dst, sizeof(src));
	pt_line_str(l, ",\"proto\":\"");
	pt_line_str(l, pt_flow_proto(f));
	pt_line_str(l, "\",\"src\":\"");
	pt_line_str(l, src);
	pt_line_str(l, "\",\"dst\":\"");
	pt_line_str(l, dst);
	pt_line_chr(l, '"');
	if (f->family == PT_FAM_IPV4)
		key_u64(l, ",\"ipid\":", f->ipid);
	if (f->family == PT_FAM_ARP) {
		char sha[18], tha[18];

		pt_line_str(l, ",\"arp\":{\"op\":\"");
		pt_line_str(l, f->sport == 1 ? "request" : f->sport == 2 ? "reply" : "other");
		pt_line_str(l, "\",\"sender_mac\":\"");
		pt_line_str(l, pt_mac_str(f->saddr + 4, sha, sizeof(sha)));
		pt_line_str(l, "\",\"target_mac\":\"");
		pt_line_str(l, pt_mac_str(f->daddr + 4, tha, sizeof(tha)));
		pt_line_str(l, "\"}");
	}
	if (f->family && (f->proto == PT_IPPROTO_ICMP || f->proto == PT_IPPROTO_ICMPV6)) {
		key_u64(l, ",\"icmp\":{\"type\":", f->icmp_type);
		key_u64(l, ",\"code\":", f->icmp_code);
		key_u64(l, ",\"id\":", f->sport);
		key_u64(l, ",\"seq\":", f->dport);
		pt_line_chr(l, '}');
	} else if (f->family && (f->proto == PT_IPPROTO_UDP || f->proto == PT_IPPROTO_TCP)) {
		key_u64(l, ",\"sport\":", f->sport);
		key_u64(l, ",\"dport\":", f->dport);
	}
	if (f->family && f->proto == PT_IPPROTO_TCP && (f->icmp_code & 0xf)) {
		char flags[8];

		key_u64(l, ",\"tcp\":{\"seq\":", f->tcp_seq);
		pt_line_str(l, ",\"flags\":\"");
		pt_line_str(l, pt_tcp_flags_str(f->icmp_type, flags, sizeof(flags)));
		key_u64(l, "\",\"payload\":", pt_flow_tcp_payload(f));
		pt_line_chr(l, '}');
	}
}

/* Who the journey names as its sender, and how it knows (see pathtrace.h). */
static const char *sender_kind(const struct pt_journey *j)
{
	if (!j->have_kernel)
		return NULL;
	if (j->ev.flags & PT_EV_BY_WRITE)
		return "write";
	if (j->ev.flags & PT_EV_BY_OWNER)
		return "owner";
	if (j->ev.flags & PT_EV_TCP_KERNEL)
		return "kernel";
	if (j->ev.flags & PT_EV_IN_SYSCALL)
		return "syscall";
	return NULL;
}

/* The sender (its syscall), the l4 function, and the reader or receiver. */
static void json_tasks(struct pt_line *l, const struct pt_journey *j,
		       const struct pt_print_ctx *c)
{
	if (j->have_kernel && (j->ev.flags & PT_EV_IN_SYSCALL)) {
		const char *sc = pt_syscall_name(j->ev.syscall_nr);

		key_u64(l, ",\"pid\":", j->ev.pid);
		key_u64(l, ",\"tid\":", j->ev.tid);
		pt_line_str(l, ",\"comm\":");
		pt_line_json_str(l, j->ev.comm, sizeof(j->ev.comm));
		pt_line_str(l, ",\"syscall\":");
		if (sc)
			pt_line_json_str(l, sc, SIZE_MAX);
		else
			pt_line_str(l, "null");
	} else if (j->have_kernel && (j->ev.flags & PT_EV_BY_OWNER)) {
		key_u64(l, ",\"pid\":", j->ev.pid);
		key_u64(l, ",\"tid\":", j->ev.tid);
		pt_line_str(l, ",\"comm\":");
		pt_line_json_str(l, j->ev.comm, sizeof(j->ev.comm));
		pt_line_str(l, ",\"syscall\":null");
	} else {
		pt_line_str(l, ",\"pid\":null,\"tid\":null,\"comm\":null,\"syscall\":null");
	}
	if (sender_kind(j) && j->flow.proto == PT_IPPROTO_TCP && !j->rx) {
		pt_line_str(l, ",\"sender\":\"");
		pt_line_str(l, sender_kind(j));
		pt_line_chr(l, '"');
	}
	if (j->have_kernel && j->flow.proto == PT_IPPROTO_TCP && !j->rx) {
		pt_line_str(l, j->ev.flags & PT_EV_GSO ? ",\"gso\":true" : ",\"gso\":false");
		pt_line_str(l, j->ev.flags & PT_EV_RETRANS ? ",\"retransmit\":true" :
							      ",\"retransmit\":false");
	}
	/* Parked by the neighbour layer (ARP, NDP): its wait is neigh -> queue. */
	if (j->have_kernel && !j->rx)
		pt_line_str(l, j->ev.flags & PT_EV_PARKED ? ",\"parked\":true" : ",\"parked\":false");
	if (c->l4_func) {
		pt_line_str(l, ",\"l4_func\":");
		pt_line_json_str(l, c->l4_func, SIZE_MAX);
	}
	if (j->have_kernel && j->ev.ts[PT_STAGE_COPY]) {
		/* On the way in the application that received it: a raw socket's clone, maybe. */
		key_u64(l, j->rx ? ",\"receiver\":{\"pid\":" : ",\"reader\":{\"pid\":",
			j->ev.copy_pid);
		key_u64(l, ",\"tid\":", j->ev.copy_tid);
		pt_line_str(l, ",\"comm\":");
		pt_line_json_str(l, j->ev.copy_comm, sizeof(j->ev.copy_comm));
		if (j->rx)
			pt_line_str(l, j->ev.flags & PT_EV_CLONE ? ",\"clone\":true" :
								    ",\"clone\":false");
		pt_line_chr(l, '}');
	}
}

/* The round trip (--echo's answers) and the drop reason, if any. */
static void json_outcome(struct pt_line *l, const struct pt_journey *j,
			 const struct pt_print_ctx *c)
{
	if (j->have_rt) {
		key_u64(l, ",\"round_trip\":{\"request_seq\":", j->rt.req_seq);
		key_u64(l, ",\"out_ns\":", j->rt.out_ns);
		key_u64(l, ",\"turn_ns\":", j->rt.turn_ns);
		key_u64(l, ",\"in_ns\":", j->rt.in_ns);
		key_u64(l, ",\"total_ns\":", j->rt.out_ns + j->rt.turn_ns + j->rt.in_ns);
		pt_line_chr(l, '}');
	}
	if (j->status == PT_J_DROPPED) {
		pt_line_str(l, ",\"drop_reason\":");
		if (c->drop_reason)
			pt_line_json_str(l, c->drop_reason, SIZE_MAX);
		else
			pt_line_u64(l, j->ev.drop_reason);
	}
}

/* The stages seen, with times (and --explain's steps), and the total. */
static void json_stages(struct pt_line *l, const struct pt_journey *j,
			const struct pt_print_ctx *c)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n = pt_journey_stages(j, st);

	pt_line_str(l, ",\"stages\":[");
	for (unsigned int k = 0; k < n; k++) {
		pt_line_str(l, k ? ",{\"stage\":\"" : "{\"stage\":\"");
		pt_line_str(l, pt_stage_name(st[k].stage));
		key_u64(l, "\",\"t_ns\":", st[k].t_ns);
		pt_line_str(l, ",\"delta_ns\":");
		pt_line_i64(l, st[k].delta_ns);
		if (c->explain) {
			const struct pt_step *step = pt_stage_step(st[k].stage, &j->flow);

			pt_line_str(l, ",\"step\":\"");
			pt_line_str(l, step->step);
			pt_line_str(l, "\",\"step_title\":\"");
			pt_line_str(l, step->title);
			pt_line_str(l, "\",\"explain\":");
			pt_line_json_str(l, step->text, SIZE_MAX);
			if (c->view->hook[st[k].stage]) {
				pt_line_str(l, ",\"seen_at\":");
				pt_line_json_str(l, c->view->hook[st[k].stage], SIZE_MAX);
			}
		}
		pt_line_chr(l, '}');
	}
	pt_line_chr(l, ']');
	if (n > 1)
		key_u64(l, ",\"total_ns\":", st[n - 1].t_ns - st[0].t_ns);
}

void pt_print_journey_json(FILE *out, const struct pt_journey *j,
			   const struct pt_print_ctx *c)
{
	struct pt_line l;

	pt_line_init(&l, out);
	key_u64(&l, "{\"seq\":", c->seq);
	pt_line_str(&l, ",\"status\":\"");
	pt_line_str(&l, status_name(j));
	pt_line_str(&l, j->rx ? "\",\"dir\":\"rx\",\"dev\":" : "\",\"dir\":\"tx\",\"dev\":");
	pt_line_json_str(&l, c->dev, SIZE_MAX);
	if (c->backend) {
		pt_line_str(&l, ",\"backend\":\"");
		pt_line_str(&l, c->backend);
		pt_line_chr(&l, '"');
	}
	if (j->have_read)
		key_u64(&l, ",\"len\":", j->read_len);
	else if (j->have_rt)
		key_u64(&l, ",\"len\":", j->rt.len);	/* what the reader wrote */
	else
		pt_line_str(&l, ",\"len\":null");
	if (j->have_kernel)
		key_u64(&l, ",\"skb_len\":", j->ev.len);
	json_flow(&l, &j->flow);
	json_tasks(&l, j, c);
	json_outcome(&l, j, c);
	json_stages(&l, j, c);
	stage_list_json(&l, ",\"unseen\":[", j, c->view, PT_UNSEEN);
	stage_list_json(&l, ",\"not_applicable\":[", j, c->view, PT_NA);
	pt_line_str(&l, "}\n");
	pt_line_end(&l);
}

void pt_sink_init(struct pt_sink *s, FILE *f)
{
	s->f = f;
	s->tty = isatty(fileno(f));
	s->pending = false;
	s->flushed = pt_now_ns();
	/* glibc takes the size only with a buffer. */
	if (!s->tty)
		setvbuf(f, s->buf, _IOFBF, sizeof(s->buf));
}

int pt_sink_flush(struct pt_sink *s)
{
	int err = fflush(s->f) == EOF ? -EPIPE : 0;

	s->pending = false;
	s->flushed = pt_now_ns();
	return err;
}

int pt_sink_printed(struct pt_sink *s)
{
	if (s->tty)
		return pt_sink_flush(s);
	s->pending = true;
	return 0;
}

int pt_sink_tick(struct pt_sink *s, uint64_t now)
{
	if (s->pending && now - s->flushed >= PT_SINK_FLUSH_NS)
		return pt_sink_flush(s);
	return 0;
}

int pt_sink_timeout(const struct pt_sink *s, uint64_t now)
{
	if (!s->pending)
		return -1;
	return pt_ms_until(s->flushed + PT_SINK_FLUSH_NS, now);
}

void pt_warn_lost(const uint64_t c[PT_NR_COUNTERS])
{
	if (c[PT_CNT_STALE])
		pt_warn("%" PRIu64 " records given up: their skb's end was never seen",
			c[PT_CNT_STALE]);
	if (c[PT_CNT_NO_TASK_STORE])
		pt_warn("%" PRIu64 " sends lost their syscall/l4/route/ip stamps (their task slot taken by another send)",
			c[PT_CNT_NO_TASK_STORE]);
	if (c[PT_CNT_GSO_MISS])
		pt_warn("%" PRIu64 " TCP segments not followed: their GSO original was not seen split",
			c[PT_CNT_GSO_MISS]);
	if (c[PT_CNT_XMIT_UNSEEN])
		pt_warn("%" PRIu64 " packets went to the driver unseen: the kernel ran the "
			"packet-socket tap for them but not pathtrace's tracepoint programs "
			"(counting no skipped run); they are in no journey",
			c[PT_CNT_XMIT_UNSEEN]);
}
