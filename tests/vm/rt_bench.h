/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What rt-vmtest and rt-exectest share: their command line, and the
 * tracer-cost benchmark's arithmetic (both time runs untraced and traced
 * in alternating batches and report medians plus a noise figure).
 */
#ifndef MMUFUZZ_RT_BENCH_H
#define MMUFUZZ_RT_BENCH_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rootrace_api.h"

/*
 * "[-v] SUITE ARGS...": sets *verbose for -v, names the check summary
 * "PREFIX-SUITE" in name, and returns SUITE's index in argv.  With no
 * suite prints "usage: @usage" and exits 2.
 */
static inline int rt_args(int argc, char **argv, int *verbose, const char *usage,
			  const char *prefix, char *name, size_t len)
{
	int a = 1;

	if (a < argc && !strcmp(argv[a], "-v")) {
		*verbose = 1;
		a++;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
	snprintf(name, len, "%s-%s", prefix, argv[a]);
	return a;
}

static inline double rt_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int rt_cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct rt_bench {
	double m_off, m_on;	/* median us/run untraced, traced */
	double noise;		/* untraced first and second halves' medians apart */
};

/* Sorts both arrays (runs >= 2 each). */
static inline struct rt_bench rt_bench_medians(double *off, double *on, unsigned runs)
{
	struct rt_bench b;
	double h1, h2;

	qsort(off, runs / 2, sizeof(double), rt_cmp_d);
	qsort(off + runs / 2, runs - runs / 2, sizeof(double), rt_cmp_d);
	h1 = off[runs / 4];
	h2 = off[runs / 2 + (runs - runs / 2) / 2];
	qsort(off, runs, sizeof(double), rt_cmp_d);
	qsort(on, runs, sizeof(double), rt_cmp_d);
	b.m_off = off[runs / 2];
	b.m_on = on[runs / 2];
	b.noise = h1 > h2 ? h1 - h2 : h2 - h1;
	return b;
}

#define RT_BENCH_BATCH 10

/* The two report lines: "<tag>: <what>, N runs each, ..." and the cost. */
static inline void rt_bench_print(const char *tag, const char *what, unsigned runs,
				  const struct rt_bench *b, size_t events)
{
	printf("%s: %s%s%u runs each, alternating batches of %u: median us/run untraced %.0f, "
	       "traced %.0f (%zu events/run)\n", tag, what ? what : "", what ? ", " : "", runs,
	       RT_BENCH_BATCH, b->m_off, b->m_on, events);
	printf("%s: tracer cost %+.0f us/run (%+.1f%%); noise: untraced halves' medians differ "
	       "by %.0f us\n", tag, b->m_on - b->m_off, 100.0 * (b->m_on - b->m_off) / b->m_off,
	       b->noise);
}

/*
 * Time `runs` runs untraced (probes detached) and `runs` traced (probes
 * attached, rootrace_begin/collect around each run into ev[max]) in
 * alternating batches of RT_BENCH_BATCH, so that drift and the load of a
 * shared host hit both alike.  Wall times in us go to off[] and on[];
 * *n_ev is the last traced run's event count.  0, or what a failing
 * rootrace_resume() returned.
 */
static inline int rt_bench_batches(struct rootrace *rt, unsigned runs, void (*run)(void *),
				   void *ctx, double *off, double *on,
				   struct rootrace_event *ev, size_t max, size_t *n_ev)
{
	unsigned n_off = 0, n_on = 0;

	for (unsigned i = 0; n_off < runs || n_on < runs; i++) {
		int traced = i & 1, ret;

		if (traced && (ret = rootrace_resume(rt)))
			return ret;
		if (!traced)
			rootrace_pause(rt);
		for (unsigned j = 0; j < RT_BENCH_BATCH; j++) {
			double t0 = rt_now_us();
			size_t n = 0;

			if (traced)
				rootrace_begin(rt);
			run(ctx);
			if (traced)
				rootrace_collect(rt, ev, max, &n);
			if (traced && n_on < runs) {
				on[n_on++] = rt_now_us() - t0;
				*n_ev = n;
			} else if (!traced && n_off < runs) {
				off[n_off++] = rt_now_us() - t0;
			}
		}
	}
	return 0;
}

#endif /* MMUFUZZ_RT_BENCH_H */
