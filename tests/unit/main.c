// SPDX-License-Identifier: GPL-2.0
/* The unit-test runner: registry, assertions, output capture. See unit.h. */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

struct unit_case {
	const char *name;
	unit_fn fn;
};

static struct unit_case *cases;
static size_t nr_cases, cap_cases;

/* State of the running case. */
static sigjmp_buf case_env;
static volatile sig_atomic_t in_case;
static unsigned long checks;
static char fail_msg[1024];
static void **tracked;
static size_t nr_tracked, cap_tracked;

static struct {
	int saved;		/* the descriptor's original, -1 when not captured */
	FILE *tmp;
} capture[3] = { { -1, NULL }, { -1, NULL }, { -1, NULL } };

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("unit-tests: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

void unit_register(const char *name, unit_fn fn)
{
	if (nr_cases == cap_cases) {
		cap_cases = cap_cases ? 2 * cap_cases : 64;
		cases = xrealloc(cases, cap_cases * sizeof(*cases));
	}
	cases[nr_cases].name = name;
	cases[nr_cases].fn = fn;
	nr_cases++;
}

void *unit_track(void *p)
{
	if (!p)
		return p;
	if (nr_tracked == cap_tracked) {
		cap_tracked = cap_tracked ? 2 * cap_tracked : 16;
		tracked = xrealloc(tracked, cap_tracked * sizeof(*tracked));
	}
	tracked[nr_tracked++] = p;
	return p;
}

static void free_tracked(void)
{
	for (size_t i = 0; i < nr_tracked; i++)
		free(tracked[i]);
	nr_tracked = 0;
}

/* Output capture. */

static void flush_fd(int fd)
{
	fflush(fd == 1 ? stdout : stderr);
}

void unit_capture_begin(int fd)
{
	if (fd < 1 || fd > 2 || capture[fd].saved >= 0) {
		fprintf(stderr, "unit-tests: bad capture of fd %d\n", fd);
		abort();
	}
	flush_fd(fd);
	capture[fd].tmp = tmpfile();
	capture[fd].saved = dup(fd);
	if (!capture[fd].tmp || capture[fd].saved < 0 ||
	    dup2(fileno(capture[fd].tmp), fd) < 0) {
		perror("unit-tests: capture");
		abort();
	}
}

/* Put @fd back; the captured text stays in capture[fd].tmp. */
static void capture_restore(int fd)
{
	if (capture[fd].saved < 0)
		return;
	flush_fd(fd);
	dup2(capture[fd].saved, fd);
	close(capture[fd].saved);
	capture[fd].saved = -1;
}

static void capture_drop(int fd)
{
	capture_restore(fd);
	if (capture[fd].tmp)
		fclose(capture[fd].tmp);
	capture[fd].tmp = NULL;
}

char *unit_capture_end(int fd)
{
	FILE *tmp = capture[fd].tmp;
	size_t n = 0;
	long len;
	char *s;

	if (fd < 1 || fd > 2 || capture[fd].saved < 0) {
		fprintf(stderr, "unit-tests: fd %d is not captured\n", fd);
		abort();
	}
	capture_restore(fd);
	fseek(tmp, 0, SEEK_END);
	len = ftell(tmp);
	rewind(tmp);
	s = xrealloc(NULL, (size_t)(len > 0 ? len : 0) + 1);
	if (len > 0)
		n = fread(s, 1, (size_t)len, tmp);
	s[n] = '\0';
	capture_drop(fd);
	return unit_track(s);
}

/* Failure reporting. */

/* @s as a C string literal (escapes, quotes), cut to about @max bytes. */
static void quote(char *out, size_t outlen, const char *s, size_t max)
{
	size_t o = 0, i;

	if (!s) {
		snprintf(out, outlen, "NULL");
		return;
	}
	out[o++] = '"';
	for (i = 0; s[i] && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= max) {
			o += (size_t)snprintf(out + o, outlen - o, "\"...");
			out[o] = '\0';
			return;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(out + o, outlen - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, outlen - o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (s[i]) {
		snprintf(out + o, outlen - o, "\"...");
		return;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* A line of detail, printed before the FAIL line. */
static void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void detail(const char *fmt, ...)
{
	va_list ap;

	fputs("  ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static const char *base(const char *file)
{
	const char *s = strrchr(file, '/');

	return s ? s + 1 : file;
}

/* Leave the case: the descriptors are back, fail_msg is set. */
static __attribute__((noreturn)) void leave(void)
{
	fflush(stdout);
	siglongjmp(case_env, 1);
}

static void vfail(const char *file, int line, const char *fmt, va_list ap)
{
	int n = snprintf(fail_msg, sizeof(fail_msg), "%s:%d: ", base(file), line);

	vsnprintf(fail_msg + n, sizeof(fail_msg) - (size_t)n, fmt, ap);
	for (char *p = fail_msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static __attribute__((format(printf, 3, 4), noreturn))
void fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(file, line, fmt, ap);
	va_end(ap);
	leave();
}

void unit_fail_case(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	capture_drop(1);
	capture_drop(2);
	checks++;
	va_start(ap, fmt);
	vfail(file, line, fmt, ap);
	va_end(ap);
	leave();
}

/* Every check starts here: count it, and never report into a capture. */
static void check(void)
{
	checks++;
}

static void failing(void)
{
	capture_drop(1);
	capture_drop(2);
}

void unit_check_true(const char *file, int line, const char *expr, bool ok)
{
	check();
	if (ok)
		return;
	failing();
	fail(file, line, "ASSERT(%s): false", expr);
}

void unit_check_u64(const char *file, int line, const char *gexpr,
		    const char *wexpr, uint64_t got, uint64_t want)
{
	check();
	if (got == want)
		return;
	failing();
	fail(file, line, "%s == %s: got %" PRIu64 " (0x%" PRIx64 "), want %"
	     PRIu64 " (0x%" PRIx64 ")", gexpr, wexpr, got, got, want, want);
}

void unit_check_i64(const char *file, int line, const char *gexpr,
		    const char *wexpr, int64_t got, int64_t want)
{
	check();
	if (got == want)
		return;
	failing();
	fail(file, line, "%s == %s: got %" PRId64 ", want %" PRId64,
	     gexpr, wexpr, got, want);
}

void unit_check_str(const char *file, int line, const char *gexpr,
		    const char *wexpr, const char *got, const char *want)
{
	static char g[8192], w[8192];

	check();
	if (got == want || (got && want && !strcmp(got, want)))
		return;
	failing();
	quote(g, sizeof(g), got, SIZE_MAX);
	quote(w, sizeof(w), want, SIZE_MAX);
	detail("got:  %s", g);
	detail("want: %s", w);
	quote(g, sizeof(g), got, 100);
	quote(w, sizeof(w), want, 100);
	fail(file, line, "%s == %s: got %s, want %s", gexpr, wexpr, g, w);
}

void unit_check_contains(const char *file, int line, const char *hexpr,
			 const char *nexpr, const char *hay, const char *needle,
			 bool want_found)
{
	static char h[16384], n[1024];

	check();
	if (hay && needle && !!strstr(hay, needle) == want_found)
		return;
	failing();
	quote(h, sizeof(h), hay, SIZE_MAX);
	quote(n, sizeof(n), needle, SIZE_MAX);
	detail("in: %s", h);
	fail(file, line, "%s %s %s (%s): %s", hexpr,
	     want_found ? "contains" : "does not contain", nexpr, n,
	     want_found ? "not found" : "found");
}

void unit_check_mem(const char *file, int line, const char *gexpr,
		    const char *wexpr, const void *got, const void *want,
		    size_t n)
{
	const unsigned char *g = got, *w = want;
	size_t i;

	check();
	for (i = 0; i < n && g[i] == w[i]; i++)
		;
	if (i == n)
		return;
	failing();
	fail(file, line, "%s == %s (%zu bytes): byte %zu is 0x%02x, want 0x%02x",
	     gexpr, wexpr, n, i, g[i], w[i]);
}

/* The runner. */

static void on_signal(int sig)
{
	if (!in_case) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	/* Best effort: the case is abandoned, the run goes on. */
	capture_restore(1);
	capture_restore(2);
	snprintf(fail_msg, sizeof(fail_msg), "crashed: %s", strsignal(sig));
	siglongjmp(case_env, 2);
}

/* Run one case: 0 passed, -1 failed (fail_msg set). */
static int run_case(const struct unit_case *c)
{
	volatile int ret = 0;

	checks = 0;
	fail_msg[0] = '\0';
	if (sigsetjmp(case_env, 1) == 0) {
		in_case = 1;
		c->fn();
		in_case = 0;
		if (!checks) {
			snprintf(fail_msg, sizeof(fail_msg), "no assertion ran");
			ret = -1;
		}
	} else {
		in_case = 0;
		ret = -1;
	}
	capture_drop(1);
	capture_drop(2);
	free_tracked();
	return ret;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_NODEFER };
	unsigned int run = 0, failed = 0;

	if (argc > 2 || (filter && filter[0] == '-')) {
		fprintf(stderr, "usage: %s [NAME-SUBSTRING]\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < nr_cases; i++)
		for (size_t k = i + 1; k < nr_cases; k++)
			if (!strcmp(cases[i].name, cases[k].name)) {
				fprintf(stderr, "unit-tests: case %s defined twice\n",
					cases[i].name);
				return 2;
			}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);

	for (size_t i = 0; i < nr_cases; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		run++;
		if (run_case(&cases[i])) {
			failed++;
			printf("FAIL %s: %s\n", cases[i].name, fail_msg);
		} else {
			printf("PASS %s\n", cases[i].name);
		}
		fflush(stdout);
	}
	free(cases);
	free(tracked);
	if (!run) {
		fprintf(stderr, "unit-tests: no case matches '%s'\n", filter ? filter : "");
		return 1;
	}
	fprintf(stderr, "unit-tests: %u cases, %u passed, %u failed\n",
		run, run - failed, failed);
	return failed ? 1 : 0;
}
