// SPDX-License-Identifier: GPL-2.0
/* user/stages.c: stage and syscall names. */
#include <string.h>
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

/* --explain: the six steps the classroom's walk-through names keep their numbers. */
UNIT_CASE(stage_steps_walk_through)
{
	ASSERT_STREQ(pt_stage_step(PT_STAGE_SYSCALL, false)->step, "1.1");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_SYSCALL, false)->title, "socket");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_IP, false)->step, "3.2");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_IP, false)->title, "netfilter");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, false)->step, "3.4");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, false)->title, "ARP");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_XMIT, false)->step, "4.3");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_XMIT, false)->title, "tcpdump tap");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_DRIVER, false)->step, "4.4");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_DRIVER, false)->title, "driver");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_COPY, false)->step, "5.1");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_COPY, false)->title, "device queue");
	/* An ARP request's neigh stage is why it exists. */
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, true)->step, "3.4");
	ASSERT_CONTAINS(pt_stage_step(PT_STAGE_NEIGH, true)->text, "ARP request");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_QUEUE, true)->step, "4.1");
	ASSERT_TRUE(pt_stage_step(PT_NR_VSTAGES, false) == NULL);
	ASSERT_TRUE(pt_stage_step(-1, false) == NULL);
}

/* Every view stage has a step, in increasing order along each way, and a line. */
UNIT_CASE(stage_steps_complete_and_ordered)
{
	for (int rx = 0; rx < 2; rx++) {
		const char *prev = "";

		for (int v = PT_VSTAGE_FIRST(rx); v < PT_VSTAGE_END(rx); v++) {
			const struct pt_step *s = pt_stage_step(v, false);

			ASSERT_TRUE(s && s->step && s->title && s->text);
			ASSERT_TRUE(strcmp(s->step, prev) > 0);
			ASSERT_TRUE(strlen(s->text) > 20 && strlen(s->text) < 100);
			ASSERT_TRUE(strlen(s->title) <= 12);	/* the text column's width */
			ASSERT_TRUE(!strchr(s->text, '\n'));
			prev = s->step;
		}
	}
}
