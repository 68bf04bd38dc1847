/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' and benchmarks' own random numbers: Marsaglia's xorshift64
 * (13, 7, 17), fixed seeds, so a failing case or a figure comes back the
 * same on every run.  Not for anything the fuzzer itself draws (that is
 * harness/search's).  Never returns 0 for a non-zero state.
 */
#ifndef MMUFUZZ_TESTS_XORSHIFT_H
#define MMUFUZZ_TESTS_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif /* MMUFUZZ_TESTS_XORSHIFT_H */
