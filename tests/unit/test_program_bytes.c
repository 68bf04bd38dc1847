// SPDX-License-Identifier: GPL-2.0
/*
 * The byte decoder is total: on 100,000 random byte strings it never
 * crashes, every input either decodes to a well-formed program that
 * re-encodes and decodes to itself, or is refused with "byte N: ...".
 * Prints the share of random inputs that decode (a fuzzing-efficiency
 * figure: mutated bytes should mostly stay programs).
 *   test_program_bytes [count]   (default 100000)
 */
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"
#include "tests/check.h"
#include "harness/search/generate.h"

static uint8_t bytes[PROG_BIN_MAX], bytes2[PROG_BIN_MAX];
static struct program p, q;

/* Totality on random bytes: no crash, and each decode is consistent. */
static void test_random_bytes(unsigned count)
{
	uint64_t rng = 0x72616e646f6d00ull;
	unsigned ok = 0, incons = 0, noreason = 0;
	char err[256];

	for (unsigned i = 0; i < count; i++) {
		size_t n = 1 + prog_rng_next(&rng) % 64;
		long m;

		for (size_t k = 0; k < n; k++)
			bytes[k] = prog_rng_next(&rng);
		err[0] = '\0';
		if (prog_decode(bytes, n, &p, err, sizeof(err))) {
			noreason += strncmp(err, "byte ", 5) != 0;
			continue;
		}
		ok++;
		m = prog_encode(&p, bytes2, sizeof(bytes2));
		if (m <= 0 || prog_decode(bytes2, m, &q, err, sizeof(err)) || !prog_same(&p, &q) ||
		    prog_check(&p, err, sizeof(err)))
			incons++;
	}
	CHECK(!incons, "%u random inputs decoded to programs that do not round-trip", incons);
	CHECK(!noreason, "%u refusals without a 'byte N:' reason", noreason);
	CHECK(ok > 0, "no random input decoded at all");
	printf("random bytes: %u inputs of 1..64 bytes, %u (%.1f%%) decode to well-formed programs\n",
	       count, ok, count ? 100.0 * ok / count : 0.0);
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;

	test_random_bytes(count);
	return check_summary("test_program_bytes");
}
