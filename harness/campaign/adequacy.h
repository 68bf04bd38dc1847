/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutation adequacy (adequacy.c): would mmufuzz notice if these KVM lines
 * were wrong?  Mutants of the lines (kernels/mutants/) are built and each
 * is fuzzed against the baseline for a fixed budget; a finding kills it.
 *
 * A run lives in one folder (opts.out):
 *   mutants/    kernels/mutants/prepare.sh's output: index.tsv, mNNN.patch,
 *               ref.patch, params
 *   build/ID/   the built modules of each mutant (a variant directory;
 *               build/ref is the unmutated reference)
 *   work/ID/    the engine's work folder and engine.log; findings/ID/ its
 *               findings
 *   results.tsv one line per judged mutant, rewritten atomically after
 *               each: a stopped or crashed run keeps every verdict it
 *               reached, and a rerun with the same options resumes
 */
#ifndef MMUFUZZ_CAMPAIGN_ADEQUACY_H
#define MMUFUZZ_CAMPAIGN_ADEQUACY_H

#include <limits.h>

enum adequacy_verdict {
	ADQ_KILLED,	/* a regression, root-aliasing or host-fault finding */
	ADQ_SURVIVED,	/* budget spent, no finding (or only pre-existing ones) */
	ADQ_UNREACHED,	/* survived, and the baseline never ran the mutated
			 * line in that run: no program of it could tell them
			 * apart (judged only with opts.reach) */
	ADQ_EQUIVALENT,	/* its modules' code is byte-identical to the
			 * reference build's (kernels/mutants/same-code.sh):
			 * no guest can tell it apart; not fuzzed */
	ADQ_STILLBORN,	/* it does not compile */
	ADQ_N_VERDICTS
};

const char *adequacy_verdict_name(enum adequacy_verdict v);

struct adequacy_mutant {
	char id[16];		/* m001 */
	char file[128];		/* arch/x86/kvm/mmu/mmu.c */
	unsigned line;
	char op[16];		/* negate, drop-call, relop, mask */
	char what[160];		/* "'<' -> '<='" */
	char before[256];	/* the line as it was, blanks trimmed (C escapes
				 * for backslashes and tabs, as in index.tsv) */
	char after[256];	/* the mutated line, the same way */
	enum adequacy_verdict verdict;
	double seconds;		/* to the killing finding, else fuzzed */
	unsigned long programs;
	char cls[32];		/* the first finding's class, "-" for none */
	int judged;		/* verdict holds something */
};

struct adequacy_opts {
	const char *baseline;	/* "baseline" or "6.12:baseline" */
	const char *cand;	/* a candidate: mutate the lines it changes */
	const char *reached;	/* else an lcov tracefile: sample lines it reached */
	unsigned mutants;	/* how many (default 60) */
	unsigned seed;		/* sampling seed (default 1) */
	unsigned seconds;	/* fuzzing budget per mutant (default 60) */
	int reach;		/* fuzz against [BASE:]baseline+cov and judge
				 * survivors whose line it never ran
				 * (--reached runs only) */
	int engine_afl;
	const char *corpus;
	const char *out;	/* the run's folder */
	/* Called after each mutant is judged (NULL: not); must not block. */
	void (*judged)(const struct adequacy_mutant *m, unsigned done, unsigned total, void *ctx);
	void *ctx;
};

#define ADQ_MAX_MUTANTS 1000

struct adequacy_result {
	unsigned n;		/* mutants in the run */
	struct adequacy_mutant m[ADQ_MAX_MUTANTS];
	unsigned count[ADQ_N_VERDICTS];
	int signo;		/* 0, or the stop signal that ended the run early */
};

void adequacy_opts_default(struct adequacy_opts *o);

/*
 * Make (or, on a rerun, reuse) the run's mutants, then build, compare and
 * fuzz every mutant results.tsv does not judge yet, in index order.  The
 * fuzzing campaigns are harness/campaign/fuzz.h's (stop requests included:
 * a stop ends the run after the campaign or build in flight, that mutant
 * unjudged, r->signo set, 0 returned).  A mutant whose run failed (test
 * VMs did not boot, engine error) is left unjudged and the run goes on;
 * the next rerun tries it again.
 * 0 with r filled (judged mutants have judged = 1), or -errno with the
 * reason in err: the mutants cannot be made, the reference does not
 * build, results.tsv is malformed (its file:line named), the folder
 * belongs to a run with other options.
 */
int adequacy_run(const struct adequacy_opts *o, struct adequacy_result *r, char *err, size_t errlen);

/*
 * Parse a results.tsv line into m (id and verdict fields; the mutant's
 * file, line and mutation come from the index).  0, or -EINVAL.
 */
int adequacy_parse_result(const char *line, struct adequacy_mutant *m);

/*
 * Did the lcov tracefile info hit file:line?  file (arch/x86/kvm/mmu/mmu.c)
 * matches an SF path that ends in "/" file.  1 hit (DA count > 0), 0 not
 * (or not instrumented), -errno when info cannot be read.
 */
int adequacy_line_hit(const char *info, const char *file, unsigned line);

/* Format m as a results.tsv line (with its newline) into buf. */
int adequacy_format_result(const struct adequacy_mutant *m, char *buf, size_t cap);

#endif /* MMUFUZZ_CAMPAIGN_ADEQUACY_H */
