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
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "harness/cli.h"
#include "harness/cli_common.h"
#include "harness/cli_fuzz.h"
#include "harness/cli_minimize.h"
#include "harness/repro.h"

#define MAX_FOLDERS 512

struct folder_set {
	unsigned n;
	char name[MAX_FOLDERS][160];
};

static void list_folders(const char *root, struct folder_set *s)
{
	DIR *d = opendir(root);
	struct dirent *de;

	s->n = 0;
	if (!d)
		return;
	while ((de = readdir(d)) && s->n < MAX_FOLDERS)
		if (de->d_name[0] != '.' && de->d_type == DT_DIR)
			snprintf(s->name[s->n++], sizeof(s->name[0]), "%s", de->d_name);
	closedir(d);
}

static int in_set(const struct folder_set *s, const char *name)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return 1;
	return 0;
}

/* Candidates = basenames of the .patch files in kernels/patches. */
static int default_candidates(char *out, size_t cap)
{
	DIR *d = opendir("kernels/patches");
	struct dirent *de;
	size_t len = 0;

	out[0] = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 6 && !strcmp(de->d_name + n - 6, ".patch"))
			len += (size_t)snprintf(out + len, cap - len, "%s%.*s", len ? "," : "",
						(int)(n - 6), de->d_name);
	}
	closedir(d);
	return len ? 0 : -ENOENT;
}

static uint64_t fnv64(const uint8_t *b, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* Convert the engine's queue into .mmu files under corpus/nightly. */
static unsigned merge_queue(const char *queue, const char *corpus, unsigned max)
{
	static struct program p;
	char dir[4096], path[4400], err[256];
	uint8_t buf[PROG_BIN_MAX];
	struct dirent *de;
	unsigned added = 0;
	DIR *d = opendir(queue);

	if (!d)
		return 0;
	snprintf(dir, sizeof(dir), "%s/nightly", corpus);
	mkdir(dir, 0755);
	while ((de = readdir(d)) && added < max) {
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", queue, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (prog_decode(buf, n, &p, err, sizeof(err)))
			continue;
		snprintf(path, sizeof(path), "%s/n-%016llx.mmu", dir, (unsigned long long)fnv64(buf, n));
		if (!access(path, F_OK))
			continue;	/* already merged on an earlier night */
		if (!prog_save(path, &p, err, sizeof(err)))
			added++;
	}
	closedir(d);
	return added;
}

int cmd_nightly(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "candidates", required_argument, 0, 'c' }, { "time", required_argument, 0, 't' },
		{ "corpus", required_argument, 0, 'C' },     { "findings", required_argument, 0, 'f' },
		{ "merge-max", required_argument, 0, 'm' },  { "help", no_argument, 0, 'h' },
		{ 0 }
	};
	char cands[1024] = "", *save = NULL, *cand, report_path[4096], kernels[256];
	const char *corpus = "corpus", *findings = "findings";
	unsigned seconds = 3600, merge_max = 50, n_cand = 0, new_findings = 0, merged = 0;
	static struct folder_set before, after;
	char *text = NULL;
	size_t tlen = 0;
	FILE *rep;
	int c, st, errors = 0;
	time_t now = time(NULL);
	struct tm tm;

	while ((c = getopt_long(argc, argv, "c:t:C:f:m:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': snprintf(cands, sizeof(cands), "%s", optarg); break;
		case 't': seconds = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'C': corpus = optarg; break;
		case 'f': findings = optarg; break;
		case 'm': merge_max = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'h':
			printf("usage: mmufuzz nightly [--candidates a,b] [--time S] [--corpus DIR] "
			       "[--findings DIR] [--merge-max N]\n");
			return 0;
		default: return 2;
		}
	}
	if (!cands[0] && default_candidates(cands, sizeof(cands))) {
		fprintf(stderr, "mmufuzz nightly: no candidate patches in kernels/patches\n");
		return 2;
	}
	st = system("make -s kernels");
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "mmufuzz nightly: make kernels failed\n");
		return 2;
	}
	for (const char *s = cands; *s; s++)
		n_cand += *s == ',';
	n_cand++;

	rep = open_memstream(&text, &tlen);
	gmtime_r(&now, &tm);
	fprintf(rep, "mmufuzz nightly %04d-%02d-%02d: %u candidate(s), %u s each\n\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, n_cand, seconds / n_cand);
	list_folders(findings, &before);
	for (cand = strtok_r(cands, ",", &save); cand; cand = strtok_r(NULL, ",", &save)) {
		struct fuzz_opts fo;
		struct fuzz_stats fs;
		char qdir[4200];

		fuzz_opts_default(&fo);
		snprintf(kernels, sizeof(kernels), "baseline,%s", cand);
		fo.kernels = kernels;
		fo.seconds = seconds / n_cand;
		fo.corpus = corpus;
		fo.findings = findings;
		fo.keep_going = 1;
		if (fuzz_run(&fo, &fs)) {
			fprintf(rep, "%s: the fuzzer could not run\n", kernels);
			errors++;
			continue;
		}
		fprintf(rep, "%s: %lu programs in %.0f s (%.1f/s), %u finding event(s)\n", kernels,
			fs.programs, fs.seconds, fs.seconds > 0 ? fs.programs / fs.seconds : 0.0,
			fs.findings);
		snprintf(qdir, sizeof(qdir), "%s/queue", fs.work);
		merged += merge_queue(qdir, corpus, merge_max);

		/* Minimize and write reproducers for what is new tonight. */
		list_folders(findings, &after);
		for (unsigned i = 0; i < after.n; i++) {
			static struct program p;
			char dir[4096], path[4400];
			struct diffrun_opts o = { .trace = 1, .findings_dir = findings };
			struct diffrun *dr;
			struct min_stats ms;
			enum diff_class cls;

			if (in_set(&before, after.name[i]))
				continue;
			snprintf(path, sizeof(path), "%s/%s", findings, after.name[i]);
			if (cli_load_target("nightly", path, &p, dir, sizeof(dir)) ||
			    diffrun_open(&dr, kernels, &o)) {
				errors++;
				continue;
			}
			if (!minimize_finding(dr, &p, 300, 0, &cls, &ms)) {
				struct diffrun_result *r = diffrun_result_new();
				char rdir[4200], err[256], mpath[4400];

				if (!cli_fresh_path(dir, "minimized.mmu", mpath, sizeof(mpath)))
					prog_save(mpath, &p, err, sizeof(err));
				snprintf(rdir, sizeof(rdir), "%s/repro", dir);
				if (r && !diffrun_run(dr, &p, r))
					repro_write_all(rdir, &p, r, kernels);
				diffrun_result_free(r);
				fprintf(rep, "  NEW %s: %s, minimized to %u ops -> %s\n", after.name[i],
					diff_class_name(cls), p.n_ops, rdir);
			} else {
				fprintf(rep, "  NEW %s: did not minimize (not reproducible?)\n",
					after.name[i]);
			}
			diffrun_close(dr);
			new_findings++;
		}
		before = after;
	}
	fprintf(rep, "\n%u new finding(s); %u program(s) merged into %s/nightly; %d error(s)\n",
		new_findings, merged, corpus, errors);
	fclose(rep);
	fputs(text, stdout);
	snprintf(report_path, sizeof(report_path), "nightly-%04d%02d%02d-%02d%02d.txt",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	{
		char out[4400];

		if (!repro_write_text(findings, report_path, text, tlen, out, sizeof(out)))
			fprintf(stderr, "mmufuzz nightly: report %s\n", out);
	}
	free(text);
	return errors ? 2 : new_findings ? 1 : 0;
}
