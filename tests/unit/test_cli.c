// SPDX-License-Identifier: GPL-2.0
/* user/cli.c: pt_check_ifname, pt_parse_cidr4, pt_cli_parse. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "unit.h"
#include "unit_cli.h"
#include "util.h"

/* pt_cli_parse() */

/*
 * Make getopt forget everything (glibc keeps its position inside a cluster
 * of short options across calls unless optind is set to 0).
 */
static void reset_getopt(void)
{
	char a0[] = "unit", *av[] = { a0, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, av, "") != -1)
		;
}

/*
 * Run pt_cli_parse() on "pathtrace" and the NULL-terminated arguments, with
 * its stdout in *out (unless @out is NULL) and its stderr in *err. getopt
 * is reset afterwards so that one case's leftovers cannot reach another.
 */
enum pt_cli_result unit_cli(struct pt_opts *o, const char **out, const char **err, ...)
{
	char **argv = unit_track(calloc(32, sizeof(*argv)));
	enum pt_cli_result r;
	const char *a, *o1;
	int argc = 0;
	va_list ap;

	argv[argc++] = unit_track(strdup("pathtrace"));
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) && argc < 31)
		argv[argc++] = unit_track(strdup(a));	/* getopt permutes */
	va_end(ap);

	unit_capture_begin(1);
	unit_capture_begin(2);
	r = pt_cli_parse(argc, argv, o);
	*err = unit_capture_end(2);
	o1 = unit_capture_end(1);
	if (out)
		*out = o1;
	reset_getopt();
	return r;
}

/* A usage error: reported on stderr (containing @msg), nothing on stdout. */
#define ASSERT_USAGE(msg, ...)						\
	do {								\
		struct pt_opts o_;					\
		const char *out_, *err_;				\
									\
		ASSERT_EQ_I64(unit_cli(&o_, &out_, &err_, __VA_ARGS__, NULL), \
			      PT_CLI_USAGE);				\
		ASSERT_CONTAINS(err_, msg);				\
		ASSERT_STREQ(out_, "");					\
	} while (0)

UNIT_CASE(cli_dev_required)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "pathtrace: no device given");
	ASSERT_CONTAINS(err, "Try 'pathtrace --help'");
	ASSERT_USAGE("no device given", "--json", "-c", "3");
}

UNIT_CASE(cli_dev_too_long)
{
	ASSERT_USAGE("'abcdefghijklmnop' is too long", "--dev", "abcdefghijklmnop");
}

UNIT_CASE(cli_dev_invalid)
{
	ASSERT_USAGE("invalid device name 'a/b'", "--dev", "a/b");
	ASSERT_USAGE("invalid device name", "--dev", "");
}

UNIT_CASE(cli_count_zero)
{
	ASSERT_USAGE("invalid count '0'", "--dev", "tun0", "-c", "0");
}

UNIT_CASE(cli_count_trailing_garbage)
{
	ASSERT_USAGE("invalid count '10abc'", "--dev", "tun0", "-c", "10abc");
}

UNIT_CASE(cli_count_negative)
{
	ASSERT_USAGE("invalid count '-1'", "--dev", "tun0", "-c", "-1");
	ASSERT_USAGE("invalid count '-1'", "--dev", "tun0", "--count=-1");
}

UNIT_CASE(cli_count_bounds)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "-c", "4294967295", NULL),
		      PT_CLI_RUN);
	ASSERT_EQ_U64(o.count, 4294967295u);
	ASSERT_USAGE("invalid count '4294967296'", "--dev", "tun0", "-c", "4294967296");
}

UNIT_CASE(cli_unknown_option)
{
	ASSERT_USAGE("unknown option '--bogus'", "--dev", "tun0", "--bogus");
	ASSERT_USAGE("unknown option '-x'", "--dev", "tun0", "-x");
}

/* The option named must be the unknown one, also inside a cluster. */
UNIT_CASE(cli_unknown_option_in_cluster_named)
{
	ASSERT_USAGE("unknown option '-x'", "-xv", "--dev", "tun0");
}

UNIT_CASE(cli_missing_argument)
{
	ASSERT_USAGE("option '--dev' needs an argument", "--dev");
	ASSERT_USAGE("option '-c' needs an argument", "--dev", "tun0", "-c");
}

/* The arguments left are the filter expression, joined as tcpdump joins them. */
UNIT_CASE(cli_expression)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.expr, "");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "udp", "dst", "port", "5001", NULL),
		      PT_CLI_RUN);
	ASSERT_STREQ(o.expr, "udp dst port 5001");
	/* Options may come after it (GNU getopt), and one argument may hold it all. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "icmp or ip6", "--dev", "tun0", "--json", NULL),
		      PT_CLI_RUN);
	ASSERT_STREQ(o.expr, "icmp or ip6");
	ASSERT_TRUE(o.json);
	/* --hist: leading numbers are the interval and count, then the expression. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--hist", "2", "3", "udp", NULL),
		      PT_CLI_RUN);
	ASSERT_EQ_I64(o.interval, 2);
	ASSERT_EQ_I64(o.intervals, 3);
	ASSERT_STREQ(o.expr, "udp");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--hist", "arp", NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.interval, 0);
	ASSERT_STREQ(o.expr, "arp");
	ASSERT_USAGE("invalid interval '0x'", "--dev", "tun0", "--hist", "0x", "udp");
}

UNIT_CASE(cli_expression_too_long)
{
	static char big[PT_MAX_EXPR + 2];

	memset(big, 'a', PT_MAX_EXPR);
	ASSERT_USAGE("too long (at most " PT_FILTER_STR(PT_MAX_EXPR) " bytes)", "--dev", "tun0", big, "b");
	big[PT_MAX_EXPR] = 'a';
	ASSERT_USAGE("too long (at most " PT_FILTER_STR(PT_MAX_EXPR) " bytes)", "--dev", "tun0", big);
}

UNIT_CASE(cli_pid_comm)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--pid", "42", "--pid", "7",
			  "--comm", "iperf3", NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.nr_pids, 2);
	ASSERT_EQ_I64(o.pids[0], 42);
	ASSERT_EQ_I64(o.pids[1], 7);
	ASSERT_STREQ(o.comm, "iperf3");
	ASSERT_USAGE("invalid --pid 'x'", "--dev", "tun0", "--pid", "x");
	ASSERT_USAGE("invalid --pid '0'", "--dev", "tun0", "--pid", "0");
	ASSERT_USAGE("invalid --comm '0123456789abcdef'", "--dev", "tun0",
		     "--comm", "0123456789abcdef");
	ASSERT_USAGE("invalid --comm ''", "--dev", "tun0", "--comm", "");
}

UNIT_CASE(cli_pid_limit)
{
	struct pt_opts o;
	const char *out, *err;

	_Static_assert(PT_MAX_PIDS == 16, "the case below names 16 and 17 processes");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0",
			  "--pid=1", "--pid=2", "--pid=3", "--pid=4", "--pid=5", "--pid=6",
			  "--pid=7", "--pid=8", "--pid=9", "--pid=10", "--pid=11", "--pid=12",
			  "--pid=13", "--pid=14", "--pid=15", "--pid=16", NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.pids[15], 16);
	ASSERT_USAGE("too many --pid (at most 16)", "--dev", "tun0",
		     "--pid=1", "--pid=2", "--pid=3", "--pid=4", "--pid=5", "--pid=6",
		     "--pid=7", "--pid=8", "--pid=9", "--pid=10", "--pid=11", "--pid=12",
		     "--pid=13", "--pid=14", "--pid=15", "--pid=16", "--pid=17");
}

UNIT_CASE(cli_bad_addr)
{
	ASSERT_USAGE("invalid --addr '192.0.2.1'", "--dev", "tun0", "--addr", "192.0.2.1");
	ASSERT_USAGE("invalid --addr '192.0.2.1/33'", "--dev", "tun0", "--addr", "192.0.2.1/33");
}

UNIT_CASE(cli_help)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--help", NULL), PT_CLI_EXIT);
	ASSERT_TRUE(!strncmp(out, "Usage: pathtrace --dev IFACE [options] [expression]\n", 52));
	ASSERT_CONTAINS(out, "--ready-file FILE");
	ASSERT_STREQ(err, "");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "-h", NULL), PT_CLI_EXIT);
	ASSERT_TRUE(!strncmp(out, "Usage: pathtrace --dev IFACE [options] [expression]\n", 52));
	/* Before the other checks: no --dev needed, bad ones not looked at. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "a/b", "--help", NULL), PT_CLI_EXIT);
	ASSERT_STREQ(err, "");
}

UNIT_CASE(cli_version)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "-V", NULL), PT_CLI_EXIT);
	ASSERT_STREQ(out, "pathtrace " PT_VERSION "\n");
	ASSERT_STREQ(err, "");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--version", NULL), PT_CLI_EXIT);
	ASSERT_STREQ(out, "pathtrace " PT_VERSION "\n");
}

UNIT_CASE(cli_full_set)
{
	struct pt_opts o;
	const char *out, *err;

	memset(&o, 0xab, sizeof(o));
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "x", "--addr", "198.18.0.1/15",
			  "--json", "-c", "5", "--ready-file", "f", "--no-create",
			  NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "x");
	ASSERT_EQ_U64(ntohl(o.addr.s_addr), 0xc6120001);	/* 198.18.0.1 */
	ASSERT_EQ_U64(o.prefix, 15);
	ASSERT_TRUE(o.json);
	ASSERT_EQ_U64(o.count, 5);
	ASSERT_STREQ(o.ready_file, "f");
	ASSERT_TRUE(o.no_create);
	ASSERT_STREQ(out, "");
	ASSERT_STREQ(err, "");
}

UNIT_CASE(cli_defaults)
{
	struct pt_opts o;
	const char *out, *err;

	memset(&o, 0xab, sizeof(o));
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "nsfocus_tun0", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "nsfocus_tun0");
	ASSERT_EQ_U64(ntohl(o.addr.s_addr), 0xc0000201);	/* 192.0.2.1 */
	ASSERT_EQ_U64(o.prefix, 24);
	ASSERT_FALSE(o.json);
	ASSERT_FALSE(o.no_create);
	ASSERT_EQ_U64(o.count, 0);
	ASSERT_NULL(o.ready_file);
	ASSERT_STREQ(out, "");
	ASSERT_STREQ(err, "");
}

UNIT_CASE(cli_short_options)
{
	struct pt_opts o;
	const char *out, *err;
	int verbose = pt_verbose;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "-i", "tun7", "-c", "7", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "tun7");
	ASSERT_EQ_U64(o.count, 7);
	ASSERT_EQ_I64(pt_verbose, verbose);
	/* A cluster, the last option taking the rest as its argument. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "-vitun8", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "tun8");
	ASSERT_EQ_I64(pt_verbose, verbose + 1);
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "-v", "--dev=tun9", "--verbose", NULL),
		      PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "tun9");
	ASSERT_EQ_I64(pt_verbose, verbose + 3);
	pt_verbose = verbose;
}

/*
 * pt_cli_parse() resets optind itself, so a second parse must not depend
 * on where the first stopped: here inside the cluster "-Vx".
 */
UNIT_CASE(cli_reparse_after_cluster)
{
	char a0[] = "pathtrace", a1[] = "-Vx";
	char b0[] = "pathtrace", b1[] = "--dev", b2[] = "tun0";
	char *first[] = { a0, a1, NULL }, *second[] = { b0, b1, b2, NULL };
	enum pt_cli_result r1, r2;
	struct pt_opts o;
	const char *out, *err;

	unit_capture_begin(1);
	unit_capture_begin(2);
	r1 = pt_cli_parse(2, first, &o);
	r2 = pt_cli_parse(3, second, &o);
	err = unit_capture_end(2);
	out = unit_capture_end(1);
	reset_getopt();
	ASSERT_EQ_I64(r1, PT_CLI_EXIT);
	ASSERT_EQ_I64(r2, PT_CLI_RUN);
	ASSERT_STREQ(o.dev, "tun0");
	ASSERT_STREQ(out, "pathtrace " PT_VERSION "\n");
	ASSERT_STREQ(err, "");
}

/* pt_check_ifname() */

UNIT_CASE(check_ifname_ok)
{
	ASSERT_EQ_I64(pt_check_ifname("nsfocus_tun0"), 0);
	ASSERT_EQ_I64(pt_check_ifname("tun0"), 0);
	ASSERT_EQ_I64(pt_check_ifname("a"), 0);
	ASSERT_EQ_I64(pt_check_ifname("a.b-c_d"), 0);
	ASSERT_EQ_I64(pt_check_ifname("abcdefghijklmno"), 0);	/* 15 bytes */
}

UNIT_CASE(check_ifname_too_long)
{
	ASSERT_EQ_I64(pt_check_ifname("abcdefghijklmnop"), -ENAMETOOLONG);	/* 16 */
	ASSERT_EQ_I64(pt_check_ifname("a_name_much_longer_than_ifnamsiz"), -ENAMETOOLONG);
}

UNIT_CASE(check_ifname_invalid)
{
	ASSERT_EQ_I64(pt_check_ifname(""), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("."), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname(".."), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("a/b"), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("a b"), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("a:b"), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("a\tb"), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("a\nb"), -EINVAL);
	ASSERT_EQ_I64(pt_check_ifname("/"), -EINVAL);
}

/* pt_parse_cidr4() */

UNIT_CASE(cidr4_good)
{
	struct in_addr a;
	unsigned int p = 99;

	ASSERT_EQ_I64(pt_parse_cidr4("198.18.0.1/15", &a, &p), 0);
	ASSERT_EQ_U64(ntohl(a.s_addr), 0xc6120001);
	ASSERT_EQ_U64(p, 15);
	ASSERT_EQ_I64(pt_parse_cidr4("0.0.0.0/0", &a, &p), 0);
	ASSERT_EQ_U64(ntohl(a.s_addr), 0);
	ASSERT_EQ_U64(p, 0);
	ASSERT_EQ_I64(pt_parse_cidr4("255.255.255.255/32", &a, &p), 0);
	ASSERT_EQ_U64(ntohl(a.s_addr), 0xffffffff);
	ASSERT_EQ_U64(p, 32);
}

UNIT_CASE(cidr4_missing_prefix)
{
	struct in_addr a;
	unsigned int p;

	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/", &a, &p), -EINVAL);
}

UNIT_CASE(cidr4_bad_prefix)
{
	struct in_addr a;
	unsigned int p;

	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/33", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/-1", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/+8", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/ 8", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.1/8/8", &a, &p), -EINVAL);
}

UNIT_CASE(cidr4_bad_address)
{
	struct in_addr a;
	unsigned int p;

	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2.256/24", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("192.0.2/24", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("tun0/24", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("/24", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("2001:db8::1/64", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("1111111111111111111111111111/8", &a, &p), -EINVAL);
}

UNIT_CASE(cidr4_trailing_garbage)
{
	struct in_addr a;
	unsigned int p;

	ASSERT_EQ_I64(pt_parse_cidr4("1.2.3.4/24x", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4("1.2.3.4x/24", &a, &p), -EINVAL);
	ASSERT_EQ_I64(pt_parse_cidr4(" 1.2.3.4/24", &a, &p), -EINVAL);
}

UNIT_CASE(cli_backend)
{
	const char *out, *err;
	struct pt_opts o;

	ASSERT_EQ_U64(unit_cli(&o, &out, &err, "--dev", "t", "--backend", "kprobe", NULL), PT_CLI_RUN);
	ASSERT_EQ_U64(o.backend, PT_BACKEND_KPROBE);
	ASSERT_EQ_U64(unit_cli(&o, &out, &err, "--dev", "t", NULL), PT_CLI_RUN);
	ASSERT_EQ_U64(o.backend, PT_BACKEND_AUTO);
	ASSERT_USAGE("unknown backend 'ebpf'", "--dev", "t", "--backend", "ebpf");
	for (int b = PT_BACKEND_AUTO; b <= PT_BACKEND_TRACEPOINT; b++)
		ASSERT_EQ_U64(pt_backend_from_name(pt_backend_name(b)), b);
	ASSERT_EQ_U64(pt_backend_from_name("fentry"), PT_BACKEND_FENTRY);
	ASSERT_EQ_U64(pt_backend_from_name("FENTRY"), (uint64_t)-1);
}

UNIT_CASE(cli_busy_poll)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", NULL), PT_CLI_RUN);
	ASSERT_FALSE(o.busy_poll);
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--hist", "--busy-poll", NULL),
		      PT_CLI_RUN);
	ASSERT_TRUE(o.busy_poll && o.hist);
}

UNIT_CASE(cli_demo_tun_tap)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tun", NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.demo, PT_DEMO_TUN);
	ASSERT_STREQ(o.dev, "nsfocus_tun0");
	ASSERT_FALSE(o.tap);
	ASSERT_TRUE(o.explain);
	ASSERT_STREQ(o.write_file, "tun.pcapng");
	ASSERT_STREQ(o.report, "tun.html");
	ASSERT_TRUE(o.force && o.no_addr6);

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tap", "--backend", "tracepoint", "--json",
			  NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.demo, PT_DEMO_TAP);
	ASSERT_STREQ(o.dev, "nsfocus_tap0");
	ASSERT_TRUE(o.tap && o.json);
	ASSERT_EQ_I64(o.backend, PT_BACKEND_TRACEPOINT);
	ASSERT_STREQ(o.write_file, "tap.pcapng");
	ASSERT_STREQ(err, "");
}

/* demo tcp: the relay to its own namespace (no name), IPv4 only. */
UNIT_CASE(cli_demo_tcp)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tcp", NULL), PT_CLI_RUN);
	ASSERT_EQ_I64(o.demo, PT_DEMO_TCP);
	ASSERT_STREQ(o.dev, "nsfocus_tun0");
	ASSERT_FALSE(o.tap || o.echo || o.hist);
	ASSERT_TRUE(o.explain && o.force && o.no_addr6);
	ASSERT_TRUE(o.relay);
	ASSERT_STREQ(o.relay_ns, "");
	ASSERT_STREQ(o.relay_dev, "nsfocus_peer0");
	ASSERT_EQ_U64(o.nr_relay_addrs, 1);
	ASSERT_EQ_I64(o.relay_addrs[0].family, AF_INET);
	ASSERT_EQ_U64(o.relay_addrs[0].prefix, 24);
	ASSERT_STREQ(o.write_file, "tcp.pcapng");
	ASSERT_STREQ(o.report, "tcp.html");
	ASSERT_STREQ(err, "");
}

UNIT_CASE(cli_demo_bad)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "demo needs an experiment: tun, tap or tcp");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tan", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "demo needs an experiment: tun, tap or tcp");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tcp", "--relay", "a:b", NULL),
		      PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "option '--relay' does not go with demo");
	/* The demo makes its own device, traffic and files. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tun", "--dev", "x", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "option '--dev' does not go with demo");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tap", "-w", "f", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "option '--write' does not go with demo");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tap", "--echo", NULL), PT_CLI_USAGE);
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tun", "extra", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "a filter expression ('extra') does not go with demo");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "tun", "--bogus", NULL), PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "unknown option '--bogus'");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "demo", "--help", NULL), PT_CLI_EXIT);
	ASSERT_CONTAINS(out, "pathtrace demo tun|tap|tcp");
	ASSERT_STREQ(err, "");
	/* Not a subcommand anywhere else: there, a filter expression (a host). */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "demo", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.expr, "demo");
}

UNIT_CASE(cli_explain_report)
{
	struct pt_opts o;
	const char *out, *err;

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--explain", "--report", "r.html",
			  NULL), PT_CLI_RUN);
	ASSERT_TRUE(o.explain);
	ASSERT_STREQ(o.report, "r.html");
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--report", "", NULL), PT_CLI_USAGE);
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--hist", "--explain", NULL),
		      PT_CLI_USAGE);
	ASSERT_CONTAINS(err, "not with --hist");
}

/* --relay PEERNS:IFACE, --relay-addr */

UNIT_CASE(cli_relay_defaults)
{
	struct pt_opts o;
	const char *out, *err;
	char a[INET6_ADDRSTRLEN];

	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--relay", "peer:tun1", NULL),
		      PT_CLI_RUN);
	ASSERT_EQ_I64(o.relay, 1);
	ASSERT_STREQ(o.relay_ns, "peer");
	ASSERT_STREQ(o.relay_dev, "tun1");
	ASSERT_EQ_U64(o.nr_relay_addrs, 2);
	ASSERT_EQ_I64(o.relay_addrs[0].family, AF_INET);
	ASSERT_STREQ(inet_ntop(AF_INET, &o.relay_addrs[0].in, a, sizeof(a)), "192.0.2.2");
	ASSERT_EQ_U64(o.relay_addrs[0].prefix, 24);
	ASSERT_EQ_I64(o.relay_addrs[1].family, AF_INET6);
	ASSERT_STREQ(inet_ntop(AF_INET6, &o.relay_addrs[1].in6, a, sizeof(a)), "2001:db8::2");
	ASSERT_EQ_U64(o.relay_addrs[1].prefix, 64);
}

UNIT_CASE(cli_relay_addrs_given)
{
	struct pt_opts o;
	const char *out, *err;
	char a[INET6_ADDRSTRLEN];

	/* Given addresses replace both defaults; a namespace name may hold ':'. */
	ASSERT_EQ_I64(unit_cli(&o, &out, &err, "--dev", "tun0", "--relay", "a:b:tun1",
			  "--relay-addr", "2001:db8:1::2/48", NULL), PT_CLI_RUN);
	ASSERT_STREQ(o.relay_ns, "a:b");
	ASSERT_STREQ(o.relay_dev, "tun1");
	ASSERT_EQ_U64(o.nr_relay_addrs, 1);
	ASSERT_STREQ(inet_ntop(AF_INET6, &o.relay_addrs[0].in6, a, sizeof(a)), "2001:db8:1::2");
	ASSERT_EQ_U64(o.relay_addrs[0].prefix, 48);
}

UNIT_CASE(cli_relay_malformed)
{
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", "tun1");
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", ":tun1");
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", "peer:");
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", "a/b:tun1");
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", "..:tun1");
	ASSERT_USAGE("want PEERNS:IFACE", "--dev", "tun0", "--relay", "peer:a/b");
	ASSERT_USAGE("the device name is too long", "--dev", "tun0", "--relay",
		     "peer:abcdefghijklmnop");
}

UNIT_CASE(cli_relay_conflicts)
{
	ASSERT_USAGE("--relay and --echo do not go together", "--dev", "tun0", "--echo",
		     "--relay", "peer:tun1");
	ASSERT_USAGE("--relay-addr needs --relay", "--dev", "tun0", "--relay-addr",
		     "192.0.2.2/24");
	ASSERT_USAGE("at most one IPv4 address", "--dev", "tun0", "--relay", "peer:tun1",
		     "--relay-addr", "192.0.2.2/24", "--relay-addr", "192.0.2.3/24");
	ASSERT_USAGE("invalid --relay-addr '192.0.2.2'", "--dev", "tun0", "--relay",
		     "peer:tun1", "--relay-addr", "192.0.2.2");
	ASSERT_USAGE("does not go with demo", "demo", "tun", "--relay", "peer:tun1");
}
