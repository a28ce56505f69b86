// SPDX-License-Identifier: GPL-2.0
/* user/util.c: pt_parse_u64, pt_fmt_dur. */
#include <errno.h>
#include <string.h>
#include "privs.h"
#include "unit.h"
#include "util.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

UNIT_CASE(parse_u64_zero)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("0", 10, &v), 0);
	ASSERT_EQ_U64(v, 0);
}

UNIT_CASE(parse_u64_decimal)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("42", 100, &v), 0);
	ASSERT_EQ_U64(v, 42);
	/* Decimal even with leading zeros: not octal. */
	ASSERT_EQ_I64(pt_parse_u64("010", 100, &v), 0);
	ASSERT_EQ_U64(v, 10);
}

UNIT_CASE(parse_u64_max_bound)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("4294967295", UINT32_MAX, &v), 0);
	ASSERT_EQ_U64(v, UINT32_MAX);
	ASSERT_EQ_I64(pt_parse_u64("32", 32, &v), 0);
	ASSERT_EQ_U64(v, 32);
	ASSERT_EQ_I64(pt_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	ASSERT_EQ_U64(v, UINT64_MAX);
}

UNIT_CASE(parse_u64_above_max_is_erange)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("4294967296", UINT32_MAX, &v), -ERANGE);
	ASSERT_EQ_I64(pt_parse_u64("33", 32, &v), -ERANGE);
	ASSERT_EQ_I64(pt_parse_u64("1", 0, &v), -ERANGE);
}

UNIT_CASE(parse_u64_overflow_is_erange)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("99999999999999999999", UINT64_MAX, &v), -ERANGE);
	ASSERT_EQ_I64(pt_parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
}

UNIT_CASE(parse_u64_rejects_non_decimal)
{
	uint64_t v = SENTINEL;

	ASSERT_EQ_I64(pt_parse_u64("10abc", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64("-1", UINT64_MAX, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64("", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64("+1", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64(" 1", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64("1 ", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64("0x10", 100, &v), -EINVAL);
	ASSERT_EQ_I64(pt_parse_u64(NULL, 100, &v), -EINVAL);
}

static const char *dur(int64_t ns)
{
	static char buf[32];

	memset(buf, 'X', sizeof(buf));
	return pt_fmt_dur(buf, sizeof(buf), ns);
}

UNIT_CASE(fmt_dur_ns)
{
	ASSERT_STREQ(dur(0), "0ns");
	ASSERT_STREQ(dur(1), "1ns");
	ASSERT_STREQ(dur(999), "999ns");
}

UNIT_CASE(fmt_dur_us)
{
	ASSERT_STREQ(dur(1000), "1.0us");
	ASSERT_STREQ(dur(1500), "1.5us");
	ASSERT_STREQ(dur(12345), "12.3us");
}

UNIT_CASE(fmt_dur_ms)
{
	ASSERT_STREQ(dur(1000000), "1.00ms");
	ASSERT_STREQ(dur(2500000), "2.50ms");
	ASSERT_STREQ(dur(4560000), "4.56ms");
}

UNIT_CASE(fmt_dur_s)
{
	ASSERT_STREQ(dur(3000000000), "3.00s");
	ASSERT_STREQ(dur(1230000000), "1.23s");
	ASSERT_STREQ(dur(125000000000), "125.00s");
}

UNIT_CASE(fmt_dur_negative)
{
	ASSERT_STREQ(dur(-5), "-5ns");
	ASSERT_STREQ(dur(-1500), "-1.5us");
	ASSERT_STREQ(dur(-2500000), "-2.50ms");
	ASSERT_STREQ(dur(-3000000000), "-3.00s");
}

UNIT_CASE(fmt_dur_returns_buf_and_truncates)
{
	char buf[4];

	ASSERT_TRUE(pt_fmt_dur(buf, sizeof(buf), 2500000) == buf);
	ASSERT_STREQ(buf, "2.5");
}

UNIT_CASE(caps_to_keep)
{
	const uint64_t bpf = 1ull << PT_CAP_BPF, admin = 1ull << PT_CAP_SYS_ADMIN;
	const uint64_t net_admin = 1ull << 12, perfmon = 1ull << 38;

	/* root: everything permitted, CAP_BPF alone kept */
	ASSERT_EQ_U64(pt_caps_to_keep(~0ull >> 23), bpf);
	ASSERT_EQ_U64(pt_caps_to_keep(bpf | perfmon | net_admin), bpf);
	/* a kernel before CAP_BPF: CAP_SYS_ADMIN stands for it */
	ASSERT_EQ_U64(pt_caps_to_keep(admin | net_admin), admin);
	ASSERT_EQ_U64(pt_caps_to_keep(net_admin), 0);
	ASSERT_EQ_U64(pt_caps_to_keep(0), 0);
}

/* epoll's timeouts: milliseconds until a deadline, rounded up, never negative. */
UNIT_CASE(ms_until_rounds_up)
{
	ASSERT_EQ_I64(pt_ms_until(5000000, 5000000), 0);
	ASSERT_EQ_I64(pt_ms_until(5000000, 6000000), 0);
	ASSERT_EQ_I64(pt_ms_until(5000001, 5000000), 1);
	ASSERT_EQ_I64(pt_ms_until(25000000, 5000000), 20);
	ASSERT_EQ_I64(pt_ms_until(25000001, 5000000), 21);
}
