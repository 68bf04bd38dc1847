/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The root tracer's event record, shared by the BPF program
 * (rootrace.bpf.c), its loader (rootrace.c), the test-VM agent, the host
 * and the root oracle (oracles/roots.c).  Plain C: no kernel headers, so it
 * compiles for the BPF target, for the host and for the agent alike.
 *
 * One event per KVM action that matters for shadow roots, in the order the
 * vCPU thread did them.  Which fields mean something depends on the kind
 * (see enum rootrace_kind); unused fields are zero.
 */
#ifndef MMUFUZZ_ROOTRACE_H
#define MMUFUZZ_ROOTRACE_H

#ifdef __bpf__
/* vmlinux.h provides the fixed-width types on the BPF side. */
typedef __u8 rt_u8;
typedef __u32 rt_u32;
typedef __u64 rt_u64;
#else
#include <stdint.h>
typedef uint8_t rt_u8;
typedef uint32_t rt_u32;
typedef uint64_t rt_u64;
#endif

enum rootrace_kind {
	RT_NONE = 0,		/* never emitted: a zeroed record reads as none */
	RT_GET_PAGE,		/* kvmmmu:kvm_mmu_get_page: gfn, role, root_count,
				 * flags CREATED/UNSYNC, ROOT when it is the page
				 * mmu_alloc_root asked for (the mmu_alloc_root
				 * kprobe emits nothing of its own) */
	RT_ZAP_PAGE,		/* kvmmmu:kvm_mmu_prepare_zap_page: gfn, role, root_count */
	RT_FREE_ROOTS,		/* kprobe kvm_mmu_free_roots: val = roots_to_free */
	RT_FREE_ROOT_PAGE,	/* kprobe mmu_free_root_page: val = root hpa
				 * (with the PAE pm_mask bits); INVALID_PAGE
				 * calls are not emitted */
	RT_MMU_LOAD,		/* kprobe kvm_mmu_load: the vCPU's paging context
				 * (cr0/cr3/cr4/efer, pdpte[], role = root_role,
				 * gfn = cpu_role.base word) */
	RT_NEW_PGD,		/* kprobe kvm_mmu_new_pgd: val = new pgd */
	RT_SET_CR3,		/* kprobe kvm_set_cr3: val = CR3 the guest wrote */
	RT_LOAD_PDPTRS,		/* kprobe load_pdptrs: val = CR3 (with bits 11:5) */
	RT_CR_WRITE,		/* kvm:kvm_cr (write): quadrant = CR number, val */
	RT_FREE_OBSOLETE,	/* kprobe kvm_mmu_free_obsolete_roots */
	RT_FAST_SWITCH,		/* kprobe fast_pgd_switch: val = new pgd (inlined,
				 * so absent, in Debian's 6.1: reported missing) */
	RT_EXITS,		/* appended by rootrace_collect, one per exit
				 * reason seen in the run (kvm:kvm_exit):
				 * gfn = reason bucket, val = count */
	RT_ROOT_SNAP,		/* tp_btf kvm:kvm_entry, after a root change: the
				 * root the vCPU enters the guest with, read from
				 * KVM's own structures (ground truth, see below) */
	RT_ROOT_ENTRY,		/* follows its RT_ROOT_SNAP, one per present
				 * entry of a PAE root */
	RT_KIND_COUNT
};

/* flags */
#define RT_F_CREATED	0x01	/* GET_PAGE: a new shadow page */
#define RT_F_UNSYNC	0x02	/* GET_PAGE/ZAP_PAGE: sp->unsync */
#define RT_F_ROOT	0x04	/* GET_PAGE of mmu_alloc_root(gfn, level) */
#define RT_F_VCPU	0x08	/* cr0/cr3/cr4/efer were read from the vCPU */
#define RT_F_SP		0x10	/* ROOT_SNAP/ROOT_ENTRY: the page is a shadow
				 * page (struct kvm_mmu_page): gfn, role are its */

/*
 * Root snapshots.  At the first VM entry after anything that may change
 * the vCPU's root (a root event of this tracer, a CR or EFER write exit),
 * the kernel side reads the root KVM will enter with: mmu->root.hpa, the
 * struct kvm_mmu_page behind it (KVM's own to_shadow_page(): page_private
 * of the root's struct page), and for a PAE root (level 3) its four
 * entries and the shadow page each present one points at.  A snapshot is
 * emitted only when it differs from the vCPU's previous one.  Shadow pages
 * are identified by address (hpa), never by (gfn, role): a design may key
 * pages by more than the role.
 *
 *   RT_ROOT_SNAP   flags RT_F_VCPU, RT_F_SP if the root is a shadow page;
 *                  val = root hpa; level = root_role level; role = the
 *                  root page's role word (RT_F_SP) else mmu->root_role;
 *                  gfn = the root page's gfn (RT_F_SP); quadrant = bit i
 *                  set for each present entry i of a PAE root (that many
 *                  RT_ROOT_ENTRY records follow); cr0..efer = the vCPU's;
 *                  pdpte[] = the PDPTEs KVM loaded (mmu->pdptrs).
 *   RT_ROOT_ENTRY  quadrant = entry index; val = the entry (hpa | flags);
 *                  flags RT_F_SP if it points at a shadow page, then gfn,
 *                  role, level = that page's.
 */

/*
 * Bits of union kvm_mmu_page_role (arch/x86/include/asm/kvm_host.h, 6.1).
 * Bits 19-23 are unused in 6.1; variants may take one (RFC: pae_root).
 */
#define RT_ROLE_LEVEL(r)	((r) & 0xf)
#define RT_ROLE_4BYTE_GPTE	(1u << 4)
#define RT_ROLE_QUADRANT(r)	(((r) >> 5) & 3)
#define RT_ROLE_DIRECT		(1u << 7)
#define RT_ROLE_ACCESS(r)	(((r) >> 8) & 7)
#define RT_ROLE_INVALID		(1u << 11)
#define RT_ROLE_EFER_NX		(1u << 12)
#define RT_ROLE_CR0_WP		(1u << 13)
#define RT_ROLE_SMEP_ANDNOT_WP	(1u << 14)
#define RT_ROLE_SMAP_ANDNOT_WP	(1u << 15)
#define RT_ROLE_AD_DISABLED	(1u << 16)
#define RT_ROLE_GUEST_MODE	(1u << 17)
#define RT_ROLE_PASSTHROUGH	(1u << 18)
#define RT_ROLE_SPARE_MASK	(0x1fu << 19)
#define RT_ROLE_SMM(r)		(((r) >> 24) & 0xff)

struct rootrace_event {
	rt_u64 ts_ns;		/* bpf_ktime_get_ns() */
	rt_u8 kind;		/* enum rootrace_kind */
	rt_u8 flags;		/* RT_F_* */
	rt_u8 level;		/* GET/ZAP: role level; MMU_LOAD: cpu_role level */
	rt_u8 quadrant;		/* CR_WRITE: CR number */
	rt_u32 role;		/* GET/ZAP: role word; MMU_LOAD: root_role word */
	rt_u32 root_count;	/* GET/ZAP: sp->root_count as traced */
	rt_u32 tid;		/* vCPU thread */
	rt_u64 gfn;		/* GET/ZAP: gfn; MMU_LOAD: cpu_role.base word */
	rt_u64 val;		/* per kind, see above */
	rt_u64 cr0, cr3, cr4, efer;	/* with RT_F_VCPU: vcpu->arch.* */
	rt_u64 pdpte[4];	/* MMU_LOAD: walk_mmu->pdptrs as KVM will use them */
};

/* Exit-reason histogram buckets (kvm:kvm_exit): reason, or the last
 * bucket for reasons >= RT_EXIT_BUCKETS - 1 (e.g. SVM NPF 0x400). */
#define RT_EXIT_BUCKETS 256

#endif /* MMUFUZZ_ROOTRACE_H */
