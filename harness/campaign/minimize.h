/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMUFUZZ_CAMPAIGN_MINIMIZE_H
#define MMUFUZZ_CAMPAIGN_MINIMIZE_H

#include "harness/judge/diffrun.h"
#include "harness/search/minimize.h"

/* Minimizing a finding on the test VMs (minimize.c). */

/*
 * Minimize p in place on dr's kernels, keeping its differential class
 * (written to *cls).  0 done; -ENOENT p shows no finding there; -errno;
 * on failure the reason is in err.  verbose: each kept candidate is one
 * line said (harness/core/say.h: progress the caller asked for).
 *
 * -EINTR: a stop request (harness/core/stop.h) ended the search; p is
 * then the smallest program found so far, every step to it confirmed
 * like a finished search's (st->kept of them; 0: p is the original), and
 * retitled "partly minimized ..." when it shrank: worth saving, and a
 * later minimize starts from it.
 */
int minimize_finding(struct diffrun *dr, struct program *p, unsigned max_tries, int verbose,
		     enum diff_class *cls, struct min_stats *st, char *err, size_t errlen);

/* What bounds one minimization, and what the bounds did. */
struct min_limits {
	unsigned max_tries;	/* predicate calls, 0: no bound */
	double deadline;	/* CLOCK_MONOTONIC seconds (min_now()), 0: none */
	int out_of_time;	/* out: the deadline ended the search; p is the
				 * smallest program kept so far (still the finding) */
	unsigned host_faults;	/* out: candidates whose run killed or WARNed a
				 * VM: never "the same finding" (see minimize.c) */
};

/*
 * minimize_finding() under lim.  Returns what minimize_finding returns;
 * running out of time is not an error (0, lim->out_of_time set, the
 * title says "partly minimized").
 */
int minimize_finding_limited(struct diffrun *dr, struct program *p, struct min_limits *lim,
			     int verbose, enum diff_class *cls, struct min_stats *st, char *err,
			     size_t errlen);

/* CLOCK_MONOTONIC in seconds: the clock of min_limits.deadline. */
double min_now(void);

#endif /* MMUFUZZ_CAMPAIGN_MINIMIZE_H */
