// SPDX-License-Identifier: GPL-2.0
/* Differential verdicts (see diff.h for the classes and their ranking). */
#include <stdio.h>
#include "harness/judge/diff.h"

static const char *const class_names[DIFF_CLASS_COUNT] = {
	[DIFF_CLEAN] = "clean",
	[DIFF_FIXED] = "fixed-by-patch",
	[DIFF_PREEXISTING] = "pre-existing",
	[DIFF_ALIASING] = "root-aliasing",
	[DIFF_REGRESSION] = "regression",
	[DIFF_HOST_FAULT] = "host-fault",
};

const char *diff_class_name(enum diff_class c)
{
	return (unsigned)c < DIFF_CLASS_COUNT ? class_names[c] : "?";
}

int diff_exit_is_host_fault(enum run_exit e)
{
	/* A shutdown is the guest's doing and is judged by the oracle; these
	 * are KVM (or the host kernel) failing. */
	return e == RUN_HANG || e == RUN_INTERNAL_ERROR || e == RUN_KVM_DEAD;
}

static int broke_host(const struct kernel_outcome *k)
{
	return k->ran && (k->host_fault || diff_exit_is_host_fault(k->exit));
}

static int broke_arch(const struct kernel_outcome *k)
{
	return k->ran && k->violations > 0;
}

void diff_classify(const struct kernel_outcome *base, const struct kernel_outcome *cand,
		   struct diff_result *out)
{
	const struct kernel_outcome *who;

	out->cls = DIFF_CLEAN;
	out->op = -1;
	out->why[0] = 0;

	if (broke_host(cand) || broke_host(base)) {
		who = broke_host(cand) ? cand : base;
		out->cls = DIFF_HOST_FAULT;
		snprintf(out->why, sizeof(out->why), "%s: %s%s",
			 who == cand ? "candidate" : "baseline",
			 who->host_fault ? "host kernel fault, " : "",
			 run_exit_name(who->exit));
		return;
	}
	if (!base->ran) {
		if (broke_arch(cand)) {
			out->cls = DIFF_PREEXISTING;
			out->op = cand->first_violation_op;
			snprintf(out->why, sizeof(out->why),
				 "%d oracle violation(s), first at op %d (single kernel)",
				 cand->violations, cand->first_violation_op);
		} else if (cand->aliasing) {
			out->cls = DIFF_ALIASING;
			snprintf(out->why, sizeof(out->why), "%d aliased root reuse(s)",
				 cand->aliasing);
		}
		return;
	}
	if (broke_arch(cand) && !broke_arch(base)) {
		out->cls = DIFF_REGRESSION;
		out->op = cand->first_violation_op;
		snprintf(out->why, sizeof(out->why),
			 "candidate: %d oracle violation(s), first at op %d; baseline: none",
			 cand->violations, cand->first_violation_op);
	} else if (cand->aliasing && !base->aliasing) {
		out->cls = DIFF_ALIASING;
		snprintf(out->why, sizeof(out->why),
			 "candidate reused a shadow root for a different PDPT (%d time(s)); baseline: none",
			 cand->aliasing);
	} else if (broke_arch(cand) && broke_arch(base)) {
		out->cls = DIFF_PREEXISTING;
		out->op = cand->first_violation_op;
		snprintf(out->why, sizeof(out->why),
			 "both kernels break the architecture (first at op %d / %d)",
			 base->first_violation_op, cand->first_violation_op);
	} else if (broke_arch(base)) {
		out->cls = DIFF_FIXED;
		out->op = base->first_violation_op;
		snprintf(out->why, sizeof(out->why),
			 "only the baseline breaks the architecture (first at op %d)",
			 base->first_violation_op);
	} else if (base->aliasing) {
		out->cls = DIFF_PREEXISTING;
		snprintf(out->why, sizeof(out->why), "baseline reused a shadow root for a different PDPT");
	}
}
