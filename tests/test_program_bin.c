// SPDX-License-Identifier: GPL-2.0
/*
 * The byte codec: program -> bytes -> program is the identity on 100,000
 * random programs; the decoder refuses bad input at the right byte; on
 * random bytes it is total (every input decodes to a well-formed program
 * that re-encodes to itself, or is refused with "byte N: ...").
 *   test_program_bin [count]   (default 100000)
 */
#include <stdlib.h>
#include <string.h>
#include "harness/program.h"
#include "tests/check.h"

static uint8_t bytes[PROG_BIN_MAX], bytes2[PROG_BIN_MAX];
static struct program p, q;

static void test_random_programs(unsigned count)
{
	uint64_t rng = 0x62696e636f646563ull;	/* "bincodec" */
	unsigned fail = 0;
	size_t total = 0;
	char err[256];

	for (unsigned i = 0; i < count; i++) {
		long n;

		if (prog_random(&rng, &p, NULL))
			continue;	/* test_program_text counts generator failures */
		n = prog_encode(&p, bytes, sizeof(bytes));
		if (n <= 0 || prog_decode(bytes, n, &q, err, sizeof(err)) || !prog_same(&p, &q)) {
			if (!fail++)
				fprintf(stderr, "program %u: n=%ld %s\n", i, n, n > 0 ? err : "");
			continue;
		}
		total += n;
	}
	CHECK(!fail, "%u of %u programs did not survive program -> bytes -> program", fail, count);
	printf("random programs: %u, mean encoding %.1f bytes\n", count, count ? (double)total / count : 0.0);
}

static void bad(const uint8_t *b, size_t n, const char *want)
{
	char err[256] = "";
	int ret = prog_decode(b, n, &p, err, sizeof(err));

	CHECK(ret < 0 && !strncmp(err, want, strlen(want)), "want: %s\n  got:  %s (ret %d)", want, err, ret);
}

static void test_rejects(void)
{
	const uint8_t titles[] = { 0x00, 0xc0, 0x01, 'a', 0xc0, 0x01, 'b' };
	const uint8_t long_title[] = { 0x00, 0xc0, 0x80 };
	const uint8_t nul_title[] = { 0x00, 0xc0, 0x02, 'a', 0x00 };
	const uint8_t low_probe[] = { 0x00, 0x70, 0x00, 0x00, 0x00 };	/* read 0x0 */
	/* pte u64 to low table 7 mod 6 = LOW_PD64, entry 0: a harness entry */
	const uint8_t pte_low7[] = { 0x00, 0x48, 0x00, 0x1c, 0, 0, 0 };
	const uint8_t via0[] = { 0x00, 0x50, 0x00, 0x00, 0, 0, 0, 0, 0, 0 };
	const uint8_t cr0_wide[] = { 0x00, 0x0f, 0, 0, 0, 0, 1, 0, 0, 0 };	/* raw cr0 1 << 32 */
	uint8_t m[1 + 4 * 65];

	bad(NULL, 0, "byte 0: empty input");
	bad(titles, sizeof(titles), "byte 4: second title");
	bad(long_title, sizeof(long_title), "byte 1: title length 128 exceeds 127");
	bad(nul_title, sizeof(nul_title), "byte 1: title holds a NUL byte");
	bad(low_probe, sizeof(low_probe), "byte 1: read 0x0: probe VAs are 8-byte aligned");
	bad(pte_low7, sizeof(pte_low7), "byte 1: pte at 0x101000: not a 8-byte aligned entry");
	bad(via0, sizeof(via0), "byte 1: pte via alias VA 0");
	bad(cr0_wide, sizeof(cr0_wide), "byte 1: cr0 value 0x100000000 does not fit 32 bits");
	/* 65 invlpg records: the 65th is refused at its own offset. */
	m[0] = 0;
	for (int i = 0; i < 65; i++) {
		m[1 + 4 * i] = 0x60;
		m[2 + 4 * i] = 0x00;
		m[3 + 4 * i] = 0x04;
		m[4 + 4 * i] = 0x00;
	}
	bad(m, sizeof(m), "byte 257: more than 64 ops");

	/* Accepted: a record cut short at the end is dropped, the rest kept;
	 * the header's upper bits are ignored; CR3 low tables 6/7 alias. */
	{
		const uint8_t cut[] = { 0xff, 0x70, 0x00, 0x04, 0x00, 0x70, 0x00 };
		const uint8_t cr3[] = { 0x00, 0x10, 0x07, 0x80, 0xf0, 0x06, 0x80 };
		char err[256] = "";

		CHECK(!prog_decode(cut, sizeof(cut), &p, err, sizeof(err)) && p.start == START_LM64 &&
		      p.n_ops == 1 && p.ops[0].kind == OP_READ && p.ops[0].addr == 0x400000,
		      "cut-short record: %s", err);
		CHECK(!prog_decode(cr3, sizeof(cr3), &p, err, sizeof(err)) && p.n_ops == 2 &&
		      p.ops[0].value == 0x105000 && p.ops[1].value == 0x103000,
		      "cr3 low-table aliases: %s", err);
	}
}

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

	test_rejects();
	test_random_programs(count);
	test_random_bytes(count);
	return check_summary("test_program_bin");
}
