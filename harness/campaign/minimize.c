// SPDX-License-Identifier: GPL-2.0
/*
 * Minimizing a finding as a library call: shrink it to the smallest
 * program that still gets the same differential verdict class on the same
 * kernels (and, for a finding with two PDPTs on one page, keeps that
 * shape: the signature).  The search itself is harness/search/minimize.c;
 * this file supplies the predicate that runs candidates on the test VMs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "harness/campaign/minimize.h"
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "harness/judge/diffrun.h"
#include "harness/program/prog.h"
#include "harness/search/minimize.h"

struct same_class {
	struct diffrun *dr;
	struct diffrun_result *r;
	enum diff_class cls;
	int shared;		/* the finding has two PDPTs on one page: keep it */
	unsigned confirm;
	int verbose;
	struct min_limits *lim;
};

double min_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A run that killed or WARNed a VM (a host fault of either kernel). */
static int run_hit_host_fault(const struct diffrun_result *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->k[i].died)
			return 1;
	return 0;
}

/* The predicate: the candidate still gets the same class (and again on
 * re-runs, so a flaky outcome never shrinks the program). */
static int still_same(const struct program *cand, void *ctx)
{
	struct same_class *s = ctx;
	int ret;

	/* Same signature, not only the same class: a shared-PDPT finding
	 * must not shrink into a different bug of the same class. */
	if (s->shared && !prog_has_shared_pdpt_page(cand))
		return 0;
	/* Out of time: stop; minimize_program keeps the best so far. */
	if (s->lim->deadline && min_now() >= s->lim->deadline) {
		s->lim->out_of_time = 1;
		return -ETIME;
	}
	ret = diffrun_run(s->dr, cand, s->r);

	if (ret == -EINTR)
		return ret;	/* stop: the search keeps the smallest so far */
	if (ret)
		return 0;	/* e.g. refused by the target: not the same finding */
	/* A step that WARNs (or kills a VM) is not the finding being
	 * minimized unless that is a host fault itself: its WARN is
	 * recorded by vmclient (a hits line of its vm-warn folder), and
	 * with warn_goes_on the VM is not rebooted for it. */
	if (run_hit_host_fault(s->r) && s->cls != DIFF_HOST_FAULT) {
		s->lim->host_faults++;
		return 0;
	}
	if (s->r->diff.cls != s->cls)
		return 0;
	if (s->confirm) {
		ret = diffrun_confirm(s->dr, cand, s->cls, s->confirm);
		if (ret == -EINTR)
			return ret;
		if (ret != 1)
			return 0;
	}
	if (s->verbose)
		say("  kept: %u ops, %u init", cand->n_ops, cand->n_init);
	return 1;
}

int minimize_finding(struct diffrun *dr, struct program *p, unsigned max_tries, int verbose,
		     enum diff_class *cls_out, struct min_stats *st, char *err, size_t errlen)
{
	struct min_limits lim = { .max_tries = max_tries };

	return minimize_finding_limited(dr, p, &lim, verbose, cls_out, st, err, errlen);
}

int minimize_finding_limited(struct diffrun *dr, struct program *p, struct min_limits *lim,
			     int verbose, enum diff_class *cls_out, struct min_stats *st, char *err,
			     size_t errlen)
{
	struct same_class s = { .dr = dr, .confirm = 1, .verbose = verbose, .lim = lim };
	int ret;

	lim->out_of_time = 0;
	lim->host_faults = 0;

	s.r = diffrun_result_new();
	if (!s.r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = diffrun_run(dr, p, s.r);
	if (ret) {
		snprintf(err, errlen, "%s", s.r->diff.why);
		goto out;
	}
	s.cls = s.r->diff.cls;
	s.shared = prog_has_shared_pdpt_page(p);
	*cls_out = s.cls;
	if (s.cls == DIFF_CLEAN) {
		snprintf(err, errlen, "no finding on these kernels for this program");
		ret = -ENOENT;
		goto out;
	}
	ret = minimize_program(p, still_same, &s, lim->max_tries, st);
	if (ret == -ETIME && lim->out_of_time)
		ret = 0;	/* p is the smallest kept so far */
	if (ret == -EINTR)
		snprintf(err, errlen, "stopped by SIG%s after %u runs, %u candidates kept",
			 sigabbrev_np(stop_requested()), st->tries, st->kept);
	if (!ret || (ret == -EINTR && st->kept)) {
		/* The seed's title no longer describes what is left. */
		char old[PROG_TITLE_MAX];

		snprintf(old, sizeof(old), "%s", p->title);
		snprintf(p->title, sizeof(p->title), "%s %s on %s%s%s%s",
			 ret || lim->out_of_time ? "partly minimized" : "minimized",
			 diff_class_name(s.cls),
			 diffrun_kernel_name(dr, 0), diffrun_kernels(dr) == 2 ? " vs " : "",
			 diffrun_kernels(dr) == 2 ? diffrun_kernel_name(dr, 1) : "",
			 old[0] ? "; seed: " : "");
		if (old[0]) {
			size_t l = strlen(p->title);

			snprintf(p->title + l, sizeof(p->title) - l, "%s", old);
		}
		for (char *c = p->title; *c; c++)	/* the .mmu title charset */
			if (*c == '"' || *c == '\\' || *c < 0x20 || *c > 0x7e)
				*c = ' ';
	}
out:
	diffrun_result_free(s.r);
	return ret;
}
