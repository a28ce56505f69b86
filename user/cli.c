// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "demo.h"
#include "prom.h"
#include "util.h"

#define DEFAULT_ADDR "192.0.2.1/24"
#define DEFAULT_ADDR6 "2001:db8::1/64"
/* --relay's device: the peers of --dev's defaults. */
#define DEFAULT_RELAY_ADDR "192.0.2.2/24"
#define DEFAULT_RELAY_ADDR6 "2001:db8::2/64"

static const char usage[] =
"Usage: pathtrace --dev IFACE [options] [expression]\n"
"       pathtrace --dev IFACE --hist [options] [interval [count]] [expression]\n"
"       pathtrace demo tun|tap|tcp [--backend NAME] [--btf PATH] [--json] [-v]\n"
"\n"
"Follow each packet sent to a TUN or TAP device from the sending socket to\n"
"the program that reads it, layer by layer. pathtrace itself is the reader:\n"
"it creates the device if it does not exist and reads what arrives.\n"
"\n"
"Options:\n"
"  -i, --dev IFACE       the TUN/TAP device to trace and read (created if\n"
"                        missing)\n"
"      --tap             create a TAP device (Ethernet frames, ARP) rather\n"
"                        than TUN (IP packets); an existing device is taken\n"
"                        as it is\n"
"      --addr ADDR/LEN   IPv4 address of a device pathtrace creates\n"
"                        (default " DEFAULT_ADDR ")\n"
"      --addr6 ADDR/LEN  its IPv6 address (default " DEFAULT_ADDR6 "), or\n"
"                        none: IPv6 off on the device\n"
"      --no-create       fail if the device does not exist\n"
"      --echo            play the peer: answer what is read (ICMP and ICMPv6\n"
"                        echo replies, UDP sent back, ARP and neighbour\n"
"                        advertisements on TAP) and follow each answer up\n"
"                        the receive path to the application (\"dir\": \"rx\")\n"
"      --relay PEERNS:IFACE\n"
"                        a wire to another stack: create IFACE (TUN, or TAP\n"
"                        like the device) in the named network namespace\n"
"                        PEERNS (ip netns add), forward what is read into\n"
"                        it and what it gives into the device, and follow\n"
"                        those up the receive path (\"dir\": \"rx\"); IFACE\n"
"                        is removed at exit\n"
"      --relay-addr ADDR/LEN\n"
"                        an address of IFACE, IPv4 (one) or IPv6;\n"
"                        repeatable (default " DEFAULT_RELAY_ADDR " and\n"
"                        " DEFAULT_RELAY_ADDR6 ")\n"
"      --btf PATH        the kernel's BTF from PATH (default\n"
"                        /sys/kernel/btf/vmlinux)\n"
"      --backend NAME    how to attach: auto (default: the best the kernel\n"
"                        allows, per hook), fentry, kprobe or tracepoint\n"
"  -c, --count N         stop after N packets read\n"
"      --json            one JSON object per journey (or interval) on stdout\n"
"      --hist            latency histograms per stage transition, with no\n"
"                        record per packet: printed every interval seconds\n"
"                        (at exit if none), count times\n"
"      --hist-by proto   one histogram per protocol too\n"
"      --ready-file FILE create FILE once tracing and reading are live\n"
"      --busy-poll       never sleep waiting for packets: spins a CPU, so that\n"
"                        no packet waits for the reader to wake (measurements)\n"
"  -w FILE               write what was read as pcapng, each packet with its\n"
"                        journey as a comment (gzip-compressed if FILE ends\n"
"                        in .gz); an existing FILE only with --force\n"
"      --force           let -w replace an existing file\n"
"      --explain         label each stage with its step in the classic\n"
"                        walk-through of a UDP send (1.1 socket ... 4.4\n"
"                        driver, 5.1 device queue) and explain it in a line\n"
"      --report FILE     write an HTML report at exit: a waterfall per\n"
"                        packet and the per-layer histograms\n"
"      --pid PID         only packets sent by process PID (on the way in:\n"
"                        read by it); repeatable, up to 16\n"
"      --comm NAME       only packets sent (read) by processes named NAME\n"
"      --metrics ADDR:PORT  serve Prometheus metrics on http://ADDR:PORT/metrics\n"
"                        (IPv4, or [IPv6]:PORT): per-stage latency histograms\n"
"                        and packet counters, cumulative; alone, it traces as\n"
"                        --hist does and prints only the summary at exit\n"
"      --journeys        with --metrics: print the journeys too\n"
"  -v, --verbose         more diagnostics (libbpf's too)\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
"\n"
"expression: a pcap-filter expression, as tcpdump's (man 7 pcap-filter),\n"
"on the device's packets: IP packets on TUN, Ethernet frames on TAP. Only\n"
"the packets it matches are followed; the kernel decides at the packet's\n"
"first sighting on the device, and counts those left out.\n"
"\n"
"Examples:\n"
"  pathtrace --dev nsfocus_tun0          # then: ping -c 3 192.0.2.2\n"
"  pathtrace -i tun0 --json -c 10 > journeys.jsonl\n"
"  pathtrace -i tun0 --hist 1 5          # five 1-second histograms\n"
"  pathtrace -i tun0 udp dst port 5001   # one flow of a busy device\n"
"  pathtrace -i tap0 --tap arp           # the neighbour resolution only\n"
"  pathtrace -i tun0 --relay peer:tun1   # a real server in netns peer answers\n"
"  pathtrace -i tun0 --metrics 127.0.0.1:9469   # for Prometheus\n"
"  pathtrace demo tap                    # the classroom's TAP experiment\n"
"\n"
"demo tun|tap: the classic experiment in a network namespace of its own,\n"
"removed at the end: makes nsfocus_tun0 (or nsfocus_tap0), pings 192.0.2.2\n"
"through it three times (TAP: three times without a neighbour entry, then\n"
"three times with a static one), prints the journeys with --explain and what\n"
"the reader got, and writes tun.pcapng and tun.html (tap.*) here.\n"
"demo tcp: two network namespaces of its own, joined by the relay\n"
"(nsfocus_tun0, 192.0.2.1, and nsfocus_peer0, 192.0.2.2); a client sends\n"
"64 KiB to a server behind the relay. Prints the handshake's journeys and\n"
"the first data segment's with --explain, the data segments' per-stage\n"
"histograms and what went through, and writes tcp.pcapng and tcp.html here.\n"
"\n"
"Exit status: 0 on success or interrupt, 1 on failure, 2 on bad usage.\n";

int pt_check_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n >= IFNAMSIZ)
		return -ENAMETOOLONG;
	if (!n || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return -EINVAL;
	return 0;
}

/* "ADDR/LEN" of family @af (prefix at most @max). */
static int parse_cidr(int af, unsigned int max, const char *s, void *addr, unsigned int *prefix)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *slash = strchr(s, '/');
	uint64_t len;

	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return -EINVAL;
	if (pt_parse_u64(slash + 1, max, &len))
		return -EINVAL;
	*prefix = (unsigned int)len;
	return 0;
}

int pt_parse_cidr4(const char *s, struct in_addr *addr, unsigned int *prefix)
{
	return parse_cidr(AF_INET, 32, s, addr, prefix);
}

int pt_parse_cidr6(const char *s, struct in6_addr *addr, unsigned int *prefix)
{
	return parse_cidr(AF_INET6, 128, s, addr, prefix);
}

int pt_parse_relay(const char *s, struct pt_opts *o)
{
	const char *colon = strrchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;
	int err;

	/* A name `ip netns add` takes: a file of /run/netns. */
	if (!colon || !n || n >= sizeof(o->relay_ns) || memchr(s, '/', n) ||
	    (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
		return -EINVAL;
	err = pt_check_ifname(colon + 1);
	if (err)
		return err;
	memcpy(o->relay_ns, s, n);
	o->relay_ns[n] = '\0';
	strcpy(o->relay_dev, colon + 1);
	return 0;
}

/* "ADDR/LEN", IPv4 or IPv6, into @a. 0 or -EINVAL. */
static int parse_ifaddr(const char *s, struct pt_ifaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (a->family == AF_INET6)
		return pt_parse_cidr6(s, &a->in6, &a->prefix);
	return pt_parse_cidr4(s, &a->in, &a->prefix);
}

static enum pt_cli_result bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "pathtrace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pathtrace --help' for more information.\n");
	return PT_CLI_USAGE;
}

/*
 * The option getopt stopped at: a long one as typed (without "=value"), a
 * short one by its letter (argv may hold a cluster such as "-vx").
 */
static const char *opt_name(char **argv, int opt)
{
	static char buf[64];
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (!strncmp(arg, "--", 2) || opt <= 0 || opt >= 256)
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(buf, sizeof(buf), "-%c", opt);
	return buf;
}

enum {
	OPT_ADDR = 256,
	OPT_NO_CREATE,
	OPT_JSON,
	OPT_READY_FILE,
	OPT_BACKEND,
	OPT_HIST,
	OPT_HIST_BY,
	OPT_FORCE,
	OPT_TAP,
	OPT_ECHO,
	OPT_ADDR6,
	OPT_BTF,
	OPT_EXPLAIN,
	OPT_REPORT,
	OPT_PID,
	OPT_COMM,
	OPT_RELAY,
	OPT_RELAY_ADDR,
	OPT_METRICS,
	OPT_JOURNEYS,
	OPT_BUSY_POLL,
};

/* An option by its long name ("--dev" for -i too). */
static const char *long_name(const struct option *opts, int c)
{
	static char buf[64];

	for (; opts->name; opts++)
		if (opts->val == c) {
			snprintf(buf, sizeof(buf), "--%s", opts->name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "-%c", c);
	return buf;
}

static const struct option longopts[] = {
	{ "dev", required_argument, NULL, 'i' },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "addr6", required_argument, NULL, OPT_ADDR6 },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "no-create", no_argument, NULL, OPT_NO_CREATE },
	{ "tap", no_argument, NULL, OPT_TAP },
	{ "echo", no_argument, NULL, OPT_ECHO },
	{ "relay", required_argument, NULL, OPT_RELAY },
	{ "relay-addr", required_argument, NULL, OPT_RELAY_ADDR },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ready-file", required_argument, NULL, OPT_READY_FILE },
	{ "busy-poll", no_argument, NULL, OPT_BUSY_POLL },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "hist", no_argument, NULL, OPT_HIST },
	{ "hist-by", required_argument, NULL, OPT_HIST_BY },
	{ "write", required_argument, NULL, 'w' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "journeys", no_argument, NULL, OPT_JOURNEYS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* An option that takes a value (optarg), or an unknown one. PT_CLI_RUN: taken. */
static enum pt_cli_result value_option(int c, char **argv, struct pt_opts *o,
				       const char **dev)
{
	const char *arg = optarg;
	int backend;

	switch (c) {
	case 'i':
		*dev = arg;
		break;
	case OPT_ADDR:
		if (pt_parse_cidr4(arg, &o->addr, &o->prefix))
			return bad("invalid --addr '%s': want an IPv4 address/prefix such as 192.0.2.1/24", arg);
		break;
	case OPT_ADDR6:
		if (!strcmp(arg, "none"))
			o->no_addr6 = true;
		else if (pt_parse_cidr6(arg, &o->addr6, &o->prefix6))
			return bad("invalid --addr6 '%s': want an IPv6 address/prefix such as 2001:db8::1/64, or none", arg);
		else
			o->no_addr6 = false;
		break;
	case OPT_RELAY:
		o->relay = true;
		switch (pt_parse_relay(arg, o)) {
		case 0:
			break;
		case -ENAMETOOLONG:
			return bad("invalid --relay '%s': the device name is too long (at most 15 bytes)", arg);
		default:
			return bad("invalid --relay '%s': want PEERNS:IFACE, a network namespace "
				   "(ip netns add) and a device name", arg);
		}
		break;
	case OPT_RELAY_ADDR:
		if (o->nr_relay_addrs == PT_MAX_RELAY_ADDRS)
			return bad("too many --relay-addr (at most %s)",
				   PT_FILTER_STR(PT_MAX_RELAY_ADDRS));
		if (parse_ifaddr(arg, &o->relay_addrs[o->nr_relay_addrs++]))
			return bad("invalid --relay-addr '%s': want an address/prefix such as "
				   DEFAULT_RELAY_ADDR " or " DEFAULT_RELAY_ADDR6, arg);
		break;
	case OPT_BTF:
		if (!*arg)
			return bad("%s--btf needs a file name", "");
		o->btf_path = arg;
		break;
	case 'c':
		if (pt_parse_u64(arg, UINT32_MAX, &o->count) || !o->count)
			return bad("invalid count '%s': want a number from 1 to 4294967295", arg);
		break;
	case OPT_READY_FILE:
		o->ready_file = arg;
		break;
	case 'w':
		if (!*arg)
			return bad("%s-w needs a file name", "");
		o->write_file = arg;
		break;
	case OPT_REPORT:
		if (!*arg)
			return bad("%s--report needs a file name", "");
		o->report = arg;
		break;
	case OPT_PID: {
		uint64_t pid;

		if (pt_parse_u64(arg, INT32_MAX, &pid) || !pid)
			return bad("invalid --pid '%s': want a process id", arg);
		if (o->nr_pids == PT_MAX_PIDS)
			return bad("too many --pid (at most %s)", PT_FILTER_STR(PT_MAX_PIDS));
		o->pids[o->nr_pids++] = (uint32_t)pid;
		break;
	}
	case OPT_COMM:
		if (!*arg || strlen(arg) >= sizeof(o->comm))
			return bad("invalid --comm '%s': want a command name of 1 to 15 bytes, as ps shows it", arg);
		strcpy(o->comm, arg);
		break;
	case OPT_METRICS:
		if (pt_prom_parse_addr(arg, &o->metrics_addr, &o->metrics_len))
			return bad("invalid --metrics '%s': want ADDR:PORT such as 127.0.0.1:9469 or [::1]:9469", arg);
		o->metrics = arg;
		break;
	case OPT_HIST_BY:
		if (strcmp(arg, "proto"))
			return bad("invalid --hist-by '%s': want proto", arg);
		o->hist_by_proto = true;
		break;
	case OPT_BACKEND:
		backend = pt_backend_from_name(arg);
		if (backend < 0)
			return bad("unknown backend '%s': want auto, fentry, kprobe or tracepoint", arg);
		o->backend = backend;
		break;
	default:
		return bad("unknown option '%s'", opt_name(argv, optopt));
	}
	return PT_CLI_RUN;
}

/* One option getopt returned. PT_CLI_RUN: taken, go on. */
static enum pt_cli_result one_option(int c, char **argv, struct pt_opts *o, const char **dev)
{
	/* The demo makes its own device, traffic and files. */
	if (o->demo && c != OPT_BACKEND && c != OPT_BTF && c != OPT_JSON &&
	    c != 'v' && c != 'V' && c != 'h' && c != ':' && c != '?')
		return bad("option '%s' does not go with demo", long_name(longopts, c));
	switch (c) {
	case OPT_NO_CREATE:
		o->no_create = true;
		break;
	case OPT_TAP:
		o->tap = true;
		break;
	case OPT_ECHO:
		o->echo = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_BUSY_POLL:
		o->busy_poll = true;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_EXPLAIN:
		o->explain = true;
		break;
	case OPT_HIST:
		o->hist = true;
		break;
	case OPT_JOURNEYS:
		o->journeys = true;
		break;
	case 'v':
		pt_verbose++;
		break;
	case 'V':
		printf("pathtrace %s\n", PT_VERSION);
		return PT_CLI_EXIT;
	case 'h':
		fputs(usage, stdout);
		return PT_CLI_EXIT;
	case ':':
		return bad("option '%s' needs an argument", opt_name(argv, optopt));
	default:
		return value_option(c, argv, o, dev);
	}
	return PT_CLI_RUN;
}

/* Each demo's own settings: its device and its files (in the current directory). */
static const struct {
	const char *name, *dev, *capture, *report;
	bool tap;
} demos[] = {
	[PT_DEMO_TUN] = { "tun", "nsfocus_tun0", "tun.pcapng", "tun.html", false },
	[PT_DEMO_TAP] = { "tap", "nsfocus_tap0", "tap.pcapng", "tap.html", true },
	[PT_DEMO_TCP] = { "tcp", "nsfocus_tun0", "tcp.pcapng", "tcp.html", false },
};

/* "demo tun|tap|tcp" before the options: PT_CLI_RUN with the demo set (or none). */
static enum pt_cli_result demo_command(int argc, char **argv, struct pt_opts *o)
{
	if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
		fputs(usage, stdout);
		return PT_CLI_EXIT;
	}
	for (unsigned int d = PT_DEMO_TUN; argc > 2 && d < sizeof(demos) / sizeof(demos[0]); d++)
		if (!strcmp(argv[2], demos[d].name)) {
			o->demo = d;
			return PT_CLI_RUN;
		}
	return bad("%sdemo needs an experiment: tun, tap or tcp", "");
}

/* A number of --hist's: an argument that starts with a digit. */
static bool hist_number(int argc, char **argv)
{
	return optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9';
}

/* --hist's [interval [count]], then the expression: the arguments left, joined. */
static enum pt_cli_result positionals(int argc, char **argv, struct pt_opts *o)
{
	size_t len = 0;

	if (o->hist && hist_number(argc, argv)) {
		if (pt_parse_u64(argv[optind], 86400, &o->interval) || !o->interval)
			return bad("invalid interval '%s': want seconds from 1 to 86400", argv[optind]);
		optind++;
		if (hist_number(argc, argv) &&
		    (pt_parse_u64(argv[optind++], UINT32_MAX, &o->intervals) || !o->intervals))
			return bad("invalid count '%s': want a number from 1 to 4294967295",
				   argv[optind - 1]);
	}
	if (optind < argc && o->demo)
		return bad("a filter expression ('%s') does not go with demo", argv[optind]);
	for (; optind < argc; optind++) {
		size_t n = strlen(argv[optind]);

		if (len + !!len + n > PT_MAX_EXPR)
			return bad("the filter expression is too long (at most %s bytes)",
				   PT_FILTER_STR(PT_MAX_EXPR));
		if (len)
			o->expr[len++] = ' ';
		memcpy(o->expr + len, argv[optind], n + 1);
		len += n;
	}
	return PT_CLI_RUN;
}

/* --relay's addresses: the defaults, or at most one IPv4 address given. */
static enum pt_cli_result relay_addrs(struct pt_opts *o)
{
	unsigned int v4 = 0;

	if (!o->relay) {
		if (o->nr_relay_addrs)
			return bad("%s--relay-addr needs --relay", "");
		return PT_CLI_RUN;
	}
	if (o->echo)
		return bad("%s--relay and --echo do not go together: the peer answers, or pathtrace does", "");
	if (!o->nr_relay_addrs) {
		parse_ifaddr(DEFAULT_RELAY_ADDR, &o->relay_addrs[0]);
		parse_ifaddr(DEFAULT_RELAY_ADDR6, &o->relay_addrs[1]);
		o->nr_relay_addrs = 2;
	}
	for (unsigned int i = 0; i < o->nr_relay_addrs; i++)
		v4 += o->relay_addrs[i].family == AF_INET;
	if (v4 > 1)
		return bad("%s--relay-addr: at most one IPv4 address", "");
	return PT_CLI_RUN;
}

/* Options that do not go together; the demo's own settings; the device. */
static enum pt_cli_result finish(struct pt_opts *o, const char *dev)
{
	enum pt_cli_result r;
	int err;

	if (o->journeys && (!o->metrics || o->hist))
		return bad("%s--journeys goes with --metrics, without --hist", "");
	if (o->metrics && !o->hist && !o->journeys) {
		if (o->write_file || o->explain || o->report)
			return bad("%s-w, --explain and --report are for journeys: with --metrics, add --journeys", "");
		o->hist = o->hist_quiet = true;
	}
	if (o->hist_by_proto && !o->hist)
		return bad("%s--hist-by needs --hist", "");
	if (o->write_file && o->hist)
		return bad("%s-w writes journeys: not with --hist", "");
	if ((o->explain || o->report) && o->hist)
		return bad("%s--explain and --report are for journeys: not with --hist", "");
	r = relay_addrs(o);
	if (r != PT_CLI_RUN)
		return r;
	if (o->demo) {
		dev = demos[o->demo].dev;
		o->tap = demos[o->demo].tap;
		o->explain = true;
		o->write_file = demos[o->demo].capture;
		o->report = demos[o->demo].report;
		o->force = true;	/* a demo run again replaces its own files */
		o->no_addr6 = true;	/* the experiment is IPv4's: no MLD reports */
	}
	if (o->demo == PT_DEMO_TCP) {
		/* The peer's namespace is the demo's own, made by it (no name). */
		o->relay = true;
		strcpy(o->relay_dev, PT_DEMO_PEER_DEV);
		parse_ifaddr(DEFAULT_RELAY_ADDR, &o->relay_addrs[0]);
		o->nr_relay_addrs = 1;
	}
	if (!dev)
		return bad("%sno device given: use --dev IFACE", "");
	err = pt_check_ifname(dev);
	if (err == -ENAMETOOLONG)
		return bad("device name '%s' is too long (at most 15 bytes)", dev);
	if (err)
		return bad("invalid device name '%s'", dev);
	strcpy(o->dev, dev);
	return PT_CLI_RUN;
}

enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_opts *o)
{
	enum pt_cli_result r;
	const char *dev = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	pt_parse_cidr4(DEFAULT_ADDR, &o->addr, &o->prefix);
	pt_parse_cidr6(DEFAULT_ADDR6, &o->addr6, &o->prefix6);
	opterr = 0;
	optind = 0;	/* glibc: a full reset, even after a stop mid-cluster */
	if (argc > 1 && !strcmp(argv[1], "demo")) {
		r = demo_command(argc, argv, o);
		if (r != PT_CLI_RUN)
			return r;
		argc -= 2;
		argv += 2;
	}
	while ((c = getopt_long(argc, argv, ":i:c:w:vVh", longopts, NULL)) != -1) {
		r = one_option(c, argv, o, &dev);
		if (r != PT_CLI_RUN)
			return r;
	}
	r = positionals(argc, argv, o);
	return r != PT_CLI_RUN ? r : finish(o, dev);
}
