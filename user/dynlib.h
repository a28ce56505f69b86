/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Libraries only some runs need, opened the first time they do (dlopen):
 * libpcap for a filter expression, libmicrohttpd for --metrics. Linked,
 * they and the libraries they pull in cost every run 4 MB of memory. A
 * static build (PT_DL_LINKED) calls them directly.
 *
 * A library's table: PT_DL_LIB(name, "soname", FNS) with FNS(X) naming
 * its functions as X(fn) X(fn2)...; name_open(err, len) opens it (0, or -1
 * with why in @err), and PT_DL(name, fn) is the function to call.
 */
#ifndef PT_DYNLIB_H
#define PT_DYNLIB_H

#include <stddef.h>

/*
 * Open @soname, once, and fill @fns[i] with @names[i]'s address for each
 * of the @n names, or with nothing if one is missing. 0 or -1.
 */
int pt_dl_open(const char *soname, const char *const names[], void **fns, size_t n,
	       char *err, size_t len);

#ifdef PT_DL_LINKED
#define PT_DL_LIB(lib, soname, FNS)						\
	static int lib##_open(char *err, size_t len)				\
	{									\
		(void)err;							\
		(void)len;							\
		return 0;							\
	}
#define PT_DL(lib, fn) fn
#else
#define PT_DL_FIELD(fn) __typeof__(fn) *fn;
#define PT_DL_NAME(fn) #fn,
/* The table is its function pointers, one after another: filled as an array. */
#define PT_DL_LIB(lib, soname, FNS)						\
	static struct { FNS(PT_DL_FIELD) } lib;					\
	static int lib##_open(char *err, size_t len)				\
	{									\
		static const char *const names[] = { FNS(PT_DL_NAME) };	\
		_Static_assert(sizeof(lib) == sizeof(names) / sizeof(names[0]) * sizeof(void *), \
			       #lib ": one pointer per function");		\
		return pt_dl_open(soname, names, (void **)&lib,			\
				  sizeof(names) / sizeof(names[0]), err, len);	\
	}
#define PT_DL(lib, fn) (lib.fn)
#endif

#endif
