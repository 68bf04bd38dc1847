/* SPDX-License-Identifier: GPL-2.0 */
/* The seeded program generator (generate.c). */
#ifndef MMUFUZZ_GENERATE_H
#define MMUFUZZ_GENERATE_H

#include <stdint.h>
#include "harness/core/program.h"

/*
 * Seeded generator of well-formed, interesting programs (generate.c).
 * rng_state is advanced (any value, 0 included, is a valid seed).
 * Returns 0; -EAGAIN if no well-formed program came out of the attempts
 * (not expected; *out is then an empty program of an allowed mode).
 */
#define GEN_MODE_PM32	(1u << START_PM32)	/* may start in, or enter, 32-bit/PAE */
#define GEN_MODE_LM64	(1u << START_LM64)	/* may start in, or enter, long mode */
struct gen_opts {
	unsigned modes;		/* GEN_MODE_* mask; 0 = all.  LM64 alone keeps the
				 * program in long mode throughout (PVM host). */
	int no_shared_pdpt_page;/* never two PDPTs on one page, as
				 * prog_has_shared_pdpt_page() defines it */
	unsigned max_ops;	/* 0 = PROG_MAX_OPS */
};
uint64_t prog_rng_next(uint64_t *rng_state);
int prog_random(uint64_t *rng_state, struct program *out, const struct gen_opts *opts);

#endif /* MMUFUZZ_GENERATE_H */
