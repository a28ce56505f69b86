/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A send's stages before its skb exists (syscall, l4, route, ip), stamped in
 * the sending task's slot; the first sighting of the skb takes them.
 */
#ifndef PT_TASK_BPF_H
#define PT_TASK_BPF_H

#include "pt_config.bpf.h"
#include "pt_key.bpf.h"

/*
 * The send in progress of each task (struct pt_task), by its thread id
 * modulo PT_TASK_SLOTS: an array, whose lookup the verifier inlines, where
 * task storage costs a helper call and a lock each time.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_TASK_SLOTS);
	__type(key, __u32);
	__type(value, struct pt_task);
} tasks SEC(".maps");

/*
 * Whether the kernel has helper @name, by CO-RE: the verifier never visits
 * the branch a relocation made dead, so a helper the kernel lacks is never
 * called there (bpf_get_current_task_btf: Linux 5.11; bpf_task_pt_regs,
 * bpf_get_func_ip: 5.15).
 */
#define PT_HAS_HELPER(name) bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_##name)

/* The current thread's id (a BTF load from current: no helper call on x86). */
static __always_inline __u32 pt_current_tid(void)
{
	if (PT_HAS_HELPER(get_current_task_btf))
		return bpf_get_current_task_btf()->pid;
	return (__u32)bpf_get_current_pid_tgid();
}

/*
 * The current thread's name (16 bytes) into @dst: loads through its BTF,
 * where bpf_get_current_comm is a helper call and a string copy.
 */
#define pt_current_comm(dst)							\
	do {									\
		if (PT_HAS_HELPER(get_current_task_btf))			\
			__builtin_memcpy((dst), bpf_get_current_task_btf()->comm, 16); \
		else								\
			bpf_get_current_comm((dst), 16);			\
	} while (0)

/* The current task's slot, whoever holds it (NULL: never, the index is masked). */
static __always_inline struct pt_task *pt_task_slot(__u32 tid)
{
	__u32 idx = tid & (PT_TASK_SLOTS - 1);

	return bpf_map_lookup_elem(&tasks, &idx);
}

/* Thread @tid's slot if it holds that thread's stamps. */
static __always_inline struct pt_task *pt_task_mine_tid(__u32 tid)
{
	struct pt_task *t = pt_task_slot(tid);

	return t && t->tid == tid ? t : NULL;
}

static __always_inline struct pt_task *pt_task_mine(void)
{
	return pt_task_mine_tid(pt_current_tid());
}

/* Thread @tid's slot, taken from whoever held it. */
static __always_inline struct pt_task *pt_task_claim_tid(__u32 tid)
{
	struct pt_task *t = pt_task_slot(tid);

	if (t && t->tid != tid) {
		/*
		 * A send in progress of the other thread loses its early stamps;
		 * counted where it misses them (pt_task_get). Not atomic:
		 * two threads of one slot sending at the same instant on two
		 * CPUs may mix their stamps, as rare as it sounds.
		 */
		t->tid = tid;
		t->ts[PT_STAGE_SYSCALL] = 0;
		t->pending = 0;
	}
	return t;
}

static __always_inline struct pt_task *pt_task_claim(void)
{
	return pt_task_claim_tid(pt_current_tid());
}

/* Whether the current process is one of --pid's or --comm's (pt_filter.bpf.h). */
static __always_inline bool pt_proc_match(void);

/*
 * Without bpf_task_pt_regs (before Linux 5.15): where a task's entry
 * registers lie from the bottom of its kernel stack (task->stack), the
 * same for every task, learned at a send's sys_enter (which is given
 * them); 0 until then.
 */
__u64 pt_regs_off SEC(".bss");

#if defined(__TARGET_ARCH_x86)
#define PT_SYSCALL_NR_OFF bpf_core_field_offset(struct pt_regs, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define PT_SYSCALL_NR_OFF offsetof(struct user_pt_regs, regs[8])
#else
#error "pathtrace: syscall number not known for this architecture"
#endif

/* sys_enter of a send: learn pt_regs_off where no helper gives the registers. */
static __always_inline void pt_regs_learn(struct pt_regs *regs)
{
	struct task_struct *task;

	if (PT_HAS_HELPER(task_pt_regs) || pt_regs_off)
		return;
	task = (struct task_struct *)bpf_get_current_task();
	pt_regs_off = pt_ptr_num(regs) - (__u64)BPF_CORE_READ(task, stack);
}

/* The syscall number the current task is in (its entry registers); -1: not known. */
static __always_inline long pt_current_syscall(void)
{
	struct task_struct *task;
	struct pt_regs *regs;
	long nr = -1;

	if (PT_HAS_HELPER(task_pt_regs)) {
		regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
#if defined(__TARGET_ARCH_x86)
		return regs->orig_ax;	/* a BTF pointer: a direct load */
#else
		return BPF_CORE_READ((struct user_pt_regs *)regs, regs[8]);
#endif
	}
	if (!pt_regs_off)
		return -1;
	task = (struct task_struct *)bpf_get_current_task();
	bpf_probe_read_kernel(&nr, sizeof(nr), (char *)BPF_CORE_READ(task, stack) + pt_regs_off +
			      PT_SYSCALL_NR_OFF);
	return nr;
}

/* Whether syscall @nr is a send (set by userspace: send_syscalls). */
static __always_inline bool pt_is_send(__u64 nr)
{
	return nr < PT_SYSCALL_BITMAP_WORDS * 64 &&
	       (send_syscalls[nr / 64] & (1ULL << (nr % 64)));
}

/* Whether the current task is in a send syscall. */
static __always_inline bool pt_in_send(void)
{
	return pt_is_send((__u64)pt_current_syscall());
}

/*
 * At a packet's first sighting: the send syscall in progress in this
 * task, or NULL. A send whose slot another thread took (their thread ids
 * share it) has lost its stamps: counted.
 */
static __always_inline struct pt_task *pt_task_get(void)
{
	__u32 tid = pt_current_tid();
	struct pt_task *t = pt_task_slot(tid);

	if (!t)
		return NULL;
	if (t->tid != tid) {
		if (pt_in_send())
			pt_count(PT_CNT_NO_TASK_STORE);
		return NULL;
	}
	if (!t->ts[PT_STAGE_SYSCALL])
		return NULL;
	/* The stamps belong to this send only while the task is in it. */
	if (pt_current_syscall() != t->nr)
		return NULL;
	return t;
}

/* sys_enter: a send syscall starts the syscall stage of this task. */
static __always_inline void pt_on_syscall(struct pt_regs *regs, long id)
{
	__u64 nr = (__u64)id;
	struct pt_task *t;

	if (!pt_is_send(nr))
		return;
	pt_regs_learn(regs);
	/*
	 * Other processes' sends are not followed: no slot, so their later
	 * stages find none either. (--echo's writes are the way in's.)
	 */
	if (proc_filter && !pt_proc_match() &&
	    !(rx_mode && (bpf_get_current_pid_tgid() >> 32) == reader_tgid))
		return;
	t = pt_task_claim();
	if (!t)
		return;
	__builtin_memset(t->ts, 0, sizeof(t->ts));
	t->ts[PT_STAGE_SYSCALL] = bpf_ktime_get_ns();
	t->l4_ip = 0;
	t->nr = nr;
}

/*
 * A stage before the skb reaches the device (l4, route, ip), by task. No
 * check that the task is still in its send syscall here (it costs a
 * register read per stage): the first sighting makes it, and a stamp made
 * outside the send is either reset by the next send's entry or left unused.
 */
static __always_inline struct pt_task *pt_task_stage_in(struct pt_task *t, __u32 stage)
{
	if (!t || !t->ts[PT_STAGE_SYSCALL] || stage >= PT_STAGE_QUEUE || t->ts[stage])
		return NULL;
	t->ts[stage] = bpf_ktime_get_ns();
	return t;
}

static __always_inline struct pt_task *pt_on_task_stage(__u32 stage)
{
	return pt_task_stage_in(pt_task_mine(), stage);
}

/* The same from a program without BTF of current (a cgroup hook's): a helper call. */
static __always_inline void pt_on_task_stage_any(__u32 stage)
{
	pt_task_stage_in(pt_task_mine_tid((__u32)bpf_get_current_pid_tgid()), stage);
}

/*
 * An skb took the task's stamps; a next skb of the same send (sendmmsg,
 * segments) stamps its own, and shares the syscall.
 */
static __always_inline void pt_task_stamps_taken(struct pt_task *t)
{
	__builtin_memset(&t->ts[PT_STAGE_L4], 0,
			 sizeof(t->ts) - sizeof(t->ts[PT_STAGE_SYSCALL]));
}

/*
 * A packet the neighbour layer parks (no address for the next hop yet: it
 * waits in the neighbour's queue while ARP or NDP asks) leaves its send
 * before it reaches the device: the reply releases it later, in whatever
 * task or softirq receives that reply. Its sender's stamps wait here, by
 * the skb's key, for its first sighting, instead of in the task's slot
 * where the next send, or the task the reply came in, would take them.
 *
 * The skb is the one the ip stage (ip_output, or netfilter POST_ROUTING)
 * saw last on this CPU: the neighbour step follows it in the same chain.
 * neigh_event_send_done says whether the neighbour layer kept it (1); the
 * ARP request it may send first, from inside that call, is another skb
 * than the ip stage's: it copies the task's stamps but leaves them.
 */
struct pt_parked {
	struct pt_task t;	/* the sender's stamps, as they were */
	__u64 id;		/* its tgid << 32 | tid */
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PT_PARKED_MAX);
	__type(key, __u64);
	__type(value, struct pt_parked);
} parked SEC(".maps");

/* Entries in parked (about: first sightings and ends look only while some are). */
__u32 nr_parked SEC(".bss");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ip_last SEC(".maps");

/* The ip stage of @key, on TAP: the skb a neighbour step next on this CPU is about. */
static __always_inline void pt_neigh_ip_seen(__u64 key)
{
	__u32 zero = 0;
	__u64 *k;

	if (!neigh_park)
		return;
	k = bpf_map_lookup_elem(&ip_last, &zero);
	if (k)
		*k = key;
}

/* Whether @key is the skb this CPU's last ip stage saw (true without neigh_park). */
static __always_inline bool pt_neigh_is_ip_last(__u64 key)
{
	__u32 zero = 0;
	__u64 *k;

	if (!neigh_park)
		return true;
	k = bpf_map_lookup_elem(&ip_last, &zero);
	return !k || !*k || *k == key;
}

/* neigh_event_send_done(n, rc): rc 1, the skb is parked (or dropped: its end forgets it). */
static __always_inline void pt_on_neigh_send_done(int rc)
{
	struct pt_parked pk = {};
	struct pt_task *t;
	__u32 zero = 0;
	__u64 *k;

	if (!neigh_park || rc != 1)
		return;
	k = bpf_map_lookup_elem(&ip_last, &zero);
	t = pt_task_mine();
	if (!k || !*k || !t || !t->ts[PT_STAGE_SYSCALL] || !t->ts[PT_STAGE_NEIGH])
		return;
	pk.t = *t;
	pk.id = bpf_get_current_pid_tgid();
	pt_current_comm(pk.comm);
	/* A stale entry at this address (its skb's end unseen) gives way. */
	if (!bpf_map_delete_elem(&parked, k))
		__sync_fetch_and_add(&nr_parked, -1);
	if (!bpf_map_update_elem(&parked, k, &pk, BPF_NOEXIST))
		__sync_fetch_and_add(&nr_parked, 1);
	*k = 0;
	pt_task_stamps_taken(t);
}

/*
 * At the first sighting of @key: its parked sender, taken out of parked
 * into @pk; false if it was not parked. A stale entry (its skb's end
 * unseen) ages out: nothing waits for a neighbour for a minute.
 */
static __always_inline bool pt_parked_take(__u64 key, struct pt_parked *pk)
{
	struct pt_parked *p;

	if (!neigh_park || !nr_parked)
		return false;
	p = bpf_map_lookup_elem(&parked, &key);
	if (!p)
		return false;
	*pk = *p;
	if (!bpf_map_delete_elem(&parked, &key))
		__sync_fetch_and_add(&nr_parked, -1);
	return bpf_ktime_get_ns() - pk->t.ts[PT_STAGE_NEIGH] < 60ULL * 1000000000;
}

/* The skb of @key is freed: a parked one (its neighbour failed) is forgotten. */
static __always_inline void pt_parked_forget(__u64 key)
{
	if (neigh_park && nr_parked && !bpf_map_delete_elem(&parked, &key))
		__sync_fetch_and_add(&nr_parked, -1);
}

/*
 * TCP hands a segment to IP (ip_queue_xmit, inet6_csk_xmit): it leaves the
 * socket's write queue. No device yet, and often no task of a send (an ACK
 * opened the window, in softirq): kept per CPU for its first sighting at
 * the queue, which follows on this CPU in the same call chain. Told by the
 * skb's key and by the departure time TCP has just written into it
 * (skb->tstamp): an skb at the address of one TCP handed to another device
 * is not taken for it. One entry: a transmit nested in between (a
 * softirq's, on this CPU) takes it, and the segment's sendq stage goes
 * unseen, never another's. Its ip stage waits there too: the task's is
 * another send's when TCP sends the segment outside its write.
 */
struct pt_sendq {
	__u64 key;
	__u64 tstamp;
	__u64 ts;
	__u64 ip;	/* its ip stage (ip_output), in the same chain */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_sendq);
} sendq_stash SEC(".maps");

static __always_inline __u64 pt_skb_tstamp(struct sk_buff *skb, bool trusted)
{
	return trusted ? skb->tstamp : BPF_CORE_READ(skb, tstamp);
}

static __always_inline void pt_on_sendq(struct sk_buff *skb, __u64 key, bool trusted)
{
	__u32 zero = 0;
	struct pt_sendq *q = bpf_map_lookup_elem(&sendq_stash, &zero);

	if (q) {
		q->key = key;
		q->tstamp = pt_skb_tstamp(skb, trusted);
		q->ts = bpf_ktime_get_ns();
		q->ip = 0;
	}
}

/*
 * ip_output of @key: the task's stage, and a TCP segment's in the stash
 * (one clock read for both when the task stamped it now).
 */
static __always_inline void pt_on_ip(__u64 key)
{
	struct pt_task *t = pt_on_task_stage(PT_STAGE_IP);
	__u32 zero = 0;
	struct pt_sendq *q;

	pt_neigh_ip_seen(key);
	if (!sendq_hooked)
		return;
	q = bpf_map_lookup_elem(&sendq_stash, &zero);
	if (q && q->key == key && !q->ip)
		q->ip = t ? t->ts[PT_STAGE_IP] : bpf_ktime_get_ns();
}

/*
 * Netfilter LOCAL_OUT (where no function hook serves sendq): TCP's only.
 * @skb is trusted, its socket a BTF pointer: direct loads, no helper call.
 */
static __always_inline void pt_on_nf_local_out(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (sk && sk->sk_protocol == PT_IPPROTO_TCP)
		pt_on_sendq(skb, pt_key(skb), true);
}

/*
 * The sendq stamp of @skb (key @key), first seen now, and its ip stamp in
 * *@ip; 0: none (*@ip untouched).
 */
static __always_inline __u64 pt_sendq_take(struct sk_buff *skb, __u64 key, bool trusted,
					   __u64 *ip)
{
	__u32 zero = 0;
	struct pt_sendq *q;

	if (!sendq_hooked)
		return 0;
	q = bpf_map_lookup_elem(&sendq_stash, &zero);
	if (!q || q->key != key || q->tstamp != pt_skb_tstamp(skb, trusted))
		return 0;
	q->key = 0;
	*ip = q->ip;
	return q->ts;
}

/*
 * The address of the function a function hook's program runs in, for
 * naming it: bpf_get_func_ip where the kernel has it (Linux 5.15), else a
 * kprobe's instruction pointer (just past the function's start), else
 * @self, the address userspace gave a fentry program of its one target
 * (0 if it could not).
 */
#define pt_func_ip(ctx, self)							\
	(PT_HAS_HELPER(get_func_ip) ? bpf_get_func_ip(ctx) :			\
	 __builtin_types_compatible_p(typeof(ctx), struct pt_regs *) ?		\
	 PT_REGS_IP((struct pt_regs *)(ctx)) : (self))

/* The socket's send (a function hook): also which function it was. */
static __always_inline void pt_on_l4(__u64 ip)
{
	struct pt_task *t = pt_on_task_stage(PT_STAGE_L4);

	if (t)
		t->l4_ip = ip;
}

#endif /* PT_TASK_BPF_H */
