// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz fuzz: run a real engine (libFuzzer or AFL++) over programs on
 * the test VMs, seeded from the .mmu corpus.
 *
 *   mmufuzz fuzz --kernel baseline,pae-root-rfc [--engine libfuzzer|afl]
 *                [--time S] [--corpus DIR] [--findings DIR] [--work DIR]
 *                [--exclude-shared-pdpt] [--keep-going] [--npt 0|1] [--seed N]
 *                [--no-patch-coverage] [--no-directed] [--reset clean|warm]
 *
 * The engine binaries live next to this one (build/fuzz/).  Progress and
 * findings come back through the stats file the drivers append to
 * (fuzz/engine.h), which is also what the time-to-bug benchmark reads.
 * Exit: 0 no finding, 1 finding(s), 2 error, 128+N when signal N
 * (SIGTERM, SIGINT, SIGHUP) stopped the run: the engine and the test VMs
 * are gone by then, the findings saved so far are complete, and the
 * statistics are printed as after a normal end.
 *
 * Then, for each kernel with a patch, its patch coverage: the engine's
 * kept inputs replayed on the kernel's +cov twin (harness/campaign/
 * patchcov.h; the twin is built the first time, then cached), the line
 * "fuzz: NAME: patch lines reached: R/N; never reached: ..." and where
 * the HTML report is.  That step does not change the exit status; a
 * stop request during it ends it (128+N) with the fuzzing's results
 * already printed.
 *
 * A candidate named with "+cov" (KVM's edges as feedback) also gets
 * patch-directed scheduling (fuzz/directed.h): a share of the mutations
 * start from inputs that reached the patch's own code; the end says
 * "fuzz: patch sites reached while fuzzing: ...".  --no-directed turns
 * it off (the edge feedback stays).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/cli/cli.h"
#include "harness/campaign/fuzz.h"
#include "harness/campaign/patchcov.h"
#include "harness/cli/common.h"
#include "harness/core/stop.h"
#include "harness/program/prog.h"

#define CMD "mmufuzz fuzz"

static void fuzz_usage(FILE *f)
{
	fprintf(f,
		"usage: mmufuzz fuzz --kernel BASE[,CAND] [options]\n"
		"  --kernel K          kernels: one (judged alone) or baseline,candidate\n"
		"  --engine E          libfuzzer (default) or afl\n"
		"  --time S            stop after S seconds (0: at the first finding)\n"
		"  --corpus DIR        .mmu seeds (default corpus)\n"
		"  --findings DIR      where findings go (default findings)\n"
		"  --work DIR          engine state (default build/fuzz-work/<time>)\n"
		"  --exclude-shared-pdpt  drop seeds that load two PAE CR3s on one page\n"
		"  --keep-going        record findings and go on (default: stop at the first)\n"
		"  --stop-on-shared-pdpt  go on past other findings, stop at the first visible\n"
		"                      regression whose program has two PDPTs on one page\n"
		"  --npt N             kvm_amd npt= (default 0, shadow MMU)\n"
		"  --seed N            engine seed\n"
		"  --no-directed       with a +cov candidate: no patch-directed scheduling\n"
		"                      (mutations start only from the engine's own picks)\n"
		"  --reset R           clean (default): every run starts from a fresh memslot;\n"
		"                      warm: KVM's shadow pages stay, the guest rewrites its\n"
		"                      tables; every warm verdict is confirmed clean first\n"
		"  --no-patch-coverage  skip the end: replaying the kept inputs on each patched\n"
		"                      kernel's +cov build for its patch coverage line and report\n"
		"exit status: 0 no finding, 1 finding(s), 2 error, 128+N stopped by signal N\n"
		"  (SIGTERM/SIGINT/SIGHUP end the engine and its VMs; what was found is kept)\n");
}

void cli_print_fuzz_stats(FILE *f, const struct fuzz_opts *o, const struct fuzz_stats *st)
{
	fprintf(f, "fuzz: engine %s, kernels %s: %lu programs in %.1f s (%.1f programs/s)\n",
		o->engine_afl ? "afl++" : "libfuzzer", o->kernels, st->programs, st->seconds,
		st->seconds > 0 ? (double)st->programs / st->seconds : 0.0);
	if (st->findings)
		fprintf(f, "fuzz: %u finding(s); first: %s after %.1f s -> %s\n", st->findings,
			st->first_class, st->first_finding_s, st->first_path);
	else
		fprintf(f, "fuzz: no finding\n");
	if (st->first_shared_s >= 0)
		fprintf(f, "fuzz: first regression with two PDPTs on one page after %.1f s -> %s\n",
			st->first_shared_s, st->first_shared_path);
	if (st->directed[0])
		fprintf(f, "fuzz: %s\n", st->directed);
}

/* One kernel's end-of-campaign patch coverage (patchcov.h). */
static void print_patchcov(FILE *f, const struct patchcov_result *r)
{
	switch (r->state) {
	case PATCHCOV_MEASURED:
		fprintf(f, "fuzz: %s: %s\n", r->name, r->line);
		fprintf(f, "fuzz: %s: from %u of %u kept input(s) replayed on %s in %.0f s%s",
			r->name, r->replayed, r->inputs, r->cov, r->seconds,
			r->out_of_time ? " (the rest ran out of time)" : "");
		if (r->broke)
			fprintf(f, "; %u broke the architecture there", r->broke);
		if (r->deaths)
			fprintf(f, "; %u killed the test VM", r->deaths);
		fprintf(f, "\nfuzz: %s: coverage report %s\n", r->name, r->html);
		if (r->page[0])
			fprintf(f, "fuzz: %s: first changed line %s\n", r->name, r->page);
		break;
	case PATCHCOV_NO_PATCH:
		break;
	case PATCHCOV_FAILED:
	case PATCHCOV_STOPPED:
		fprintf(f, "fuzz: %s: patch coverage not measured: %s\n", r->name, r->why);
		break;
	}
}

int cmd_fuzz(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, 0, 'k' },   { "engine", required_argument, 0, 'e' },
		{ "time", required_argument, 0, 't' },     { "corpus", required_argument, 0, 'c' },
		{ "findings", required_argument, 0, 'f' }, { "work", required_argument, 0, 'w' },
		{ "exclude-shared-pdpt", no_argument, 0, 'x' }, { "keep-going", no_argument, 0, 'g' },
		{ "stop-on-shared-pdpt", no_argument, 0, 'S' },
		{ "npt", required_argument, 0, 'n' },      { "seed", required_argument, 0, 's' },
		{ "no-patch-coverage", no_argument, 0, 'P' },
		{ "no-directed", no_argument, 0, 'D' },
		{ "reset", required_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },           { 0 }
	};
	struct fuzz_opts o;
	struct fuzz_stats st;
	struct patchcov_result pc[4];
	char err[512];
	int c, ret, patchcov = 1, directed = 1, npc;

	fuzz_opts_default(&o);
	while ((c = getopt_long(argc, argv, "k:e:t:c:f:w:xgSn:s:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': o.kernels = optarg; break;
		case 'e':
			if (!strcmp(optarg, "afl") || !strcmp(optarg, "afl++"))
				o.engine_afl = 1;
			else if (strcmp(optarg, "libfuzzer")) {
				fprintf(stderr, "mmufuzz fuzz: unknown engine '%s' (libfuzzer, afl)\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (cli_uint(CMD, "time", optarg, 0, 86400 * 7, &o.seconds))
				return 2;
			break;
		case 'c': o.corpus = optarg; break;
		case 'f': o.findings = optarg; break;
		case 'w': o.work = optarg; break;
		case 'x': o.exclude_shared = 1; break;
		case 'g': o.keep_going = 1; break;
		case 'S': o.stop_shared = 1; break;
		case 'n':
			if (cli_uint(CMD, "npt", optarg, 0, 1, &o.npt))
				return 2;
			break;
		case 's':
			if (cli_uint(CMD, "seed", optarg, 0, UINT_MAX, &o.seed))
				return 2;
			break;
		case 'P': patchcov = 0; break;
		case 'D': directed = 0; break;
		case 'R':
			if (strcmp(optarg, "clean") && strcmp(optarg, "warm")) {
				fprintf(stderr, "mmufuzz fuzz: --reset '%s': clean or warm\n", optarg);
				return 2;
			}
			/* The engine reads it (fuzz/engine.c). */
			setenv("MMUFUZZ_RESET", optarg, 1);
			break;
		case 'h': fuzz_usage(stdout); return 0;
		default: fuzz_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fuzz_usage(stderr);
		return 2;
	}
	/* Caught for the whole command: the patch coverage step after the
	 * engine starts a build, a VM and report.sh, and a stop ends them. */
	cli_stop_catch();
	if (directed)
		o.prepare = patchcov_directed_prepare;
	ret = fuzz_run(&o, &st, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "mmufuzz fuzz: %s\n", err);
		return 2;
	}
	cli_print_fuzz_stats(stdout, &o, &st);
	if (st.signo) {
		printf("fuzz: stopped by SIG%s\n", sigabbrev_np(st.signo));
		return 128 + st.signo;
	}
	if (patchcov) {
		fflush(stdout);	/* the step takes a while: the stats first */
		npc = patchcov_after_fuzz(&o, &st, pc, (int)(sizeof(pc) / sizeof(pc[0])));
		for (int i = 0; i < npc; i++)
			print_patchcov(stdout, &pc[i]);
		if (stop_requested())
			return cli_stopped("mmufuzz fuzz");
	}
	return st.findings ? 1 : 0;
}
