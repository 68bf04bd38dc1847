// SPDX-License-Identifier: GPL-2.0
/*
 * What a program exercises, as the oracle's model sees it (not as the
 * generator meant it): used to measure how common the interesting cases
 * are.  And the one definition of "two PDPTs on one page", which filters
 * corpora: the time-to-bug benchmark's starting corpus must not hold it.
 */
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"
#include "harness/core/layout.h"
#include "harness/core/x86.h"
#include "oracles/oracle.h"

static int done_only(const struct op_expect *e)
{
	return e->n_out == 1 && e->out[0].kind == OUT_DONE;
}

/* The bits KVM keys its MMU role on, per register (EFER.LMA reads back). */
#define ROLE_CR0	(X86_CR0_WP | X86_CR0_CD)
#define ROLE_CR4	(X86_CR4_PSE | X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP)
#define ROLE_EFER	EFER_NX

static int is_probe(uint8_t kind)
{
	return kind == OP_READ || kind == OP_WRITE || kind == OP_FETCH;
}

static int one_bit(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* The leaf entry's address of e's walk (its last step), or 0. */
static uint64_t leaf_entry_gpa(const struct op_expect *e)
{
	const struct walk_step *w;

	if (!e->n_walk || e->walk[e->n_walk - 1].level == 0)
		return 0;
	w = &e->walk[e->n_walk - 1];
	return w->table_gpa + (uint64_t)w->index * (e->mode == PGM_32 ? 4 : 8);
}

/* Between ops a and b (exclusive): a flush that names no page (a CR
 * write that succeeded with paging on), and no INVLPG of va's page. */
static int flushed_between(const struct program *p, const struct oracle_result *res,
			   int a, int b, uint64_t va)
{
	int flush = 0;

	for (int j = a + 1; j < b; j++) {
		const struct prog_op *op = &p->ops[j];

		if (op->kind == OP_INVLPG && (op->addr >> 12) == (va >> 12))
			return 0;
		if ((op->kind == OP_CR0 || op->kind == OP_CR3 || op->kind == OP_CR4) &&
		    done_only(&res->ops[j]) && res->ops[j].mode != PGM_OFF)
			flush = 1;
	}
	return flush;
}

/* The class traits, from the model's walks and the program's ops. */
static void class_traits(const struct program *p, const struct oracle_result *res, struct prog_traits *t)
{
	int lm = p->start == START_LM64;
	uint64_t cr0 = lm ? ORACLE_START_LM64_CR0 : ORACLE_START_PM32_CR0;
	uint64_t cr4 = lm ? ORACLE_START_LM64_CR4 : ORACLE_START_PM32_CR4;
	uint64_t efer = lm ? ORACLE_START_LM64_EFER : ORACLE_START_PM32_EFER;
	uint64_t cr3 = lm ? ORACLE_START_LM64_CR3 : ORACLE_START_PM32_CR3, load_cr3 = ~0ull;
	uint64_t tables[64];
	uint8_t modes[64];
	unsigned n_tables = 0;
	int role_at = -2;
	const uint64_t *regs = NULL;

	for (int i = 0; i < res->n_ops; i++) {
		const struct op_expect *e = &res->ops[i];
		const struct prog_op *op = &p->ops[i];
		uint64_t was;

		if (done_only(e) && (op->kind == OP_CR0 || op->kind == OP_CR4 || op->kind == OP_EFER)) {
			uint64_t *r = op->kind == OP_CR0 ? &cr0 : op->kind == OP_CR4 ? &cr4 : &efer;
			uint64_t role = op->kind == OP_CR0 ? ROLE_CR0 : op->kind == OP_CR4 ? ROLE_CR4 : ROLE_EFER;

			was = *r, *r = op->value;
			if (e->mode != PGM_OFF && one_bit((was ^ op->value) & role) &&
			    !((was ^ op->value) & ~role & ~EFER_LMA))
				role_at = i;
		}
		if (op->kind == OP_CR3 && done_only(e))
			cr3 = op->value;
		if (is_probe(op->kind) && role_at >= 0 && i - role_at <= 2)
			t->role_bit_probe = 1;
		/* A reload at the CR3 of the previous load, with other values. */
		if (e->pdpte_load) {
			if (regs && cr3 == load_cr3 && memcmp(regs, e->pdpte, sizeof(e->pdpte)))
				t->pdpte_reload = 1;
			regs = e->pdpte, load_cr3 = cr3;
		} else if (e->mode != PGM_PAE) {
			regs = NULL;
		}
		if (!is_probe(op->kind) || !e->n_walk)
			continue;
		{
			uint64_t leaf = leaf_entry_gpa(e), entry = e->walk[e->n_walk - 1].entry;

			if (leaf && (entry & PTE_PRESENT_MASK) &&
			    (!(entry & PTE_ACCESSED_MASK) || (op->kind == OP_WRITE && !(entry & PTE_DIRTY_MASK))))
				t->ad_clear_walk = 1;
			for (int j = i - 1; leaf && j >= 0 && !t->flush_after_store; j--)
				if (p->ops[j].kind == OP_PTE && p->ops[j].addr == leaf &&
				    flushed_between(p, res, j, i, op->addr))
					t->flush_after_store = 1;
			for (unsigned k = 0; k < n_tables && op->kind == OP_READ; k++)
				if (e->n_out && e->out[0].kind == OUT_DONE && (e->out[0].gpa & PTE_PFN_MASK) == tables[k])
					t->table_readback = 1;
		}
		for (int k = 0; k < e->n_walk; k++) {
			uint64_t tb = e->walk[k].table_gpa & PTE_PFN_MASK;
			unsigned m;

			if (e->walk[k].level == 0 || tb < LAYOUT_ARENA_BASE || tb >= LAYOUT_ARENA_END)
				continue;
			for (m = 0; m < n_tables && tables[m] != tb; m++)
				;
			if (m == n_tables) {
				if (n_tables == 64)
					continue;
				tables[n_tables] = tb, modes[n_tables++] = 0;
			}
			modes[m] |= 1u << e->mode;
			t->cross_mode_table |= !one_bit(modes[m]);
		}
	}
}

int prog_traits(const struct program *p, struct prog_traits *t)
{
	struct oracle_result *res;

	memset(t, 0, sizeof(*t));
	res = malloc(sizeof(*res));
	if (!res)
		return -1;
	oracle_eval(p, ORACLE_VENDOR_AMD, res);
	for (int i = 0; i < res->n_ops; i++) {
		const struct op_expect *e = &res->ops[i];
		const struct prog_op *op = &p->ops[i];
		int last = i + 1 >= res->n_ops;
		enum oracle_paging_mode next = last ? e->mode : res->ops[i + 1].mode;

		t->lm_ops += e->mode == PGM_LM4;
		t->legacy_paging_ops += e->mode == PGM_32 || e->mode == PGM_PAE;
		if (op->kind == OP_CR4 && !last &&
		    ((e->mode == PGM_32 && next == PGM_PAE) || (e->mode == PGM_PAE && next == PGM_32)))
			t->pae_toggle_pg = 1;
		t->enter_lm |= !last && e->mode != PGM_LM4 && next == PGM_LM4;
		t->leave_lm |= !last && e->mode == PGM_LM4 && next != PGM_LM4;
		t->wp_set |= op->kind == OP_CR0 && done_only(e) && e->mode != PGM_OFF && ((op->value >> 16) & 1);
		for (int k = 0; k < e->n_out; k++) {
			t->gp |= e->out[k].kind == OUT_EXCEPTION && e->out[k].vector == 13;
			t->pf |= e->out[k].kind == OUT_EXCEPTION && e->out[k].vector == 14;
		}
		t->stale_choice |= op->kind >= OP_READ && e->n_out > 1;
		t->alias_store |= op->kind == OP_PTE && op->via;
		t->invlpg |= op->kind == OP_INVLPG;
		for (int k = 0; k < e->n_walk; k++)
			t->large_page |= (e->walk[k].entry & PTE_LARGE_MASK) && (e->walk[k].entry & PTE_PRESENT_MASK) &&
					 e->walk[k].level >= 2 && e->walk[k].level <= 3;
	}
	class_traits(p, res, t);
	t->n_ops = res->n_ops;
	t->shared_pdpt_page = prog_has_shared_pdpt_page(p);
	free(res);
	return 0;
}

/*
 * The one definition of the headline shape, "two PDPTs on one page": two
 * CR3 loads of p name one page at different 32-byte slots (CR3 bits 11:5
 * select the PAE PDPT in its page).  The generator, the seed filter of
 * `mmufuzz fuzz --exclude-shared-pdpt`, its stop condition, the minimizer
 * and the finding signature all ask this function.
 *
 * It reads the program, not the oracle's model: it also counts loads the
 * model would not turn into PDPTE loads (a CR3 loaded in 32-bit paging,
 * one whose PDPTE load faults).  Measured over the corpus and 20,000
 * generated programs, every program whose model loads PDPTEs from two slots
 * of one page is counted, and more: the wider reading is the safe one for
 * a filter that must keep the shape out of the time-to-bug benchmark's
 * starting corpus.
 */
int prog_has_shared_pdpt_page(const struct program *p)
{
	for (unsigned i = 0; i < p->n_ops; i++)
		for (unsigned j = i + 1; j < p->n_ops; j++)
			if (p->ops[i].kind == OP_CR3 && p->ops[j].kind == OP_CR3 &&
			    (p->ops[i].value >> 12) == (p->ops[j].value >> 12) &&
			    ((p->ops[i].value ^ p->ops[j].value) & 0xFE0))
				return 1;
	return 0;
}
