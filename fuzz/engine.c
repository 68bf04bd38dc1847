// SPDX-License-Identifier: GPL-2.0
/* Shared engine glue (see engine.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include "fuzz/directed.h"
#include "fuzz/engine.h"
#include "fuzz/kvm_edges.h"
#include "harness/judge/diffrun.h"
#include "harness/judge/kcovset.h"
#include "harness/search/mutate.h"
#include "harness/core/say.h"

static struct diffrun *dr;
static struct diffrun_result *res;
static unsigned confirm_runs = 2;
static int keep_going, stop_shared;
static unsigned long programs, rejected, findings;
static struct timespec t0;
static FILE *stats;
static struct kvm_edges kedges;
static int kedges_off, kedges_said;
static int warm;		/* MMUFUZZ_RESET=warm (harness/exec/executor.h) */

/* MMUFUZZ_PATCH_SITES: patch-directed scheduling (fuzz/directed.h). */
static struct directed directed;
static int directed_on, directed_said_err;

/*
 * MMUFUZZ_KCOV_RECORD=PREFIX: every distinct KVM PC the runs hit, per
 * kernel, in PREFIX-<kernel>.record (harness/judge/kcovset.h), for
 * counting the lines a campaign covered.
 */
static const char *rec_prefix;
static struct kcov_set recset[DIFFRUN_MAX_KERNELS];
static char rec_name[DIFFRUN_MAX_KERNELS][64];

static void record_take(const struct diffrun_result *r)
{
	for (int i = 0; i < r->n; i++) {
		if (!r->k[i].kcov.on)
			continue;
		snprintf(rec_name[i], sizeof(rec_name[i]), "%s", r->k[i].name);
		kcov_set_add(&recset[i], &r->k[i].kcov);
	}
}

static void record_write(void)
{
	for (int i = 0; i < DIFFRUN_MAX_KERNELS; i++) {
		char path[4096];
		int ret;

		if (!rec_prefix || !recset[i].modules)
			continue;
		snprintf(path, sizeof(path), "%s-%s.record", rec_prefix, rec_name[i]);
		ret = kcov_set_write(&recset[i], path, "campaign");
		if (ret)
			fprintf(stderr, "mmufuzz: %s: %s\n", path, strerror(-ret));
	}
}

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static void write_end(void)
{
	record_write();
	if (directed_on) {
		char line[256];

		directed_summary(&directed, line, sizeof(line));
		fprintf(stderr, "mmufuzz: %s\n", line);
		if (stats)
			fprintf(stats, "directed %s\n", line);
	}
	if (stats && kedges.runs)
		fprintf(stats, "kvm-edges runs %lu switched %lu held-back %lu overflowed %lu "
			"distinct %lu\n", kedges.runs, kedges.switched, kedges.held_back,
			kedges.overflowed, kedges.distinct);
	if (warm && dr) {
		struct diffrun_warm_stats w;

		diffrun_warm_stats(dr, &w);
		fprintf(stderr, "mmufuzz: warm starts: %lu of %lu kernel runs (%.1f table stores "
			"each); warm verdicts confirmed from a clean start: %lu, not confirmed: %lu\n",
			w.warm, w.runs, w.warm ? (double)w.writes / (double)w.warm : 0.0,
			w.confirmed, w.unconfirmed);
		if (stats)
			fprintf(stats, "warm runs %lu warm %lu writes %lu confirmed %lu unconfirmed "
				"%lu\n", w.runs, w.warm, w.writes, w.confirmed, w.unconfirmed);
	}
	if (stats)
		fprintf(stats, "end %lu %.3f rejected %lu findings %lu\n", programs, elapsed(),
			rejected, findings), fclose(stats), stats = NULL;
}

static void engine_say(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

int engine_init(void)
{
	struct diffrun_opts o = {
		.npt = atoi(env_or("MMUFUZZ_NPT", "0")),
		.trace = 1,
		.findings_dir = env_or("MMUFUZZ_FINDINGS", "findings"),
		/* Throughput: a WARN the candidate repeats costs no reboots. */
		.warn_goes_on = 1,
	};
	const char *kernels = env_or("MMUFUZZ_KERNELS", "baseline");
	int ret;

	/* The test VMs' messages (deaths, WARNs, boot failures): stderr, the
	 * engine's log. */
	say_set_sink(engine_say, NULL);
	/* Our parent (mmufuzz fuzz, or AFL++'s fork server) gone means the
	 * run is over: SIGTERM, so a finding being written is finished
	 * first (finding_signals_hold); the VMs then die with us. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	confirm_runs = (unsigned)atoi(env_or("MMUFUZZ_CONFIRM", "2"));
	keep_going = atoi(env_or("MMUFUZZ_KEEP_GOING", "0"));
	stop_shared = atoi(env_or("MMUFUZZ_STOP_SHARED", "0"));
	kedges_off = !atoi(env_or("MMUFUZZ_KVM_EDGES", "1"));
	if (!strcmp(env_or("MMUFUZZ_RESET", "clean"), "warm"))
		warm = 1;
	else if (strcmp(env_or("MMUFUZZ_RESET", "clean"), "clean")) {
		fprintf(stderr, "mmufuzz: MMUFUZZ_RESET=%s: not 'clean' or 'warm'\n",
			getenv("MMUFUZZ_RESET"));
		return -EINVAL;
	}
	o.warm = warm;
	rec_prefix = getenv("MMUFUZZ_KCOV_RECORD");
	if (rec_prefix && !*rec_prefix)
		rec_prefix = NULL;
	if (*env_or("MMUFUZZ_PATCH_SITES", "")) {
		char err[4200];

		ret = directed_open(&directed, getenv("MMUFUZZ_PATCH_SITES"),
				    env_or("MMUFUZZ_DIRECTED_POOL", "directed-pool"), err, sizeof(err));
		if (ret) {
			fprintf(stderr, "mmufuzz: patch-directed scheduling: %s\n", err);
			return ret;
		}
		directed_on = 1;
		fprintf(stderr, "mmufuzz: patch-directed: %u site(s) on changed lines, %u more in "
			"their functions\n", directed.n_line, directed.n - directed.n_line);
	}
	/* Both the record and the patch sites need each run's PCs. */
	o.kcov_pcs = rec_prefix != NULL || directed_on;
	if (getenv("MMUFUZZ_STATS"))
		stats = fopen(getenv("MMUFUZZ_STATS"), "a");
	res = diffrun_result_new();
	if (!res)
		return -ENOMEM;
	fprintf(stderr, "mmufuzz: booting test VMs for %s ...\n", kernels);
	ret = diffrun_open(&dr, kernels, &o);
	if (ret) {
		fprintf(stderr, "mmufuzz: cannot start the test VMs: %s\n", strerror(-ret));
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	atexit(write_end);
	fprintf(stderr, "mmufuzz: fuzzing %s (%s)\n", kernels,
		diffrun_kernels(dr) == 2 ? "baseline vs candidate" : "single kernel");
	return 0;
}

/* Classes worth stopping for; "fixed by the patch" is only reported. */
static int is_finding(enum diff_class c)
{
	return c == DIFF_REGRESSION || c == DIFF_ALIASING || c == DIFF_PREEXISTING ||
	       c == DIFF_HOST_FAULT;
}

static void finding(const struct program *p, const uint8_t *data, size_t size)
{
	enum diff_class cls = res->diff.cls;
	char path[4096], sig[160];
	int r;

	/* A signature already saved costs no confirmation runs: the engine
	 * would otherwise spend its time re-proving the first bug it met. */
	diffrun_signature(p, res, sig, sizeof(sig));
	snprintf(path, sizeof(path), "%s/%s", env_or("MMUFUZZ_FINDINGS", "findings"), sig);
	if (keep_going && !access(path, F_OK) &&
	    !(stop_shared && cls == DIFF_REGRESSION && prog_has_shared_pdpt_page(p))) {
		findings++;
		return;
	}

	/* A host fault is reproducible by nature only sometimes; keep it.
	 * A warm verdict is always confirmed from a clean start. */
	if (cls != DIFF_HOST_FAULT && (confirm_runs || warm)) {
		r = diffrun_confirm(dr, p, cls, confirm_runs ? confirm_runs : 1);
		if (r != 1) {
			fprintf(stderr, "mmufuzz: %s did not reproduce (%d)%s; discarded\n",
				diff_class_name(cls), r, warm ? " from a clean start" : "");
			return;
		}
		/* diffrun_confirm used its own result; re-run (clean) for the
		 * report. */
		diffrun_set_warm(dr, 0);
		r = diffrun_run(dr, p, res);
		diffrun_set_warm(dr, 1);
		if (r || res->diff.cls != cls)
			return;
	}
	r = diffrun_save(dr, p, res, data, size, path, sizeof(path));
	findings++;
	fprintf(stderr, "\nmmufuzz: FINDING %s after %lu programs, %.1f s: %s\n  %s %s%s%s\n",
		diff_class_name(cls), programs, elapsed(), res->diff.why,
		r < 0 ? "NOT SAVED to" : "saved", path, r < 0 ? ": " : r == 0 ? " (duplicate)" : "",
		r < 0 ? strerror(-r) : "");
	if (stats)
		fprintf(stats, "finding %s %lu %.3f %s shared-pdpt-page=%d\n", diff_class_name(cls),
			programs, elapsed(), path, prog_has_shared_pdpt_page(p)),
			fflush(stats);
	if (!keep_going ||
	    (stop_shared && cls == DIFF_REGRESSION && prog_has_shared_pdpt_page(p))) {
		diffrun_print(stderr, p, res);
		/* abort() runs no atexit handler: the end line (patch sites
		 * reached, edge counts) is written here. */
		write_end();
		fflush(stderr);
		abort();	/* the engine saves the input */
	}
}

/* Say once whether the engine learns from KVM's own edges. */
static void edges_say(const struct diffrun_result *r)
{
	char on[160] = "";
	size_t l = 0;

	kedges_said = 1;
	for (int i = 0; i < r->n; i++)
		if (r->k[i].kcov.on)
			l += snprintf(on + l, sizeof(on) - l, "%s%s", l ? ", " : "", r->k[i].name);
	if (!l)
		fprintf(stderr, "mmufuzz: no KVM edge coverage (name a +cov kernel, "
			"e.g. baseline+cov, to get it)\n");
	else if (kedges_off)
		fprintf(stderr, "mmufuzz: KVM edge coverage of %s ignored (MMUFUZZ_KVM_EDGES=0)\n", on);
	else
		fprintf(stderr, "mmufuzz: KVM edge coverage of %s is engine feedback\n", on);
}

/* Match the candidate's PCs (the last kernel with them) against the
 * patch's sites; a pool that cannot be written is said once. */
static void directed_run(const uint8_t *data, size_t size)
{
	for (int i = res->n - 1; i >= 0; i--) {
		const struct diffrun_kcov *k = &res->k[i].kcov;
		int r;

		if (!k->on || !k->modules || res->k[i].died)
			continue;
		r = directed_take(&directed, k->modules, k->modules_len, k->pcs, k->n_pcs, data, size);
		if (r < 0 && !directed_said_err++)
			fprintf(stderr, "mmufuzz: patch-directed pool %s: %s\n", directed.pool,
				strerror(-r));
		return;
	}
}

int engine_run(const uint8_t *data, size_t size, uint8_t *counters, size_t n_counters,
	       uint8_t *edges, size_t n_edges)
{
	static struct program p;
	char err[160];

	if (prog_decode(data, size, &p, err, sizeof(err))) {
		rejected++;
		return -1;
	}
	if (diffrun_run(dr, &p, res)) {
		rejected++;
		return -1;
	}
	programs++;
	/* Often enough that a run stopped by a signal (libFuzzer then _Exit()s
	 * without the "end" line) still reports close to its real count. */
	if (stats && programs % 100 == 0)
		fprintf(stats, "progress %lu %.3f\n", programs, elapsed()), fflush(stats);
	/* A run that killed a VM (a host WARN/panic) earns no coverage:
	 * its observations stop at the death, and rewarding it makes the
	 * engine keep mutating an input whose neighbours crash the VM
	 * again, at a ~4 s restart each.  The fault itself is saved below. */
	/* A VM that died sent nothing: judge from a run that answered. */
	if (!kedges_said && !res->k[0].died && (res->n < 2 || !res->k[1].died))
		edges_say(res);
	if (rec_prefix) {
		record_take(res);
		if (programs % 500 == 0)
			record_write();
	}
	if (directed_on)
		directed_run(data, size);
	if (res->diff.cls != DIFF_HOST_FAULT) {
		diffrun_features(&p, res, counters, n_counters);
		if (!kedges_off)
			kvm_edges_fold(&kedges, res, edges, n_edges);
	}
	if (is_finding(res->diff.cls))
		finding(&p, data, size);
	return 0;
}
