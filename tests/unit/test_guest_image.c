// SPDX-License-Identifier: GPL-2.0
/*
 * The warm start's memory (harness/exec/guest_image.c): after the stub
 * makes the stores guest_image_table_writes hands it, the low region
 * must be byte for byte what a clean start gives the next program, from
 * whatever the last program left (its initial stores, its own PTE stores,
 * A/D bits the CPU set).  Also the refusals: too many words for the stub,
 * an initial store outside the page-table memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/exec/guest_image.h"
#include "harness/search/generate.h"
#include "tests/check.h"

#define WRITES_END LAYOUT_RESULTS_BASE

/* What a run of p may leave in table memory: its PTE stores, and A (D)
 * bits set in present entries it may have walked. */
static void run_leaves(const struct program *p, uint8_t *low, uint64_t *rng)
{
	for (unsigned i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == OP_PTE)
			memcpy(low + p->ops[i].addr, &p->ops[i].value, p->ops[i].width);
	for (unsigned i = 0; i < p->n_init; i++) {
		uint32_t w;

		memcpy(&w, low + p->init[i].gpa, 4);
		if ((w & 1) && (prog_rng_next(rng) & 1))
			w |= 0x20 | ((prog_rng_next(rng) & 1) ? 0x40 : 0);
		memcpy(low + p->init[i].gpa, &w, 4);
	}
}

static void apply(uint8_t *low, const struct stub_write *w, int n)
{
	for (int i = 0; i < n; i++)
		memcpy(low + w[i].gpa, &w[i].value, 4);
}

/* Equal outside the warm-writes area (which the clean start leaves alone). */
static int same_low(const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, STUB_WRITES) &&
	       !memcmp(a + WRITES_END, b + WRITES_END, LAYOUT_LOW_END - WRITES_END);
}

int main(void)
{
	static uint8_t sys[GUEST_SYS_SIZE], tables[GUEST_LOW_TABLES_SIZE];
	static struct program prev, next, bad;
	static struct stub_write w[STUB_MAX_WRITES], w_all[STUB_MAX_WRITES];
	guest_table_pages touched = { 0 }, only;
	uint8_t *live = calloc(1, LAYOUT_LOW_END), *clean = calloc(1, LAYOUT_LOW_END);
	uint64_t rng = 11;
	unsigned pairs = 300, equal = 0, nonzero = 0, total = 0;
	int n;

	CHECK(live && clean, "buffers");
	guest_image_sys(sys);
	guest_image_low_tables(tables);

	CHECK(prog_random(&rng, &prev, NULL) == 0, "a first program");
	CHECK(guest_image_program(&prev, live, sys, tables) == 0, "its clean image");
	guest_image_table_pages(&prev, touched);
	for (unsigned k = 0; k < pairs; k++) {
		int n_all;

		CHECK(prog_random(&rng, &next, NULL) == 0, "program %u", k);
		run_leaves(&prev, live, &rng);
		memset(clean, 0, LAYOUT_LOW_END);
		/* The stack and scratch are the guest's: carry them over. */
		memcpy(clean, live, LAYOUT_LOW_END);
		CHECK(guest_image_program(&next, clean, sys, tables) == 0, "clean image %u", k);
		CHECK(guest_image_head(&next, live, sys) == 0, "warm head %u", k);
		/* As the executor does: only the pages the last run or the
		 * next start can have changed; the same words as comparing all. */
		memcpy(only, touched, sizeof(only));
		guest_image_table_pages(&next, only);
		n = guest_image_table_writes(&next, live, tables, only, w, STUB_MAX_WRITES);
		n_all = guest_image_table_writes(&next, live, tables, NULL, w_all, STUB_MAX_WRITES);
		CHECK(n >= 0, "warm writes %u: %d", k, n);
		if (n < 0)
			break;
		CHECK(n == n_all && !memcmp(w, w_all, n * sizeof(w[0])),
		      "pair %u: %d words on the pages that can differ, %d on all", k, n, n_all);
		memset(touched, 0, sizeof(touched));
		guest_image_table_pages(&next, touched);
		apply(live, w, n);
		equal += same_low(live, clean);
		nonzero += n > 0;
		total += (unsigned)n;
		prev = next;
	}
	printf("test_guest_image: %u program pairs, %u needed table writes, %.1f words each\n",
	       pairs, nonzero, nonzero ? (double)total / nonzero : 0.0);
	CHECK(equal == pairs, "warm start = clean start in %u/%u program pairs", equal, pairs);
	CHECK(nonzero > pairs / 2, "programs that needed table writes: %u/%u (%.1f words each)",
	      nonzero, pairs, nonzero ? (double)total / nonzero : 0.0);

	/* Nothing changed since the program's own clean start: no writes. */
	CHECK(guest_image_program(&next, live, sys, tables) == 0, "clean image");
	CHECK(guest_image_table_writes(&next, live, tables, NULL, w, STUB_MAX_WRITES) == 0,
	      "the same program again needs no table writes");

	/* Every word differs in one arena page: more than a small stub takes. */
	memset(live + LAYOUT_ARENA_BASE, 0xff, LAYOUT_PAGE_SIZE);
	CHECK(guest_image_table_writes(&next, live, tables, NULL, w, 100) == -E2BIG,
	      "1,024 changed words with room for 100: -E2BIG");
	n = guest_image_table_writes(&next, live, tables, NULL, w, STUB_MAX_WRITES);
	CHECK(n == (int)(LAYOUT_PAGE_SIZE / 4), "a dirtied page: %d writes, 1024 expected", n);

	bad = next;
	bad.n_init = 1;
	bad.init[0] = (struct prog_init){ .gpa = LAYOUT_SCRATCH_BASE, .width = 4, .value = 1 };
	CHECK(guest_image_table_writes(&bad, live, tables, NULL, w, STUB_MAX_WRITES) == -EINVAL,
	      "an initial store outside the tables and the arena: -EINVAL");
	bad.init[0].gpa = LAYOUT_ARENA_END - 4;
	CHECK(guest_image_table_writes(&bad, live, tables, NULL, w, STUB_MAX_WRITES) >= 0,
	      "the arena's last word is table memory");
	free(live);
	free(clean);
	return check_summary("test_guest_image");
}
