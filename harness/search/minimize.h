/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Semantic minimizer: delta debugging over a program's ops, initial
 * stores and prefaults, then over single bits of CR/EFER values and of
 * page-table entry flags.  Every candidate it tries is well formed
 * (prog_check); it keeps a candidate only when the caller's predicate
 * says it still shows the same finding (same verdict class, as the
 * caller defines it).
 */
#ifndef MMUFUZZ_MINIMIZE_H
#define MMUFUZZ_MINIMIZE_H

#include "harness/program/prog.h"

/* 1: cand still shows the finding; 0: it does not; <0: stop (error). */
typedef int (*min_pred_fn)(const struct program *cand, void *ctx);

struct min_stats {
	unsigned tries;		/* predicate calls */
	unsigned kept;		/* candidates accepted */
	unsigned ill_formed;	/* candidates skipped by prog_check */
};

/*
 * Shrink *p in place.  Returns 0 when done (p is the smallest found and
 * satisfies pred), -EINVAL when the original does not satisfy pred (p
 * unchanged), or the predicate's negative value if it asked to stop (p is
 * then the smallest satisfying program found so far).  max_tries bounds
 * the predicate calls (0 = no bound).
 */
int minimize_program(struct program *p, min_pred_fn pred, void *ctx,
		     unsigned max_tries, struct min_stats *st);

#endif /* MMUFUZZ_MINIMIZE_H */
