// SPDX-License-Identifier: GPL-2.0
/* user/stages.c: stage and syscall names. */
#include <sys/syscall.h>
#include "stages.h"
#include "unit.h"

UNIT_CASE(stage_names)
{
	static const char *const want[] = {
		"syscall", "l4", "route", "ip", "neigh",
		"queue", "xmit", "driver", "copy", "user",
	};

	ASSERT_EQ_U64(PT_NR_STAGES, sizeof(want) / sizeof(want[0]));
	for (int s = 0; s < PT_NR_STAGES; s++)
		ASSERT_STREQ(pt_stage_name(s), want[s]);
	ASSERT_STREQ(pt_stage_name(PT_STAGE_SYSCALL), "syscall");
	ASSERT_STREQ(pt_stage_name(PT_STAGE_NEIGH), "neigh");
	ASSERT_STREQ(pt_stage_name(PT_STAGE_USER), "user");
}

UNIT_CASE(stage_name_round_trip)
{
	for (int s = 0; s < PT_NR_STAGES; s++)
		ASSERT_EQ_I64(pt_stage_from_name(pt_stage_name(s)), s);
}

/* The way in's view stages: their names, and the slots they are stamped in. */
UNIT_CASE(rx_stage_names_and_slots)
{
	static const char *const want[] = { "syscall", "tun", "netif", "ip", "l4", "sockq", "copy" };
	static const int slot[] = { PT_RX_SYSCALL, PT_RX_TUN, PT_RX_NETIF, PT_RX_IP, PT_RX_L4,
				    PT_RX_SOCKQ, PT_RX_COPY };

	ASSERT_EQ_I64(PT_NR_VSTAGES - PT_NR_STAGES, 7);
	for (int i = 0; i < PT_NR_VSTAGES - PT_NR_STAGES; i++) {
		ASSERT_STREQ(pt_stage_name(PT_NR_STAGES + i), want[i]);
		ASSERT_EQ_I64(pt_vstage_slot(PT_NR_STAGES + i), slot[i]);
	}
	/* The way out's stages are their own slots; user has none (userspace's clock). */
	for (int s = 0; s < PT_STAGE_USER; s++)
		ASSERT_EQ_I64(pt_vstage_slot(s), s);
	ASSERT_EQ_I64(pt_vstage_slot(PT_STAGE_USER), -1);
	ASSERT_EQ_I64(pt_vstage_slot(PT_NR_VSTAGES), -1);
	ASSERT_EQ_I64(PT_VSTAGE_FIRST(true), PT_V_RX_SYSCALL);
	ASSERT_EQ_I64(PT_VSTAGE_END(false), PT_NR_STAGES);
}

UNIT_CASE(stage_unknown)
{
	ASSERT_STREQ(pt_stage_name(PT_NR_VSTAGES), "?");
	ASSERT_STREQ(pt_stage_name(-1), "?");
	ASSERT_EQ_I64(pt_stage_from_name("bogus"), -1);
	ASSERT_EQ_I64(pt_stage_from_name(""), -1);
	ASSERT_EQ_I64(pt_stage_from_name("SYSCALL"), -1);
	ASSERT_EQ_I64(pt_stage_from_name("?"), -1);
	ASSERT_EQ_I64(pt_stage_from_name("users"), -1);
}

UNIT_CASE(syscall_names)
{
	ASSERT_STREQ(pt_syscall_name(SYS_sendto), "sendto");
	ASSERT_STREQ(pt_syscall_name(SYS_sendmsg), "sendmsg");
	ASSERT_STREQ(pt_syscall_name(SYS_sendmmsg), "sendmmsg");
	ASSERT_STREQ(pt_syscall_name(SYS_write), "write");
	ASSERT_STREQ(pt_syscall_name(SYS_writev), "writev");
	ASSERT_EQ_U64(pt_nr_send_syscalls, 5);
	ASSERT_NULL(pt_syscall_name(SYS_read));
	ASSERT_NULL(pt_syscall_name(-1));
}
