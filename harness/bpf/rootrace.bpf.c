// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of the root tracer: watches KVM's shadow-MMU root management
 * for one process (the executor) and streams struct rootrace_event records
 * into a ring buffer.  Each program is attached on its own by the loader;
 * a kernel without one of these symbols or tracepoints loses that event
 * kind only.
 */
/*
 * Field access.  The vmlinux.h types carry no preserve_access_index
 * (BPF_NO_PRESERVE_ACCESS_INDEX), so a plain p->f is the build-time
 * offset from the Debian 6.1 BTF gen-vmlinux-h.sh dumps; the BPF object
 * runs on every base (6.1, 6.12), so only reads whose offsets are the
 * same everywhere may be plain: the tracepoint records (checked against
 * 6.12's kvm.ko BTF; kept plain so a kvm.ko without BTF still loads
 * everything but the snapshot).  Everything in struct kvm_vcpu and
 * struct kvm_mmu goes through CO-RE (BPF_CORE_READ, bpf_core_read,
 * bpf_core_field_offset): 6.6 folded kvm_mmu's sync_page and invlpg
 * hooks into sync_spte, so from root on every kvm_mmu field sits 8 bytes
 * lower on 6.12.  libbpf relocates those against vmlinux's BTF, which
 * has both structs, and struct kvm_mmu_page (kvm.ko only, and changed by
 * patches) against the loaded kvm.ko's BTF.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "rootrace.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader at any time (bss is mmapped). */
__u32 target_tgid;		/* 0: every process */
__u32 enabled;
__u64 dropped;			/* events the ring buffer had no room for */
__u64 exit_hist[RT_EXIT_BUCKETS];
__u32 run_gen;			/* the loader bumps it per run: fresh snapshots */
__u64 root_epoch;		/* bumped by every event that may change a root */
__u64 snap_same;		/* snapshots not emitted: same as the vCPU's last */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 21);
} events SEC(".maps");

/*
 * The root window: mmu_alloc_root(gfn, quadrant, level) gets exactly one
 * shadow page (one kvm_mmu_get_page event) for that gfn and level.  The
 * kprobe arms this CPU's slot; the tracepoint that matches it is the
 * root.  mmu_alloc_root runs under mmu_lock (a spinning rwlock: no
 * preemption), so the pair happens on one CPU.  No kretprobe needed:
 * kretprobes cost more than the rest of the tracer together.
 */
struct root_arm {
	__u64 gfn;
	__u32 level;
	__u32 armed;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct root_arm);
} root_arm SEC(".maps");

static __always_inline int wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return enabled && (!target_tgid || tgid == target_tgid);
}

/*
 * Something that may change what the vCPU enters with happened: the next
 * VM entry of every vCPU reads its root again.  One global counter, not a
 * per-vCPU flag, since a zap or a load on one vCPU can change a root
 * another one shares.
 */
static __always_inline void root_touched(void)
{
	__sync_fetch_and_add(&root_epoch, 1);
}

/* wanted(), and the event may change a root. */
static __always_inline int wanted_root(void)
{
	if (!wanted())
		return 0;
	root_touched();
	return 1;
}

static __always_inline struct rootrace_event *ev_new(__u8 kind)
{
	struct rootrace_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	return e;
}

/* The probes that record one argument: the event, if the root is wanted. */
static __always_inline int ev_value(__u8 kind, __u64 val)
{
	struct rootrace_event *e;

	if (!wanted_root() || !(e = ev_new(kind)))
		return 0;
	e->val = val;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * Reads of kernel memory are what costs here (a few us each under TCG),
 * so the vCPU's control registers come in one read when cr0 .. efer are
 * neighbours in struct kvm_vcpu_arch as in the build BTF; the layout
 * check is on relocated constants, so the verifier keeps one branch.
 */
#define ARCH_OFF(f)	__builtin_offsetof(struct kvm_vcpu_arch, f)
#define ARCH_REL(f)	(bpf_core_field_offset(struct kvm_vcpu_arch, f) - \
			 bpf_core_field_offset(struct kvm_vcpu_arch, cr0))
#define CRS_WORDS	((ARCH_OFF(efer) - ARCH_OFF(cr0)) / 8 + 1)

/* crs[] = cr0, cr3, cr4, efer.  0, or -1 when a read failed. */
static __always_inline int vcpu_crs(struct kvm_vcpu *vcpu, __u64 *crs)
{
	__u64 w[CRS_WORDS];

	if (ARCH_REL(cr3) != ARCH_OFF(cr3) - ARCH_OFF(cr0) ||
	    ARCH_REL(cr4) != ARCH_OFF(cr4) - ARCH_OFF(cr0) ||
	    ARCH_REL(efer) != ARCH_OFF(efer) - ARCH_OFF(cr0))
		return bpf_core_read(&crs[0], 8, &vcpu->arch.cr0) ||
		       bpf_core_read(&crs[1], 8, &vcpu->arch.cr3) ||
		       bpf_core_read(&crs[2], 8, &vcpu->arch.cr4) ||
		       bpf_core_read(&crs[3], 8, &vcpu->arch.efer) ? -1 : 0;
	if (bpf_core_read(w, sizeof(w), &vcpu->arch.cr0))
		return -1;
	crs[0] = w[0];
	crs[1] = w[(ARCH_OFF(cr3) - ARCH_OFF(cr0)) / 8];
	crs[2] = w[(ARCH_OFF(cr4) - ARCH_OFF(cr0)) / 8];
	crs[3] = w[CRS_WORDS - 1];
	return 0;
}

static __always_inline void ev_crs(struct rootrace_event *e, const __u64 *crs)
{
	e->cr0 = crs[0];
	e->cr3 = crs[1];
	e->cr4 = crs[2];
	e->efer = crs[3];
	e->flags |= RT_F_VCPU;
}

static __always_inline void ev_vcpu(struct rootrace_event *e, struct kvm_vcpu *vcpu)
{
	__u64 crs[4];

	if (!vcpu_crs(vcpu, crs))
		ev_crs(e, crs);
}

/* Is this get_page the one the armed mmu_alloc_root asked for? */
static __always_inline int root_match(__u64 gfn, __u32 role)
{
	__u32 k = 0;
	struct root_arm *a = bpf_map_lookup_elem(&root_arm, &k);

	if (!a || !a->armed || a->gfn != gfn || a->level != RT_ROLE_LEVEL(role))
		return 0;
	a->armed = 0;
	return 1;
}

SEC("tracepoint/kvmmmu/kvm_mmu_get_page")
int tp_get_page(struct trace_event_raw_kvm_mmu_get_page *ctx)
{
	struct rootrace_event *e;

	if (!wanted_root() || !(e = ev_new(RT_GET_PAGE)))
		return 0;
	e->gfn = ctx->gfn;
	e->role = ctx->role;
	e->level = RT_ROLE_LEVEL(e->role);
	e->root_count = ctx->root_count;
	if (ctx->created)
		e->flags |= RT_F_CREATED;
	if (ctx->unsync)
		e->flags |= RT_F_UNSYNC;
	if (root_match(e->gfn, e->role))
		e->flags |= RT_F_ROOT;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tracepoint/kvmmmu/kvm_mmu_prepare_zap_page")
int tp_zap_page(struct trace_event_raw_kvm_mmu_page_class *ctx)
{
	struct rootrace_event *e;

	if (!wanted_root() || !(e = ev_new(RT_ZAP_PAGE)))
		return 0;
	e->gfn = ctx->gfn;
	e->role = ctx->role;
	e->level = RT_ROLE_LEVEL(e->role);
	e->root_count = ctx->root_count;
	if (ctx->unsync)
		e->flags |= RT_F_UNSYNC;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tracepoint/kvm/kvm_cr")
int tp_cr(struct trace_event_raw_kvm_cr *ctx)
{
	struct rootrace_event *e;

	if (!ctx->rw || !wanted_root() || !(e = ev_new(RT_CR_WRITE)))
		return 0;
	e->quadrant = ctx->cr;
	e->val = ctx->val;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * Exits whose handling may change the paging context without any root
 * event of ours (a KVM that fails to reload must still be caught): CR
 * writes, MSR writes (EFER), task switches.  isa: KVM_ISA_VMX 1, SVM 2.
 */
static __always_inline int exit_may_change_root(__u32 isa, __u32 r)
{
	if (isa == 1)
		return r == 28 || r == 32 || r == 9;	/* CR_ACCESS, MSR_WRITE, TASK_SWITCH */
	return (r >= 0x10 && r <= 0x1f) ||		/* SVM_EXIT_WRITE_CR0..15 */
	       r == 0x65 || r == 0x7c || r == 0x7d;	/* CR0_SEL_WRITE, MSR, TASK_SWITCH */
}

SEC("tracepoint/kvm/kvm_exit")
int tp_exit(struct trace_event_raw_kvm_exit *ctx)
{
	__u32 r;

	if (!wanted())
		return 0;
	r = ctx->exit_reason;
	if (exit_may_change_root(ctx->isa, r))
		root_touched();
	if (r >= RT_EXIT_BUCKETS)
		r = RT_EXIT_BUCKETS - 1;
	__sync_fetch_and_add(&exit_hist[r], 1);
	return 0;
}

/* Arms the root window; emits nothing (the root's get_page says it all). */
SEC("kprobe/mmu_alloc_root")
int BPF_KPROBE(kp_alloc_root, struct kvm_vcpu *vcpu, __u64 gfn, int quadrant, __u8 level)
{
	__u32 k = 0;
	struct root_arm *a;

	if (!wanted() || !(a = bpf_map_lookup_elem(&root_arm, &k)))
		return 0;
	a->gfn = gfn;
	a->level = level;
	a->armed = 1;
	return 0;
}

SEC("kprobe/kvm_mmu_free_roots")
int BPF_KPROBE(kp_free_roots, void *kvm, void *mmu, unsigned long roots_to_free)
{
	return ev_value(RT_FREE_ROOTS, roots_to_free);
}

SEC("kprobe/mmu_free_root_page")
int BPF_KPROBE(kp_free_root_page, void *kvm, __u64 *root_hpa)
{
	struct rootrace_event *e;

	__u64 hpa;

	/* mmu_free_root_page returns at once for INVALID_PAGE (~0). */
	if (!wanted_root() || bpf_probe_read_kernel(&hpa, sizeof(hpa), root_hpa) || hpa == ~0ull)
		return 0;
	if (!(e = ev_new(RT_FREE_ROOT_PAGE)))
		return 0;
	e->val = hpa;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * The paging context roots are built for.  PDPTEs and roles come from
 * arch.mmu: without nested paging walk_mmu (where load_pdptrs stores the
 * PDPTEs) is the same kvm_mmu; the executor never runs an L2 guest.
 */
SEC("kprobe/kvm_mmu_load")
int BPF_KPROBE(kp_mmu_load, struct kvm_vcpu *vcpu)
{
	struct rootrace_event *e;
	struct kvm_mmu *mmu;
	struct {
		__u64 cpu_role;
		__u32 root_role;
	} roles;

	if (!wanted_root() || !(e = ev_new(RT_MMU_LOAD)))
		return 0;
	ev_vcpu(e, vcpu);
	mmu = BPF_CORE_READ(vcpu, arch.mmu);
	if (!mmu)
		goto out;
	/* One read for both roles where they are neighbours (6.1, 6.12). */
	if (bpf_core_field_offset(struct kvm_mmu, root_role) ==
	    bpf_core_field_offset(struct kvm_mmu, cpu_role) + 8) {
		if (bpf_core_read(&roles, 12, &mmu->cpu_role))
			goto pdptrs;
	} else if (bpf_core_read(&roles.cpu_role, 8, &mmu->cpu_role) ||
		   bpf_core_read(&roles.root_role, 4, &mmu->root_role)) {
		goto pdptrs;
	}
	e->role = roles.root_role;
	e->gfn = (__u32)roles.cpu_role;		/* cpu_role.base */
	e->level = RT_ROLE_LEVEL(e->gfn);
pdptrs:
	bpf_core_read(e->pdpte, sizeof(e->pdpte), &mmu->pdptrs);
out:
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/kvm_mmu_new_pgd")
int BPF_KPROBE(kp_new_pgd, struct kvm_vcpu *vcpu, __u64 new_pgd)
{
	return ev_value(RT_NEW_PGD, new_pgd);
}

SEC("kprobe/kvm_set_cr3")
int BPF_KPROBE(kp_set_cr3, struct kvm_vcpu *vcpu, unsigned long cr3)
{
	return ev_value(RT_SET_CR3, cr3);
}

SEC("kprobe/load_pdptrs")
int BPF_KPROBE(kp_load_pdptrs, struct kvm_vcpu *vcpu, unsigned long cr3)
{
	return ev_value(RT_LOAD_PDPTRS, cr3);
}

SEC("kprobe/kvm_mmu_free_obsolete_roots")
int BPF_KPROBE(kp_free_obsolete, struct kvm_vcpu *vcpu)
{
	struct rootrace_event *e;

	if (!wanted_root() || !(e = ev_new(RT_FREE_OBSOLETE)))
		return 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* Static and inlined in most builds; where it exists it shows the fast
 * CR3-switch path (prev_roots) being tried. */
SEC("kprobe/fast_pgd_switch")
int BPF_KPROBE(kp_fast_switch, void *kvm, void *mmu, __u64 new_pgd)
{
	return ev_value(RT_FAST_SWITCH, new_pgd);
}

/*
 * The root the vCPU enters with, read at kvm:kvm_entry (after
 * kvm_mmu_reload(): the root is what the guest will run on).
 *
 * Physical addresses go back to kernel memory the way KVM does it:
 * __va(pa) = pa + page_offset_base, and to_shadow_page(pa) = the private
 * word of pfn_to_page(pa >> 12) (vmemmap_base + pfn * sizeof(struct
 * page)).  Both bases are variables under KASLR (RANDOMIZE_MEMORY); the
 * defaults are the fixed 4-level ones for a kernel without it.
 */
extern const void page_offset_base __ksym __weak;
extern const void vmemmap_base __ksym __weak;
__u64 direct_map_base;		/* read once, then kept */
__u64 vmemmap_start;

#define SPTE_ADDR_MASK	0x000ffffffffff000ull
#define PAE_ROOT_LEVEL	3

struct snap_state {
	__u64 epoch;		/* root_epoch when last read */
	__u64 sig;		/* what was read then */
	__u32 gen;		/* run_gen then */
	__u32 pad;
};
/* LRU: vCPU threads come and go with the executor's VMs. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);		/* vCPU thread */
	__type(value, struct snap_state);
} snap_state SEC(".maps");

struct snap_page {
	__u64 hpa;		/* ROOT: root.hpa; ENTRY: the entry */
	__u64 sp;		/* struct kvm_mmu_page *, 0 if none */
	__u64 gfn;
	__u32 role;
};

static __always_inline int kbases(void)
{
	__u64 v;

	if (direct_map_base)
		return 0;
	v = 0xffff888000000000ull;
	if (&page_offset_base && bpf_probe_read_kernel(&v, sizeof(v), &page_offset_base))
		return -1;
	direct_map_base = v;
	v = 0xffffea0000000000ull;
	if (&vmemmap_base && bpf_probe_read_kernel(&v, sizeof(v), &vmemmap_base))
		return -1;
	vmemmap_start = v;
	return 0;
}

/* KVM's to_shadow_page(): 0 for a page that is no shadow page. */
static __always_inline __u64 shadow_page_of(__u64 hpa)
{
	__u64 page = vmemmap_start + ((hpa & SPTE_ADDR_MASK) >> 12) * bpf_core_type_size(struct page);
	__u64 priv = 0;

	bpf_probe_read_kernel(&priv, sizeof(priv),
			      (void *)(page + bpf_core_field_offset(struct page, private)));
	return priv;
}

static __always_inline void snap_page_read(struct snap_page *p)
{
	struct kvm_mmu_page *sp;

	p->sp = shadow_page_of(p->hpa);
	sp = (void *)p->sp;
	if (!sp)
		return;
	if (bpf_core_read(&p->gfn, sizeof(p->gfn), &sp->gfn) ||
	    bpf_core_read(&p->role, sizeof(p->role), &sp->role.word))
		p->sp = 0;
}

static __always_inline __u64 mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x100000001b3ull;	/* FNV-1a prime, one round per word */
	return h ^ (h >> 29);
}

static __always_inline void ev_page(struct rootrace_event *e, const struct snap_page *p)
{
	e->val = p->hpa;
	if (p->sp) {
		e->flags |= RT_F_SP;
		e->gfn = p->gfn;
		e->role = p->role;
	}
}

SEC("tp_btf/kvm_entry")
int BPF_PROG(tp_entry, struct kvm_vcpu *vcpu)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), i, mask = 0;
	struct snap_page root = {}, ent[4] = {};
	struct snap_state *st, fresh = {};
	struct rootrace_event *e;
	__u64 entries[4] = {}, pdptrs[4], crs[4], sig;
	__u32 root_role;
	struct kvm_mmu *mmu;
	__u8 level;

	/*
	 * 6.12's verifier types this argument trusted-or-NULL and takes no
	 * pointer arithmetic (the field reads below) before a NULL check;
	 * 6.1's types it plain.
	 */
	if (!vcpu || !wanted())
		return 0;
	st = bpf_map_lookup_elem(&snap_state, &tid);
	if (st && st->gen == run_gen && st->epoch == root_epoch)
		return 0;	/* nothing happened since the last look */
	if (kbases())
		return 0;
	fresh.gen = run_gen;
	fresh.epoch = root_epoch;
	mmu = BPF_CORE_READ(vcpu, arch.mmu);
	if (!mmu || bpf_core_read(&root.hpa, sizeof(root.hpa), &mmu->root.hpa) ||
	    bpf_core_read(&root_role, sizeof(root_role), &mmu->root_role.word) ||
	    bpf_core_read(pdptrs, sizeof(pdptrs), &mmu->pdptrs) ||
	    root.hpa == ~0ull)
		return 0;
	if (vcpu_crs(vcpu, crs))
		return 0;
	level = root_role & 0xf;
	snap_page_read(&root);
	if (level == PAE_ROOT_LEVEL &&
	    bpf_probe_read_kernel(entries, sizeof(entries),
				  (void *)(direct_map_base + (root.hpa & SPTE_ADDR_MASK))))
		return 0;
	sig = mix(mix(mix(0xcbf29ce484222325ull, root.hpa), root.sp), root_role);
	/* Unrolled: 6.1's verifier takes no loop closed by a fall-through. */
#pragma unroll
	for (i = 0; i < 4; i++) {
		/* The CPU sets A in the entries: not a change of root. */
		sig = mix(mix(mix(sig, crs[i]), pdptrs[i]), entries[i] & (SPTE_ADDR_MASK | 1));
		if (!(entries[i] & 1))
			continue;
		mask |= 1u << i;
		ent[i].hpa = entries[i];
		snap_page_read(&ent[i]);
		sig = mix(mix(mix(sig, ent[i].sp), ent[i].gfn), ent[i].role);
	}
	sig = mix(mix(sig, root.gfn), root.role);
	fresh.sig = sig;
	if (st && st->gen == run_gen && st->sig == sig) {
		st->epoch = fresh.epoch;
		__sync_fetch_and_add(&snap_same, 1);
		return 0;
	}
	bpf_map_update_elem(&snap_state, &tid, &fresh, BPF_ANY);

	if (!(e = ev_new(RT_ROOT_SNAP)))
		return 0;
	ev_crs(e, crs);
	ev_page(e, &root);
	if (!root.sp)
		e->role = root_role;
	e->level = level;
	e->quadrant = mask;
	__builtin_memcpy(e->pdpte, pdptrs, sizeof(pdptrs));
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
#pragma unroll
	for (i = 0; i < 4; i++) {
		if (!(mask & (1u << i)) || !(e = ev_new(RT_ROOT_ENTRY)))
			continue;
		e->quadrant = i;
		ev_page(e, &ent[i]);
		e->level = e->role & 0xf;
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	}
	return 0;
}
