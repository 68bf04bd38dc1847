// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded generator of well-formed, interesting programs.
 *
 * A program is built in two steps.  The layout: a handful of address
 * spaces ("roots") for the allowed modes -- 32-bit page directories, PAE
 * PDPTs (often several on one arena page at different 32-byte slots,
 * sharing or splitting their page directories), long-mode PML4s, and a
 * "dual" page that is a 32-bit PD and, at a 32-byte slot, a PAE PDPT, so
 * CR4.PAE can be toggled with paging on -- each mapping a small pool of
 * probe VAs to distinct tagged data frames with 4 KiB, 4 MiB / 2 MiB or
 * 1 GiB pages, plus alias VAs onto page-table pages.  Then the ops: a walk
 * through the modes (legal transitions and deliberately illegal writes)
 * with CR3 switches, CR0.WP / CR4.PSE/PGE/SMEP/SMAP / EFER.NXE flips,
 * entry rewrites (direct or through an alias), INVLPG and probes, and
 * short sequences in the shape of the shadow-MMU bug classes (a PDPTE
 * rewrite then a reload event, one role bit between two accesses, a store
 * to a shadowed leaf then a flush that does not name it, A/D orders).
 *
 * The generator keeps its own rough idea of the state; prog_check() has
 * the last word.  An op it rejects is dropped and the rest kept.
 */
#include <errno.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/core/x86.h"
#include "harness/program/prog.h"
#include "harness/search/generate.h"

enum fam { F_32 = 0, F_PAE, F_LM, F_COUNT };

#define MAX_ROOTS	8
#define MAX_VAS		6
#define MAX_LEAVES	64

struct root {
	enum fam fam;
	uint64_t cr3;
};

/* A leaf (or PDPTE) the generator wrote, so ops can rewrite it. */
struct leaf {
	uint64_t gpa;		/* entry address */
	uint8_t width;
	uint64_t value;
	uint64_t va;		/* VA it maps (alias or probe) */
	int root;
};

struct gen {
	uint64_t *rng;
	struct program *p;
	const struct gen_opts *o;
	unsigned next_page;
	uint8_t mem[LAYOUT_ARENA_PAGES + 6][LAYOUT_PAGE_SIZE];	/* arena + low tables */
	int n_roots;
	struct root roots[MAX_ROOTS];
	int n_vas;
	uint64_t vas[MAX_VAS];
	int n_leaves;
	struct leaf leaves[MAX_LEAVES];
	uint64_t alias_va[MAX_ROOTS];	/* VA mapping the first table page, 0 = none */
	uint64_t alias_page[MAX_ROOTS];
	uint64_t dual_cr3;		/* PD32 page + PAE slot, 0 = none */
	unsigned max_ops;
	int allow_pm, allow_lm;
	/* What the generator believes the CPU state is. */
	uint64_t cr0, cr3, cr4, efer;
	int cur_root;
};

uint64_t prog_rng_next(uint64_t *s)
{
	/* splitmix64: any seed, 0 included, gives a full-period stream. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(struct gen *g, unsigned n)
{
	return n ? prog_rng_next(g->rng) % n : 0;
}

static int chance(struct gen *g, unsigned percent)
{
	return rnd(g, 100) < percent;
}

static uint8_t *shadow(struct gen *g, uint64_t gpa)
{
	if (gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END)
		return &g->mem[(gpa - LAYOUT_ARENA_BASE) >> 12][gpa & 0xfff];
	if (gpa >= LAYOUT_LOW_PT32 && gpa < LAYOUT_LOW_TABLES_END)
		return &g->mem[LAYOUT_ARENA_PAGES + ((gpa - LAYOUT_LOW_PT32) >> 12)][gpa & 0xfff];
	return NULL;
}

static uint64_t peek(struct gen *g, uint64_t gpa, unsigned width)
{
	uint64_t v = 0;
	uint8_t *m = shadow(g, gpa);

	if (m)
		memcpy(&v, m, width);
	return v;
}

/* Initial store (layout), mirrored in the shadow. */
static void poke(struct gen *g, uint64_t gpa, unsigned width, uint64_t v)
{
	uint8_t *m = shadow(g, gpa);

	if (!m || prog_add_init(g->p, gpa, width, v))
		return;
	memcpy(m, &v, width);
}

static void remember(struct gen *g, uint64_t gpa, unsigned width, uint64_t v, uint64_t va, int root)
{
	if (g->n_leaves < MAX_LEAVES)
		g->leaves[g->n_leaves++] = (struct leaf){ gpa, width, v, va, root };
}

/* A zeroed arena page (the arena is reset before every run). */
static uint64_t new_page(struct gen *g)
{
	if (g->next_page >= LAYOUT_ARENA_PAGES)
		return 0;
	memset(g->mem[g->next_page], 0, LAYOUT_PAGE_SIZE);
	return LAYOUT_ARENA_BASE + (uint64_t)g->next_page++ * LAYOUT_PAGE_SIZE;
}

/* The fixed low tables' contents, so walks through harness entries work. */
static void shadow_low_tables(struct gen *g)
{
	uint64_t v;

	memset(g->mem[LAYOUT_ARENA_PAGES], 0, 6 * LAYOUT_PAGE_SIZE);
	for (unsigned i = 0; i < 2; i++) {
		v = HARNESS_PDE64(i);
		memcpy(shadow(g, LAYOUT_LOW_PD64 + 8 * i), &v, 8);
	}
	v = HARNESS_PDPTE_LM;
	memcpy(shadow(g, LAYOUT_LOW_PDPT_LM), &v, 8);
	v = HARNESS_PML4E;
	memcpy(shadow(g, LAYOUT_LOW_PML4), &v, 8);
	v = HARNESS_PDE32;
	memcpy(shadow(g, LAYOUT_LOW_PD32), &v, 4);
	v = HARNESS_PDPTE_PAE;
	memcpy(shadow(g, LAYOUT_LOW_PDPT_PAE), &v, 8);
}

/* A tagged data frame, aligned for a leaf at this level. */
static uint64_t pick_frame(struct gen *g, enum fam f, int level)
{
	uint64_t data_pages = (LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE) >> 12;

	if (level == 3)
		return 0;	/* 1 GiB page at 0: offsets 4..32 MiB are data */
	if (level == 2) {
		uint64_t sz = f == F_32 ? 0x400000 : 0x200000;

		return LAYOUT_DATA_BASE + rnd(g, (LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE) / sz) * sz;
	}
	/* Mostly a few nearby frames, sometimes anywhere in the data region. */
	if (chance(g, 80))
		return LAYOUT_DATA_BASE + (uint64_t)(16 + rnd(g, 48)) * LAYOUT_PAGE_SIZE;
	return LAYOUT_DATA_BASE + rnd(g, data_pages) * LAYOUT_PAGE_SIZE;
}

static uint64_t leaf_flags(struct gen *g, enum fam f, int level)
{
	uint64_t v = PTE_PRESENT_MASK | PTE_ACCESSED_MASK;

	if (chance(g, 85))
		v |= PTE_WRITABLE_MASK;
	if (chance(g, 25))
		v |= PTE_USER_MASK;
	if (chance(g, 40))
		v |= PTE_DIRTY_MASK;
	if (chance(g, 15))
		v |= PTE_GLOBAL_MASK;
	if (f != F_32 && chance(g, 10))
		v |= PTE_NX_MASK;
	if (chance(g, 4))
		v &= ~PTE_PRESENT_MASK;
	if (chance(g, 12))
		v &= ~PTE_ACCESSED_MASK;	/* the CPU sets it: A/D ordering */
	/* Bits 58:52 are ignored in 4-level paging and reserved in PAE: the
	 * same entry means two things when a PAE root shares the table. */
	if (f == F_LM && chance(g, 5))
		v |= 1ull << (52 + rnd(g, 7));
	if (level > 1)
		v |= PTE_LARGE_MASK;
	return v;
}

/*
 * Map va in root r with a leaf at level (1 = 4 KiB, 2 = 2/4 MiB, 3 =
 * 1 GiB), creating missing tables in the arena.  Returns the leaf entry's
 * gpa, 0 if the path is blocked (a large page or a harness-only table).
 */
static uint64_t map_va(struct gen *g, int r, uint64_t va, int level, uint64_t leaf)
{
	enum fam f = g->roots[r].fam;
	int top = f == F_32 ? 2 : f == F_PAE ? 3 : 4;
	unsigned width = f == F_32 ? 4 : 8;
	uint64_t table = g->roots[r].cr3 & (f == F_PAE ? ~31ull : ~0xfffull);

	for (int lvl = top; lvl >= level; lvl--) {
		unsigned shift = f == F_32 ? 12 + 10 * (lvl - 1) : 12 + 9 * (lvl - 1);
		uint64_t idx = (va >> shift) & (f == F_32 ? 1023 : f == F_PAE && lvl == 3 ? 3 : 511);
		uint64_t egpa = table + idx * width, e, page;

		if (!shadow(g, egpa) || (egpa >= LAYOUT_LOW_PT32 && egpa < LAYOUT_LOW_PT32 + 0x1000))
			return 0;
		if (lvl == level) {
			if (peek(g, egpa, width))
				return 0;	/* keep one mapping per entry */
			poke(g, egpa, width, leaf);
			return egpa;
		}
		e = peek(g, egpa, width);
		if (e & PTE_PRESENT_MASK) {
			if ((e & PTE_LARGE_MASK) && lvl < top)
				return 0;
			table = e & PTE_PFN_MASK & (width == 4 ? 0xffffffffull : ~0ull);
			if (!shadow(g, table))
				return 0;
			continue;
		}
		page = new_page(g);
		if (!page)
			return 0;
		if (f == F_PAE && lvl == 3)
			e = page | PTE_PRESENT_MASK;	/* RW/US/A are reserved in PAE PDPTEs */
		else
			e = page | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK |
			    (chance(g, 85) ? PTE_USER_MASK : 0);
		poke(g, egpa, width, e);
		if (f == F_PAE && lvl == 3)
			remember(g, egpa, 8, e, va, r);
		table = page;
	}
	return 0;
}

static int add_root(struct gen *g, enum fam f, uint64_t cr3)
{
	if (g->n_roots >= MAX_ROOTS)
		return -1;
	g->roots[g->n_roots] = (struct root){ f, cr3 };
	return g->n_roots++;
}

/* A fresh top-level table with its harness entry. */
static int new_root(struct gen *g, enum fam f, uint64_t page, unsigned slot)
{
	uint64_t cr3 = page + (f == F_PAE ? 32 * slot : 0);

	if (!page)
		return -1;
	if (f == F_32)
		poke(g, cr3, 4, HARNESS_PDE32);
	else
		poke(g, cr3, 8, f == F_PAE ? HARNESS_PDPTE_PAE : HARNESS_PML4E);
	return add_root(g, f, cr3);
}

/*
 * PAE roots, most often several PDPTs on one page.  With no_shared_pdpt_page
 * each PDPT gets a page of its own, so that prog_random rarely has to throw
 * a program away (it drops any that prog_has_shared_pdpt_page() names).
 */
static void build_pae(struct gen *g)
{
	int n = g->o->no_shared_pdpt_page ? 1 + rnd(g, 2) : 2 + rnd(g, 3);
	uint64_t page = 0, shared_pd = 0;
	unsigned used = 0;

	for (int i = 0; i < n; i++) {
		unsigned slot;
		int r;

		/* Several PDPTs on one page is the headline case. */
		if (!page || g->o->no_shared_pdpt_page) {
			page = new_page(g);
			if (!page)
				return;
			used = 0;
		}
		do
			slot = chance(g, 30) ? rnd(g, 4) : rnd(g, 128);
		while (used & (1u << (slot & 31)) && used != ~0u);
		used |= 1u << (slot & 31);
		r = new_root(g, F_PAE, page, slot);
		if (r < 0)
			return;
		/* Share one page directory between PDPTs, or not. */
		if (shared_pd && chance(g, 40)) {
			uint64_t idx = 1 + rnd(g, 3);

			poke(g, g->roots[r].cr3 + 8 * idx, 8, shared_pd | PTE_PRESENT_MASK);
			remember(g, g->roots[r].cr3 + 8 * idx, 8, shared_pd | PTE_PRESENT_MASK, idx << 30, r);
		}
		if (!shared_pd) {
			shared_pd = new_page(g);
		}
	}
}

/* 32-bit PD whose slot s also is a PAE PDPT: CR4.PAE toggles with PG=1. */
static void build_dual(struct gen *g)
{
	uint64_t page = new_page(g);
	unsigned slot = 1 + rnd(g, 127);
	int r;

	if (!page)
		return;
	r = new_root(g, F_32, page, 0);
	if (r < 0)
		return;
	poke(g, page + 32 * slot, 8, HARNESS_PDPTE_PAE);
	g->dual_cr3 = page + 32 * slot;
	add_root(g, F_PAE, g->dual_cr3);
}

static uint64_t random_va(struct gen *g, int lm)
{
	uint64_t va;

	switch (rnd(g, 6)) {
	case 0:	 va = 0x400000 + (uint64_t)rnd(g, 0x3fc00) * 0x1000; break;	/* PDPTE 0 */
	case 1:	 va = 0x40000000ull * (1 + rnd(g, 3)) + (uint64_t)rnd(g, 0x40000) * 0x1000; break;
	case 2:	 va = 0x40000000ull + (uint64_t)rnd(g, 4) * 0x1000; break;
	default: va = 0x400000 + (uint64_t)rnd(g, 0xffc00) * 0x1000; break;
	}
	if (lm && chance(g, 25))
		va += (1ull << 39) * (1 + rnd(g, 3));	/* another PML4 entry */
	return va;
}

/*
 * Tables shared across modes: PAE root r's PDPTEs 1..3 point at the page
 * directories 4-level paging uses for the same GiB (behind the harness's
 * PDPT), so one leaf is read under both formats (bits 58:52, NX, PS mean
 * different things) and KVM shadows one gfn with two roles.
 */
static void share_lm_pds(struct gen *g, int r)
{
	uint64_t base = g->roots[r].cr3 & ~31ull;

	for (unsigned i = 1; i < 4; i++) {
		uint64_t lm = peek(g, LAYOUT_LOW_PDPT_LM + 8 * i, 8), pd = lm & PTE_PFN_MASK;

		if (peek(g, base + 8 * i, 8))
			continue;
		if (!(lm & PTE_PRESENT_MASK)) {
			/* No 4-level mapping there yet: a fresh directory both
			 * modes' later mappings fill. */
			pd = new_page(g);
			if (!pd)
				return;
			lm = pd | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK | PTE_USER_MASK;
			poke(g, LAYOUT_LOW_PDPT_LM + 8 * i, 8, lm);
		}
		if ((lm & PTE_LARGE_MASK) || !shadow(g, pd))
			continue;
		poke(g, base + 8 * i, 8, pd | PTE_PRESENT_MASK);
		remember(g, base + 8 * i, 8, pd | PTE_PRESENT_MASK, (uint64_t)i << 30, r);
	}
}

static void build_layout(struct gen *g)
{
	int fam_ok[F_COUNT] = { g->allow_pm, g->allow_pm, g->allow_lm };

	shadow_low_tables(g);
	if (fam_ok[F_LM]) {
		add_root(g, F_LM, LAYOUT_LOW_PML4);
		if (chance(g, 50))
			new_root(g, F_LM, new_page(g), 0);
	}
	if (fam_ok[F_PAE])
		build_pae(g);
	if (fam_ok[F_32]) {
		if (chance(g, 50))
			add_root(g, F_32, LAYOUT_LOW_PD32);
		new_root(g, F_32, new_page(g), 0);
		if (chance(g, 50))
			build_dual(g);
	}

	/* Probe VAs, mapped in every root, to a frame that names the root. */
	g->n_vas = 2 + rnd(g, MAX_VAS - 1);
	for (int i = 0; i < g->n_vas; i++)
		g->vas[i] = random_va(g, g->allow_lm && !g->allow_pm);
	for (int r = 0; r < g->n_roots; r++) {
		enum fam f = g->roots[r].fam;

		if (f == F_PAE && g->allow_lm && chance(g, 30))
			share_lm_pds(g, r);
		for (int i = 0; i < g->n_vas; i++) {
			int level = chance(g, 70) ? 1 : (f == F_LM && chance(g, 30)) ? 3 : 2;
			uint64_t va = g->vas[i], leaf, gpa;

			if (f != F_LM && va >> 32)
				continue;
			if (chance(g, 15))
				continue;	/* unmapped in this root: a #PF to expect */
			leaf = pick_frame(g, f, level) | leaf_flags(g, f, level);
			if (level == 3)
				va &= ~0x3fffffffull;
			gpa = map_va(g, r, va, level, f == F_32 ? (uint32_t)leaf : leaf);
			if (gpa)
				remember(g, gpa, f == F_32 ? 4 : 8, peek(g, gpa, f == F_32 ? 4 : 8), va, r);
		}
		/* An alias VA onto a table page: stores through it make KVM see
		 * guest writes to a shadowed page (write-protect / unsync). */
		if (g->n_leaves && chance(g, 50)) {
			struct leaf *l = &g->leaves[rnd(g, g->n_leaves)];
			uint64_t va = 0x300000000ull >> (f == F_LM ? 0 : 4);	/* 0x30000000 outside LM */
			uint64_t flags = PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK | PTE_DIRTY_MASK;

			va += (uint64_t)r * 0x1000;
			if (map_va(g, r, va, 1, (l->gpa & ~0xfffull) | flags)) {
				g->alias_va[r] = va;
				g->alias_page[r] = l->gpa & ~0xfffull;
			}
		}
	}
	if (chance(g, 40)) {
		uint32_t gfn = LAYOUT_DATA_BASE / LAYOUT_PAGE_SIZE + 16 + rnd(g, 48);

		g->p->prefault[g->p->n_prefault++] = (struct prog_prefault){ gfn, 1 + rnd(g, 16) };
	}
}

/* ---- ops ---- */

static enum fam cur_fam(struct gen *g)
{
	if (!(g->cr0 & X86_CR0_PG))
		return F_COUNT;		/* paging off */
	if (g->efer & EFER_LMA)
		return F_LM;
	return g->cr4 & X86_CR4_PAE ? F_PAE : F_32;
}

static int full(struct gen *g)
{
	return g->p->n_ops >= g->max_ops;
}

static void op_cr(struct gen *g, enum prog_op_kind k, uint64_t v)
{
	if (full(g))
		return;
	prog_add_op(g->p, k, v, 0);
}

/* Legal write: the generator's state follows. */
static void set_cr(struct gen *g, enum prog_op_kind k, uint64_t v)
{
	op_cr(g, k, v);
	switch (k) {
	case OP_CR0:
		/* PG with LME and PAE enters long mode; clearing PG leaves it. */
		if ((v & X86_CR0_PG) && !(g->cr0 & X86_CR0_PG) && (g->efer & EFER_LME))
			g->efer |= EFER_LMA;
		if (!(v & X86_CR0_PG))
			g->efer &= ~EFER_LMA;
		g->cr0 = v;
		break;
	case OP_CR3:	g->cr3 = v; break;
	case OP_CR4:	g->cr4 = v; break;
	default:	g->efer = (v & ~EFER_LMA) | (g->efer & EFER_LMA); break;
	}
}

static int pick_root(struct gen *g, enum fam f)
{
	int cand[MAX_ROOTS], n = 0;

	for (int r = 0; r < g->n_roots; r++)
		if (g->roots[r].fam == f)
			cand[n++] = r;
	return n ? cand[rnd(g, n)] : -1;
}

static void switch_root(struct gen *g, int r)
{
	set_cr(g, OP_CR3, g->roots[r].cr3 | (chance(g, 5) ? 0x18 : 0));
	g->cur_root = r;
}

static void probe(struct gen *g)
{
	enum fam f = cur_fam(g);
	int lm = f == F_LM;
	uint64_t va;
	unsigned k = rnd(g, 100);

	if (g->cur_root >= 0 && g->alias_va[g->cur_root] && chance(g, 10))
		va = g->alias_va[g->cur_root];
	else if (chance(g, 85))
		va = g->vas[rnd(g, g->n_vas)];
	else
		va = random_va(g, lm);
	if (!lm && va >> 32)
		va &= 0xffffffffull;
	if (va < LAYOUT_LOW_END)
		va += LAYOUT_LOW_END;
	if (chance(g, 20))
		va += 8 * rnd(g, 512);
	if (!full(g))
		prog_add_op(g->p, k < 60 ? OP_READ : k < 85 ? OP_WRITE : OP_FETCH, 0, va);
}

static void rewrite_entry(struct gen *g)
{
	struct leaf *l;
	uint64_t v, via = 0;
	int tries = 0;

	if (!g->n_leaves)
		return;
	do	/* prefer entries of the current address space */
		l = &g->leaves[rnd(g, g->n_leaves)];
	while (l->root != g->cur_root && ++tries < 4);
	v = l->value;
	switch (rnd(g, 8)) {
	case 0:	v ^= PTE_PRESENT_MASK; break;
	case 1:	v ^= PTE_WRITABLE_MASK; break;
	case 2:	v ^= PTE_USER_MASK; break;
	case 3:	v ^= l->width == 8 ? PTE_NX_MASK : PTE_GLOBAL_MASK; break;
	case 4:	v ^= PTE_GLOBAL_MASK; break;
	case 5:	v &= ~(PTE_ACCESSED_MASK | PTE_DIRTY_MASK); break;
	default:
		/* Another frame: the stale-TLB case when no INVLPG follows. */
		if (l->value & PTE_LARGE_MASK)
			v ^= l->width == 4 ? 0x400000 : 0x200000;
		else if ((l->value & 0xfffff000) >= LAYOUT_DATA_BASE)
			v = (v & ~0xfffff000ull) | pick_frame(g, F_PAE, 1);
		else
			v ^= PTE_PRESENT_MASK;
		break;
	}
	v = l->width == 4 ? (uint32_t)v : v;
	if (g->cur_root >= 0 && g->alias_page[g->cur_root] == (l->gpa & ~0xfffull) && chance(g, 60))
		via = g->alias_va[g->cur_root] + (l->gpa & 0xfff);
	if (!full(g))
		prog_add_pte(g->p, l->gpa, l->width, v, via);
	l->value = v;
	/* Look at once (the TLB may still hold the old translation), then
	 * maybe invalidate and look again. */
	if (l->root == g->cur_root && l->va >= LAYOUT_LOW_END &&
	    (cur_fam(g) == F_LM || !(l->va >> 32)) && chance(g, 50)) {
		if (!full(g))
			prog_add_op(g->p, OP_READ, 0, l->va);
		if (chance(g, 40) && g->p->n_ops + 2u <= g->max_ops) {
			prog_add_op(g->p, OP_INVLPG, 0, l->va);
			prog_add_op(g->p, chance(g, 70) ? OP_READ : OP_WRITE, 0, l->va);
		}
	}
}

static void flip_flag(struct gen *g)
{
	switch (rnd(g, 6)) {
	case 0:	set_cr(g, OP_CR0, g->cr0 ^ X86_CR0_WP); break;
	case 1:	set_cr(g, OP_CR4, g->cr4 ^ X86_CR4_PSE); break;
	case 2:	set_cr(g, OP_CR4, g->cr4 ^ X86_CR4_PGE); break;
	case 3:	set_cr(g, OP_CR4, g->cr4 ^ X86_CR4_SMEP); break;
	case 4:	set_cr(g, OP_CR4, g->cr4 ^ X86_CR4_SMAP); break;
	default: set_cr(g, OP_EFER, g->efer ^ EFER_NX); break;
	}
}

/* Writes the architecture refuses (#GP); the state does not change. */
static void illegal(struct gen *g)
{
	switch (rnd(g, 5)) {
	case 0:	op_cr(g, OP_CR0, (g->cr0 | X86_CR0_NW) & ~X86_CR0_CD); break;
	case 1:	op_cr(g, OP_CR0, (g->cr0 | X86_CR0_PG) & ~X86_CR0_PE); break;
	case 2:	op_cr(g, OP_CR4, g->cr4 | (1ull << (chance(g, 50) ? 11 : 12))); break;	/* UMIP, LA57 */
	case 3:	op_cr(g, OP_EFER, g->efer | 2); break;
	default:
		if (cur_fam(g) == F_LM)
			op_cr(g, chance(g, 50) ? OP_CR4 : OP_EFER,
			      chance(g, 50) ? g->cr4 & ~X86_CR4_PAE : g->efer & ~EFER_LME);
		else
			op_cr(g, OP_CR0, g->cr0 | X86_CR0_NW);
		break;
	}
}

static void transition(struct gen *g)
{
	enum fam f = cur_fam(g), to;
	int r;

	if (f == F_COUNT) {
		int opts[3], n = 0;

		if (g->allow_pm) {
			opts[n++] = F_32;
			opts[n++] = F_PAE;
		}
		if (g->allow_lm)
			opts[n++] = F_LM;
		to = n ? opts[rnd(g, n)] : F_COUNT;
		r = pick_root(g, to);
		if (r < 0)
			return;
		if (to != F_LM && (g->efer & EFER_LME))
			set_cr(g, OP_EFER, g->efer & ~EFER_LME);
		if (to == F_32 && (g->cr4 & X86_CR4_PAE))
			set_cr(g, OP_CR4, g->cr4 & ~X86_CR4_PAE);
		if (to != F_32 && !(g->cr4 & X86_CR4_PAE))
			set_cr(g, OP_CR4, g->cr4 | X86_CR4_PAE);
		if (to == F_LM && !(g->efer & EFER_LME))
			set_cr(g, OP_EFER, g->efer | EFER_LME);
		switch_root(g, r);
		set_cr(g, OP_CR0, g->cr0 | X86_CR0_PG | (chance(g, 30) ? X86_CR0_WP : 0));
		return;
	}
	if (f == F_LM) {
		if (!g->allow_pm)
			return;
		set_cr(g, OP_CR0, g->cr0 & ~X86_CR0_PG);
		g->cur_root = -1;
		if (chance(g, 50))
			set_cr(g, OP_EFER, g->efer & ~EFER_LME);
		return;
	}
	/* Legacy paging on: toggle CR4.PAE through the dual page, or stop. */
	if (g->dual_cr3 && chance(g, 60)) {
		for (r = 0; r < g->n_roots; r++)
			if ((g->roots[r].cr3 & ~0xfffull) == (g->dual_cr3 & ~0xfffull) &&
			    g->roots[r].fam == (f == F_32 ? F_PAE : F_32))
				break;
		set_cr(g, OP_CR3, g->dual_cr3);
		set_cr(g, OP_CR4, g->cr4 ^ X86_CR4_PAE);
		g->cur_root = r < g->n_roots ? r : -1;
		return;
	}
	set_cr(g, OP_CR0, g->cr0 & ~X86_CR0_PG);
	g->cur_root = -1;
}

/* ---- class moves: short sequences in the shape of a bug class ---- */

static int is_pdpte(struct gen *g, const struct leaf *l)
{
	const struct root *r = &g->roots[l->root];

	return r->fam == F_PAE && (l->gpa & ~31ull) == (r->cr3 & ~31ull);
}

/* A leaf of the current address space whose VA the current mode can
 * probe; pdpte picks PAE PDPTEs instead of table entries.  NULL: none. */
static struct leaf *pick_cur_leaf(struct gen *g, int pdpte)
{
	struct leaf *cand[MAX_LEAVES];
	int n = 0, lm = cur_fam(g) == F_LM;

	for (int i = 0; i < g->n_leaves; i++) {
		struct leaf *l = &g->leaves[i];

		if (l->root == g->cur_root && is_pdpte(g, l) == pdpte &&
		    l->va >= LAYOUT_LOW_END && (lm || !(l->va >> 32)))
			cand[n++] = l;
	}
	return n ? cand[rnd(g, n)] : NULL;
}

/* Store v into l, through the current root's alias when it maps l's page. */
static void store_leaf(struct gen *g, struct leaf *l, uint64_t v, unsigned via_percent)
{
	uint64_t via = 0;

	v = l->width == 4 ? (uint32_t)v : v;
	if (g->cur_root >= 0 && g->alias_page[g->cur_root] == (l->gpa & ~0xfffull) &&
	    chance(g, via_percent))
		via = g->alias_va[g->cur_root] + (l->gpa & 0xfff);
	if (!full(g))
		prog_add_pte(g->p, l->gpa, l->width, v, via);
	l->value = v;
}

static void access(struct gen *g, enum prog_op_kind k, uint64_t va)
{
	if (!full(g))
		prog_add_op(g->p, k, 0, va);
}

/* Toggle one CR bit and (sometimes) toggle it back: an event that flushes
 * or reloads without naming a page. */
static void toggle(struct gen *g, enum prog_op_kind k, uint64_t bit, int back)
{
	uint64_t v = k == OP_CR0 ? g->cr0 : k == OP_CR4 ? g->cr4 : g->efer;

	set_cr(g, k, v ^ bit);
	if (back)
		set_cr(g, k, v);
}

/*
 * Class 1, PDPTE loading: rewrite a PDPTE of the current PAE PDPT in
 * memory (present, a reserved bit, another page directory), then an event
 * that must (MOV CR3, CR0.CD/PG, CR4.PGE/PSE/SMEP) or must not reload the
 * PDPTE registers, then look through it.
 */
static void move_pdpte_reload(struct gen *g)
{
	static const uint8_t rsvd[] = { 1, 2, 5, 6, 7, 8, 52, 59, 62, 63 };
	struct leaf *l = cur_fam(g) == F_PAE ? pick_cur_leaf(g, 1) : NULL, *o;
	uint64_t v;

	if (!l)
		return;
	v = l->value;
	switch (rnd(g, 4)) {
	case 0:	v ^= PTE_PRESENT_MASK; break;
	case 1:	v |= 1ull << rsvd[rnd(g, sizeof(rsvd))]; break;
	default:
		o = &g->leaves[rnd(g, g->n_leaves)];	/* another page directory */
		if (is_pdpte(g, o) && (o->value & PTE_PRESENT_MASK))
			v = (v & ~PTE_PFN_MASK) | (o->value & PTE_PFN_MASK);
		else
			v ^= PTE_PRESENT_MASK;
		break;
	}
	store_leaf(g, l, v, 50);
	if (chance(g, 30))
		access(g, OP_READ, l->va);	/* before: the old PDPTE register */
	switch (rnd(g, 6)) {
	case 0:	set_cr(g, OP_CR3, g->cr3); break;
	case 1:	toggle(g, OP_CR0, X86_CR0_CD, 1); break;
	case 2:	toggle(g, OP_CR4, X86_CR4_PGE, chance(g, 70)); break;
	case 3:	toggle(g, OP_CR4, X86_CR4_PSE, chance(g, 70)); break;
	case 4:	toggle(g, OP_CR4, X86_CR4_SMEP, chance(g, 70)); break;
	default:
		set_cr(g, OP_CR0, g->cr0 & ~X86_CR0_PG);
		set_cr(g, OP_CR0, g->cr0 | X86_CR0_PG);
		break;
	}
	access(g, chance(g, 70) ? OP_READ : OP_WRITE, l->va + 8 * rnd(g, 512));
}

/*
 * Class 2, one role bit at a time: give a leaf the attribute the bit
 * rules on (read-only for WP, user for SMEP/SMAP, NX for NXE), access it,
 * flip exactly that bit, access again, maybe flip back and access.
 */
static void move_role_bit(struct gen *g)
{
	struct leaf *l = pick_cur_leaf(g, 0);
	enum prog_op_kind reg = OP_CR4, k = OP_READ;
	uint64_t bit = 0, v;

	if (!l)
		return;
	v = l->value;
	switch (rnd(g, 7)) {
	case 0:	reg = OP_CR0, bit = X86_CR0_WP, k = OP_WRITE; v &= ~PTE_WRITABLE_MASK; break;
	case 1:	bit = X86_CR4_SMEP, k = OP_FETCH; v |= PTE_USER_MASK; break;
	case 2:	bit = X86_CR4_SMAP; v |= PTE_USER_MASK; break;
	case 3:	reg = OP_EFER, bit = EFER_NX, k = OP_FETCH; if (l->width == 8) v |= PTE_NX_MASK; break;
	case 4:	bit = X86_CR4_PSE; break;
	case 5:	bit = X86_CR4_PGE; break;
	default: reg = OP_CR0, bit = X86_CR0_CD; break;
	}
	if (v != l->value && chance(g, 70))
		store_leaf(g, l, v, 40);
	access(g, k, l->va);
	toggle(g, reg, bit, 0);
	access(g, k, l->va);
	if (chance(g, 50)) {
		toggle(g, reg, bit, 0);
		access(g, k, l->va);
	}
}

/*
 * Class 3, TLB flush over unsync tables: look through a leaf (KVM shadows
 * it), rewrite the leaf -- through the alias when one maps its table, the
 * write that lets KVM leave the table unsync -- then flush without an
 * INVLPG of that page (CR4.PGE, MOV CR3, CR0.PG, INVLPG of another page)
 * and look again.
 */
static void move_unsync_flush(struct gen *g)
{
	struct leaf *l = NULL;
	uint64_t v;

	/* Prefer leaves in the table the alias maps. */
	for (int tries = 0; tries < 6; tries++) {
		l = pick_cur_leaf(g, 0);
		if (!l || g->cur_root < 0 || g->alias_page[g->cur_root] == (l->gpa & ~0xfffull))
			break;
	}
	if (!l)
		return;
	access(g, chance(g, 70) ? OP_READ : OP_WRITE, l->va);
	v = l->value;
	switch (rnd(g, 3)) {
	case 0:	v ^= PTE_WRITABLE_MASK; break;
	case 1:	v ^= PTE_PRESENT_MASK; break;
	default:
		if (!(v & PTE_LARGE_MASK) && (v & 0xfffff000) >= LAYOUT_DATA_BASE)
			v = (v & ~0xfffff000ull) | pick_frame(g, F_PAE, 1);
		else
			v ^= PTE_USER_MASK;
		break;
	}
	store_leaf(g, l, v, 85);
	switch (rnd(g, 4)) {
	case 0:	toggle(g, OP_CR4, X86_CR4_PGE, 1); break;
	case 1:	set_cr(g, OP_CR3, g->cr3); break;
	case 2:
		if (cur_fam(g) != F_LM) {
			set_cr(g, OP_CR0, g->cr0 & ~X86_CR0_PG);
			set_cr(g, OP_CR0, g->cr0 | X86_CR0_PG);
			break;
		}
		/* leaving long mode takes more than one write */
		__attribute__((fallthrough));
	default:
		access(g, OP_INVLPG, l->va ^ (0x1000ull << rnd(g, 10)));
		break;
	}
	access(g, chance(g, 60) ? OP_READ : OP_WRITE, l->va);
}

/*
 * Class 4, accessed and dirty bits: a leaf with one of the four A/D
 * combinations, read-then-write or write-then-read, then the entry read
 * back through the alias when one maps its table.
 */
static void move_ad(struct gen *g)
{
	struct leaf *l = pick_cur_leaf(g, 0);
	uint64_t ad[] = { 0, PTE_ACCESSED_MASK, PTE_DIRTY_MASK, PTE_ACCESSED_MASK | PTE_DIRTY_MASK };
	int wr_first = chance(g, 50);

	if (!l)
		return;
	store_leaf(g, l, (l->value & ~(PTE_ACCESSED_MASK | PTE_DIRTY_MASK)) | ad[rnd(g, 4)], 50);
	if (chance(g, 70))
		access(g, OP_INVLPG, l->va);
	access(g, wr_first ? OP_WRITE : OP_READ, l->va);
	access(g, wr_first ? OP_READ : OP_WRITE, l->va);
	if (g->cur_root >= 0 && g->alias_page[g->cur_root] == (l->gpa & ~0xfffull))
		access(g, OP_READ, g->alias_va[g->cur_root] + (l->gpa & 0xff8));
}

/*
 * Class 8, tables shared across modes: probe a VA, go to another paging
 * mode (32-bit, PAE and 4-level share the page tables below the harness
 * entries and share_lm_pds's directories) and probe it again.
 */
static void move_cross_mode(struct gen *g)
{
	enum fam from = cur_fam(g);
	uint64_t va = g->vas[rnd(g, g->n_vas)] & 0xffffffffull;

	if (va < LAYOUT_LOW_END)
		return;
	access(g, OP_READ, va);
	for (int i = 0; i < 4; i++) {
		transition(g);
		if (cur_fam(g) != F_COUNT && cur_fam(g) != from)
			break;
	}
	if (cur_fam(g) != F_COUNT)
		access(g, chance(g, 70) ? OP_READ : OP_WRITE, va);
}

static void class_move(struct gen *g)
{
	if (g->allow_lm && g->allow_pm && chance(g, 15)) {
		move_cross_mode(g);
		return;
	}
	switch (rnd(g, 4)) {
	case 0:	if (cur_fam(g) == F_PAE) { move_pdpte_reload(g); break; }
		/* fall through */
	case 1:	move_role_bit(g); break;
	case 2:	move_unsync_flush(g); break;
	default: move_ad(g); break;
	}
}

static void build_ops(struct gen *g)
{
	struct program *p = g->p;
	unsigned target = 4 + rnd(g, g->max_ops - 3);

	if (p->start == START_LM64) {
		g->cr0 = 0x80000031ull;
		g->cr3 = LAYOUT_LOW_PML4;
		g->cr4 = X86_CR4_PAE;
		g->efer = EFER_LME | EFER_LMA;
		g->cur_root = 0;	/* LOW_PML4 is root 0 whenever LM is allowed */
	} else {
		g->cr0 = 0x31ull;
		g->cr3 = g->cr4 = g->efer = 0;
		g->cur_root = -1;
		transition(g);	/* start by turning paging on */
	}
	while (p->n_ops < target) {
		enum fam f = cur_fam(g);
		unsigned k = rnd(g, 100);
		int r;

		if (f == F_COUNT || k < 10) {
			transition(g);
		} else if (k < 40) {
			probe(g);
		} else if (k < 57) {
			rewrite_entry(g);
		} else if (k < 63) {
			if (!full(g))
				prog_add_op(p, OP_INVLPG, 0, g->vas[rnd(g, g->n_vas)] & (f == F_LM ? ~0ull : 0xffffffffull));
		} else if (k < 75) {
			r = pick_root(g, f);
			if (r >= 0) {
				switch_root(g, r);
				probe(g);
			}
		} else if (k < 83) {
			flip_flag(g);
		} else if (k < 87) {
			illegal(g);
		} else {
			class_move(g);
		}
	}
}

static void gen_once(struct gen *g, struct program *out, unsigned modes)
{
	int lm = (modes & GEN_MODE_LM64) != 0, pm = (modes & GEN_MODE_PM32) != 0;

	prog_init_empty(out);
	g->p = out;
	g->next_page = 0;
	g->n_roots = g->n_leaves = 0;
	g->dual_cr3 = 0;
	memset(g->alias_va, 0, sizeof(g->alias_va));
	memset(g->alias_page, 0, sizeof(g->alias_page));
	g->allow_lm = lm;
	g->allow_pm = pm;
	out->start = (lm && (!pm || chance(g, 35))) ? START_LM64 : START_PM32;
	build_layout(g);
	build_ops(g);
}

int prog_random(uint64_t *rng_state, struct program *out, const struct gen_opts *opts)
{
	static __thread struct gen g;
	static const struct gen_opts defaults;
	unsigned modes;
	struct prog_where w;
	char why[192];

	if (!opts)
		opts = &defaults;
	modes = opts->modes & (GEN_MODE_PM32 | GEN_MODE_LM64);
	if (!modes)
		modes = GEN_MODE_PM32 | GEN_MODE_LM64;
	g.rng = rng_state;
	g.o = opts;
	g.max_ops = opts->max_ops && opts->max_ops < PROG_MAX_OPS ? opts->max_ops : 40;
	if (g.max_ops < 4)
		g.max_ops = 4;

	for (int attempt = 0; attempt < 8; attempt++) {
		gen_once(&g, out, modes);
		/* The oracle has the last word: drop ops it calls harmful. */
		for (int fix = 0; fix < 24; fix++) {
			if (!prog_check_where(out, &w, why, sizeof(why))) {
				/* The shape's one definition has the last word
				 * on it (build_pae only makes it rare). */
				if (opts->no_shared_pdpt_page && prog_has_shared_pdpt_page(out))
					break;
				return 0;
			}
			if (w.part != PART_OP || w.index < 0 || w.index >= out->n_ops)
				break;
			memmove(&out->ops[w.index], &out->ops[w.index + 1],
				(out->n_ops - w.index - 1) * sizeof(out->ops[0]));
			out->n_ops--;
		}
	}
	prog_init_empty(out);
	out->start = modes & GEN_MODE_PM32 ? START_PM32 : START_LM64;
	return -EAGAIN;
}
