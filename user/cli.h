/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <stdint.h>
#include "pt_filter.h"
#include "stages.h"

/* The longest pcap-filter expression taken, in bytes. */
#define PT_MAX_EXPR 8192
/* --relay-addr: at most this many addresses (one of them IPv4). */
#define PT_MAX_RELAY_ADDRS 8

/* An address and prefix length for a device pathtrace configures. */
struct pt_ifaddr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr in;
		struct in6_addr in6;
	};
	unsigned int prefix;
};

struct pt_opts {
	char dev[IFNAMSIZ];
	struct in_addr addr;	/* given to a device pathtrace creates */
	unsigned int prefix;
	struct in6_addr addr6;	/* ... and IPv6 address, unless no_addr6 */
	unsigned int prefix6;
	bool no_addr6;
	bool no_create;
	bool tap;		/* create a TAP device (Ethernet frames), not TUN */
	bool echo;		/* answer what is read; follow the answers in */
	bool relay;		/* --relay: a wire to a device in another netns */
	char relay_ns[256];	/* its network namespace (/var/run/netns/NAME; demo tcp: "") */
	char relay_dev[IFNAMSIZ];	/* the device made there */
	struct pt_ifaddr relay_addrs[PT_MAX_RELAY_ADDRS];	/* --relay-addr */
	unsigned int nr_relay_addrs;
	bool json;
	uint64_t count;		/* stop after this many packets read; 0: never */
	const char *ready_file;
	const char *btf_path;	/* --btf: kernel BTF from this file */
	enum pt_backend backend;
	bool hist;		/* per-layer latency histograms, no journeys */
	bool hist_by_proto;
	uint64_t interval;	/* --hist: seconds between prints; 0: at exit */
	uint64_t intervals;	/* --hist: prints before exiting; 0: no limit */
	const char *write_file;	/* -w: pcapng of what was read */
	bool force;		/* -w may replace an existing file */
	bool busy_poll;		/* never sleep waiting for packets */
	bool explain;		/* label stages with the walk-through's steps */
	const char *report;	/* --report: an HTML report at exit */
	char expr[PT_MAX_EXPR + 1];	/* the pcap-filter expression ("": none) */
	uint32_t pids[PT_MAX_PIDS];	/* --pid: only these processes' packets */
	unsigned int nr_pids;
	char comm[16];		/* --comm: ... or this command's ("": none) */
	const char *metrics;	/* --metrics ADDR:PORT (NULL: none) */
	struct sockaddr_storage metrics_addr;
	socklen_t metrics_len;
	bool journeys;		/* --journeys: with --metrics, journeys (not a quiet --hist) */
	bool hist_quiet;	/* --metrics alone: --hist, printing nothing but the summary */
	enum pt_demo {
		PT_DEMO_NONE = 0,
		PT_DEMO_TUN,	/* pathtrace demo tun */
		PT_DEMO_TAP,	/* pathtrace demo tap */
		PT_DEMO_TCP,	/* pathtrace demo tcp: through the relay */
	} demo;
};

enum pt_cli_result {
	PT_CLI_RUN = 0,		/* options valid: run */
	PT_CLI_EXIT = 1,	/* --help or --version printed: exit 0 */
	PT_CLI_USAGE = 2,	/* bad usage, reported: exit 2 */
};

enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_opts *o);
/* "192.0.2.1/24" -> address and prefix; 0 or -EINVAL. */
int pt_parse_cidr4(const char *s, struct in_addr *addr, unsigned int *prefix);
/* "2001:db8::1/64" -> address and prefix; 0 or -EINVAL. */
int pt_parse_cidr6(const char *s, struct in6_addr *addr, unsigned int *prefix);
/* "PEERNS:IFACE" into @o's relay_ns and relay_dev; 0, -EINVAL or -ENAMETOOLONG (IFACE). */
int pt_parse_relay(const char *s, struct pt_opts *o);
/* A name the kernel would take for a network device; 0 or -EINVAL/-ENAMETOOLONG. */
int pt_check_ifname(const char *name);

#endif
