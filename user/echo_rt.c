// SPDX-License-Identifier: GPL-2.0
/* --echo: the answers written into the device and their round trips. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "echo.h"
#include "output.h"
#include "packet.h"
#include "util.h"

void pt_echo_init(struct pt_echo *e, const struct pt_tun *tun, pt_emit_fn emit, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->tun = tun;
	pt_rxjoin_init(&e->in, emit, ctx);
}

void pt_echo_answer(struct pt_echo *e, uint64_t seq, const uint8_t *buf, size_t off, size_t len)
{
	struct pt_echo_rt *rt = seq ? &e->rt[seq % PT_ECHO_RT] : NULL;
	uint8_t out[65536 + 4];
	size_t r;

	memcpy(out, buf, off);	/* the same packet information, if any */
	r = pt_echo_reply(buf + off, len, e->tun->tap, out + off, sizeof(out) - off);
	if (!r)
		return;
	if (rt)
		rt->t_write = pt_now_ns();
	if (write(e->tun->fd, out, off + r) != (ssize_t)(off + r)) {
		if (!e->failed++)
			pt_warn("cannot write an answer into %s: %s", e->tun->name, strerror(errno));
		return;
	}
	e->written++;
	if (!rt || rt->read_seq != seq)
		return;		/* its request's journey is not out: no round trip */
	if (e->tun->tap)
		pt_frame_flow(out + off, r, &rt->reply);
	else
		pt_packet_flow(out + off, r, &rt->reply);
	rt->len = (uint32_t)r;
	rt->armed = true;
}

/* A request's journey is noted by its read number (it comes before the answer is written). */
void pt_echo_journey(struct pt_echo *e, struct pt_journey *j, uint64_t printed, uint32_t pid)
{
	struct pt_stage_time st[PT_NR_STAGES];
	unsigned int k = pt_journey_stages(j, st);

	if (!j->rx) {
		if (j->have_read && j->have_kernel && k) {
			e->rt[j->read_seq % PT_ECHO_RT] = (struct pt_echo_rt){
				.read_seq = j->read_seq, .printed = printed,
				.t_first = st[0].t_ns, .t_user = j->t_user,
			};
		}
		return;
	}
	if (!k || !(j->ev.flags & PT_EV_IN_SYSCALL) || j->ev.pid != pid)
		return;
	for (size_t i = 0; i < PT_ECHO_RT; i++) {
		struct pt_echo_rt *r = &e->rt[i];

		if (!r->armed || !pt_flow_equal(&r->reply, &j->flow))
			continue;
		r->armed = false;
		j->have_rt = true;
		j->rt = (struct pt_round_trip){
			.req_seq = r->printed, .out_ns = r->t_user - r->t_first,
			.turn_ns = r->t_write - r->t_user, .in_ns = st[k - 1].t_ns - r->t_write,
			.len = r->len,
		};
		return;
	}
}

void pt_rxjoin_text(const struct pt_rxjoin *in, char *buf, size_t len)
{
	snprintf(buf, len, "the way in: %" PRIu64 " received, %" PRIu64 " dropped, %" PRIu64
		 " freed without a copy to an application, %" PRIu64 " unfinished (a copy neither seen nor ruled out)",
		 in->received, in->dropped, in->unreceived, in->unfinished);
}

void pt_echo_summary(const struct pt_echo *e, bool hist)
{
	char in[256];

	if (hist) {
		pt_info("%" PRIu64 " answers written (their way in is not followed with --hist)",
			e->written);
		return;
	}
	pt_rxjoin_text(&e->in, in, sizeof(in));
	pt_info("%" PRIu64 " answers written; %s", e->written, in);
}
