/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structure-aware mutation of programs, for the fuzzers' custom mutators
 * and for `mmufuzz fuzz`.  Every mutation works on the program, not on its
 * bytes, and the result is always well formed (prog_check): a mutation
 * that would break the harness is retried with another choice, and after
 * a bounded number of attempts the input is returned unchanged.
 *
 * The mutations are the moves that reach KVM's root-management paths:
 * insert/delete/swap/duplicate ops; flip one meaningful CR0/CR4/EFER bit;
 * move a PAE PDPT to another 32-byte slot of its page or onto the page of
 * another PDPT; make two PDPTEs share a page directory or split one;
 * switch an entry between a large page and a table; flip one flag of a
 * page-table entry; retarget a probe or INVLPG; insert a short sequence in
 * the shape of a shadow-MMU bug class; cross-over of two programs.
 */
#ifndef MMUFUZZ_MUTATE_H
#define MMUFUZZ_MUTATE_H

#include <stdint.h>
#include "harness/program/prog.h"

enum mut_kind {
	MUT_INSERT_OP = 0,
	MUT_DELETE_OP,
	MUT_SWAP_OPS,
	MUT_DUP_OP,
	MUT_FLIP_CR_BIT,
	MUT_MOVE_PDPT_SLOT,	/* same page, another 32-byte slot */
	MUT_MOVE_PDPT_SHARE,	/* onto a free slot of another PDPT's page */
	MUT_SHARE_PD,
	MUT_SPLIT_PD,
	MUT_TOGGLE_PS,
	MUT_FLIP_PTE_FLAG,
	MUT_RETARGET_PROBE,
	MUT_CLASS_SEQ,		/* a bug class's short sequence (store-flush-look, ...) */
	MUT_KIND_COUNT
};

const char *mut_kind_name(enum mut_kind k);

/* Options: mutations disabled by mask bit (1 << MUT_x) are never chosen. */
struct mut_opts {
	uint32_t disable;
};

/*
 * Mutate *p in place with one randomly chosen applicable mutation.
 * Returns the mutation applied, or -1 when none applied within the retry
 * bound (p unchanged).  p must be well formed on entry.
 */
int prog_mutate(struct program *p, uint64_t *rng, const struct mut_opts *opts);

/* Apply one given mutation; same contract as prog_mutate. */
int prog_mutate_kind(struct program *p, enum mut_kind k, uint64_t *rng);

/*
 * Cross-over: ops [0, cut_a) of a, then ops [cut_b, n) of b; initial
 * stores of a, plus those of b at addresses a does not set.  Result in
 * *out, well formed; returns 0, or -1 (out = *a) when no cut worked.
 */
int prog_crossover(const struct program *a, const struct program *b,
		   struct program *out, uint64_t *rng);


#endif /* MMUFUZZ_MUTATE_H */
