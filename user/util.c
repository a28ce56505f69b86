// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

int pt_verbose;

static void vlog(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "pathtrace: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pt_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pt_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

/* VmRSS and VmHWM of /proc/self/status, in kB (0 if unread). */
static void memory_kb(long *rss, long *hwm)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];

	*rss = *hwm = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			*rss = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "VmHWM:", 6))
			*hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

void pt_mark(const char *what)
{
	static int on = -1;
	static uint64_t first;
	uint64_t now = pt_now_ns();
	long rss, hwm;

	if (on < 0)
		on = getenv("PATHTRACE_TIMING") != NULL;
	if (!on)
		return;
	if (!first)
		first = now;
	memory_kb(&rss, &hwm);
	fprintf(stderr, "pathtrace: timing: %8.2f ms %-28s rss %6ld kB, peak %6ld kB, at %llu\n",
		(double)(now - first) / 1e6, what, rss, hwm,
		(unsigned long long)pt_realtime_ns());
}

int pt_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

uint64_t pt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t pt_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int pt_ms_until(uint64_t deadline, uint64_t now)
{
	return deadline > now ? (int)((deadline - now + 999999) / 1000000) : 0;
}

void pt_appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

char *pt_fmt_dur(char *buf, size_t len, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	/* The unit is chosen after rounding: 999999ns is "1.00ms". */
	if (a < 1000)
		snprintf(buf, len, "%s%lluns", sign, (unsigned long long)a);
	else if (a < 999950)
		snprintf(buf, len, "%s%.1fus", sign, a / 1e3);
	else if (a < 999995000)
		snprintf(buf, len, "%s%.2fms", sign, a / 1e6);
	else
		snprintf(buf, len, "%s%.2fs", sign, a / 1e9);
	return buf;
}

int pt_open_output(const char *path, bool force)
{
	struct stat st;
	int fd;

	if (!lstat(path, &st)) {
		if (S_ISLNK(st.st_mode)) {
			pt_err("output %s is a symbolic link: refused (never followed)", path);
			return -ELOOP;
		}
		if (!force) {
			pt_err("output %s exists: refused (--force overwrites it)", path);
			return -EEXIST;
		}
		if (!S_ISREG(st.st_mode)) {
			pt_err("output %s is not a regular file: refused", path);
			return -EINVAL;
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL),
		  0644);
	if (fd < 0) {
		fd = -errno;
		pt_err("cannot create %s: %s", path, strerror(errno));
	}
	return fd;
}

int pt_ready_file(const char *path)
{
	char buf[32];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		pt_err("cannot create ready file %s: %s", path, strerror(errno));
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, len) != len) {
		pt_err("cannot write ready file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}
