/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One night of CI as a library call (nightly.c):
 *
 *   1. make kernels (cached by input hash)
 *   2. per candidate, fuzz baseline vs candidate with keep_going for its
 *      share of the time
 *   3. every finding folder that is new tonight: minimize + reproducers
 *   4. merge what the engine kept into <corpus>/nightly/ as .mmu (named by
 *      content hash; at most merge_max per candidate; existing files
 *      untouched)
 *   5. the night's report, as text, to a stream the caller owns
 */
#ifndef MMUFUZZ_CAMPAIGN_NIGHTLY_H
#define MMUFUZZ_CAMPAIGN_NIGHTLY_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct nightly_opts {
	const char *candidates;	/* "a,b"; NULL or "": every .patch in kernels/patches */
	unsigned seconds;	/* shared out between the candidates */
	const char *corpus;
	const char *findings;
	unsigned merge_max;
	time_t now;		/* the night's date, for the report's title */
};

struct nightly_stats {
	unsigned candidates;
	unsigned new_findings;
	unsigned merged;	/* programs added to <corpus>/nightly */
	int errors;		/* a candidate that could not fuzz, a finding that would not load */
	int signo;		/* the signal that stopped the night (fuzz_run), or 0 */
};

/*
 * Run one night, writing the report to rep.  Returns 0 when the night ran
 * (errors on the way are counted in st->errors and named in the report),
 * or, before anything was fuzzed, -ENOENT (no candidate patches) or
 * -ECHILD (make kernels failed) with the reason in err.  A SIGTERM,
 * SIGINT or SIGHUP during fuzzing ends the night there (st->signo; the
 * report says so; nothing more is minimized) and still returns 0.
 */
int nightly_run(const struct nightly_opts *o, FILE *rep, struct nightly_stats *st,
		char *err, size_t errlen);

#endif /* MMUFUZZ_CAMPAIGN_NIGHTLY_H */
