// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz demo: the whole job in one command.
 *
 *   1. build the baseline and the candidate KVM modules (cached)
 *   2. fuzz baseline vs candidate with libFuzzer, seeded from a corpus
 *      that has NO program with two PDPTs on one page, until the first
 *      confirmed finding whose program puts two PDPTs on one page (other
 *      findings on the way are saved too), or the time budget
 *   3. minimize it on the same kernels
 *   4. write the reproducers and print the mailing-list report
 *
 *   mmufuzz demo [--candidate pae-root-rfc] [--time 900] [--engine libfuzzer|afl]
 *
 * Exit 0 when a finding was made and reproduced, 1 when the budget ran
 * out without one, 2 on error, 128+N when signal N (SIGTERM, SIGINT,
 * SIGHUP) stopped it (builds, engine and VMs gone, findings kept; a stop
 * while minimizing leaves the finding as fuzzing saved it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/core/stop.h"
#include "harness/campaign/fuzz.h"
#include "harness/campaign/minimize.h"
#include "harness/report/repro.h"
#include "harness/report/report.h"

static int build_variant(const char *name)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "kernels/variant-dir.sh %s >/dev/null", name);
	fprintf(stderr, "demo: kernel variant %s (built once, then cached) ...\n", name);
	st = fuzz_system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "demo: building kernel variant %s failed (see above)\n", name);
		return -1;
	}
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "candidate", required_argument, 0, 'c' }, { "time", required_argument, 0, 't' },
		{ "engine", required_argument, 0, 'e' },    { "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *cand = "pae-root-rfc";
	char kernels[256], dir[4096], repro_dir[4200], err[512];
	static struct program p;
	struct fuzz_opts fo;
	struct fuzz_stats st;
	struct diffrun_opts o = { .trace = 1 };
	struct diffrun_result *r;
	struct diffrun *dr;
	struct min_stats ms;
	enum diff_class cls;
	int c, ret;

	fuzz_opts_default(&fo);
	fo.seconds = 900;
	while ((c = getopt_long(argc, argv, "c:t:e:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': cand = optarg; break;
		case 't':
			if (cli_uint("mmufuzz demo", "time", optarg, 1, 86400 * 7, &fo.seconds))
				return 2;
			break;
		case 'e':
			if (!strcmp(optarg, "afl") || !strcmp(optarg, "afl++"))
				fo.engine_afl = 1;
			else if (strcmp(optarg, "libfuzzer")) {
				fprintf(stderr, "mmufuzz demo: unknown engine '%s' (libfuzzer, afl)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: mmufuzz demo [--candidate NAME] [--time S] [--engine libfuzzer|afl]\n"
			       "exit status: 0 finding reproduced, 1 none in the budget, 2 error, "
			       "128+N stopped by signal N\n");
			return 0;
		default: return 2;
		}
	}
	snprintf(kernels, sizeof(kernels), "baseline,%s", cand);
	cli_stop_catch();	/* builds, engine, VMs: all end on a stop request */
	if (build_variant("baseline") || build_variant(cand))
		return stop_requested() ? cli_stopped("demo") : 2;

	fo.kernels = kernels;
	fo.exclude_shared = 1;
	fo.stop_shared = 1;	/* past other findings, to the headline shape */
	fo.findings = "findings/demo";
	fprintf(stderr, "demo: fuzzing %s for up to %u s (seeds exclude two-PDPTs-on-one-page)\n",
		kernels, fo.seconds);
	ret = fuzz_run(&fo, &st, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "demo: the fuzzer could not run: %s\n", err);
		return 2;
	}
	cli_print_fuzz_stats(stdout, &fo, &st);
	if (st.signo) {
		printf("demo: stopped by SIG%s\n", sigabbrev_np(st.signo));
		return 128 + st.signo;
	}
	if (st.first_shared_s < 0)
		return 1;

	if (cli_load_target("demo", st.first_shared_path, &p, dir, sizeof(dir)))
		return 2;
	if (diffrun_open(&dr, kernels, &o))
		return stop_requested() ? cli_stopped("demo") : 2;
	fprintf(stderr, "demo: minimizing the finding in %s ...\n", dir);
	ret = minimize_finding(dr, &p, 400, 0, &cls, &ms, err, sizeof(err));
	if (ret == -EINTR) {	/* the finding is saved; `mmufuzz minimize` goes on */
		diffrun_close(dr);
		fprintf(stderr, "demo: minimizing %s\n", err);
		return cli_stopped("demo");
	}
	if (ret) {
		fprintf(stderr, "demo: minimizing failed: %s\n", err);
		diffrun_close(dr);
		return 2;
	}
	fprintf(stderr, "demo: minimized to %u ops (%u runs)\n", p.n_ops, ms.tries);
	r = diffrun_result_new();
	ret = r ? diffrun_run(dr, &p, r) : -1;
	diffrun_close(dr);
	if (ret) {
		diffrun_result_free(r);
		if (ret == -EINTR)
			return cli_stopped("demo");
		fprintf(stderr, "demo: re-running the minimized program failed\n");
		return 2;
	}
	snprintf(repro_dir, sizeof(repro_dir), "%s/repro", dir);
	if (repro_write_all(repro_dir, &p, r, kernels) < 0)
		return 2;
	printf("\n");
	report_mail(stdout, &p, r, kernels, "repro.mmu");
	printf("\nreproducers: %s\n", repro_dir);
	diffrun_result_free(r);
	return 0;
}
