// SPDX-License-Identifier: GPL-2.0
/*
 * The packet filter's cases, differential against libpcap: each
 * expression is compiled by pcap_compile(), translated by user/cbpf.c over
 * the placeholder region of tests/bpf/filter.bpf.c's program, loaded, and
 * run through BPF_PROG_TEST_RUN on a corpus of packets (crafted IPv4 and
 * IPv6 UDP, TCP, ICMP, ICMPv6 with and without options, fragments, ARP and
 * VLAN frames, cut short, mutated, random); each verdict (kept or not)
 * must be pcap_offline_filter()'s on the same bytes, caplen and wirelen.
 * Each expression must keep some packets and leave out others, and the
 * program unpatched must keep them all, so that a case cannot pass with
 * the placeholder run instead of the filter.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cbpf.h"
#include "pathtrace.h"
#include "pt_hist.h"
#include "filter_test.h"
#include "filter.skel.h"
#include "pcapref.h"
#include "runner.h"

#define CAP PT_FILTER_CAP
#define MAX_SHOWN 3	/* mismatches shown per case */

struct pkt {
	unsigned char b[CAP];
	unsigned int caplen, wirelen;
};

struct corpus {
	struct pkt *p;
	unsigned int n, cap;
};

/* Corpus building. */

static unsigned int seed = 0x9e3779b9;

static unsigned int rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

static void add(struct corpus *c, const unsigned char *b, unsigned int len, unsigned int wirelen)
{
	struct pkt *p;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 512;
		c->p = realloc(c->p, c->cap * sizeof(*c->p));
		if (!c->p) {
			perror("bpf-logic: corpus");
			exit(1);
		}
	}
	p = &c->p[c->n++];
	memset(p, 0, sizeof(*p));
	p->caplen = len < CAP ? len : CAP;
	p->wirelen = wirelen;
	memcpy(p->b, b, p->caplen);
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, unsigned int v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* A packet to craft: IPv4 or IPv6 and what it carries. */
struct spec {
	int v6;
	unsigned char proto;	/* 6, 17, 1/58 (ICMP), or another */
	unsigned char tos;	/* IPv6: traffic class */
	unsigned int opt;	/* IPv4 option words; IPv6: a fragment header */
	unsigned int frag;	/* IPv4's flags and fragment offset */
	unsigned int src, dst;	/* IPv4; IPv6: the last word under 2001:db8:: */
	unsigned int sport, dport;
	unsigned char flags;	/* TCP flags; ICMP: the type */
	unsigned int tcpopt;	/* TCP option words */
	unsigned int payload;	/* bytes after the transport header */
	unsigned int magic;	/* the payload's first word */
	unsigned char ttl;
};

static unsigned int l4(unsigned char *p, const struct spec *s)
{
	unsigned int h = 0;

	switch (s->proto) {
	case 17:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put16(p + 4, 8 + s->payload);
		h = 8;
		break;
	case 6:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put32(p + 4, 0x01020304);
		put32(p + 8, 0);
		h = 20 + 4 * s->tcpopt;
		p[12] = (h / 4) << 4;
		p[13] = s->flags;
		put16(p + 14, 65535);
		for (unsigned int i = 20; i < h; i++)
			p[i] = 1;	/* NOP options */
		break;
	case 1:
	case 58:
		p[0] = s->flags;
		h = 8;
		break;
	}
	if (s->payload >= 4)
		put32(p + h, s->magic);
	return h + s->payload;
}

/* The IP packet @s into @p (room for 2048 bytes); its length. */
static unsigned int build_ip(unsigned char *p, const struct spec *s)
{
	unsigned int hl, len;

	memset(p, 0, 2048);
	if (!s->v6) {
		hl = 20 + 4 * s->opt;
		len = hl + l4(p + hl, s);
		p[0] = 0x40 | hl / 4;
		p[1] = s->tos;
		put16(p + 2, len);
		put16(p + 6, s->frag);
		p[8] = s->ttl;
		p[9] = s->proto;
		put32(p + 12, s->src);
		put32(p + 16, s->dst);
		for (unsigned int i = 20; i < hl; i++)
			p[i] = 1;	/* NOP options */
		return len;
	}
	hl = 40 + (s->opt ? 8 : 0);
	len = hl + l4(p + hl, s);
	put32(p, 0x60000000 | (unsigned int)s->tos << 20);
	put16(p + 4, len - 40);
	p[6] = s->opt ? 44 : s->proto;
	p[7] = s->ttl;
	put32(p + 8, 0x20010db8);
	put32(p + 20, s->src);
	put32(p + 24, 0x20010db8);
	put32(p + 36, s->dst);
	if (s->opt)
		p[40] = s->proto;	/* the fragment header's next header */
	return len;
}

static const unsigned char mac_a[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const unsigned char mac_b[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const unsigned char mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* An Ethernet header into @p, VLAN-tagged with @vid if nonzero; its length. */
static unsigned int eth(unsigned char *p, const unsigned char *dst, const unsigned char *src,
			unsigned int vid, unsigned int type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (!vid) {
		put16(p + 12, type);
		return 14;
	}
	put16(p + 12, 0x8100);
	put16(p + 14, vid);
	put16(p + 16, type);
	return 18;
}

static void add_arp(struct corpus *c, unsigned int op, unsigned int spa, unsigned int tpa,
		    const unsigned char *dst)
{
	unsigned char f[64] = { 0 };
	unsigned int h = eth(f, dst, mac_a, 0, 0x0806);

	put16(f + h, 1);
	put16(f + h + 2, 0x0800);
	f[h + 4] = 6;
	f[h + 5] = 4;
	put16(f + h + 6, op);
	memcpy(f + h + 8, mac_a, 6);
	put32(f + h + 14, spa);
	put32(f + h + 24, tpa);
	add(c, f, 60, 60);
}

static const unsigned int addrs[] = { 0xc0000201, 0xc0000202, 0xc6336407, 0xcb007109 };
static const unsigned int ports[] = { 53, 7, 80, 5001, 5005, 1234, 443, 5011 };
static const unsigned char tcpflags[] = { 0x02, 0x12, 0x10, 0x11, 0x04, 0x18 };
static const unsigned char toses[] = { 0, 0x10, 0x28, 0x2c, 0xb8, 0xff, 0x3f, 0x21 };
static const unsigned int payloads[] = { 0, 4, 12, 30, 100, 300, 1200 };

/* The i-th crafted packet: fields picked by strides, so that they mix. */
static struct spec spec_at(unsigned int i)
{
	static const unsigned char protos[] = { 17, 6, 1, 17, 47, 6 };
	struct spec s = { 0 };

	s.v6 = i % 4 == 3;
	s.proto = protos[(i + i / 4) % 6];
	if (s.v6 && s.proto == 1)
		s.proto = 58;
	s.tos = toses[(i / 2) % 8];
	s.opt = s.v6 ? i % 7 == 3 : (i % 5 == 1 ? (i / 5) % 11 : 0);
	s.frag = i % 13 == 0 ? 0x2000 : i % 17 == 0 ? 0x00b9 : i % 11 == 0 ? 0x4000 : 0;
	s.src = addrs[i % 4];
	s.dst = addrs[(i / 4) % 4];
	s.sport = ports[(i / 3) % 8];
	s.dport = ports[(i / 7) % 8];
	s.flags = s.proto == 6 ? tcpflags[i % 6] : (i % 3 ? 8 : 0);
	s.tcpopt = i % 3 == 0 ? 3 : 0;
	s.payload = payloads[(i / 5) % 7];
	s.magic = (i / 2) % 3 ? 0x1234abcd : 0x56780000 | i;
	s.ttl = i % 9 == 0 ? 5 : 64;
	return s;
}

#define NCRAFTED 240

/* Packets the expressions are about, for sure (TAP: in VLAN 100 too). */
static const struct spec sure[] = {
	{ .proto = 17, .src = 0xc0000201, .dst = 0xc0000202, .sport = 1234, .dport = 5001,
	  .payload = 12, .magic = 0x12345678, .ttl = 64 },
	{ .v6 = 1, .proto = 17, .src = 0xc0000201, .dst = 0xc0000202, .sport = 1234,
	  .dport = 5001, .payload = 12, .magic = 0x12345678, .ttl = 64 },
	{ .proto = 6, .opt = 2, .src = 0xc0000201, .dst = 0xcb007109, .sport = 40000,
	  .dport = 80, .flags = 0x02, .tcpopt = 3, .ttl = 64 },
	{ .proto = 1, .src = 0xc0000202, .dst = 0xc0000201, .flags = 8, .payload = 56,
	  .ttl = 64 },
	{ .v6 = 1, .proto = 58, .src = 0xc0000202, .dst = 0xc0000201, .flags = 128,
	  .payload = 56, .ttl = 64 },
	{ .proto = 17, .src = 0xc6336407, .dst = 0xc0000201, .sport = 53, .dport = 33000,
	  .payload = 300, .ttl = 64 },
};

static void add_ip(struct corpus *c, enum ref_link link, const struct spec *s, unsigned int i,
		   unsigned int vid)
{
	static unsigned char ip[2048], f[2048 + 18];
	unsigned int len = build_ip(ip, s), h = 0;

	if (link == REF_TAP)
		h = eth(f, i % 5 == 2 ? mac_bcast : i % 2 ? mac_a : mac_b, i % 2 ? mac_b : mac_a,
			vid, s->v6 ? 0x86dd : 0x0800);
	memcpy(f + h, ip, len);
	add(c, f, h + len, h + len);
}

/* The crafted packets, framed for @link; every one cut short twice too. */
static void add_crafted(struct corpus *c, enum ref_link link)
{
	unsigned char f[CAP];
	unsigned int first = c->n;

	for (unsigned int i = 0; i < NCRAFTED; i++) {
		struct spec s = spec_at(i);

		add_ip(c, link, &s, i, i % 7 == 1 ? (i % 2 ? 100 : 7) : 0);
	}
	for (unsigned int i = 0; i < sizeof(sure) / sizeof(sure[0]); i++) {
		add_ip(c, link, &sure[i], i, 0);
		if (link == REF_TAP)
			add_ip(c, link, &sure[i], i, 100);
	}
	if (link == REF_TAP) {
		add_arp(c, 1, addrs[0], addrs[1], mac_bcast);
		add_arp(c, 2, addrs[1], addrs[0], mac_a);
		add_arp(c, 1, addrs[2], addrs[3], mac_bcast);
		memset(f, 0xab, 200);
		eth(f, mac_b, mac_a, 0, 0x88cc);	/* LLDP */
		add(c, f, 60, 60);
		eth(f, mac_bcast, mac_b, 0, 46);	/* 802.3 with a length */
		add(c, f, 60, 60);
		eth(f, mac_a, mac_b, 100, 0x0806);	/* ARP in a VLAN */
		add(c, f, 60, 60);
	}
	for (unsigned int i = first, n = c->n; i < n; i++) {
		unsigned int caplen = c->p[i].caplen, wirelen = c->p[i].wirelen;
		unsigned char b[CAP];

		memcpy(b, c->p[i].b, CAP);	/* add() may move the corpus */
		for (int k = 0; k < 2 && caplen; k++)
			add(c, b, rnd() % caplen, wirelen);
	}
}

/* Crafted packets with bytes changed, and random bytes. */
static void add_noise(struct corpus *c, enum ref_link link, unsigned int crafted)
{
	static const unsigned int types[] = { 0x0800, 0x86dd, 0x8100, 0x0806 };
	unsigned char b[CAP];

	for (int i = 0; i < 300; i++) {
		const struct pkt *p = &c->p[rnd() % crafted];
		unsigned int caplen = p->caplen, wirelen = p->wirelen;
		unsigned int span = caplen < 64 ? caplen : 64;

		memcpy(b, p->b, CAP);
		for (unsigned int k = 0, m = 1 + rnd() % 4; k < m && span; k++)
			b[rnd() % span] = rnd();
		add(c, b, caplen, wirelen);
	}
	for (int i = 0; i < 150; i++) {
		unsigned int len = rnd() % (CAP + 1);

		for (unsigned int k = 0; k < CAP; k++)
			b[k] = rnd();
		if (link == REF_TUN && i % 2)
			b[0] = (i % 4 == 1 ? 0x40 : 0x60) | (b[0] & 0xf);
		if (link == REF_TAP && i % 2)
			put16(b + 12, types[(i / 2) % 4]);
		add(c, b, len, rnd() % 3 ? len : len + rnd() % 2000);
	}
}

static void build_corpus(struct corpus *c, enum ref_link link)
{
	unsigned int crafted;

	add_crafted(c, link);
	crafted = c->n;
	add_noise(c, link, crafted);
}

/* The expressions. */

struct fexpr {
	const char *name;
	const char *expr;
};

/*
 * Long ones, made at start: "tcp port 1001 or ... or tcp port 1300 or udp
 * port 1" (about 1650 of the region's 2054 instructions on TAP), and 40
 * "(ip[i] & m = v and udp[j:2] > w) or" (many loads and branches for the
 * verifier to walk).
 */
static char ports_expr[8192], mixed_expr[4096];

static void make_long_exprs(void)
{
	ports_expr[0] = mixed_expr[0] = 0;
	for (int i = 1; i <= 300; i++)
		snprintf(ports_expr + strlen(ports_expr), sizeof(ports_expr) - strlen(ports_expr),
			 "tcp port %d or ", 1000 + i);
	strcat(ports_expr, "udp port 1");
	for (int i = 1; i <= 40; i++)
		snprintf(mixed_expr + strlen(mixed_expr), sizeof(mixed_expr) - strlen(mixed_expr),
			 "(ip[%d] & 0x%x = %d and udp[%d:2] > %d) or ", i % 20, i * 3 + 1, i % 5,
			 i % 8, i * 100);
	strcat(mixed_expr, "ip6");
}

static const struct fexpr tun_exprs[] = {
	{ "udp", "udp" },
	{ "icmp", "icmp" },
	{ "ip6", "ip6" },
	{ "udp_dport", "udp dst port 5001" },
	{ "udp53_or_icmp", "udp port 53 or icmp" },
	{ "ttl", "ip[8] > 10" },
	{ "ip6_udp", "ip6 and udp" },
	{ "tcp_syn", "tcp[tcpflags] & tcp-syn != 0" },
	{ "len", "len > 100" },
	{ "host_not_port", "host 192.0.2.1 and not port 7" },
	{ "div", "ip[2:2] / 2 > 40" },
	{ "udp_word", "udp[8:4] & 0xffff0000 = 0x12340000" },
	{ "portrange", "portrange 5000-5010" },
	{ "ip6_icmp6", "ip6 and icmp6" },
	{ "ip_options", "ip[0] & 0xf > 5" },
	{ "tcp_port", "tcp port 80" },
	{ "mod", "ip proto 17 and udp[0:2] % 3 = 1" },
	{ "shift_x", "ip[0] << (ip[1] & 63) != 0" },
	{ "rshift_x", "ip[2:2] >> (ip[1] & 0x3f) = 0" },
	{ "div_x", "ip[2:2] / (ip[1] & 3) < 100" },
	{ "mod_x", "ip[2:2] % (ip[1] & 7) != 1" },
	{ "xor_sub_mul", "(ip[8] ^ 0x7f) - 1 > 40 and ip[1] * 3 < 200" },
	{ "neg", "-ip[1] < 0xffffff00" },
	{ "net", "src net 198.51.100.0/24 or dst net 203.0.113.0/24" },
	{ "ip6_host", "ip6 host 2001:db8::c000:201" },
	{ "fragment", "ip[6:2] & 0x1fff != 0 or ip[6] & 0x20 != 0" },
	{ "tcp_word_x", "tcp[4:4] = 0x01020304 and tcp[13] & 0x10 != 0" },
	{ "icmp_echo", "icmp[icmptype] = icmp-echo or icmp6" },
	{ "ip6_tcp_port", "ip6 and tcp port 80" },
	{ "big", "(udp and (dst port 5001 or src port 53 or portrange 5005-5011)) or "
		 "(tcp and (port 80 or port 443) and tcp[tcpflags] & (tcp-syn|tcp-fin) != 0) or "
		 "(ip6 and (icmp6 or udp port 1234)) or (host 192.0.2.2 and len > 200) or "
		 "(ip[8] < 10 and not ip6)" },
	{ "mixed", mixed_expr },
	{ "ports300", ports_expr },
	{ NULL, NULL },
};

static const struct fexpr tap_exprs[] = {
	{ "udp", "udp" },
	{ "icmp", "icmp" },
	{ "ip6", "ip6" },
	{ "udp_dport", "udp dst port 5001" },
	{ "udp53_or_icmp", "udp port 53 or icmp" },
	{ "not_arp", "not arp" },
	{ "arp", "arp" },
	{ "ttl", "ip[8] > 10" },
	{ "ip6_udp", "ip6 and udp" },
	{ "tcp_syn", "tcp[tcpflags] & tcp-syn != 0" },
	{ "len", "len > 100" },
	{ "ether_host", "ether host 02:00:00:00:00:01" },
	{ "vlan", "vlan" },
	{ "vlan_udp", "vlan 100 and udp port 5001" },
	{ "host_not_port", "host 192.0.2.1 and not port 7" },
	{ "div", "ip[2:2] / 2 > 40" },
	{ "udp_word", "udp[8:4] & 0xffff0000 = 0x12340000" },
	{ "portrange", "portrange 5000-5010" },
	{ "ip6_icmp6", "ip6 and icmp6" },
	{ "ip_options", "ip[0] & 0xf > 5" },
	{ "tcp_port", "tcp port 80" },
	{ "mod", "ip proto 17 and udp[0:2] % 3 = 1" },
	{ "shift_x", "ip[0] << (ip[1] & 63) != 0" },
	{ "div_x", "ip[2:2] / (ip[1] & 3) < 100" },
	{ "broadcast", "ether broadcast" },
	{ "arp_host", "arp host 192.0.2.1" },
	{ "big", "(vlan and (udp or arp)) or (not vlan and ((udp and (dst port 5001 or "
		 "src port 53 or portrange 5005-5011)) or (tcp and (port 80 or port 443) and "
		 "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0) or (ip6 and (icmp6 or udp port 1234)) "
		 "or (host 192.0.2.2 and len > 200) or ether src 02:00:00:00:00:02))" },
	{ "mixed", mixed_expr },
	{ "ports300", ports_expr },
	{ NULL, NULL },
};

/* The runs. */

/* @e, or its start if it is long. */
static const char *brief(const char *e)
{
	static char b[128];

	if (strlen(e) <= 100)
		return e;
	snprintf(b, sizeof(b), "%.72s... (%zu characters)", e, strlen(e));
	return b;
}

static char flog[16384];	/* libpcap's and libbpf's messages of the case */

static int keep_flog(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(flog);

	if (level != LIBBPF_DEBUG && n < sizeof(flog) - 1)
		vsnprintf(flog + n, sizeof(flog) - n, fmt, ap);
	return 0;
}

/* Opens the test object, patched with @c unless NULL, and loads it. */
static struct filter_bpf *load(const struct sock_filter *c, unsigned int n, int *len)
{
	struct filter_bpf *o = filter_bpf__open();
	struct bpf_program *prog;
	struct bpf_insn *insns = NULL;
	size_t cnt;
	char err[256];
	int r;

	if (!o) {
		failf("test object not opened: %s", strerror(errno));
		return NULL;
	}
	prog = o->progs.filter_run;
	if (c) {
		cnt = bpf_program__insn_cnt(prog);
		insns = malloc(cnt * sizeof(*insns));
		if (!insns) {
			failf("out of memory");
			goto fail;
		}
		/* The translation's length first, in what will be the region. */
		*len = pt_cbpf_translate(c, n, BPF_REG_6, BPF_REG_7, insns,
					 cnt < PT_FILTER_REGION ? (unsigned int)cnt : PT_FILTER_REGION,
					 err, sizeof(err));
		memcpy(insns, bpf_program__insns(prog), cnt * sizeof(*insns));
		r = pt_cbpf_patch(insns, cnt, c, n, err, sizeof(err));
		if (r != 1) {
			failf("patched %d regions, want 1: %s", r, err);
			goto fail;
		}
		if (bpf_program__set_insns(prog, insns, cnt)) {
			failf("bpf_program__set_insns: %s", strerror(errno));
			goto fail;
		}
	}
	flog[0] = 0;
	if (filter_bpf__load(o)) {
		failf("not loaded: %s: %.*s", strerror(errno), 300,
		      strlen(flog) > 300 ? flog + strlen(flog) - 300 : flog);
		goto fail;
	}
	free(insns);
	return o;
fail:
	free(insns);
	filter_bpf__destroy(o);
	return NULL;
}

/* The loaded filter's verdict on @p: 0 or 1, -1 if it did not run. */
static int verdict(struct filter_bpf *o, const struct pkt *p)
{
	struct pt_filter_ctx c = { .caplen = p->caplen, .wirelen = p->wirelen, .verdict = 7 };
	LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = &c, .ctx_size_in = sizeof(c));

	memcpy(c.pkt, p->b, CAP);
	if (bpf_prog_test_run_opts(bpf_program__fd(o->progs.filter_run), &t)) {
		failf("test run: %s", strerror(errno));
		return -1;
	}
	if (t.retval || c.verdict > 1) {
		failf("test run: returned %u, verdict %llu", t.retval,
		      (unsigned long long)c.verdict);
		return -1;
	}
	return (int)c.verdict;
}

static void show(const char *what, const char *expr, unsigned int i, const struct pkt *p,
		 unsigned int ref, int got)
{
	printf("  %s '%s': packet %u (caplen %u, wirelen %u): libpcap %u, bpf %d:", what, brief(expr),
	       i, p->caplen, p->wirelen, ref, got);
	for (unsigned int k = 0; k < p->caplen; k++)
		printf("%s%02x", k % 32 ? " " : "\n   ", p->b[k]);
	printf("\n");
}

/* One expression on the corpus. Fills @why on a failure; @detail on a pass. */
static void filter_case(enum ref_link link, const struct fexpr *e, const struct corpus *cp,
			char *detail, size_t dlen)
{
	const char *what = link == REF_TAP ? "tap" : "tun";
	unsigned int n, kept = 0, bad = 0;
	struct ref_prog *ref;
	struct filter_bpf *o;
	const void *insns;
	char err[512];
	int len = -1;

	ref = ref_compile(link, e->expr, err, sizeof(err));
	if (!ref) {
		failf("'%s': %s", brief(e->expr), err);
		return;
	}
	insns = ref_insns(ref, &n);
	o = load(insns, n, &len);
	for (unsigned int i = 0; o && i < cp->n; i++) {
		const struct pkt *p = &cp->p[i];
		unsigned int want = ref_filter(ref, p->b, p->caplen, p->wirelen);
		int got = verdict(o, p);

		if (got < 0)
			break;
		kept += want != 0;
		if (got != (want != 0) && bad++ < MAX_SHOWN)
			show(what, e->expr, i, p, want, got);
	}
	if (bad)
		failf("'%s': %u of %u packets judged unlike libpcap", brief(e->expr), bad, cp->n);
	else if (!kept || kept == cp->n)
		failf("'%s': libpcap keeps %u of %u packets: the corpus cannot tell the "
		      "filter from a constant", brief(e->expr), kept, cp->n);
	snprintf(detail, dlen, "'%s': %u classic, %d eBPF instructions, need %u bytes; "
		 "%u of %u kept", brief(e->expr), n, len, pt_cbpf_need(insns, n), kept, cp->n);
	filter_bpf__destroy(o);
	ref_free(ref);
}

/* The placeholder as it is compiled keeps every packet. */
static void unpatched_case(const struct corpus *cp)
{
	struct filter_bpf *o = load(NULL, 0, NULL);

	for (unsigned int i = 0; o && i < cp->n; i++) {
		int got = verdict(o, &cp->p[i]);

		if (got < 0)
			break;
		if (got != 1) {
			failf("packet %u left out by the unpatched placeholder", i);
			break;
		}
	}
	filter_bpf__destroy(o);
}

static int report(const char *name, const char *detail)
{
	if (why[0]) {
		printf("FAIL bpf_filter_%s: %s\n", name, why);
		return 1;
	}
	printf("PASS bpf_filter_%s%s%s\n", name, detail[0] ? ": " : "", detail);
	return 0;
}

void pt_logic_filter_skip(const char *reason)
{
	printf("SKIP bpf_filter_unpatched: %s\n", reason);
	for (const struct fexpr *e = tun_exprs; e->name; e++)
		printf("SKIP bpf_filter_tun_%s: %s\n", e->name, reason);
	for (const struct fexpr *e = tap_exprs; e->name; e++)
		printf("SKIP bpf_filter_tap_%s: %s\n", e->name, reason);
}

int pt_logic_filter_cases(void)
{
	struct corpus cp[2] = { { 0 }, { 0 } };
	libbpf_print_fn_t prev = libbpf_set_print(keep_flog);
	char name[64], detail[512];
	int failed = 0;

	make_long_exprs();
	build_corpus(&cp[REF_TUN], REF_TUN);
	build_corpus(&cp[REF_TAP], REF_TAP);
	why[0] = 0;
	unpatched_case(&cp[REF_TUN]);
	unpatched_case(&cp[REF_TAP]);
	snprintf(detail, sizeof(detail), "%u TUN and %u TAP packets all kept", cp[REF_TUN].n,
		 cp[REF_TAP].n);
	failed |= report("unpatched", detail);
	for (int l = REF_TUN; l <= REF_TAP; l++) {
		const struct fexpr *e = l == REF_TAP ? tap_exprs : tun_exprs;

		for (; e->name; e++) {
			why[0] = detail[0] = 0;
			filter_case(l, e, &cp[l], detail, sizeof(detail));
			snprintf(name, sizeof(name), "%s_%s", l == REF_TAP ? "tap" : "tun",
				 e->name);
			failed |= report(name, detail);
		}
	}
	libbpf_set_print(prev);
	free(cp[0].p);
	free(cp[1].p);
	return failed;
}
