/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical layout shared by the program model, the oracle, the guest
 * stub and the executor.  Pure constants: no KVM headers, usable from the
 * freestanding 32-bit guest build as well as from host code.
 *
 *   0x00000000 +-----------------------------+
 *              | harness: stub code, GDT,    |  identity-mapped, supervisor,
 *              | IDT, stack, op buffer,      |  writable, executable in
 *              | results, fixed low tables   |  EVERY address space a
 *   0x00200000 +-----------------------------+  program builds ("low region")
 *              | arena: page-table pages the |
 *              | program lays out and writes |
 *   0x00400000 +-----------------------------+
 *              | data frames: each 4 KiB     |  every 8-byte word holds the
 *              | frame tagged with its gfn   |  frame's tag (see DATA_WORD)
 *   MEM_SIZE   +-----------------------------+
 *              | unbacked: accesses exit to  |
 *              | the host as MMIO            |
 *
 * Why fixed low tables: the stub must keep running whatever the program
 * does to paging, so VA [0, LOW_END) maps identity in every mode.  Each
 * top-level table a program loads into CR3 must carry the mode's
 * "harness entry" (entry 0, see HARNESS_* below); the fixed tables behind
 * it map the low region.  Programs probe addresses at or above LOW_END.
 */
#ifndef MMUFUZZ_LAYOUT_H
#define MMUFUZZ_LAYOUT_H

#include "x86.h"

#define LAYOUT_PAGE_SIZE	0x1000u

/* Low region: identity-mapped in every address space. */
#define LAYOUT_LOW_END		0x00400000u

/* Where the stub's own pieces live (owned by kvm-guest/, listed here so
 * the host and the model agree). */
#define LAYOUT_STUB_BASE	0x00001000u	/* code + data, up to 0xF000 bytes */
#define LAYOUT_STUB_LIMIT	0x00010000u
#define LAYOUT_SYS_BASE		0x00010000u	/* GDT, IDTs, TSS: 0x10000-0x13FFF */
#define LAYOUT_STACK_TOP	0x00020000u	/* stack grows down from here */
#define LAYOUT_OPS_BASE		0x00020000u	/* encoded ops, host -> guest */
#define LAYOUT_RESULTS_BASE	0x00030000u	/* per-op results, guest -> host */
#define LAYOUT_SCRATCH_BASE	0x00040000u	/* guest scratch, never probed */

/*
 * Fixed low tables.  Their harness entries are constant; their other
 * entries are free for programs to use and write.
 *   LOW_PT32     32-bit PT: all 1024 entries map 0..4 MiB (all protected)
 *   LOW_PD64     PAE/long-mode PD: entries 0,1 are 2 MiB pages for
 *                0..4 MiB (protected); entries 2..511 free
 *   LOW_PDPT_LM  long-mode PDPT: entry 0 -> LOW_PD64 (protected)
 *   LOW_PML4     long-mode PML4: entry 0 -> LOW_PDPT_LM (protected);
 *                CR3 of a program that starts in long mode
 *   LOW_PD32     32-bit PD: entry 0 -> LOW_PT32 (protected)
 *   LOW_PDPT_PAE PAE PDPT: entry 0 -> LOW_PD64 (protected)
 */
#define LAYOUT_LOW_PT32		0x00100000u
#define LAYOUT_LOW_PD64		0x00101000u
#define LAYOUT_LOW_PDPT_LM	0x00102000u
#define LAYOUT_LOW_PML4		0x00103000u
#define LAYOUT_LOW_PD32		0x00104000u
#define LAYOUT_LOW_PDPT_PAE	0x00105000u
#define LAYOUT_LOW_TABLES_END	0x00106000u

/* Arena: page-table pages owned by the program (reset before every run). */
#define LAYOUT_ARENA_BASE	0x00200000u
#define LAYOUT_ARENA_PAGES	64u
#define LAYOUT_ARENA_END	(LAYOUT_ARENA_BASE + LAYOUT_ARENA_PAGES * LAYOUT_PAGE_SIZE)

/* Data frames: from LOW_END to the end of guest RAM. */
#define LAYOUT_DATA_BASE	LAYOUT_LOW_END
#define LAYOUT_MEM_SIZE		0x02000000u	/* 32 MiB of guest RAM */

/*
 * Page-table entry bits: harness/core/x86.h.  A and D are preset in
 * harness entries so the CPU never needs to write them.
 */

/* Harness entry 0 of a top-level table, per paging mode. */
#define HARNESS_PDE32		(LAYOUT_LOW_PT32 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK)
#define HARNESS_PDPTE_PAE	(LAYOUT_LOW_PD64 | PTE_PRESENT_MASK)	/* RW/US reserved in PAE PDPTEs */
#define HARNESS_PML4E		(LAYOUT_LOW_PDPT_LM | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK)
/* Entries inside the fixed tables. */
#define HARNESS_PDPTE_LM	(LAYOUT_LOW_PD64 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK)
#define HARNESS_PDE64(i)	(((unsigned long long)(i) << 21) | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | \
				 PTE_ACCESSED_MASK | PTE_DIRTY_MASK | PTE_LARGE_MASK)
#define HARNESS_PTE32(i)	(((unsigned long long)(i) << 12) | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | \
				 PTE_ACCESSED_MASK | PTE_DIRTY_MASK)

/*
 * Data-frame tag.  Every 8-byte word of the frame at gfn G (G < 2^24) is
 *   bytes: B8 g0 g1 g2 5A C3 90 90
 * i.e. "mov eax, 0x5A000000|G; ret; nop; nop".  So:
 *   - a read probe (32-bit load at an 8-byte aligned VA) sees  READ_TAG(G)
 *   - a fetch probe (call to an 8-byte aligned VA) returns      FETCH_TAG(G)
 * in both 32-bit and 64-bit code.  Probe VAs are 8-byte aligned.
 */
#define DATA_TAG_MAGIC		0x5Au
#define DATA_WORD(G)		(0xB8ull | ((unsigned long long)((G) & 0xFFFFFFu) << 8) | \
				 ((unsigned long long)DATA_TAG_MAGIC << 32) | (0xC3ull << 40) | (0x9090ull << 48))
#define READ_TAG(G)		(0xB8u | (((G) & 0xFFFFFFu) << 8))
#define FETCH_TAG(G)		((DATA_TAG_MAGIC << 24) | ((G) & 0xFFFFFFu))

#endif /* MMUFUZZ_LAYOUT_H */
