/* SPDX-License-Identifier: GPL-2.0 */
/* The TUN/TAP device pathtrace reads: created, or attached to if it exists. */
#ifndef PT_TUNDEV_H
#define PT_TUNDEV_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include "cli.h"

struct pt_tun {
	int fd;
	char name[IFNAMSIZ];
	unsigned int ifindex;
	uint32_t netns;		/* inode of the network namespace */
	bool created;		/* pathtrace made it: it goes when fd closes */
	bool pi;		/* reads start with a 4-byte packet-info header */
	bool tap;		/* TAP: reads are Ethernet frames */
	int foreign_pid;	/* another process reads it: followed, not read (fd -1) */
	char foreign_comm[32];
};

/* Create or attach; reports its own errors. 0 or -errno. */
int pt_tun_open(struct pt_tun *t, const struct pt_opts *o);
/*
 * Address and bring up a device pathtrace created (nothing for an existing
 * one): done once tracing is live, so its first packets are seen.
 */
int pt_tun_configure(struct pt_tun *t, const struct pt_opts *o);
/* Create device @name of the current netns, TUN or TAP (@tap), without packet information. */
int pt_tun_create(struct pt_tun *t, const char *name, bool tap);
/*
 * Address device @t of the current netns with @n addresses of @a (IPv6 off
 * without one; at most one IPv4 address is taken), set its MTU (0: as it
 * is), and bring it up. 0 or -errno, said why.
 */
int pt_tun_setup(const struct pt_tun *t, const struct pt_ifaddr *a, unsigned int n,
		 unsigned int mtu);
/* The MTU of device @name of the current netns, or -errno. */
int pt_tun_mtu(const char *name);
/* Detach; a device pathtrace created is removed. */
void pt_tun_close(struct pt_tun *t);

#endif
