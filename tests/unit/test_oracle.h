/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the oracle's hand-derived cases (tests/test_oracle_*.c):
 * build a program with a standard page-table layout per mode, evaluate it
 * and assert on one op's allowed set.  Every case cites the manual rule
 * it encodes; every rule has a case where it fires and one where it does
 * not.
 */
#ifndef MMUFUZZ_TEST_ORACLE_H
#define MMUFUZZ_TEST_ORACLE_H

#include <stddef.h>
#include <string.h>
#include "tests/check.h"
#include "oracles/oracle.h"
#include "harness/program/prog.h"
#include "harness/search/generate.h"

static struct program P;
static struct oracle_result R;
static struct oracle_cpu CPU;
static unsigned n_cases;

#define RW	(PTE_PRESENT_MASK | PTE_WRITABLE_MASK)
#define URW	(PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_USER_MASK)
#define VA32	0x00400000ull		/* 32-bit layout probe VA: PDE 1 */
#define VAPAE	0x40000000ull		/* PAE layout probe VA: PDPTE 1 */
#define VALM	0x8000000000ull		/* 4-level layout probe VA: PML4E 1 */
#define FRAME	0x500000ull		/* data frame the layouts map (gfn 0x500) */
#define FRAME2	0x600000ull
#define CR0_PGON 0x80000031ull
#define CR0_WPON 0x80010031ull

static inline void t_begin(enum prog_start st)
{
	prog_init_empty(&P);
	P.start = st;
	oracle_cpu_default(&CPU, ORACLE_VENDOR_AMD);
	n_cases++;
}

static inline void t_init(uint64_t gpa, int w, uint64_t v) { prog_add_init(&P, gpa, w, v); }
static inline int t_op(enum prog_op_kind k, uint64_t value, uint64_t addr)
{
	prog_add_op(&P, k, value, addr);
	return P.n_ops - 1;
}
static inline int t_pte(uint64_t gpa, int w, uint64_t v, uint64_t via)
{
	prog_add_pte(&P, gpa, w, v, via);
	return P.n_ops - 1;
}
static inline void t_run(void) { oracle_eval_cpu(&P, &CPU, &R); }

/* A program of one MOV or WRMSR (kind, value) from st, evaluated.
 * Returns the op's index (0). */
static inline int t_one_op(enum prog_start st, enum prog_op_kind k, uint64_t value)
{
	int i;

	t_begin(st);
	i = t_op(k, value, 0);
	t_run();
	return i;
}

/*
 * 32-bit layout: PD 0x200000 (PDE0 = harness, PDE1 -> PT 0x201000 with
 * pde flags), PT[0] -> FRAME with pte flags; VA32 is the probe VA.
 * Paging is NOT enabled yet: t_pg32_on() does CR3 + CR0.
 */
static inline void t_layout32(uint64_t pde, uint64_t pte)
{
	t_init(0x200000, 4, HARNESS_PDE32);
	t_init(0x200004, 4, 0x201000 | pde);
	t_init(0x201000, 4, FRAME | pte);
}
static inline void t_pg32_on(uint64_t cr0)
{
	t_op(OP_CR3, 0x200000, 0);
	t_op(OP_CR0, cr0, 0);
}

/* PAE layout: PDPT 0x202000 ([0] harness, [1] -> PD 0x203000), PD[0] ->
 * PT 0x204000 (pde flags), PT[0] -> FRAME (pte flags); VAPAE. */
static inline void t_layoutpae(uint64_t pde, uint64_t pte)
{
	t_init(0x202000, 8, HARNESS_PDPTE_PAE);
	t_init(0x202008, 8, 0x203000 | PTE_PRESENT_MASK);
	t_init(0x203000, 8, 0x204000 | pde);
	t_init(0x204000, 8, FRAME | pte);
}
static inline void t_pae_on(uint64_t cr4, uint64_t cr0)
{
	t_op(OP_CR3, 0x202000, 0);
	t_op(OP_CR4, cr4 | 0x20, 0);
	t_op(OP_CR0, cr0, 0);
}

/* The usual start of a PAE case: a new program from START_PM32 with the
 * PAE layout (pde, pte flags) and paging on (CR4 cr4 | PAE, CR0 cr0). */
static inline void t_pae_case(uint64_t pde, uint64_t pte, uint64_t cr4, uint64_t cr0)
{
	t_begin(START_PM32);
	t_layoutpae(pde, pte);
	t_pae_on(cr4, cr0);
}

/* The same for a 32-bit case: the 32-bit layout, CR3, then CR0 cr0. */
static inline void t_32_case(uint64_t pde, uint64_t pte, uint64_t cr0)
{
	t_begin(START_PM32);
	t_layout32(pde, pte);
	t_pg32_on(cr0);
}

/* A PAE case whose PT[1] maps the PT itself, so VAPAE + 0x1000 reads
 * the page-table entries (the alias); PT[0] and the alias have flags
 * flags; paging on with CR0_PGON. */
static inline void t_pae_alias_case(uint64_t flags)
{
	t_begin(START_PM32);
	t_layoutpae(PTE_PRESENT_MASK | PTE_WRITABLE_MASK, flags);
	t_init(0x204008, 8, 0x204000 | flags);
	t_pae_on(0, CR0_PGON);
}

/* SDM 4.10.4.3's stale-TLB shape: a PAE case (PT[0] flags pte, CR0 cr0)
 * that makes access k to VAPAE, stores newpte to PT[0] with no
 * invalidation, makes access k again and is evaluated.  Returns the
 * second access's op index. */
static inline int t_pae_stale(uint64_t pte, uint64_t cr0, enum prog_op_kind k, uint64_t newpte)
{
	t_pae_case(PTE_PRESENT_MASK | PTE_WRITABLE_MASK, pte, 0, cr0);
	t_op(k, 0, VAPAE);
	t_pte(0x204000, 8, newpte, 0);
	int i = t_op(k, 0, VAPAE);
	t_run();
	return i;
}

/* 4-level layout (start LM64, CR3 = LOW_PML4): PML4[1] -> PDPT 0x205000,
 * PDPT[0] -> PD 0x206000, PD[0] -> PT 0x207000, PT[0] -> FRAME; VALM. */
static inline void t_layoutlm(uint64_t pml4e, uint64_t pdpte, uint64_t pde, uint64_t pte)
{
	t_init(LAYOUT_LOW_PML4 + 8, 8, 0x205000 | pml4e);
	t_init(0x205000, 8, 0x206000 | pdpte);
	t_init(0x206000, 8, 0x207000 | pde);
	t_init(0x207000, 8, FRAME | pte);
}

static inline const struct op_expect *E(int i) { return &R.ops[i]; }

static inline int has_out(int i, const struct outcome *want)
{
	const struct op_expect *e = E(i);

	for (unsigned k = 0; k < e->n_out; k++) {
		const struct outcome *o = &e->out[k];

		if (o->kind != want->kind)
			continue;
		if (o->kind == OUT_EXCEPTION &&
		    (o->vector != want->vector || o->error_code != want->error_code ||
		     (o->vector == 14 && o->cr2 != want->cr2)))
			continue;
		if (o->kind == OUT_DONE && want->value_mask &&
		    ((o->value ^ want->value) & o->value_mask))
			continue;
		if (o->kind == OUT_MMIO && o->gpa != want->gpa)
			continue;
		return 1;
	}
	return 0;
}

static inline int has_tag(int i, uint64_t gpa)
{
	return has_out(i, &(struct outcome){ .kind = OUT_DONE, .value = READ_TAG(gpa >> 12),
					     .value_mask = 0xFFFFFFFF });
}
static inline int has_ftag(int i, uint64_t gpa)
{
	return has_out(i, &(struct outcome){ .kind = OUT_DONE, .value = FETCH_TAG(gpa >> 12),
					     .value_mask = 0xFFFFFFFF });
}
static inline int has_pf(int i, uint32_t ec, uint64_t cr2)
{
	return has_out(i, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = 14,
					     .error_code = ec, .cr2 = cr2 });
}
static inline int has_gp(int i)
{
	return has_out(i, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = 13 });
}
static inline int has_done(int i)
{
	return has_out(i, &(struct outcome){ .kind = OUT_DONE });
}
static inline int has_mmio(int i, uint64_t gpa)
{
	return has_out(i, &(struct outcome){ .kind = OUT_MMIO, .gpa = gpa });
}
static inline int nout(int i) { return E(i)->n_out; }

/* Exactly one allowed outcome and it is ... */
#define ONLY_TAG(i, gpa)	(nout(i) == 1 && has_tag(i, gpa))
#define ONLY_PF(i, ec, va)	(nout(i) == 1 && has_pf(i, ec, va))
#define ONLY_GP(i)		(nout(i) == 1 && has_gp(i))
#define ONLY_DONE(i)		(nout(i) == 1 && has_done(i))

/*
 * An observation of a completed run that shows, for every op of r, its
 * allowed outcome number pick (modulo the set's size; pick 0 is the
 * first, where the model puts the fresh translation), an op with an empty
 * set done, and r's final control registers.  No arena (has_arena = 0).
 */
static inline void t_observe(struct run_obs *obs, const struct oracle_result *r, unsigned pick)
{
	memset(obs, 0, offsetof(struct run_obs, arena));
	obs->has_arena = 0;
	obs->exit = RUN_COMPLETED;
	obs->n_ops = r->n_ops;
	for (unsigned k = 0; k < r->n_ops; k++) {
		const struct op_expect *e = &r->ops[k];
		struct op_obs *b = &obs->ops[k];
		const struct outcome *o;

		if (!e->n_out) {
			b->status = OPS_DONE;
			continue;
		}
		o = &e->out[pick % e->n_out];
		switch (o->kind) {
		case OUT_EXCEPTION:
			b->status = OPS_EXCEPTION;
			b->vector = o->vector;
			b->error_code = o->error_code;
			b->cr2 = o->cr2;
			break;
		case OUT_MMIO:
			b->status = OPS_MMIO;
			b->mmio_gpa = o->gpa;
			break;
		default:
			b->status = OPS_DONE;
			b->value = o->value;
		}
	}
	obs->cr0 = r->cr0;
	obs->cr3 = r->cr3;
	obs->cr4 = r->cr4;
	obs->efer = r->efer;
}

/* Give obs the arena as P's init entries left it (a case then sets the
 * words the run changed). */
static inline void t_observe_arena(struct run_obs *obs)
{
	obs->has_arena = 1;
	memset(obs->arena, 0, sizeof(obs->arena));
	for (unsigned k = 0; k < P.n_init; k++)
		if (P.init[k].gpa >= LAYOUT_ARENA_BASE && P.init[k].gpa < LAYOUT_ARENA_END)
			memcpy(obs->arena + (P.init[k].gpa - LAYOUT_ARENA_BASE), &P.init[k].value,
			       P.init[k].width);
}

#endif /* MMUFUZZ_TEST_ORACLE_H */
