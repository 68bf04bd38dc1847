// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the structure-aware mutator (harness/search/mutate.c): every
 * mutation keeps programs well formed, each kind does what it says, and
 * the moves the headline bug needs (a PDPT onto another PDPT's page) are
 * reachable from a corpus that has none.
 */
#include <stdio.h>
#include <string.h>
#include "harness/search/mutate.h"
#include "tests/check.h"
#include "harness/search/generate.h"

/* Two PAE PDPTs on different pages, each mapping VA 1 GiB to its frame. */
static void two_pdpts_two_pages(struct program *p)
{
	prog_init_empty(p);
	prog_add_init(p, 0x200000, 8, 0x101001);	/* PDPT A [0] -> LOW_PD64 */
	prog_add_init(p, 0x200008, 8, 0x201001);	/* PDPT A [1] -> PD 0x201000 */
	prog_add_init(p, 0x205000, 8, 0x101001);	/* PDPT B [0] -> LOW_PD64 */
	prog_add_init(p, 0x205008, 8, 0x202001);	/* PDPT B [1] -> PD 0x202000 */
	prog_add_init(p, 0x201000, 8, 0x203027);
	prog_add_init(p, 0x203000, 8, 0x400023);
	prog_add_init(p, 0x202000, 8, 0x204027);
	prog_add_init(p, 0x204000, 8, 0x401023);
	prog_add_op(p, OP_CR4, 0x20, 0);
	prog_add_op(p, OP_CR3, 0x200000, 0);
	prog_add_op(p, OP_CR0, 0x80000031, 0);
	prog_add_op(p, OP_READ, 0, 0x40000000);
	prog_add_op(p, OP_CR3, 0x205000, 0);
	prog_add_op(p, OP_READ, 0, 0x40000000);
}

static void test_each_kind(void)
{
	struct program base, p;
	char err[200];
	uint64_t rng = 42;

	two_pdpts_two_pages(&base);
	CHECK(prog_check(&base, err, sizeof(err)) == 0, "base well formed: %s", err);
	CHECK(!prog_has_shared_pdpt_page(&base), "base has no shared PDPT page");

	for (int k = 0; k < MUT_KIND_COUNT; k++) {
		int applied = 0, changed = 0;

		for (int t = 0; t < 50; t++) {
			p = base;
			if (prog_mutate_kind(&p, (enum mut_kind)k, &rng) == k) {
				applied++;
				changed += !prog_equal(&p, &base);
				CHECK(prog_check(&p, err, sizeof(err)) == 0, "%s left an ill-formed program: %s",
				      mut_kind_name((enum mut_kind)k), err);
			}
		}
		CHECK(applied > 0 && changed == applied, "%s: applied %d/50, changed %d",
		      mut_kind_name((enum mut_kind)k), applied, changed);
	}
}

static void test_move_share(void)
{
	struct program p;
	uint64_t rng = 7;
	int shared = 0;

	for (int t = 0; t < 20; t++) {
		two_pdpts_two_pages(&p);
		if (prog_mutate_kind(&p, MUT_MOVE_PDPT_SHARE, &rng) == MUT_MOVE_PDPT_SHARE &&
		    prog_has_shared_pdpt_page(&p))
			shared++;
	}
	CHECK(shared == 20, "move-pdpt-share puts both PDPTs on one page: %d/20", shared);

	/* The moved PDPT keeps its entries: VA 1 GiB still reaches PD 0x202000. */
	two_pdpts_two_pages(&p);
	prog_mutate_kind(&p, MUT_MOVE_PDPT_SHARE, &rng);
	{
		uint64_t cr3 = 0;
		int found = 0;

		for (unsigned i = 0; i < p.n_ops; i++)
			if (p.ops[i].kind == OP_CR3 && (p.ops[i].value >> 12) == 0x200 &&
			    (p.ops[i].value & 0xFE0))
				cr3 = p.ops[i].value;
		for (unsigned i = 0; i < p.n_init; i++)
			if (p.init[i].gpa == (cr3 & ~0x1Full) + 8 && p.init[i].value == 0x202001)
				found = 1;
		CHECK(cr3 && found, "moved PDPT at 0x%llx keeps [1] -> 0x202000", (unsigned long long)cr3);
	}
}

static void test_random_walk(void)
{
	struct program p, q, x;
	struct gen_opts go = { 0 };
	uint64_t rng = 0x1234, grng = 99;
	unsigned ill = 0, applied = 0, crossed = 0;
	char err[200];

	for (int i = 0; i < 2000; i++) {
		if (i % 20 == 0)
			prog_random(&grng, &p, &go);
		if (prog_mutate(&p, &rng, NULL) >= 0)
			applied++;
		if (prog_check(&p, err, sizeof(err)))
			ill++;
		if (i % 10 == 0) {
			prog_random(&grng, &q, &go);
			if (!prog_crossover(&p, &q, &x, &rng)) {
				crossed++;
				if (prog_check(&x, err, sizeof(err)))
					ill++;
			}
		}
	}
	CHECK(ill == 0, "%u ill-formed programs after 2000 mutations", ill);
	CHECK(applied > 1500, "mutations applied: %u/2000", applied);
	CHECK(crossed > 100, "cross-overs: %u/200", crossed);

	/* Disabled kinds are never chosen. */
	{
		struct mut_opts o = { .disable = ~(1u << MUT_DELETE_OP) };
		int k;

		two_pdpts_two_pages(&p);
		k = prog_mutate(&p, &rng, &o);
		CHECK(k == MUT_DELETE_OP || k == -1, "only delete-op allowed, got %d", k);
	}
}

/* A mutant says it is one, once, and keeps the seed's title after that. */
static void test_mutant_title(void)
{
	struct program p;
	uint64_t rng = 7;

	two_pdpts_two_pages(&p);
	snprintf(p.title, sizeof(p.title), "seed");
	CHECK(prog_mutate(&p, &rng, NULL) >= 0 && !strcmp(p.title, "mutant of: seed"),
	      "first mutation marks the title: '%s'", p.title);
	CHECK(prog_mutate(&p, &rng, NULL) >= 0 && !strcmp(p.title, "mutant of: seed"),
	      "second mutation leaves it: '%s'", p.title);
}

/*
 * New probes go where the program's tables map: PDPT B [2] -> PD with a
 * 2 MiB page at index 3 (VA 0x80600000), a quadrant no probe of the
 * program touches yet, so only the table walk can propose it.
 */
static void test_mapped_probe(void)
{
	struct program base, p;
	uint64_t rng = 11;
	int hits = 0, tries = 0;

	two_pdpts_two_pages(&base);
	prog_add_init(&base, 0x205010, 8, 0x206001);	/* PDPT B [2] -> PD 0x206000 */
	prog_add_init(&base, 0x206018, 8, 0x6000a3);	/* PD [3]: 2 MiB page */
	for (int t = 0; t < 4000; t++) {
		p = base;
		if (prog_mutate_kind(&p, MUT_RETARGET_PROBE, &rng) != MUT_RETARGET_PROBE)
			continue;
		tries++;
		for (unsigned i = 0; i < p.n_ops; i++)
			if (p.ops[i].kind == OP_READ && p.ops[i].addr >> 21 == 0x80600000ull >> 21) {
				hits++;
				break;
			}
	}
	printf("mapped probe: %d of %d retargets land in the 2 MiB page at 0x80600000\n", hits, tries);
	CHECK(tries > 3000 && hits * 200 > tries, "mapped VA proposed: %d of %d", hits, tries);
}

/* The traits the bug classes are about (prog_traits, the model's view). */
static unsigned class_traits(const struct program *p)
{
	struct prog_traits t;

	if (prog_traits(p, &t))
		return 0;
	return (unsigned)!!t.pdpte_reload | (unsigned)!!t.role_bit_probe << 1 |
	       (unsigned)!!t.flush_after_store << 2 | (unsigned)!!t.ad_clear_walk << 3;
}

/*
 * class-seq gives a program a bug class's shape it lacked, as the model
 * judges it, far more often than inserting one random op does.  Seeds:
 * short generated programs (8 ops), which mostly lack the shapes.
 */
static void test_class_seq(void)
{
	static const enum mut_kind kinds[] = { MUT_CLASS_SEQ, MUT_INSERT_OP };
	struct gen_opts go = { .max_ops = 8 };
	unsigned gained[2] = { 0 }, applied[2] = { 0 };
	struct program seed, p;

	for (int k = 0; k < 2; k++) {
		uint64_t grng = 5, rng = 77;

		for (int i = 0; i < 1500; i++) {
			unsigned before;

			prog_random(&grng, &seed, &go);
			before = class_traits(&seed);
			p = seed;
			if (prog_mutate_kind(&p, kinds[k], &rng) != (int)kinds[k])
				continue;
			applied[k]++;
			gained[k] += (class_traits(&p) & ~before) != 0;
		}
	}
	printf("class shape gained: class-seq %u of %u, insert-op %u of %u\n",
	       gained[0], applied[0], gained[1], applied[1]);
	CHECK(applied[0] > 1000, "class-seq applied to %u of 1500", applied[0]);
	CHECK(gained[0] * 100 >= applied[0] * 40, "class-seq gave a class shape to %u of %u", gained[0], applied[0]);
	CHECK(gained[0] * applied[1] > 2 * gained[1] * applied[0],
	      "class-seq (%u/%u) not twice insert-op (%u/%u)", gained[0], applied[0], gained[1], applied[1]);
}

int main(void)
{
	test_class_seq();
	test_mapped_probe();
	test_mutant_title();
	test_each_kind();
	test_move_share();
	test_random_walk();
	return check_summary("mutate");
}
