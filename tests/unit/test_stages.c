// SPDX-License-Identifier: GPL-2.0
/* user/stages.c: stage and syscall names. */
#include <string.h>
#include <sys/syscall.h>
#include "stages.h"
#include "unit.h"

UNIT_CASE(stage_names)
{
	static const char *const want[] = {
		"syscall", "l4", "route", "sendq", "ip", "neigh",
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
	const struct pt_flow arp = { .family = PT_FAM_ARP, .sport = 1 };
	const struct pt_flow tcp = { .family = PT_FAM_IPV4, .proto = PT_IPPROTO_TCP };
	const struct pt_flow udp = { .family = PT_FAM_IPV4, .proto = PT_IPPROTO_UDP };

	ASSERT_STREQ(pt_stage_step(PT_STAGE_SYSCALL, NULL)->step, "1.1");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_SYSCALL, NULL)->title, "socket");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_IP, NULL)->step, "3.2");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_IP, NULL)->title, "netfilter");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, NULL)->step, "3.4");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, NULL)->title, "ARP");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_XMIT, NULL)->step, "4.3");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_XMIT, NULL)->title, "tcpdump tap");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_DRIVER, NULL)->step, "4.4");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_DRIVER, NULL)->title, "driver");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_COPY, NULL)->step, "5.1");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_COPY, NULL)->title, "device queue");
	/* An ARP request's neigh stage is why it exists. */
	ASSERT_STREQ(pt_stage_step(PT_STAGE_NEIGH, &arp)->step, "3.4");
	ASSERT_CONTAINS(pt_stage_step(PT_STAGE_NEIGH, &arp)->text, "ARP request");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_QUEUE, &arp)->step, "4.1");
	/* TCP's l4 is where its data enters the write queue; sendq where it leaves it. */
	ASSERT_STREQ(pt_stage_step(PT_STAGE_L4, &tcp)->title, "TCP");
	ASSERT_CONTAINS(pt_stage_step(PT_STAGE_L4, &tcp)->text, "write queue");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_L4, &udp)->title, "UDP/ICMP");
	ASSERT_STREQ(pt_stage_step(PT_V_RX_L4, &tcp)->step, "R5");
	ASSERT_STREQ(pt_stage_step(PT_V_RX_L4, &tcp)->title, "TCP");
	ASSERT_STREQ(pt_stage_step(PT_V_RX_L4, &udp)->title, "UDP/ICMP");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_SENDQ, &tcp)->step, "2.3");
	ASSERT_STREQ(pt_stage_step(PT_STAGE_SENDQ, &tcp)->title, "send queue");
	ASSERT_TRUE(pt_stage_on_path(PT_STAGE_SENDQ, &tcp));
	ASSERT_TRUE(!pt_stage_on_path(PT_STAGE_SENDQ, &udp));
	ASSERT_TRUE(pt_stage_on_path(PT_STAGE_L4, &udp));
	ASSERT_TRUE(pt_stage_step(PT_NR_VSTAGES, NULL) == NULL);
	ASSERT_TRUE(pt_stage_step(-1, NULL) == NULL);
}

/* Every view stage has a step, in increasing order along each way, and a line. */
UNIT_CASE(stage_steps_complete_and_ordered)
{
	for (int rx = 0; rx < 2; rx++) {
		const char *prev = "";

		for (int v = PT_VSTAGE_FIRST(rx); v < PT_VSTAGE_END(rx); v++) {
			const struct pt_step *s = pt_stage_step(v, NULL);

			ASSERT_TRUE(s && s->step && s->title && s->text);
			ASSERT_TRUE(strcmp(s->step, prev) > 0);
			ASSERT_TRUE(strlen(s->text) > 20 && strlen(s->text) < 100);
			ASSERT_TRUE(strlen(s->title) <= 12);	/* the text column's width */
			ASSERT_TRUE(!strchr(s->text, '\n'));
			prev = s->step;
		}
	}
}
