/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics: the HTTP side of the Prometheus exporter (libmicrohttpd, in a
 * thread of its own). The modes update `work` in the main thread; once a
 * second it is published to `pub` under a lock the main thread only tries
 * (a scrape in progress delays a publication, never a read); the server
 * copies `pub` under the lock and renders its copy outside it.
 */
#ifndef PT_METRICS_H
#define PT_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "cli.h"
#include "prom.h"

#define PT_METRICS_PERIOD_NS 1000000000ull

struct pt_metrics {
	int fd;				/* the listening socket, bound at start-up */
	void *daemon;			/* struct MHD_Daemon */
	pthread_mutex_t lock;		/* guards pub */
	bool dirty;			/* work has news pub lacks */
	uint64_t next;			/* the next publication (CLOCK_MONOTONIC ns) */
	struct pt_prom work;		/* the main thread's */
	struct pt_prom pub;		/* published: the server's to copy */
	struct pt_prom snap;		/* the server thread's copy */
};

/*
 * Bind and listen on o->metrics_addr, before anything else is set up, so
 * that a port in use costs nothing. One line on stderr if not. 0 or -1.
 */
int pt_metrics_listen(struct pt_metrics *m, const struct pt_opts *o);
/* Serve, from a thread started now (after privileges are dropped). 0 or -1. */
int pt_metrics_start(struct pt_metrics *m);
/* Whether a publication is due at @now: once per PT_METRICS_PERIOD_NS. */
bool pt_metrics_due(struct pt_metrics *m, uint64_t now);
/* Milliseconds until the next publication. */
int pt_metrics_timeout(const struct pt_metrics *m, uint64_t now);
/* Hand `work` over to the server, unless a scrape holds the lock (then later). */
void pt_metrics_publish(struct pt_metrics *m);
/* Stop serving and close the socket (the port is free after). */
void pt_metrics_stop(struct pt_metrics *m);

#endif
