// SPDX-License-Identifier: GPL-2.0
/* user/output.c: stage times, the JSON and text printers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "fixtures.h"
#include "output.h"
#include "unit.h"

/* An in-memory FILE for a printer, and what was printed into it. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->f = open_memstream(&m->buf, &m->len);
	ASSERT_TRUE(m->f != NULL);
	return m->f;
}

static const char *mem_text(struct mem *m)
{
	ASSERT_EQ_I64(fclose(m->f), 0);
	unit_track(m->buf);
	ASSERT_EQ_U64(strlen(m->buf), m->len);	/* no NUL printed */
	return m->buf;
}

static const char *json_str(const char *s, size_t max)
{
	struct mem m;

	pt_json_str(mem_open(&m), s, max);
	return mem_text(&m);
}

static const char *journey_json(const struct pt_journey *j,
				const struct pt_print_ctx *c)
{
	struct mem m;

	pt_print_journey_json(mem_open(&m), j, c);
	return mem_text(&m);
}

static const char *journey_text(const struct pt_journey *j,
				const struct pt_print_ctx *c)
{
	struct mem m;

	pt_print_journey_text(mem_open(&m), j, c);
	return mem_text(&m);
}

/*
 * Run `jq -e FILTER` on @json: its exit status, or -1 when jq is not
 * installed (the caller then skips the check).
 */
static int jq(const char *json, const char *filter)
{
	static int have = -1;
	char cmd[2048];
	FILE *p;
	int st;

	if (have < 0)
		have = system("command -v jq >/dev/null 2>&1") == 0;
	if (!have)
		return -1;
	snprintf(cmd, sizeof(cmd), "jq -e '%s' >/dev/null 2>&1", filter);
	fflush(stdout);
	p = popen(cmd, "w");
	if (!p)
		return 127;
	fputs(json, p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Valid JSON for which @filter holds, if jq is there to say so. */
#define ASSERT_JQ(json, filter)						\
	do {								\
		int st_ = jq(json, filter);				\
									\
		if (st_ >= 0)						\
			unit_check_i64(__FILE__, __LINE__,		\
				       "jq -e '" filter "' status", "0", \
				       st_, 0);				\
	} while (0)

static const struct pt_print_ctx ctx1 = {
	.dev = "nsfocus_tun0", .view = &fx_tun_view, .seq = 1,
};

/* The line of @text starting with @prefix, without its newline. */
static const char *line_of(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; *p; ) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len >= n && !strncmp(p, prefix, n)) {
			char *l = unit_track(strndup(p, len));

			return l;
		}
		p += len + (e ? 1 : 0);
	}
	return "(no such line)";
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* pt_json_str() */

UNIT_CASE(json_str_plain)
{
	ASSERT_STREQ(json_str("ping", SIZE_MAX), "\"ping\"");
	ASSERT_STREQ(json_str("", SIZE_MAX), "\"\"");
}

UNIT_CASE(json_str_quote_backslash)
{
	ASSERT_STREQ(json_str("a\"b", SIZE_MAX), "\"a\\\"b\"");
	ASSERT_STREQ(json_str("a\\b", SIZE_MAX), "\"a\\\\b\"");
	ASSERT_STREQ(json_str("\"\\\"", SIZE_MAX), "\"\\\"\\\\\\\"\"");
}

UNIT_CASE(json_str_control)
{
	ASSERT_STREQ(json_str("\x01", SIZE_MAX), "\"\\u0001\"");
	ASSERT_STREQ(json_str("a\nb\tc", SIZE_MAX), "\"a\\u000ab\\u0009c\"");
	ASSERT_STREQ(json_str("\x1f\x7f", SIZE_MAX), "\"\\u001f\\u007f\"");
}

UNIT_CASE(json_str_high_byte)
{
	ASSERT_STREQ(json_str("\xff", SIZE_MAX), "\"\\u00ff\"");
	ASSERT_STREQ(json_str("x\x80y", SIZE_MAX), "\"x\\u0080y\"");
}

UNIT_CASE(json_str_max_length)
{
	/* comm: 16 bytes, no NUL when full. */
	char comm[20];

	memcpy(comm, "0123456789abcdefXYZ", 20);
	ASSERT_STREQ(json_str(comm, 16), "\"0123456789abcdef\"");
	ASSERT_STREQ(json_str("abcdef", 3), "\"abc\"");
	ASSERT_STREQ(json_str("abcdef", 0), "\"\"");
	/* Stops at the NUL before the limit. */
	ASSERT_STREQ(json_str("ab\0cd", 5), "\"ab\"");
	/* The limit counts input bytes, not escaped output. */
	ASSERT_STREQ(json_str("\"\"\"\"", 2), "\"\\\"\\\"\"");
}

/* struct pt_line: the JSON printer's line builder. */

UNIT_CASE(line_numbers)
{
	struct pt_line l;
	struct mem m;

	pt_line_init(&l, mem_open(&m));
	pt_line_u64(&l, 0);
	pt_line_chr(&l, ' ');
	pt_line_u64(&l, 18446744073709551615ull);
	pt_line_chr(&l, ' ');
	pt_line_i64(&l, -1);
	pt_line_chr(&l, ' ');
	pt_line_i64(&l, INT64_MIN);
	pt_line_chr(&l, ' ');
	pt_line_i64(&l, INT64_MAX);
	pt_line_chr(&l, ' ');
	pt_line_u64(&l, 1000);
	pt_line_end(&l);
	ASSERT_STREQ(mem_text(&m), "0 18446744073709551615 -1 -9223372036854775808 "
		     "9223372036854775807 1000");
}

/* Every width, each side of each power of ten: as printf writes them. */
UNIT_CASE(line_numbers_as_printf)
{
	char want[64 * 21 * 3 + 1] = "";
	struct pt_line l;
	struct mem m;
	uint64_t p = 1;
	size_t n = 0;

	pt_line_init(&l, mem_open(&m));
	for (int e = 0; e < 20; e++, p *= 10) {
		const uint64_t vs[] = { p - 1, p, p + 1 };

		for (int k = 0; k < 3; k++) {
			pt_line_u64(&l, vs[k]);
			pt_line_chr(&l, ' ');
			n += (size_t)snprintf(want + n, sizeof(want) - n, "%" PRIu64 " ", vs[k]);
		}
	}
	pt_line_end(&l);
	ASSERT_STREQ(mem_text(&m), want);
}

/* Longer than the buffer: written in pieces, every byte once, in order. */
UNIT_CASE(line_longer_than_buffer)
{
	char want[3 * sizeof(((struct pt_line *)0)->buf) + 100], big[1500];
	const char *esc = "\"\\u0001\\\"\"";
	struct pt_line l;
	struct mem m;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	pt_line_init(&l, mem_open(&m));
	for (int i = 0; i < 700; i++) {	/* one byte at a time across the first edge */
		pt_line_chr(&l, (char)('0' + i % 10));
		want[n++] = (char)('0' + i % 10);
	}
	pt_line_str(&l, big);		/* straddles the edge, then longer than the buffer */
	memcpy(want + n, big, sizeof(big) - 1);
	n += sizeof(big) - 1;
	pt_line_json_str(&l, "\x01\"", SIZE_MAX);	/* escapes, at no edge in particular */
	memcpy(want + n, esc, strlen(esc));
	n += strlen(esc);
	want[n] = '\0';
	pt_line_end(&l);
	ASSERT_EQ_U64(strlen(want), n);
	ASSERT_STREQ(mem_text(&m), want);
}

/* pt_journey_stages() */

UNIT_CASE(journey_stages_full)
{
	static const struct {
		enum pt_stage s;
		uint64_t t;
		int64_t d;
	} want[] = {
		{ PT_STAGE_SYSCALL, 1000, 0 },
		{ PT_STAGE_ROUTE, 1500, 500 },
		{ PT_STAGE_QUEUE, 2600, 1100 },
		{ PT_STAGE_DRIVER, 3000, 400 },
		{ PT_STAGE_COPY, 5000, 2000 },
		{ PT_STAGE_USER, 9000, 4000 },
	};
	struct pt_journey j = fx_journey_read();
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int n;

	memset(st, 0xee, sizeof(st));
	n = pt_journey_stages(&j, st);
	ASSERT_EQ_U64(n, 6);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_STREQ(pt_stage_name(st[i].stage), pt_stage_name(want[i].s));
		ASSERT_EQ_U64(st[i].t_ns, want[i].t);
		ASSERT_EQ_I64(st[i].delta_ns, want[i].d);
	}
}

UNIT_CASE(journey_stages_read_only)
{
	struct pt_journey j = fx_journey_read();
	struct pt_stage_time st[PT_NR_STAGES];

	/* No kernel record: its timestamps, whatever they are, do not count. */
	j.status = PT_J_UNJOINED;
	j.have_kernel = false;
	ASSERT_EQ_U64(pt_journey_stages(&j, st), 1);
	ASSERT_EQ_U64(st[0].stage, PT_STAGE_USER);
	ASSERT_EQ_U64(st[0].t_ns, 9000);
	ASSERT_EQ_I64(st[0].delta_ns, 0);
}

UNIT_CASE(journey_stages_kernel_only)
{
	struct pt_journey j = fx_journey_read();
	struct pt_stage_time st[PT_NR_STAGES];

	j.status = PT_J_UNJOINED;
	j.have_read = false;	/* t_user still 9000: must be ignored */
	ASSERT_EQ_U64(pt_journey_stages(&j, st), 5);
	ASSERT_EQ_U64(st[4].stage, PT_STAGE_COPY);
	ASSERT_EQ_U64(st[4].t_ns, 5000);
	ASSERT_EQ_I64(st[4].delta_ns, 2000);

	/* Every kernel stage stamped. */
	for (int s = 0; s < PT_NR_KSTAGES; s++)
		j.ev.ts[s] = 100 + 10 * (uint64_t)s;
	ASSERT_EQ_U64(pt_journey_stages(&j, st), PT_NR_KSTAGES);
	ASSERT_EQ_U64(st[PT_STAGE_NEIGH].stage, PT_STAGE_NEIGH);
	ASSERT_EQ_U64(st[PT_STAGE_NEIGH].t_ns, 100 + 10 * PT_STAGE_NEIGH);
	ASSERT_EQ_I64(st[PT_STAGE_NEIGH].delta_ns, 10);
}

/* pt_print_journey_json() */

UNIT_CASE(json_journey_joined)
{
	struct pt_journey j = fx_journey_read();
	const char *s = journey_json(&j, &ctx1);
	size_t len = strlen(s);

	/* One line, one object. */
	ASSERT_EQ_U64(count_char(s, '\n'), 1);
	ASSERT_TRUE(len > 2 && !strcmp(s + len - 2, "}\n"));
	ASSERT_TRUE(s[0] == '{');
	ASSERT_CONTAINS(s, "{\"seq\":1,");
	ASSERT_CONTAINS(s, "\"status\":\"read\"");
	ASSERT_CONTAINS(s, "\"dev\":\"nsfocus_tun0\"");
	ASSERT_CONTAINS(s, "\"len\":84");
	ASSERT_CONTAINS(s, "\"skb_len\":84");
	ASSERT_CONTAINS(s, "\"proto\":\"icmp\"");
	ASSERT_CONTAINS(s, "\"src\":\"192.0.2.1\"");
	ASSERT_CONTAINS(s, "\"dst\":\"192.0.2.2\"");
	ASSERT_CONTAINS(s, "\"ipid\":4660");
	ASSERT_CONTAINS(s, "\"icmp\":{\"type\":8,\"code\":0,\"id\":77,\"seq\":3}");
	ASSERT_CONTAINS(s, "\"pid\":");
	ASSERT_CONTAINS(s, "\"pid\":4242,\"tid\":4243,\"comm\":\"ping\",\"syscall\":\"sendto\"");
	ASSERT_CONTAINS(s, "\"reader\":{\"pid\":777,\"tid\":778,\"comm\":\"pathtrace\"}");
	ASSERT_NOT_CONTAINS(s, "drop_reason");
	ASSERT_CONTAINS(s, "\"stages\":[{\"stage\":\"syscall\"");
	ASSERT_CONTAINS(s, "\"stages\":[{\"stage\":\"syscall\",\"t_ns\":1000,\"delta_ns\":0},"
			   "{\"stage\":\"route\",\"t_ns\":1500,\"delta_ns\":500},");
	ASSERT_CONTAINS(s, "{\"stage\":\"user\",\"t_ns\":9000,\"delta_ns\":4000}]");
	ASSERT_CONTAINS(s, "\"total_ns\":8000");
	ASSERT_CONTAINS(s, "\"unseen\":[\"l4\"");
	ASSERT_CONTAINS(s, "\"unseen\":[\"l4\",\"ip\",\"xmit\"]");
	ASSERT_CONTAINS(s, "\"not_applicable\":[\"neigh\"]");
	ASSERT_JQ(s, ".");
	ASSERT_JQ(s, ".seq == 1 and .status == \"read\" and .len == 84"
		  " and .src == \"192.0.2.1\" and .icmp.id == 77 and .icmp.seq == 3"
		  " and .pid == 4242 and .syscall == \"sendto\""
		  " and ([.stages[].stage] == [\"syscall\",\"route\",\"queue\",\"driver\",\"copy\",\"user\"])"
		  " and ([.stages[].delta_ns] == [0,500,1100,400,2000,4000])"
		  " and .unseen == [\"l4\",\"ip\",\"xmit\"] and .not_applicable == [\"neigh\"]");
}

/* The backend that ran, and the l4 function where a hook saw it. */
UNIT_CASE(json_journey_backend_and_l4_func)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s = journey_json(&j, &c);

	ASSERT_NOT_CONTAINS(s, "l4_func");
	ASSERT_NOT_CONTAINS(s, "backend");
	c.backend = "kprobe";
	c.l4_func = "raw_sendmsg";
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "\"dev\":\"nsfocus_tun0\",\"backend\":\"kprobe\",");
	ASSERT_CONTAINS(s, ",\"l4_func\":\"raw_sendmsg\",");
	ASSERT_JQ(s, ".backend == \"kprobe\" and .l4_func == \"raw_sendmsg\"");
	s = journey_text(&j, &c);
	ASSERT_NOT_CONTAINS(s, "raw_sendmsg()");	/* l4 unseen in this view */
}

UNIT_CASE(json_journey_not_from_syscall)
{
	struct pt_journey j = fx_journey_read();
	const char *s;

	j.ev.flags = 0;
	j.ev.ts[PT_STAGE_SYSCALL] = 0;
	s = journey_json(&j, &ctx1);
	ASSERT_CONTAINS(s, "\"pid\":null");
	ASSERT_CONTAINS(s, "\"pid\":null,\"tid\":null,\"comm\":null,\"syscall\":null");
	ASSERT_NOT_CONTAINS(s, "\"ping\"");
	/* The reader is known all the same. */
	ASSERT_CONTAINS(s, "\"reader\":{\"pid\":777,");
	ASSERT_CONTAINS(s, "\"stages\":[{\"stage\":\"route\",\"t_ns\":1500,\"delta_ns\":0}");
	ASSERT_JQ(s, ".");
	ASSERT_JQ(s, ".pid == null and .reader.pid == 777 and .total_ns == 7500");
}

UNIT_CASE(json_journey_unknown_syscall)
{
	struct pt_journey j = fx_journey_read();
	const char *s;

	j.ev.syscall_nr = SYS_read;
	s = journey_json(&j, &ctx1);
	ASSERT_CONTAINS(s, "\"comm\":\"ping\",\"syscall\":null");
	ASSERT_JQ(s, ".");
}

UNIT_CASE(json_journey_read_only)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	j.status = PT_J_UNJOINED;
	j.have_kernel = false;
	c.seq = 12;
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "{\"seq\":12,\"status\":\"unjoined\"");
	ASSERT_CONTAINS(s, "\"len\":84");
	ASSERT_NOT_CONTAINS(s, "skb_len");
	ASSERT_NOT_CONTAINS(s, "reader");
	ASSERT_CONTAINS(s, "\"pid\":null");
	ASSERT_CONTAINS(s, "\"stages\":[{\"stage\":\"user\",\"t_ns\":9000,\"delta_ns\":0}]");
	ASSERT_NOT_CONTAINS(s, "total_ns");
	ASSERT_JQ(s, ".");
	ASSERT_JQ(s, ".status == \"unjoined\" and (.stages | length) == 1");
}

UNIT_CASE(json_journey_dropped)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	j.status = PT_J_DROPPED;
	j.have_read = false;
	j.ev.ts[PT_STAGE_COPY] = 0;
	j.ev.ts[PT_STAGE_DRIVER] = 0;
	j.ev.end = PT_END_DROPPED;
	j.ev.drop_reason = 6;
	c.drop_reason = "NETFILTER_DROP";
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "\"status\":\"dropped\"");
	ASSERT_CONTAINS(s, "\"len\":null,\"skb_len\":84");
	ASSERT_NOT_CONTAINS(s, "reader");
	ASSERT_CONTAINS(s, "\"drop_reason\":\"NETFILTER_DROP\"");
	ASSERT_CONTAINS(s, "{\"stage\":\"queue\",\"t_ns\":2600,\"delta_ns\":1100}]");
	ASSERT_CONTAINS(s, "\"total_ns\":1600");
	ASSERT_JQ(s, ".");
	/* Without a name: the number. */
	c.drop_reason = NULL;
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "\"drop_reason\":6,");
	ASSERT_JQ(s, ".");
	ASSERT_JQ(s, ".drop_reason == 6 and .len == null");
}

UNIT_CASE(json_journey_escapes_strings)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	memcpy(j.ev.comm, "0123456789abcdef", 16);	/* full: no NUL */
	strcpy(j.ev.copy_comm, "r\"d\\\x01");
	c.dev = "t\"un";
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "\"dev\":\"t\\\"un\"");
	ASSERT_CONTAINS(s, "\"comm\":\"0123456789abcdef\",\"syscall\"");
	ASSERT_CONTAINS(s, "\"comm\":\"r\\\"d\\\\\\u0001\"}");
	ASSERT_JQ(s, ".");
	ASSERT_JQ(s, ".dev == \"t\\\"un\" and .comm == \"0123456789abcdef\"");
}

UNIT_CASE(json_journey_not_ip)
{
	struct pt_journey j;
	const char *s;

	memset(&j, 0, sizeof(j));
	j.status = PT_J_UNJOINED;
	j.have_read = true;
	j.read_len = 3;
	j.t_user = 77;
	s = journey_json(&j, &ctx1);
	ASSERT_CONTAINS(s, "\"proto\":\"unknown\",\"src\":\"?\",\"dst\":\"?\",\"pid\":null");
	ASSERT_NOT_CONTAINS(s, "ipid");
	ASSERT_NOT_CONTAINS(s, "icmp");
	ASSERT_NOT_CONTAINS(s, "sport");
	ASSERT_JQ(s, ".");
}

UNIT_CASE(json_journey_udp6)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct pt_journey j = fx_journey_read();
	const char *s;

	memset(&j.flow, 0, sizeof(j.flow));
	j.flow.family = PT_FAM_IPV6;
	j.flow.proto = PT_IPPROTO_UDP;
	j.flow.l3_len = 60;
	j.flow.sport = 5353;
	j.flow.dport = 53;
	memcpy(j.flow.saddr, a6, 16);
	memcpy(j.flow.daddr, a6, 16);
	j.flow.daddr[15] = 2;
	j.ev.flow = j.flow;
	s = journey_json(&j, &ctx1);
	ASSERT_CONTAINS(s, "\"proto\":\"udp\",\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\","
			   "\"sport\":5353,\"dport\":53,");
	ASSERT_NOT_CONTAINS(s, "ipid");
	ASSERT_NOT_CONTAINS(s, "icmp");
	ASSERT_JQ(s, ".");
}

/* pt_print_journey_text() */

UNIT_CASE(text_journey_joined)
{
	struct pt_journey j = fx_journey_read();
	const char *s = journey_text(&j, &ctx1);

	ASSERT_TRUE(!strncmp(s, "#1 ICMP echo request", 20));
	ASSERT_STREQ(line_of(s, "#1 "),
		     "#1 ICMP echo request id=77 seq=3 192.0.2.1 -> 192.0.2.2, 84 bytes,"
		     " sent by ping pid 4242");
	ASSERT_CONTAINS(line_of(s, "  syscall "), "0.000001000");
	ASSERT_CONTAINS(line_of(s, "  syscall "), "sendto()");
	ASSERT_CONTAINS(line_of(s, "  l4 "), "unseen");
	ASSERT_CONTAINS(line_of(s, "  route "), "500ns");
	ASSERT_CONTAINS(line_of(s, "  ip "), "unseen");
	ASSERT_CONTAINS(line_of(s, "  neigh "), "n/a");
	ASSERT_CONTAINS(line_of(s, "  queue "), "1.1us");
	ASSERT_CONTAINS(line_of(s, "  xmit "), "unseen");
	ASSERT_CONTAINS(line_of(s, "  driver "), "400ns");
	ASSERT_CONTAINS(line_of(s, "  copy "), "2.0us");
	ASSERT_CONTAINS(line_of(s, "  copy "), "read() by pathtrace pid 777");
	ASSERT_CONTAINS(line_of(s, "  user "), "0.000009000");
	ASSERT_CONTAINS(line_of(s, "  user "), "4.0us");
	ASSERT_CONTAINS(line_of(s, "  total "), "8.0us");
	ASSERT_CONTAINS(line_of(s, "  total "), "syscall -> user");
	/* Header, ten stages, total, blank line. */
	ASSERT_EQ_U64(count_char(s, '\n'), 13);
	ASSERT_TRUE(strlen(s) > 2 && !strcmp(s + strlen(s) - 2, "\n\n"));
}

/*
 * The send queue is TCP's stage: a TCP segment's journey lists it (seen
 * here: its delta is the wait since the write's l4), an ICMP one's does
 * not, even where the view says unseen.
 */
UNIT_CASE(text_journey_tcp_sendq)
{
	struct pt_journey j = fx_journey_read();
	struct pt_stage_view v = fx_tun_view;
	struct pt_print_ctx c = ctx1;
	const char *s;

	s = journey_text(&j, &ctx1);
	ASSERT_TRUE(!strstr(s, "sendq"));
	ASSERT_TRUE(!strstr(journey_json(&j, &ctx1), "sendq"));
	j.flow.proto = PT_IPPROTO_TCP;
	j.ev.flow.proto = PT_IPPROTO_TCP;
	j.ev.ts[PT_STAGE_L4] = 1200;
	j.ev.ts[PT_STAGE_ROUTE] = 0;	/* TCP's was at connect() */
	j.ev.ts[PT_STAGE_SENDQ] = 1700;
	v.state[PT_STAGE_L4] = PT_SEEN;
	v.state[PT_STAGE_SENDQ] = PT_SEEN;
	c.view = &v;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "  sendq "), "0.000001700");
	ASSERT_CONTAINS(line_of(s, "  sendq "), "500ns");
	/* Header, eleven stages, total, blank line. */
	ASSERT_EQ_U64(count_char(s, '\n'), 14);
	ASSERT_CONTAINS(line_of(s, "  route "), "-");
	ASSERT_CONTAINS(journey_json(&j, &c), "{\"stage\":\"sendq\",\"t_ns\":1700,\"delta_ns\":500}");
	/* Unseen on this backend: said, for TCP only. */
	j.ev.ts[PT_STAGE_SENDQ] = 0;
	ASSERT_CONTAINS(line_of(journey_text(&j, &ctx1), "  sendq "), "unseen");
	/* Its l4 stamped (its write's hook), though the view's l4 hooks are not. */
	ASSERT_CONTAINS(journey_json(&j, &ctx1), "\"unseen\":[\"sendq\",\"ip\",\"xmit\"]");
}

UNIT_CASE(text_journey_statuses)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	j.status = PT_J_UNJOINED;
	j.have_kernel = false;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "#1 "), ", 84 bytes, sender unknown (not sent from a syscall)"
					   " [UNJOINED: no kernel record]");
	ASSERT_NOT_CONTAINS(s, "  total ");

	j = fx_journey_read();
	j.status = PT_J_UNJOINED;
	j.have_read = false;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "#1 "), "sent by ping pid 4242 [UNJOINED: copied in the kernel,"
					   " never read here]");
	ASSERT_CONTAINS(line_of(s, "  total "), "syscall -> copy");

	j = fx_journey_read();
	j.status = PT_J_DROPPED;
	j.have_read = false;
	j.ev.ts[PT_STAGE_COPY] = 0;
	j.ev.len = 1500;
	c.drop_reason = "NETFILTER_DROP";
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "#1 "), ", 1500 bytes, sent by ping pid 4242 [DROPPED: NETFILTER_DROP]");

	j.status = PT_J_UNREAD;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "#1 "), " [UNREAD: freed without being read,"
					   " left in the device queue]");
	j.ev.ts[PT_STAGE_DRIVER] = 0;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "#1 "), " [UNREAD: freed without being read]");
}

UNIT_CASE(text_journey_missing_stage)
{
	struct pt_journey j = fx_journey_read();
	struct pt_stage_view v = fx_tun_view;
	struct pt_print_ctx c = ctx1;
	const char *s;

	/* Observable, but this packet was not seen there. */
	v.state[PT_STAGE_L4] = PT_SEEN;
	c.view = &v;
	j.ev.syscall_nr = -1;
	s = journey_text(&j, &c);
	ASSERT_TRUE(!strcmp(line_of(s, "  l4 ") + strlen(line_of(s, "  l4 ")) - 2, " -"));
	ASSERT_NOT_CONTAINS(line_of(s, "  l4 "), "unseen");
	ASSERT_CONTAINS(line_of(s, "  syscall "), "?()");
}

UNIT_CASE(jstatus_names)
{
	ASSERT_STREQ(pt_jstatus_name(PT_J_READ), "read");
	ASSERT_STREQ(pt_jstatus_name(PT_J_UNJOINED), "unjoined");
	ASSERT_STREQ(pt_jstatus_name(PT_J_DROPPED), "dropped");
	ASSERT_STREQ(pt_jstatus_name(PT_J_UNREAD), "unread");
}

/* -w's packet comment: the journey on one line. */
UNIT_CASE(journey_comment)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	char buf[512];

	pt_journey_comment(&j, &c, buf, sizeof(buf));
	ASSERT_STREQ(buf, "syscall +0ns, route +500ns, queue +1.1us, driver +400ns, copy +2.0us,"
		     " user +4.0us; total 8.0us; sent by ping pid 4242 with sendto();"
		     " unseen: l4 ip xmit");
	c.l4_func = "raw_sendmsg";
	j.status = PT_J_UNJOINED;
	pt_journey_comment(&j, &c, buf, 40);
	ASSERT_EQ_U64(strlen(buf), 39);		/* cut, never overrun */
	pt_journey_comment(&j, &c, buf, sizeof(buf));
	ASSERT_CONTAINS(buf, "with sendto() via raw_sendmsg(); unjoined; unseen:");
}

/* --explain: the walk-through's steps before each stage, explained once. */
UNIT_CASE(text_journey_explain)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	c.explain = true;
	c.explain_lines = true;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "  1.1  socket "), " syscall ");
	ASSERT_CONTAINS(line_of(s, "  1.1  socket "), "sendto()");
	ASSERT_CONTAINS(line_of(s, "  3.2  netfilter "), " ip ");
	ASSERT_CONTAINS(line_of(s, "  3.2  netfilter "), "unseen");
	ASSERT_CONTAINS(line_of(s, "  3.4  ARP "), " neigh ");
	ASSERT_CONTAINS(line_of(s, "  4.3  tcpdump tap "), " xmit ");
	ASSERT_CONTAINS(line_of(s, "  4.4  driver "), "400ns");
	ASSERT_CONTAINS(line_of(s, "  5.1  device queue "), "read() by pathtrace pid 777");
	ASSERT_CONTAINS(line_of(s, "  5.2  reader "), " user ");
	/* n/a says why, in the line under it. */
	ASSERT_CONTAINS(s, "  3.4  ARP           neigh                     n/a\n"
			   "                     no link layer on TUN\n");
	ASSERT_CONTAINS(s, "\n                     it waited in the tun device's queue");
	ASSERT_CONTAINS(line_of(s, "                     total "), "syscall -> user");
	/* Header, ten stages and ten explanations, total, blank line. */
	ASSERT_EQ_U64(count_char(s, '\n'), 23);

	c.explain_lines = false;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "  4.4  driver "), " driver ");
	ASSERT_EQ_U64(count_char(s, '\n'), 13);
}

/* A stage seen through a stand-in hook (netfilter) says which, in --explain. */
UNIT_CASE(explain_names_the_hook)
{
	struct pt_journey j = fx_journey_read();
	struct pt_stage_view v = fx_tun_view;
	struct pt_print_ctx c = ctx1;
	const char *s;

	v.state[PT_STAGE_IP] = PT_SEEN;
	v.hook[PT_STAGE_IP] = "netfilter POST_ROUTING, inside ip_output";
	j.ev.ts[PT_STAGE_IP] = 2000;
	c.view = &v;
	c.explain = true;
	c.explain_lines = true;
	s = journey_text(&j, &c);
	ASSERT_CONTAINS(line_of(s, "  3.2  netfilter "), "500ns");
	ASSERT_CONTAINS(s, "500ns\n"
			   "                     ip_output: the IP packet passes netfilter (iptables/nftables"
			   " OUTPUT, POSTROUTING) (seen at netfilter POST_ROUTING, inside ip_output)\n");
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "\"seen_at\":\"netfilter POST_ROUTING, inside ip_output\"");
	c.explain = false;
	ASSERT_TRUE(!strstr(journey_json(&j, &c), "seen_at"));
}

UNIT_CASE(json_journey_explain)
{
	struct pt_journey j = fx_journey_read();
	struct pt_print_ctx c = ctx1;
	const char *s;

	s = journey_json(&j, &c);
	ASSERT_NOT_CONTAINS(s, "\"step\"");
	c.explain = true;
	s = journey_json(&j, &c);
	ASSERT_CONTAINS(s, "{\"stage\":\"driver\",\"t_ns\":3000,\"delta_ns\":400,\"step\":\"4.4\","
			   "\"step_title\":\"driver\",\"explain\":\"");
	ASSERT_JQ(s, "[.stages[].step] == [\"1.1\",\"2.2\",\"4.1\",\"4.4\",\"5.1\",\"5.2\"]");
	ASSERT_JQ(s, "all(.stages[]; (.explain | length) > 20)");
}
