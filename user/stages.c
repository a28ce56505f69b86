// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <sys/syscall.h>
#include "stages.h"

static const char *const names[PT_NR_VSTAGES] = {
	[PT_STAGE_SYSCALL] = "syscall",
	[PT_STAGE_L4] = "l4",
	[PT_STAGE_ROUTE] = "route",
	[PT_STAGE_IP] = "ip",
	[PT_STAGE_NEIGH] = "neigh",
	[PT_STAGE_QUEUE] = "queue",
	[PT_STAGE_XMIT] = "xmit",
	[PT_STAGE_DRIVER] = "driver",
	[PT_STAGE_COPY] = "copy",
	[PT_STAGE_USER] = "user",
	[PT_V_RX_SYSCALL] = "syscall",
	[PT_V_RX_TUN] = "tun",
	[PT_V_RX_NETIF] = "netif",
	[PT_V_RX_IP] = "ip",
	[PT_V_RX_L4] = "l4",
	[PT_V_RX_SOCKQ] = "sockq",
	[PT_V_RX_COPY] = "copy",
};

static const int rx_slots[PT_NR_VSTAGES - PT_NR_STAGES] = {
	PT_RX_SYSCALL, PT_RX_TUN, PT_RX_NETIF, PT_RX_IP, PT_RX_L4, PT_RX_SOCKQ, PT_RX_COPY,
};

int pt_vstage_slot(int v)
{
	if (v >= PT_NR_STAGES && v < PT_NR_VSTAGES)
		return rx_slots[v - PT_NR_STAGES];
	return v >= 0 && v < PT_STAGE_USER ? v : -1;
}

const char *pt_stage_name(int s)
{
	return (unsigned)s < PT_NR_VSTAGES ? names[s] : "?";
}

int pt_stage_from_name(const char *name)
{
	for (int i = 0; i < PT_NR_STAGES; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

const struct pt_syscall pt_send_syscalls[] = {
	{ SYS_sendto, "sendto" },
	{ SYS_sendmsg, "sendmsg" },
	{ SYS_sendmmsg, "sendmmsg" },
	{ SYS_write, "write" },
	{ SYS_writev, "writev" },
};
const unsigned int pt_nr_send_syscalls =
	sizeof(pt_send_syscalls) / sizeof(pt_send_syscalls[0]);

const char *pt_syscall_name(long nr)
{
	for (unsigned int i = 0; i < pt_nr_send_syscalls; i++)
		if (pt_send_syscalls[i].nr == nr)
			return pt_send_syscalls[i].name;
	return NULL;
}

static const char *const backend_names[] = {
	[PT_BACKEND_AUTO] = "auto",
	[PT_BACKEND_FENTRY] = "fentry",
	[PT_BACKEND_KPROBE] = "kprobe",
	[PT_BACKEND_TRACEPOINT] = "tracepoint",
};

const char *pt_backend_name(enum pt_backend b)
{
	return (unsigned)b <= PT_BACKEND_TRACEPOINT ? backend_names[b] : "?";
}

int pt_backend_from_name(const char *name)
{
	for (int i = 0; i <= PT_BACKEND_TRACEPOINT; i++)
		if (!strcmp(backend_names[i], name))
			return i;
	return -1;
}
