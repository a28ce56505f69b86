// SPDX-License-Identifier: GPL-2.0
/* user/echo_rt.c: answers written into the device, and the round-trip table. */
#define _GNU_SOURCE	/* pipe2 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "echo.h"
#include "fixtures.h"
#include "packet.h"
#include "unit.h"

#define PID 4242	/* our pid, as the answers' journeys show it */

struct rig {
	struct pt_tun tun;
	struct pt_echo e;
	int rd;		/* what was written into the "device" comes out here */
};

/* A TUN device that is a pipe's write end (the one read later is @r->rd). */
static struct rig *rig(void)
{
	static struct rig r;
	int p[2];

	memset(&r, 0, sizeof(r));
	if (pipe2(p, O_NONBLOCK))
		FAIL_CASE("pipe");
	r.rd = p[0];
	r.tun.fd = p[1];
	strcpy(r.tun.name, "tun0");
	pt_echo_init(&r.e, &r.tun, NULL, NULL);
	return &r;
}

static void unrig(struct rig *r)
{
	close(r->rd);
	if (r->tun.fd >= 0)
		close(r->tun.fd);
}

/* The answer's journey on the way in: sent by @pid, its last stage at @t. */
static struct pt_journey answer_journey(const uint8_t *p, size_t len, uint32_t pid, uint64_t t)
{
	struct pt_journey j;

	memset(&j, 0, sizeof(j));
	j.rx = true;
	j.status = PT_J_READ;
	j.have_kernel = true;
	j.ev.flags = PT_EV_RX | PT_EV_IN_SYSCALL;
	j.ev.pid = pid;
	j.ev.ts[PT_RX_NETIF] = t;
	pt_packet_flow(p, len, &j.flow);
	return j;
}

UNIT_CASE(echo_round_trip_joined_to_its_request)
{
	struct rig *r = rig();
	struct pt_journey req = fx_journey_read(), ans, again;
	uint8_t out[256];
	ssize_t n;
	uint64_t t_write, t_in;

	req.read_seq = 5;
	pt_echo_journey(&r->e, &req, 3, PID);	/* printed as journey 3 */
	pt_echo_answer(&r->e, 5, fx_icmp4_echo, 0, sizeof(fx_icmp4_echo));
	n = read(r->rd, out, sizeof(out));
	unrig(r);
	ASSERT_EQ_I64(n, sizeof(fx_icmp4_echo));
	ASSERT_EQ_U64(out[20], 0);		/* an echo reply */
	ASSERT_EQ_U64(r->e.written, 1);
	ASSERT_EQ_U64(r->e.failed, 0);
	t_write = r->e.rt[5 % PT_ECHO_RT].t_write;
	t_in = t_write + 7000;

	/* Someone else's packet with the same key gets nothing. */
	ans = answer_journey(out, (size_t)n, PID + 1, t_in);
	pt_echo_journey(&r->e, &ans, 4, PID);
	ASSERT_FALSE(ans.have_rt);

	ans = answer_journey(out, (size_t)n, PID, t_in);
	pt_echo_journey(&r->e, &ans, 5, PID);
	ASSERT_TRUE(ans.have_rt);
	ASSERT_EQ_U64(ans.rt.req_seq, 3);
	ASSERT_EQ_U64(ans.rt.out_ns, 9000 - 1000);	/* the request's first stage to its read */
	ASSERT_EQ_U64(ans.rt.turn_ns, t_write - 9000);
	ASSERT_EQ_U64(ans.rt.in_ns, 7000);
	ASSERT_EQ_U64(ans.rt.len, sizeof(fx_icmp4_echo));

	/* Once only. */
	again = answer_journey(out, (size_t)n, PID, t_in + 1);
	pt_echo_journey(&r->e, &again, 6, PID);
	ASSERT_FALSE(again.have_rt);
}

UNIT_CASE(echo_answer_without_its_request_journey_has_no_round_trip)
{
	struct rig *r = rig();
	struct pt_journey ans;
	uint8_t out[256];
	ssize_t n;

	/* Read 9's journey never came out (the table holds read 0's). */
	pt_echo_answer(&r->e, 9, fx_icmp4_echo, 0, sizeof(fx_icmp4_echo));
	n = read(r->rd, out, sizeof(out));
	unrig(r);
	ASSERT_EQ_I64(n, sizeof(fx_icmp4_echo));
	ASSERT_EQ_U64(r->e.written, 1);
	ans = answer_journey(out, (size_t)n, PID, 12345);
	pt_echo_journey(&r->e, &ans, 1, PID);
	ASSERT_FALSE(ans.have_rt);
}

UNIT_CASE(echo_answer_packet_info_kept_and_nothing_for_a_reply)
{
	struct rig *r = rig();
	uint8_t in[4 + sizeof(fx_icmp4_echo)], out[256];
	ssize_t n;

	memcpy(in, "\0\0\x08\0", 4);	/* IFF_PI's flags and protocol */
	memcpy(in + 4, fx_icmp4_echo, sizeof(fx_icmp4_echo));
	pt_echo_answer(&r->e, 1, in, 4, sizeof(fx_icmp4_echo));
	n = read(r->rd, out, sizeof(out));
	ASSERT_EQ_I64(n, sizeof(in));
	ASSERT_MEMEQ(out, in, 4);
	/* An echo reply gets no answer: nothing written. */
	pt_echo_answer(&r->e, 2, out, 4, (size_t)n - 4);
	n = read(r->rd, out, sizeof(out));
	unrig(r);
	ASSERT_EQ_I64(n, -1);
	ASSERT_EQ_U64(r->e.written, 1);
}

UNIT_CASE(echo_answer_write_failure_warned_once)
{
	struct rig *r = rig();
	char *err;

	close(r->tun.fd);
	r->tun.fd = -1;
	unit_capture_begin(2);
	pt_echo_answer(&r->e, 1, fx_icmp4_echo, 0, sizeof(fx_icmp4_echo));
	pt_echo_answer(&r->e, 2, fx_icmp4_echo, 0, sizeof(fx_icmp4_echo));
	err = unit_capture_end(2);
	unrig(r);
	ASSERT_EQ_U64(r->e.failed, 2);
	ASSERT_EQ_U64(r->e.written, 0);
	ASSERT_CONTAINS(err, "cannot write an answer into tun0");
	ASSERT_FALSE(strstr(strstr(err, "tun0") + 1, "tun0"));
}
