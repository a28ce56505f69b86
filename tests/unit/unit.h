/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit-test framework: cases register themselves, assertions say what
 * was got and what was wanted, a failed assertion ends its case and the run
 * goes on with the next one.
 *
 *	UNIT_CASE(parse_u64_zero)
 *	{
 *		uint64_t v;
 *
 *		ASSERT_EQ_I64(pt_parse_u64("0", 10, &v), 0);
 *		ASSERT_EQ_U64(v, 0);
 *	}
 *
 * Output (stdout), one line per case: "PASS <name>" or "FAIL <name>: <msg>",
 * details of a failure on lines starting with two spaces before its FAIL
 * line. Exit status 0 when every case passed, 1 otherwise, 2 on bad usage.
 * The one optional argument keeps the cases whose name contains it.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*unit_fn)(void);

void unit_register(const char *name, unit_fn fn);

/* Define and register a case; @name must be unique in the whole binary. */
#define UNIT_CASE(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void unit_reg_##name(void)	\
	{								\
		unit_register(#name, name);				\
	}								\
	static void name(void)

/* Back ends of the macros: return when the check holds, else end the case. */
void unit_check_true(const char *file, int line, const char *expr, bool ok);
void unit_check_u64(const char *file, int line, const char *gexpr,
		    const char *wexpr, uint64_t got, uint64_t want);
void unit_check_i64(const char *file, int line, const char *gexpr,
		    const char *wexpr, int64_t got, int64_t want);
void unit_check_str(const char *file, int line, const char *gexpr,
		    const char *wexpr, const char *got, const char *want);
void unit_check_contains(const char *file, int line, const char *hexpr,
			 const char *nexpr, const char *hay, const char *needle,
			 bool want_found);
void unit_check_mem(const char *file, int line, const char *gexpr,
		    const char *wexpr, const void *got, const void *want,
		    size_t n);
void unit_fail_case(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define ASSERT_TRUE(c)	unit_check_true(__FILE__, __LINE__, #c, !!(c))
#define ASSERT_FALSE(c)	unit_check_true(__FILE__, __LINE__, "!(" #c ")", !(c))
#define ASSERT_EQ_U64(got, want)					\
	unit_check_u64(__FILE__, __LINE__, #got, #want,			\
		       (uint64_t)(got), (uint64_t)(want))
#define ASSERT_EQ_I64(got, want)					\
	unit_check_i64(__FILE__, __LINE__, #got, #want,			\
		       (int64_t)(got), (int64_t)(want))
/* Strings (NULL allowed on either side: equal only to NULL). */
#define ASSERT_STREQ(got, want)						\
	unit_check_str(__FILE__, __LINE__, #got, #want, (got), (want))
#define ASSERT_NULL(p)							\
	unit_check_true(__FILE__, __LINE__, #p " == NULL", (p) == NULL)
#define ASSERT_CONTAINS(hay, needle)					\
	unit_check_contains(__FILE__, __LINE__, #hay, #needle, (hay),	\
			    (needle), true)
#define ASSERT_NOT_CONTAINS(hay, needle)				\
	unit_check_contains(__FILE__, __LINE__, #hay, #needle, (hay),	\
			    (needle), false)
#define ASSERT_MEMEQ(got, want, n)					\
	unit_check_mem(__FILE__, __LINE__, #got, #want, (got), (want), (n))
#define FAIL_CASE(...)	unit_fail_case(__FILE__, __LINE__, __VA_ARGS__)

/* Free @p when the current case ends, passed or failed. Returns @p. */
void *unit_track(void *p);

/*
 * Send what is written to @fd (1 or 2) to a buffer until unit_capture_end(),
 * which returns the text (NUL-terminated, tracked: freed with the case).
 * Assert nothing in between: a failure restores the descriptors first.
 */
void unit_capture_begin(int fd);
char *unit_capture_end(int fd);

#endif
