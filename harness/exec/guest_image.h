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
 * A warm start (harness/exec/executor.h): compare the page-table memory
 * p starts with (the fixed low tables as `tables` has them, the arena
 * zero, then p's initial stores) with what low[] holds now, and put
 * every 4-byte word that differs into w[0..max) as a store for the stub
 * to make.  Returns how many, -E2BIG when more than max differ, or
 * -EINVAL for an initial store outside the tables and the arena.
 */
int guest_image_table_writes(const struct program *p, const uint8_t *low,
			     const uint8_t *tables, struct stub_write *w, unsigned max);

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
