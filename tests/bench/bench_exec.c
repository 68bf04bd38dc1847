// SPDX-License-Identifier: GPL-2.0
/*
 * Executor throughput: programs per second for 16-op programs on one
 * reused VM, and where the time goes (memslot zap + memory reset, guest
 * run inside KVM_RUN, host-side work); then the floor, a one-read
 * program, whose every exit and fault is the harness's own.
 *
 *   bench_exec [--n N] [--seed S]
 *
 * Figures are for the KVM this runs on: natively on a host with
 * /dev/kvm, or nested (KVM inside QEMU TCG) in the test VM.
 */
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness/exec/executor.h"
#include "harness/search/generate.h"

static struct run_obs obs;

/* KVM's own counter for this process's VM (debugfs), -1 if unavailable. */
static long long kvm_stat(const char *name)
{
	char pre[32], path[512];
	long long v = -1, x;
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/debug/kvm");
	FILE *f;

	if (!d)
		return -1;
	snprintf(pre, sizeof(pre), "%d-", (int)getpid());
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, pre, strlen(pre))) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s/%s", de->d_name, name);
			if ((f = fopen(path, "r"))) {
				if (fscanf(f, "%lld", &x) == 1)
					v = v < 0 ? x : v + x;
				fclose(f);
			}
		}
	closedir(d);
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *what, struct executor *ex, unsigned n, double s)
{
	struct executor_stats st;
	double per;

	executor_stats(ex, &st);
	per = st.runs ? 1e-3 / st.runs : 0;	/* ns -> us per run */
	printf("bench-exec %-28s %8.0f programs/s  (%u runs, %.2f exits/run)\n", what, n / s, n,
	       st.runs ? (double)st.exits / st.runs : 0.0);
	printf("bench-exec %-28s per run: reset %.1f us (memslot %.1f, data frames %.1f), "
	       "guest %.1f us, host %.1f us\n", "", st.ns_reset * per, st.ns_memslot * per,
	       st.ns_data * per, st.ns_guest * per, st.ns_host * per);
}

/*
 * The floor: a program of one read of the stub's own page, so every exit
 * and shadow fault in it is the harness's (the stub, its tables, the
 * result page after the per-run zap), none the program's.
 */
static void bench_floor(const struct executor_opts *o, enum prog_start start, const char *what,
			unsigned n)
{
	static struct program p;
	struct executor *ex;
	long long e0, f0;
	char err[256];
	double t;

	if (executor_open(&ex, o, err, sizeof(err))) {
		printf("bench-exec %s: NOT RUN: %s\n", what, err);
		return;
	}
	prog_init_empty(&p);
	p.start = start;
	prog_add_op(&p, OP_READ, 0, LAYOUT_STUB_BASE);
	e0 = kvm_stat("exits");
	f0 = kvm_stat("pf_fixed");
	t = now_s();
	for (unsigned i = 0; i < n; i++)
		executor_run(ex, &p, &obs);
	report(what, ex, n, now_s() - t);
	if (e0 >= 0)
		printf("bench-exec %-28s per run inside KVM: %.1f exits, %.1f shadow faults fixed\n", "",
		       (double)(kvm_stat("exits") - e0) / n, (double)(kvm_stat("pf_fixed") - f0) / n);
	executor_close(ex);
}

int main(int argc, char **argv)
{
	struct executor_opts o = { .vendor = -1 };
	struct gen_opts go = { .max_ops = 16 };
	static struct program progs[64];
	struct executor *ex;
	unsigned n = 2000, ops = 0;
	uint64_t rng = 1;
	char err[256];
	double t;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--n"))
			n = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			rng = strtoull(argv[i + 1], NULL, 0);
	}
	if (executor_open(&ex, &o, err, sizeof(err))) {
		printf("bench-exec: NOT RUN: %s\n", err);
		return 0;
	}
	if ((executor_caps(ex) & (EXEC_MODE_32 | EXEC_MODE_PAE)) != (EXEC_MODE_32 | EXEC_MODE_PAE))
		go.modes = GEN_MODE_LM64;
	for (unsigned i = 0; i < 64; i++) {
		prog_random(&rng, &progs[i], &go);
		ops += progs[i].n_ops;
	}
	printf("bench-exec: %u programs of %.1f ops on average (prog_random, max_ops 16), caps 0x%x%s\n",
	       64, ops / 64.0, executor_caps(ex), executor_is_pvm(ex) ? " (kvm_pvm)" : "");

	/* Clean starts, warm starts (harness/exec/executor.h), clean again:
	 * back to back, so the host's drift shows. */
	for (int pass = 0; pass < 3; pass++) {
		long long e0, f0, g0;
		int warm = pass == 1;
		struct executor_stats st;

		if (pass) {
			executor_close(ex);
			if (executor_open(&ex, &o, err, sizeof(err)))
				return 1;
		}
		executor_set_warm(ex, warm);
		e0 = kvm_stat("exits"), f0 = kvm_stat("pf_fixed"), g0 = kvm_stat("pf_guest");
		t = now_s();
		for (unsigned i = 0; i < n; i++)
			executor_run(ex, &progs[i % 64], &obs);
		report(warm ? "random 16-op, warm starts" : "random 16-op, with arena", ex, n, now_s() - t);
		if (e0 >= 0)
			printf("bench-exec %-28s per run inside KVM: %.1f exits, %.1f shadow faults fixed, "
			       "%.1f #PF to guest\n", "", (double)(kvm_stat("exits") - e0) / n,
			       (double)(kvm_stat("pf_fixed") - f0) / n, (double)(kvm_stat("pf_guest") - g0) / n);
		executor_stats(ex, &st);
		if (warm)
			printf("bench-exec %-28s %llu of %u runs started warm, %.1f table stores each\n", "",
			       (unsigned long long)st.warm_runs, n,
			       st.warm_runs ? (double)st.warm_writes / st.warm_runs : 0.0);
	}
	executor_close(ex);

	o.no_arena = 1;
	if (executor_open(&ex, &o, err, sizeof(err)))
		return 1;
	t = now_s();
	for (unsigned i = 0; i < n; i++)
		executor_run(ex, &progs[i % 64], &obs);
	report("random 16-op, no arena copy", ex, n, now_s() - t);
	executor_close(ex);

	o.no_arena = 0;
	bench_floor(&o, START_LM64, "floor: 1 read, long mode", n);
	bench_floor(&o, START_PM32, "floor: 1 read, paging off", n);
	return 0;
}
