// SPDX-License-Identifier: GPL-2.0
/* user/output.c's sink: a file gets what was printed in batches, at most PT_SINK_FLUSH_NS late. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "output.h"
#include "unit.h"

/* Bytes that reached the file (not stdio's buffer). */
static long long on_disk(FILE *f)
{
	struct stat st;

	return fstat(fileno(f), &st) ? -1 : (long long)st.st_size;
}

UNIT_CASE(sink_file_flushed_late_at_most)
{
	static struct pt_sink s;
	FILE *f = tmpfile();
	uint64_t t0;
	int ms;

	if (!f)
		FAIL_CASE("tmpfile");
	pt_sink_init(&s, f);
	t0 = s.flushed;
	ASSERT_FALSE(s.tty);
	ASSERT_EQ_I64(pt_sink_timeout(&s, t0), -1);	/* nothing waits */
	fputs("journey\n", f);
	ASSERT_EQ_I64(pt_sink_printed(&s), 0);
	ASSERT_TRUE(s.pending);
	ASSERT_EQ_I64(on_disk(f), 0);
	ms = pt_sink_timeout(&s, t0 + 1);
	ASSERT_TRUE(ms > 0 && ms <= (int)(PT_SINK_FLUSH_NS / 1000000));
	/* Not yet due: still buffered. */
	ASSERT_EQ_I64(pt_sink_tick(&s, t0 + PT_SINK_FLUSH_NS - 1), 0);
	ASSERT_TRUE(s.pending);
	ASSERT_EQ_I64(on_disk(f), 0);
	ASSERT_EQ_I64(pt_sink_timeout(&s, t0 + PT_SINK_FLUSH_NS + 5), 0);
	ASSERT_EQ_I64(pt_sink_tick(&s, t0 + PT_SINK_FLUSH_NS), 0);
	ASSERT_FALSE(s.pending);
	ASSERT_EQ_I64(on_disk(f), 8);
	ASSERT_EQ_I64(pt_sink_timeout(&s, s.flushed), -1);
	fclose(f);
}
