// SPDX-License-Identifier: GPL-2.0
/* One night of CI (see nightly.h): the phases and their deadlines. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/campaign/fuzz.h"
#include "harness/campaign/minimize.h"
#include "harness/campaign/nightly.h"
#include "harness/campaign/patchcov.h"
#include "harness/core/stop.h"
#include "harness/campaign/nightly_int.h"
#include "harness/program/prog.h"
#include "harness/store/finding.h"
#include "harness/vm/vmclient.h"

/*
 * Budget shares, measured on the loaded 2-core TCG host: a pair of test
 * VMs boots in 10-25 s; replaying the 31-program corpus takes a few
 * seconds; minimizing one finding 10-60 s.  Fuzzing gets FUZZ_SHARE of a
 * candidate's slot, the triage session the rest.
 */
#define FUZZ_SHARE	0.45
#define FUZZ_MIN_S	10
#define BOOT_EST_S	25
#define END_MARGIN_S	3	/* report and state */
#define DISK_MIN_FREE	(32ull << 20)
#define MAX_CANDS	16
#define REPLAY_SHARE	0.5	/* of the session; triage gets the rest */
/*
 * Patch coverage (patchcov.h) after triage: a boot of the +cov twin, the
 * replay of the engine's inputs, report.sh (lcov + genhtml: about 20 s
 * here).  It gets PATCHCOV_SHARE of the slot, at least PATCHCOV_MIN_S,
 * and only in a slot of PATCHCOV_SLOT_MIN_S or more: a shorter night
 * keeps its time for fuzzing and triage, says so, and does not build the
 * +cov twins either (a first build takes minutes: check-nightly's short
 * nights run before anything has built pae-root-rfc+cov).
 */
#define PATCHCOV_SHARE	0.2
#define REPORT_EST_S	20
#define PATCHCOV_MIN_S	(BOOT_EST_S + REPORT_EST_S + 5)
#define PATCHCOV_SLOT_MIN_S (3 * PATCHCOV_MIN_S)

/* Each candidate's +cov twin tonight: 1 built, -1 did not build, 0 not
 * tried (no patch, or a night too short for the step).  Never built
 * later in the night: a first build takes minutes. */
static int twin_state[MAX_CANDS];
#define SESSION_TIMEOUT_MS 30000

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

/* Convert the engine's queue into .mmu files under corpus/nightly. */
static unsigned merge_queue(const char *queue, const char *corpus, unsigned max, int *disk_full)
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
		size_t n;
		int ret;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", queue, de->d_name);
		if (prog_read_input(path, buf, &n, &p, err, sizeof(err)))
			continue;
		snprintf(path, sizeof(path), "%s/n-%016llx.mmu", dir,
			 (unsigned long long)prog_bytes_hash(buf, n));
		if (!access(path, F_OK))
			continue;	/* already merged on an earlier night */
		ret = prog_save(path, &p, err, sizeof(err));
		if (!ret)
			added++;
		else if (ret == -ENOSPC) {
			*disk_full = 1;
			break;
		}
	}
	closedir(d);
	return added;
}

/* Link each .mmu of dir into seeds (by absolute path); the count linked. */
static unsigned link_programs(const char *dir, const char *seeds)
{
	char src[PATH_MAX + 256], abs[PATH_MAX], dst[PATH_MAX + 256];
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".mmu"))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, de->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", seeds, de->d_name);
		if (realpath(src, abs) && !symlink(abs, dst))
			n++;
	}
	closedir(d);
	return n;
}

/*
 * The fuzzer's seeds: the corpus' own programs and what earlier nights
 * merged into <corpus>/nightly, so a night starts from the corpus the
 * nights before grew (fuzz_write_seeds reads one folder).  They are
 * symlinks in <state>/seeds, made afresh each night (a night killed while
 * making them leaves nothing the next one keeps).  Returns that folder,
 * or the corpus itself when nothing was merged yet or the folder cannot
 * be made.
 */
static const char *night_seeds(struct night *n, char *out, size_t cap)
{
	char merged[PATH_MAX + 8], path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d;

	snprintf(merged, sizeof(merged), "%s/nightly", n->o->corpus);
	snprintf(out, cap, "%s/seeds", n->state);
	d = opendir(out);
	if (d) {
		while ((de = readdir(d))) {
			snprintf(path, sizeof(path), "%s/%s", out, de->d_name);
			if (de->d_name[0] != '.')
				unlink(path);
		}
		closedir(d);
	}
	if (access(merged, F_OK) || (mkdir(out, 0755) && errno != EEXIST))
		return n->o->corpus;
	if (!link_programs(merged, out))
		return n->o->corpus;
	link_programs(n->o->corpus, out);
	return out;
}

/* Less than DISK_MIN_FREE on the findings' or the corpus' file system. */
static int disk_low(const struct nightly_opts *o)
{
	const char *paths[2] = { o->findings, o->corpus };

	for (int i = 0; i < 2; i++) {
		struct statvfs v;

		if (!statvfs(paths[i], &v) && (unsigned long long)v.f_bavail * v.f_frsize < DISK_MIN_FREE)
			return 1;
	}
	return 0;
}

/* Build one variant (cached); 0 or the failing exit status. */
static int build_variant(const char *spec)
{
	char cmd[PATH_MAX + 64];
	int st;

	snprintf(cmd, sizeof(cmd), "kernels/variant-dir.sh '%s' >/dev/null", spec);
	st = fuzz_system(cmd);
	return st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) ? (st == -1 ? 1 : st) : 0;
}

/* "6.12:x" is compared with "6.12:baseline", "x" with "baseline". */
static void baseline_of(const char *cand, char *out, size_t cap)
{
	const char *colon = strrchr(cand, ':');

	if (colon)
		snprintf(out, cap, "%.*s:baseline", (int)(colon - cand), cand);
	else
		snprintf(out, cap, "baseline");
}

struct progress_ctx {
	struct night *n;
	const char *cand;
	unsigned idx;
	double last_plain, last_sample;
};

static unsigned count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned c = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		c += de->d_name[0] != '.';
	closedir(d);
	return c;
}

static void on_progress(const struct fuzz_stats *st, const char *work, void *vctx)
{
	struct progress_ctx *c = vctx;
	const struct nightly_opts *o = c->n->o;
	double now = min_now(), left = c->n->deadline - now;
	char queue[PATH_MAX + 8];

	snprintf(queue, sizeof(queue), "%s/queue", work);
	/* A sample every 5 s for the report's plots. */
	if (now - c->last_sample >= 5 && c->n->n_samples < NIGHT_MAX_SAMPLES && st->seconds > 0) {
		struct night_sample *s = &c->n->s[c->n->n_samples++];

		s->t = (float)(now - c->n->t0);
		s->rate = (float)(st->programs / st->seconds);
		s->cand = c->idx;
		s->corpus = count_dir(queue);
		c->last_sample = now;
	}
	if (!o->progress || (!o->progress_tty && now - c->last_plain < 30))
		return;
	c->last_plain = now;
	fprintf(o->progress, "%snightly %s: %lu programs, %.1f/s, corpus %u, %u finding event(s), "
		"%dm%02ds left%s", o->progress_tty ? "\r\033[K" : "", c->cand, st->programs,
		st->seconds > 0 ? st->programs / st->seconds : 0.0, count_dir(queue), st->findings,
		left > 0 ? (int)left / 60 : 0, left > 0 ? (int)left % 60 : 0,
		o->progress_tty ? "" : "\n");
	fflush(o->progress);
}

/* Open the triage VMs, once more if the first boot fails and time allows. */
static struct diffrun *open_session(struct night *n, const char *kernels, double until)
{
	struct diffrun_opts dro = {
		.trace = 1, .findings_dir = n->o->findings,
		/* After a VM's first WARN it goes on with panic_on_warn=0: a
		 * WARN the findings already hold costs no reboot per step. */
		.warn_goes_on = 1,
		/* A loaded TCG host (six jobs on two cores) took more than the
		 * default 10 s for corpus programs that run in milliseconds;
		 * each false hang costs an NMI and a reboot. */
		.timeout_ms = SESSION_TIMEOUT_MS,
	};
	struct diffrun *dr = NULL;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (attempt && until - min_now() < BOOT_EST_S)
			break;
		if (!diffrun_open(&dr, kernels, &dro))
			return dr;
		fprintf(n->rep, "- harness: the test VMs for %s did not boot (attempt %d of 2)\n",
			kernels, attempt + 1);
	}
	n->st->step_failures++;
	return NULL;
}

/*
 * Patch coverage of tonight's campaign on cand, into the report:
 * <findings>/nightly/coverage/<cand>/ (replaced each night: the pages
 * take about 19 MB; the report keeps each night's line).
 */
static void night_patchcov(struct night *n, const char *cand, const char *vname,
			   const struct fuzz_opts *fo, const char *work, double until)
{
	struct patchcov_opts po = { .kernel = cand, .npt = 0 };
	struct patchcov_result r;
	char dirs[PATCHCOV_MAX_DIRS][PATH_MAX], out[PATH_MAX + 96];

	snprintf(out, sizeof(out), "%s/coverage/%s", n->state, vname);
	po.out = out;
	po.until = until - REPORT_EST_S;
	patchcov_fuzz_dirs(fo, work, dirs, &po);
	patchcov_run(&po, &r);
	if (r.state == PATCHCOV_FAILED)
		n->st->step_failures++;
	patchcov_report_md(n->rep, &r, n->o->findings);
}

static void candidate(struct night *n, const char *cand, unsigned idx, unsigned count)
{
	char base[PATH_MAX], kernels[2 * PATH_MAX + 2], qdir[PATH_MAX + 8], ferr[512], vname[64];
	char seeds[PATH_MAX + 8];
	double now = min_now(), slot = (n->deadline - now) / (count - idx);
	double slot_end = now + slot, fuzz_s = slot * FUZZ_SHARE;
	struct progress_ctx pc = { .n = n, .cand = cand, .idx = idx, .last_plain = now };
	const char *spec[2];
	struct fuzz_opts fo;
	struct fuzz_stats fs;
	struct diffrun *dr;
	double cov_s = 0, triage_end;
	int patched = patchcov_has_patch(cand, ferr, sizeof(ferr)) == 1;

	baseline_of(cand, base, sizeof(base));
	snprintf(kernels, sizeof(kernels), "%s,%s", base, cand);
	if (vmc_variant_name(cand, vname, sizeof(vname), ferr, sizeof(ferr)))
		snprintf(vname, sizeof(vname), "%s", "?");
	fprintf(n->rep, "\n## %s\n\n", kernels);
	if (fuzz_s < FUZZ_MIN_S) {
		fprintf(n->rep, "- harness: no time left to fuzz (%.0f s of the night left)\n", slot);
		n->st->errors++;
		return;
	}
	fuzz_opts_default(&fo);
	fo.kernels = kernels;
	fo.seconds = (unsigned)fuzz_s;
	fo.corpus = night_seeds(n, seeds, sizeof(seeds));
	fo.findings = n->o->findings;
	fo.keep_going = 1;
	fo.hard_deadline = now + fuzz_s + 5;
	fo.progress = on_progress;	/* samples; a line when o->progress */
	fo.progress_ctx = &pc;
	if (fuzz_run(&fo, &fs, ferr, sizeof(ferr))) {
		fprintf(n->rep, "- harness: the fuzzer could not run: %s\n", ferr);
		n->st->errors++;
		return;
	}
	if (n->o->progress && n->o->progress_tty)
		fputc('\n', n->o->progress);
	n->programs += fs.programs;
	n->fuzz_seconds += fs.seconds;
	fprintf(n->rep, "- fuzzing: %lu programs in %.0f s (%.1f/s), %u finding event(s)\n",
		fs.programs, fs.seconds, fs.seconds > 0 ? fs.programs / fs.seconds : 0.0,
		fs.findings);
	if (fs.signo) {
		n->st->signo = fs.signo;
		fprintf(n->rep, "- stopped by SIG%s: the findings so far are saved; the next "
			"night triages them\n", sigabbrev_np(fs.signo));
		return;
	}
	if (!fs.programs) {
		/* The drivers count in hundreds, and a run stopped at the
		 * deadline writes no "end" line: fewer than 100, or none. */
		fprintf(n->rep, "- harness: the fuzzer's stats show no program (fewer than 100 "
			"ran before the deadline, or none)\n");
		n->st->step_failures++;
	}
	snprintf(qdir, sizeof(qdir), "%s/queue", fs.work);
	n->st->merged += merge_queue(qdir, n->o->corpus, n->o->merge_max, &n->st->disk_full);

	/* One pair of VMs for the rest of the slot: replay, then triage;
	 * then, for a patch, its coverage in what is left. */
	if (idx + 1 == count)
		slot_end -= END_MARGIN_S;
	if (patched && twin_state[idx] > 0 && slot >= PATCHCOV_SLOT_MIN_S)
		cov_s = slot * PATCHCOV_SHARE > PATCHCOV_MIN_S ? slot * PATCHCOV_SHARE : PATCHCOV_MIN_S;
	triage_end = slot_end - cov_s;
	dr = open_session(n, kernels, triage_end);
	if (dr) {
		spec[0] = base;
		spec[1] = cand;
		night_replay(n, dr, spec, idx == 0,
			     min_now() + (triage_end - min_now()) * REPLAY_SHARE);
	} else {
		fprintf(n->rep, "- harness: corpus replay skipped (no test VMs)\n");
		n->st->step_failures++;
	}
	night_triage(n, dr, vname, kernels, triage_end);
	diffrun_close(dr);
	if (!patched || stop_requested() || n->st->disk_full)
		return;
	if (twin_state[idx] < 0)
		fprintf(n->rep, "- patch coverage of %s: not measured: its +cov twin did not "
			"build (the night's log says why)\n", vname);
	else if (cov_s)
		night_patchcov(n, cand, vname, &fo, fs.work, slot_end);
	else
		fprintf(n->rep, "- patch coverage of %s: not measured: the candidate's %.0f s of "
			"the night are too short (it needs about %d s of %d: a test VM boot, the "
			"replay, the report; give the night more --time)\n", vname, slot,
			PATCHCOV_MIN_S, PATCHCOV_SLOT_MIN_S);
}

static void report_groups(struct night *n)
{
	unsigned shown = 0;

	for (int pass = 1; pass >= 0; pass--) {
		fprintf(n->rep, "\n## %s\n\n", pass ? "New findings (one entry per bug)" :
			"Known findings (reported on an earlier night)");
		for (unsigned i = 0; i < n->n_groups; i++) {
			const struct night_group *g = &n->g[i];
			struct stat st;
			int dir;

			if (g->is_new != pass)
				continue;
			dir = !stat(g->best_dir, &st) && S_ISDIR(st.st_mode);
			if (!pass) {
				fprintf(n->rep, "- `%s`: %u event(s) in %u folder(s)\n", g->k.key,
					g->events, g->members);
				continue;
			}
			fprintf(n->rep, "### %u. %s\n\n", ++shown, g->k.key);
			fprintf(n->rep, "- candidate `%s`; %s; rule `%s`%s%s%s%s\n", g->cand, g->k.what,
				g->k.rule, g->k.op[0] ? ", shown by `" : "", g->k.op,
				g->k.op[0] ? "`" : "", g->k.mode[0] ? "" : "");
			if (g->k.mode[0])
				fprintf(n->rep, "- mode %s\n", g->k.mode);
			fprintf(n->rep, "- %u finding event(s) under %u signature folder(s)\n",
				g->events, g->members);
			fprintf(n->rep, "- %s\n", g->why);
			fprintf(n->rep, "- smallest reproducer: `%s%s` (%u ops)%s%s\n", g->best_dir,
				dir ? "/repro/" : "", g->best_ops, g->note[0] ? "; " : "", g->note);
			if (dir)
				fprintf(n->rep, "- mail-ready text: `%s/repro/report.txt`\n", g->best_dir);
			fputc('\n', n->rep);
		}
		if (!shown && pass)
			fprintf(n->rep, "none\n");
	}
}

/*
 * The plots' data: tonight's samples (replaced each night) and one line
 * per night appended to the history (read, extended, replaced: atomic).
 */
static void write_plot_data(struct night *n)
{
	char path[PATH_MAX + 32], *old = NULL, *buf = NULL;
	size_t olen = 0, len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	fprintf(f, "# seconds candidate programs/s corpus\n");
	for (unsigned i = 0; i < n->n_samples; i++)
		fprintf(f, "%.1f %u %.2f %u\n", n->s[i].t, n->s[i].cand, n->s[i].rate,
			n->s[i].corpus);
	fclose(f);
	snprintf(path, sizeof(path), "%s/tonight.dat", n->state);
	if (buf && finding_replace_file(path, buf, len) == -ENOSPC)
		n->st->disk_full = 1;
	free(buf);
	buf = NULL;

	snprintf(path, sizeof(path), "%s/history.dat", n->state);
	if (prog_read_file(path, 1u << 20, &old, &olen, NULL, 0))
		olen = 0;
	f = open_memstream(&buf, &len);
	if (!f) {
		free(old);
		return;
	}
	if (olen)
		fwrite(old, 1, olen, f);
	else
		fprintf(f, "# date programs programs/s new known\n");
	fprintf(f, "%s %lu %.2f %u %u\n", n->date, n->programs,
		n->fuzz_seconds > 0 ? n->programs / n->fuzz_seconds : 0.0, n->st->new_groups,
		n->st->known_groups);
	fclose(f);
	if (buf && finding_replace_file(path, buf, len) == -ENOSPC)
		n->st->disk_full = 1;
	free(buf);
	free(old);
}

int nightly_exit_status(const struct nightly_stats *st)
{
	if (st->signo)
		return 128 + st->signo;
	if (st->errors || st->disk_full)
		return 2;
	if (st->new_groups)
		return 1;
	return st->step_failures ? 2 : 0;
}

int nightly_run(const struct nightly_opts *o, FILE *rep, struct nightly_stats *ns,
		char *err, size_t errlen)
{
	static struct night night;
	struct night *n = &night;
	char cands[1024] = "", *save = NULL, *cand, *list[MAX_CANDS], base[PATH_MAX];
	unsigned count = 0;
	struct tm tm;

	memset(ns, 0, sizeof(*ns));
	memset(n, 0, sizeof(*n));
	n->o = o;
	n->rep = rep;
	n->st = ns;
	n->t0 = min_now();
	n->deadline = n->t0 + o->seconds;
	gmtime_r(&o->now, &tm);
	strftime(n->date, sizeof(n->date), "%Y-%m-%d", &tm);
	snprintf(n->state, sizeof(n->state), "%s/nightly", o->findings);

	if (o->candidates)
		snprintf(cands, sizeof(cands), "%s", o->candidates);
	if (!cands[0] && default_candidates(cands, sizeof(cands))) {
		snprintf(err, errlen, "no candidate patches in kernels/patches");
		return -ENOENT;
	}
	for (cand = strtok_r(cands, ",", &save); cand; cand = strtok_r(NULL, ",", &save)) {
		char vname[64];

		if (count == MAX_CANDS || strchr(cand, '\'') ||
		    vmc_variant_name(cand, vname, sizeof(vname), err, errlen)) {
			if (count == MAX_CANDS)
				snprintf(err, errlen, "more than %d candidates", MAX_CANDS);
			else if (strchr(cand, '\''))
				snprintf(err, errlen, "candidate '%s': a quote in the name", cand);
			return -EINVAL;
		}
		list[count++] = cand;
	}
	if (!count) {
		snprintf(err, errlen, "no candidate named in '%s'", o->candidates);
		return -ENOENT;
	}
	if (finding_mkdir_parents(n->state) == -ENOSPC || disk_low(o)) {
		ns->disk_full = 1;
		snprintf(err, errlen, "disk full: less than %llu MiB free for %s or %s; nothing run",
			 DISK_MIN_FREE >> 20, o->findings, o->corpus);
		return -ENOSPC;
	}
	/* Only what tonight compares: each candidate and its baseline, and
	 * a patch's +cov twin for its coverage (a twin that does not build
	 * costs only that: the patch coverage step says so). */
	for (unsigned i = 0; i < count; i++) {
		char twin[PATH_MAX];

		baseline_of(list[i], base, sizeof(base));
		if (build_variant(base) || build_variant(list[i])) {
			snprintf(err, errlen, "kernels: %s or %s did not build (see above)", base,
				 list[i]);
			return -ECHILD;
		}
		patchcov_twin(list[i], twin, sizeof(twin));
		twin_state[i] = 0;
		if (o->seconds / count >= PATCHCOV_SLOT_MIN_S &&
		    patchcov_has_patch(list[i], err, errlen) == 1)
			twin_state[i] = build_variant(twin) ? -1 : 1;
		if (twin_state[i] < 0 && stop_requested()) {
			snprintf(err, errlen, "kernels: stopped while %s was building", twin);
			return -ECHILD;
		}
	}
	ns->candidates = count;
	fprintf(rep, "# mmufuzz nightly %s\n\n", n->date);
	fprintf(rep, "%u candidate(s), %u s for the whole night (kernels built in %.0f s)\n",
		count, o->seconds, min_now() - n->t0);
	for (unsigned i = 0; i < count && !ns->signo && !ns->disk_full; i++) {
		if (disk_low(o))
			ns->disk_full = 1;
		else
			candidate(n, list[i], i, count);
		/* A stop during replay or triage (VM requests and the
		 * minimizer give up with -EINTR): end the night like a stop
		 * during fuzzing; what is untriaged is triaged next night. */
		if (stop_requested() && !ns->signo) {
			ns->signo = stop_requested();
			fprintf(rep, "- stopped by SIG%s: the findings so far are saved; the next "
				"night triages what is left\n", sigabbrev_np(ns->signo));
		}
	}
	report_groups(n);
	for (unsigned i = 0; i < n->n_groups; i++) {
		ns->new_groups += n->g[i].is_new;
		ns->known_groups += !n->g[i].is_new;
		ns->events += n->g[i].events;
	}
	if (ns->disk_full)
		fprintf(rep, "\n**Stopped: the disk is full** (less than %llu MiB free): what is "
			"saved is whole; free space and run again.\n", DISK_MIN_FREE >> 20);
	if (!ns->signo) {
		night_commit(n);
		write_plot_data(n);
	}
	fprintf(rep, "\n## Summary\n\n%u new finding(s), %u known; %u event(s); %u verdict(s) "
		"replayed; %u program(s) merged into %s/nightly; %d harness failure(s), %d step "
		"failure(s); %.0f s of %u s; exit %d\n",
		ns->new_groups, ns->known_groups, ns->events, ns->replayed, ns->merged, o->corpus,
		ns->errors, ns->step_failures, min_now() - n->t0, o->seconds,
		nightly_exit_status(ns));
	return 0;
}
