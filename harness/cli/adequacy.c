// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz adequacy: would mmufuzz notice if these KVM lines were wrong?
 *
 *   mmufuzz adequacy --kernel baseline,CAND [options]     CAND's changed lines
 *   mmufuzz adequacy --kernel baseline --reached FILE.info [options]
 *                                            lines a coverage run reached
 *
 * Arguments and printing only; the run is harness/campaign/adequacy.c's.
 * Exit: 0 the run is complete, 1 some mutants are left unjudged (a
 * campaign failed; rerun to retry them), 2 usage or error, 128+N when
 * signal N stopped it (the verdicts so far are in OUT/results.tsv; the
 * same command resumes).
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/campaign/adequacy.h"
#include "harness/cli/cli.h"
#include "harness/cli/common.h"

#define CMD "mmufuzz adequacy"

static void adequacy_usage(FILE *f)
{
	fprintf(f,
		"usage: mmufuzz adequacy --kernel BASELINE,CAND [options]\n"
		"       mmufuzz adequacy --kernel BASELINE --reached FILE.info [options]\n"
		"  --kernel K        [BASE:]baseline, and the candidate whose changed lines are\n"
		"                    mutated (each mutant: the candidate plus one mutation)\n"
		"  --reached FILE    an lcov tracefile of a +cov run (kernels/cov/lcov.sh):\n"
		"                    mutate reached lines of mmu.c, paging_tmpl.h, x86.c's CR paths\n"
		"  --mutants N       how many mutants (default 60; one per sampled line)\n"
		"  --seed N          sampling seed (default 1), also the engine's\n"
		"  --time S          fuzzing budget per mutant (default 60); a finding kills it\n"
		"  --reach           (with --reached) fuzz against BASELINE+cov and call a survivor\n"
		"                    whose line the baseline never ran 'unreached'\n"
		"  --engine E        libfuzzer (default) or afl\n"
		"  --corpus DIR      .mmu seeds (default corpus)\n"
		"  --out DIR         the run's folder (default build/adequacy/<candidate or 'reached'>);\n"
		"                    a rerun with the same options resumes from its results.tsv\n"
		"exit status: 0 done, 1 some mutants unjudged (rerun), 2 error, 128+N stopped by signal N\n");
}

static void on_judged(const struct adequacy_mutant *m, unsigned done, unsigned total, void *ctx)
{
	printf("adequacy: [%u/%u] %s %s:%u %s (%s): %s", done, total, m->id, m->file, m->line, m->op,
	       m->what, adequacy_verdict_name(m->verdict));
	if (m->verdict == ADQ_KILLED)
		printf(" by a %s finding after %.1f s, %lu programs", m->cls, m->seconds, m->programs);
	else if (m->verdict == ADQ_SURVIVED || m->verdict == ADQ_UNREACHED)
		printf(" (%lu programs in %.0f s)", m->programs, m->seconds);
	printf("\n");
	fflush(stdout);
}

static void rate(const char *what, unsigned killed, unsigned of)
{
	if (of)
		printf("adequacy: kill rate %s: %u/%u = %.0f%%\n", what, killed, of, 100.0 * killed / of);
	else
		printf("adequacy: kill rate %s: -/0\n", what);
}

static void print_summary(const struct adequacy_result *r)
{
	const unsigned *c = r->count;
	unsigned judged = 0, live;

	for (int v = 0; v < ADQ_N_VERDICTS; v++)
		judged += c[v];
	printf("adequacy: %u mutant(s), %u judged: %u killed, %u survived, %u unreached, "
	       "%u equivalent (same code), %u stillborn\n", r->n, judged, c[ADQ_KILLED],
	       c[ADQ_SURVIVED], c[ADQ_UNREACHED], c[ADQ_EQUIVALENT], c[ADQ_STILLBORN]);
	live = judged - c[ADQ_STILLBORN];
	rate("over mutants that compile", c[ADQ_KILLED], live);
	rate("over non-equivalent mutants", c[ADQ_KILLED], live - c[ADQ_EQUIVALENT]);
	if (c[ADQ_UNREACHED])
		rate("over non-equivalent mutants the run reached", c[ADQ_KILLED],
		     live - c[ADQ_EQUIVALENT] - c[ADQ_UNREACHED]);
	for (unsigned i = 0; i < r->n; i++) {
		const struct adequacy_mutant *m = &r->m[i];

		if (m->judged && (m->verdict == ADQ_SURVIVED || m->verdict == ADQ_UNREACHED))
			printf("adequacy: %s %s:%u: %s (%s)%s\n    - %s\n    + %s\n",
			       m->verdict == ADQ_SURVIVED ? "SURVIVED" : "unreached", m->file, m->line,
			       m->op, m->what, m->cls[0] && strcmp(m->cls, "-") ?
			       " -- only a pre-existing finding" : "", m->before, m->after);
	}
}

int cmd_adequacy(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, 0, 'k' },  { "reached", required_argument, 0, 'r' },
		{ "mutants", required_argument, 0, 'n' }, { "seed", required_argument, 0, 's' },
		{ "time", required_argument, 0, 't' },	  { "reach", no_argument, 0, 'R' },
		{ "engine", required_argument, 0, 'e' },  { "corpus", required_argument, 0, 'c' },
		{ "out", required_argument, 0, 'o' },	  { "help", no_argument, 0, 'h' },
		{ 0 }
	};
	static struct adequacy_result res;	/* about 400 KiB */
	struct adequacy_opts o;
	char kernels[512], out[PATH_MAX], err[1024], *comma;
	const char *kopt = NULL;
	unsigned unjudged;
	int c, ret;

	adequacy_opts_default(&o);
	while ((c = getopt_long(argc, argv, "k:r:n:s:t:Re:c:o:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': kopt = optarg; break;
		case 'r': o.reached = optarg; break;
		case 'n':
			if (cli_uint(CMD, "mutants", optarg, 1, ADQ_MAX_MUTANTS, &o.mutants))
				return 2;
			break;
		case 's':
			if (cli_uint(CMD, "seed", optarg, 0, 2147483646, &o.seed))
				return 2;
			break;
		case 't':
			if (cli_uint(CMD, "time", optarg, 1, 86400, &o.seconds))
				return 2;
			break;
		case 'R': o.reach = 1; break;
		case 'e':
			if (!strcmp(optarg, "afl") || !strcmp(optarg, "afl++"))
				o.engine_afl = 1;
			else if (strcmp(optarg, "libfuzzer")) {
				fprintf(stderr, CMD ": unknown engine '%s' (libfuzzer, afl)\n", optarg);
				return 2;
			}
			break;
		case 'c': o.corpus = optarg; break;
		case 'o': o.out = optarg; break;
		case 'h': adequacy_usage(stdout); return 0;
		default: adequacy_usage(stderr); return 2;
		}
	}
	if (optind != argc || !kopt) {
		adequacy_usage(stderr);
		return 2;
	}
	if (snprintf(kernels, sizeof(kernels), "%s", kopt) >= (int)sizeof(kernels)) {
		fprintf(stderr, CMD ": --kernel: too long\n");
		return 2;
	}
	comma = strchr(kernels, ',');
	if (comma) {
		*comma = 0;
		o.cand = comma + 1;
		if (!*o.cand || strchr(o.cand, ',')) {
			fprintf(stderr, CMD ": --kernel '%s': expected BASELINE or BASELINE,CAND\n", kopt);
			return 2;
		}
	}
	o.baseline = kernels;
	if (!o.cand == !o.reached) {
		fprintf(stderr, CMD ": give a candidate (--kernel BASELINE,CAND) or --reached FILE.info, "
			"not %s\n", o.cand ? "both" : "neither");
		return 2;
	}
	if (o.reach && !o.reached) {
		fprintf(stderr, CMD ": --reach needs --reached (a candidate's lines are not in the "
			"baseline's coverage)\n");
		return 2;
	}
	if (!o.out) {
		const char *name = o.cand ? strrchr(o.cand, '/') : NULL;

		name = name ? name + 1 : o.cand ? o.cand : "reached";
		snprintf(out, sizeof(out), "build/adequacy/%.200s", name);
		for (char *p = out + strlen("build/adequacy/"); *p; p++)
			if (*p == ':')
				*p = '-';
		o.out = out;
	}
	o.judged = on_judged;
	cli_stop_catch();
	printf("adequacy: %s, %u mutant(s) of %s, %u s each, results in %s/results.tsv\n",
	       kopt, o.mutants, o.cand ? "the candidate's changed lines" : o.reached, o.seconds, o.out);
	fflush(stdout);
	ret = adequacy_run(&o, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, CMD ": %s\n", err);
		return 2;
	}
	print_summary(&res);
	if (res.signo) {
		printf("adequacy: stopped by SIG%s; the same command resumes\n", sigabbrev_np(res.signo));
		return 128 + res.signo;
	}
	unjudged = res.n;
	for (int v = 0; v < ADQ_N_VERDICTS; v++)
		unjudged -= res.count[v];
	if (unjudged)
		printf("adequacy: %u mutant(s) left unjudged (see the messages above); rerun to retry\n",
		       unjudged);
	return unjudged ? 1 : 0;
}
