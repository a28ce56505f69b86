// SPDX-License-Identifier: GPL-2.0
/* Libraries opened when first needed (user/dynlib.c), with zlib as the library. */
#include <string.h>
#include <zlib.h>
#include "dynlib.h"
#include "unit.h"

UNIT_CASE(dl_open_fills_the_table)
{
	const char *const names[] = { "zlibVersion", "crc32" };
	void *fns[2] = { 0 };
	char err[256] = "";

	ASSERT_EQ_I64(pt_dl_open("libz.so.1", names, fns, 2, err, sizeof(err)), 0);
	ASSERT_STREQ(((const char *(*)(void))fns[0])(), zlibVersion());
	ASSERT_TRUE(fns[1] != NULL);
	/* Opened already: nothing looked up again. */
	fns[1] = NULL;
	ASSERT_EQ_I64(pt_dl_open("libz.so.1", names, fns, 2, err, sizeof(err)), 0);
	ASSERT_NULL(fns[1]);
}

UNIT_CASE(dl_open_missing_library)
{
	const char *const names[] = { "f" };
	void *fns[1] = { 0 };
	char err[256] = "";

	ASSERT_EQ_I64(pt_dl_open("libpathtrace-none.so.0", names, fns, 1, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "libpathtrace-none.so.0");
	ASSERT_NULL(fns[0]);
}

UNIT_CASE(dl_open_missing_function)
{
	const char *const names[] = { "zlibVersion", "pt_no_such_function" };
	void *fns[2] = { 0 };
	char err[256] = "";

	ASSERT_EQ_I64(pt_dl_open("libz.so.1", names, fns, 2, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "libz.so.1 has no pt_no_such_function");
	ASSERT_NULL(fns[0]);	/* none filled: the next try looks again */
	ASSERT_NULL(fns[1]);
}
