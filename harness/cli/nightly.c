// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz nightly: what CI runs every night (harness/campaign/nightly.h).
 *
 *   mmufuzz nightly [--candidates a,b] [--time S] [--corpus DIR]
 *                   [--findings DIR] [--merge-max N]
 *
 * The report (Markdown) goes to stdout and <findings>/nightly-<date>.md;
 * progress goes to stderr (a line rewritten in place on a terminal).
 * Exit: 0 nothing new, 1 new finding(s), 2 harness failure, 128+N
 * stopped by signal N (nightly_exit_status()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/campaign/nightly.h"
#include "harness/core/stop.h"
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
		.now = time(NULL), .progress = stderr, .progress_tty = isatty(2),
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
		case 't':
			if (cli_uint("mmufuzz nightly", "time", optarg, 1, 86400 * 7, &o.seconds))
				return 2;
			break;
		case 'C': o.corpus = optarg; break;
		case 'f': o.findings = optarg; break;
		case 'm':
			if (cli_uint("mmufuzz nightly", "merge-max", optarg, 0, UINT_MAX, &o.merge_max))
				return 2;
			break;
		case 'h':
			printf("usage: mmufuzz nightly [--candidates a,b] [--time S] [--corpus DIR] "
			       "[--findings DIR] [--merge-max N]\n"
			       "  One night: build baseline and the candidates, per candidate fuzz, "
			       "replay the corpus\n"
			       "  against corpus/expected/, minimize and group what is new, write "
			       "the reproducers,\n"
			       "  measure each patch's coverage (on its +cov build, with 150 s or "
			       "more per candidate)\n"
			       "  and write the report; all within --time S (default 3600) seconds.\n"
			       "exit status:\n"
			       "  0  nothing new (no harness failure either)\n"
			       "  1  new finding(s): groups no earlier night in --findings reported\n"
			       "  2  harness failure: a variant did not build, a candidate could not "
			       "fuzz,\n"
			       "     a corpus/expected file is malformed, the disk is full, or a "
			       "step failed\n"
			       "     on a night with nothing new (never looks clean)\n"
			       "  128+N  stopped by signal N\n");
			return 0;
		default: return 2;
		}
	}
	rep = open_memstream(&text, &tlen);
	if (!rep) {
		fprintf(stderr, "mmufuzz nightly: %s\n", strerror(errno));
		return 2;
	}
	cli_stop_catch();	/* builds, engine, VMs, triage: all end on a stop request */
	ret = nightly_run(&o, rep, &ns, err, sizeof(err));
	fclose(rep);
	if (ret) {
		free(text);
		/* A stop during the builds: the build says it failed, the
		 * stop is why. */
		if (stop_requested())
			return cli_stopped("mmufuzz nightly");
		fprintf(stderr, "mmufuzz nightly: %s\n", err);
		return 2;
	}
	fputs(text, stdout);
	gmtime_r(&o.now, &tm);
	snprintf(report_path, sizeof(report_path), "nightly-%04d%02d%02d-%02d%02d.md",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	ret = repro_write_text(o.findings, report_path, text, tlen, out, sizeof(out));
	if (!ret) {
		fprintf(stderr, "mmufuzz nightly: report %s\n", out);
		strcpy(report_path + strlen(report_path) - 3, ".html");
		ret = nightly_write_html(o.findings, text, tlen, report_path, out, sizeof(out));
		if (!ret)
			fprintf(stderr, "mmufuzz nightly: report %s\n", out);
	}
	if (!ret) {
	} else {
		fprintf(stderr, "mmufuzz nightly: the report could not be saved in %s: %s\n",
			o.findings, strerror(-ret));
		if (ret == -ENOSPC)
			ns.disk_full = 1;
		else
			ns.errors++;
	}
	free(text);
	if (ns.disk_full)
		fprintf(stderr, "mmufuzz nightly: stopped: the disk is full\n");
	if (ns.signo)
		fprintf(stderr, "mmufuzz nightly: stopped by SIG%s: nothing of tonight is committed; "
			"the next night triages what it saved\n", sigabbrev_np(ns.signo));
	return nightly_exit_status(&ns);
}
