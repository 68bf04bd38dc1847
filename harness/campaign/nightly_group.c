// SPDX-License-Identifier: GPL-2.0
/*
 * The nightly job's triage: one bug, one entry.  Each finding folder the
 * fuzzer left tonight is minimized, re-run, and grouped by what it has in
 * common with the others (night_group_key); a group is reported once,
 * with its count and its smallest reproducer, and saved in
 * <findings>/nightly/groups/ so a later night knows it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness/campaign/minimize.h"
#include "harness/campaign/nightly_int.h"
#include "harness/core/stop.h"
#include "harness/program/prog.h"
#include "harness/report/repro.h"
#include "harness/store/finding.h"

#define MARKER "nightly-group.txt"
#define MIN_TRIES 300

const char *night_violation_kind(const struct violation *v)
{
	const struct op_expect *e = &v->expect;
	int any_done = 0, same_vector = 0;

	if (v->op < 0)
		return "run-end";
	for (unsigned i = 0; i < e->n_out; i++) {
		if (e->out[i].kind == OUT_DONE || e->out[i].kind == OUT_ANY_VALUE)
			any_done = 1;
		if (e->out[i].kind == OUT_EXCEPTION && e->out[i].vector == v->observed.vector)
			same_vector = 1;
	}
	switch (v->observed.status) {
	case OPS_NOT_RUN:
		return "unreported";
	case OPS_DONE:
		return any_done ? "wrong-value" : "missing-fault";
	case OPS_EXCEPTION:
		if (same_vector)
			return "wrong-error-code";
		return v->observed.vector == 14 ? "unexpected-pf" :
		       v->observed.vector == 13 ? "unexpected-gp" : "unexpected-exception";
	case OPS_MMIO:
		return "unexpected-mmio";
	default:
		return "unknown";
	}
}

/* Which kernels a class blames: the key's first word. */
static const char *blame(enum diff_class c)
{
	switch (c) {
	case DIFF_REGRESSION:
	case DIFF_ALIASING:
		return "patch";
	case DIFF_PREEXISTING:
		return "both";
	case DIFF_FIXED:
		return "fixed";
	case DIFF_HOST_FAULT:
		return "host-fault";
	default:
		return diff_class_name(c);
	}
}

static void make_key(const char *cand, struct night_key *k)
{
	char parts[NIGHT_KEY_MAX];

	snprintf(parts, sizeof(parts), "%s-%s%s%s%s%s", k->what, k->rule, k->op[0] ? "-" : "",
		 k->op, k->mode[0] ? "-" : "", k->mode);
	/* finding_signature's charset: "<cand>--<what>-<rule>[-<op>][-<mode>]". */
	finding_signature(cand, "", parts, k->key, sizeof(k->key));
}

void night_vm_key(const char *cand, const char *vm_folder, struct night_key *k)
{
	const char *base = strrchr(vm_folder, '/');
	const char *hash;

	base = base ? base + 1 : vm_folder;
	memset(k, 0, sizeof(*k));
	snprintf(k->what, sizeof(k->what), "host-fault");
	/* vm-<kind>-<variant>-<req>-<site hash>: kind and variant and site
	 * say which kernel complained where; the request type does not. */
	hash = strrchr(base, '-');
	if (!strncmp(base, "vm-", 3)) {
		const char *kind_end = strchr(base + 3, '-');
		int kind_len = kind_end ? (int)(kind_end - base - 3) : (int)strlen(base + 3);
		const char *var = kind_end ? kind_end + 1 : "";
		const char *req = hash;
		int var_len;

		/* The variant runs up to "-run-", "-exec-", "-ping-" or "-req-". */
		for (const char *r = var; (r = strchr(r, '-')); r++)
			if (!strncmp(r, "-run-", 5) || !strncmp(r, "-exec-", 6) ||
			    !strncmp(r, "-ping-", 6) || !strncmp(r, "-req-", 5)) {
				req = r;
				break;
			}
		var_len = req && req > var ? (int)(req - var) : (int)strlen(var);
		snprintf(k->rule, sizeof(k->rule), "%.*s-%.*s-%s", kind_len, base + 3, var_len, var,
			 hash ? hash + 1 : "");
	} else {
		snprintf(k->rule, sizeof(k->rule), "%s", base);
	}
	make_key(cand, k);
}

/*
 * The flaw a root finding shows, for its key.  ALIAS and STALE are one
 * flaw when the table the root entry shows came from a PDPT on the 4 KiB
 * page loaded now: ALIAS another PDPT of that page, STALE the same PDPT
 * before the guest rewrote it.  Either way a root found by its page was
 * entered without its entries being checked against the PDPTEs just
 * loaded, and a design that keys roots by page shows both (the RFC's
 * minimized findings: CR3 A then CR3 A+0x20; CR3 A, a store to a PDPTE
 * of A, CR3 A).  Other rules (a root for the wrong table from anywhere
 * else, a wrong role, PDPTEs the guest never loaded) are flaws of their
 * own.
 */
static const char *root_flaw(const struct roots_finding *f)
{
	int same_page = f->cr3_built && !((f->cr3_built ^ f->cr3_now) & ~0xfffull);

	if ((f->rule == ROOTS_ALIAS || f->rule == ROOTS_STALE) && same_page)
		return "reuse-pdpt-page";
	return roots_rule_name((enum roots_rule)f->rule);
}

void night_group_key(const char *cand, const struct program *p, const struct diffrun_result *r,
		     struct night_key *k)
{
	const struct diffrun_kernel *c = &r->k[r->n - 1];
	enum diff_class cls = r->diff.cls;

	memset(k, 0, sizeof(*k));
	snprintf(k->what, sizeof(k->what), "%s", blame(cls));
	if (cls == DIFF_HOST_FAULT) {
		for (int i = r->n - 1; i >= 0; i--)
			if (r->k[i].died && r->k[i].vm_finding[0]) {
				night_vm_key(cand, r->k[i].vm_finding, k);
				return;
			}
		snprintf(k->rule, sizeof(k->rule), "unrecorded");
		make_key(cand, k);
		return;
	}
	/* The kernel to blame: the candidate unless only the baseline breaks. */
	if (cls == DIFF_FIXED)
		c = &r->k[0];
	if (c->outcome.aliasing > 0 && c->roots.n_findings) {
		snprintf(k->rule, sizeof(k->rule), "root-%s", root_flaw(&c->roots.f[0]));
		snprintf(k->mode, sizeof(k->mode), "pae");
		make_key(cand, k);
		return;
	}
	if (c->verdict.n) {
		const struct violation *v = &c->verdict.v[0];

		snprintf(k->rule, sizeof(k->rule), "%s", night_violation_kind(v));
		if (v->op >= 0 && v->op < p->n_ops) {
			snprintf(k->op, sizeof(k->op), "%s", prog_op_name(p->ops[v->op].kind));
			snprintf(k->mode, sizeof(k->mode), "%s", oracle_paging_mode_name(v->expect.mode));
		}
	} else {
		snprintf(k->rule, sizeof(k->rule), "%s", diff_class_name(cls));
	}
	make_key(cand, k);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int night_group_add(struct night *n, const struct night_key *k, const char *cand,
		    const char *dir, unsigned ops, const char *why, const char *note)
{
	char hits[PATH_MAX + 8], line[512], gdir[PATH_MAX + NIGHT_KEY_MAX + 16];
	struct night_group *g = NULL;
	unsigned events = 1;
	FILE *f;
	unsigned i;

	snprintf(hits, sizeof(hits), "%s/hits", dir);
	f = fopen(hits, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			events++;
		fclose(f);
	}
	for (i = 0; i < n->n_groups; i++)
		if (!strcmp(n->g[i].k.key, k->key))
			g = &n->g[i];
	if (!g) {
		if (n->n_groups == NIGHT_MAX_GROUPS)
			return -1;
		g = &n->g[n->n_groups++];
		memset(g, 0, sizeof(*g));
		g->k = *k;
		snprintf(g->cand, sizeof(g->cand), "%s", cand);
		snprintf(gdir, sizeof(gdir), "%s/groups/%s", n->state, k->key);
		g->is_new = access(gdir, F_OK) != 0;
		g->best_ops = ~0u;
	}
	g->members++;
	g->events += events;
	if (ops < g->best_ops) {
		g->best_ops = ops;
		snprintf(g->best_dir, sizeof(g->best_dir), "%s", dir);
		snprintf(g->why, sizeof(g->why), "%s", why);
		snprintf(g->note, sizeof(g->note), "%s", note ? note : "");
	}
	/* Finding folders get a marker at commit; a corpus program does not. */
	if (is_dir(dir) && n->n_marks < NIGHT_MAX_MARKS) {
		snprintf(n->m[n->n_marks].dir, sizeof(n->m[0].dir), "%s", dir);
		n->m[n->n_marks++].group = (int)(g - n->g);
	}
	return (int)(g - n->g);
}

/* The candidate's name as it appears in file names (vmclient's). */
static int owns(const char *dir, const char *name, const char *cand)
{
	char path[PATH_MAX + 96], tag[NIGHT_KEY_MAX];
	size_t l;

	if (!strncmp(name, "vm-", 3)) {
		const char *var = strchr(name + 3, '-');

		if (!var)
			return 0;
		var++;
		/* vmclient names the folder in finding_signature's charset:
		 * "6.12-pae-root-rfc" is "6-12-pae-root-rfc" there. */
		finding_signature(cand, "", "", tag, sizeof(tag));
		l = strlen(tag);
		l = l > 2 ? l - 2 : 0;		/* without the two "-" separators */
		tag[l] = 0;
		cand = tag;
		/* Baseline deaths are triaged with whichever candidate runs first. */
		if (!strncmp(var, "baseline-", 9) || strstr(var, "-baseline-"))
			return 1;
		return !strncmp(var, cand, l) && var[l] == '-';
	}
	snprintf(path, sizeof(path), "%s/trace-%s.txt", dir, cand);
	return !access(path, F_OK);
}

static int read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(out, (int)cap, f) != NULL;
	out[strcspn(out, "\n")] = 0;
	fclose(f);
	return ok && out[0];
}

/* The vm record a host-fault folder points at (vm-finding-<kernel>.txt):
 * the candidate's if it has one, else the baseline's. */
static int vm_record_of(const char *dir, const char *cand, char *out, size_t cap)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "%s/vm-finding-%s.txt", dir, cand);
	if (read_line(path, out, cap))
		return 1;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (strncmp(de->d_name, "vm-finding-", 11))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		found = read_line(path, out, cap);
	}
	closedir(d);
	return found;
}

/* Reproducers into dir/repro unless an earlier (killed) night wrote them. */
static void write_repro(const char *dir, const struct program *p, const struct diffrun_result *r,
			const char *kernels)
{
	char rdir[PATH_MAX + 8], probe[PATH_MAX + 32];

	snprintf(rdir, sizeof(rdir), "%s/repro", dir);
	snprintf(probe, sizeof(probe), "%s/repro.mmu", rdir);
	if (!access(probe, F_OK))
		return;
	repro_write_all(rdir, p, r, kernels);
}

/*
 * A WARN or panic: not minimized (every step that provokes it again is a
 * panic and a reboot, or with warn_goes_on a WARN_ON_ONCE that stays
 * silent); the program that provoked it is its reproducer.
 */
static void triage_host_fault(struct night *n, const char *cand, const char *kernels,
			      const char *dir, const char *name)
{
	static struct program p;
	char rec[PATH_MAX], err[512], why[200], rpath[PATH_MAX + 16];
	struct night_key k;

	if (!strncmp(name, "vm-", 3))
		snprintf(rec, sizeof(rec), "%s", name);
	else if (!vm_record_of(dir, cand, rec, sizeof(rec)))
		snprintf(rec, sizeof(rec), "%s", name);
	night_vm_key(cand, rec, &k);
	snprintf(why, sizeof(why), "%s", k.rule);
	snprintf(rpath, sizeof(rpath), "%s/reason", dir);
	read_line(rpath, why, sizeof(why));
	if (finding_load(dir, &p, rec, sizeof(rec), err, sizeof(err))) {
		/* A death outside a RUN (boot, ping) has no program. */
		night_group_add(n, &k, cand, dir, 0, why, "no program (not a RUN request)");
		return;
	}
	write_repro(dir, &p, NULL, kernels);
	night_group_add(n, &k, cand, dir, p.n_ops, why, "WARN/panic: not minimized");
}

static void triage_verdict(struct night *n, struct diffrun *dr, const char *cand,
			   const char *kernels, const char *dir, double until)
{
	static struct program p;
	char ldir[PATH_MAX], err[512], mpath[PATH_MAX + 32], note[96] = "", why[200];
	struct min_limits lim = { .max_tries = MIN_TRIES, .deadline = until };
	struct diffrun_result *r = NULL;
	struct night_key k;
	enum diff_class cls;
	struct min_stats ms;
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	int minimized;

	if (finding_load(dir, &p, ldir, sizeof(ldir), err, sizeof(err))) {
		fprintf(n->rep, "- harness: %s cannot be loaded: %s\n", name, err);
		n->st->step_failures++;
		return;
	}
	snprintf(mpath, sizeof(mpath), "%s/minimized.mmu", dir);
	minimized = !access(mpath, F_OK);	/* an earlier night got this far */
	if (!dr) {
		/* No VMs: group by the fuzzer's signature, unminimized. */
		memset(&k, 0, sizeof(k));
		snprintf(k.what, sizeof(k.what), "unjudged");
		snprintf(k.rule, sizeof(k.rule), "%s", name);
		finding_signature(cand, "", k.rule, k.key, sizeof(k.key));
		night_group_add(n, &k, cand, dir, p.n_ops, name, "not minimized: no test VMs");
		return;
	}
	if (!minimized) {
		int ret = minimize_finding_limited(dr, &p, &lim, 0, &cls, &ms, err, sizeof(err));

		if (ret == -EINTR) {
			/* Stopped: keep the smallest so far (every step to
			 * it confirmed); this folder is triaged next night. */
			if (ms.kept && !finding_fresh_path(dir, "minimized.mmu", mpath, sizeof(mpath)))
				prog_save(mpath, &p, err, sizeof(err));
			return;
		}
		if (!ret) {
			if (!finding_fresh_path(dir, "minimized.mmu", mpath, sizeof(mpath)) &&
			    prog_save(mpath, &p, err, sizeof(err)) == -ENOSPC)
				n->st->disk_full = 1;
			if (lim.out_of_time)
				snprintf(note, sizeof(note), "partly minimized (out of time)");
		} else if (ret == -ENOENT) {
			snprintf(note, sizeof(note), "did not reproduce tonight");
		} else {
			snprintf(note, sizeof(note), "not minimized: %.80s", err);
			n->st->step_failures++;
		}
		if (lim.host_faults)
			fprintf(n->rep, "- %s: %u minimizer step(s) hit a host fault (not the "
				"finding; no reboot after the first WARN)\n", name, lim.host_faults);
	}
	r = diffrun_result_new();
	if (!r || diffrun_run(dr, &p, r)) {
		memset(&k, 0, sizeof(k));
		snprintf(k.what, sizeof(k.what), "unjudged");
		snprintf(k.rule, sizeof(k.rule), "%s", name);
		finding_signature(cand, "", k.rule, k.key, sizeof(k.key));
		snprintf(why, sizeof(why), "%s", r ? r->diff.why : "out of memory");
		n->st->step_failures++;
		night_group_add(n, &k, cand, dir, p.n_ops, why, "could not be re-run");
		diffrun_result_free(r);
		return;
	}
	if (r->diff.cls == DIFF_CLEAN && !note[0])
		snprintf(note, sizeof(note), "clean when re-run (flaky)");
	if (r->diff.cls == DIFF_CLEAN) {
		/* Group it by what the fuzzer saw, not as "clean". */
		memset(&k, 0, sizeof(k));
		snprintf(k.what, sizeof(k.what), "flaky");
		snprintf(k.rule, sizeof(k.rule), "%s", name);
		finding_signature(cand, "", k.rule, k.key, sizeof(k.key));
	} else {
		night_group_key(cand, &p, r, &k);
	}
	snprintf(why, sizeof(why), "%s: %s", diff_class_name(r->diff.cls), r->diff.why);
	write_repro(dir, &p, r, kernels);
	night_group_add(n, &k, cand, dir, p.n_ops, why, note);
	diffrun_result_free(r);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **night_list(const char *dir, int (*want)(const struct dirent *), size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !want(de))
			continue;
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n])
			n++;
	}
	closedir(d);
	if (!v)
		v = calloc(1, sizeof(*v));
	if (v) {
		qsort(v, n, sizeof(*v), cmp_names);
		v[n] = NULL;
	}
	*count = v ? n : 0;
	return v;
}

/* A finding folder (not the nightly job's own state). */
static int is_finding_dir(const struct dirent *de)
{
	return de->d_type == DT_DIR && strcmp(de->d_name, "nightly");
}

void night_triage(struct night *n, struct diffrun *dr, const char *cand, const char *kernels,
		  double until)
{
	const char *root = n->o->findings;
	char dir[PATH_MAX], marker[PATH_MAX + 32];
	size_t nn;
	char **names = night_list(root, is_finding_dir, &nn);
	unsigned todo = 0;

	if (!names)
		return;
	/* Which are tonight's: not marked by an earlier night, not taken yet. */
	for (size_t i = 0; i < nn; i++) {
		int taken = 0;

		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
		snprintf(marker, sizeof(marker), "%s/" MARKER, dir);
		for (unsigned m = 0; m < n->n_marks && !taken; m++)
			taken = !strcmp(n->m[m].dir, dir);
		if (taken || !access(marker, F_OK) || !owns(dir, names[i], cand)) {
			free(names[i]);
			names[i] = NULL;
			continue;
		}
		todo++;
	}
	for (size_t i = 0; i < nn; i++) {
		double now = min_now(), share;

		if (!names[i])
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
		/* Each folder its share of what is left; WARNs first cost nothing. */
		share = until > now ? (until - now) / (todo ? todo : 1) : 0;
		if (!strncmp(names[i], "vm-", 3) || !strncmp(names[i], "host-fault-", 11))
			triage_host_fault(n, cand, kernels, dir, names[i]);
		else
			triage_verdict(n, dr, cand, kernels, dir, now + share);
		todo--;
		free(names[i]);
		names[i] = NULL;
		if (n->st->disk_full || stop_requested())
			break;
	}
	for (size_t i = 0; i < nn; i++)
		if (names[i])
			free(names[i]);
	free(names);
}

void night_commit(struct night *n)
{
	char groups[PATH_MAX + 16], text[1024], note[128];

	snprintf(groups, sizeof(groups), "%s/groups", n->state);
	for (unsigned i = 0; i < n->n_groups; i++) {
		const struct night_group *g = &n->g[i];
		char repro[PATH_MAX + 64] = "", *prog = NULL;
		size_t plen = 0;
		struct finding_file files[2];
		int nf = 0, len;

		len = snprintf(text, sizeof(text),
			       "key %s\ncandidate %s\nfirst-night %s\nwhat %s\nrule %s\nop %s\nmode %s\n"
			       "why %s\nreproducer %s/repro (%u ops)\n",
			       g->k.key, g->cand, n->date, g->k.what, g->k.rule, g->k.op, g->k.mode,
			       g->why, g->best_dir, g->best_ops);
		files[nf++] = (struct finding_file){ "entry.txt", text,
						     (size_t)(len < (int)sizeof(text) ? len : (int)sizeof(text) - 1) };
		/* A replay group's reproducer is the corpus program itself. */
		snprintf(repro, sizeof(repro), is_dir(g->best_dir) ? "%s/repro/repro.mmu" : "%s",
			 g->best_dir);
		if (!prog_read_file(repro, 1u << 20, &prog, &plen, NULL, 0))
			files[nf++] = (struct finding_file){ "repro.mmu", prog, plen };
		snprintf(note, sizeof(note), "night %s: %u folder(s), %u event(s)", n->date, g->members,
			 g->events);
		if (finding_save(groups, g->k.key, files, (size_t)nf, note, NULL, 0) == -ENOSPC)
			n->st->disk_full = 1;
		free(prog);
	}
	/* Markers last: a folder is triaged once its group is saved. */
	for (unsigned i = 0; i < n->n_marks; i++) {
		const struct night_group *g = &n->g[n->m[i].group];
		char path[PATH_MAX + 32];
		int len = snprintf(text, sizeof(text), "%s\n", g->k.key);

		snprintf(path, sizeof(path), "%s/" MARKER, n->m[i].dir);
		if (finding_replace_file(path, text, (size_t)len) == -ENOSPC)
			n->st->disk_full = 1;
	}
}
