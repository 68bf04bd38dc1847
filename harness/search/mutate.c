// SPDX-License-Identifier: GPL-2.0
/* Structure-aware mutation of programs (see mutate.h). */
#include <stdlib.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/core/x86.h"
#include "harness/search/mutate.h"
#include "harness/search/generate.h"
#include "oracles/oracle.h"

#define MUT_ATTEMPTS 24

static unsigned rnd(uint64_t *rng, unsigned n)
{
	return n ? (unsigned)(prog_rng_next(rng) % n) : 0;
}

/* The bits worth flipping, per register (SDM vol. 3 2.5, 2.2.1). */
static const uint8_t cr0_bits[] = { 0, 16, 29, 30, 31 };		/* PE WP NW CD PG */
static const uint8_t cr4_bits[] = { 4, 5, 7, 17, 20, 21 };		/* PSE PAE PGE PCIDE SMEP SMAP */
static const uint8_t efer_bits[] = { 0, 8, 11 };			/* SCE LME NXE */
static const uint8_t pte_flags[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 63 };	/* P RW US PWT PCD A D PS G NX */

static int is_arena(uint64_t gpa)
{
	return gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END;
}

static int is_probe(uint8_t kind)
{
	return kind == OP_READ || kind == OP_WRITE || kind == OP_FETCH || kind == OP_INVLPG;
}

static int is_cr_bits(uint8_t kind)
{
	return kind == OP_CR0 || kind == OP_CR4 || kind == OP_EFER;
}

static int insert_op_at(struct program *p, unsigned at, const struct prog_op *op)
{
	if (p->n_ops >= PROG_MAX_OPS || at > p->n_ops)
		return -1;
	memmove(&p->ops[at + 1], &p->ops[at], (p->n_ops - at) * sizeof(p->ops[0]));
	p->ops[at] = *op;
	p->n_ops++;
	return 0;
}

/* Index of a random op for which want(kind) holds, or -1. */
static int pick_op(const struct program *p, int (*want)(uint8_t), uint64_t *rng)
{
	int idx[PROG_MAX_OPS], n = 0;

	for (unsigned i = 0; i < p->n_ops; i++)
		if (want(p->ops[i].kind))
			idx[n++] = (int)i;
	return n ? idx[rnd(rng, (unsigned)n)] : -1;
}

static int is_cr3(uint8_t kind)
{
	return kind == OP_CR3;
}

static int is_any(uint8_t kind)
{
	return 1;
}

/* Initial store at exactly gpa (the last one wins, as in the model). */
static int init_at(const struct program *p, uint64_t gpa)
{
	for (int i = p->n_init - 1; i >= 0; i--)
		if (p->init[i].gpa == gpa)
			return i;
	return -1;
}

static int set_init(struct program *p, uint64_t gpa, uint8_t width, uint64_t value)
{
	int i = init_at(p, gpa);

	if (i >= 0) {
		p->init[i].width = width;
		p->init[i].value = value;
		return 0;
	}
	return prog_add_init(p, gpa, width, value);
}

static int range_has_init(const struct program *p, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < p->n_init; i++)
		if (p->init[i].gpa >= lo && p->init[i].gpa < hi)
			return 1;
	return 0;
}

/* Entry address bits of an initial store (4 KiB aligned table or frame). */
static uint64_t entry_target(const struct prog_init *e)
{
	return e->width == 8 ? e->value & 0x000FFFFFFFFFF000ull : e->value & 0xFFFFF000ull;
}

/* A present entry that points at an arena page (a table, not a leaf). */
static int points_to_table(const struct prog_init *e)
{
	return (e->value & PTE_PRESENT_MASK) && !(e->value & PTE_LARGE_MASK) && is_arena(entry_target(e));
}

/*
 * Move the 32-byte PAE PDPT under one CR3 value to new_base: its initial
 * stores and the PTE ops that write it follow it, and every CR3 op that
 * loaded it now loads the new slot (keeping PWT/PCD).
 */
static int move_pdpt(struct program *p, uint64_t cr3, uint64_t new_base)
{
	uint64_t old_base = cr3 & ~0x1Full;
	unsigned n = p->n_init;

	if (new_base == old_base || range_has_init(p, new_base, new_base + 32))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (p->init[i].gpa >= old_base && p->init[i].gpa < old_base + 32) {
			if (prog_add_init(p, new_base + (p->init[i].gpa - old_base),
					  p->init[i].width, p->init[i].value))
				return -1;
		}
	}
	for (unsigned i = 0; i < p->n_ops; i++) {
		struct prog_op *op = &p->ops[i];

		if (op->kind == OP_CR3 && (op->value & ~0x1Full) == old_base)
			op->value = new_base | (op->value & 0x18);
		else if (op->kind == OP_PTE && !op->via && op->addr >= old_base && op->addr < old_base + 32)
			op->addr = new_base + (op->addr - old_base);
	}
	return 0;
}

static int mut_move_slot(struct program *p, uint64_t *rng)
{
	int i = pick_op(p, is_cr3, rng);
	uint64_t v, nb;

	if (i < 0 || !is_arena(p->ops[i].value))
		return -1;
	v = p->ops[i].value;
	nb = (v & ~0xFFFull) | (uint64_t)rnd(rng, 128) * 32;
	return move_pdpt(p, v, nb);
}

static int mut_move_share(struct program *p, uint64_t *rng)
{
	int a = pick_op(p, is_cr3, rng), b = pick_op(p, is_cr3, rng);
	uint64_t va, vb, page;

	if (a < 0 || b < 0)
		return -1;
	va = p->ops[a].value, vb = p->ops[b].value;
	if (!is_arena(va) || !is_arena(vb) || (va >> 12) == (vb >> 12))
		return -1;
	/* Onto a slot of a's page other than the one a uses. */
	page = va & ~0xFFFull;
	for (int tries = 0; tries < 8; tries++) {
		uint64_t nb = page | (uint64_t)rnd(rng, 128) * 32;

		if (nb != (va & ~0x1Full) && !move_pdpt(p, vb, nb))
			return 0;
	}
	return -1;
}

/* Random initial store for which want() holds, or -1. */
static int pick_init(const struct program *p, int (*want)(const struct prog_init *), uint64_t *rng)
{
	int idx[PROG_MAX_INIT], n = 0;

	for (unsigned i = 0; i < p->n_init; i++)
		if (want(&p->init[i]))
			idx[n++] = (int)i;
	return n ? idx[rnd(rng, (unsigned)n)] : -1;
}

static int init_present(const struct prog_init *e)
{
	return (e->value & PTE_PRESENT_MASK) != 0;
}

static int init_any(const struct prog_init *e)
{
	return 1;
}

static uint64_t with_target(const struct prog_init *e, uint64_t target)
{
	uint64_t mask = e->width == 8 ? 0x000FFFFFFFFFF000ull : 0xFFFFF000ull;

	return (e->value & ~mask) | (target & mask);
}

static int mut_share_pd(struct program *p, uint64_t *rng)
{
	int a = pick_init(p, points_to_table, rng), b = pick_init(p, points_to_table, rng);

	if (a < 0 || b < 0 || p->init[a].width != p->init[b].width ||
	    entry_target(&p->init[a]) == entry_target(&p->init[b]))
		return -1;
	p->init[a].value = with_target(&p->init[a], entry_target(&p->init[b]));
	return 0;
}

static int page_in_use(const struct program *p, uint64_t page)
{
	if (range_has_init(p, page, page + LAYOUT_PAGE_SIZE))
		return 1;
	for (unsigned i = 0; i < p->n_init; i++)
		if ((p->init[i].value & PTE_PRESENT_MASK) && entry_target(&p->init[i]) == page)
			return 1;
	for (unsigned i = 0; i < p->n_ops; i++)
		if ((p->ops[i].kind == OP_CR3 && (p->ops[i].value & ~0xFFFull) == page) ||
		    (p->ops[i].kind == OP_PTE && (p->ops[i].addr & ~0xFFFull) == page))
			return 1;
	return 0;
}

static int mut_split_pd(struct program *p, uint64_t *rng)
{
	int e = pick_init(p, points_to_table, rng);
	uint64_t from, to = 0;
	unsigned n;

	if (e < 0)
		return -1;
	from = entry_target(&p->init[e]);
	for (unsigned tries = 0; tries < 16 && !to; tries++) {
		uint64_t cand = LAYOUT_ARENA_BASE + (uint64_t)rnd(rng, LAYOUT_ARENA_PAGES) * LAYOUT_PAGE_SIZE;

		if (!page_in_use(p, cand))
			to = cand;
	}
	if (!to)
		return -1;
	n = p->n_init;
	for (unsigned i = 0; i < n; i++)
		if ((p->init[i].gpa & ~0xFFFull) == from &&
		    prog_add_init(p, to + (p->init[i].gpa & 0xFFF), p->init[i].width, p->init[i].value))
			return -1;
	p->init[e].value = with_target(&p->init[e], to);
	return 0;
}

static int mut_flip_pte_flag(struct program *p, uint64_t *rng)
{
	uint8_t bit = pte_flags[rnd(rng, sizeof(pte_flags))];
	int i;

	/* Initial stores are where the layout lives; PTE ops get a third. */
	if (rnd(rng, 3) == 0) {
		int idx[PROG_MAX_OPS], n = 0;

		for (unsigned k = 0; k < p->n_ops; k++)
			if (p->ops[k].kind == OP_PTE)
				idx[n++] = (int)k;
		if (n) {
			struct prog_op *op = &p->ops[idx[rnd(rng, (unsigned)n)]];

			if (bit == 63 && op->width != 8)
				return -1;
			op->value ^= 1ull << bit;
			return 0;
		}
	}
	i = pick_init(p, init_any, rng);
	if (i < 0 || (bit == 63 && p->init[i].width != 8))
		return -1;
	p->init[i].value ^= 1ull << bit;
	return 0;
}

static int mut_toggle_ps(struct program *p, uint64_t *rng)
{
	int i = pick_init(p, init_present, rng);

	if (i < 0)
		return -1;
	p->init[i].value ^= PTE_LARGE_MASK;
	return 0;
}

static int mut_flip_cr_bit(struct program *p, uint64_t *rng)
{
	int i = pick_op(p, is_cr_bits, rng);
	struct prog_op *op;

	if (i < 0)
		return -1;
	op = &p->ops[i];
	switch (op->kind) {
	case OP_CR0:
		op->value ^= 1ull << cr0_bits[rnd(rng, sizeof(cr0_bits))];
		break;
	case OP_CR4:
		op->value ^= 1ull << cr4_bits[rnd(rng, sizeof(cr4_bits))];
		break;
	default:
		op->value ^= 1ull << efer_bits[rnd(rng, sizeof(efer_bits))];
		break;
	}
	return 0;
}

/* A random present initial entry in the 4 KiB table at page, between
 * byte offsets [lo, hi); -1 when there is none. */
static int pick_entry(const struct program *p, uint64_t page, unsigned lo, unsigned hi,
		      uint64_t *rng)
{
	int idx[PROG_MAX_INIT], n = 0;

	for (unsigned i = 0; i < p->n_init; i++)
		if (p->init[i].gpa >= page + lo && p->init[i].gpa < page + hi &&
		    (p->init[i].value & PTE_PRESENT_MASK))
			idx[n++] = (int)i;
	return n ? idx[rnd(rng, (unsigned)n)] : -1;
}

/*
 * A VA that one of the program's CR3 values maps, found by walking the
 * initial stores from a random CR3 load: the format follows the first
 * entry found (4-byte: 32-bit paging; 8-byte in the 32-byte PDPT: PAE;
 * else 4-level).  Where a table has no initial entry the remaining index
 * bits are random.  Probes there see translations rather than #PF, and
 * after a second CR3 load they read through that CR3's own PDPTEs, which
 * is where a shadow root reused for the wrong PDPT shows.  0: no CR3.
 */
static uint64_t mapped_va(const struct program *p, uint64_t *rng)
{
	uint64_t cr3[PROG_MAX_OPS + 1], c, va = 0, table;
	unsigned n = 0, shift, levels, esz, lo = 0, span = 4096;
	int e;

	for (unsigned i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == OP_CR3)
			cr3[n++] = p->ops[i].value;
	if (p->start == START_LM64)
		cr3[n++] = LAYOUT_LOW_PML4;
	if (!n)
		return 0;
	c = cr3[rnd(rng, n)];
	table = c & 0x000FFFFFFFFFF000ull;
	e = pick_entry(p, table, 0, 4096, rng);
	if (e < 0)
		return 0;
	if (p->init[e].width == 4) {
		esz = 4, shift = 22, levels = 2;	/* 32-bit: PD, PT */
	} else if ((c & 0xfe0) || rnd(rng, 2)) {
		/* PAE: CR3 bits 11:5 select the 32-byte PDPT in its page */
		lo = (unsigned)(c & 0xfe0), span = 32;
		esz = 8, shift = 30, levels = 3;
	} else {
		esz = 8, shift = 39, levels = 4;	/* PML4, PDPT, PD, PT */
	}
	for (unsigned l = 0; l < levels; l++, shift -= (esz == 4 ? 10 : 9)) {
		const struct prog_init *pe;

		e = pick_entry(p, table, lo, lo + span, rng);
		if (e < 0) {
			va |= (uint64_t)rnd(rng, span / esz) << shift;
			break;
		}
		pe = &p->init[e];
		va |= (uint64_t)((pe->gpa - table - lo) / esz) << shift;
		if (l + 1 == levels || ((pe->value & PTE_LARGE_MASK) && (esz == 4 ? l == 0 : l > 0)))
			break;
		table = entry_target(pe);
		lo = 0, span = 4096;	/* below the PDPT: whole tables */
	}
	if (levels == 4 && (va & (1ull << 47)))
		va |= 0xFFFF000000000000ull;	/* canonical */
	return va;
}

static uint64_t some_probe_va(const struct program *p, uint64_t *rng)
{
	int idx[PROG_MAX_OPS], n = 0;
	uint64_t va;

	if (rnd(rng, 2) && (va = mapped_va(p, rng)))
		return va;
	for (unsigned i = 0; i < p->n_ops; i++)
		if (is_probe(p->ops[i].kind))
			idx[n++] = (int)i;
	if (n)
		return p->ops[idx[rnd(rng, (unsigned)n)]].addr;
	/* Above the low region, 8-byte aligned: a 1 GiB-granular spread. */
	return ((uint64_t)(1 + rnd(rng, 3)) << 30) | ((uint64_t)rnd(rng, 1024) << 12);
}

static int mut_retarget_probe(struct program *p, uint64_t *rng)
{
	int idx[PROG_MAX_OPS], n = 0;
	struct prog_op *op;

	for (unsigned i = 0; i < p->n_ops; i++)
		if (is_probe(p->ops[i].kind))
			idx[n++] = (int)i;
	if (!n)
		return -1;
	op = &p->ops[idx[rnd(rng, (unsigned)n)]];
	if (rnd(rng, 2))
		op->addr = some_probe_va(p, rng);
	else
		op->addr ^= 1ull << (12 + rnd(rng, 20));	/* another page, PT or PD index */
	return 0;
}

static int mut_insert(struct program *p, uint64_t *rng)
{
	struct prog_op op = { 0 };
	int src;

	switch (rnd(rng, 6)) {
	case 0: /* reload a CR3 the program already uses (flush, PDPTE reload) */
		src = pick_op(p, is_cr3, rng);
		if (src < 0)
			return -1;
		op = p->ops[src];
		break;
	case 1: /* re-write a CR0/CR4/EFER value with one bit changed */
		src = pick_op(p, is_cr_bits, rng);
		if (src < 0)
			return -1;
		op = p->ops[src];
		op.value ^= 1ull << (op.kind == OP_CR0 ? cr0_bits[rnd(rng, sizeof(cr0_bits))] :
				     op.kind == OP_CR4 ? cr4_bits[rnd(rng, sizeof(cr4_bits))] :
				     efer_bits[rnd(rng, sizeof(efer_bits))]);
		break;
	case 2: /* guest write of a page-table entry the layout sets */
		src = pick_init(p, init_any, rng);
		if (src < 0)
			return -1;
		op.kind = OP_PTE;
		op.width = p->init[src].width;
		op.addr = p->init[src].gpa;
		op.value = p->init[src].value ^ (1ull << pte_flags[rnd(rng, sizeof(pte_flags) - 1)]);
		break;
	case 3:
		op.kind = OP_INVLPG;
		op.addr = some_probe_va(p, rng);
		break;
	default:
		op.kind = (uint8_t[]){ OP_READ, OP_WRITE, OP_FETCH }[rnd(rng, 3)];
		op.addr = some_probe_va(p, rng);
		break;
	}
	return insert_op_at(p, rnd(rng, p->n_ops + 1u), &op);
}

static int mut_delete(struct program *p, uint64_t *rng)
{
	int i;

	if (!p->n_ops)
		return -1;
	i = (int)rnd(rng, p->n_ops);
	memmove(&p->ops[i], &p->ops[i + 1], (p->n_ops - i - 1) * sizeof(p->ops[0]));
	p->n_ops--;
	return 0;
}

static int mut_swap(struct program *p, uint64_t *rng)
{
	struct prog_op t;
	int i, j;

	if (p->n_ops < 2)
		return -1;
	i = (int)rnd(rng, p->n_ops), j = (int)rnd(rng, p->n_ops);
	if (i == j)
		return -1;
	t = p->ops[i], p->ops[i] = p->ops[j], p->ops[j] = t;
	return 0;
}

static int mut_dup(struct program *p, uint64_t *rng)
{
	int i = pick_op(p, is_any, rng);

	if (i < 0)
		return -1;
	return insert_op_at(p, rnd(rng, p->n_ops + 1u), &p->ops[i]);
}

/* The value op i writes to its register, before op `before`, else the start's. */
static uint64_t reg_before(const struct program *p, uint8_t kind, unsigned before)
{
	int lm = p->start == START_LM64;
	uint64_t v = kind == OP_CR0 ? (lm ? ORACLE_START_LM64_CR0 : ORACLE_START_PM32_CR0) :
		     kind == OP_CR3 ? (lm ? ORACLE_START_LM64_CR3 : ORACLE_START_PM32_CR3) :
		     kind == OP_CR4 ? (lm ? ORACLE_START_LM64_CR4 : ORACLE_START_PM32_CR4) :
				      (lm ? ORACLE_START_LM64_EFER : ORACLE_START_PM32_EFER);

	for (unsigned i = 0; i < before && i < p->n_ops; i++)
		if (p->ops[i].kind == kind)
			v = p->ops[i].value;
	return v;
}

/*
 * A short sequence in the shape of a shadow-MMU bug class (see
 * generate.c's class moves), inserted right after a probe whose walk the
 * model followed through the tables, so that the sequence runs in that
 * probe's mode and address space: a store to its leaf then a flush that
 * does not name the page, a rewrite of its PDPTE then a MOV CR3 to the
 * same value, one role bit flipped between two looks, or an A/D
 * combination then both access orders.
 */
static int mut_class_seq(struct program *p, uint64_t *rng)
{
	static const uint64_t flip[] = { PTE_PRESENT_MASK, PTE_WRITABLE_MASK, PTE_USER_MASK };
	static const uint8_t pdpte_rsvd[] = { 1, 2, 5, 6, 7, 8, 52, 59, 62, 63 };
	static const uint64_t role[] = { X86_CR0_WP, X86_CR0_CD, X86_CR4_PSE, X86_CR4_PGE,
					 X86_CR4_SMEP, X86_CR4_SMAP, EFER_NX };
	struct prog_op seq[6] = { { 0 } }, leaf = { .kind = OP_PTE }, pdpte = { .kind = OP_PTE };
	struct oracle_result *res = malloc(sizeof(*res));
	int idx[PROG_MAX_OPS], n_idx = 0;
	unsigned n = 0, at;
	uint64_t va, cr3;

	if (!res)
		return -1;
	oracle_eval(p, ORACLE_VENDOR_AMD, res);
	for (unsigned i = 0; i < res->n_ops; i++)
		if (is_probe(p->ops[i].kind) && p->ops[i].kind != OP_INVLPG &&
		    res->ops[i].mode != PGM_OFF && res->ops[i].n_walk &&
		    res->ops[i].walk[res->ops[i].n_walk - 1].level > 0)
			idx[n_idx++] = (int)i;
	if (!n_idx) {
		free(res);
		return -1;
	}
	at = (unsigned)idx[rnd(rng, (unsigned)n_idx)];
	{
		const struct op_expect *e = &res->ops[at];
		const struct walk_step *w = &e->walk[e->n_walk - 1];

		leaf.width = e->mode == PGM_32 ? 4 : 8;
		leaf.addr = w->table_gpa + (uint64_t)w->index * leaf.width;
		leaf.value = w->entry;
		if (e->walk[0].level == 0) {
			pdpte.width = 8;
			pdpte.addr = e->walk[0].table_gpa + 8ull * e->walk[0].index;
			pdpte.value = e->walk[0].entry;
		}
	}
	free(res);
	va = p->ops[at].addr;
	cr3 = reg_before(p, OP_CR3, at);
	at++;
#define SEQ(k, a, v) (seq[n++] = (struct prog_op){ .kind = (k), .addr = (a), .value = (v) })
	switch (rnd(rng, 4)) {
	case 0:	/* store, a flush that does not name the page, look again */
		leaf.value ^= flip[rnd(rng, 3)];
		seq[n++] = leaf;
		if (rnd(rng, 2))
			SEQ(OP_CR3, 0, cr3);
		else
			SEQ(OP_INVLPG, va ^ (0x1000ull << rnd(rng, 10)), 0);
		SEQ(rnd(rng, 2) ? OP_READ : OP_WRITE, va, 0);
		break;
	case 1:	/* the PDPTE rewritten in memory, then reloaded at the same CR3 */
		if (!pdpte.width)
			return -1;
		pdpte.value = rnd(rng, 2) ? pdpte.value ^ PTE_PRESENT_MASK :
			      pdpte.value | 1ull << pdpte_rsvd[rnd(rng, sizeof(pdpte_rsvd))];
		seq[n++] = pdpte;
		SEQ(OP_CR3, 0, cr3);
		SEQ(OP_READ, va, 0);
		break;
	case 2: {	/* one role bit between two looks, and maybe back */
		uint64_t bit = role[rnd(rng, sizeof(role) / sizeof(role[0]))];
		uint8_t reg = bit == X86_CR0_WP || bit == X86_CR0_CD ? OP_CR0 : bit == EFER_NX ? OP_EFER : OP_CR4;
		uint8_t look = bit == X86_CR0_WP ? OP_WRITE : bit == X86_CR4_SMEP || bit == EFER_NX ? OP_FETCH : OP_READ;
		uint64_t was = reg_before(p, reg, at);

		SEQ(reg, 0, was ^ bit);
		SEQ(look, va, 0);
		if (rnd(rng, 2)) {
			SEQ(reg, 0, was);
			SEQ(look, va, 0);
		}
		break;
	}
	default: {	/* an A/D combination (bits 6:5), then both access orders */
		uint8_t first = rnd(rng, 2) ? OP_READ : OP_WRITE;

		leaf.value = (leaf.value & ~(PTE_ACCESSED_MASK | PTE_DIRTY_MASK)) |
			     (uint64_t)rnd(rng, 4) * PTE_ACCESSED_MASK;
		seq[n++] = leaf;
		SEQ(OP_INVLPG, va, 0);
		SEQ(first, va, 0);
		SEQ(first == OP_READ ? OP_WRITE : OP_READ, va, 0);
		break;
	}
	}
#undef SEQ
	for (unsigned i = 0; i < n; i++)
		if (insert_op_at(p, at + i, &seq[i]))
			return -1;
	return 0;
}

/* Every mutation kind: its name (mut_kind_name) and what it does (-1: not
 * applicable to this program). */
static const struct {
	const char *name;
	int (*fn)(struct program *p, uint64_t *rng);
} mutators[MUT_KIND_COUNT] = {
	[MUT_INSERT_OP] = { "insert-op", mut_insert },	[MUT_DELETE_OP] = { "delete-op", mut_delete },
	[MUT_SWAP_OPS] = { "swap-ops", mut_swap },	[MUT_DUP_OP] = { "dup-op", mut_dup },
	[MUT_FLIP_CR_BIT] = { "flip-cr-bit", mut_flip_cr_bit },
	[MUT_MOVE_PDPT_SLOT] = { "move-pdpt-slot", mut_move_slot },
	[MUT_MOVE_PDPT_SHARE] = { "move-pdpt-share", mut_move_share },
	[MUT_SHARE_PD] = { "share-pd", mut_share_pd },	[MUT_SPLIT_PD] = { "split-pd", mut_split_pd },
	[MUT_TOGGLE_PS] = { "toggle-ps", mut_toggle_ps },
	[MUT_FLIP_PTE_FLAG] = { "flip-pte-flag", mut_flip_pte_flag },
	[MUT_RETARGET_PROBE] = { "retarget-probe", mut_retarget_probe },
	[MUT_CLASS_SEQ] = { "class-seq", mut_class_seq },
};

const char *mut_kind_name(enum mut_kind k)
{
	return (unsigned)k < MUT_KIND_COUNT ? mutators[k].name : "?";
}

static int apply(struct program *p, enum mut_kind k, uint64_t *rng)
{
	return (unsigned)k < MUT_KIND_COUNT && mutators[k].fn ? mutators[k].fn(p, rng) : -1;
}

int prog_mutate_kind(struct program *p, enum mut_kind k, uint64_t *rng)
{
	struct program cand;
	char err[160];

	for (int a = 0; a < MUT_ATTEMPTS; a++) {
		cand = *p;
		if (apply(&cand, k, rng) || prog_equal(&cand, p) || prog_check(&cand, err, sizeof(err)))
			continue;
		*p = cand;
		return (int)k;
	}
	return -1;
}

/* A seed's title describes the seed, not what the fuzzer made of it:
 * say so, once, so a finding's program.mmu and report do not mislead. */
#define MUTANT_PREFIX "mutant of: "
static void mark_mutant(struct program *p)
{
	char t[PROG_TITLE_MAX];

	if (!p->title[0] || !strncmp(p->title, MUTANT_PREFIX, strlen(MUTANT_PREFIX)))
		return;
	snprintf(t, sizeof(t), MUTANT_PREFIX "%s", p->title);
	memcpy(p->title, t, sizeof(t));
}

int prog_mutate(struct program *p, uint64_t *rng, const struct mut_opts *opts)
{
	uint32_t disable = opts ? opts->disable : 0;

	for (int a = 0; a < MUT_ATTEMPTS; a++) {
		enum mut_kind k = (enum mut_kind)rnd(rng, MUT_KIND_COUNT);

		if (disable & (1u << k))
			continue;
		if (prog_mutate_kind(p, k, rng) >= 0) {
			mark_mutant(p);
			return (int)k;
		}
	}
	return -1;
}

int prog_crossover(const struct program *a, const struct program *b,
		   struct program *out, uint64_t *rng)
{
	char err[160];

	for (int t = 0; t < MUT_ATTEMPTS; t++) {
		unsigned ca = rnd(rng, a->n_ops + 1u), cb = rnd(rng, b->n_ops + 1u);

		*out = *a;
		out->n_ops = (uint16_t)ca;
		for (unsigned i = cb; i < b->n_ops && out->n_ops < PROG_MAX_OPS; i++)
			out->ops[out->n_ops++] = b->ops[i];
		for (unsigned i = 0; i < b->n_init; i++)
			if (init_at(out, b->init[i].gpa) < 0 &&
			    set_init(out, b->init[i].gpa, b->init[i].width, b->init[i].value))
				break;
		if (!prog_check(out, err, sizeof(err))) {
			mark_mutant(out);
			return 0;
		}
	}
	*out = *a;
	return -1;
}
