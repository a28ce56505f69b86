/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics' content: what is exported, cumulative over the run, and its
 * rendering in Prometheus' text exposition format. Pure: no kernel, no
 * socket, no thread (the server is user/metrics.c).
 */
#ifndef PT_PROM_H
#define PT_PROM_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "journey.h"
#include "pt_hist.h"
#include "stages.h"

/*
 * Histogram bounds: 2^k ns for k from PT_PROM_LO_BIT to PT_PROM_HI_BIT
 * (128 ns to 4.29 s, the longest a --hist offset holds), then +Inf. Every
 * kernel slot lies within one bucket: the slots start at powers of two.
 */
#define PT_PROM_LO_BIT 7
#define PT_PROM_HI_BIT 32
#define PT_PROM_BOUNDS (PT_PROM_HI_BIT - PT_PROM_LO_BIT + 1)
#define PT_PROM_MAX_SERIES 512
#define PT_PROM_MAX_DROPS 32
/* The from-stage of the whole way (journey latency). */
#define PT_PROM_TOTAL PT_NR_VSTAGES

enum pt_prom_lost {
	PT_PROM_LOST_RB_FULL,
	PT_PROM_LOST_NOT_FOLLOWED,
	PT_PROM_LOST_STALE,
	PT_PROM_LOST_NO_TASK_STORE,
	PT_PROM_LOST_SAMPLES,
	PT_PROM_NR_LOST,
};

/* One histogram: a transition (or the whole way) of one direction and class. */
struct pt_prom_series {
	uint8_t rx, pclass, from, to;	/* view stages; from PT_PROM_TOTAL: the whole way */
	uint64_t bucket[PT_PROM_BOUNDS + 1];	/* per bucket, not cumulative; the last: +Inf */
	uint64_t count, sum_ns;
};

struct pt_prom_drop {
	char stage[16];
	char reason[48];
	uint64_t n;
};

/* Everything exported. Cumulative: nothing here is ever reset. */
struct pt_prom {
	char dev[IFNAMSIZ];
	char version[32], backend[16], kernel[72];
	bool by_proto;		/* a proto label (--hist-by proto) */
	bool journeys;		/* journey mode: unjoined exists; drops have stage and reason */
	bool rx;		/* --echo in journey mode: the way in's statuses */
	uint64_t packets[2][PT_J_UNFINISHED + 1];	/* [rx][enum pt_jstatus] */
	uint64_t lost[PT_PROM_NR_LOST];
	uint64_t filtered;
	unsigned int nr_drops;	/* the last one takes any pair beyond */
	struct pt_prom_drop drops[PT_PROM_MAX_DROPS];
	/* index[rx][pclass][from][to]: series number + 1; 0: none yet */
	uint16_t index[2][PT_HIST_PCLASSES][PT_NR_VSTAGES + 1][PT_NR_VSTAGES];
	unsigned int nr_series;
	struct pt_prom_series series[PT_PROM_MAX_SERIES];	/* only nr_series used */
};

void pt_prom_init(struct pt_prom *p, const char *dev, bool by_proto, bool journeys, bool rx);
/* @dst becomes @src, copying only the series in use. */
void pt_prom_copy(struct pt_prom *dst, const struct pt_prom *src);

/* The series of a transition, made on first use; NULL when the table is full. */
struct pt_prom_series *pt_prom_series(struct pt_prom *p, bool rx, unsigned int pclass,
				      unsigned int from, unsigned int to);
/* The bucket of a sample of @ns: 0 .. PT_PROM_BOUNDS (+Inf). */
unsigned int pt_prom_bucket(uint64_t ns);
void pt_prom_add_sample(struct pt_prom_series *s, uint64_t ns);
/* A kernel histogram (its slots) added to @s. */
void pt_prom_add_hist(struct pt_prom_series *s, const struct pt_hist *h);
/* A journey's transitions, whole way and status; @reason names a drop's reason (NULL: its number). */
void pt_prom_add_journey(struct pt_prom *p, const struct pt_journey *j, const char *reason);
/* @n more drops at @stage for @reason. */
void pt_prom_add_drops(struct pt_prom *p, const char *stage, const char *reason, uint64_t n);

/* Bound @k (0 .. PT_PROM_BOUNDS - 1) in seconds, exactly: "0.000000128". */
void pt_prom_le(unsigned int k, char *buf, size_t len);
/* @s as a label value: backslash, double quote and newline escaped, cut to fit @len. */
void pt_prom_escape(const char *s, char *buf, size_t len);

/* The page: a NUL-terminated malloc'd string (the caller frees it), its length in @len; NULL if out of memory. */
char *pt_prom_render(const struct pt_prom *p, size_t *len);

/*
 * --metrics' address: "192.0.2.1:9469" or "[2001:db8::1]:9469", numeric
 * only, a port from 1 to 65535. 0 or -EINVAL.
 */
int pt_prom_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

#endif
