// SPDX-License-Identifier: GPL-2.0
/*
 * AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY=build/fuzz/afl_mutator.so):
 * the same structure-aware mutations and cross-over as the libFuzzer
 * driver.  mmufuzz fuzz runs AFL++ with AFL_CUSTOM_MUTATOR_ONLY=1: byte
 * havoc almost never yields a well-formed program, so every mutation is
 * made here, and an input that does not decode is replaced by a fresh
 * generated program.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/engine.h"
#include "harness/program/prog.h"
#include "harness/search/generate.h"

struct mut_state {
	unsigned seed;
	uint8_t buf[PROG_BIN_MAX];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *in, size_t in_size, uint8_t **out,
		       uint8_t *add, size_t add_size, size_t max_size);
void afl_custom_deinit(void *data);
uint32_t afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct mut_state *s = calloc(1, sizeof(*s));

	if (s)
		s->seed = seed;
	return s;
}

size_t afl_custom_fuzz(void *data, uint8_t *in, size_t in_size, uint8_t **out,
		       uint8_t *add, size_t add_size, size_t max_size)
{
	struct mut_state *s = data;
	size_t cap = max_size < sizeof(s->buf) ? max_size : sizeof(s->buf), n = 0;

	s->seed = s->seed * 1103515245u + 12345u;
	if (add && add_size && (s->seed >> 16) % 4 == 0)
		n = engine_crossover(in, in_size, add, add_size, s->buf, cap, s->seed);
	if (!n && in_size <= cap) {
		memcpy(s->buf, in, in_size);
		n = engine_mutate(s->buf, in_size, cap, s->seed);
	}
	if (!n) {	/* not a program: start from a generated one */
		static struct program p;
		uint64_t rng = s->seed;
		long len;

		prog_random(&rng, &p, NULL);
		len = prog_encode(&p, s->buf, cap);
		n = len > 0 ? (size_t)len : 0;
	}
	if (!n) {	/* nothing fits in max_size: hand back the input */
		n = in_size < cap ? in_size : cap;
		memcpy(s->buf, in, n);
	}
	*out = s->buf;
	return n;
}

/*
 * Mutations per queue entry.  AFL's default havoc budget is tuned for
 * targets that run thousands of times a second; at ~100 programs/s it
 * would stay on the first seeds for minutes, so cycle the queue faster.
 */
uint32_t afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size)
{
	return 48;
}

void afl_custom_deinit(void *data)
{
	free(data);
}
