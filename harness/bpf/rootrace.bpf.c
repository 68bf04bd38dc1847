// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of the root tracer: watches KVM's shadow-MMU root management
 * for one process (the executor) and streams struct rootrace_event records
 * into a ring buffer.  Each program is attached on its own by the loader;
 * a kernel without one of these symbols or tracepoints loses that event
 * kind only.
 */
/*
 * No CO-RE: kvm.ko variants rebuilt out of tree carry no module BTF, so
 * field offsets are fixed at build time from the BTF of the Debian kernel
 * and kvm.ko the test VM boots (gen-vmlinux-h.sh).  Variants are built
 * from the same source and headers; a patch that changed struct kvm_vcpu,
 * kvm_mmu or the kvmmmu trace records would need a rebuild of this object
 * against its own BTF.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "rootrace.h"

/* Read a kernel field by its build-time offset. */
#define KREAD(dst, src) bpf_probe_read_kernel(&(dst), sizeof(dst), &(src))

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader at any time (bss is mmapped). */
__u32 target_tgid;		/* 0: every process */
__u32 enabled;
__u64 dropped;			/* events the ring buffer had no room for */
__u64 exit_hist[RT_EXIT_BUCKETS];

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

/*
 * Reads of kernel memory are what costs here (a few us each under TCG),
 * so the vCPU's control registers come in one read: cr0 .. efer are
 * neighbours in struct kvm_vcpu_arch.
 */
#define ARCH_OFF(f)	__builtin_offsetof(struct kvm_vcpu_arch, f)
#define CRS_WORDS	((ARCH_OFF(efer) - ARCH_OFF(cr0)) / 8 + 1)

static __always_inline void ev_vcpu(struct rootrace_event *e, struct kvm_vcpu *vcpu)
{
	__u64 w[CRS_WORDS];

	if (bpf_probe_read_kernel(w, sizeof(w), &vcpu->arch.cr0))
		return;
	e->cr0 = w[0];
	e->cr3 = w[(ARCH_OFF(cr3) - ARCH_OFF(cr0)) / 8];
	e->cr4 = w[(ARCH_OFF(cr4) - ARCH_OFF(cr0)) / 8];
	e->efer = w[CRS_WORDS - 1];
	e->flags |= RT_F_VCPU;
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

	if (!wanted() || !(e = ev_new(RT_GET_PAGE)))
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

	if (!wanted() || !(e = ev_new(RT_ZAP_PAGE)))
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

	if (!ctx->rw || !wanted() || !(e = ev_new(RT_CR_WRITE)))
		return 0;
	e->quadrant = ctx->cr;
	e->val = ctx->val;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tracepoint/kvm/kvm_exit")
int tp_exit(struct trace_event_raw_kvm_exit *ctx)
{
	__u32 r;

	if (!wanted())
		return 0;
	r = ctx->exit_reason;
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
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_FREE_ROOTS)))
		return 0;
	e->val = roots_to_free;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/mmu_free_root_page")
int BPF_KPROBE(kp_free_root_page, void *kvm, __u64 *root_hpa)
{
	struct rootrace_event *e;

	__u64 hpa;

	/* mmu_free_root_page returns at once for INVALID_PAGE (~0). */
	if (!wanted() || bpf_probe_read_kernel(&hpa, sizeof(hpa), root_hpa) || hpa == ~0ull)
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

	if (!wanted() || !(e = ev_new(RT_MMU_LOAD)))
		return 0;
	ev_vcpu(e, vcpu);
	KREAD(mmu, vcpu->arch.mmu);
	_Static_assert(__builtin_offsetof(struct kvm_mmu, root_role) ==
		       __builtin_offsetof(struct kvm_mmu, cpu_role) + 8, "roles adjacent");
	if (!bpf_probe_read_kernel(&roles, 12, &mmu->cpu_role)) {
		e->role = roles.root_role;
		e->gfn = (__u32)roles.cpu_role;		/* cpu_role.base */
		e->level = RT_ROLE_LEVEL(e->gfn);
	}
	KREAD(e->pdpte, mmu->pdptrs);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/kvm_mmu_new_pgd")
int BPF_KPROBE(kp_new_pgd, struct kvm_vcpu *vcpu, __u64 new_pgd)
{
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_NEW_PGD)))
		return 0;
	e->val = new_pgd;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/kvm_set_cr3")
int BPF_KPROBE(kp_set_cr3, struct kvm_vcpu *vcpu, unsigned long cr3)
{
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_SET_CR3)))
		return 0;
	e->val = cr3;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/load_pdptrs")
int BPF_KPROBE(kp_load_pdptrs, struct kvm_vcpu *vcpu, unsigned long cr3)
{
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_LOAD_PDPTRS)))
		return 0;
	e->val = cr3;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("kprobe/kvm_mmu_free_obsolete_roots")
int BPF_KPROBE(kp_free_obsolete, struct kvm_vcpu *vcpu)
{
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_FREE_OBSOLETE)))
		return 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* Static and inlined in most builds; where it exists it shows the fast
 * CR3-switch path (prev_roots) being tried. */
SEC("kprobe/fast_pgd_switch")
int BPF_KPROBE(kp_fast_switch, void *kvm, void *mmu, __u64 new_pgd)
{
	struct rootrace_event *e;

	if (!wanted() || !(e = ev_new(RT_FAST_SWITCH)))
		return 0;
	e->val = new_pgd;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}
