// SPDX-License-Identifier: GPL-2.0
/* One night of CI (see nightly.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/campaign/fuzz.h"
#include "harness/campaign/minimize.h"
#include "harness/campaign/nightly.h"
#include "harness/program/prog.h"
#include "harness/report/repro.h"
#include "harness/store/finding.h"

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

int nightly_run(const struct nightly_opts *o, FILE *rep, struct nightly_stats *ns,
		char *err, size_t errlen)
{
	char cands[1024] = "", *save = NULL, *cand, kernels[256];
	static struct folder_set before, after;
	struct tm tm;
	int st;

	memset(ns, 0, sizeof(*ns));
	if (o->candidates)
		snprintf(cands, sizeof(cands), "%s", o->candidates);
	if (!cands[0] && default_candidates(cands, sizeof(cands))) {
		snprintf(err, errlen, "no candidate patches in kernels/patches");
		return -ENOENT;
	}
	st = fuzz_system("make -s kernels");
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "make kernels failed");
		return -ECHILD;
	}
	for (const char *s = cands; *s; s++)
		ns->candidates += *s == ',';
	ns->candidates++;

	gmtime_r(&o->now, &tm);
	fprintf(rep, "mmufuzz nightly %04d-%02d-%02d: %u candidate(s), %u s each\n\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, ns->candidates,
		o->seconds / ns->candidates);
	list_folders(o->findings, &before);
	for (cand = strtok_r(cands, ",", &save); cand; cand = strtok_r(NULL, ",", &save)) {
		struct fuzz_opts fo;
		struct fuzz_stats fs;
		char qdir[4200], ferr[512];

		fuzz_opts_default(&fo);
		snprintf(kernels, sizeof(kernels), "baseline,%s", cand);
		fo.kernels = kernels;
		fo.seconds = o->seconds / ns->candidates;
		fo.corpus = o->corpus;
		fo.findings = o->findings;
		fo.keep_going = 1;
		if (fuzz_run(&fo, &fs, ferr, sizeof(ferr))) {
			fprintf(rep, "%s: the fuzzer could not run: %s\n", kernels, ferr);
			ns->errors++;
			continue;
		}
		fprintf(rep, "%s: %lu programs in %.0f s (%.1f/s), %u finding event(s)\n", kernels,
			fs.programs, fs.seconds, fs.seconds > 0 ? fs.programs / fs.seconds : 0.0,
			fs.findings);
		if (fs.signo) {
			ns->signo = fs.signo;
			fprintf(rep, "stopped by SIG%s: the findings so far are saved, not minimized\n",
				sigabbrev_np(fs.signo));
			break;
		}
		snprintf(qdir, sizeof(qdir), "%s/queue", fs.work);
		ns->merged += merge_queue(qdir, o->corpus, o->merge_max);

		/* Minimize and write reproducers for what is new tonight. */
		list_folders(o->findings, &after);
		for (unsigned i = 0; i < after.n; i++) {
			static struct program p;
			char dir[4096], path[4400], lerr[512];
			struct diffrun_opts dro = { .trace = 1, .findings_dir = o->findings };
			struct diffrun *dr;
			struct min_stats ms;
			enum diff_class cls;

			if (in_set(&before, after.name[i]))
				continue;
			snprintf(path, sizeof(path), "%s/%s", o->findings, after.name[i]);
			if (finding_load(path, &p, dir, sizeof(dir), lerr, sizeof(lerr))) {
				fprintf(rep, "  NEW %s: cannot load: %s\n", after.name[i], lerr);
				ns->errors++;
				continue;
			}
			if (diffrun_open(&dr, kernels, &dro)) {
				ns->errors++;
				continue;
			}
			if (!minimize_finding(dr, &p, 300, 0, &cls, &ms, lerr, sizeof(lerr))) {
				struct diffrun_result *r = diffrun_result_new();
				char rdir[4200], serr[256], mpath[4400];

				if (!finding_fresh_path(dir, "minimized.mmu", mpath, sizeof(mpath)))
					prog_save(mpath, &p, serr, sizeof(serr));
				snprintf(rdir, sizeof(rdir), "%s/repro", dir);
				if (r && !diffrun_run(dr, &p, r))
					repro_write_all(rdir, &p, r, kernels);
				diffrun_result_free(r);
				fprintf(rep, "  NEW %s: %s, minimized to %u ops -> %s\n", after.name[i],
					diff_class_name(cls), p.n_ops, rdir);
			} else {
				fprintf(rep, "  NEW %s: did not minimize (%s)\n", after.name[i], lerr);
			}
			diffrun_close(dr);
			ns->new_findings++;
		}
		before = after;
	}
	fprintf(rep, "\n%u new finding(s); %u program(s) merged into %s/nightly; %d error(s)\n",
		ns->new_findings, ns->merged, o->corpus, ns->errors);
	return 0;
}
