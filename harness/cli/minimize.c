// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz minimize: shrink a finding to the smallest program that still
 * gets the same differential verdict class on the same kernels (and, for
 * a finding with two PDPTs on one page, keeps that shape: the signature).
 *
 *   mmufuzz minimize --kernel baseline,pae-root-rfc [--max-tries N]
 *                    [-o OUT.mmu] <finding-dir | prog.mmu>
 *
 * In a finding folder the result goes to minimized.mmu (a fresh name if
 * one exists: nothing saved is overwritten).  Exit 0 done, 1 the program
 * does not show a finding on these kernels, 2 error, 128+N when signal N
 * (SIGTERM, SIGINT, SIGHUP) stopped it.
 *
 * Stopped mid-way, it ends its test VMs, leaves the finding as it was,
 * and saves the smallest program found so far, where the finished one
 * would go, titled "partly minimized": every step to it was confirmed
 * as a finished search's are, so it is a reproducer, smaller than what
 * the folder had, and the next minimize of the folder starts from it
 * (cli_load_target prefers minimized.mmu) instead of from scratch.  If
 * nothing smaller was found yet, nothing is written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/campaign/minimize.h"
#include "harness/core/stop.h"
#include "harness/judge/diffrun.h"
#include "harness/search/minimize.h"
#include "harness/store/finding.h"

#define CMD "mmufuzz minimize"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz minimize --kernel BASE[,CAND] [--max-tries N] [--npt 0|1] "
		   "[--timeout MS] [-o OUT.mmu] <finding-dir | prog.mmu>\n"
		   "  --timeout MS  time limit of one program in a test VM (default 10000)\n");
}

int cmd_minimize(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, 0, 'k' }, { "max-tries", required_argument, 0, 'm' },
		{ "npt", required_argument, 0, 'n' },    { "output", required_argument, 0, 'o' },
		{ "verbose", no_argument, 0, 'v' },      { "help", no_argument, 0, 'h' },
		{ "timeout", required_argument, 0, 't' }, { 0 }
	};
	const char *kernels = "baseline,pae-root-rfc", *out = NULL;
	struct diffrun_opts o = { 0 };
	static struct program p, orig;
	char dir[4096], path[4096], err[256];
	unsigned max_tries = 400, npt;
	struct min_stats st;
	enum diff_class cls = DIFF_CLEAN;
	struct diffrun *dr;
	int c, ret;

	while ((c = getopt_long(argc, argv, "k:m:n:o:t:vh", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': kernels = optarg; break;
		case 'm':
			if (cli_uint(CMD, "max-tries", optarg, 1, UINT_MAX, &max_tries))
				return 2;
			break;
		case 'n':
			if (cli_uint(CMD, "npt", optarg, 0, 1, &npt))
				return 2;
			o.npt = (int)npt;
			break;
		case 't':
			if (cli_uint(CMD, "timeout", optarg, 100, 600000, &o.timeout_ms))
				return 2;
			break;
		case 'o': out = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (cli_load_target("mmufuzz minimize", argv[optind], &p, dir, sizeof(dir)))
		return 2;
	orig = p;
	o.trace = 1;
	cli_stop_catch();
	if (diffrun_open(&dr, kernels, &o))
		return stop_requested() ? cli_stopped("mmufuzz minimize") : 2;
	ret = minimize_finding(dr, &p, max_tries, o.verbose, &cls, &st, err, sizeof(err));
	diffrun_close(dr);
	if (ret == -EINTR) {
		fprintf(stderr, "mmufuzz minimize: %s\n", err);
		if (!st.kept) {
			fprintf(stderr, "mmufuzz minimize: nothing smaller found yet: nothing written\n");
			return cli_stopped("mmufuzz minimize");
		}
	} else if (ret == -ENOENT) {
		fprintf(stderr, "mmufuzz minimize: no finding on %s for this program\n", kernels);
		return 1;
	}
	if (ret && ret != -EINTR) {
		fprintf(stderr, "mmufuzz minimize: %s\n", err);
		return 2;
	}
	if (!out) {
		if (dir[0] && !finding_fresh_path(dir, "minimized.mmu", path, sizeof(path)))
			out = path;
	}
	fprintf(stderr, "mmufuzz minimize: %s%s: %u -> %u ops, %u -> %u initial stores "
			"(%u runs, %u kept, %u ill-formed candidates skipped)\n",
		ret ? "so far, " : "", diff_class_name(cls), orig.n_ops, p.n_ops, orig.n_init, p.n_init, st.tries, st.kept,
		st.ill_formed);
	if (out) {
		if (prog_save(out, &p, err, sizeof(err))) {
			fprintf(stderr, "mmufuzz minimize: %s\n", err);
			return 2;
		}
		fprintf(stderr, "mmufuzz minimize: wrote %s\n", out);
	}
	prog_print(stdout, &p);
	return ret ? cli_stopped("mmufuzz minimize") : 0;
}
