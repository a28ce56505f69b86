// SPDX-License-Identifier: GPL-2.0
/*
 * user/cbpf.c: classic BPF translated instruction by instruction, the
 * reasons it refuses a program, the bytes a program needs, and regions
 * found and patched. Whether the code does what libpcap does is the BPF
 * logic test's (tests/bpf/logic_filter.c, in the kernel).
 */
#include <stdlib.h>
#include <string.h>
#include "cbpf.h"
#include "pt_filter.h"
#include "unit.h"

#define ROOM 64
#define RB BPF_REG_7
#define RP BPF_REG_8
#define NOP ((struct bpf_insn){ .code = BPF_JMP | BPF_JA })
#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct bpf_insn I(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
				  .off = off, .imm = imm };
}

/* Jumps: @off to reach eBPF index @to from index @at. */
static __s16 to(unsigned int at, unsigned int target)
{
	return (__s16)(target - at - 1);
}

static void expect_insns(const struct bpf_insn *got, int n, const struct bpf_insn *want,
			 int wn)
{
	ASSERT_EQ_I64(n, wn);
	for (int i = 0; i < n; i++) {
		const struct bpf_insn *g = &got[i], *w = &want[i];

		if (memcmp(g, w, sizeof(*g)))
			FAIL_CASE("insn %d: got code 0x%02x r%u r%u off %d imm %d, want code "
				  "0x%02x r%u r%u off %d imm %d", i, g->code, g->dst_reg,
				  g->src_reg, g->off, g->imm, w->code, w->dst_reg, w->src_reg,
				  w->off, w->imm);
	}
}

static int xlate(const struct sock_filter *c, unsigned int n, struct bpf_insn *out,
		 unsigned int room, char *err)
{
	memset(out, 0xee, room * sizeof(*out));
	return pt_cbpf_translate(c, n, RB, RP, out, room, err, 200);
}

UNIT_CASE(cbpf_ret_k_only)
{
	const struct sock_filter c[] = { BPF_STMT(BPF_RET | BPF_K, 0x40000) };
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),	/* A = 0 */
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),	/* X = 0 */
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0x40000), /* then the padding */
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
	ASSERT_STREQ(err, "");
}

/* ip proto 17 on raw IP: the failed check goes to the program's "ret #0". */
UNIT_CASE(cbpf_load_byte_and_compare)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 262144),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_W, 2, RB, 0, 0),		/* caplen */
		I(BPF_JMP32 | BPF_JLT | BPF_K, 2, 0, to(3, 8), 10),	/* caplen < 10 */
		I(BPF_LDX | BPF_MEM | BPF_B, 0, RP, 9, 0),
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, to(5, 8), 17),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 262144),
		I(BPF_JMP | BPF_JA, 0, 0, to(7, ROOM), 0),		/* out of the region */
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0),		/* falls through */
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

/* Big-endian words, and bytes a dominating check made sure of: not checked again. */
/* Sizing only (no output): the length the real translation has, and its refusals. */
UNIT_CASE(cbpf_size_only)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 262144),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_insn out[ROOM];
	char err[128];
	int n = pt_cbpf_translate(c, N(c), RB, RP, out, ROOM, err, sizeof(err));

	ASSERT_TRUE(n > 0);
	ASSERT_EQ_I64(pt_cbpf_translate(c, N(c), BPF_REG_6, BPF_REG_9, NULL, ROOM, err,
					sizeof(err)), n);
	ASSERT_EQ_I64(pt_cbpf_translate(c, N(c), BPF_REG_6, BPF_REG_9, NULL, (unsigned int)n - 1,
					err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "the room is");
}

UNIT_CASE(cbpf_load_be_and_known_bytes)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_W, 2, RB, 0, 0),
		I(BPF_JMP32 | BPF_JLT | BPF_K, 2, 0, to(3, 10), 16),
		I(BPF_LDX | BPF_MEM | BPF_W, 0, RP, 12, 0),
		I(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 32),
		I(BPF_LDX | BPF_MEM | BPF_H, 0, RP, 14, 0),
		I(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16),
		I(BPF_ALU | BPF_MOV | BPF_X, RB, 0, 0, 0),		/* ret a */
		I(BPF_JMP | BPF_JA, 0, 0, to(9, ROOM), 0),		/* over the block */
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0),		/* no "ret #0": a block */
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

/* X from the IP header's length, then a load at X + 2: bounded for the verifier. */
UNIT_CASE(cbpf_msh_and_indirect_load)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_W, 2, RB, 0, 0),
		I(BPF_JMP32 | BPF_JLT | BPF_K, 2, 0, to(3, 17), 1),
		I(BPF_LDX | BPF_MEM | BPF_B, 1, RP, 0, 0),
		I(BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, 0xf),
		I(BPF_ALU | BPF_LSH | BPF_K, 1, 0, 0, 2),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 4, 1, 0, 0),		/* r4 = X + 2 + 2 */
		I(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 4),
		I(BPF_JMP | BPF_JGT | BPF_X, 4, 2, to(9, 17), 0),	/* past caplen */
		I(BPF_JMP | BPF_JGT | BPF_K, 4, 0, to(10, 17), PT_FILTER_CAP),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 3, RP, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_X, 3, 4, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_H, 0, 3, -2, 0),
		I(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16),
		I(BPF_ALU | BPF_MOV | BPF_X, RB, 0, 0, 0),
		I(BPF_JMP | BPF_JA, 0, 0, to(16, ROOM), 0),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

/* Division by X = 0 returns 0; shifts by X >= 32 give 0; M[], TAX, LEN. */
UNIT_CASE(cbpf_alu_x_mem_len)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),		/* no caplen: no load */
		I(BPF_LDX | BPF_MEM | BPF_W, 0, RB, 4, 0),		/* wirelen */
		I(BPF_STX | BPF_MEM | BPF_W, RB, 0, 8 + 12, 0),		/* M[3] = A */
		I(BPF_ALU | BPF_MOV | BPF_X, 1, 0, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_W, 0, RB, 8 + 12, 0),
		I(BPF_JMP32 | BPF_JEQ | BPF_K, 1, 0, to(6, 14), 0),	/* to "ret #0" */
		I(BPF_ALU | BPF_DIV | BPF_X, 0, 1, 0, 0),
		I(BPF_ALU | BPF_LSH | BPF_X, 0, 1, 0, 0),
		I(BPF_JMP32 | BPF_JLT | BPF_K, 1, 0, 1, 32),
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_NEG, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_X, RB, 0, 0, 0),
		I(BPF_JMP | BPF_JA, 0, 0, to(13, ROOM), 0),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

/* Both ways kept, jf 0, jt 0 with an inverse and without (jset), X, ja. */
UNIT_CASE(cbpf_jumps)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 5),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80, 0, 1),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0xfffffff0, 1, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 3),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 1, 0),
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	/* The classic instructions are at 2, 3, 5, 7, 8, 9, 10 and 12. */
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 5),
		I(BPF_JMP32 | BPF_JSET | BPF_K, 0, 0, 1, 0x80),	/* over the way to [3] */
		I(BPF_JMP | BPF_JA, 0, 0, to(4, 7), 0),
		I(BPF_JMP32 | BPF_JGT | BPF_K, 0, 0, to(5, 8), (__s32)0xfffffff0),
		I(BPF_JMP | BPF_JA, 0, 0, to(6, 9), 0),
		I(BPF_JMP32 | BPF_JLT | BPF_X, 0, 1, to(7, 12), 0),
		I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, to(8, 10), 7),
		I(BPF_JMP | BPF_JA, 0, 0, to(9, 12), 0),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 1),
		I(BPF_JMP | BPF_JA, 0, 0, to(11, ROOM), 0),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 0),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

/* Instructions never run are left out, unsupported or not: the verifier refuses them. */
UNIT_CASE(cbpf_unreached_left_out)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(0xff, 0),
		BPF_STMT(BPF_RET | BPF_K, 9),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 0),
		I(BPF_JMP | BPF_JA, 0, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, RB, 0, 0, 9),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_insns(out, xlate(c, N(c), out, ROOM, err), want, N(want));
}

static void expect_refused(const struct sock_filter *c, unsigned int n, unsigned int room,
			   const char *why)
{
	struct bpf_insn out[ROOM];
	char err[200];

	ASSERT_EQ_I64(xlate(c, n, out, room, err), -1);
	ASSERT_CONTAINS(err, why);
	ASSERT_EQ_U64(out[0].code, 0xee);	/* nothing written */
}

UNIT_CASE(cbpf_refuses_bytes_beyond_cap)
{
	const struct sock_filter abs[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 253),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter byte[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 300),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter ind[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 256),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter msh[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0xfffffff0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter last[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 252),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 255),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	expect_refused(abs, N(abs), ROOM, "the expression reads byte 256 of the packet; "
		       "the kernel filter sees the first 256");
	expect_refused(byte, N(byte), ROOM, "reads byte 300 of the packet");
	expect_refused(ind, N(ind), ROOM, "reads byte 256 of the packet or beyond");
	expect_refused(msh, N(msh), ROOM, "reads byte 4294967280 of");
	/* The last byte is fine. */
	ASSERT_TRUE(xlate(last, N(last), out, ROOM, err) > 0);
}

UNIT_CASE(cbpf_refuses_too_long_for_room)
{
	const struct sock_filter c[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct bpf_insn out[ROOM];
	char err[200];

	/* 2 + caplen + (check, load, swap) * 2 + ret a, its jump, the block: 12. */
	expect_refused(c, N(c), 11, "the filter takes 12 eBPF instructions; the room is 11");
	ASSERT_EQ_I64(xlate(c, N(c), out, 12, err), 12);
}

UNIT_CASE(cbpf_refuses_bad_programs)
{
	const struct sock_filter shift[] = {
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter div0[] = {
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter mem[] = {
		BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter ldmem[] = {
		BPF_STMT(BPF_LDX | BPF_MEM, 0x10000), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter retx[] = { BPF_STMT(BPF_RET | BPF_X, 0) };
	const struct sock_filter ldh_imm[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_IMM, 1), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter out_jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter far_ja[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter past_end[] = {
		BPF_STMT(BPF_RET | BPF_A, 0), BPF_STMT(BPF_LD | BPF_IMM, 1),
	};
	const struct sock_filter falls[] = { BPF_STMT(BPF_LD | BPF_IMM, 1) };
	struct bpf_insn out[ROOM];
	char err[200];

	expect_refused(shift, N(shift), ROOM, "shifts by 32");
	expect_refused(div0, N(div0), ROOM, "divides by 0");
	expect_refused(mem, N(mem), ROOM, "M[16]; classic BPF has 16 words");
	expect_refused(ldmem, N(ldmem), ROOM, "M[65536]");
	expect_refused(retx, N(retx), ROOM, "unsupported classic BPF instruction 0x000e at 0");
	expect_refused(ldh_imm, N(ldh_imm), ROOM, "unsupported classic BPF instruction 0x0008");
	expect_refused(out_jump, N(out_jump), ROOM, "instruction 0 jumps out of the program");
	expect_refused(far_ja, N(far_ja), ROOM, "instruction 0 jumps out of the program");
	expect_refused(falls, N(falls), ROOM, "runs past its end at instruction 0");
	expect_refused(past_end, 0, ROOM, "empty");
	/* An instruction after the last return is never run: fine. */
	ASSERT_EQ_I64(xlate(past_end, N(past_end), out, ROOM, err), 3);
	/* The register must survive r0 to r5's use. */
	ASSERT_EQ_I64(pt_cbpf_translate(falls, N(falls), BPF_REG_5, RP, out, ROOM, err,
					sizeof(err)), -1);
	ASSERT_CONTAINS(err, "r5, not one of r6 to r9");
	ASSERT_EQ_I64(pt_cbpf_translate(falls, N(falls), RB, BPF_REG_1, out, ROOM, err,
					sizeof(err)), -1);
	ASSERT_CONTAINS(err, "packet register is r1");
	ASSERT_EQ_I64(pt_cbpf_translate(falls, N(falls), RB, RB, out, ROOM, err,
					sizeof(err)), -1);
	ASSERT_CONTAINS(err, "packet register is r7, not another");
}

UNIT_CASE(cbpf_need)
{
	const struct sock_filter none[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter abs[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter msh[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter ind[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter beyond[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0xfffffffe), BPF_STMT(BPF_RET | BPF_A, 0),
	};

	ASSERT_EQ_U64(pt_cbpf_need(none, N(none)), 0);
	ASSERT_EQ_U64(pt_cbpf_need(abs, N(abs)), 24);
	ASSERT_EQ_U64(pt_cbpf_need(msh, N(msh)), 15);
	ASSERT_EQ_U64(pt_cbpf_need(ind, N(ind)), PT_FILTER_CAP);
	ASSERT_EQ_U64(pt_cbpf_need(beyond, N(beyond)), PT_FILTER_CAP);
}

/* A program's instructions with the region of PT_FILTER_RUN, registers @rb and @rp, at @at. */
static void region(struct bpf_insn *p, unsigned int at, __u8 rb, __u8 rp)
{
	p[at] = I(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, PT_FILTER_MARK_START);
	p[at + 1] = I(0, 0, 0, 0, 0);
	p[at + 2] = I(BPF_ALU64 | BPF_MOV | BPF_X, rb, rb, 0, 0);
	p[at + 3] = I(BPF_ALU64 | BPF_MOV | BPF_X, rp, rp, 0, 0);
	for (unsigned int i = 4; i < PT_FILTER_REGION - 2; i++)
		p[at + i] = NOP;
	p[at + PT_FILTER_REGION - 2] = I(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, PT_FILTER_MARK_END);
	p[at + PT_FILTER_REGION - 1] = I(0, 0, 0, 0, 0);
}

#define PROG_LEN (2 * PT_FILTER_REGION + 6)
#define AT1 2
#define AT2 (PT_FILTER_REGION + 4)

/* exit, r9 = 1, region (r7, r6), r1 = r9, r2 = 3, region (r8, r9), exit, exit. */
static struct bpf_insn *fake_prog(void)
{
	struct bpf_insn *p = unit_track(calloc(PROG_LEN, sizeof(*p)));

	p[0] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p[1] = I(BPF_ALU64 | BPF_MOV | BPF_K, 9, 0, 0, 1);
	region(p, AT1, 7, 6);
	p[AT1 + PT_FILTER_REGION] = I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 9, 0, 0);
	p[AT1 + PT_FILTER_REGION + 1] = I(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 3);
	region(p, AT2, 8, 9);
	p[PROG_LEN - 2] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p[PROG_LEN - 1] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return p;
}

static const struct sock_filter ip_udp[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 262144),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

UNIT_CASE(cbpf_patch_two_regions)
{
	struct bpf_insn *p = fake_prog(), *orig = unit_track(malloc(PROG_LEN * sizeof(*p)));
	struct bpf_insn want[ROOM];
	char err[200];
	int len;

	memcpy(orig, p, PROG_LEN * sizeof(*p));
	ASSERT_EQ_I64(pt_cbpf_patch(p, PROG_LEN, ip_udp, N(ip_udp), err, sizeof(err)), 2);
	ASSERT_STREQ(err, "");
	/* Outside the regions: untouched. */
	ASSERT_MEMEQ(p, orig, AT1 * sizeof(*p));
	ASSERT_MEMEQ(&p[AT1 + PT_FILTER_REGION], &orig[AT1 + PT_FILTER_REGION], 2 * sizeof(*p));
	ASSERT_MEMEQ(&p[PROG_LEN - 2], &orig[PROG_LEN - 2], 2 * sizeof(*p));
	/* Each region: the translation for its register, over its whole length. */
	for (int r = 0; r < 2; r++) {
		unsigned int at = r ? AT2 : AT1;

		len = pt_cbpf_translate(ip_udp, N(ip_udp), r ? 8 : 7, r ? 9 : 6, want,
					PT_FILTER_REGION, err, sizeof(err));
		ASSERT_EQ_I64(len, 9);
		expect_insns(&p[at], len, want, len);
		ASSERT_EQ_U64(p[at + 6].dst_reg, r ? 8 : 7);	/* the verdict */
		/* "ret #262144" leaves the region: to its first instruction after. */
		ASSERT_EQ_U64(p[at + 7].code, BPF_JMP | BPF_JA);
		ASSERT_EQ_I64(at + 7 + 1 + p[at + 7].off, at + PT_FILTER_REGION);
		for (unsigned int i = (unsigned int)len; i < PT_FILTER_REGION; i++)
			if (memcmp(&p[at + i], &NOP, sizeof(NOP)))
				FAIL_CASE("region %d, insn %u: not goto +0", r, i);
	}
	/* Patched, no region is left to find. */
	ASSERT_EQ_I64(pt_cbpf_patch(p, PROG_LEN, ip_udp, N(ip_udp), err, sizeof(err)), 0);
}

static void expect_patch_refused(struct bpf_insn *p, size_t n, const char *why)
{
	char err[200];

	ASSERT_EQ_I64(pt_cbpf_patch(p, n, ip_udp, N(ip_udp), err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, why);
}

UNIT_CASE(cbpf_patch_refuses_bad_regions)
{
	struct bpf_insn *p;
	const struct sock_filter far[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 400), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	char err[200];

	p = fake_prog();
	p[AT1 + 100] = I(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 0);	/* in the room */
	expect_patch_refused(p, PROG_LEN, "the filter region at instruction 2 is not laid out");
	p = fake_prog();
	p[AT2 + 2].src_reg = 6;						/* r8 = r6 */
	expect_patch_refused(p, PROG_LEN, "at instruction 2058 is not laid out");
	p = fake_prog();
	p[AT1 + 2] = I(BPF_ALU64 | BPF_MOV | BPF_X, 3, 3, 0, 0);	/* r3: the filter's */
	expect_patch_refused(p, PROG_LEN, "the region's register is r3");
	p = fake_prog();
	p[AT1 + 3] = I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 7, 0, 0);	/* rP: rB's */
	expect_patch_refused(p, PROG_LEN, "packet register is r7, not another");
	p = fake_prog();
	p[AT1 + 3] = NOP;						/* rP not named */
	expect_patch_refused(p, PROG_LEN, "the filter region at instruction 2 is not laid out");
	p = fake_prog();
	p[AT1 + PT_FILTER_REGION - 1].imm = 1;				/* end marker's half */
	expect_patch_refused(p, PROG_LEN, "at instruction 2 is not laid out");
	p = fake_prog();
	expect_patch_refused(p, AT2 + PT_FILTER_REGION - 1, "at instruction 2058 is not laid");
	p = fake_prog();
	p[AT1] = NOP;							/* no start */
	expect_patch_refused(p, PROG_LEN, "end marker without its start at instruction 2054");
	p = fake_prog();
	ASSERT_EQ_I64(pt_cbpf_patch(p, PROG_LEN, far, N(far), err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "reads byte 400");
	/* No region at all: nothing to do. */
	ASSERT_EQ_I64(pt_cbpf_patch(p, AT1, ip_udp, N(ip_udp), err, sizeof(err)), 0);
}
