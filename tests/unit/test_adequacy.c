// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz adequacy's bookkeeping without a VM or a kernel build: the
 * results.tsv line format, the judging of stillborn and equivalent
 * mutants, resuming from results.tsv, refusing a malformed one by
 * file:line, and a stop request.  adequacy_run() calls kernels/mutants/
 * scripts relative to the working directory, so the test runs in a
 * scratch folder holding stand-ins for them (the real scripts have their
 * own tests: kernels/mutants/tests/unit.sh).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness/campaign/adequacy.h"
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "tests/check.h"

static struct adequacy_result res;

static void write_file(const char *path, const char *text, int exec)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	if (exec)
		chmod(path, 0755);
}

static int count_lines(const char *path, const char *needle)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !needle || strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static void test_format(void)
{
	struct adequacy_mutant m = { .id = "m007", .file = "arch/x86/kvm/x86.c", .line = 1234,
				     .op = "relop", .what = "'<' -> '<='", .verdict = ADQ_KILLED,
				     .seconds = 12.5, .programs = 300, .cls = "regression" };
	struct adequacy_mutant got;
	char buf[512];

	CHECK(!adequacy_format_result(&m, buf, sizeof(buf)), "format");
	CHECK(!strcmp(buf, "m007\tkilled\t12.5\t300\tregression\tarch/x86/kvm/x86.c:1234\trelop\t'<' -> '<='\n"),
	      "result line: %s", buf);
	memset(&got, 0, sizeof(got));
	CHECK(!adequacy_parse_result(buf, &got), "parse back");
	CHECK(!strcmp(got.id, "m007") && got.verdict == ADQ_KILLED && got.seconds == 12.5 &&
	      got.programs == 300 && !strcmp(got.cls, "regression") && got.judged,
	      "round trip: %s %d %.1f %lu %s", got.id, got.verdict, got.seconds, got.programs, got.cls);
	CHECK(adequacy_parse_result("m007\tdead\t1.0\t3\t-\n", &got) == -EINVAL, "unknown verdict refused");
	CHECK(adequacy_parse_result("m007\tkilled\tsoon\t3\t-\n", &got) == -EINVAL, "bad seconds refused");
	CHECK(adequacy_parse_result("m007 killed\n", &got) == -EINVAL, "short line refused");
	CHECK(adequacy_format_result(&m, buf, 10) == -ENOSPC, "a short buffer is an error, not a cut line");
	for (int v = 0; v < ADQ_N_VERDICTS; v++)
		CHECK(strcmp(adequacy_verdict_name(v), "?"), "verdict %d has a name", v);
}

static void test_line_hit(void)
{
	write_file("t.info", "TN:x\nSF:/t/tree/arch/x86/kvm/mmu/mmu.c\nDA:10,2\nDA:11,0\nend_of_record\n"
		   "SF:/t/xarch/x86/kvm/mmu/mmu.c\nDA:12,1\nend_of_record\n"
		   "SF:/t/tree/arch/x86/kvm/x86.c\nDA:11,1\nend_of_record\n", 0);
	CHECK(adequacy_line_hit("t.info", "arch/x86/kvm/mmu/mmu.c", 10) == 1, "a hit line");
	CHECK(adequacy_line_hit("t.info", "arch/x86/kvm/mmu/mmu.c", 11) == 0,
	      "a line with count 0 (x86.c's line 11 is another file's)");
	CHECK(adequacy_line_hit("t.info", "arch/x86/kvm/mmu/mmu.c", 12) == 0,
	      "xarch/.../mmu.c is not arch/.../mmu.c: the path matches at a /");
	CHECK(adequacy_line_hit("t.info", "arch/x86/kvm/mmu/mmu.c", 99) == 0, "a line not in the file");
	CHECK(adequacy_line_hit("none.info", "arch/x86/kvm/x86.c", 1) == -ENOENT, "no tracefile");
}

/* The stand-in scripts: three mutants; m002 does not compile; every
 * other one builds to the reference's code (so nothing is fuzzed). */
static void make_stubs(void)
{
	mkdir("kernels", 0755);
	mkdir("kernels/mutants", 0755);
	write_file("kernels/mutants/prepare.sh",
		   "#!/bin/sh\n"
		   "out=$(eval echo \\${$#})\n"
		   "[ -f \"$out/index.tsv\" ] && exit 0\n"
		   "printf 'm001\\ta.c\\t10\\tnegate\\tcondition negated\\t\\\\tif (a)\\t\\\\t\\\\tif (!(a)) \\n"
		   "m002\\ta.c\\t20\\trelop\\t< -> <=\\tx\\ty\\n"
		   "m003\\tb.c\\t30\\tmask\\t0x3 -> 0x2\\tx\\ty\\n' > \"$out/index.tsv\"\n", 1);
	write_file("kernels/mutants/build.sh",
		   "#!/bin/sh\n"
		   "echo \"$1\" >> builds.log\n"
		   "case $1 in *m002.patch) exit 4 ;; esac\n"
		   "mkdir -p \"$2\"\n", 1);
	write_file("kernels/mutants/same-code.sh", "#!/bin/sh\nexit 0\n", 1);
}

static void test_run(void)
{
	struct adequacy_opts o;
	char err[512];
	int ret;

	adequacy_opts_default(&o);
	o.reached = "reached.info";
	o.out = "run";
	o.mutants = 3;
	ret = adequacy_run(&o, &res, err, sizeof(err));
	CHECK(!ret, "adequacy_run: %s", ret ? err : "");
	CHECK(res.n == 3, "3 mutants, got %u", res.n);
	CHECK(res.count[ADQ_STILLBORN] == 1 && res.count[ADQ_EQUIVALENT] == 2 && !res.count[ADQ_KILLED],
	      "1 stillborn, 2 equivalent: %u %u %u", res.count[ADQ_STILLBORN], res.count[ADQ_EQUIVALENT],
	      res.count[ADQ_KILLED]);
	CHECK(!strcmp(res.m[0].before, "if (a)") && !strcmp(res.m[0].after, "if (!(a))"),
	      "the line before and after, blanks trimmed: '%s' '%s'", res.m[0].before, res.m[0].after);
	CHECK(res.m[1].verdict == ADQ_STILLBORN && !strcmp(res.m[1].file, "a.c") && res.m[1].line == 20,
	      "m002 stillborn at a.c:20");
	CHECK(count_lines("run/results.tsv", "\tequivalent\t") == 2 &&
	      count_lines("run/results.tsv", "m002\tstillborn\t") == 1, "results.tsv holds the verdicts");
	/* ref + 3 mutants */
	CHECK(count_lines("builds.log", NULL) == 4, "4 builds, got %d", count_lines("builds.log", NULL));

	/* A rerun builds nothing: every mutant is judged in results.tsv. */
	memset(&res, 0, sizeof(res));
	ret = adequacy_run(&o, &res, err, sizeof(err));
	CHECK(!ret && res.count[ADQ_STILLBORN] == 1 && res.count[ADQ_EQUIVALENT] == 2,
	      "rerun: the same verdicts from results.tsv");
	CHECK(count_lines("builds.log", NULL) == 4, "rerun: no build, got %d", count_lines("builds.log", NULL) - 4);

	/* A rerun after losing m003's line redoes m003 only. */
	write_file("run/results.tsv", "# id\tverdict\n"
		   "m001\tequivalent\t0.0\t0\t-\ta.c:10\tnegate\tcondition negated\n"
		   "m002\tstillborn\t0.0\t0\t-\ta.c:20\trelop\t< -> <=\n", 0);
	ret = adequacy_run(&o, &res, err, sizeof(err));
	CHECK(!ret && count_lines("builds.log", NULL) == 5 && count_lines("builds.log", "m003.patch") == 2,
	      "resume: only m003 built again");

	/* A malformed results.tsv is refused by file:line, and kept. */
	write_file("run/results.tsv", "m001\tequivalent\t0.0\t0\t-\ta.c:10\tnegate\tx\nm002 garbage\n", 0);
	ret = adequacy_run(&o, &res, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "run/results.tsv:2:"), "malformed results: %d %s", ret, err);
	CHECK(count_lines("run/results.tsv", NULL) == 2, "the malformed file is left as it was");
	write_file("run/results.tsv", "m009\tkilled\t1.0\t5\tregression\tc.c:1\tnegate\tx\n", 0);
	ret = adequacy_run(&o, &res, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "'m009' is not in the run's index"), "unknown id: %s", err);

	/* Neither or both of a candidate and a tracefile: refused. */
	o.cand = "pae-root-slot";
	CHECK(adequacy_run(&o, &res, err, sizeof(err)) == -EINVAL, "candidate and tracefile refused");
	o.cand = NULL;
	o.reached = NULL;
	CHECK(adequacy_run(&o, &res, err, sizeof(err)) == -EINVAL, "neither refused");
	o.reached = "it's.info";
	CHECK(adequacy_run(&o, &res, err, sizeof(err)) == -EINVAL && strstr(err, "single quote"),
	      "a quote in a path refused: %s", err);

	/* A stop request before the run: nothing is built, signo says it. */
	{
		struct stop_saved old;

		o.reached = "reached.info";
		unlink("run/results.tsv");
		stop_catch(&old);
		raise(SIGTERM);
		memset(&res, 0, sizeof(res));
		ret = adequacy_run(&o, &res, err, sizeof(err));
		CHECK(!ret && res.signo == SIGTERM, "stopped run: ret %d signo %d", ret, res.signo);
		CHECK(count_lines("builds.log", NULL) == 5, "stopped run: no build");
		CHECK(access("run/results.tsv", F_OK), "stopped run: no verdict written");
		stop_release(&old);
	}
}

int main(void)
{
	char dir[] = "/tmp/mmufuzz-adequacy-XXXXXX", cmd[64];

	say_set_sink(check_say, NULL);
	test_format();
	if (!mkdtemp(dir) || chdir(dir)) {
		perror(dir);
		return 2;
	}
	test_line_hit();
	make_stubs();
	test_run();
	if (!chdir("/")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return check_summary("adequacy");
}
