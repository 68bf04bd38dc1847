// SPDX-License-Identifier: GPL-2.0
/*
 * Mutation adequacy as a library call (see adequacy.h): the mutants come
 * from kernels/mutants/prepare.sh, each is built in the warm mutant tree
 * (kernels/mutants/build.sh), compared with the reference build
 * (same-code.sh), and fuzzed against the baseline by fuzz_run().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/campaign/adequacy.h"
#include "harness/campaign/fuzz.h"
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "harness/store/finding.h"

static const char *const verdict_names[ADQ_N_VERDICTS] = {
	[ADQ_KILLED] = "killed",	 [ADQ_SURVIVED] = "survived",
	[ADQ_UNREACHED] = "unreached",	 [ADQ_EQUIVALENT] = "equivalent",
	[ADQ_STILLBORN] = "stillborn",
};

const char *adequacy_verdict_name(enum adequacy_verdict v)
{
	return (unsigned)v < ADQ_N_VERDICTS ? verdict_names[v] : "?";
}

void adequacy_opts_default(struct adequacy_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->baseline = "baseline";
	o->mutants = 60;
	o->seed = 1;
	o->seconds = 60;
	o->corpus = "corpus";
}

int adequacy_format_result(const struct adequacy_mutant *m, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s\t%s\t%.1f\t%lu\t%s\t%s:%u\t%s\t%s\n", m->id,
			 adequacy_verdict_name(m->verdict), m->seconds, m->programs,
			 m->cls[0] ? m->cls : "-", m->file, m->line, m->op, m->what);

	return n < 0 || (size_t)n >= cap ? -ENOSPC : 0;
}

int adequacy_parse_result(const char *line, struct adequacy_mutant *m)
{
	char id[16], verdict[16], cls[32];
	double secs;
	unsigned long progs;
	int v;

	if (sscanf(line, "%15[^\t]\t%15[^\t]\t%lf\t%lu\t%31[^\t\n]", id, verdict, &secs, &progs, cls) != 5)
		return -EINVAL;
	for (v = 0; v < ADQ_N_VERDICTS; v++)
		if (!strcmp(verdict, verdict_names[v]))
			break;
	if (v == ADQ_N_VERDICTS || secs < 0)
		return -EINVAL;
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->verdict = v;
	m->seconds = secs;
	m->programs = progs;
	snprintf(m->cls, sizeof(m->cls), "%s", cls);
	m->judged = 1;
	return 0;
}

/* A path or name for a single-quoted shell word; -EINVAL if it holds a quote. */
static int shell_word_ok(const char *s, const char *what, char *err, size_t errlen)
{
	if (!strchr(s, '\''))
		return 0;
	snprintf(err, errlen, "%s '%s': a single quote is not allowed here", what, s);
	return -EINVAL;
}

/* Run cmd through fuzz_system; its exit status, or -1 when it could not
 * run or was killed by a signal. */
static int run_cmd(const char *cmd)
{
	int st = fuzz_system(cmd);

	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Drop leading and trailing blanks, escaped tabs ("\\t") included. */
static void trim_escaped(char *s)
{
	size_t n, i = 0;

	while (s[i] == ' ' || (s[i] == '\\' && s[i + 1] == 't'))
		i += s[i] == ' ' ? 1 : 2;
	memmove(s, s + i, strlen(s + i) + 1);
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
}

/* index.tsv -> r->m[]: "id file line op what orig new". */
static int read_index(const char *path, struct adequacy_result *r, char *err, size_t errlen)
{
	char line[8192];
	unsigned ln = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	r->n = 0;
	while (fgets(line, sizeof(line), f)) {
		struct adequacy_mutant *m = &r->m[r->n];

		ln++;
		if (r->n == ADQ_MAX_MUTANTS) {
			snprintf(err, errlen, "%s:%u: more than %d mutants", path, ln, ADQ_MAX_MUTANTS);
			fclose(f);
			return -E2BIG;
		}
		memset(m, 0, sizeof(*m));
		if (sscanf(line, "%15[^\t]\t%127[^\t]\t%u\t%15[^\t]\t%159[^\t]\t%255[^\t]\t%255[^\n]",
			   m->id, m->file, &m->line, m->op, m->what, m->before, m->after) != 7) {
			snprintf(err, errlen, "%s:%u: malformed index line", path, ln);
			fclose(f);
			return -EINVAL;
		}
		trim_escaped(m->before);
		trim_escaped(m->after);
		r->n++;
	}
	fclose(f);
	return 0;
}

/* results.tsv -> the judged fields of r->m[] (matched by id). */
static int read_results(const char *path, struct adequacy_result *r, char *err, size_t errlen)
{
	char line[1024];
	unsigned ln = 0, i;
	FILE *f = fopen(path, "r");

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct adequacy_mutant got;

		ln++;
		if (line[0] == '#')
			continue;
		memset(&got, 0, sizeof(got));
		if (adequacy_parse_result(line, &got)) {
			snprintf(err, errlen, "%s:%u: malformed result line (id, verdict, seconds, "
				 "programs, class, ...)", path, ln);
			fclose(f);
			return -EINVAL;
		}
		for (i = 0; i < r->n && strcmp(r->m[i].id, got.id); i++)
			;
		if (i == r->n) {
			snprintf(err, errlen, "%s:%u: mutant '%s' is not in the run's index", path, ln, got.id);
			fclose(f);
			return -EINVAL;
		}
		r->m[i].verdict = got.verdict;
		r->m[i].seconds = got.seconds;
		r->m[i].programs = got.programs;
		snprintf(r->m[i].cls, sizeof(r->m[i].cls), "%s", got.cls);
		r->m[i].judged = 1;
	}
	fclose(f);
	return 0;
}

/* Every judged mutant, in index order, written over results.tsv at once. */
static int save_results(const char *path, const struct adequacy_result *r)
{
	size_t cap = 64 + (size_t)r->n * 512, len = 0;
	char *buf = malloc(cap);
	int ret;

	if (!buf)
		return -ENOMEM;
	len += snprintf(buf, cap, "# id\tverdict\tseconds\tprograms\tclass\tfile:line\top\twhat\n");
	for (unsigned i = 0; i < r->n; i++) {
		if (!r->m[i].judged)
			continue;
		if (adequacy_format_result(&r->m[i], buf + len, cap - len))
			continue;
		len += strlen(buf + len);
	}
	ret = finding_replace_file(path, buf, len);
	free(buf);
	return ret;
}

int adequacy_line_hit(const char *info, const char *file, unsigned line)
{
	char buf[PATH_MAX + 64];
	size_t fl = strlen(file);
	int in = 0, hit = 0;
	FILE *f = fopen(info, "r");

	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f) && !hit) {
		unsigned l, n;

		buf[strcspn(buf, "\n")] = 0;
		if (!strncmp(buf, "SF:", 3)) {
			size_t bl = strlen(buf);

			in = bl >= fl + 1 && !strcmp(buf + bl - fl, file) && buf[bl - fl - 1] == '/';
		} else if (in && sscanf(buf, "DA:%u,%u", &l, &n) == 2 && l == line && n > 0) {
			hit = 1;
		}
	}
	fclose(f);
	return hit;
}

static int is_kill(const char *cls)
{
	return !strcmp(cls, "regression") || !strcmp(cls, "root-aliasing") || !strcmp(cls, "host-fault");
}

/*
 * Fuzz one built mutant.  0 with m judged (or left unjudged when the
 * campaign failed: said), 1 when a stop request ended it.
 */
static int fuzz_mutant(const struct adequacy_opts *o, const char *out, struct adequacy_mutant *m)
{
	char kernels[PATH_MAX + 128], work[PATH_MAX], findings[PATH_MAX], log[PATH_MAX + 16];
	char rec[PATH_MAX + 16], info[PATH_MAX + 64], cmd[4 * PATH_MAX];
	char abs_out[PATH_MAX], err[512];
	struct fuzz_opts fo;
	struct fuzz_stats st;
	int saved_err, fd, ret;

	if (!realpath(out, abs_out)) {
		say("adequacy: %s: %s", out, strerror(errno));
		return 0;
	}
	snprintf(work, sizeof(work), "%s/work/%s", abs_out, m->id);
	snprintf(findings, sizeof(findings), "%s/findings/%s", abs_out, m->id);
	snprintf(kernels, sizeof(kernels), "%s%s,%s/build/%s", o->baseline, o->reach ? "+cov" : "",
		 abs_out, m->id);
	/* A campaign a stop request cut short starts over, not from its queue. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", work, findings);
	if (run_cmd(cmd)) {
		say("adequacy: cannot clear %s", work);
		return 0;
	}
	if (finding_mkdir_parents(work)) {
		say("adequacy: cannot create %s", work);
		return 0;
	}
	snprintf(rec, sizeof(rec), "%s/kcov", work);
	if (o->reach)
		setenv("MMUFUZZ_KCOV_RECORD", rec, 1);
	fuzz_opts_default(&fo);
	fo.kernels = kernels;
	fo.engine_afl = o->engine_afl;
	fo.seconds = o->seconds;
	fo.corpus = o->corpus;
	fo.findings = findings;
	fo.work = work;
	fo.seed = o->seed;
	{
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Boots and confirmation runs come on top of the budget. */
		fo.hard_deadline = now.tv_sec + o->seconds + 300;
	}

	/* The engine's chatter goes to the mutant's log, not the terminal. */
	snprintf(log, sizeof(log), "%s/engine.log", work);
	fflush(stderr);
	saved_err = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && saved_err >= 0)
		dup2(fd, 2);
	ret = fuzz_run(&fo, &st, err, sizeof(err));
	fflush(stderr);
	if (saved_err >= 0) {
		dup2(saved_err, 2);
		close(saved_err);
	}
	if (fd >= 0)
		close(fd);
	unsetenv("MMUFUZZ_KCOV_RECORD");
	if (ret) {
		say("adequacy: %s: the fuzzer could not run: %s (log: %s); left for a rerun", m->id, err, log);
		return 0;
	}
	if (st.signo)
		return 1;
	m->programs = st.programs;
	if (st.findings && is_kill(st.first_class)) {
		m->verdict = ADQ_KILLED;
		m->seconds = st.first_finding_s;
		snprintf(m->cls, sizeof(m->cls), "%s", st.first_class);
		m->judged = 1;
		return 0;
	}
	if (!st.programs) {
		say("adequacy: %s: the campaign ran no program (log: %s); left for a rerun", m->id, log);
		return 0;
	}
	m->verdict = ADQ_SURVIVED;
	m->seconds = st.seconds;
	snprintf(m->cls, sizeof(m->cls), "%s", st.findings ? st.first_class : "-");
	m->judged = 1;
	if (!o->reach)
		return 0;
	/* Did the baseline run the mutated line?  Its PCs -> lcov.  Only
	 * the baseline is a +cov kernel: the one record of the run is its
	 * (named after the kernel, "6.12-baseline+cov" on 6.12). */
	snprintf(info, sizeof(info), "%s/reach.info", work);
	snprintf(cmd, sizeof(cmd), "set -- '%s'-*.record; [ -f \"$1\" ] && "
		 "d=$(kernels/variant-dir.sh --lookup '%s+cov') && "
		 "kernels/cov/lcov.sh \"$d\" \"$1\" '%s' 2>/dev/null", rec, o->baseline, info);
	if (run_cmd(cmd)) {
		say("adequacy: %s: no coverage record of its run (%s-*.record); reach not judged",
		    m->id, rec);
		return 0;
	}
	if (adequacy_line_hit(info, m->file, m->line) == 0)
		m->verdict = ADQ_UNREACHED;
	return 0;
}

int adequacy_run(const struct adequacy_opts *o, struct adequacy_result *r, char *err, size_t errlen)
{
	char mdir[PATH_MAX], results[PATH_MAX], cmd[6 * PATH_MAX], bdir[PATH_MAX + 32];
	char ref[PATH_MAX + 32], pfx[64] = "";
	unsigned done = 0;
	int ret;

	memset(r->count, 0, sizeof(r->count));
	r->signo = 0;
	if (!o->out || !*o->out || (!o->cand == !o->reached)) {
		snprintf(err, errlen, "an output folder and one of a candidate and a tracefile are needed");
		return -EINVAL;
	}
	if (o->reach && !o->reached) {
		snprintf(err, errlen, "reach can be judged only for mutants of reached baseline lines (--reached)");
		return -EINVAL;
	}
	if ((ret = shell_word_ok(o->out, "--out", err, errlen)) ||
	    (ret = shell_word_ok(o->baseline, "--kernel", err, errlen)) ||
	    (o->cand && (ret = shell_word_ok(o->cand, "--kernel", err, errlen))) ||
	    (o->reached && (ret = shell_word_ok(o->reached, "--reached", err, errlen))))
		return ret;
	/* "6.12:baseline": the mutants are 6.12 patches ("6.12:PATH"). */
	if (strchr(o->baseline, ':'))
		snprintf(pfx, sizeof(pfx), "%.*s:", (int)(strchr(o->baseline, ':') - o->baseline),
			 o->baseline);
	snprintf(mdir, sizeof(mdir), "%s/mutants", o->out);
	snprintf(results, sizeof(results), "%s/results.tsv", o->out);
	ret = finding_mkdir_parents(mdir);
	if (ret) {
		snprintf(err, errlen, "cannot create %s: %s", mdir, strerror(-ret));
		return ret;
	}

	snprintf(cmd, sizeof(cmd), "kernels/mutants/prepare.sh --kernel '%s' %s '%s' --seed %u --count %u '%s'",
		 o->baseline, o->cand ? "--patch" : "--reached", o->cand ? o->cand : o->reached,
		 o->seed, o->mutants, mdir);
	ret = run_cmd(cmd);
	if (stop_requested())
		return r->signo = stop_requested(), 0;
	if (ret) {
		snprintf(err, errlen, "making the mutants failed (kernels/mutants/prepare.sh exit %d)", ret);
		return -EIO;
	}
	snprintf(cmd, sizeof(cmd), "%s/index.tsv", mdir);
	if ((ret = read_index(cmd, r, err, errlen)) || (ret = read_results(results, r, err, errlen)))
		return ret;

	/* The reference: the same tree, nothing mutated. */
	snprintf(ref, sizeof(ref), "%s/build/ref", o->out);
	if (access(ref, F_OK)) {
		snprintf(cmd, sizeof(cmd), "kernels/mutants/build.sh '%s%s/ref.patch' '%s' >'%s/ref.build.log' 2>&1",
			 pfx, mdir, ref, mdir);
		ret = run_cmd(cmd);
		if (stop_requested())
			return r->signo = stop_requested(), 0;
		if (ret) {
			snprintf(err, errlen, "the unmutated reference (%s/ref.patch) does not build (exit %d, "
				 "log %s/ref.build.log)", mdir, ret, mdir);
			return -EIO;
		}
	}

	for (unsigned i = 0; i < r->n; i++)
		done += r->m[i].judged;
	for (unsigned i = 0; i < r->n && !r->signo; i++) {
		struct adequacy_mutant *m = &r->m[i];

		if (m->judged)
			continue;
		snprintf(bdir, sizeof(bdir), "%s/build/%s", o->out, m->id);
		snprintf(cmd, sizeof(cmd), "kernels/mutants/build.sh '%s%s/%s.patch' '%s' >'%s/%s.build.log' 2>&1",
			 pfx, mdir, m->id, bdir, mdir, m->id);
		ret = run_cmd(cmd);
		if (stop_requested()) {
			r->signo = stop_requested();
			break;
		}
		if (ret == 4) {
			m->verdict = ADQ_STILLBORN;
			snprintf(m->cls, sizeof(m->cls), "-");
			m->judged = 1;
		} else if (ret) {
			say("adequacy: %s: build failed (exit %d, log %s/%s.build.log); left for a rerun",
			    m->id, ret, mdir, m->id);
			continue;
		} else {
			snprintf(cmd, sizeof(cmd), "kernels/mutants/same-code.sh '%s' '%s' >/dev/null", ref, bdir);
			ret = run_cmd(cmd);
			if (ret == 0) {
				m->verdict = ADQ_EQUIVALENT;
				snprintf(m->cls, sizeof(m->cls), "-");
				m->judged = 1;
			} else if (ret != 1) {
				say("adequacy: %s: cannot compare its code with the reference's (exit %d)", m->id, ret);
			}
			if (!m->judged && fuzz_mutant(o, o->out, m)) {
				r->signo = stop_requested() ? stop_requested() : SIGTERM;
				break;
			}
		}
		if (!m->judged)
			continue;
		ret = save_results(results, r);
		if (ret) {
			snprintf(err, errlen, "%s: cannot save: %s", results, strerror(-ret));
			return ret;
		}
		done++;
		if (o->judged)
			o->judged(m, done, r->n, o->ctx);
	}
	for (unsigned i = 0; i < r->n; i++)
		if (r->m[i].judged)
			r->count[r->m[i].verdict]++;
	return 0;
}
