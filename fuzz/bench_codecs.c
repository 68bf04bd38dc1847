// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of the program codecs and the generator, per operation, on
 * a fixed set of generated programs (seeded, so runs compare).  The
 * well-formedness check (two oracle evaluations) is part of parse,
 * decode and generate, and is also timed alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "harness/program/prog.h"
#include "harness/search/generate.h"

#define N 2000

static struct program progs[N], q;
static char text[PROG_TEXT_MAX];
static uint8_t bytes[PROG_BIN_MAX];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *what, double t0, double extra)
{
	double us = (now() - t0) * 1e6 / N;

	if (extra > 0)
		printf("%-10s %8.1f us/program  (%.0f bytes mean)\n", what, us, extra);
	else
		printf("%-10s %8.1f us/program\n", what, us);
}

int main(void)
{
	uint64_t rng = 0x62656e6368ull;
	size_t tbytes = 0, bbytes = 0;
	char err[256];
	double t;
	int bad = 0;

	t = now();
	for (int i = 0; i < N; i++)
		bad |= prog_random(&rng, &progs[i], NULL);
	report("generate", t, 0);
	t = now();
	for (int i = 0; i < N; i++)
		bad |= prog_check(&progs[i], err, sizeof(err));
	report("check", t, 0);
	t = now();
	for (int i = 0; i < N; i++)
		tbytes += prog_format(&progs[i], text, sizeof(text));
	report("print", t, (double)tbytes / N);
	t = now();
	for (int i = 0; i < N; i++) {
		size_t n = prog_format(&progs[i], text, sizeof(text));

		bad |= prog_parse(text, n, "bench", &q, err, sizeof(err));
	}
	report("print+parse", t, 0);
	t = now();
	for (int i = 0; i < N; i++) {
		long n = prog_encode(&progs[i], bytes, sizeof(bytes));

		bad |= n <= 0;
		bbytes += n;
	}
	report("encode", t, (double)bbytes / N);
	t = now();
	for (int i = 0; i < N; i++) {
		long n = prog_encode(&progs[i], bytes, sizeof(bytes));

		bad |= prog_decode(bytes, n, &q, err, sizeof(err));
	}
	report("enc+decode", t, 0);
	if (bad)
		fprintf(stderr, "bench-codecs: an operation failed\n");
	return bad ? 1 : 0;
}
