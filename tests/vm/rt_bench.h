/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracer-cost benchmark's arithmetic, shared by rt-vmtest and
 * rt-exectest: both time runs untraced and traced in alternating batches
 * and report medians plus a noise figure.
 */
#ifndef MMUFUZZ_RT_BENCH_H
#define MMUFUZZ_RT_BENCH_H

#include <stdlib.h>
#include <time.h>

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

#endif /* MMUFUZZ_RT_BENCH_H */
