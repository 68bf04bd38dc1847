// SPDX-License-Identifier: GPL-2.0
/*
 * Structure-aware mutation of encoded programs for both engines (see
 * engine.h).  Separate from engine.c so the AFL++ custom-mutator library
 * links without the VM client.
 */
#include <string.h>
#include "fuzz/directed.h"
#include "fuzz/engine.h"
#include "harness/search/mutate.h"
#include "harness/program/prog.h"
#include "harness/search/generate.h"

size_t engine_mutate(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	static struct program p;
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1;
	uint8_t buf[PROG_BIN_MAX];
	char err[160];
	size_t picked;
	long n;

	/* Patch-directed: a share of mutations start from an input that
	 * reached the patch's code (no-op unless MMUFUZZ_DIRECTED_POOL). */
	picked = directed_pick(data, max, seed);
	if (picked)
		size = picked;
	if (prog_decode(data, size, &p, err, sizeof(err)))
		return 0;
	/* A few stacked mutations now and then reach further. */
	for (unsigned i = 0, k = 1 + (unsigned)(prog_rng_next(&rng) % 3); i < k; i++)
		prog_mutate(&p, &rng, NULL);
	n = prog_encode(&p, buf, sizeof(buf));
	if (n <= 0 || (size_t)n > max)
		return 0;
	memcpy(data, buf, (size_t)n);
	return (size_t)n;
}

size_t engine_crossover(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
			uint8_t *out, size_t max, unsigned seed)
{
	static struct program pa, pb, po;
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 7;
	uint8_t buf[PROG_BIN_MAX];
	char err[160];
	long n;

	if (prog_decode(a, na, &pa, err, sizeof(err)) || prog_decode(b, nb, &pb, err, sizeof(err)))
		return 0;
	if (prog_crossover(&pa, &pb, &po, &rng))
		return 0;
	n = prog_encode(&po, buf, sizeof(buf));
	if (n <= 0 || (size_t)n > max)
		return 0;
	memcpy(out, buf, (size_t)n);
	return (size_t)n;
}
