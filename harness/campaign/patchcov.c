// SPDX-License-Identifier: GPL-2.0
/*
 * Patch coverage of a finished campaign (see patchcov.h): replay the
 * kept inputs on the candidate's +cov twin, union the PCs, and let
 * kernels/cov/report.sh make the line and the pages.
 */
#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness/campaign/minimize.h"
#include "harness/campaign/patchcov.h"
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "harness/judge/kcovset.h"
#include "harness/program/prog.h"
#include "harness/store/finding.h"
#include "harness/vm/vmclient.h"

/*
 * A loaded TCG host took more than the default 10 s for programs that
 * run in milliseconds (nightly.c's triage session says the same), and
 * the +cov modules are slower still: a false hang costs a reboot.
 */
#define REPLAY_TIMEOUT_MS 30000
/* Inputs replayed at most (a long AFL++ campaign keeps a few thousand). */
#define MAX_INPUTS 65536

/* The variant part of "[BASE:]VARIANT", without trailing slashes or "+cov". */
static void variant_part(const char *kernel, char *out, size_t cap)
{
	const char *v = strchr(kernel, ':') ? strchr(kernel, ':') + 1 : kernel;
	size_t n = strlen(v);

	while (n > 1 && v[n - 1] == '/')
		n--;
	if (n > 4 && !strncmp(v + n - 4, "+cov", 4))
		n -= 4;
	snprintf(out, cap, "%.*s", (int)n, v);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The value of key= in a variant folder's info (malloc'ed), or NULL. */
static char *info_value(const char *dir, const char *key)
{
	char path[PATH_MAX + 8], *text = NULL, *s, *val = NULL;
	size_t len, kl = strlen(key);

	snprintf(path, sizeof(path), "%s/info", dir);
	if (prog_read_file(path, 1u << 20, &text, &len, NULL, 0))
		return NULL;
	s = realloc(text, len + 1);
	if (!s) {
		free(text);
		return NULL;
	}
	text = s;
	text[len] = 0;
	for (s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
		if (!strncmp(s, key, kl) && s[kl] == '=') {
			val = strndup(s + kl + 1, strcspn(s + kl + 1, "\n"));
			break;
		}
	free(text);
	return val;
}

int patchcov_has_patch(const char *kernel, char *err, size_t errlen)
{
	char name[VMC_VARIANT_NAME_MAX + 1], part[PATH_MAX];
	int ret = vmc_variant_name(kernel, name, sizeof(name), err, errlen);

	if (ret)
		return ret;
	/* vmclient runs an existing folder as a module folder: its info says. */
	if (is_dir(kernel)) {
		char *patch = info_value(kernel, "patch");

		ret = patch && *patch && strcmp(patch, "none");
		free(patch);
		return ret;
	}
	variant_part(kernel && *kernel ? kernel : "stock", part, sizeof(part));
	return strcmp(part, "baseline") && strcmp(part, "stock");
}

void patchcov_twin(const char *kernel, char *out, size_t cap)
{
	size_t n = strlen(kernel);

	while (n > 1 && kernel[n - 1] == '/')
		n--;
	if (n > 4 && !strncmp(kernel + n - 4, "+cov", 4))
		snprintf(out, cap, "%.*s", (int)n, kernel);
	else
		snprintf(out, cap, "%.*s+cov", (int)n, kernel);
}

static void fail(struct patchcov_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct patchcov_result *r, const char *fmt, ...)
{
	va_list ap;

	r->state = PATCHCOV_FAILED;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static int stopped(struct patchcov_result *r)
{
	r->state = PATCHCOV_STOPPED;
	snprintf(r->why, sizeof(r->why), "stopped by SIG%s after %u of %u input(s)",
		 sigabbrev_np(stop_requested()), r->replayed, r->inputs);
	return -EINTR;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

/* rm -rf, without a child (a stop request would end one at once). */
static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * report.sh wrote OUT/report.new whole: it becomes OUT/report, and the
 * previous report (an earlier night's) goes only then.  0 or -errno.
 */
static int publish_report(const char *out)
{
	char cur[PATH_MAX + 16], next[PATH_MAX + 16], old[PATH_MAX + 16];

	snprintf(cur, sizeof(cur), "%s/report", out);
	snprintf(next, sizeof(next), "%s/report.new", out);
	snprintf(old, sizeof(old), "%s/report.old", out);
	rm_tree(old);
	if (rename(cur, old) && errno != ENOENT)
		return -errno;
	if (rename(next, cur))
		return -errno;
	rm_tree(old);
	return 0;
}

/* A command's wait status: 0 when it exited 0. */
static int cmd_failed(int st)
{
	return st == -1 || !WIFEXITED(st) || WEXITSTATUS(st);
}

/* The last line of a file (a script's stdout) into out; 0 or -errno. */
static int last_line(const char *path, char *out, size_t cap)
{
	char *text = NULL, *nl;
	size_t len;

	if (prog_read_file(path, 1u << 20, &text, &len, NULL, 0))
		return -ENOENT;
	while (len && text[len - 1] == '\n')
		len--;
	text[len] = 0;
	nl = strrchr(text, '\n');
	snprintf(out, cap, "%s", nl ? nl + 1 : text);
	free(text);
	return out[0] ? 0 : -ENODATA;
}

/*
 * kernels/variant-dir.sh NAME: the variant's module folder into dir,
 * built or found cached; its stdout goes to res, its messages to log.
 * 0, -EINTR on a stop request, -ECHILD when it did not build.
 */
static int variant_dir(const char *top, const char *name, const char *res, const char *log,
		       char *dir, size_t cap)
{
	char cmd[4 * PATH_MAX];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s/kernels/variant-dir.sh' '%s' > '%s' 2> '%s'", top, name,
		 res, log);
	st = fuzz_system(cmd);
	if (stop_requested())
		return -EINTR;
	if (cmd_failed(st) || last_line(res, dir, cap))
		return -ECHILD;
	return 0;
}

/* The +cov twin's module folder, built (or found cached) by kernels/. */
static int twin_dir(const char *top, const char *out, struct patchcov_result *r, char *dir,
		    size_t cap)
{
	char res[PATH_MAX + 16], log[PATH_MAX + 16];
	char *cov;
	int ret;

	if (is_dir(r->cov)) {
		cov = info_value(r->cov, "cov");
		free(cov);
		if (!cov) {
			fail(r, "%s is a module folder without coverage (give the kernel as "
			     "NAME+cov, or that variant's folder)", r->cov);
			return -EINVAL;
		}
		snprintf(dir, cap, "%s", r->cov);
		return 0;
	}
	snprintf(res, sizeof(res), "%s/variant-dir", out);
	snprintf(log, sizeof(log), "%s/build.log", out);
	ret = variant_dir(top, r->cov, res, log, dir, cap);
	if (ret == -EINTR)
		return stopped(r);
	if (ret) {
		fail(r, "%s did not build (see %s)", r->cov, log);
		return ret;
	}
	return 0;
}

int patchcov_directed(const char *kernels, const char *work, char *sites, char *pool,
		      unsigned *n_sites, char *err, size_t errlen)
{
	char list[1024], want[PATH_MAX] = "", top[PATH_MAX], dir[PATH_MAX], res[PATH_MAX + 16];
	char cmd[4 * PATH_MAX], log[PATH_MAX + 16], line[512];
	char *save = NULL;
	FILE *f;
	int st, ret;

	*n_sites = 0;
	snprintf(list, sizeof(list), "%s", kernels);
	for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		char name[VMC_VARIANT_NAME_MAX + 1], e[256];
		size_t n = strlen(k);
		int cov = n > 4 && !strcmp(k + n - 4, "+cov");
		char *c = NULL;

		if (!cov && is_dir(k))
			cov = (c = info_value(k, "cov")) != NULL, free(c);
		if (cov && vmc_variant_name(k, name, sizeof(name), e, sizeof(e)) == 0 &&
		    patchcov_has_patch(k, e, sizeof(e)) == 1)
			snprintf(want, sizeof(want), "%s", k);
	}
	if (!want[0])
		return 0;
	if (vmc_source_tree(top, sizeof(top)) || strchr(top, '\'') || strchr(work, '\'') ||
	    strchr(want, '\'')) {
		snprintf(err, errlen, "cannot find the mmufuzz tree, or a quote in %s or %s", work,
			 want);
		return -EINVAL;
	}
	snprintf(pool, PATH_MAX, "%s/directed/pool", work);
	ret = finding_mkdir_parents(pool);
	if (ret) {
		snprintf(err, errlen, "cannot create %s: %s", pool, strerror(-ret));
		return ret;
	}
	snprintf(sites, PATH_MAX, "%s/directed/sites", work);
	snprintf(res, sizeof(res), "%s/directed/variant-dir", work);
	snprintf(log, sizeof(log), "%s/directed/sites.log", work);
	if (is_dir(want)) {
		snprintf(dir, sizeof(dir), "%s", want);
	} else {
		ret = variant_dir(top, want, res, log, dir, sizeof(dir));
		if (ret == -EINTR)
			return ret;
		if (ret || strchr(dir, '\'')) {
			snprintf(err, errlen, "%s did not build (see %s)", want, log);
			return -ECHILD;
		}
	}
	snprintf(cmd, sizeof(cmd), "'%s/kernels/cov/patch-sites.sh' '%s' '%s' 2>> '%s'", top, dir,
		 sites, log);
	st = fuzz_system(cmd);
	if (stop_requested())
		return -EINTR;
	if (cmd_failed(st)) {
		snprintf(err, errlen, "the patch sites of %s were not listed (see %s)", want, log);
		return -ECHILD;
	}
	f = fopen(sites, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", sites, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f))
		(*n_sites)++;
	fclose(f);
	return 1;
}

void patchcov_directed_prepare(const struct fuzz_opts *o, const char *work)
{
	char sites[PATH_MAX], pool[PATH_MAX], abs_sites[PATH_MAX], abs_pool[PATH_MAX], err[512];
	unsigned n;
	int d = patchcov_directed(o->kernels, work, sites, pool, &n, err, sizeof(err));

	if (d == -EINTR)
		say("mmufuzz fuzz: stopped while listing the patch sites");
	else if (d < 0)
		say("mmufuzz fuzz: not patch-directed: %s", err);
	else if (d && !n)
		say("mmufuzz fuzz: not patch-directed: no changed line of the patch holds a "
		    "callback site");
	else if (d && (!realpath(sites, abs_sites) || !realpath(pool, abs_pool)))
		say("mmufuzz fuzz: not patch-directed: %s: %s", sites, strerror(errno));
	else if (d) {
		setenv("MMUFUZZ_PATCH_SITES", abs_sites, 1);
		setenv("MMUFUZZ_DIRECTED_POOL", abs_pool, 1);
		say("mmufuzz fuzz: patch-directed: %u patch site(s) (%s); %s%% of mutations start "
		    "from an input that reached them", n, sites,
		    getenv("MMUFUZZ_DIRECTED_P") ? getenv("MMUFUZZ_DIRECTED_P") : "50");
	}
}

struct input {
	char *path;
	uint64_t hash;
};

struct inputs {
	struct input *v;
	size_t n, cap;
};

static int by_hash(const void *a, const void *b)
{
	uint64_t x = ((const struct input *)a)->hash, y = ((const struct input *)b)->hash;

	return x < y ? -1 : x > y;
}

/* Every decodable input of the folders, once (by content). */
static int list_inputs(const char *const *dirs, struct inputs *in)
{
	static struct program p;
	uint8_t buf[PROG_BIN_MAX];
	char path[PATH_MAX + 256], err[160];
	size_t kept = 0;

	for (int d = 0; dirs[d]; d++) {
		DIR *dh = opendir(dirs[d]);
		struct dirent *de;

		if (!dh)
			continue;
		while ((de = readdir(dh)) && in->n < MAX_INPUTS) {
			size_t n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], de->d_name);
			if (prog_read_input(path, buf, &n, &p, err, sizeof(err)))
				continue;
			if (in->n == in->cap) {
				size_t c = in->cap ? 2 * in->cap : 256;
				struct input *ni = realloc(in->v, c * sizeof(*ni));

				if (!ni)
					break;
				in->v = ni;
				in->cap = c;
			}
			in->v[in->n].path = strdup(path);
			if (!in->v[in->n].path)
				break;
			in->v[in->n++].hash = prog_bytes_hash(buf, n);
		}
		closedir(dh);
	}
	/* A libFuzzer queue and its seeds overlap: one run per content. */
	if (in->n)
		qsort(in->v, in->n, sizeof(in->v[0]), by_hash);
	for (size_t i = 0; i < in->n; i++) {
		if (kept && in->v[kept - 1].hash == in->v[i].hash) {
			free(in->v[i].path);
			continue;
		}
		in->v[kept++] = in->v[i];
	}
	in->n = kept;
	return 0;
}

static void free_inputs(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].path);
	free(in->v);
}

/* Run every input on dr's one kernel; PCs into set.  0 or -EINTR. */
static int replay(struct diffrun *dr, const struct inputs *in, const struct patchcov_opts *o,
		  struct kcov_set *set, struct patchcov_result *r)
{
	static struct program p;
	struct diffrun_result *res = diffrun_result_new();
	uint8_t buf[PROG_BIN_MAX];
	char err[160];
	int ret = 0;

	if (!res)
		return -ENOMEM;
	for (size_t i = 0; i < in->n; i++) {
		size_t n;
		int rr;

		if (o->until && min_now() >= o->until) {
			r->out_of_time = 1;
			break;
		}
		if (prog_read_input(in->v[i].path, buf, &n, &p, err, sizeof(err)))
			continue;
		rr = diffrun_run(dr, &p, res);
		if (rr == -EINTR || stop_requested()) {
			ret = -EINTR;
			break;
		}
		if (rr)
			continue;
		if (res->k[0].died) {
			r->deaths++;
			continue;
		}
		if (!res->k[0].kcov.on) {
			ret = -ENODATA;
			break;
		}
		r->replayed++;
		r->broke += res->k[0].outcome.violations > 0;
		if (kcov_set_add(set, &res->k[0].kcov)) {
			ret = -ENOMEM;
			break;
		}
	}
	diffrun_result_free(res);
	return ret;
}

/* report.sh's line and the files it names into r. */
static int read_report(const char *out, struct patchcov_result *r)
{
	char path[PATH_MAX + 32], file[PATH_MAX], state[32];
	unsigned line;
	FILE *f;

	snprintf(path, sizeof(path), "%s/report/patch-coverage.txt", out);
	if (last_line(path, r->line, sizeof(r->line)) ||
	    sscanf(r->line, "patch lines reached: %u/%u", &r->reached, &r->lines) != 2)
		return -EPROTO;
	snprintf(r->html, sizeof(r->html), "%s/report/html/index.html", out);
	snprintf(path, sizeof(path), "%s/report/patch-lines", out);
	f = fopen(path, "r");
	while (f && fscanf(f, "%4095s %u %31s", file, &line, state) == 3)
		if (strcmp(state, "uninstrumented")) {
			snprintf(r->page, sizeof(r->page), "%s/report/html/%s.gcov.html#%u", out, file,
				 line);
			break;
		}
	if (f)
		fclose(f);
	return 0;
}

int patchcov_run(const struct patchcov_opts *o, struct patchcov_result *r)
{
	struct diffrun_opts dro = {
		.npt = (int)o->npt, .timeout_ms = REPLAY_TIMEOUT_MS, .warn_goes_on = 1,
		.kcov_pcs = 1,
	};
	char top[PATH_MAX], vdir[PATH_MAX], rec[PATH_MAX + 16], vmf[PATH_MAX + 16];
	char cmd[4 * PATH_MAX + 64], err[512];
	struct inputs in = { 0 };
	struct kcov_set set;
	struct diffrun *dr = NULL;
	double t0 = min_now();
	int ret;

	memset(r, 0, sizeof(*r));
	kcov_set_init(&set);
	snprintf(r->dir, sizeof(r->dir), "%s", o->out);
	/* A module folder is run as it is (twin_dir checks it has coverage). */
	if (is_dir(o->kernel))
		snprintf(r->cov, sizeof(r->cov), "%s", o->kernel);
	else
		patchcov_twin(o->kernel, r->cov, sizeof(r->cov));
	ret = patchcov_has_patch(o->kernel, err, sizeof(err));
	if (ret < 0) {
		fail(r, "%s", err);
		goto out;
	}
	vmc_variant_name(o->kernel, r->name, sizeof(r->name), err, sizeof(err));
	if (!ret) {
		r->state = PATCHCOV_NO_PATCH;
		snprintf(r->why, sizeof(r->why), "%s has no patch", r->name);
		goto out;
	}
	/* The paths go into shell commands between single quotes. */
	if (strchr(o->out, '\'') || strchr(r->cov, '\'')) {
		fail(r, "a quote in %s or %s", o->out, r->cov);
		goto out;
	}
	if (vmc_source_tree(top, sizeof(top)) || strchr(top, '\'')) {
		fail(r, "cannot find the mmufuzz tree (set MMUFUZZ_ROOT)");
		goto out;
	}
	ret = finding_mkdir_parents(o->out);
	if (ret) {
		fail(r, "cannot create %s: %s", o->out, strerror(-ret));
		goto out;
	}
	list_inputs(o->dirs, &in);
	r->inputs = (unsigned)in.n;
	if (!in.n) {
		fail(r, "no inputs to replay in the campaign's folders (%s ...)",
		     o->dirs[0] ? o->dirs[0] : "none");
		goto out;
	}
	if (twin_dir(top, o->out, r, vdir, sizeof(vdir)))
		goto out;
	if (strchr(vdir, '\'')) {
		fail(r, "a quote in %s", vdir);
		goto out;
	}
	say("mmufuzz: patch coverage of %s: replaying %u input(s) on %s", r->name, r->inputs,
	    r->cov);
	/* A VM death here is the measurement's, not a campaign finding. */
	snprintf(vmf, sizeof(vmf), "%s/vm-findings", o->out);
	dro.findings_dir = vmf;
	ret = diffrun_open(&dr, r->cov, &dro);
	if (ret == -EINTR || stop_requested()) {
		stopped(r);
		goto out;
	}
	if (ret) {
		fail(r, "the test VM for %s did not boot: %s", r->cov, strerror(-ret));
		goto out;
	}
	ret = replay(dr, &in, o, &set, r);
	diffrun_close(dr);
	if (ret == -EINTR) {
		stopped(r);
		goto out;
	}
	if (ret == -ENODATA) {
		fail(r, "%s's agent sent no KVM coverage (is it a +cov build? %s)", r->cov, vdir);
		goto out;
	}
	if (ret == -ENOMEM) {
		fail(r, "out of memory for the PC set");
		goto out;
	}
	if (!r->replayed) {
		fail(r, "no input of the campaign ran on %s%s", r->cov,
		     r->out_of_time ? " before the deadline" : "");
		goto out;
	}
	snprintf(rec, sizeof(rec), "%s/record", o->out);
	ret = kcov_set_write(&set, rec, "campaign");
	if (ret) {
		fail(r, "%s: %s", rec, strerror(-ret));
		goto out;
	}
	/* Into report.new: a report.sh cut short (a stop, a full disk)
	 * leaves the last whole report where it was. */
	snprintf(cmd, sizeof(cmd), "'%s/kernels/cov/report.sh' '%s' '%s' '%s/report.new' > /dev/null "
		 "2> '%s/report.log'", top, vdir, rec, o->out, o->out);
	ret = fuzz_system(cmd);
	if (stop_requested()) {
		stopped(r);
		goto out;
	}
	if (cmd_failed(ret)) {
		fail(r, "kernels/cov/report.sh failed (see %s/report.log)", o->out);
		goto out;
	}
	ret = publish_report(o->out);
	if (ret) {
		fail(r, "%s/report: %s", o->out, strerror(-ret));
		goto out;
	}
	if (read_report(o->out, r)) {
		fail(r, "%s/report/patch-coverage.txt: no patch coverage line", o->out);
		goto out;
	}
	r->state = PATCHCOV_MEASURED;
out:
	r->seconds = min_now() - t0;
	free_inputs(&in);
	kcov_set_free(&set);
	return r->state == PATCHCOV_STOPPED ? -EINTR : 0;
}

void patchcov_fuzz_dirs(const struct fuzz_opts *fo, const char *work,
			char bufs[PATCHCOV_MAX_DIRS][PATH_MAX], struct patchcov_opts *o)
{
	int n = 0;

	if (fo->engine_afl) {
		snprintf(bufs[n], PATH_MAX, "%s/afl/default/queue", work);
		o->dirs[n] = bufs[n];
		n++;
	} else {
		snprintf(bufs[n], PATH_MAX, "%s/queue", work);
		o->dirs[n] = bufs[n];
		n++;
		snprintf(bufs[n], PATH_MAX, "%s/seeds", work);
		o->dirs[n] = bufs[n];
		n++;
	}
	o->dirs[n] = NULL;
}

int patchcov_after_fuzz(const struct fuzz_opts *fo, const struct fuzz_stats *st,
			struct patchcov_result *r, int max)
{
	char list[2 * PATH_MAX], *save = NULL, *k, err[256];
	char dirs[PATCHCOV_MAX_DIRS][PATH_MAX], out[PATH_MAX + 80];
	int n = 0;

	snprintf(list, sizeof(list), "%s", fo->kernels);
	for (k = strtok_r(list, ",", &save); k && n < max; k = strtok_r(NULL, ",", &save)) {
		struct patchcov_opts o = { .kernel = k, .npt = fo->npt };
		char name[VMC_VARIANT_NAME_MAX + 1];

		if (patchcov_has_patch(k, err, sizeof(err)) != 1 ||
		    vmc_variant_name(k, name, sizeof(name), err, sizeof(err)))
			continue;
		snprintf(out, sizeof(out), "%s/patchcov/%s", st->work, name);
		o.out = out;
		patchcov_fuzz_dirs(fo, st->work, dirs, &o);
		if (patchcov_run(&o, &r[n++]))
			break;
	}
	return n;
}

/* path relative to dir when it lies inside it, else path. */
static const char *rel_path(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n && !strncmp(path, dir, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

void patchcov_report_md(FILE *rep, const struct patchcov_result *r, const char *rel_to)
{
	const char *page, *file;

	if (r->state != PATCHCOV_MEASURED) {
		if (r->state != PATCHCOV_NO_PATCH)
			fprintf(rep, "- patch coverage of %s: not measured: %s\n", r->name, r->why);
		return;
	}
	fprintf(rep, "- patch coverage of %s: **%s** (%u of %u kept input(s) replayed on `%s` "
		"in %.0f s%s)\n", r->name, r->line, r->replayed, r->inputs, r->cov, r->seconds,
		r->out_of_time ? "; the rest ran out of time" : "");
	fprintf(rep, "- coverage report: [%s](%s)", rel_path(r->html, rel_to),
		rel_path(r->html, rel_to));
	if (r->page[0]) {
		/* ".../html/arch/x86/kvm/mmu/mmu.c.gcov.html#684" -> "mmu.c:684" */
		size_t n;

		page = rel_path(r->page, rel_to);
		file = strrchr(page, '/') ? strrchr(page, '/') + 1 : page;
		n = strcspn(file, "#");
		if (n > strlen(".gcov.html"))
			n -= strlen(".gcov.html");
		fprintf(rep, "; the first changed line: [%.*s:%s](%s)", (int)n, file,
			file[strcspn(file, "#")] ? file + strcspn(file, "#") + 1 : "?", page);
	}
	fputc('\n', rep);
}
