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
#include "oracles/oracle.h"

static int done_only(const struct op_expect *e)
{
	return e->n_out == 1 && e->out[0].kind == OUT_DONE;
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
