/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's low region as a program starts it: the stub image, GDT,
 * both IDTs and the TSS, the fixed low tables, the arena with the
 * program's initial stores, the op buffer and zeroed results.  Pure memory
 * building, no KVM: the executor copies it into the VM, the reproducer
 * generators embed it.
 */
#ifndef MMUFUZZ_GUEST_IMAGE_H
#define MMUFUZZ_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "harness/program/prog.h"
#include "kvm-guest/stub_abi.h"

#define GUEST_SYS_SIZE	0x4000u		/* GDT, IDT32, IDT64, TSS */
#define GUEST_LOW_TABLES_SIZE (LAYOUT_LOW_TABLES_END - LAYOUT_LOW_PT32)

/* The embedded stub (kvm-guest/) and its header. */
extern const uint8_t stub_image_start[], stub_image_end[];
const struct stub_header *guest_stub_header(void);

/* GDT (selectors of stub_abi.h), IDTs from the stub's handler table, TSS:
 * GUEST_SYS_SIZE bytes for gpa LAYOUT_SYS_BASE. */
void guest_image_sys(uint8_t *sys);

/* The fixed low tables with their harness entries (layout.h):
 * GUEST_LOW_TABLES_SIZE bytes for gpa LAYOUT_LOW_PT32. */
void guest_image_low_tables(uint8_t *tables);

/*
 * Everything of the low region that a program run depends on, into
 * low[0, LAYOUT_LOW_END): the stub, sys and tables (built once by the
 * two functions above), zeroed results, the arena with p's initial
 * stores, the stub's control block and ops.  Memory it does not name is
 * left as it is (zero in a fresh buffer; the stack is scratch).
 * Returns 0, or -EINVAL if p does not fit the stub (too many ops, an
 * init outside the low region).
 */
int guest_image_program(const struct program *p, uint8_t *low, const uint8_t *sys,
			const uint8_t *tables);

/* The part of guest_image_program that is not page-table memory: stub,
 * sys, zeroed results, control block (n_writes = 0) and ops. */
int guest_image_head(const struct program *p, uint8_t *low, const uint8_t *sys);

/*
 * Page-table memory, page by page: the fixed low tables, then the arena.
 * A set of its pages is a bitmap of GUEST_TABLE_PAGES bits.
 */
#define GUEST_TABLE_PAGES ((GUEST_LOW_TABLES_SIZE + LAYOUT_ARENA_END - LAYOUT_ARENA_BASE) / \
			   LAYOUT_PAGE_SIZE)
typedef uint64_t guest_table_pages[(GUEST_TABLE_PAGES + 63) / 64];

/* Add to set the pages a run of p can leave different from a clean
 * start's template (zero in the arena): those of its initial stores and
 * of its PTE stores, and every fixed table (the CPU sets A/D bits in the
 * harness entries).  Only present entries get A/D bits, so a page outside
 * the set still holds the template after the run. */
void guest_image_table_pages(const struct program *p, guest_table_pages set);

/*
 * A warm start (harness/exec/executor.h): compare the page-table memory
 * p starts with (the fixed low tables as `tables` has them, the arena
 * zero, then p's initial stores) with what low[] holds now, on the pages
 * in `only` (NULL: all; a page outside it must hold the template and get
 * no initial store), and put every 4-byte word that differs into
 * w[0..max) as a store for the stub to make.  Returns how many, -E2BIG
 * when more than max differ, or -EINVAL for an initial store outside the
 * tables and the arena.
 */
int guest_image_table_writes(const struct program *p, const uint8_t *low,
			     const uint8_t *tables, const guest_table_pages only,
			     struct stub_write *w, unsigned max);

/* guest_image_program with freshly built sys and tables (not thread-safe). */
int guest_image_build(const struct program *p, uint8_t *low);

/* Start state of p (same as the oracle's ORACLE_START_*). */
struct guest_boot {
	uint64_t cr0, cr3, cr4, efer;
	uint32_t idt_base, idt_limit;
	uint32_t rip, rsp;
};
void guest_boot_state(const struct program *p, struct guest_boot *b);

#endif /* MMUFUZZ_GUEST_IMAGE_H */
