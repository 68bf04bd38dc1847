// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle throughput on one core: how many 16-op programs (and ops) per
 * second oracle_eval() judges.  Programs are generated up front from a
 * fixed seed with the shapes the fuzzer produces: a PAE, 32-bit or
 * 4-level layout in the arena, then a mix of probes, PTE rewrites (direct
 * and through an alias), INVLPG, CR3 switches between two PDPTs sharing
 * a page, CR4/CR0/EFER writes.
 *
 *   bench_oracle [seconds]      default 2 s of measurement
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "oracles/oracle.h"
#include "tests/xorshift.h"

#define N_PROGS	2048
#define N_OPS	16

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

static const uint64_t flags[] = { 0x3, 0x3, 0x3, 0x7, 0x1, 0x0, 0x103, 0x80000000000003ull >> 0 };

static void gen(struct program *p)
{
	unsigned kind = rnd() % 3;
	uint64_t va;

	prog_init_empty(p);
	if (kind == 0) {		/* PAE: two PDPTs on one page */
		prog_add_init(p, 0x202000, 8, HARNESS_PDPTE_PAE);
		prog_add_init(p, 0x202008, 8, 0x203000 | 1);
		prog_add_init(p, 0x202020, 8, HARNESS_PDPTE_PAE);
		prog_add_init(p, 0x202028, 8, 0x206000 | 1);
		prog_add_init(p, 0x203000, 8, 0x204000 | 3);
		prog_add_init(p, 0x206000, 8, 0x207000 | 3);
		prog_add_init(p, 0x204008, 8, 0x204000 | 3);	/* alias of the PT */
		for (int i = 0; i < 4; i++) {
			prog_add_init(p, 0x204000 + 16 * i, 8, (0x500000 + 0x1000 * i) | 3);
			prog_add_init(p, 0x207000 + 8 * i, 8, (0x600000 + 0x1000 * i) | 3);
		}
		prog_add_op(p, OP_CR3, 0x202000, 0);
		prog_add_op(p, OP_CR4, 0x20 | (rnd() & 1 ? 0x80 : 0), 0);
		prog_add_op(p, OP_CR0, 0x80000031 | (rnd() & 1 ? 0x10000 : 0), 0);
		va = 0x40000000;
	} else if (kind == 1) {		/* 32-bit */
		prog_add_init(p, 0x200000, 4, HARNESS_PDE32);
		prog_add_init(p, 0x200004, 4, 0x201000 | 3);
		prog_add_init(p, 0x201004, 4, 0x201000 | 3);
		for (int i = 0; i < 4; i++)
			prog_add_init(p, 0x201000 + 8 * i, 4, (0x500000 + 0x1000 * i) | 3);
		prog_add_op(p, OP_CR3, 0x200000, 0);
		prog_add_op(p, OP_CR4, rnd() & 1 ? 0x10 : 0, 0);
		prog_add_op(p, OP_CR0, 0x80000031, 0);
		va = 0x400000;
	} else {			/* 4-level */
		p->start = START_LM64;
		prog_add_init(p, LAYOUT_LOW_PML4 + 8, 8, 0x205000 | 3);
		prog_add_init(p, 0x205000, 8, 0x206000 | 3);
		prog_add_init(p, 0x206000, 8, 0x207000 | 3);
		prog_add_init(p, 0x207008, 8, 0x207000 | 3);
		for (int i = 0; i < 4; i++)
			prog_add_init(p, 0x207000 + 16 * i, 8, (0x500000 + 0x1000 * i) | 3);
		prog_add_op(p, OP_EFER, 0xD00, 0);
		prog_add_op(p, OP_CR4, 0x20 | (rnd() & 1 ? 0x100000 : 0), 0);
		prog_add_op(p, OP_INVLPG, 0, 0x8000000000ull);
		va = 0x8000000000ull;
	}
	while (p->n_ops < N_OPS) {
		uint64_t a = va + 0x1000 * (rnd() % 8) + 8 * (rnd() % 4);
		uint64_t pt = kind == 0 ? 0x204000 : kind == 1 ? 0x201000 : 0x207000;
		int w = kind == 1 ? 4 : 8;
		uint64_t pte = (0x500000 + 0x1000 * (rnd() % 16)) | flags[rnd() % 8];

		switch (rnd() % 10) {
		case 0: case 1: case 2:
			prog_add_op(p, OP_READ, 0, a);
			break;
		case 3:
			prog_add_op(p, OP_WRITE, 0, a);
			break;
		case 4:
			prog_add_op(p, OP_FETCH, 0, a);
			break;
		case 5:
			prog_add_pte(p, pt + w * 2 * (rnd() % 4), w, pte, 0);
			break;
		case 6:
			prog_add_pte(p, pt + w * 2 * (rnd() % 4), w, pte, va + 0x1000);
			break;
		case 7:
			prog_add_op(p, OP_INVLPG, 0, a);
			break;
		case 8:
			if (kind == 0)
				prog_add_op(p, OP_CR3, rnd() & 1 ? 0x202020 : 0x202000, 0);
			else
				prog_add_op(p, OP_CR4, (kind == 2 ? 0x20 : 0) | (rnd() & 1 ? 0x80 : 0), 0);
			break;
		default:
			prog_add_op(p, OP_READ, 0, va + 0x1000 * (rnd() % 4));
			break;
		}
	}
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	static struct program progs[N_PROGS];
	static struct oracle_result res;
	unsigned long n = 0, ops = 0, ok = 0, outs = 0;
	double t0, c0, t, c;

	for (int i = 0; i < N_PROGS; i++)
		gen(&progs[i]);
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	do {
		for (int i = 0; i < 256; i++, n++) {
			const struct program *p = &progs[n % N_PROGS];

			oracle_eval(p, (enum oracle_vendor)(n & 1), &res);
			ops += res.n_ops;
			ok += res.harness_ok;
			for (unsigned k = 0; k < res.n_ops; k++)
				outs += res.ops[k].n_out;
		}
		t = now(CLOCK_MONOTONIC) - t0;
	} while (t < secs);
	c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	/* Per CPU-second is what one core does; wall time also counts other
	 * processes sharing it. */
	printf("bench-oracle: %lu programs of %d ops, %.2f s wall, %.2f s CPU on one core\n",
	       n, N_OPS, t, c);
	printf("bench-oracle: %.0f programs/s, %.0f ops/s per CPU-second (target > 1000000 ops/s)\n",
	       n / c, ops / c);
	printf("bench-oracle: %.0f programs/s, %.0f ops/s wall clock\n", n / t, ops / t);
	printf("bench-oracle: %.1f%% of generated programs keep the harness intact, "
	       "%.2f allowed outcomes per op\n", 100.0 * ok / n, (double)outs / ops);
	return 0;
}
