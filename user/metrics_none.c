// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics in a build without libmicrohttpd (the static binary of the VM
 * tests: Debian has no static libgnutls dependencies for it): refused.
 */
#include "metrics.h"
#include "util.h"

int pt_metrics_listen(struct pt_metrics *m, const struct pt_opts *o)
{
	(void)m;
	pt_err("--metrics %s: not built in (this build has no libmicrohttpd)", o->metrics);
	return -1;
}

int pt_metrics_start(struct pt_metrics *m)
{
	(void)m;
	return -1;
}

bool pt_metrics_due(struct pt_metrics *m, uint64_t now)
{
	(void)m;
	(void)now;
	return false;
}

int pt_metrics_timeout(const struct pt_metrics *m, uint64_t now)
{
	(void)m;
	(void)now;
	return 1000;
}

void pt_metrics_publish(struct pt_metrics *m)
{
	(void)m;
}

void pt_metrics_stop(struct pt_metrics *m)
{
	(void)m;
}
