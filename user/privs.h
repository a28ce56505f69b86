/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Least privilege: once the device is set up and the programs attached,
 * pathtrace keeps only what reading the BPF maps needs.
 */
#ifndef PT_PRIVS_H
#define PT_PRIVS_H

#include <stdint.h>

#define PT_CAP_SYS_ADMIN 21
#define PT_CAP_BPF 39

/*
 * Of the capabilities @permitted (a bit per capability), those to keep:
 * CAP_BPF (every bpf() call needs it where unprivileged BPF is off), or
 * CAP_SYS_ADMIN where the process has no CAP_BPF (a kernel before 5.8).
 */
uint64_t pt_caps_to_keep(uint64_t permitted);

/*
 * Drop every other capability (effective, permitted, inheritable; and the
 * ambient set) and set no_new_privs. Returns the capabilities kept, or
 * -errno after reporting it.
 */
int64_t pt_drop_privileges(void);

#endif
