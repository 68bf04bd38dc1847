// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM tests of the root tracer with real mmufuzz programs run by the
 * executor (harness/exec/executor.h), as the agent runs them.  Run by
 * check-bpf.sh inside the test VM.
 *
 *   rt-exectest [-v] count                  hand-counted PAE roots
 *   rt-exectest [-v] pair none|alias        two PDPTs on one page, visible
 *                                           and latent
 *   rt-exectest [-v] files none F.mmu...    no root finding on any file
 *   rt-exectest [-v] files RULE F.mmu...    a RULE finding (alias, stale...)
 *                                           on every file
 *   rt-exectest [-v] stable [F.mmu...]      same counts and features each run
 *   rt-exectest [-v] random SEED N [none]   prog_random() programs
 *   rt-exectest bench N [F.mmu]             per-run cost, traced or not
 *
 * Output ends with "rootrace-exec-<suite>: N passed, N failed".
 */
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/check.h"
#include "tests/vm/rt_bench.h"
#include "harness/exec/executor.h"
#include "rootrace_api.h"
#include "oracles/roots.h"
#include "harness/search/generate.h"

#define MAX_EV 8192
static struct rootrace_event ev[MAX_EV];
static size_t n_ev;
static struct roots_result res;
static struct run_obs obs;
static struct oracle_result model;
static struct rootrace *rt;
static struct executor *ex;
static int verbose;
static const char usage[] =
	"rt-exectest [-v] count | pair none|alias | files none|RULE F... | random SEED N [none]";
static char err[256];

#define CR0_PAGING	0x80000031ull	/* PG NE ET PE */
#define PDPT		0x200000ull	/* arena page 0 */
#define PROBE		0x40000000ull	/* VA through PDPTE 1 */

/* Run p with the tracer on and judge the trace.  0 or -errno. */
static int run_traced(const struct program *p, const char *name)
{
	int r = rootrace_begin(rt);

	if (r) {
		snprintf(err, sizeof(err), "rootrace_begin: %s", strerror(-r));
		return r;
	}
	r = executor_run(ex, p, &obs);
	if (rootrace_collect(rt, ev, MAX_EV, &n_ev) == -ENOSPC)
		fprintf(stderr, "%s: trace truncated at %zu events\n", name, n_ev);
	if (r)
		snprintf(err, sizeof(err), "executor_run: %s", obs.detail);
	roots_eval(ev, n_ev, rootrace_exit_hist(rt), &res);
	/* PDPTEs KVM built roots from vs the model's PDPTE registers. */
	oracle_eval(p, ORACLE_VENDOR_AMD, &model);
	roots_check_model(&res, &model);
	if (verbose) {
		printf("== %s: exit %s, %zu events\n", name, run_exit_name(obs.exit), n_ev);
		roots_print_events(stdout, ev, n_ev);
		roots_print(stdout, &res);
	}
	return r;
}

/* Shadow roots (non-direct) built by loads at CR3 = cr3 with paging on. */
static unsigned paging_roots(uint64_t cr3, uint64_t *gfns, unsigned max)
{
	unsigned n = 0, load = 0;
	size_t i;
	int in = 0;

	for (i = 0; i < n_ev; i++) {
		const struct rootrace_event *e = &ev[i];

		if (e->kind == RT_MMU_LOAD) {
			in = (e->cr0 & (1ull << 31)) && e->cr3 == cr3 && !load++;
			continue;
		}
		if (in && e->kind == RT_GET_PAGE && (e->flags & RT_F_ROOT) &&
		    !(e->role & RT_ROLE_DIRECT)) {
			if (n < max)
				gfns[n] = e->gfn;
			n++;
		}
	}
	return n;
}

/* PDPTE 0 is the harness entry; PDPTEs 1..N-1 point at empty arena PDs. */
static void test_count(void)
{
	unsigned npresent, i;

	for (npresent = 1; npresent <= 4; npresent++) {
		struct program p;
		uint64_t gfns[8] = { 0 };
		unsigned roots, ok = 0;
		char name[32];

		prog_init_empty(&p);
		prog_add_init(&p, PDPT, 8, HARNESS_PDPTE_PAE);
		for (i = 1; i < npresent; i++)
			prog_add_init(&p, PDPT + 8 * i, 8, (PDPT + 0x1000 * i) | PTE_PRESENT_MASK);
		prog_add_op(&p, OP_CR4, 0x20, 0);
		prog_add_op(&p, OP_CR3, PDPT, 0);
		prog_add_op(&p, OP_CR0, CR0_PAGING, 0);
		snprintf(name, sizeof(name), "count N=%u", npresent);
		CHECK(run_traced(&p, name) == 0 && obs.exit == RUN_COMPLETED, "%s: %s (exit %s)",
		      name, err, run_exit_name(obs.exit));
		roots = paging_roots(PDPT, gfns, 8);
		for (i = 0; i < roots && i < 8; i++)
			ok += gfns[i] == (i ? (PDPT >> 12) + i : LAYOUT_LOW_PD64 >> 12);
		CHECK(roots == npresent, "%s: %u shadow roots in the first paging load", name, roots);
		CHECK(ok == npresent, "%s: %u roots at the PDPTEs' gfns", name, ok);
		CHECK(res.n_findings == 0, "%s: %u findings: %s", name, res.n_findings, res.f[0].what);
	}
}

/* Two PDPTs on arena page 0 (slots 0 and 1); PDPTE 1 of each names its own
 * PD; the PDs map VA 1 GiB to frames 0x400/0x600, or both to 0x400. */
static void pair_program(struct program *p, int latent)
{
	prog_init_empty(p);
	prog_add_init(p, PDPT, 8, HARNESS_PDPTE_PAE);
	prog_add_init(p, PDPT + 8, 8, 0x201000 | PTE_PRESENT_MASK);
	prog_add_init(p, PDPT + 0x20, 8, HARNESS_PDPTE_PAE);
	prog_add_init(p, PDPT + 0x28, 8, 0x202000 | PTE_PRESENT_MASK);
	prog_add_init(p, 0x201000, 8, 0x400000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK | PTE_DIRTY_MASK | PTE_LARGE_MASK);
	prog_add_init(p, 0x202000, 8, (latent ? 0x400000 : 0x600000) |
		      PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK | PTE_DIRTY_MASK | PTE_LARGE_MASK);
	prog_add_op(p, OP_CR4, 0x20, 0);
	prog_add_op(p, OP_CR3, PDPT, 0);
	prog_add_op(p, OP_CR0, CR0_PAGING, 0);
	prog_add_op(p, OP_READ, 0, PROBE);
	prog_add_op(p, OP_CR3, PDPT + 0x20, 0);
	prog_add_op(p, OP_READ, 0, PROBE);
	prog_add_op(p, OP_CR3, PDPT, 0);
	prog_add_op(p, OP_READ, 0, PROBE);
}

static void test_pair(const char *expect)
{
	static const char *const name[2] = { "visible", "latent" };
	int latent, want_alias = !strcmp(expect, "alias");

	for (latent = 0; latent <= 1; latent++) {
		uint32_t a = READ_TAG(0x400), b = READ_TAG(latent ? 0x400 : 0x600);
		unsigned i, alias = 0;
		struct program p;
		int good;

		pair_program(&p, latent);
		CHECK(run_traced(&p, name[latent]) == 0 && obs.exit == RUN_COMPLETED, "%s: %s (exit %s)",
		      name[latent], err, run_exit_name(obs.exit));
		for (i = 0; i < res.n_findings && i < ROOTS_MAX_FINDINGS; i++)
			alias += res.f[i].rule == ROOTS_ALIAS;
		good = obs.ops[3].value == a && obs.ops[5].value == b && obs.ops[7].value == a;
		printf("%s: reads %#llx %#llx %#llx (%s), roots %u new %u reused, %u findings (%u alias)\n",
		       name[latent], (unsigned long long)obs.ops[3].value,
		       (unsigned long long)obs.ops[5].value, (unsigned long long)obs.ops[7].value,
		       good ? "architectural" : "WRONG", res.created, res.reused, res.n_findings, alias);
		for (i = 0; i < res.n_findings && i < ROOTS_MAX_FINDINGS; i++)
			printf("  finding %s: %s\n", roots_rule_name(res.f[i].rule), res.f[i].what);
		/* The verdicts rest on the entered roots: they must be there. */
		CHECK(res.snaps >= 3 && !res.snaps_partial, "%s: %u root snapshots (%u partial)",
		      name[latent], res.snaps, res.snaps_partial);
		if (want_alias) {
			CHECK(alias >= 1, "%s: no alias finding", name[latent]);
		} else {
			CHECK(res.n_findings == 0, "%s: %u findings", name[latent], res.n_findings);
			CHECK(good, "%s: reads not architectural", name[latent]);
		}
	}
}

/* The same program gives the same root counts and features every run
 * (what the fuzzers' stability rests on). */
static void test_stable(int argc, char **argv)
{
	static struct roots_result first;
	unsigned run, i, diff;
	int f;

	for (f = -1; f < argc; f++) {
		struct program p;
		const char *name = f < 0 ? "two-PDPT pair" : argv[f];

		if (f < 0)
			pair_program(&p, 0);
		else if (prog_parse_file(argv[f], &p, err, sizeof(err)) < 0) {
			CHECK(0, "%s", err);
			continue;
		}
		for (run = 0; run < 8; run++) {
			CHECK(run_traced(&p, name) == 0, "%s: %s", name, err);
			if (!run) {
				first = res;
				continue;
			}
			for (i = diff = 0; i < ROOTS_FEAT_N; i++)
				if (res.feat[i] != first.feat[i]) {
					if (!diff++ && verbose)
						printf("%s run %u: feature %u: %u vs %u\n", name, run, i,
						       res.feat[i], first.feat[i]);
				}
			CHECK(!diff && res.created == first.created && res.reused == first.reused &&
			      res.n_loads == first.n_loads,
			      "%s run %u: %u features differ; roots %u/%u new, %u/%u reused, %u/%u loads",
			      name, run, diff, res.created, first.created, res.reused, first.reused,
			      res.n_loads, first.n_loads);
		}
	}
}

static unsigned count_rule(const char *rule)
{
	unsigned i, c = 0;

	for (i = 0; i < res.n_findings && i < ROOTS_MAX_FINDINGS; i++)
		c += !strcmp(roots_rule_name(res.f[i].rule), rule);
	return c;
}

static void test_files(const char *expect, int argc, char **argv)
{
	int i, none = !strcmp(expect, "none");

	for (i = 0; i < argc; i++) {
		struct program p;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		if (prog_parse_file(argv[i], &p, err, sizeof(err)) < 0) {
			CHECK(0, "%s", err);
			continue;
		}
		CHECK(run_traced(&p, base) == 0, "%s: %s", base, err);
		printf("%-40s exit %-10s roots %2u new %2u reused %2u freed, %u findings%s%s\n", base,
		       run_exit_name(obs.exit), res.created, res.reused, res.freed, res.n_findings,
		       res.n_findings ? ": " : "", res.n_findings ? res.f[0].what : "");
		CHECK(!res.n_loads || res.snaps > 0, "%s: %u loads but no root snapshot", base, res.n_loads);
		if (none)
			CHECK(res.n_findings == 0, "%s: %u root findings", base, res.n_findings);
		else
			CHECK(count_rule(expect) > 0, "%s: no %s finding (%u others)", base, expect,
			      res.n_findings);
	}
}

static void test_random(uint64_t seed, unsigned runs, int expect_none)
{
	struct gen_opts go = { 0 };
	unsigned i, flagged = 0, judged = 0;

	for (i = 0; i < runs; i++) {
		struct program p;
		char name[32];

		prog_random(&seed, &p, &go);
		snprintf(name, sizeof(name), "random %u", i);
		if (run_traced(&p, name) != 0) {
			CHECK(0, "%s: %s", name, err);
			continue;
		}
		judged += res.n_loads > 0;
		if (res.n_findings) {
			flagged++;
			printf("  %s: %s\n", name, res.f[0].what);
		}
		if (expect_none)
			CHECK(res.n_findings == 0, "%s: %u findings", name, res.n_findings);
	}
	printf("random: %u of %u programs flagged (%u with root loads)\n", flagged, runs, judged);
	CHECK(judged > 0, "no random program made KVM load roots");
}

/*
 * Per-run wall time of executor_run, untraced (probes detached) and traced
 * (probes attached, begin/collect around the run), in alternating batches
 * so that drift and the load of a shared host hit both alike.  Reports the
 * medians and, as the noise figure, how far the medians of the untraced
 * batches' first and second halves lie apart.
 */
static void bench_run(void *p)
{
	executor_run(ex, p, &obs);
}

static void bench(unsigned runs, const char *file)
{
	double *off = calloc(runs, sizeof(double)), *on = calloc(runs, sizeof(double));
	struct rt_bench b;
	size_t events = 0;
	struct program p;

	if (file) {
		if (prog_parse_file(file, &p, err, sizeof(err)) < 0) {
			CHECK(0, "%s", err);
			return;
		}
	} else {
		pair_program(&p, 0);
	}
	CHECK(rootrace_open(&rt, getpid(), err, sizeof(err)) == 0, "%s", err);
	if (!rt)
		return;
	CHECK(rt_bench_batches(rt, runs, bench_run, &p, off, on, ev, MAX_EV, &events) == 0,
	      "rootrace_resume");
	CHECK(events > 0 && obs.exit == RUN_COMPLETED, "traced run: %zu events, exit %s", events,
	      run_exit_name(obs.exit));
	b = rt_bench_medians(off, on, runs);
	rt_bench_print("bench-exec", file ? file : "two-PDPT pair", runs, &b, events);
	rootrace_close(rt);
	rt = NULL;
	free(off);
	free(on);
}

int main(int argc, char **argv)
{
	struct executor_opts eo = { .vendor = -1 };
	char name[64];
	int a = rt_args(argc, argv, &verbose, usage, "rootrace-exec", name, sizeof(name));

	if (executor_open(&ex, &eo, err, sizeof(err)) < 0) {
		CHECK(0, "executor_open: %s", err);
		return check_summary(name);
	}
	if (!strcmp(argv[a], "bench")) {
		bench(a + 1 < argc ? atoi(argv[a + 1]) : 100, a + 2 < argc ? argv[a + 2] : NULL);
		executor_close(ex);
		return check_summary(name);
	}
	if (rootrace_open(&rt, getpid(), err, sizeof(err)) < 0) {
		CHECK(0, "%s", err);
		executor_close(ex);
		return check_summary(name);
	}
	if (!strcmp(argv[a], "count"))
		test_count();
	else if (!strcmp(argv[a], "pair") && a + 1 < argc)
		test_pair(argv[a + 1]);
	else if (!strcmp(argv[a], "stable"))
		test_stable(argc - a - 1, argv + a + 1);
	else if (!strcmp(argv[a], "files") && a + 1 < argc)
		test_files(argv[a + 1], argc - a - 2, argv + a + 2);
	else if (!strcmp(argv[a], "random") && a + 2 < argc)
		test_random(strtoull(argv[a + 1], NULL, 0), atoi(argv[a + 2]),
			    a + 3 < argc && !strcmp(argv[a + 3], "none"));
	else
		CHECK(0, "unknown suite or missing argument: %s", argv[a]);
	rootrace_close(rt);
	executor_close(ex);
	return check_summary(name);
}
