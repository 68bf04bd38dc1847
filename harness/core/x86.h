/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 architectural bits mmufuzz names: CR0, CR3, CR4, EFER, paging-
 * structure entries and the #PF error code.  Spelled as the KVM selftests
 * (tools/testing/selftests/kvm/include/x86_64/processor.h) and
 * kvm-unit-tests spell them, so a KVM developer reads them without a
 * glossary; the values are the Intel SDM's and AMD APM's (vol. 3 ch. 2 and
 * 4 / vol. 2 ch. 3 and 5).
 *
 * This is the one home for them, for harness/ and oracles/ alike (core
 * is the bottom layer, so both may include it).  Plain macros, no types,
 * so that C and the stub's assembly can both include it.
 */
#ifndef MMUFUZZ_X86_H
#define MMUFUZZ_X86_H

#define X86_CR0_PE		(1ull << 0)
#define X86_CR0_MP		(1ull << 1)
#define X86_CR0_EM		(1ull << 2)
#define X86_CR0_TS		(1ull << 3)
#define X86_CR0_ET		(1ull << 4)
#define X86_CR0_NE		(1ull << 5)
#define X86_CR0_WP		(1ull << 16)
#define X86_CR0_AM		(1ull << 18)
#define X86_CR0_NW		(1ull << 29)
#define X86_CR0_CD		(1ull << 30)
#define X86_CR0_PG		(1ull << 31)

#define X86_CR3_PWT		(1ull << 3)
#define X86_CR3_PCD		(1ull << 4)

#define X86_CR4_VME		(1ull << 0)
#define X86_CR4_PVI		(1ull << 1)
#define X86_CR4_TSD		(1ull << 2)
#define X86_CR4_DE		(1ull << 3)
#define X86_CR4_PSE		(1ull << 4)
#define X86_CR4_PAE		(1ull << 5)
#define X86_CR4_MCE		(1ull << 6)
#define X86_CR4_PGE		(1ull << 7)
#define X86_CR4_PCE		(1ull << 8)
#define X86_CR4_OSFXSR		(1ull << 9)
#define X86_CR4_OSXMMEXCPT	(1ull << 10)
#define X86_CR4_UMIP		(1ull << 11)
#define X86_CR4_LA57		(1ull << 12)
#define X86_CR4_VMXE		(1ull << 13)
#define X86_CR4_SMXE		(1ull << 14)
#define X86_CR4_FSGSBASE	(1ull << 16)
#define X86_CR4_PCIDE		(1ull << 17)
#define X86_CR4_OSXSAVE		(1ull << 18)
#define X86_CR4_SMEP		(1ull << 20)
#define X86_CR4_SMAP		(1ull << 21)
#define X86_CR4_PKE		(1ull << 22)
#define X86_CR4_CET		(1ull << 23)

#define EFER_SCE		(1ull << 0)
#define EFER_LME		(1ull << 8)
#define EFER_LMA		(1ull << 10)
#define EFER_NX			(1ull << 11)
#define EFER_SVME		(1ull << 12)
#define EFER_LMSLE		(1ull << 13)
#define EFER_FFXSR		(1ull << 14)
#define EFER_TCE		(1ull << 15)

/* Paging-structure entries (every mode; PS only where a large page can be). */
#define PTE_PRESENT_MASK	(1ull << 0)
#define PTE_WRITABLE_MASK	(1ull << 1)
#define PTE_USER_MASK		(1ull << 2)
#define PTE_PWT_MASK		(1ull << 3)
#define PTE_PCD_MASK		(1ull << 4)
#define PTE_ACCESSED_MASK	(1ull << 5)
#define PTE_DIRTY_MASK		(1ull << 6)
#define PTE_LARGE_MASK		(1ull << 7)
#define PTE_GLOBAL_MASK		(1ull << 8)
#define PTE_NX_MASK		(1ull << 63)
/* A 64-bit entry's frame address, bits 51:12 (the kernel's PTE_PFN_MASK). */
#define PTE_PFN_MASK		0x000ffffffffff000ull

/* #PF error code. */
#define PFERR_PRESENT_MASK	(1u << 0)
#define PFERR_WRITE_MASK	(1u << 1)
#define PFERR_USER_MASK		(1u << 2)
#define PFERR_RSVD_MASK		(1u << 3)
#define PFERR_FETCH_MASK	(1u << 4)
#define PFERR_PK_MASK		(1u << 5)

/* Exception vectors the stub reports (SDM vol. 3 table 6-1). */
#define GP_VECTOR		13
#define PF_VECTOR		14

#endif /* MMUFUZZ_X86_H */
