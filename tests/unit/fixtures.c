// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "fixtures.h"

const uint8_t fx_icmp4_echo[84] = {
	/* IPv4: ver/ihl, tos, total length 84, id 0x1234, DF, ttl 64, ICMP */
	0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0xa4, 0x71,
	/* 192.0.2.1 -> 192.0.2.2 */
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
	/* ICMP echo request, checksum, id 77, seq 3 */
	0x08, 0x00, 0x00, 0x9d, 0x00, 0x4d, 0x00, 0x03,
	/* data */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};

void fx_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void addr(int af, const char *s, uint8_t *out)
{
	if (inet_pton(af, s, out) != 1)
		abort();	/* a broken fixture, not a failed case */
}

size_t fx_ipv4(uint8_t *buf, unsigned int ihl, uint8_t proto, uint16_t id,
	       uint16_t frag, const char *src, const char *dst,
	       const uint8_t *opts, const uint8_t *l4, size_t l4len)
{
	size_t hl = ihl * 4;

	memset(buf, 0, hl);
	buf[0] = (uint8_t)(0x40 | ihl);
	fx_put16(buf + 2, (uint16_t)(hl + l4len));
	fx_put16(buf + 4, id);
	fx_put16(buf + 6, frag);
	buf[8] = 64;
	buf[9] = proto;
	addr(AF_INET, src, buf + 12);
	addr(AF_INET, dst, buf + 16);
	if (hl > 20)
		memcpy(buf + 20, opts, hl - 20);
	fx_put16(buf + 10, csum(buf, hl));
	memcpy(buf + hl, l4, l4len);
	return hl + l4len;
}

size_t fx_ipv6(uint8_t *buf, uint8_t nh, const char *src, const char *dst,
	       const uint8_t *l4, size_t l4len)
{
	memset(buf, 0, 40);
	buf[0] = 0x60;
	fx_put16(buf + 4, (uint16_t)l4len);
	buf[6] = nh;
	buf[7] = 64;
	addr(AF_INET6, src, buf + 8);
	addr(AF_INET6, dst, buf + 24);
	memcpy(buf + 40, l4, l4len);
	return 40 + l4len;
}

size_t fx_udp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t paylen)
{
	fx_put16(buf, sport);
	fx_put16(buf + 2, dport);
	fx_put16(buf + 4, (uint16_t)(8 + paylen));
	fx_put16(buf + 6, 0);
	for (size_t i = 0; i < paylen; i++)
		buf[8 + i] = (uint8_t)('a' + i % 26);
	return 8 + paylen;
}

size_t fx_tcp(uint8_t *buf, uint16_t sport, uint16_t dport)
{
	memset(buf, 0, 20);
	fx_put16(buf, sport);
	fx_put16(buf + 2, dport);
	buf[4] = 0xde;		/* sequence number */
	buf[5] = 0xad;
	buf[12] = 5 << 4;	/* data offset */
	buf[13] = 0x02;		/* SYN */
	fx_put16(buf + 14, 64240);
	return 20;
}

size_t fx_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint16_t id,
	       uint16_t seq, size_t paylen)
{
	buf[0] = type;
	buf[1] = code;
	fx_put16(buf + 2, 0);
	fx_put16(buf + 4, id);
	fx_put16(buf + 6, seq);
	for (size_t i = 0; i < paylen; i++)
		buf[8 + i] = (uint8_t)i;
	return 8 + paylen;
}

struct pt_flow fx_icmp4_flow(void)
{
	struct pt_flow f;

	memset(&f, 0, sizeof(f));
	f.family = PT_FAM_IPV4;
	f.proto = PT_IPPROTO_ICMP;
	f.icmp_type = 8;
	f.l3_len = 84;
	f.ipid = 0x1234;
	f.sport = 77;
	f.dport = 3;
	addr(AF_INET, "192.0.2.1", f.saddr);
	addr(AF_INET, "192.0.2.2", f.daddr);
	return f;
}

struct pt_event fx_event(uint64_t skb, const struct pt_flow *f)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.skb = skb;
	ev.ts[PT_STAGE_SYSCALL] = 1000;
	ev.ts[PT_STAGE_ROUTE] = 1500;
	ev.ts[PT_STAGE_QUEUE] = 2600;
	ev.ts[PT_STAGE_DRIVER] = 3000;
	ev.ts[PT_STAGE_COPY] = 5000;
	ev.pid = 4242;
	ev.tid = 4243;
	ev.copy_pid = 777;
	ev.copy_tid = 778;
	strcpy(ev.comm, "ping");
	strcpy(ev.copy_comm, "pathtrace");
	ev.ifindex = 7;
	ev.len = 84;
	ev.end = PT_END_CONSUMED;
	ev.flags = PT_EV_IN_SYSCALL;
	ev.syscall_nr = SYS_sendto;
	ev.flow = *f;
	return ev;
}

struct pt_journey fx_journey_read(void)
{
	struct pt_journey j;

	memset(&j, 0, sizeof(j));
	j.status = PT_J_READ;
	j.have_kernel = true;
	j.have_read = true;
	j.flow = fx_icmp4_flow();
	j.ev = fx_event(0xffff888012345600ull, &j.flow);
	j.read_len = 84;
	j.t_user = 9000;
	return j;
}

const struct pt_stage_view fx_tun_view = {
	.state = {
		[PT_STAGE_L4] = PT_UNSEEN,
		[PT_STAGE_SENDQ] = PT_UNSEEN,
		[PT_STAGE_IP] = PT_UNSEEN,
		[PT_STAGE_NEIGH] = PT_NA,
		[PT_STAGE_XMIT] = PT_UNSEEN,
	},
	.why = {
		[PT_STAGE_L4] = "no tracepoint",
		[PT_STAGE_SENDQ] = "no tracepoint",
		[PT_STAGE_IP] = "no tracepoint",
		[PT_STAGE_NEIGH] = "no link layer on TUN",
		[PT_STAGE_XMIT] = "no tracepoint",
	},
};
