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
 * line on stderr (progress the caller asked for).
 *
 * -EINTR: a stop request (harness/core/stop.h) ended the search; p is
 * then the smallest program found so far, every step to it confirmed
 * like a finished search's (st->kept of them; 0: p is the original), and
 * retitled "partly minimized ..." when it shrank: worth saving, and a
 * later minimize starts from it.
 */
int minimize_finding(struct diffrun *dr, struct program *p, unsigned max_tries, int verbose,
		     enum diff_class *cls, struct min_stats *st, char *err, size_t errlen);

#endif /* MMUFUZZ_CAMPAIGN_MINIMIZE_H */
