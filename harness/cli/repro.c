// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz repro: write the reproducers of a finding (see repro.h).
 *
 *   mmufuzz repro [--kernel baseline,cand] [--no-run] [-o DIR] <finding-dir | prog.mmu>
 *
 * The program is run on the kernels first so the report shows what each
 * one did (--no-run: expectations only).  DIR defaults to <finding>/repro
 * or ./repro.  Exit 0, 2 on error, 128+N when signal N (SIGTERM, SIGINT,
 * SIGHUP) stopped it: the test VMs are gone then, and a stop before the
 * run is over writes no reproducer (one from half a run would be wrong).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/core/stop.h"
#include "harness/report/repro.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz repro [--kernel BASE,CAND] [--no-run] [--npt 0|1] "
		   "[--timeout MS] [-o DIR] <finding-dir | prog.mmu>\n"
		   "  --timeout MS  time limit of the program in a test VM (default 10000)\n");
}

int cmd_repro(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, 0, 'k' }, { "no-run", no_argument, 0, 'r' },
		{ "npt", required_argument, 0, 'n' },    { "output", required_argument, 0, 'o' },
		{ "help", no_argument, 0, 'h' },         { "timeout", required_argument, 0, 't' },
		{ 0 }
	};
	const char *kernels = "baseline,pae-root-rfc", *out = NULL;
	struct diffrun_opts o = { .trace = 1 };
	struct diffrun_result *r = NULL;
	static struct program p;
	char dir[4096], outdir[4200];
	int c, no_run = 0, ret;
	unsigned npt;

	while ((c = getopt_long(argc, argv, "k:rn:o:t:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': kernels = optarg; break;
		case 'r': no_run = 1; break;
		case 'n':
			if (cli_uint("mmufuzz repro", "npt", optarg, 0, 1, &npt))
				return 2;
			o.npt = (int)npt;
			break;
		case 'o': out = optarg; break;
		case 't':
			if (cli_uint("mmufuzz repro", "timeout", optarg, 100, 600000, &o.timeout_ms))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (cli_load_target("mmufuzz repro", argv[optind], &p, dir, sizeof(dir)))
		return 2;
	if (!out) {
		snprintf(outdir, sizeof(outdir), "%s%srepro", dir, dir[0] ? "/" : "");
		out = outdir;
	}
	if (!no_run) {
		struct diffrun *dr;

		cli_stop_catch();
		r = diffrun_result_new();
		if (!r || diffrun_open(&dr, kernels, &o)) {
			diffrun_result_free(r);
			return stop_requested() ? cli_stopped("mmufuzz repro") : 2;
		}
		ret = diffrun_run(dr, &p, r);
		diffrun_close(dr);
		if (ret == -EINTR) {
			diffrun_result_free(r);
			return cli_stopped("mmufuzz repro");
		}
		if (ret) {
			fprintf(stderr, "mmufuzz repro: %s\n", r->diff.why);
			diffrun_result_free(r);
			return 2;
		}
	}
	/* (A stop request that comes now waits: the files are written whole.) */
	ret = repro_write_all(out, &p, r, kernels);
	diffrun_result_free(r);
	if (ret >= 0 && stop_requested())
		return cli_stopped("mmufuzz repro");
	return ret < 0 ? 2 : 0;
}
