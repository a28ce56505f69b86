// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics' server: libmicrohttpd on a socket bound at start-up, GET
 * /metrics only, within fixed limits (connections, memory per connection,
 * an idle timeout), so that a client that sends too much or too slowly
 * costs a connection, never the exporter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dynlib.h"
#include "metrics.h"
#include "util.h"

#define MAX_CONNECTIONS 32
#define MAX_PER_IP 16
#define CONN_MEMORY (32 * 1024)	/* a request's headers must fit */
#define CONN_TIMEOUT_S 10

#define MHD_FNS(X) X(MHD_start_daemon) X(MHD_quiesce_daemon) X(MHD_stop_daemon)		\
	X(MHD_create_response_from_buffer) X(MHD_add_response_header)			\
	X(MHD_queue_response) X(MHD_destroy_response)
PT_DL_LIB(libmhd, PT_MHD_SONAME, MHD_FNS)

static const char content_type[] = "text/plain; version=0.0.4; charset=utf-8";

int pt_metrics_listen(struct pt_metrics *m, const struct pt_opts *o)
{
	const struct sockaddr *sa = (const struct sockaddr *)&o->metrics_addr;
	char err[256];
	int one = 1;

	m->fd = -1;
	if (libmhd_open(err, sizeof(err))) {
		pt_err("--metrics needs libmicrohttpd (Debian: libmicrohttpd12): %s", err);
		return -1;
	}
	m->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->fd < 0) {
		pt_err("--metrics %s: cannot make a socket: %s", o->metrics, strerror(errno));
		return -1;
	}
	/* Only the address given: an IPv6 one does not take IPv4 too. */
	if (sa->sa_family == AF_INET6)
		setsockopt(m->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(m->fd, sa, o->metrics_len) || listen(m->fd, 64)) {
		pt_err("--metrics %s: cannot listen there: %s", o->metrics, strerror(errno));
		close(m->fd);
		m->fd = -1;
		return -1;
	}
	pthread_mutex_init(&m->lock, NULL);
	return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = PT_DL(libmhd, MHD_create_response_from_buffer)(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	PT_DL(libmhd, MHD_add_response_header)(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		PT_DL(libmhd, MHD_add_response_header)(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = PT_DL(libmhd, MHD_queue_response)(c, code, r);
	PT_DL(libmhd, MHD_destroy_response)(r);
	return ret;
}

/* The page, rendered from a copy taken under the lock. */
static enum MHD_Result page(struct pt_metrics *m, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *text;

	pthread_mutex_lock(&m->lock);
	pt_prom_copy(&m->snap, &m->pub);
	pthread_mutex_unlock(&m->lock);
	text = pt_prom_render(&m->snap, &len);
	if (!text)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	r = PT_DL(libmhd, MHD_create_response_from_buffer)(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	PT_DL(libmhd, MHD_add_response_header)(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	ret = PT_DL(libmhd, MHD_queue_response)(c, MHD_HTTP_OK, r);
	PT_DL(libmhd, MHD_destroy_response)(r);
	return ret;
}

/* One request: a scrape, or a refusal. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	static bool niced;	/* (only the server's thread runs this) */

	/*
	 * The server's thread yields to the reader where they share a CPU: a
	 * scrape waits, a read does not. (Lowering one's own priority needs
	 * no privilege.)
	 */
	if (!niced) {
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
		niced = true;
	}
	(void)version;
	(void)upload;
	/* Refused at once: the connection closes, a body is never read. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: GET /metrics\n");
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "not found: pathtrace serves /metrics\n");
	/*
	 * A scrape is answered at the second call, once the request is whole:
	 * libmicrohttpd then keeps the connection alive for the next one, as
	 * Prometheus expects (a response queued at the first call closes it).
	 */
	if (!*req) {
		*req = (void *)handle;
		return MHD_YES;
	}
	if (*upload_len) {	/* a GET with a body: dropped */
		*upload_len = 0;
		return MHD_YES;
	}
	return page(cls, c);
}

/* libmicrohttpd's complaints (a client's bad request, mostly): with -v only. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	if (!pt_verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	pt_info("metrics: %s", buf);
}

int pt_metrics_start(struct pt_metrics *m)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;

	if (!getsockname(m->fd, (struct sockaddr *)&ss, &sl) && ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	pt_metrics_publish(m);
	m->daemon = PT_DL(libmhd, MHD_start_daemon)(flags, 0, NULL, NULL, handle, m,
				     MHD_OPTION_LISTEN_SOCKET, m->fd,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_PER_IP,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
				     MHD_OPTION_END);
	if (!m->daemon) {
		pt_err("--metrics: cannot start the HTTP server (libmicrohttpd)");
		return -1;
	}
	return 0;
}

bool pt_metrics_due(struct pt_metrics *m, uint64_t now)
{
	if (m->dirty)	/* a publication a scrape had put off */
		pt_metrics_publish(m);
	if (now < m->next)
		return false;
	m->next = now + PT_METRICS_PERIOD_NS;
	return true;
}

int pt_metrics_timeout(const struct pt_metrics *m, uint64_t now)
{
	return pt_ms_until(m->next, now);
}

void pt_metrics_publish(struct pt_metrics *m)
{
	m->dirty = true;
	if (pthread_mutex_trylock(&m->lock))
		return;	/* a scrape copies it: next time */
	pt_prom_copy(&m->pub, &m->work);
	pthread_mutex_unlock(&m->lock);
	m->dirty = false;
}

void pt_metrics_stop(struct pt_metrics *m)
{
	/* Quiesced first: the socket is ours to close, not the library's. */
	if (m->daemon) {
		PT_DL(libmhd, MHD_quiesce_daemon)(m->daemon);
		PT_DL(libmhd, MHD_stop_daemon)(m->daemon);
	}
	m->daemon = NULL;
	if (m->fd >= 0) {
		close(m->fd);
		pthread_mutex_destroy(&m->lock);
	}
	m->fd = -1;
}
