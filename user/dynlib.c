// SPDX-License-Identifier: GPL-2.0
/* Libraries opened when first needed (see dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "dynlib.h"

int pt_dl_open(const char *soname, const char *const names[], void **fns, size_t n,
	       char *err, size_t len)
{
	void *h;

	if (n && fns[0])
		return 0;	/* opened already */
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, len, "%s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (!fns[i]) {
			snprintf(err, len, "%s has no %s", soname, names[i]);
			memset(fns, 0, n * sizeof(*fns));
			dlclose(h);
			return -1;
		}
	}
	return 0;	/* kept open: its functions are used until exit */
}
