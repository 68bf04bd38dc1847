// SPDX-License-Identifier: GPL-2.0
/*
 * The executor judged by the oracle on a correct KVM: every corpus
 * program and N random well-formed programs (prog_random) must give zero
 * oracle violations, in every paging mode this KVM can run.  Violations
 * are printed with the allowed set, the observation and the page walk.
 *
 *   test_exec_oracle [--corpus DIR|none] [--random N] [--seed S] [--vendor amd|intel]
 *                    [--pin CPU]
 *
 * Without /dev/kvm (the build host) nothing can run: it says so and why.
 */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/check.h"
#include "harness/exec/executor.h"
#include "oracles/oracle.h"
#include "harness/search/generate.h"

static struct run_obs obs;
static struct oracle_result res;
static struct verdict vd;
static unsigned printed, tcg_artifacts;
static int outer_tcg;

/*
 * QEMU TCG with -smp 1 runs LOCK CMPXCHG8B as a load then a store, so a
 * fault on an 8-byte PTE store in legacy mode reports W=0 where every
 * real CPU reports W=1 (tests/kvm/test_exec_cases/README).  Only that exact
 * shape is recognised, and only when the outer CPU is TCG.
 */
static int tcg_cmpxchg8b_artifact(const struct program *p, const struct violation *v)
{
	const struct prog_op *o;

	if (!outer_tcg || v->op < 0 || v->op >= p->n_ops)
		return 0;
	o = &p->ops[v->op];
	if (o->kind != OP_PTE || o->width != 8 || v->expect.mode == PGM_LM4 ||
	    v->observed.status != OPS_EXCEPTION || v->observed.vector != 14 ||
	    (v->observed.error_code & 2))
		return 0;
	for (unsigned k = 0; k < v->expect.n_out; k++) {
		const struct outcome *x = &v->expect.out[k];

		if (x->kind == OUT_EXCEPTION && x->vector == 14 && x->cr2 == v->observed.cr2 &&
		    x->error_code == (v->observed.error_code | 2))
			return 1;
	}
	return 0;
}

/* Run one program and judge it; returns the number of violations, -1
 * when the executor refused it. */
static int judge(struct executor *ex, const struct program *p, const char *name)
{
	char why[256];
	int n;

	if (executor_check(ex, p, why, sizeof(why)))
		return -1;
	oracle_eval_cpu(p, executor_cpu_profile(ex), &res);
	if (executor_run(ex, p, &obs)) {
		CHECK(0, "%s: host-side failure: %s", name, obs.detail);
		return 1;
	}
	n = oracle_verdict(p, &res, &obs, &vd);
	for (unsigned i = 0; i < vd.n; i++)
		if (tcg_cmpxchg8b_artifact(p, &vd.v[i])) {
			printf("TCG artifact (not KVM, not counted): %s: %s\n", name, vd.v[i].what);
			tcg_artifacts++;
			n--;
		}
	CHECK(n == 0, "%s: %d oracle violation(s), run %s %s", name, n, run_exit_name(obs.exit),
	      obs.detail);
	if (n && printed++ < 40) {
		printf("=== violating program: %s\n", name);
		prog_print(stdout, p);
		for (unsigned i = 0; i < vd.n; i++)
			oracle_print_violation(stdout, p, &vd.v[i]);
	}
	return n;
}

static void run_corpus(struct executor *ex, const char *dir)
{
	struct program p;
	struct dirent *de;
	unsigned n = 0, refused = 0, bad = 0;
	char path[4096], err[256];
	DIR *d = opendir(dir);

	if (!d) {
		CHECK(0, "corpus %s: %s", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		int r;

		if (l < 5 || strcmp(de->d_name + l - 4, ".mmu"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (prog_parse_file(path, &p, err, sizeof(err))) {
			CHECK(0, "corpus: %s", err);
			continue;
		}
		r = judge(ex, &p, path);
		n++;
		refused += r < 0;
		bad += r > 0;
	}
	closedir(d);
	printf("corpus %s: %u programs, %u with violations, %u refused by this host's KVM\n",
	       dir, n, bad, refused);
	CHECK(n > 0, "corpus %s: no .mmu files", dir);
}

static void run_random(struct executor *ex, unsigned n, uint64_t seed)
{
	struct gen_opts go = { 0 };
	struct program p;
	uint64_t rng = seed;
	unsigned bad = 0, refused = 0, ops = 0;
	struct timespec t0, t1;
	double s;

	/* A host without legacy paging (kvm_pvm) gets long-mode-only programs. */
	if ((executor_caps(ex) & (EXEC_MODE_32 | EXEC_MODE_PAE)) != (EXEC_MODE_32 | EXEC_MODE_PAE))
		go.modes = GEN_MODE_LM64;
	/* MMUFUZZ_PROGRESS=N: name every Nth program before it runs (finds
	 * a program that wedges the VM). */
	unsigned progress = getenv("MMUFUZZ_PROGRESS") ? atoi(getenv("MMUFUZZ_PROGRESS")) : 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < n; i++) {
		char name[64];
		int r;

		prog_random(&rng, &p, &go);
		snprintf(name, sizeof(name), "random #%u (seed %llu)", i, (unsigned long long)seed);
		if (progress && i % progress == 0)
			printf("progress: %s\n", name), fflush(stdout);
		r = judge(ex, &p, name);
		refused += r < 0;
		bad += r > 0;
		ops += p.n_ops;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("random: %u programs (seed %llu, %u ops), %u with violations, %u refused, "
	       "%.1f programs/s\n", n, (unsigned long long)seed, ops, bad, refused, n / s);
	CHECK(refused == 0, "random: %u generated programs refused", refused);
}

int main(int argc, char **argv)
{
	struct executor_opts o = { .vendor = -1 };
	const char *corpus = "corpus";
	unsigned n = 200;
	uint64_t seed = 1;
	struct executor *ex;
	char err[256];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--corpus"))
			corpus = argv[i + 1];
		else if (!strcmp(argv[i], "--random"))
			n = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--pin")) {
			cpu_set_t set;	/* keep the vCPU thread on one CPU */

			CPU_ZERO(&set);
			CPU_SET(atoi(argv[i + 1]), &set);
			sched_setaffinity(0, sizeof(set), &set);
		} else if (!strcmp(argv[i], "--vendor"))
			o.vendor = !strcmp(argv[i + 1], "intel") ? ORACLE_VENDOR_INTEL : ORACLE_VENDOR_AMD;
		else {
			fprintf(stderr, "test_exec_oracle: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (executor_open(&ex, &o, err, sizeof(err))) {
		SKIP("every program (the executor judged by the oracle): %s", err);
		return check_summary("test_exec_oracle");
	}
	outer_tcg = executor_cpu_info(ex)->outer_tcg;
	printf("test_exec_oracle: guest CPU %s, MAXPHYADDR %u, features 0x%x, seed %llu, "
	       "outer CPU '%s'\n", executor_cpu_info(ex)->vendor_id,
	       executor_cpu_profile(ex)->maxphyaddr, executor_cpu_profile(ex)->features,
	       (unsigned long long)seed, executor_cpu_info(ex)->outer_hv);
	if (*corpus && strcmp(corpus, "none"))
		run_corpus(ex, corpus);
	if (n)
		run_random(ex, n, seed);
	executor_close(ex);
	if (tcg_artifacts)
		printf("test_exec_oracle: %u TCG cmpxchg8b error-code artifact(s) seen, not counted\n",
		       tcg_artifacts);
	return check_summary("test_exec_oracle");
}
