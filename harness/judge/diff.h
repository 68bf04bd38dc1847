/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential verdicts: what one program's runs on a baseline and a
 * candidate kernel mean together.  Pure logic over the oracle's per-kernel
 * verdicts, the root oracle's findings and how each run ended.
 *
 * Classes, most important first (the order is the ranking used when a
 * run shows several):
 *   DIFF_HOST_FAULT   a kernel WARNed, oopsed, hung, or KVM killed the VM
 *                     or reported an internal error (either kernel)
 *   DIFF_REGRESSION   the candidate breaks the architecture, the baseline
 *                     does not: the headline finding
 *   DIFF_ALIASING     the root oracle (oracles/roots.h) finds that a root
 *                     the candidate entered the guest with does not
 *                     shadow the guest's tables (ALIAS, STALE, GFN, ROLE,
 *                     PDPTE), even if no probe saw it; the "why" names
 *                     the rule and its facts (roots_finding_format)
 *   DIFF_PREEXISTING  both kernels break the architecture
 *   DIFF_FIXED        only the baseline breaks it: the patch fixes it
 *   DIFF_CLEAN        nothing to report
 */
#ifndef MMUFUZZ_DIFF_H
#define MMUFUZZ_DIFF_H

#include <stdint.h>
#include "harness/core/observation.h"
#include "oracles/roots.h"

enum diff_class {
	DIFF_CLEAN = 0,
	DIFF_FIXED,
	DIFF_PREEXISTING,
	DIFF_ALIASING,
	DIFF_REGRESSION,
	DIFF_HOST_FAULT,
	DIFF_CLASS_COUNT
};

/* What one kernel showed for one program. */
struct kernel_outcome {
	int ran;			/* 0: this kernel was not run */
	enum run_exit exit;		/* how the run ended */
	int host_fault;			/* VM died: panic/WARN/oops/channel lost */
	int violations;			/* oracle_verdict() count */
	int first_violation_op;		/* op index, -1 if none */
	int aliasing;			/* root-oracle findings, any rule */
	struct roots_finding root_first;	/* the first of them (when aliasing) */
};

struct diff_result {
	enum diff_class cls;
	int op;				/* op that decides the class, -1 if none */
	char why[400];			/* one line for reports */
};

/* Short stable name ("regression", "host-fault", ...) used in signatures. */
const char *diff_class_name(enum diff_class c);

/*
 * Classify one program.  base->ran == 0 means a single-kernel run: a
 * violation there cannot be blamed on a patch and is DIFF_PREEXISTING.
 * Never fails.
 */
void diff_classify(const struct kernel_outcome *base, const struct kernel_outcome *cand,
		   struct diff_result *out);

/*
 * Fill k's root fields from the root oracle's result of its run: the
 * count and the first finding.  Never fails.
 */
void diff_outcome_roots(struct kernel_outcome *k, const struct roots_result *r);

/* A run exit that is itself a finding (KVM broke, not the guest). */
int diff_exit_is_host_fault(enum run_exit e);

#endif /* MMUFUZZ_DIFF_H */
