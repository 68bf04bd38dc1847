// SPDX-License-Identifier: GPL-2.0
/*
 * The nightly job's corpus replay: every program of the corpus folder
 * runs on every variant, and each kernel's verdict is compared with the
 * one recorded for it in <corpus>/expected/<base>-<variant>.txt:
 *
 *   # comment
 *   cr0-wp clean
 *   pae-shared-pdpt-page violation
 *
 * (the program's file name without .mmu, then one of night_verdicts).
 * A verdict that differs twice in a row is a finding of its own (a
 * "replay" group); one that differs once and then matches is reported as
 * flaky.  A program with no line yet gets one: the first night records
 * the expectations, a person reviews and commits them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/campaign/minimize.h"
#include "harness/campaign/nightly_int.h"
#include "harness/program/prog.h"
#include "harness/store/finding.h"
#include "harness/vm/vmclient.h"

static const char *const night_verdicts[] = {
	"clean", "violation", "aliasing", "host-fault", "refused",
};

const char *night_kernel_verdict(const struct diffrun_kernel *k)
{
	if (k->died)
		return "host-fault";
	if (k->outcome.violations)
		return "violation";
	if (k->outcome.aliasing)
		return "aliasing";
	return "clean";
}

static int name_ok(const char *s, size_t n)
{
	if (!n || n >= sizeof(((struct night_expect *)0)->name[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._+-", s[i])))
			return 0;
	return 1;
}

int night_expect_parse(const char *file, const char *text, size_t tlen, struct night_expect *e,
		       char *err, size_t errlen)
{
	const char *s = text, *top = text + tlen;
	unsigned line = 0;

	e->n = 0;
	while (s < top) {
		const char *end = memchr(s, '\n', (size_t)(top - s)), *a, *b, *c;
		size_t len = end ? (size_t)(end - s) : (size_t)(top - s);
		char buf[256];
		unsigned i;

		line++;
		if (len >= sizeof(buf)) {
			snprintf(err, errlen, "%s:%u: line longer than %zu bytes", file, line,
				 sizeof(buf) - 1);
			return -EINVAL;
		}
		memcpy(buf, s, len);
		buf[len] = 0;
		s += len + (end ? 1 : 0);
		if (strchr(buf, '#'))
			*strchr(buf, '#') = 0;
		for (a = buf; *a == ' ' || *a == '\t'; a++)
			;
		if (!*a)
			continue;
		for (b = a; *b && *b != ' ' && *b != '\t'; b++)
			;
		for (c = b; *c == ' ' || *c == '\t'; c++)
			;
		if (!name_ok(a, (size_t)(b - a)) || !*c) {
			snprintf(err, errlen, "%s:%u:%zu: expected \"<program> <verdict>\"", file, line,
				 (size_t)(a - buf) + 1);
			return -EINVAL;
		}
		for (i = 0; i < sizeof(night_verdicts) / sizeof(night_verdicts[0]); i++) {
			size_t vl = strlen(night_verdicts[i]);

			if (!strncmp(c, night_verdicts[i], vl) &&
			    (!c[vl] || c[vl] == ' ' || c[vl] == '\t'))
				break;
		}
		if (i == sizeof(night_verdicts) / sizeof(night_verdicts[0])) {
			snprintf(err, errlen, "%s:%u:%zu: unknown verdict '%.24s' (clean, violation, "
				 "aliasing, host-fault, refused)", file, line, (size_t)(c - buf) + 1, c);
			return -EINVAL;
		}
		if (e->n == NIGHT_MAX_EXPECT) {
			snprintf(err, errlen, "%s:%u: more than %d programs", file, line,
				 NIGHT_MAX_EXPECT);
			return -EINVAL;
		}
		snprintf(e->name[e->n], sizeof(e->name[0]), "%.*s", (int)(b - a), a);
		snprintf(e->verdict[e->n], sizeof(e->verdict[0]), "%s", night_verdicts[i]);
		e->n++;
	}
	return (int)e->n;
}

int night_expect_path(const char *corpus, const char *spec, char *out, size_t cap, char *err,
		      size_t errlen)
{
	char name[VMC_VARIANT_NAME_MAX + 1];
	int ret = vmc_variant_name(spec, name, sizeof(name), err, errlen);

	if (ret)
		return ret;
	snprintf(out, cap, "%s/expected/%s%s.txt", corpus, strchr(spec, ':') ? "" : "6.1-", name);
	return 0;
}

static int load_expect(const char *path, struct night_expect *e, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len;
	int ret;

	e->n = 0;
	if (prog_read_file(path, 1u << 20, &text, &len, err, errlen))
		return 0;	/* none yet: this night records them */
	ret = night_expect_parse(path, text, len, e, err, errlen);
	free(text);
	return ret < 0 ? ret : 0;
}

static int save_expect(const char *path, const struct night_expect *e)
{
	char dir[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	fprintf(f, "# Expected verdict of each corpus program on this kernel (mmufuzz nightly;\n"
		   "# corpus/README.md).  A night whose verdict differs reports a finding.\n");
	for (unsigned i = 0; i < e->n; i++)
		fprintf(f, "%s %s\n", e->name[i], e->verdict[i]);
	fclose(f);
	snprintf(dir, sizeof(dir), "%s", path);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	ret = finding_mkdir_parents(dir);
	if (!ret)
		ret = finding_replace_file(path, buf, len);
	free(buf);
	return ret;
}

static const char *lookup(const struct night_expect *e, const char *name)
{
	for (unsigned i = 0; i < e->n; i++)
		if (!strcmp(e->name[i], name))
			return e->verdict[i];
	return NULL;
}

static int is_mmu(const struct dirent *de)
{
	size_t l = strlen(de->d_name);

	return l >= 5 && !strcmp(de->d_name + l - 4, ".mmu");
}

/* The verdicts of one run: refused (diffrun_run failed) for every kernel. */
static void verdicts_of(int ret, const struct diffrun_result *r, const char *out[2])
{
	for (int i = 0; i < 2; i++)
		out[i] = ret ? "refused" : i < r->n ? night_kernel_verdict(&r->k[i]) : "refused";
}

int night_replay(struct night *n, struct diffrun *dr, const char *const spec[2],
		 int check_baseline, double until)
{
	static struct night_expect e[2];
	static struct program p;
	char path[2][PATH_MAX], err[512], prog[PATH_MAX + 256], vname[2][VMC_VARIANT_NAME_MAX + 1];
	struct diffrun_result *r = diffrun_result_new();
	unsigned recorded[2] = { 0, 0 }, changed = 0, flaky = 0, done = 0;
	size_t nfiles;
	char **files = night_list(n->o->corpus, is_mmu, &nfiles);
	int ret = 0;

	if (!r || !files) {
		fprintf(n->rep, "- harness: corpus %s: no programs to replay\n", n->o->corpus);
		n->st->errors++;
		diffrun_result_free(r);
		free(files);
		return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		if (night_expect_path(n->o->corpus, spec[i], path[i], sizeof(path[i]), err, sizeof(err)) ||
		    vmc_variant_name(spec[i], vname[i], sizeof(vname[i]), err, sizeof(err)) ||
		    load_expect(path[i], &e[i], err, sizeof(err))) {
			fprintf(n->rep, "- harness: expected verdicts: %s\n", err);
			n->st->errors++;
			ret = -EINVAL;
			goto out;
		}
	}
	for (size_t f = 0; f < nfiles; f++) {
		const char *got[2], *again[2];
		char name[96];
		int rr;

		if (min_now() > until) {
			fprintf(n->rep, "- harness: the replay ran out of time after %u of %zu "
				"programs\n", done, nfiles);
			n->st->step_failures++;
			break;
		}
		snprintf(prog, sizeof(prog), "%s/%s", n->o->corpus, files[f]);
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(files[f]) - 4), files[f]);
		if (prog_parse_file(prog, &p, err, sizeof(err))) {
			fprintf(n->rep, "- harness: corpus program %s\n", err);
			n->st->errors++;
			ret = -EINVAL;
			continue;
		}
		rr = diffrun_run(dr, &p, r);
		verdicts_of(rr, r, got);
		done++;
		for (int i = check_baseline ? 0 : 1; i < 2; i++) {
			const char *want = lookup(&e[i], name);
			struct night_key k;
			char why[200];

			n->st->replayed++;
			if (!want) {
				/* A VM death may be the host's load: record it
				 * only when a second run shows it too. */
				if (!strcmp(got[i], "host-fault")) {
					rr = diffrun_run(dr, &p, r);
					verdicts_of(rr, r, again);
					if (strcmp(again[i], got[i])) {
						fprintf(n->rep, "- %s on %s: host-fault, then %s: no "
							"expectation recorded\n", name, vname[i],
							again[i]);
						continue;
					}
				}
				if (e[i].n < NIGHT_MAX_EXPECT) {
					snprintf(e[i].name[e[i].n], sizeof(e[i].name[0]), "%s", name);
					snprintf(e[i].verdict[e[i].n++], sizeof(e[i].verdict[0]), "%s", got[i]);
					recorded[i]++;
				}
				continue;
			}
			if (!strcmp(want, got[i]))
				continue;
			/* Once more: a changed verdict must be repeatable. */
			rr = diffrun_run(dr, &p, r);
			verdicts_of(rr, r, again);
			if (strcmp(again[i], got[i])) {
				fprintf(n->rep, "- %s on %s: expected %s, got %s then %s (flaky, not "
					"reported)\n", name, vname[i], want, got[i], again[i]);
				flaky++;
				continue;
			}
			memset(&k, 0, sizeof(k));
			snprintf(k.what, sizeof(k.what), "replay");
			snprintf(k.rule, sizeof(k.rule), "%.20s-to-%.20s", want, got[i]);
			snprintf(k.op, sizeof(k.op), "%s", "");
			finding_signature(vname[i], "", name, k.key, sizeof(k.key));
			{
				size_t l = strlen(k.key);

				snprintf(k.key + l, sizeof(k.key) - l, "-replay-%s-to-%s", want, got[i]);
			}
			snprintf(why, sizeof(why), "corpus %s: expected %s (%s), got %s", files[f],
				 want, path[i], got[i]);
			night_group_add(n, &k, vname[i], prog, p.n_ops, why, "a corpus program");
			changed++;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (!recorded[i])
			continue;
		if (save_expect(path[i], &e[i]) == -ENOSPC)
			n->st->disk_full = 1;
		fprintf(n->rep, "- recorded %u expected verdict(s) in %s (review and commit them)\n",
			recorded[i], path[i]);
	}
	fprintf(n->rep, "- corpus replay on %s%s%s: %u program(s), %u changed verdict(s), %u "
		"flaky\n", check_baseline ? vname[0] : "", check_baseline ? " and " : "", vname[1],
		done, changed, flaky);
out:
	for (size_t f = 0; f < nfiles; f++)
		free(files[f]);
	free(files);
	diffrun_result_free(r);
	return ret;
}
