/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_STAGES_H
#define PT_STAGES_H

#include <stdbool.h>
#include "pathtrace.h"

/*
 * The way in (--echo) has stages of its own; in userspace's tables they
 * come after the way out's (enum pt_stage), as "view stages".
 */
enum pt_vstage {
	PT_V_RX_SYSCALL = PT_NR_STAGES,
	PT_V_RX_TUN,
	PT_V_RX_NETIF,
	PT_V_RX_IP,
	PT_V_RX_L4,
	PT_V_RX_SOCKQ,
	PT_V_RX_COPY,
	PT_NR_VSTAGES,
};

/*
 * What hooks serve besides stages, after the view stages in the attach
 * ladder's tables: TCP's socket records (bpf/pt_tcp.bpf.h).
 */
enum pt_hslot {
	PT_H_TCP_WRITE = PT_NR_VSTAGES,	/* where a write's data begins in a TCP socket */
	PT_H_TCP_OWNER,			/* a TCP socket's owner, at connect() */
	PT_NR_HSLOTS,
};

/* A view stage of @rx's direction: the first, and one past the last. */
#define PT_VSTAGE_FIRST(rx) ((rx) ? (int)PT_V_RX_SYSCALL : 0)
#define PT_VSTAGE_END(rx) ((rx) ? (int)PT_NR_VSTAGES : (int)PT_NR_STAGES)

/*
 * Whether view stage @v is on the path of a packet of flow @f at all: the
 * send queue is TCP's only (a journey of another protocol does not list it).
 */
bool pt_stage_on_path(int v, const struct pt_flow *f);

/* The slot of pt_event.ts a view stage is stamped in; -1 for user (userspace's clock). */
int pt_vstage_slot(int v);

/*
 * The names of doc/design.md's layer model: syscall, l4, route, ip, neigh,
 * queue, xmit, driver, copy, user; on the way in syscall, tun, netif, ip,
 * l4, sockq, copy.
 */
const char *pt_stage_name(int s);
/* -1 if @name is no stage. */
int pt_stage_from_name(const char *name);

/*
 * --explain: a view stage's step in the classic walk-through of a UDP send
 * (1 the socket, 2 UDP/ICMP, 3 IP, 4 the netdevice subsystem, 5 the driver's
 * queue and the reader), and one line of plain explanation. The way in has
 * steps of its own, R1 to R7.
 */
struct pt_step {
	const char *step;	/* "4.4" */
	const char *title;	/* "driver" */
	const char *text;	/* one line */
};
/*
 * Of a packet of flow @f (NULL: any): an ARP frame's neigh stage says why
 * it exists, TCP's l4 is TCP's, both ways.
 */
const struct pt_step *pt_stage_step(int v, const struct pt_flow *f);


/* The syscalls whose entry starts the syscall stage (this architecture's numbers). */
struct pt_syscall {
	long nr;
	const char *name;
};
extern const struct pt_syscall pt_send_syscalls[];
extern const unsigned int pt_nr_send_syscalls;
/* Name of a send syscall, or NULL. */
const char *pt_syscall_name(long nr);

/* How hooks are attached: a ladder, from the cheapest. */
enum pt_backend {
	PT_BACKEND_AUTO = 0,	/* the best the kernel allows, per hook */
	PT_BACKEND_FENTRY,
	PT_BACKEND_KPROBE,
	PT_BACKEND_TRACEPOINT,
};
const char *pt_backend_name(enum pt_backend b);
/* -1 if @name is no backend. */
int pt_backend_from_name(const char *name);

/* What the chosen backend can tell of each stage on this kernel. */
enum pt_stage_state {
	PT_SEEN = 0,	/* observed */
	PT_UNSEEN,	/* exists, but this backend cannot observe it here */
	PT_NA,		/* does not exist on this path (no link layer on TUN) */
};

struct pt_stage_view {
	enum pt_stage_state state[PT_NR_VSTAGES];
	const char *why[PT_NR_VSTAGES];	/* for PT_UNSEEN and PT_NA */
	/* Seen through a hook other than the stage's own function: which */
	const char *hook[PT_NR_VSTAGES];
};

#endif
