/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One night of CI as a library call (nightly.c, nightly_group.c,
 * nightly_replay.c).  The whole night keeps to opts.seconds: build,
 * fuzzing, corpus replay, minimization and reproducers each get a
 * deadline derived from what is left of it.
 *
 *   1. build baseline and the candidates only (cached by input hash)
 *   2. per candidate, in its share of the time:
 *      a. fuzz baseline vs candidate (keep_going) for most of the share
 *      b. one pair of test VMs for the rest: replay the corpus and
 *         compare each program's verdict per kernel with
 *         <corpus>/expected/<base>-<variant>.txt (a changed verdict is a
 *         finding); then every finding folder not triaged yet: minimize
 *         (until its deadline; the best so far is kept), reproducers,
 *         group.  WARNs do not cost a reboot each: the VMs run with
 *         warn_goes_on, and a step whose run WARNs is "not the finding"
 *         (campaign/minimize.h).  A WARN finding is not minimized: its
 *         recorded program is its reproducer.
 *      c. a candidate with a patch: its patch coverage (patchcov.h: the
 *         engine's inputs replayed on its +cov twin, built with the
 *         variants when the night has 150 s or more per candidate), the
 *         line and links to the pages in its section of the report
 *   3. merge what the engine kept into <corpus>/nightly/ as .mmu
 *   4. the report: one entry per group (what the findings have in
 *      common once minimized, nightly_group.c) with its count and its
 *      smallest reproducer, new groups apart from ones seen on earlier
 *      nights
 *   5. then the state: each group in <findings>/nightly/groups/<key>/
 *      (the findings store: atomic, never overwritten, a repeat is a
 *      hits line), a nightly-group.txt marker in each triaged folder.
 *      A night killed before this step is triaged again by the next
 *      one (nothing is lost, nothing half-written).
 */
#ifndef MMUFUZZ_CAMPAIGN_NIGHTLY_H
#define MMUFUZZ_CAMPAIGN_NIGHTLY_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct nightly_opts {
	const char *candidates;	/* "a,b"; NULL or "": every .patch in kernels/patches */
	unsigned seconds;	/* the whole night */
	const char *corpus;
	const char *findings;
	unsigned merge_max;
	time_t now;		/* the night's date, for the report's title */
	/* Progress while fuzzing: a line rewritten in place when progress_tty,
	 * else a plain line every 30 s; NULL: none. */
	FILE *progress;
	int progress_tty;
};

struct nightly_stats {
	unsigned candidates;
	unsigned new_groups;	/* groups no earlier night reported */
	unsigned known_groups;	/* groups seen tonight that an earlier night reported */
	unsigned events;	/* finding events behind tonight's groups */
	unsigned merged;	/* programs added to <corpus>/nightly */
	unsigned replayed;	/* corpus program x variant verdicts compared */
	int errors;		/* harness failures that make the night incomplete:
				 * a candidate that could not fuzz, a corpus or
				 * expected-verdict file that does not parse */
	int step_failures;	/* retried and recorded, the night goes on: a test
				 * VM pair that did not boot for triage, a finding
				 * that would not load or minimize */
	int disk_full;		/* the night stopped: no space left */
	int signo;		/* the signal that stopped the night, or 0 */
};

/*
 * Run one night, writing the report (Markdown) to rep.  Returns 0 when
 * the night ran (harness failures on the way are counted in st and named
 * in the report), or, before anything was fuzzed, -ENOENT (no candidate
 * patches), -EINVAL (a candidate name that cannot be a variant),
 * -ECHILD (a variant did not build) or -ENOSPC (the findings folder's
 * disk is full) with the reason in err.  A SIGTERM, SIGINT or SIGHUP
 * during fuzzing ends the night there (st->signo; the report says so;
 * nothing more is triaged, the next night does it) and returns 0.
 */
int nightly_run(const struct nightly_opts *o, FILE *rep, struct nightly_stats *st,
		char *err, size_t errlen);

/*
 * The report as a self-contained HTML page (nightly_html.c): md (the
 * Markdown nightly_run wrote, len bytes) as HTML, with gnuplot's plots of
 * tonight's progress samples and of the past nights inlined as SVG (or a
 * line saying why there are none).  Written atomically to a fresh path
 * <findings>/<base> (the path goes to out).  0, or -errno.
 */
int nightly_write_html(const char *findings, const char *md, size_t len, const char *base,
		       char *out, size_t cap);

/*
 * The night's exit status for CI: 2 a harness failure (st->errors,
 * st->disk_full, or a step failure on a night with nothing new: a night
 * that could not look everywhere never looks clean), else 1 new groups,
 * else 0; 128 + N when signal N stopped it.
 */
int nightly_exit_status(const struct nightly_stats *st);

#endif /* MMUFUZZ_CAMPAIGN_NIGHTLY_H */
