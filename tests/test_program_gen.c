// SPDX-License-Identifier: GPL-2.0
/*
 * The generator: deterministic per seed, always well formed, honours its
 * options (mode restriction, no two PAE PDPTs loaded from one page), and
 * makes the interesting cases common.  Each share is printed and must
 * reach a floor, judged by the oracle's model rather than by the
 * generator's own bookkeeping.
 *   test_program_gen [count]   (default 10000 per configuration)
 */
#include <stdlib.h>
#include <string.h>
#include "harness/program.h"
#include "oracles/oracle.h"
#include "tests/check.h"

static struct program p, q;
static struct oracle_result res;

/* What one program exercises, as the model sees it. */
struct traits {
	int lm_ops, legacy_paging_ops;	/* ops evaluated in LM4 / in PGM_32 or PAE */
	int shared_pdpt_page;		/* PDPTEs loaded from 2+ slots of one page */
	int pae_toggle_pg;		/* CR4.PAE changed while paging stays on */
	int enter_lm, leave_lm;
	int wp_flip, gp, pf, stale, alias, invlpg, large;
};

static int done_only(const struct op_expect *e)
{
	return e->n_out == 1 && e->out[0].kind == OUT_DONE;
}

static void traits_of(const struct program *pr, struct traits *t)
{
	uint64_t cr3 = pr->start == START_LM64 ? ORACLE_START_LM64_CR3 : 0;
	uint64_t loaded[PROG_MAX_OPS];
	int n_loaded = 0;

	memset(t, 0, sizeof(*t));
	oracle_eval(pr, VENDOR_AMD, &res);
	for (int i = 0; i < res.n_ops; i++) {
		const struct op_expect *e = &res.ops[i];
		const struct prog_op *op = &pr->ops[i];
		enum paging_mode next = i + 1 < res.n_ops ? res.ops[i + 1].mode : e->mode;

		t->lm_ops += e->mode == PGM_LM4;
		t->legacy_paging_ops += e->mode == PGM_32 || e->mode == PGM_PAE;
		if (op->kind == OP_CR3 && done_only(e))
			cr3 = op->value;
		if (e->pdpte_load) {
			for (int k = 0; k < n_loaded; k++)
				if ((loaded[k] >> 12) == (cr3 >> 12) && (loaded[k] & 0xfe0) != (cr3 & 0xfe0))
					t->shared_pdpt_page = 1;
			loaded[n_loaded++] = cr3;
		}
		if (op->kind == OP_CR4 && i + 1 < res.n_ops &&
		    ((e->mode == PGM_32 && next == PGM_PAE) || (e->mode == PGM_PAE && next == PGM_32)))
			t->pae_toggle_pg = 1;
		t->enter_lm |= e->mode != PGM_LM4 && next == PGM_LM4 && i + 1 < res.n_ops;
		t->leave_lm |= e->mode == PGM_LM4 && next != PGM_LM4;
		t->wp_flip |= op->kind == OP_CR0 && done_only(e) && e->mode != PGM_OFF && ((op->value >> 16) & 1);
		for (int k = 0; k < e->n_out; k++) {
			t->gp |= e->out[k].kind == OUT_EXCEPTION && e->out[k].vector == 13;
			t->pf |= e->out[k].kind == OUT_EXCEPTION && e->out[k].vector == 14;
		}
		t->stale |= op->kind >= OP_READ && e->n_out > 1;
		t->alias |= op->kind == OP_PTE && op->via;
		t->invlpg |= op->kind == OP_INVLPG;
		for (int k = 0; k < e->n_walk; k++)
			t->large |= (e->walk[k].entry & PTE_PS) && e->walk[k].level >= 2 && e->walk[k].level <= 3 &&
				    (e->walk[k].entry & PTE_P);
	}
}

static void test_determinism(void)
{
	uint64_t a = 42, b = 42;
	int same = 1;

	for (int i = 0; i < 200; i++) {
		prog_random(&a, &p, NULL);
		prog_random(&b, &q, NULL);
		same &= prog_same(&p, &q);
	}
	CHECK(same && a == b, "the same seed gave different programs");
	prog_random(&a, &p, NULL);
	prog_random(&a, &q, NULL);
	CHECK(!prog_same(&p, &q), "two consecutive programs are identical");
}

#define SHARE(x) (100.0 * (x) / count)

static void test_config(const char *name, const struct gen_opts *o, unsigned count)
{
	uint64_t rng = 0x67656e00ull ^ o->modes ^ ((uint64_t)o->no_shared_pdpt_page << 8);
	unsigned fail = 0, ill = 0, wrong_mode = 0, shared = 0, toggle = 0, enter = 0, leave = 0;
	unsigned wp = 0, gp = 0, pf = 0, stale = 0, alias = 0, invlpg = 0, large = 0, legacy = 0, lm = 0;
	char err[256];
	struct traits t;

	for (unsigned i = 0; i < count; i++) {
		if (prog_random(&rng, &p, o)) {
			fail++;
			continue;
		}
		if (prog_check(&p, err, sizeof(err)))
			ill++;
		if (o->max_ops && p.n_ops > o->max_ops)
			ill++;
		traits_of(&p, &t);
		if (o->modes == GEN_MODE_LM64 && (t.legacy_paging_ops || p.start != START_LM64 ||
						   t.lm_ops != res.n_ops))
			wrong_mode++;
		if (o->modes == GEN_MODE_PM32 && (t.lm_ops || p.start != START_PM32))
			wrong_mode++;
		shared += t.shared_pdpt_page;
		toggle += t.pae_toggle_pg;
		enter += t.enter_lm;
		leave += t.leave_lm;
		wp += t.wp_flip;
		gp += t.gp;
		pf += t.pf;
		stale += t.stale;
		alias += t.alias;
		invlpg += t.invlpg;
		large += t.large;
		legacy += t.legacy_paging_ops > 0;
		lm += t.lm_ops > 0;
	}
	printf("%s: %u programs; %% with: legacy paging %.0f, long mode %.0f, 2+ PDPTs of one page loaded %.1f, "
	       "CR4.PAE toggle with PG %.1f, enter LM %.1f, leave LM %.1f, WP set %.0f, #GP %.0f, #PF %.0f, "
	       "stale-TLB choice %.0f, alias store %.0f, invlpg %.0f, large page %.0f\n",
	       name, count, SHARE(legacy), SHARE(lm), SHARE(shared), SHARE(toggle), SHARE(enter), SHARE(leave),
	       SHARE(wp), SHARE(gp), SHARE(pf), SHARE(stale), SHARE(alias), SHARE(invlpg), SHARE(large));
	CHECK(!fail, "%s: %u generator failures", name, fail);
	CHECK(!ill, "%s: %u programs not well formed or over max_ops", name, ill);
	CHECK(!wrong_mode, "%s: %u programs left the allowed modes", name, wrong_mode);
	if (o->no_shared_pdpt_page)
		CHECK(!shared, "%s: %u programs loaded two PDPTs from one page", name, shared);
	/* Floors: the interesting cases must be common, not merely possible
	 * (in full-size programs; tiny ones have room for little). */
	if (o->max_ops)
		return;
	if (!o->modes || (o->modes & GEN_MODE_PM32)) {
		if (!o->no_shared_pdpt_page)
			CHECK(SHARE(shared) >= 10, "%s: only %.1f%% load two PDPTs of one page", name, SHARE(shared));
		CHECK(SHARE(toggle) >= 3, "%s: only %.1f%% toggle CR4.PAE with paging on", name, SHARE(toggle));
	}
	if (!o->modes) {
		CHECK(SHARE(enter) >= 5, "%s: only %.1f%% enter long mode", name, SHARE(enter));
		CHECK(SHARE(leave) >= 5, "%s: only %.1f%% leave long mode", name, SHARE(leave));
	}
	CHECK(SHARE(gp) >= 5 && SHARE(pf) >= 20, "%s: #GP %.1f%%, #PF %.1f%%", name, SHARE(gp), SHARE(pf));
	CHECK(SHARE(stale) >= 5, "%s: only %.1f%% probes with a stale-TLB choice", name, SHARE(stale));
	CHECK(SHARE(alias) >= 3, "%s: only %.1f%% alias stores", name, SHARE(alias));
	CHECK(SHARE(large) >= 10, "%s: only %.1f%% use a large page", name, SHARE(large));
	CHECK(SHARE(wp) >= 5, "%s: only %.1f%% run with CR0.WP", name, SHARE(wp));
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	const struct gen_opts all = { 0 }, lm = { .modes = GEN_MODE_LM64 }, pm = { .modes = GEN_MODE_PM32 };
	const struct gen_opts noshare = { .no_shared_pdpt_page = 1 }, small = { .max_ops = 8 };

	test_determinism();
	test_config("all modes", &all, count);
	test_config("lm64 only", &lm, count);
	test_config("pm32 only", &pm, count);
	test_config("no shared PDPT page", &noshare, count);
	test_config("max 8 ops", &small, count / 4);
	return check_summary("test_program_gen");
}
