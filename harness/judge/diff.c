// SPDX-License-Identifier: GPL-2.0
/* Differential verdicts (see diff.h for the classes and their ranking). */
#include <stdio.h>
#include <string.h>
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

void diff_outcome_roots(struct kernel_outcome *k, const struct roots_result *r)
{
	k->aliasing = (int)r->n_findings;
	if (r->n_findings)
		k->root_first = r->f[0];
	else
		memset(&k->root_first, 0, sizeof(k->root_first));
}

/*
 * "<rule> (<meaning>): <facts>" of k's first root finding, and how many
 * more there are: the one formatter (roots_finding_format) every report
 * of a root finding goes through.
 */
static void root_why(char *buf, size_t len, const struct kernel_outcome *k)
{
	char one[320];

	roots_finding_format(one, sizeof(one), &k->root_first);
	if (k->aliasing > 1)
		snprintf(buf, len, "%s (and %d more root finding(s))", one, k->aliasing - 1);
	else
		snprintf(buf, len, "%s", one);
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
	char roots[360];

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
			root_why(roots, sizeof(roots), cand);
			snprintf(out->why, sizeof(out->why), "%s (single kernel)", roots);
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
		root_why(roots, sizeof(roots), cand);
		snprintf(out->why, sizeof(out->why), "candidate: %s; baseline: none", roots);
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
		root_why(roots, sizeof(roots), base);
		snprintf(out->why, sizeof(out->why), "baseline: %s; candidate: %s", roots,
			 cand->aliasing ? "root findings too" : "none");
	}
}
