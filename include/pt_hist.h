/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms aggregated in the kernel: log-linear slots (four per
 * power of two, so a percentile read from them is within 19% of the
 * truth), shown as bcc-style log2 buckets. Slot arithmetic shared by the
 * BPF programs and userspace.
 */
#ifndef PT_HIST_H
#define PT_HIST_H

#include "pathtrace.h"

#define PT_HIST_SUB_BITS 2
#define PT_HIST_SUB (1u << PT_HIST_SUB_BITS)
/* Values below PT_HIST_SUB have a slot each; above, PT_HIST_SUB per power of two. */
#define PT_HIST_USED_SLOTS (PT_HIST_SUB * (64 - PT_HIST_SUB_BITS + 1))
/* Rounded up to a power of two: a mask is a bound every verifier follows. */
#define PT_HIST_SLOTS 256
_Static_assert((PT_HIST_SLOTS & (PT_HIST_SLOTS - 1)) == 0 && PT_HIST_USED_SLOTS <= PT_HIST_SLOTS,
	       "PT_HIST_SLOTS: a power of two that holds every slot");

/* The transition id of the whole way, first stage to reader. */
#define PT_HIST_TOTAL 0xff
_Static_assert(PT_HIST_TOTAL >= PT_NR_STAGES, "PT_HIST_TOTAL: no stage's id");

/*
 * The kernel's histograms live in one array (a lookup costs next to
 * nothing, a hash lookup per transition per packet did not): indexed by
 * generation, protocol class, from-stage and to-stage, kernel stages only
 * (the reader adds the transitions that end in its own clock).
 */
#define PT_HIST_PCLASSES 5	/* other, icmp, udp, tcp, icmpv6 */
#define PT_HIST_PER_GEN (PT_HIST_PCLASSES * PT_NR_KSTAGES * PT_NR_KSTAGES)
#define PT_HIST_ENTRIES (2 * PT_HIST_PER_GEN)
_Static_assert(PT_HIST_PCLASSES <= 256, "a protocol class fits pt_hrec.pclass");

/*
 * --hist's drops, counted in the kernel by the last stage the packet
 * reached and the kernel's reason (enum skb_drop_reason; a reason from
 * PT_HDROP_OTHER on, a subsystem's included, is counted as that one).
 */
#define PT_HDROP_REASONS 256
#define PT_HDROP_OTHER (PT_HDROP_REASONS - 1)
#define PT_HDROP_ENTRIES (PT_NR_KSTAGES * PT_HDROP_REASONS)

static inline unsigned int pt_hist_pclass(__u8 proto)
{
	switch (proto) {
	case PT_IPPROTO_ICMP: return 1;
	case PT_IPPROTO_UDP: return 2;
	case PT_IPPROTO_TCP: return 3;
	case PT_IPPROTO_ICMPV6: return 4;
	}
	return 0;
}

static inline __u8 pt_hist_pclass_proto(unsigned int pclass)
{
	static const __u8 protos[] = {
		0, PT_IPPROTO_ICMP, PT_IPPROTO_UDP, PT_IPPROTO_TCP, PT_IPPROTO_ICMPV6,
	};
	_Static_assert(sizeof(protos) == PT_HIST_PCLASSES, "a protocol per class");

	return pclass < PT_HIST_PCLASSES ? protos[pclass] : 0;
}

static inline __u32 pt_hist_index(unsigned int gen, unsigned int pclass,
				  unsigned int from, unsigned int to)
{
	return ((gen * PT_HIST_PCLASSES + pclass) * PT_NR_KSTAGES + from) * PT_NR_KSTAGES + to;
}

/* A histogram's name, in userspace. */
struct pt_hist_key {
	__u32 ifindex;
	__u8 proto;		/* IPPROTO_* with --hist-by proto, else 0 */
	__u8 from;		/* enum pt_stage, or PT_HIST_TOTAL */
	__u8 to;		/* enum pt_stage */
	__u8 __pad;
};
_Static_assert(sizeof(struct pt_hist_key) == 8, "pt_hist_key: no implicit padding");

static inline struct pt_hist_key pt_hist_key_make(__u32 ifindex, unsigned int pclass,
						  __u8 from, __u8 to)
{
	struct pt_hist_key k = {
		.ifindex = ifindex, .proto = pt_hist_pclass_proto(pclass),
		.from = from, .to = to,
	};

	return k;
}

struct pt_hist {
	__u64 slot[PT_HIST_SLOTS];
	__u64 count;
	__u64 sum;
	__u64 max;
};

/* Index of the highest bit set in @v (v > 0), without a loop. */
static inline unsigned int pt_log2(__u64 v)
{
	unsigned int r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (unsigned int)(v >> 1);
	return r;
}

/* The slot of value @v. */
static inline unsigned int pt_hist_slot(__u64 v)
{
	unsigned int msb;

	if (v < PT_HIST_SUB)
		return (unsigned int)v;
	msb = pt_log2(v);
	return PT_HIST_SUB * (msb - PT_HIST_SUB_BITS + 1) +
	       (unsigned int)((v >> (msb - PT_HIST_SUB_BITS)) & (PT_HIST_SUB - 1));
}

/* The smallest value of slot @i (the next slot's lowest, minus one, is its highest). */
static inline __u64 pt_hist_slot_lo(unsigned int i)
{
	unsigned int msb;

	if (i < PT_HIST_SUB)
		return i;
	msb = i / PT_HIST_SUB + PT_HIST_SUB_BITS - 1;
	return (1ULL << msb) | ((__u64)(i % PT_HIST_SUB) << (msb - PT_HIST_SUB_BITS));
}

/*
 * --hist: the stamps of the packet the reader's read() just copied, left by
 * the kernel in shared memory (the object's .bss) for the reader, which
 * adds the packet's transitions to its histograms after read() returns,
 * its own clock's among them (the user stage, as in journeys). A foreign
 * reader's packets are added by the kernel. Written during the reader's
 * own read(), so never read while written.
 *
 * A cache line of its own: the reader writes it for every packet, and
 * .bss holds what the senders' programs read for every packet too (the
 * count of open GSO notes, at each first sighting). Sharing their line,
 * it went from the reader's CPU to the sender's and back once a packet:
 * about 150 ns of --hist's programs a packet here (bench/README.md).
 */
struct pt_reader_stamp {
	__u64 first;			/* the packet's first stage */
	__u64 copy;			/* its copy stage */
	__u32 off[PT_STAGE_COPY];	/* the stages between: pt_hrec's offsets */
	__u32 pclass;
	__u32 seq;
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct pt_reader_stamp) == 64, "pt_reader_stamp: one cache line");

/*
 * --hist: a followed packet's record, one cache line: the sender writes one
 * line per packet and the reader reads it (a journey's record takes two).
 * Its slot is in the set's line of owners, as a journey's is, but the
 * record says whether it is live: its key is the skb's and its first stamp
 * is set. It holds what the histograms need: the first stamp and the
 * copy's (which may come seconds later) in full, the stages between as
 * offsets from the first.
 */
#define PT_HOFF_FAR 0xffffffffu	/* an offset past 4.29 s: its sample is lost */

struct pt_hrec {
	__u64 key;			/* the skb's (its slot's owner when it was sent) */
	__u64 first;			/* the first stage's stamp; 0: being sent, or ended */
	__u64 copy;			/* the copy's stamp; 0: not copied */
	__u32 off[PT_STAGE_COPY];	/* stamp - first + 1, PT_HOFF_FAR; 0: unseen */
	__u8 pclass;
	__u8 __pad[3];
};
_Static_assert(sizeof(struct pt_hrec) == 64, "pt_hrec: one cache line");
/* The stages before the copy are offsets; the pre-queue ones come from the task. */
_Static_assert(PT_STAGE_QUEUE < PT_STAGE_COPY && PT_STAGE_COPY < PT_NR_KSTAGES,
	       "pt_hrec: the queue has an offset, the copy a stamp");

/* Whether @h is the live record of @skb (the programs' lookups, and the count left at exit). */
static inline int pt_hrec_live(const struct pt_hrec *h, __u64 skb)
{
	return h->key == skb && h->first;
}

/*
 * The kernel transitions of a copied packet, from its record's stamps:
 * @first, the offsets @off of the stages before the copy, and @copy. For
 * each, in order, STEP(from, to, d) (d ns from stage from to stage to);
 * LOST() for each sample lost (an offset of PT_HOFF_FAR: past 4.29 s; a
 * stamp before the one it follows). The kernel's adds (a foreign reader's
 * packets) and the reader's (its own) are both made here. A macro, not a
 * function: the verifier follows this loop's few states (prev, from). A
 * function filling an array of steps took it past its million
 * instructions, and a count of lost samples kept across the loop took
 * --hist's load and verify to 411 ms (from about 70).
 */
#define pt_hrec_for_each_step(off, first, copy, STEP, LOST)			\
	do {									\
		__u64 prev_ = 0;						\
		__u8 from_ = 0;							\
										\
		for (int s_ = 0; s_ < PT_NR_KSTAGES; s_++) {			\
			__u32 o_ = s_ < PT_STAGE_COPY ? (off)[s_] : 1;		\
			__u64 ts_ = s_ < PT_STAGE_COPY ? (first) + o_ - 1 : (copy); \
										\
			if (!o_)						\
				continue;					\
			if (o_ == PT_HOFF_FAR || ts_ < prev_) {			\
				LOST();						\
				continue;					\
			}							\
			if (prev_)						\
				STEP(from_, (__u8)s_, ts_ - prev_);		\
			prev_ = ts_;						\
			from_ = (__u8)s_;					\
		}								\
	} while (0)

/* Add @d to @h (the kernel's and the reader's share the arithmetic). */
static inline void pt_hist_put(struct pt_hist *h, __u64 d)
{
	__u64 s = pt_hist_slot(d) & (PT_HIST_SLOTS - 1);

	h->slot[s]++;
	h->count++;
	h->sum += d;
	if (d > h->max)
		h->max = d;
}

#endif /* PT_HIST_H */
