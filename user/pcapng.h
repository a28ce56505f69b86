/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -w FILE: the packets the reader read, as pcapng (gzip-compressed with
 * zlib when FILE ends in .gz), each with its journey as a comment.
 */
#ifndef PT_PCAPNG_H
#define PT_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_LINKTYPE_ETHERNET 1	/* what a TAP device gives */
#define PT_LINKTYPE_RAW 101	/* raw IPv4/IPv6: what a TUN device gives */

struct pt_pcap {
	int fd;
	void *gz;		/* gzFile, when compressing */
	int64_t mono_to_real;	/* add to CLOCK_MONOTONIC ns for the epoch */
	uint64_t packets;
	bool failed;		/* a write failed: reported once */
	const char *path;
};

/*
 * Create @path (never through a symbolic link; an existing file only with
 * @force) and write the section header. Reports its errors. 0 or -errno.
 */
int pt_pcap_open(struct pt_pcap *p, const char *path, bool force);
/* The interface the packets come from, once its kind is known: before any packet. */
int pt_pcap_interface(struct pt_pcap *p, int linktype, const char *ifname);
/* One packet read at @t_mono_ns (CLOCK_MONOTONIC), with @comment (may be NULL). */
int pt_pcap_write(struct pt_pcap *p, uint64_t t_mono_ns, const void *pkt,
		  uint32_t len, const char *comment);
/* Flush and close; 0 or -errno (reported). */
int pt_pcap_close(struct pt_pcap *p);

/* Pure block builders (for the writer and the tests). Return bytes used, 0 if @cap is short. */
size_t pt_pcapng_shb(uint8_t *buf, size_t cap, const char *appl);
size_t pt_pcapng_idb(uint8_t *buf, size_t cap, int linktype, const char *ifname);
size_t pt_pcapng_epb(uint8_t *buf, size_t cap, uint64_t t_ns, const void *pkt,
		     uint32_t len, const char *comment);

#endif
