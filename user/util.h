/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_UTIL_H
#define PT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Diagnostics go to stderr, prefixed "pathtrace: ", lowercase. */
void pt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int pt_verbose;

/* Strict decimal parsing: the whole string, no sign, no overflow. 0/-EINVAL/-ERANGE. */
int pt_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() reads. */
uint64_t pt_now_ns(void);
/* CLOCK_REALTIME in ns: the wall clock, for what is printed. */
uint64_t pt_realtime_ns(void);
/* Milliseconds from @now until @deadline (CLOCK_MONOTONIC ns), rounded up; 0 if past. */
int pt_ms_until(uint64_t deadline, uint64_t now);

/* Append to the string in @buf (@len bytes in all), cutting what does not fit. */
void pt_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Format a duration in ns as "812ns", "12.3us", "4.56ms", "1.23s". */
char *pt_fmt_dur(char *buf, size_t len, int64_t ns);

/*
 * Create output file @path: never through a symbolic link, an existing one
 * only with @force (and only a regular file). The descriptor, or -errno
 * (said why).
 */
int pt_open_output(const char *path, bool force);

/*
 * With PATHTRACE_TIMING set in the environment: one line on stderr, "timing:"
 * the ms since the first mark, @what, our resident and peak memory and the
 * wall clock in ns (to line up with a stamp taken before exec). For
 * measuring where start-up and exit go (make bench); otherwise nothing.
 */
void pt_mark(const char *what);

/* The ready file @path, with our pid: tracing and reading are live. 0 or -1 (said why). */
int pt_ready_file(const char *path);

#endif
