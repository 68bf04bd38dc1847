// SPDX-License-Identifier: GPL-2.0
/*
 * The byte codec: program -> bytes -> program is the identity on 100,000
 * random programs; the decoder refuses bad input at the right byte.
 * (Random bytes: test_program_bytes.c.)
 *   test_program_bin [count]   (default 20000)
 */
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"
#include "tests/check.h"
#include "harness/search/generate.h"

static uint8_t bytes[PROG_BIN_MAX];
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
	/* pte u64 to low table 1 + 7 mod 5 = LOW_PML4, entry 0: a harness entry */
	const uint8_t pte_low7[] = { 0x00, 0x48, 0x00, 0x1c, 0, 0, 0 };
	const uint8_t via0[] = { 0x00, 0x50, 0x00, 0x00, 0, 0, 0, 0, 0, 0 };
	const uint8_t cr0_wide[] = { 0x00, 0x0f, 0, 0, 0, 0, 1, 0, 0, 0 };	/* raw cr0 1 << 32 */
	uint8_t m[1 + 4 * 65];

	bad(NULL, 0, "byte 0: empty input");
	bad(titles, sizeof(titles), "byte 4: second title");
	bad(long_title, sizeof(long_title), "byte 1: title length 128 exceeds 127");
	bad(nul_title, sizeof(nul_title), "byte 1: title holds a NUL byte");
	bad(low_probe, sizeof(low_probe), "byte 1: read 0x0: probe VAs are 8-byte aligned");
	bad(pte_low7, sizeof(pte_low7), "byte 1: pte at 0x103000: not a 8-byte aligned entry");
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

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;

	test_rejects();
	test_random_programs(count);
	return check_summary("test_program_bin");
}
