// SPDX-License-Identifier: GPL-2.0
/*
 * The generator: deterministic per seed, always well formed, honours its
 * options (mode restriction, no two PDPTs on one page), and makes the
 * interesting cases common, the bug classes' shapes included.  Each share
 * is printed and must reach a floor,
 * judged by the oracle's model (two PDPTs on one page: by its one
 * definition, prog_has_shared_pdpt_page) rather than by the generator's
 * own bookkeeping.
 *   test_program_gen [count]   (default 10000 per configuration)
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"
#include "oracles/oracle.h"
#include "tests/check.h"
#include "harness/search/generate.h"

static struct program p, q;

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
	unsigned reload = 0, role = 0, flush = 0, ad = 0, readback = 0, cross = 0;
	char err[256];
	struct prog_traits t;

	for (unsigned i = 0; i < count; i++) {
		if (prog_random(&rng, &p, o)) {
			fail++;
			continue;
		}
		if (prog_check(&p, err, sizeof(err)))
			ill++;
		if (o->max_ops && p.n_ops > o->max_ops)
			ill++;
		if (prog_traits(&p, &t))
			ill++;
		if (o->modes == GEN_MODE_LM64 && (t.legacy_paging_ops || p.start != START_LM64 ||
						   t.lm_ops != t.n_ops))
			wrong_mode++;
		if (o->modes == GEN_MODE_PM32 && (t.lm_ops || p.start != START_PM32))
			wrong_mode++;
		shared += t.shared_pdpt_page;
		toggle += t.pae_toggle_pg;
		enter += t.enter_lm;
		leave += t.leave_lm;
		wp += t.wp_set;
		gp += t.gp;
		pf += t.pf;
		stale += t.stale_choice;
		alias += t.alias_store;
		invlpg += t.invlpg;
		large += t.large_page;
		legacy += t.legacy_paging_ops > 0;
		lm += t.lm_ops > 0;
		reload += t.pdpte_reload;
		role += t.role_bit_probe;
		flush += t.flush_after_store;
		ad += t.ad_clear_walk;
		readback += t.table_readback;
		cross += t.cross_mode_table;
	}
	printf("%s: %u programs; %% with: legacy paging %.0f, long mode %.0f, 2 PDPTs on one page %.1f, "
	       "CR4.PAE toggle with PG %.1f, enter LM %.1f, leave LM %.1f, WP set %.0f, #GP %.0f, #PF %.0f, "
	       "stale-TLB choice %.0f, alias store %.0f, invlpg %.0f, large page %.0f\n",
	       name, count, SHARE(legacy), SHARE(lm), SHARE(shared), SHARE(toggle), SHARE(enter), SHARE(leave),
	       SHARE(wp), SHARE(gp), SHARE(pf), SHARE(stale), SHARE(alias), SHARE(invlpg), SHARE(large));
	printf("%s: bug-class shapes %%: PDPTE reload with a changed value %.1f, one role bit then a probe %.0f, "
	       "store-flush-probe %.0f, A/D clear on a walk %.0f, table read back %.1f, table in two modes %.0f\n",
	       name, SHARE(reload), SHARE(role), SHARE(flush), SHARE(ad), SHARE(readback), SHARE(cross));
	CHECK(!fail, "%s: %u generator failures", name, fail);
	CHECK(!ill, "%s: %u programs not well formed or over max_ops", name, ill);
	CHECK(!wrong_mode, "%s: %u programs left the allowed modes", name, wrong_mode);
	if (o->no_shared_pdpt_page)
		CHECK(!shared, "%s: %u programs with two PDPTs on one page", name, shared);
	/* Floors: the interesting cases must be common, not merely possible
	 * (in full-size programs; tiny ones have room for little). */
	if (o->max_ops)
		return;
	if (!o->modes || (o->modes & GEN_MODE_PM32)) {
		if (!o->no_shared_pdpt_page)
			CHECK(SHARE(shared) >= 10, "%s: only %.1f%% with two PDPTs on one page", name, SHARE(shared));
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
	/* The class moves' shapes, as the model sees them. */
	if (!o->modes || (o->modes & GEN_MODE_PM32))
		CHECK(SHARE(reload) >= 3, "%s: only %.1f%% reload PDPTEs with a changed value", name, SHARE(reload));
	if (!o->modes)
		CHECK(SHARE(cross) >= 5, "%s: only %.1f%% walk one table in two modes", name, SHARE(cross));
	CHECK(SHARE(role) >= 40, "%s: only %.1f%% probe after one role bit changed", name, SHARE(role));
	CHECK(SHARE(flush) >= 25, "%s: only %.1f%% store, flush without INVLPG, probe", name, SHARE(flush));
	CHECK(SHARE(ad) >= 40, "%s: only %.1f%% walk a leaf with A or D clear", name, SHARE(ad));
}

/* The corpus does what its file names say, as the model sees it. */
static void test_corpus_traits(void)
{
	static const struct {
		const char *file;
		size_t off;	/* offsetof the trait in struct prog_traits */
	} want[] = {
		{ "pae-two-pdpts-one-page.mmu", offsetof(struct prog_traits, shared_pdpt_page) },
		{ "pae-pdpts-share-pd.mmu", offsetof(struct prog_traits, shared_pdpt_page) },
		{ "cr4-pae-toggle-paging-on.mmu", offsetof(struct prog_traits, pae_toggle_pg) },
		{ "enter-leave-long-mode.mmu", offsetof(struct prog_traits, enter_lm) },
		{ "enter-leave-long-mode.mmu", offsetof(struct prog_traits, leave_lm) },
		{ "leave-long-mode-to-pae.mmu", offsetof(struct prog_traits, leave_lm) },
		{ "cr0-wp.mmu", offsetof(struct prog_traits, wp_set) },
		{ "stale-tlb-invlpg.mmu", offsetof(struct prog_traits, stale_choice) },
		{ "stale-tlb-invlpg.mmu", offsetof(struct prog_traits, invlpg) },
		{ "alias-write-page-table.mmu", offsetof(struct prog_traits, alias_store) },
		{ "large-page-4m-pse.mmu", offsetof(struct prog_traits, large_page) },
		{ "large-page-2m-pae.mmu", offsetof(struct prog_traits, large_page) },
		{ "large-page-1g-lm.mmu", offsetof(struct prog_traits, large_page) },
		{ "pdpte-reserved-bit.mmu", offsetof(struct prog_traits, gp) },
		{ "smep-smap.mmu", offsetof(struct prog_traits, pf) },
		{ "nx-efer-nxe.mmu", offsetof(struct prog_traits, pf) },
	};
	const char *dir = getenv("MMUFUZZ_CORPUS") ? getenv("MMUFUZZ_CORPUS") : "corpus";
	struct prog_traits t;
	char path[512], err[512];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, want[i].file);
		if (prog_load(path, &p, err, sizeof(err)) || prog_traits(&p, &t)) {
			CHECK(0, "%s", err);
			continue;
		}
		CHECK(*(int *)((char *)&t + want[i].off), "%s lacks the trait at offset %zu", path, want[i].off);
	}
	/* And the headline trait is absent where it must be. */
	snprintf(path, sizeof(path), "%s/pdpte-write-needs-cr3-reload.mmu", dir);
	CHECK(!prog_load(path, &p, err, sizeof(err)) && !prog_traits(&p, &t) && !t.shared_pdpt_page,
	      "%s: one PDPT reloaded counts as two slots of one page", path);
	/* The definition reads CR3 loads, not the model's PDPTE loads: here
	 * the load of the page's other slot raises #GP (a reserved PDPTE
	 * bit), and the program still counts: the benchmark's seed filter
	 * must keep it out, it is one store away from the headline shape. */
	snprintf(path, sizeof(path), "%s/pdpte-reserved-bit.mmu", dir);
	CHECK(!prog_load(path, &p, err, sizeof(err)) && prog_has_shared_pdpt_page(&p),
	      "%s: two CR3 loads on one page do not count", path);
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	const struct gen_opts all = { 0 }, lm = { .modes = GEN_MODE_LM64 }, pm = { .modes = GEN_MODE_PM32 };
	const struct gen_opts noshare = { .no_shared_pdpt_page = 1 }, small = { .max_ops = 8 };

	test_determinism();
	test_corpus_traits();
	test_config("all modes", &all, count);
	test_config("lm64 only", &lm, count);
	test_config("pm32 only", &pm, count);
	test_config("no shared PDPT page", &noshare, count);
	test_config("max 8 ops", &small, count / 4);
	return check_summary("test_program_gen");
}
