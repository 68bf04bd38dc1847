/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the .mmu printer and parser: names of bits. */
#ifndef MMUFUZZ_PROGRAM_INT_H
#define MMUFUZZ_PROGRAM_INT_H

#include <stdint.h>
#include "harness/program/prog.h"

struct bitname {
	uint64_t bit;
	const char *name;
};

/* NULL-terminated tables: CR0, CR3, CR4, EFER and page-table entry bits. */
extern const struct bitname prog_cr0_bits[], prog_cr3_bits[], prog_cr4_bits[], prog_efer_bits[],
	prog_pte_bits[];

/* The table for an op's value (OP_PTE: entry bits), NULL if none. */
const struct bitname *prog_value_bits(enum prog_op_kind kind);

#endif /* MMUFUZZ_PROGRAM_INT_H */
