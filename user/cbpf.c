// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF to eBPF for the packet filter's region (include/pt_filter.h).
 *
 * Classic A and X live in w0 and w1 and are only written by 32-bit
 * operations, so their upper halves stay 0; conditional jumps compare 32
 * bits (BPF_JMP32), unsigned like classic BPF. The translation is made
 * twice: a first pass sizes each classic instruction (its length depends
 * on the program alone) and checks it, the second writes the code with the
 * jump offsets the first pass made known. Every check that fails (a read
 * past caplen, a division by X = 0) jumps to the program's "ret #0", or to
 * a block at the end that sets the verdict to 0. Classic jumps only go
 * forward, so one sweep in order knows each instruction's predecessors:
 * it finds the instructions never reached (the verifier refuses them) and
 * the packet bytes every path to an instruction has already checked.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "cbpf.h"
#include "pt_filter.h"

#define RA BPF_REG_0	/* classic A */
#define RX BPF_REG_1	/* classic X */
#define RCAP BPF_REG_2	/* the packet's caplen */
#define RPTR BPF_REG_3	/* rP plus a variable offset */
#define ROFF BPF_REG_4	/* an indirect load's end offset */

#define OFF_CAPLEN ((__s16)__builtin_offsetof(struct pt_fbuf, caplen))
#define OFF_WIRELEN ((__s16)__builtin_offsetof(struct pt_fbuf, wirelen))
#define OFF_MEM ((__s16)__builtin_offsetof(struct pt_fbuf, mem))

#define MAX_JUMP 32767	/* eBPF jump offsets are s16 */
#define UNREACHED 0xffffffffu

struct xlate {
	const struct sock_filter *c;
	unsigned int n;
	__u8 rb;		/* the struct pt_fbuf, then the verdict */
	__u8 rp;		/* the packet's first byte */
	struct bpf_insn *out;	/* NULL while sizing */
	unsigned int len;	/* instructions so far */
	unsigned int room;	/* out[room]: where the code goes on */
	unsigned int *at;	/* eBPF index of each classic instruction */
	unsigned int *avail;	/* packet bytes known there (UNREACHED: never run) */
	unsigned int last;	/* the last instruction run: a return */
	int zero_ret;		/* a "ret #0" run, or -1 */
	unsigned int ret0;	/* where a failed check goes */
	bool uses_ret0;
	unsigned int cur;	/* the classic instruction being translated */
	char *err;
	size_t errlen;
};

static int fail(struct xlate *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct xlate *x, const char *fmt, ...)
{
	va_list ap;

	if (x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void emit(struct xlate *x, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	if (x->out && x->len < x->room)
		x->out[x->len] = (struct bpf_insn){ .code = code, .dst_reg = dst,
						    .src_reg = src, .off = off, .imm = imm };
	x->len++;
}

/* A jump to eBPF index @to (the offsets are garbage while sizing). */
static void jump(struct xlate *x, __u8 code, __u8 dst, __u8 src, __s32 imm, unsigned int to)
{
	emit(x, code, dst, src, (__s16)(to - (x->len + 1)), imm);
}

static void jump_ret0(struct xlate *x, __u8 code, __u8 dst, __u8 src, __s32 imm)
{
	x->uses_ret0 = true;
	jump(x, code, dst, src, imm, x->ret0);
}

static void mov32_k(struct xlate *x, __u8 dst, __u32 k)
{
	emit(x, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (__s32)k);
}

static unsigned int size_of(__u16 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	default:
		return 1;
	}
}

static __u8 ldx_size(unsigned int size)
{
	return size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;
}

/* The packet's bytes [k, k + size) into w@dst, in host order. */
static int load_abs(struct xlate *x, __u8 dst, __u32 k, unsigned int size)
{
	__u64 end = (__u64)k + size;

	if (end > PT_FILTER_CAP)
		return fail(x, "the expression reads byte %llu of the packet; the kernel "
			    "filter sees the first %d", (unsigned long long)end - 1,
			    PT_FILTER_CAP);
	if (end > x->avail[x->cur])
		jump_ret0(x, BPF_JMP32 | BPF_JLT | BPF_K, RCAP, 0, (__s32)end);
	emit(x, BPF_LDX | BPF_MEM | ldx_size(size), dst, x->rp, (__s16)k, 0);
	if (size > 1)
		emit(x, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, (__s32)size * 8);
	return 0;
}

/*
 * The packet's bytes [X + k, X + k + size) into A. The end offset is
 * bounded by PT_FILTER_CAP as well as by caplen: the verifier must see the
 * variable offset bounded by a constant before it is added to rP (when rP
 * points at the fbuf's copy).
 */
static int load_ind(struct xlate *x, __u32 k, unsigned int size)
{
	__u64 end = (__u64)k + size;

	if (end > PT_FILTER_CAP)
		return fail(x, "the expression reads byte %llu of the packet or beyond; the "
			    "kernel filter sees the first %d", (unsigned long long)end - 1,
			    PT_FILTER_CAP);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_X, ROFF, RX, 0, 0);
	emit(x, BPF_ALU64 | BPF_ADD | BPF_K, ROFF, 0, 0, (__s32)end);
	jump_ret0(x, BPF_JMP | BPF_JGT | BPF_X, ROFF, RCAP, 0);
	jump_ret0(x, BPF_JMP | BPF_JGT | BPF_K, ROFF, 0, PT_FILTER_CAP);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_X, RPTR, x->rp, 0, 0);
	emit(x, BPF_ALU64 | BPF_ADD | BPF_X, RPTR, ROFF, 0, 0);
	emit(x, BPF_LDX | BPF_MEM | ldx_size(size), RA, RPTR, -(__s16)size, 0);
	if (size > 1)
		emit(x, BPF_ALU | BPF_END | BPF_TO_BE, RA, 0, 0, (__s32)size * 8);
	return 0;
}

static bool is_cond_jump(__u16 code)
{
	return BPF_CLASS(code) == BPF_JMP &&
	       (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JGT ||
		BPF_OP(code) == BPF_JGE || BPF_OP(code) == BPF_JSET);
}

static int mem_word(struct xlate *x, __u32 k, __s16 *off)
{
	if (k >= PT_FILTER_MEMWORDS)
		return fail(x, "the program uses M[%u]; classic BPF has %d words", k,
			    PT_FILTER_MEMWORDS);
	*off = OFF_MEM + (__s16)(4 * k);
	return 0;
}

static int alu(struct xlate *x, const struct sock_filter *c)
{
	__u8 op = BPF_OP(c->code);

	if (op == BPF_NEG) {
		emit(x, BPF_ALU | BPF_NEG, RA, 0, 0, 0);
		return 0;
	}
	if (BPF_SRC(c->code) == BPF_K) {
		if ((op == BPF_DIV || op == BPF_MOD) && c->k == 0)
			return fail(x, "the program divides by 0");
		if ((op == BPF_LSH || op == BPF_RSH) && c->k >= 32)
			return fail(x, "the program shifts by %u (32 or more)", c->k);
		emit(x, BPF_ALU | op | BPF_K, RA, 0, 0, (__s32)c->k);
		return 0;
	}
	/* Classic BPF returns 0 on a division by 0 and shifts by >= 32 to 0. */
	if (op == BPF_DIV || op == BPF_MOD)
		jump_ret0(x, BPF_JMP32 | BPF_JEQ | BPF_K, RX, 0, 0);
	emit(x, BPF_ALU | op | BPF_X, RA, RX, 0, 0);
	if (op == BPF_LSH || op == BPF_RSH) {
		emit(x, BPF_JMP32 | BPF_JLT | BPF_K, RX, 0, 1, 32);
		mov32_k(x, RA, 0);
	}
	return 0;
}

static void cond_jump(struct xlate *x, const struct sock_filter *c, unsigned int i)
{
	static const __u8 inverse[16] = {
		[BPF_JEQ >> 4] = BPF_JNE, [BPF_JGT >> 4] = BPF_JLE, [BPF_JGE >> 4] = BPF_JLT,
	};
	__u8 op = BPF_OP(c->code), src = BPF_SRC(c->code);
	__u8 code = BPF_JMP32 | op | src, sreg = src == BPF_X ? RX : 0;
	unsigned int t = x->at[i + 1 + c->jt], f = x->at[i + 1 + c->jf];

	if (c->jt == c->jf) {
		if (c->jt)
			jump(x, BPF_JMP | BPF_JA, 0, 0, 0, t);
	} else if (!c->jf) {
		jump(x, code, RA, sreg, (__s32)c->k, t);
	} else if (!c->jt && inverse[op >> 4]) {
		jump(x, BPF_JMP32 | inverse[op >> 4] | src, RA, sreg, (__s32)c->k, f);
	} else {
		/* jt is 0 for a JSET: over the jump to f when it holds. */
		jump(x, code, RA, sreg, (__s32)c->k, c->jt ? t : x->len + 2);
		jump(x, BPF_JMP | BPF_JA, 0, 0, 0, f);
	}
}

/* Whether the verdict-0 block is needed: checks, and no "ret #0" to go to. */
static bool ret0_block(const struct xlate *x)
{
	return x->uses_ret0 && x->zero_ret < 0;
}

/*
 * The verdict, then out of the region. The last code falls through to
 * the padding instead: an unreachable goto +0 would be refused.
 */
static void ret(struct xlate *x, const struct sock_filter *c)
{
	if (BPF_RVAL(c->code) == BPF_A)
		emit(x, BPF_ALU | BPF_MOV | BPF_X, x->rb, RA, 0, 0);
	else
		mov32_k(x, x->rb, c->k);
	if (x->cur != x->last || ret0_block(x))
		jump(x, BPF_JMP | BPF_JA, 0, 0, 0, x->room);
}

static int insn(struct xlate *x, unsigned int i)
{
	const struct sock_filter *c = &x->c[i];
	__s16 off = 0;

	switch (BPF_CLASS(c->code)) {
	case BPF_RET:
		if (c->code != (BPF_RET | BPF_K) && c->code != (BPF_RET | BPF_A))
			break;
		ret(x, c);
		return 0;
	case BPF_JMP:
		if (c->code == (BPF_JMP | BPF_JA)) {
			if (c->k)
				jump(x, BPF_JMP | BPF_JA, 0, 0, 0, x->at[i + 1 + c->k]);
			return 0;
		}
		if (!is_cond_jump(c->code))
			break;
		cond_jump(x, c, i);
		return 0;
	}
	switch (c->code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		return load_abs(x, RA, c->k, size_of(c->code));
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		return load_ind(x, c->k, size_of(c->code));
	case BPF_LDX | BPF_B | BPF_MSH:
		if (load_abs(x, RX, c->k, 1))
			return -1;
		emit(x, BPF_ALU | BPF_AND | BPF_K, RX, 0, 0, 0xf);
		emit(x, BPF_ALU | BPF_LSH | BPF_K, RX, 0, 0, 2);
		return 0;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		emit(x, BPF_LDX | BPF_MEM | BPF_W, BPF_CLASS(c->code) == BPF_LD ? RA : RX,
		     x->rb, OFF_WIRELEN, 0);
		return 0;
	case BPF_LD | BPF_IMM:
		mov32_k(x, RA, c->k);
		return 0;
	case BPF_LDX | BPF_IMM:
		mov32_k(x, RX, c->k);
		return 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		if (mem_word(x, c->k, &off))
			return -1;
		emit(x, BPF_LDX | BPF_MEM | BPF_W, BPF_CLASS(c->code) == BPF_LD ? RA : RX,
		     x->rb, off, 0);
		return 0;
	case BPF_ST:
	case BPF_STX:
		if (mem_word(x, c->k, &off))
			return -1;
		emit(x, BPF_STX | BPF_MEM | BPF_W, x->rb, c->code == BPF_ST ? RA : RX, off, 0);
		return 0;
	case BPF_MISC | BPF_TAX:
		emit(x, BPF_ALU | BPF_MOV | BPF_X, RX, RA, 0, 0);
		return 0;
	case BPF_MISC | BPF_TXA:
		emit(x, BPF_ALU | BPF_MOV | BPF_X, RA, RX, 0, 0);
		return 0;
	}
	if (BPF_CLASS(c->code) == BPF_ALU) {
		switch (BPF_OP(c->code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
		case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
			return alu(x, c);
		case BPF_NEG:
			if (BPF_SRC(c->code) == BPF_K)
				return alu(x, c);
		}
	}
	return fail(x, "unsupported classic BPF instruction 0x%04x at %u", c->code, i);
}

/* Packet bytes known present after instruction @c runs, @avail before. */
static unsigned int avail_after(const struct sock_filter *c, unsigned int avail)
{
	__u64 end;

	if (c->code == (BPF_LDX | BPF_B | BPF_MSH))
		end = (__u64)c->k + 1;
	else if (BPF_CLASS(c->code) == BPF_LD &&
		 (BPF_MODE(c->code) == BPF_ABS || BPF_MODE(c->code) == BPF_IND))
		end = (__u64)c->k + size_of(c->code);
	else
		return avail;
	/* Beyond the cap the translation fails anyway. */
	return end > avail && end <= PT_FILTER_CAP ? (unsigned int)end : avail;
}

/* Successor @skip instructions after @i: UNREACHED's bytes known at most. */
static int flow(struct xlate *x, unsigned int i, __u32 skip, unsigned int avail)
{
	__u64 to = (__u64)i + 1 + skip;

	if (to >= x->n && BPF_CLASS(x->c[i].code) != BPF_JMP)
		return fail(x, "the program runs past its end at instruction %u", i);
	if (to >= x->n)
		return fail(x, "instruction %u jumps out of the program", i);
	if (avail < x->avail[to])
		x->avail[to] = avail;
	return 0;
}

/*
 * The sweep: which instructions run, the bytes known at each, the last
 * one run, a "ret #0"; jumps out of the program are refused.
 */
static int scan(struct xlate *x)
{
	x->zero_ret = -1;
	for (unsigned int i = 0; i < x->n; i++)
		x->avail[i] = UNREACHED;
	x->avail[0] = 0;
	for (unsigned int i = 0; i < x->n; i++) {
		const struct sock_filter *c = &x->c[i];
		unsigned int a = x->avail[i];

		if (a == UNREACHED)
			continue;
		x->last = i;
		if (BPF_CLASS(c->code) == BPF_RET) {
			if (c->code == (BPF_RET | BPF_K) && !c->k && x->zero_ret < 0)
				x->zero_ret = (int)i;
		} else if (c->code == (BPF_JMP | BPF_JA)) {
			if (flow(x, i, c->k, a))
				return -1;
		} else if (is_cond_jump(c->code)) {
			if (flow(x, i, c->jt, a) || flow(x, i, c->jf, a))
				return -1;
		} else if (flow(x, i, 0, avail_after(c, a))) {
			return -1;
		}
	}
	return 0;
}

static bool reads_packet(const struct xlate *x)
{
	for (unsigned int i = 0; i < x->n; i++)
		if (x->avail[i] != UNREACHED && avail_after(&x->c[i], 0))
			return true;
	return false;
}

/* One pass over the program: sizes it (x->out NULL) or writes it. */
static int pass(struct xlate *x)
{
	x->len = 0;
	mov32_k(x, RA, 0);
	mov32_k(x, RX, 0);
	if (reads_packet(x))
		emit(x, BPF_LDX | BPF_MEM | BPF_W, RCAP, x->rb, OFF_CAPLEN, 0);
	for (unsigned int i = 0; i < x->n; i++) {
		x->at[i] = x->len;
		x->cur = i;
		if (x->avail[i] != UNREACHED && insn(x, i))
			return -1;
	}
	if (ret0_block(x)) {
		x->ret0 = x->len;
		mov32_k(x, x->rb, 0);	/* then the padding, to out[room] */
	} else if (x->zero_ret >= 0) {
		x->ret0 = x->at[x->zero_ret];
	}
	return 0;
}

int pt_cbpf_translate(const struct sock_filter *c, unsigned int n, int rb, int rp,
		      struct bpf_insn *out, unsigned int room, char *err, size_t errlen)
{
	struct xlate x = { .c = c, .n = n, .rb = (__u8)rb, .rp = (__u8)rp, .room = room,
			   .err = err, .errlen = errlen };
	unsigned int len;
	int ret = -1;

	if (errlen)
		err[0] = 0;
	if (!n)
		return fail(&x, "the classic BPF program is empty");
	if (rb < BPF_REG_6 || rb > BPF_REG_9)
		return fail(&x, "the region's register is r%d, not one of r6 to r9", rb);
	if (rp < BPF_REG_6 || rp > BPF_REG_9 || rp == rb)
		return fail(&x, "the region's packet register is r%d, not another of r6 to r9",
			    rp);
	if (room > MAX_JUMP)
		return fail(&x, "a room of %u instructions is beyond a jump's reach", room);
	x.at = calloc(2 * (size_t)n, sizeof(*x.at));
	if (!x.at)
		return fail(&x, "out of memory");
	x.avail = x.at + n;
	if (scan(&x) || pass(&x))
		goto out;
	len = x.len;
	if (len > room) {
		fail(&x, "the filter takes %u eBPF instructions; the room is %u", len, room);
		goto out;
	}
	x.out = out;
	pass(&x);
	ret = (int)len;
out:
	free(x.at);
	return ret;
}

unsigned int pt_cbpf_need(const struct sock_filter *c, unsigned int n)
{
	__u64 need = 0, end;

	for (unsigned int i = 0; i < n; i++) {
		if (c[i].code == (BPF_LDX | BPF_B | BPF_MSH))
			end = (__u64)c[i].k + 1;
		else if (BPF_CLASS(c[i].code) != BPF_LD)
			continue;
		else if (BPF_MODE(c[i].code) == BPF_IND)
			return PT_FILTER_CAP;
		else if (BPF_MODE(c[i].code) == BPF_ABS)
			end = (__u64)c[i].k + size_of(c[i].code);
		else
			continue;
		if (end > need)
			need = end;
	}
	return need < PT_FILTER_CAP ? (unsigned int)need : PT_FILTER_CAP;
}

/* r0 = @imm ll */
static bool is_marker(const struct bpf_insn *p, __s32 imm)
{
	return p[0].code == (BPF_LD | BPF_IMM | BPF_DW) && p[0].dst_reg == BPF_REG_0 &&
	       p[0].src_reg == 0 && p[0].off == 0 && p[0].imm == imm &&
	       !p[1].code && !p[1].dst_reg && !p[1].src_reg && !p[1].off && !p[1].imm;
}

static bool is_nop(const struct bpf_insn *p)
{
	return p->code == (BPF_JMP | BPF_JA) && !p->dst_reg && !p->src_reg && !p->off &&
	       !p->imm;
}

static bool any_marker(const struct bpf_insn *p, __s32 imm)
{
	return p->code == (BPF_LD | BPF_IMM | BPF_DW) && p->imm == imm;
}

/* Whether @p is "rN = rN": N, else -1. */
static int naming_reg(const struct bpf_insn *p)
{
	if (p->code != (BPF_ALU64 | BPF_MOV | BPF_X) || p->dst_reg != p->src_reg ||
	    p->off || p->imm)
		return -1;
	return p->dst_reg;
}

/* The registers region @p names (rB, rP), or false if it is not laid out right. */
static bool region_regs(const struct bpf_insn *p, int *rb, int *rp)
{
	if (!is_marker(p, PT_FILTER_MARK_START) ||
	    !is_marker(&p[PT_FILTER_REGION - 2], PT_FILTER_MARK_END))
		return false;
	*rb = naming_reg(&p[2]);
	*rp = naming_reg(&p[3]);
	if (*rb < 0 || *rp < 0)
		return false;
	for (unsigned int i = 4; i < PT_FILTER_REGION - 2; i++)
		if (!is_nop(&p[i]))
			return false;
	return true;
}

int pt_cbpf_patch(struct bpf_insn *insns, size_t n, const struct sock_filter *c,
		  unsigned int cn, char *err, size_t errlen)
{
	int done = 0, len, rb, rp;
	char why[200];

	if (errlen)
		err[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (any_marker(&insns[i], PT_FILTER_MARK_END)) {
			snprintf(err, errlen, "a filter region's end marker without its start "
				 "at instruction %zu", i);
			return -1;
		}
		if (!any_marker(&insns[i], PT_FILTER_MARK_START))
			continue;
		if (n - i < PT_FILTER_REGION || !region_regs(&insns[i], &rb, &rp)) {
			snprintf(err, errlen, "the filter region at instruction %zu is not laid "
				 "out as include/pt_filter.h says", i);
			return -1;
		}
		len = pt_cbpf_translate(c, cn, rb, rp, &insns[i], PT_FILTER_REGION, why,
					sizeof(why));
		if (len < 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		for (size_t k = i + (size_t)len; k < i + PT_FILTER_REGION; k++)
			insns[k] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
		i += PT_FILTER_REGION - 1;
		done++;
	}
	return done;
}
