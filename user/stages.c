// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <sys/syscall.h>
#include "stages.h"

static const char *const names[PT_NR_VSTAGES] = {
	[PT_STAGE_SYSCALL] = "syscall",
	[PT_STAGE_L4] = "l4",
	[PT_STAGE_ROUTE] = "route",
	[PT_STAGE_SENDQ] = "sendq",
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

/* The slot of pt_event.ts each stage of the way in is stamped in. */
#define RX(v) [(v) - PT_NR_STAGES]
static const int rx_slots[] = {
	RX(PT_V_RX_SYSCALL) = PT_RX_SYSCALL,
	RX(PT_V_RX_TUN) = PT_RX_TUN,
	RX(PT_V_RX_NETIF) = PT_RX_NETIF,
	RX(PT_V_RX_IP) = PT_RX_IP,
	RX(PT_V_RX_L4) = PT_RX_L4,
	RX(PT_V_RX_SOCKQ) = PT_RX_SOCKQ,
	RX(PT_V_RX_COPY) = PT_RX_COPY,
};
#undef RX
_Static_assert(sizeof(rx_slots) / sizeof(rx_slots[0]) == PT_NR_VSTAGES - PT_NR_STAGES,
	       "every view stage of the way in has its slot");

int pt_vstage_slot(int v)
{
	if (v >= PT_NR_STAGES && v < PT_NR_VSTAGES)
		return rx_slots[v - PT_NR_STAGES];
	return v >= 0 && v < PT_STAGE_USER ? v : -1;
}

bool pt_stage_on_path(int v, const struct pt_flow *f)
{
	return v != PT_STAGE_SENDQ || f->proto == PT_IPPROTO_TCP;
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

/*
 * The six steps the classroom's walk-through names (1.1 socket, 3.2
 * netfilter, 3.4 ARP, 4.3 the tcpdump tap, 4.4 the driver, 5.1 the device
 * queue) keep their numbers; the others are placed between them in layer
 * order. The ip stage (ip_output) is where netfilter's POSTROUTING hook
 * runs, OUTPUT having run just before it.
 */
static const struct pt_step steps[PT_NR_VSTAGES] = {
	[PT_STAGE_SYSCALL] = { "1.1", "socket",
		"the application's send call enters the kernel at its socket" },
	[PT_STAGE_L4] = { "2.1", "UDP/ICMP",
		"the protocol's sendmsg (UDP, ping, raw) checks the destination and builds the packet" },
	[PT_STAGE_ROUTE] = { "2.2", "routing",
		"a route lookup picks the device and source address for the destination" },
	[PT_STAGE_SENDQ] = { "2.3", "send queue",
		"TCP hands the segment to IP; since the write it waited for Nagle, windows, pacing" },
	[PT_STAGE_IP] = { "3.2", "netfilter",
		"ip_output: the IP packet passes netfilter (iptables/nftables OUTPUT, POSTROUTING)" },
	[PT_STAGE_NEIGH] = { "3.4", "ARP",
		"the neighbour table gives the next hop's MAC address; the Ethernet header is written" },
	[PT_STAGE_QUEUE] = { "4.1", "qdisc",
		"dev_queue_xmit: the device's queueing discipline (traffic control) takes the packet" },
	[PT_STAGE_XMIT] = { "4.3", "tcpdump tap",
		"dev_hard_start_xmit: packet sockets (tcpdump, Wireshark) get their copy here" },
	[PT_STAGE_DRIVER] = { "4.4", "driver",
		"the driver's transmit function (tun_net_xmit) takes the packet" },
	[PT_STAGE_COPY] = { "5.1", "device queue",
		"it waited in the tun device's queue until the reader's read() copied it out" },
	[PT_STAGE_USER] = { "5.2", "reader",
		"read() returned in the reader (the experiment's application): it is in userspace" },
	[PT_V_RX_SYSCALL] = { "R1", "write",
		"the reader writes the answer to /dev/net/tun, as if it came off a wire" },
	[PT_V_RX_TUN] = { "R2", "tun",
		"tun_get_user builds a socket buffer from the written bytes" },
	[PT_V_RX_NETIF] = { "R3", "netif",
		"netif_receive_skb: packet sockets see it, then its protocol takes it" },
	[PT_V_RX_IP] = { "R4", "IP",
		"ip_rcv: netfilter PREROUTING, the route lookup (local delivery), INPUT" },
	[PT_V_RX_L4] = { "R5", "UDP/ICMP",
		"the protocol finds the socket the packet is for" },
	[PT_V_RX_SOCKQ] = { "R6", "socket queue",
		"it waits in the socket's receive queue; the application is woken" },
	[PT_V_RX_COPY] = { "R7", "receive",
		"the application's receive call copies it out: the answer has arrived" },
};

static const struct pt_step arp_step = { "3.4", "ARP",
	"no neighbour entry for the next hop: the packet is parked, and this ARP request asks" };

static const struct pt_step tcp_l4_step = { "2.1", "TCP",
	"tcp_sendmsg copies the written data into the socket's write queue" };
static const struct pt_step tcp_rx_l4_step = { "R5", "TCP",
	"tcp_v4_rcv finds the socket; TCP checks the segment's sequence and ACK" };

const struct pt_step *pt_stage_step(int v, const struct pt_flow *f)
{
	if (f && f->family == PT_FAM_ARP && v == PT_STAGE_NEIGH)
		return &arp_step;
	if (f && f->family != PT_FAM_ARP && f->proto == PT_IPPROTO_TCP &&
	    (v == PT_STAGE_L4 || v == PT_V_RX_L4))
		return v == PT_STAGE_L4 ? &tcp_l4_step : &tcp_rx_l4_step;
	return (unsigned)v < PT_NR_VSTAGES ? &steps[v] : NULL;
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
