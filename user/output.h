/* SPDX-License-Identifier: GPL-2.0 */
/* Printers: a text and a JSON twin for each. Data on stdout only. */
#ifndef PT_OUTPUT_H
#define PT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "journey.h"
#include "stages.h"

struct pt_print_ctx {
	const char *dev;
	const char *backend;		/* the backend that ran */
	const struct pt_stage_view *view;
	uint64_t seq;			/* journey number, from 1 */
	const char *drop_reason;	/* name of ev.drop_reason, or NULL */
	const char *l4_func;		/* the function of the l4 stage, or NULL */
	bool explain;			/* --explain: each stage's walk-through step */
	bool explain_lines;		/* ... and its line of explanation (text) */
};

/* The stages a journey saw, in layer order, with times. */
struct pt_stage_time {
	int stage;			/* a view stage (stages.h) */
	uint64_t t_ns;
	int64_t delta_ns;		/* from the previous seen stage */
};
unsigned int pt_journey_stages(const struct pt_journey *j,
			       struct pt_stage_time st[PT_NR_STAGES]);

void pt_print_journey_text(FILE *out, const struct pt_journey *j,
			   const struct pt_print_ctx *c);
void pt_print_journey_json(FILE *out, const struct pt_journey *j,
			   const struct pt_print_ctx *c);

/* JSON string literal of @s (at most @max bytes of it), quotes included. */
void pt_json_str(FILE *out, const char *s, size_t max);

/*
 * A line of output built in memory and handed to stdio in one piece (a
 * longer one in pieces of the buffer's size), rather than some forty
 * fprintf calls per journey, which the reader paid for at full rate.
 */
struct pt_line {
	FILE *out;
	size_t n;
	char buf[1024];
};
void pt_line_init(struct pt_line *l, FILE *out);
/* The slow path of the two below: what does not fit the buffer. */
void pt_line_mem_full(struct pt_line *l, const char *p, size_t n);

/* Inline: most pieces are string literals, their lengths known when compiled. */
static inline void pt_line_mem(struct pt_line *l, const char *p, size_t n)
{
	if (n > sizeof(l->buf) - l->n) {
		pt_line_mem_full(l, p, n);
		return;
	}
	memcpy(l->buf + l->n, p, n);
	l->n += n;
}

static inline void pt_line_chr(struct pt_line *l, char c)
{
	pt_line_mem(l, &c, 1);
}

static inline void pt_line_str(struct pt_line *l, const char *s)
{
	pt_line_mem(l, s, strlen(s));
}

void pt_line_u64(struct pt_line *l, uint64_t v);
void pt_line_i64(struct pt_line *l, int64_t v);
void pt_line_json_str(struct pt_line *l, const char *s, size_t max);
/* Hand what is left to stdio. */
void pt_line_end(struct pt_line *l);

const char *pt_jstatus_name(enum pt_jstatus s);
/* A status as printed: on the way in (@rx), "read" is the receiver's, "received". */
const char *pt_jstatus_label(enum pt_jstatus s, bool rx);

/*
 * One line for a capture's packet comment: "syscall +0ns, route +5.0us, ...
 * total 73.3us; sent by ping pid 3070 with sendto(); unseen: l4 ip xmit".
 */
void pt_journey_comment(const struct pt_journey *j, const struct pt_print_ctx *c,
			char *buf, size_t len);

/*
 * Where the modes print (stdout): a terminal sees each journey at once; a
 * pipe or file gets writes of 64 KiB (few writes, where stdio's own 4 KiB
 * made many), PT_SINK_FLUSH_NS late at most (a write per batch of reads
 * cost the reader dearly at full rate).
 */
#define PT_SINK_FLUSH_NS 20000000ull

struct pt_sink {
	FILE *f;
	bool tty;		/* a terminal: flushed after each journey */
	bool pending;		/* printed, not flushed yet (not a terminal) */
	uint64_t flushed;	/* CLOCK_MONOTONIC of the last flush */
	char buf[1 << 16];
};

/* @f's buffering set for where it goes. @s outlives @f's use. */
void pt_sink_init(struct pt_sink *s, FILE *f);
/* Out now. 0, or -EPIPE: nobody reads our output any more (a closed pipe). */
int pt_sink_flush(struct pt_sink *s);
/* Something was printed: out now on a terminal, else within PT_SINK_FLUSH_NS. 0 or -EPIPE. */
int pt_sink_printed(struct pt_sink *s);
/* Out if what waits has waited long enough. 0 or -EPIPE. */
int pt_sink_tick(struct pt_sink *s, uint64_t now);
/* Milliseconds until the next flush is due, or -1 if nothing waits. */
int pt_sink_timeout(const struct pt_sink *s, uint64_t now);

/* The exit's warnings about what the kernel could not follow (@c: its counters). */
void pt_warn_lost(const uint64_t c[PT_NR_COUNTERS]);

#endif
