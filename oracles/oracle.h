/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architectural oracle: what a correct CPU + hypervisor may let the
 * guest see when it runs a program.  Pure C, no KVM headers.
 *
 * oracle_eval() walks the program op by op with a model of x86 paging
 * (modes, permissions, reserved bits, A/D updates, PAE PDPTE registers,
 * a TLB that may legally hold stale translations) and yields, per op, the
 * SET of outcomes the architecture allows.  oracle_verdict() then checks a
 * run's observations against those sets.
 *
 * The contract other modules rely on (do not change without updating
 * harness/ and fuzz/):
 *   - oracle_eval() never fails on a well-formed or malformed program; it
 *     reports harness breakage in res->harness_ok / harness_op.
 *   - prog_check() (harness/) accepts a program iff oracle_eval() says the
 *     harness stays intact under every vendor profile and under AMD
 *     nested paging (oracle_cpu_npt, with and without TCG quirks).
 */
#ifndef MMUFUZZ_ORACLE_H
#define MMUFUZZ_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../harness/core/program.h"
#include "../harness/core/observation.h"

enum oracle_vendor {
	ORACLE_VENDOR_AMD = 0,
	ORACLE_VENDOR_INTEL,
	ORACLE_VENDOR_COUNT
};
/* "AMD", "Intel"; "?" for a value out of range (never NULL). */
const char *oracle_vendor_name(enum oracle_vendor v);

/*
 * Guest CPU profile.  The executor programs the guest CPUID from it
 * (KVM_SET_CPUID2): the vendor string (KVM's reserved-bit checks follow
 * the guest's CPUID vendor, e.g. AMD reserves bit 8 of non-leaf PML4Es
 * and PDPTEs), MAXPHYADDR (leaf 0x80000008 EAX[7:0]) and the feature bits
 * below.  Every CR4 bit whose feature is not listed here is reserved, so
 * the executor must HIDE from the guest: PCID, XSAVE, FSGSBASE, UMIP
 * (unless ORACLE_F_UMIP), PKU, LA57, VMX, SMX, SVM (the last makes
 * EFER.SVME reserved).
 */
#define ORACLE_F_PSE	(1u << 0)	/* CPUID.1:EDX[3]   CR4.PSE, 4 MiB pages */
#define ORACLE_F_PAE	(1u << 1)	/* CPUID.1:EDX[6]   CR4.PAE */
#define ORACLE_F_PGE	(1u << 2)	/* CPUID.1:EDX[13]  CR4.PGE, global pages */
#define ORACLE_F_PSE36	(1u << 3)	/* CPUID.1:EDX[17]  PDE bits 20:13 = PA 39:32 */
#define ORACLE_F_NX	(1u << 4)	/* CPUID.80000001:EDX[20]  EFER.NXE */
#define ORACLE_F_SMEP	(1u << 5)	/* CPUID.7.0:EBX[7]  CR4.SMEP */
#define ORACLE_F_SMAP	(1u << 6)	/* CPUID.7.0:EBX[20] CR4.SMAP */
#define ORACLE_F_1G	(1u << 7)	/* CPUID.80000001:EDX[26]  1 GiB pages */
#define ORACLE_F_LM	(1u << 8)	/* CPUID.80000001:EDX[29]  EFER.LME */
#define ORACLE_F_UMIP	(1u << 9)	/* CPUID.7.0:ECX[2]  CR4.UMIP writable; no
					 * effect on the stub (CPL0).  Off by
					 * default; kvm_pvm takes the bit anyway */

/*
 * Known, deliberate deviations of KVM's shadow MMU from the manuals.  The
 * oracle ACCEPTS them unless the matching ORACLE_STRICT_* bit is set, so
 * a zero-filled profile never flags them:
 *
 * ORACLE_STRICT_NX  KVM forces EFER.NX in every shadow page's role
 *   (mmu.c kvm_init_shadow_mmu: "root_role.efer_nx = true"), so shadow
 *   pages made while the guest had EFER.NXE = 1 survive NXE 1 -> 0, MOV
 *   CR3 and paging toggles: an entry with bit 63 set may keep translating
 *   (as execute-disable) where the SDM requires a reserved-bit #PF.  Set
 *   the bit to judge this strictly by the SDM.
 *
 * ORACLE_STRICT_PSE  CR4.PSE is only in KVM's CPU role, not in the shadow
 *   page role (kvm_host.h kvm_mmu_page_role), so shadow pages built under
 *   one CR4.PSE are reused under the other: a 32-bit PDE with PS = 1 may
 *   keep its 4 MiB (or its page-table) reading across PSE changes and
 *   even full TLB flushes.  Seen on Debian's 6.1 KVM (a KVM bug the
 *   oracle reports only with this bit set).
 *
 * ORACLE_STRICT_PF  A #PF invalidates the TLB entries of the faulting page
 *   (SDM 4.10.4.1).  KVM invalidates the shadow entry only for a #PF with
 *   P = 1 and RSVD = 0 (x86.c kvm_inject_emulated_page_fault), so after a
 *   not-present or reserved-bit #PF a stale shadow entry of the page
 *   (an unsync page) can still serve a later access (seen on Debian's
 *   6.1 KVM: tests/test_exec_cases/kvm-deviations/pf-not-present-keeps-
 *   stale.mmu).  Without the bit only P = 1, RSVD = 0 faults invalidate
 *   under shadow paging.
 *
 * ORACLE_STRICT_MMIO_D  A write sets D in the leaf entry it used (SDM
 *   4.8).  KVM emulates an MMIO access with the GVA->GPA translation it
 *   cached at the page's first MMIO fault (x86.c vcpu_mmio_gva_to_gpa:
 *   vcpu_match_mmio_gva, checked only against the cached rights), so a
 *   write to an MMIO page whose translation a read already cached walks
 *   nothing and leaves D clear (seen on Debian's 6.1 KVM: a write probe,
 *   which loads then stores, to a frame beyond RAM).  Without the bit, D
 *   on the leaf of a write that lands on MMIO is free under shadow paging.
 */
#define ORACLE_STRICT_NX	(1u << 0)
#define ORACLE_STRICT_PSE	(1u << 1)
#define ORACLE_STRICT_PF	(1u << 2)
#define ORACLE_STRICT_MMIO_D	(1u << 3)

/*
 * Who walks the guest's page tables (struct oracle_cpu.mmu).
 *
 * ORACLE_MMU_SHADOW  KVM's shadow MMU (kvm_amd npt=0): KVM's software
 *   walker, and KVM emulates the PAE PDPTE registers of the SDM: MOV to
 *   CR3/CR0/CR4 loads them (x86.c load_pdptrs) and a reserved bit in a
 *   present PDPTE is #GP at the MOV.
 *
 * ORACLE_MMU_NPT  AMD nested paging (kvm_amd npt=1): the CPU walks the
 *   guest's tables itself and MOV CR3 is not intercepted
 *   (svm.c init_vmcb clears INTERCEPT_CR3_WRITE).  AMD has no PDPTE
 *   registers: the legacy-PAE PDPE is read from memory like any other
 *   level (it may be cached until a TLB flush), a reserved bit in it is a
 *   #PF with RSVD at the access, and a MOV CR3 never faults on it.  MOV
 *   to CR0 and CR4 are still intercepted (selective CR0, CR4 write) and
 *   KVM's kvm_set_cr0/cr4 still check the PDPTEs and #GP on a reserved
 *   bit, as in the shadow case.
 */
enum oracle_mmu {
	ORACLE_MMU_SHADOW = 0,
	ORACLE_MMU_NPT,
};

/*
 * Quirks of the CPU under KVM that are neither the manuals nor KVM
 * (struct oracle_cpu.quirks).  Measured on QEMU 7.2 TCG (Debian 12's
 * qemu-system-x86), which is the "hardware" of the test VM; they only
 * show with ORACLE_MMU_NPT, where that CPU walks the guest's tables:
 *
 * ORACLE_QUIRK_TCG_PDPTE_A  TCG's walker sets A (bit 5) in legacy-PAE
 *   PDPEs it uses.  Bit 5 is reserved in PDPTEs for KVM's load_pdptrs,
 *   so the next MOV to CR0/CR4 that makes KVM load them raises #GP.  The
 *   stub's own code fetches walk PDPTE 0 after every op in PAE mode, so
 *   that one is certain; the others only where a walk may have run.
 *
 * ORACLE_QUIRK_TCG_RSVD_NO_P  a #PF for a reserved bit carries error
 *   code RSVD without P (0x8 for a read); the SDM (4.7) and the APM
 *   (8.4.2) have P = 1 there.
 *
 * ORACLE_QUIRK_TCG_WPF_KEEPS  a #PF raised by a write leaves the page's
 *   read translation in QEMU's TLB (one softmmu entry holds both; the
 *   failed write fill does not drop the read half), so a stale read may
 *   still hit after it, and the write of a probe (a load, then a store)
 *   faults with W again.  SDM 4.10.4.1 invalidates the page on any #PF.
 *
 * ORACLE_QUIRK_TCG_LME_NOPAE  EFER.LME = 1 with CR4.PAE = 0 (paging off,
 *   a legal state) wedges QEMU: the VM stops answering, NMIs included.
 *   KVM passes the guest's EFER to the VMCB under NPT (with shadow
 *   paging it clears LME until LMA).  The model counts the state as a
 *   harness break, so prog_check() keeps it out of generated programs.
 */
#define ORACLE_QUIRK_TCG_PDPTE_A	(1u << 0)
#define ORACLE_QUIRK_TCG_RSVD_NO_P	(1u << 1)
#define ORACLE_QUIRK_TCG_LME_NOPAE	(1u << 2)
#define ORACLE_QUIRK_TCG_WPF_KEEPS	(1u << 3)
#define ORACLE_QUIRKS_TCG_NPT	(ORACLE_QUIRK_TCG_PDPTE_A | ORACLE_QUIRK_TCG_RSVD_NO_P | \
				 ORACLE_QUIRK_TCG_LME_NOPAE | ORACLE_QUIRK_TCG_WPF_KEEPS)

struct oracle_cpu {
	enum oracle_vendor vendor;
	uint8_t maxphyaddr;	/* 32..52 */
	uint8_t mmu;		/* enum oracle_mmu */
	uint32_t features;	/* ORACLE_F_* */
	uint32_t strict;	/* ORACLE_STRICT_*: KVM deviations rejected */
	uint32_t quirks;	/* ORACLE_QUIRK_*: outer-CPU artifacts accepted */
};

/* The default profile: what the test VM's KVM exposes (QEMU TCG, -cpu
 * with SVM): PSE, PAE, PGE, PSE-36, NX, SMEP, SMAP, 1 GiB pages, LM,
 * MAXPHYADDR 40, strict = 0.  Fills *cpu for vendor v; never fails. */
#define ORACLE_DEFAULT_MAXPHYADDR 40
#define ORACLE_DEFAULT_FEATURES	(ORACLE_F_PSE | ORACLE_F_PAE | ORACLE_F_PGE | ORACLE_F_PSE36 | \
				 ORACLE_F_NX | ORACLE_F_SMEP | ORACLE_F_SMAP | ORACLE_F_1G | ORACLE_F_LM)
void oracle_cpu_default(struct oracle_cpu *cpu, enum oracle_vendor v);
/* Switch a profile to AMD nested paging; outer_tcg: the CPU under KVM is
 * QEMU TCG (the test VM), so its NPT quirks apply. */
void oracle_cpu_npt(struct oracle_cpu *cpu, int outer_tcg);
/* "AMD", "AMD NPT", "AMD NPT/TCG", ...: the profile in verdict texts. */
const char *oracle_cpu_name(const struct oracle_cpu *cpu);

/*
 * Initial guest state of each start mode (the executor sets exactly
 * these; the model starts from them).  Both: CPL0, flat 4 GiB segments,
 * EFLAGS.AC = 0 (so SMAP applies to every data access), IF = 0.
 */
#define ORACLE_START_PM32_CR0	0x00000031ull	/* PE | ET | NE, paging off */
#define ORACLE_START_PM32_CR3	0x0ull
#define ORACLE_START_PM32_CR4	0x0ull
#define ORACLE_START_PM32_EFER	0x0ull
#define ORACLE_START_LM64_CR0	0x80000031ull	/* PG | PE | ET | NE; WP = 0 */
#define ORACLE_START_LM64_CR3	((uint64_t)LAYOUT_LOW_PML4)
#define ORACLE_START_LM64_CR4	0x20ull		/* PAE */
#define ORACLE_START_LM64_EFER	0x500ull	/* LME | LMA; NXE = 0 */

/*
 * How the stub executes each op (the oracle models exactly this; the
 * STUB+EXECUTOR engineer implements it):
 *
 *   - EFER.LMA = 0 (legacy protected mode, paging on or off): all ops run
 *     in 32-bit code.  MOV to CR0/CR3/CR4 writes only the low 32 bits of
 *     the program's value (the upper half is dropped, not faulted).  VAs
 *     (probe addr, INVLPG addr, PTE via) are used modulo 2^32.
 *   - EFER.LMA = 1 (long mode): OP_CR0 runs in COMPATIBILITY mode (32-bit
 *     code, so clearing CR0.PG legally leaves long mode; upper 32 bits of
 *     the value dropped).  OP_CR3 and OP_CR4 run in 64-bit code and write
 *     all 64 bits (reserved high bits #GP).  Probes, INVLPG and PTE stores
 *     through an alias run in 64-bit code with the full 64-bit VA (a
 *     non-canonical VA raises #GP(0)).
 *   - OP_EFER is WRMSR with EDX:EAX = the full 64-bit value in both.
 *   - OP_PTE with via == 0 stores through the identity map of the low
 *     region; width 8 is one atomic 8-byte store (CMPXCHG8B in 32-bit code).
 *   - The IDT matching the current mode is always loaded and mapped, so a
 *     #PF or #GP is reported by the stub and never ends the run.  The
 *     oracle never predicts OUT_SHUTDOWN for a program with harness_ok.
 */

enum oracle_paging_mode {
	PGM_OFF = 0,		/* CR0.PG = 0 */
	PGM_32,			/* 32-bit paging (PSE, PSE-36 per CR4.PSE) */
	PGM_PAE,		/* PAE paging, legacy mode */
	PGM_LM4,		/* 4-level paging, IA-32e / long mode */
	PGM_COUNT
};
/* "nopg", "32bit", "pae", "lm4"; "?" out of range (never NULL). */
const char *oracle_paging_mode_name(enum oracle_paging_mode m);

/* Allowed outcomes of one op.  An observation matches if it equals any one. */
#define ORACLE_MAX_OUTCOMES 8

enum outcome_kind {
	OUT_DONE = 0,		/* no exception; for probes, value below */
	OUT_EXCEPTION,		/* vector, error_code (if any), cr2 (for #PF) */
	OUT_MMIO,		/* probe reached unbacked gpa */
	OUT_SHUTDOWN,		/* the run ends in a triple fault at this op */
	OUT_ANY_VALUE,		/* probe completes; value not modelled (harness memory) */
};

struct outcome {
	uint8_t kind;		/* enum outcome_kind */
	uint8_t vector;
	uint8_t has_error_code;
	uint32_t error_code;
	uint64_t cr2;
	uint64_t gpa;		/* translation used (probes) */
	uint64_t value;		/* expected 32-bit value for READ/WRITE/FETCH */
	uint64_t value_mask;	/* bits of value that must match (A/D bits of
				 * page-table memory read through an alias that
				 * the CPU may or may not have set are masked
				 * out; certainly set ones are in value) */
};

/* One level of the page walk that produced an expectation (for dumps). */
struct walk_step {
	uint8_t level;		/* 5..1 as in the SDM, 0 = PDPTE register */
	uint64_t table_gpa;	/* table base */
	uint16_t index;
	uint64_t entry;		/* entry value read */
};

struct op_expect {
	enum oracle_paging_mode mode;	/* mode in force when the op ran */
	uint8_t n_out;
	struct outcome out[ORACLE_MAX_OUTCOMES];
	uint8_t n_walk;
	struct walk_step walk[6];	/* the walk of the current translation */
	uint8_t unbounded;	/* more outcomes than ORACLE_MAX_OUTCOMES (or
				 * the walk read memory the model does not
				 * hold): any observation is accepted */
	uint8_t pdpte_load;	/* this op (re)loaded the PAE PDPTE registers */
	uint64_t pdpte[4];	/* PDPTE registers after the op (PAE mode) */
};

struct oracle_result {
	enum oracle_vendor vendor;
	struct oracle_cpu cpu;		/* profile the verdicts used */
	uint16_t n_ops;			/* ops evaluated (stops after a shutdown) */
	struct op_expect ops[PROG_MAX_OPS];
	int harness_ok;			/* low region identity-mapped throughout */
	int harness_op;			/* first op that broke it, -1 if none */
	char harness_why[96];
	int shutdown_op;		/* op that triple-faults, -1 if none */
	int lost_op;			/* -1, or the first op whose outcome the
					 * model cannot tell (it hangs on an A
					 * bit the outer CPU may have set,
					 * ORACLE_QUIRK_TCG_PDPTE_A): that op and
					 * every later one, the final state and
					 * the arena are not judged */
	/* Control state expected after the last evaluated op. */
	uint64_t cr0, cr3, cr4, efer;
};

/* Evaluate a program under the default profile of vendor v (see
 * oracle_cpu_default).  Never fails. */
void oracle_eval(const struct program *p, enum oracle_vendor v, struct oracle_result *res);
/* Evaluate a program under an explicit CPU profile.  Never fails; a NULL
 * cpu means the default AMD profile. */
void oracle_eval_cpu(const struct program *p, const struct oracle_cpu *cpu,
		     struct oracle_result *res);
/*
 * The same, following what a run was seen to do: after op i the model
 * applies the invalidation a #PF observed in obs->ops[i] makes (SDM
 * 4.10.4.1), so later allowed sets can be narrower than the a-priori
 * ones of oracle_eval_cpu(), which apply it only where every allowed
 * outcome is that #PF.  Never fails; a NULL obs is oracle_eval_cpu().
 */
void oracle_eval_obs(const struct program *p, const struct oracle_cpu *cpu,
		     const struct run_obs *obs, struct oracle_result *res);

/* One violation: an observation outside the allowed set. */
struct violation {
	int op;			/* op index, or -1 for the run as a whole */
	char what[160];		/* one-line description, names the vendor profile */
	enum oracle_vendor vendor;	/* profile the expectation came from */
	struct op_obs observed;	/* what the run showed (op >= 0) */
	struct op_expect expect;	/* allowed set and walk (op >= 0) */
};

#define ORACLE_MAX_VIOLATIONS 16
struct verdict {
	uint8_t n;
	struct violation v[ORACLE_MAX_VIOLATIONS];
};

/*
 * Judge a run.  Returns the number of violations (0 = the run is
 * architecturally allowed).  Fills *out when non-NULL.  res gives the
 * profile and the a-priori sets; where the run showed a #PF the verdict
 * walks ops and observations together (oracle_eval_obs) and judges each
 * op against the set that follows from what was observed before it.
 */
int oracle_verdict(const struct program *p, const struct oracle_result *res,
		   const struct run_obs *obs, struct verdict *out);

/* Human output: expected set per op (mmufuzz explain), and the page walk
 * behind op i (printed with a violation). */
void oracle_print_expect(FILE *f, const struct program *p, const struct oracle_result *res);
void oracle_print_walk(FILE *f, const struct op_expect *e);
/* The A/D bits the model expects in the page tables after the whole run
 * (a-priori, as mmufuzz explain shows them): per entry word, the bits a
 * walk certainly set and the ones it may have set. */
void oracle_print_final_ad(FILE *f, const struct program *p, const struct oracle_cpu *cpu);
/* One violation: description, allowed set, observation, walk. */
void oracle_print_violation(FILE *f, const struct program *p, const struct violation *v);
/* One outcome / one observation as text (no newline) into buf. */
void oracle_format_outcome(char *buf, size_t len, const struct outcome *o);
void oracle_format_obs(char *buf, size_t len, const struct op_obs *o);

#endif /* MMUFUZZ_ORACLE_H */
