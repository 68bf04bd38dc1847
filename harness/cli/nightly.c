// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz nightly: what CI runs every night.
 *
 *   mmufuzz nightly [--candidates a,b] [--time S] [--corpus DIR]
 *                   [--findings DIR] [--merge-max N]
 *
 *   1. make kernels (cached by input hash)
 *   2. per candidate (default: every .patch in kernels/patches), fuzz
 *      baseline vs candidate with --keep-going for its share of the time
 *   3. every finding folder that is new tonight: minimize + reproducers
 *   4. merge what the engine kept into <corpus>/nightly/ as .mmu (named by
 *      content hash; at most N per candidate; existing files untouched)
 *   5. write <findings>/nightly-<date>.txt and print it
 * Exit: 0 no new finding, 1 new findings (CI marks the night red), 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness/cli/cli.h"
#include "harness/campaign/nightly.h"
#include "harness/report/repro.h"

int cmd_nightly(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "candidates", required_argument, 0, 'c' }, { "time", required_argument, 0, 't' },
		{ "corpus", required_argument, 0, 'C' },     { "findings", required_argument, 0, 'f' },
		{ "merge-max", required_argument, 0, 'm' },  { "help", no_argument, 0, 'h' },
		{ 0 }
	};
	struct nightly_opts o = {
		.seconds = 3600, .corpus = "corpus", .findings = "findings", .merge_max = 50,
		.now = time(NULL),
	};
	struct nightly_stats ns;
	char report_path[4096], out[4400], err[256];
	char *text = NULL;
	size_t tlen = 0;
	FILE *rep;
	struct tm tm;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:t:C:f:m:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.candidates = optarg; break;
		case 't': o.seconds = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'C': o.corpus = optarg; break;
		case 'f': o.findings = optarg; break;
		case 'm': o.merge_max = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'h':
			printf("usage: mmufuzz nightly [--candidates a,b] [--time S] [--corpus DIR] "
			       "[--findings DIR] [--merge-max N]\n"
			       "exit status: 0 nothing new, 1 new finding(s), 2 error, 128+N "
			       "stopped by signal N\n");
			return 0;
		default: return 2;
		}
	}
	rep = open_memstream(&text, &tlen);
	if (!rep) {
		fprintf(stderr, "mmufuzz nightly: %s\n", strerror(errno));
		return 2;
	}
	ret = nightly_run(&o, rep, &ns, err, sizeof(err));
	fclose(rep);
	if (ret) {
		fprintf(stderr, "mmufuzz nightly: %s\n", err);
		free(text);
		return 2;
	}
	fputs(text, stdout);
	gmtime_r(&o.now, &tm);
	snprintf(report_path, sizeof(report_path), "nightly-%04d%02d%02d-%02d%02d.txt",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	if (!repro_write_text(o.findings, report_path, text, tlen, out, sizeof(out)))
		fprintf(stderr, "mmufuzz nightly: report %s\n", out);
	free(text);
	if (ns.signo)
		return 128 + ns.signo;
	return ns.errors ? 2 : ns.new_findings ? 1 : 0;
}
