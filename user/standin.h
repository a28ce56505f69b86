/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stand-in hooks libbpf makes no link for: netfilter BPF programs and
 * links (Linux 6.4+, by number: Debian 12's headers and libbpf predate
 * them), and the packet-socket tap. Shared by the attach ladder and the
 * benchmark's floors (bench/emptyload.c), so that both make them alike.
 */
#ifndef PT_STANDIN_H
#define PT_STANDIN_H

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>	/* htons */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define PT_BPF_PROG_TYPE_NETFILTER 32
#define PT_BPF_NETFILTER 45

/*
 * A netfilter link (BPF_LINK_CREATE) of program @prog_fd at hook @hooknum
 * of family @pf, in the caller's network namespace. It runs before the
 * hook's other functions: priority INT_MIN + 1 (the kernel refuses
 * NF_IP_PRI_FIRST itself). Its fd (close-on-exec), or -errno.
 */
static inline int pt_nf_link(int prog_fd, int pf, int hooknum)
{
	struct {
		__u32 prog_fd, target_fd, attach_type, flags;
		__u32 pf, hooknum;
		__s32 priority;
		__u32 nf_flags;
	} lc = { .prog_fd = (__u32)prog_fd, .attach_type = PT_BPF_NETFILTER,
		 .pf = (__u32)pf, .hooknum = (__u32)hooknum, .priority = INT_MIN + 1 };
	union bpf_attr attr;
	int fd;

	_Static_assert(sizeof(lc) <= sizeof(attr), "the link's attributes fit bpf_attr");
	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &lc, sizeof(lc));
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/*
 * The packet-socket tap: an AF_PACKET socket on device @ifindex whose
 * filter is program @prog_fd, run where tcpdump's copy is taken. It has no
 * protocol until the filter is on, so nothing is queued to it meanwhile.
 * While it exists the kernel clones every packet the device sends for it.
 * Its fd (close-on-exec), or -errno.
 */
static inline int pt_tap_socket(int prog_fd, int ifindex)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)) ||
	    bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

#endif /* PT_STANDIN_H */
