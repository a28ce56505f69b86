// SPDX-License-Identifier: GPL-2.0
/* pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng): SHB, one IDB, EPBs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "pcapng.h"
#include "util.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9

#define PAD4(n) (((n) + 3u) & ~3u)

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool short_;
};

static void put(struct wbuf *w, const void *d, size_t n)
{
	if (w->short_ || w->len + n > w->cap) {
		w->short_ = true;
		return;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put32(struct wbuf *w, uint32_t v)
{
	put(w, &v, 4);
}

static void put16(struct wbuf *w, uint16_t v)
{
	put(w, &v, 2);
}

static void pad(struct wbuf *w)
{
	static const uint8_t zero[4];

	put(w, zero, PAD4(w->len) - w->len);
}

static void opt(struct wbuf *w, uint16_t code, const void *d, uint16_t n)
{
	put16(w, code);
	put16(w, n);
	put(w, d, n);
	pad(w);
}

static void opt_str(struct wbuf *w, uint16_t code, const char *s)
{
	size_t n = strlen(s);

	opt(w, code, s, n > 0xfff0 ? 0xfff0 : (uint16_t)n);
}

/* Closes a block begun at @start: its total length, at both ends. */
static size_t finish(struct wbuf *w, size_t start)
{
	uint32_t total;

	put16(w, OPT_END);
	put16(w, 0);
	total = (uint32_t)(w->len - start + 4);
	put32(w, total);
	if (w->short_)
		return 0;
	memcpy(w->p + start + 4, &total, 4);
	return w->len - start;
}

size_t pt_pcapng_shb(uint8_t *buf, size_t cap, const char *appl)
{
	struct wbuf w = { buf, 0, cap, false };

	put32(&w, BT_SHB);
	put32(&w, 0);			/* total length, set by finish() */
	put32(&w, 0x1A2B3C4D);		/* byte-order magic */
	put16(&w, 1);			/* version 1.0 */
	put16(&w, 0);
	put32(&w, 0xffffffff);		/* section length: unknown */
	put32(&w, 0xffffffff);
	opt_str(&w, SHB_USERAPPL, appl);
	return finish(&w, 0);
}

size_t pt_pcapng_idb(uint8_t *buf, size_t cap, int linktype, const char *ifname)
{
	struct wbuf w = { buf, 0, cap, false };
	uint8_t tsresol = 9;		/* nanoseconds */

	put32(&w, BT_IDB);
	put32(&w, 0);
	put16(&w, (uint16_t)linktype);
	put16(&w, 0);
	put32(&w, 0);			/* snaplen: no limit */
	opt_str(&w, IF_NAME, ifname);
	opt(&w, IF_TSRESOL, &tsresol, 1);
	return finish(&w, 0);
}

size_t pt_pcapng_epb(uint8_t *buf, size_t cap, uint64_t t_ns, const void *pkt,
		     uint32_t len, const char *comment)
{
	struct wbuf w = { buf, 0, cap, false };

	put32(&w, BT_EPB);
	put32(&w, 0);
	put32(&w, 0);			/* interface 0 */
	put32(&w, (uint32_t)(t_ns >> 32));
	put32(&w, (uint32_t)t_ns);
	put32(&w, len);			/* captured */
	put32(&w, len);			/* on the wire */
	put(&w, pkt, len);
	pad(&w);
	if (comment && *comment)
		opt_str(&w, OPT_COMMENT, comment);
	return finish(&w, 0);
}

static int out(struct pt_pcap *p, const void *d, size_t n)
{
	if (p->failed)
		return -EIO;
	if (p->gz ? gzwrite(p->gz, d, (unsigned int)n) != (int)n :
		    write(p->fd, d, n) != (ssize_t)n) {
		p->failed = true;
		pt_err("cannot write %s: %s", p->path, p->gz ? "gzip write failed" : strerror(errno));
		return -EIO;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int pt_pcap_open(struct pt_pcap *p, const char *path, bool force)
{
	struct timespec mono, real;
	uint8_t buf[512];
	size_t n;
	int err;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->fd = -1;
	p->fd = pt_open_output(path, force);
	if (p->fd < 0)
		return p->fd;
	if (ends_with(path, ".gz")) {
		int fd = dup(p->fd);

		p->gz = fd < 0 ? NULL : gzdopen(fd, "wb");
		if (!p->gz) {
			if (fd >= 0)
				close(fd);
			pt_err("cannot start gzip output on %s", path);
			err = -ENOMEM;
			goto fail;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	p->mono_to_real = ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000ll +
			  (real.tv_nsec - mono.tv_nsec);
	n = pt_pcapng_shb(buf, sizeof(buf), "pathtrace " PT_VERSION);
	if (!n || out(p, buf, n))
		goto fail_io;
	return 0;
fail_io:
	err = -EIO;
fail:
	/* A file we could not start is not left behind. */
	pt_pcap_close(p);
	unlink(path);
	return err;
}

int pt_pcap_interface(struct pt_pcap *p, int linktype, const char *ifname)
{
	uint8_t buf[512];
	size_t n = pt_pcapng_idb(buf, sizeof(buf), linktype, ifname);

	return n ? out(p, buf, n) : -EINVAL;
}

int pt_pcap_write(struct pt_pcap *p, uint64_t t_mono_ns, const void *pkt,
		  uint32_t len, const char *comment)
{
	size_t cap = 64 + PAD4(len) + (comment ? PAD4(strlen(comment)) + 8 : 0), n;
	uint8_t *buf = malloc(cap);
	int err;

	if (!buf)
		return -ENOMEM;
	n = pt_pcapng_epb(buf, cap, t_mono_ns + p->mono_to_real, pkt, len, comment);
	err = n ? out(p, buf, n) : -EINVAL;
	free(buf);
	if (!err)
		p->packets++;
	return err;
}

int pt_pcap_close(struct pt_pcap *p)
{
	int err = 0;

	if (p->gz && gzclose(p->gz) != Z_OK && !p->failed) {
		pt_err("cannot finish the gzip stream of %s", p->path);
		err = -EIO;
	}
	p->gz = NULL;
	if (p->fd >= 0 && close(p->fd) && !err) {
		err = -errno;
		pt_err("cannot close %s: %s", p->path, strerror(errno));
	}
	p->fd = -1;
	return p->failed ? -EIO : err;
}
