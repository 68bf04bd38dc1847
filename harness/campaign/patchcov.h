/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patch coverage of a campaign (issue 13, "Reports"): which of a
 * candidate's changed lines the campaign's inputs made KVM run.
 *
 * The fuzzing itself runs on the kernels as named (a plain candidate
 * runs at full speed); when it has ended, the inputs the engine kept
 * (its queue and the seeds) are replayed once on the candidate's "+cov"
 * twin (kernels/cov/: the same patch, built with trace-pc; built and
 * cached like any variant the first time it is needed) in one test VM
 * with the run's PCs on, their union is written as a coverage record,
 * and kernels/cov/report.sh turns it into the patch coverage line
 *
 *   patch lines reached: R/N; never reached: mmu.c:3901-3910, ...
 *
 * and genhtml pages with the changed lines marked.  So the campaign pays
 * nothing during fuzzing; the measurement costs one boot, one run per
 * kept input, and the report (and, once per candidate, the +cov build).
 *
 *   OUT/record          the PC record (harness/judge/kcovset.h)
 *   OUT/report/         report.sh's output: coverage.info, patch-lines,
 *                       patch-coverage.txt, html/ (index.html)
 *   OUT/build.log       the +cov build's (or cache lookup's) messages
 *   OUT/report.log      report.sh's messages
 *   OUT/vm-findings/    what a test VM death during the replay left
 *                       (kept out of the campaign's findings)
 */
#ifndef MMUFUZZ_CAMPAIGN_PATCHCOV_H
#define MMUFUZZ_CAMPAIGN_PATCHCOV_H

#include <limits.h>
#include <stdio.h>
#include "harness/campaign/fuzz.h"

enum patchcov_state {
	PATCHCOV_MEASURED,	/* line, reached/lines, html are set */
	PATCHCOV_NO_PATCH,	/* baseline, stock: no changed lines to measure */
	PATCHCOV_FAILED,	/* not measured; why says why */
	PATCHCOV_STOPPED,	/* a stop request ended it; nothing measured */
};

#define PATCHCOV_MAX_DIRS 3
struct patchcov_opts {
	const char *kernel;	/* the candidate as the campaign named it:
				 * "pae-root-rfc", "6.12:x", "x+cov", a .patch */
	const char *dirs[PATCHCOV_MAX_DIRS + 1]; /* input folders (engine bytes),
				 * NULL-terminated; missing ones are skipped */
	const char *out;	/* folder for the files above (created) */
	double until;		/* min_now() seconds: the replay stops there
				 * and measures what it ran; 0: no end */
	unsigned npt;		/* kvm_amd npt= (0: shadow MMU) */
};

struct patchcov_result {
	enum patchcov_state state;
	char name[64];		/* the candidate's variant name */
	char cov[PATH_MAX];	/* the kernel the inputs were replayed on */
	char line[2048];	/* "patch lines reached: R/N..." (report.sh's) */
	unsigned reached, lines;
	unsigned inputs;	/* distinct decodable inputs found */
	unsigned replayed;	/* of them, run and counted */
	unsigned broke;		/* runs the oracle judged wrong on the
				 * candidate: it still shows its bugs
				 * instrumented */
	unsigned deaths;	/* runs that killed the test VM */
	int out_of_time;	/* `until` came before every input ran */
	double seconds;		/* the whole step: build lookup, boot, replay,
				 * report */
	char dir[PATH_MAX];	/* OUT */
	char html[PATH_MAX];	/* OUT/report/html/index.html */
	char page[PATH_MAX + 32]; /* the page of the first changed line that
				 * holds a call site, "...gcov.html#N"; "" if none */
	char why[512];		/* PATCHCOV_FAILED / _STOPPED: the reason */
};

/*
 * Whether the kernel spec names a variant with a patch: 1, 0 (baseline,
 * stock, and their +cov), or -EINVAL when it cannot be a variant name
 * (the reason in err).  Looks only at the name, never builds.
 */
int patchcov_has_patch(const char *kernel, char *err, size_t errlen);

/*
 * The +cov twin of a kernel spec: "pae-root-rfc" -> "pae-root-rfc+cov",
 * "6.12:x" -> "6.12:x+cov", one already ending in "+cov" unchanged.
 */
void patchcov_twin(const char *kernel, char *out, size_t cap);

/*
 * Measure one candidate.  Always fills r (r->state says what happened)
 * and returns 0, or -EINTR for a stop request (harness/core/stop.h;
 * r->state PATCHCOV_STOPPED: the build or report it was running got the
 * request too, the VM is gone, nothing half-written is left as the
 * result).  Progress ("replaying N inputs on X+cov") is said (say.h).
 */
int patchcov_run(const struct patchcov_opts *o, struct patchcov_result *r);

/*
 * The input folders a finished fuzz_run left in work (libFuzzer: queue/
 * and seeds/; AFL++: afl/default/queue/, which holds the seeds too) into
 * o->dirs, pointing into bufs.
 */
void patchcov_fuzz_dirs(const struct fuzz_opts *fo, const char *work,
			char bufs[PATCHCOV_MAX_DIRS][PATH_MAX], struct patchcov_opts *o);

/*
 * Patch-directed scheduling for a campaign (fuzz/directed.h): when a
 * kernel of `kernels` (the last that qualifies) is a +cov kernel with a
 * patch, list its patch's callback sites into <work>/directed/sites
 * (kernels/cov/patch-sites.sh; the variant is built first if it is not
 * cached, as the campaign's boot would) and name that file and the pool
 * folder <work>/directed/pool in sites and pool (room for PATH_MAX each);
 * *n_sites gets the site count.  Returns 1 (set), 0 (no such kernel:
 * nothing to direct), or -errno with the reason in err.
 */
int patchcov_directed(const char *kernels, const char *work, char *sites, char *pool,
		      unsigned *n_sites, char *err, size_t errlen);

/*
 * A fuzz_opts.prepare: patchcov_directed for the campaign's kernels and
 * work folder; when it finds a +cov candidate with sites, names them and
 * the pool to the drivers (MMUFUZZ_PATCH_SITES, MMUFUZZ_DIRECTED_POOL,
 * absolute paths).  What it did, or why not, is said.
 */
void patchcov_directed_prepare(const struct fuzz_opts *o, const char *work);

/*
 * The end of `mmufuzz fuzz`: patchcov_run for every kernel of fo->kernels
 * that has a patch, on the inputs of the finished campaign st (its
 * st->work), into <work>/patchcov/<name>.  r[] gets up to max results;
 * returns how many.  A stop request ends it: the result that was running
 * is PATCHCOV_STOPPED (and counted), the kernels after it are not tried.
 */
int patchcov_after_fuzz(const struct fuzz_opts *fo, const struct fuzz_stats *st,
			struct patchcov_result *r, int max);

/*
 * The result as Markdown list items for a report (the nightly's): the
 * line and where its inputs ran, then links to the genhtml pages, as
 * paths relative to rel_to (the folder the report is saved in; a path
 * outside it is given whole).  "- patch coverage of NAME: not measured:
 * why" when it was not.  Never fails.
 */
void patchcov_report_md(FILE *rep, const struct patchcov_result *r, const char *rel_to);

#endif /* MMUFUZZ_CAMPAIGN_PATCHCOV_H */
