// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "privs.h"
#include "util.h"

uint64_t pt_caps_to_keep(uint64_t permitted)
{
	if (permitted & (1ull << PT_CAP_BPF))
		return 1ull << PT_CAP_BPF;
	return permitted & (1ull << PT_CAP_SYS_ADMIN);
}

int64_t pt_drop_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uint64_t permitted, keep;
	int err;

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		goto fail;
	permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	keep = pt_caps_to_keep(permitted);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		goto fail;
	if (syscall(SYS_capset, &h, d) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		goto fail;
	return (int64_t)keep;
fail:
	err = -errno;
	pt_err("cannot drop privileges: %s", strerror(errno));
	return err;
}
