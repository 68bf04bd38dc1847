// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the root oracle on synthetic traces: every rule with a
 * firing and a non-firing case, the counts, the feature vector, printing.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/check.h"
#include "oracles/roots.h"
#include "oracles/oracle.h"

#define CR0_PE_PG_WP	(0x80010011ull)
#define CR4_PAE		(1ull << 5)
#define EFER_LME_LMA	(0x500ull)
/* Role of a PAE-guest shadow root as 6.1 builds it: level, nx, wp, acc 7. */
#define ROLE_PAE(l)	((l) | (7u << 8) | RT_ROLE_EFER_NX | RT_ROLE_CR0_WP)
#define ROLE_RFC	(ROLE_PAE(3) | (1u << 19))	/* the RFC's pae_root bit */

static struct rootrace_event tr[64];
static size_t n;

static void t_reset(void)
{
	memset(tr, 0, sizeof(tr));
	n = 0;
}

static void t_load(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer,
		   uint64_t p0, uint64_t p1, uint64_t p2, uint64_t p3)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = RT_MMU_LOAD;
	e->flags = RT_F_VCPU;
	e->cr0 = cr0, e->cr3 = cr3, e->cr4 = cr4, e->efer = efer;
	e->pdpte[0] = p0, e->pdpte[1] = p1, e->pdpte[2] = p2, e->pdpte[3] = p3;
}

static void t_pae(uint64_t cr3, uint64_t p0, uint64_t p1)
{
	t_load(CR0_PE_PG_WP, cr3, CR4_PAE, 0, p0, p1, 0, 0);
}

static void t_page(uint64_t gfn, uint32_t role, int created, int root_window)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = RT_GET_PAGE;
	e->gfn = gfn;
	e->role = role;
	e->level = RT_ROLE_LEVEL(role);
	e->flags = (created ? RT_F_CREATED : 0) | (root_window ? RT_F_ROOT : 0);
}

static void t_simple(uint8_t kind, uint64_t gfn, uint32_t role, uint64_t val)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = kind;
	e->gfn = gfn;
	e->role = role;
	e->level = RT_ROLE_LEVEL(role);
	e->val = val;
}

static unsigned count_rule(const struct roots_result *r, enum roots_rule rule)
{
	unsigned i, c = 0;

	for (i = 0; i < r->n_findings && i < ROOTS_MAX_FINDINGS; i++)
		c += r->f[i].rule == rule;
	return c;
}

static struct roots_result res, res2;

/* Stock 6.1: one level-2 root per present PDPTE, freed on a PDPTE change. */
static void test_baseline_counts(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0x22001);
	t_page(0x21, ROLE_PAE(2), 1, 1);
	t_page(0x22, ROLE_PAE(2), 1, 1);
	t_simple(RT_SET_CR3, 0, 0, 0x20020);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1234000);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1235000);
	t_pae(0x20020, 0x23001, 0);
	t_page(0x23, ROLE_PAE(2), 1, 1);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1236000);
	t_pae(0x20000, 0x21001, 0x22001);
	t_page(0x21, ROLE_PAE(2), 0, 1);
	t_page(0x22, ROLE_PAE(2), 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.created == 3, "created %u", res.created);
	CHECK(res.reused == 2, "reused %u", res.reused);
	CHECK(res.freed == 3, "freed %u", res.freed);
	CHECK(res.cr3_writes == 1, "cr3 writes %u", res.cr3_writes);
	CHECK(res.n_loads == 3, "loads %u", res.n_loads);
	CHECK(res.loads[0].created == 2 && res.loads[1].created == 1 && res.loads[2].reused == 2,
	      "per-load counts %u %u %u", res.loads[0].created, res.loads[1].created,
	      res.loads[2].reused);
	CHECK(res.loads[1].freed == 2 && res.loads[2].freed == 1, "freed per load %u %u",
	      res.loads[1].freed, res.loads[2].freed);
	CHECK(res.loads[1].ctx.cr3 == 0x20020, "load 1 cr3 %#llx",
	      (unsigned long long)res.loads[1].ctx.cr3);
	CHECK(res.n_findings == 0, "baseline trace has %u findings: %s", res.n_findings,
	      res.f[0].what);
}

/* RFC: PAE root page keyed by CR3 >> 12, reused for the other slot. */
static void test_alias_fires(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);		/* not in the mmu_alloc_root window */
	t_page(0x21, ROLE_PAE(2), 1, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ALIAS) == 1, "alias findings %u", count_rule(&res, ROOTS_ALIAS));
	CHECK(res.n_findings == 1, "findings %u", res.n_findings);
	CHECK(res.f[0].cr3_built == 0x20000 && res.f[0].cr3_now == 0x20020,
	      "built %#llx now %#llx", (unsigned long long)res.f[0].cr3_built,
	      (unsigned long long)res.f[0].cr3_now);
	CHECK(res.f[0].event == 4, "event %d", res.f[0].event);
	CHECK(res.reused == 1, "reused %u", res.reused);
	CHECK(strstr(res.f[0].what, "same page") != NULL, "what: %s", res.f[0].what);
}

/* Another slot with byte-identical PDPTEs: reuse is harmless. */
static void test_alias_identical_pdptes_quiet(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 1);
	t_pae(0x20020, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "findings %u: %s", res.n_findings, res.f[0].what);
	CHECK(res.reused == 1, "reused %u", res.reused);
}

/* A zap forgets the root: the next creation is judged afresh. */
static void test_zap_forgets(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 1);
	t_simple(RT_ZAP_PAGE, 0x20, ROLE_RFC, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "findings %u: %s", res.n_findings, res.f[0].what);
	CHECK(res.zapped == 1 && res.created == 2, "zapped %u created %u", res.zapped, res.created);
}

/* Same slot, PDPTEs changed, root reused: KVM missed the change. */
static void test_stale(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 1);
	t_pae(0x20000, 0x21001, 0x22001);
	t_page(0x20, ROLE_RFC, 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_STALE) == 1 && res.n_findings == 1, "stale %u of %u",
	      count_rule(&res, ROOTS_STALE), res.n_findings);
	/* Non-firing: unchanged PDPTEs. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 1);
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "findings %u", res.n_findings);
	/* Non-firing: only PCD (bit 4) of PDPTE 1 changed, which no shadow
	 * root carries (found by nightly on pae-root-slot, which rightly
	 * compares P and the address only). */
	t_reset();
	t_pae(0x20000, 0x21001, 0x22011);
	t_page(0x20, ROLE_RFC, 1, 1);
	t_pae(0x20000, 0x21001, 0x22001);
	t_page(0x20, ROLE_RFC, 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "PCD-only change: findings %u", res.n_findings);
}

/* KVM looks the root up, finds it stale, zaps it and builds a new one
 * (pae-root-slot): no finding.  A zap later on does not excuse a reuse. */
static void test_retract(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);
	t_pae(0x20000, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	t_simple(RT_ZAP_PAGE, 0x20, ROLE_RFC, 0);
	t_page(0x20, ROLE_RFC, 1, 0);
	t_page(0x22, ROLE_PAE(2), 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "retracted lookup: %u findings: %s", res.n_findings, res.f[0].what);
	CHECK(res.reused == 0 && res.created == 3, "retracted lookup: reused %u created %u",
	      res.reused, res.created);
	CHECK(res.loads[1].reused == 0 && res.loads[1].created == 2, "load 1: %u reused %u new",
	      res.loads[1].reused, res.loads[1].created);
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	t_page(0x400, ROLE_PAE(1) | RT_ROLE_DIRECT, 1, 0);	/* the guest ran on it */
	t_simple(RT_ZAP_PAGE, 0x20, ROLE_RFC, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ALIAS) == 1, "zap after use: alias %u", count_rule(&res, ROOTS_ALIAS));
}

/* PDPTEs KVM used vs the PDPTE registers of the model. */
static void test_model(void)
{
	static struct oracle_result o;

	memset(&o, 0, sizeof(o));
	o.n_ops = 3;
	o.ops[1].pdpte_load = 1;
	o.ops[1].mode = PGM_PAE;
	o.ops[1].pdpte[0] = 0x21001;
	o.ops[2].mode = PGM_PAE;
	o.ops[2].pdpte[0] = 0x21001;
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x21, ROLE_PAE(2), 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 0 && res.n_findings == 0, "model agrees: %u findings",
	      res.n_findings);
	/* Not-present entries may hold anything. */
	t_reset();
	t_pae(0x20000, 0x21001, 0x5550);
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 0, "not-present entry differs: %u findings", res.n_findings);
	t_reset();
	t_pae(0x20000, 0x22001, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 1 && count_rule(&res, ROOTS_PDPTE) == 1,
	      "foreign PDPTEs: %u findings", res.n_findings);
	/* Long-mode loads have no PDPTEs to check. */
	t_reset();
	t_load(CR0_PE_PG_WP, 0x103000, CR4_PAE, EFER_LME_LMA, 0x99001, 0, 0, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 0, "long mode: %u findings", res.n_findings);
}

static void test_gfn(void)
{
	/* A level-2 root no present PDPTE names. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x21, ROLE_PAE(2), 1, 1);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x21, ROLE_PAE(2), 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_GFN) == 1 && res.n_findings == 1, "gfn %u of %u",
	      count_rule(&res, ROOTS_GFN), res.n_findings);
	/* A not-present PDPTE does not name its frame either. */
	t_reset();
	t_pae(0x20000, 0x21000, 0);
	t_page(0x21, ROLE_PAE(2), 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_GFN) == 1, "not-present pdpte: gfn %u", count_rule(&res, ROOTS_GFN));
	/* Long mode: the root is CR3's frame, or it is wrong. */
	t_reset();
	t_load(CR0_PE_PG_WP, 0x103000, CR4_PAE, EFER_LME_LMA, 0, 0, 0, 0);
	t_page(0x103, ROLE_PAE(4), 1, 1);
	t_load(CR0_PE_PG_WP, 0x104000, CR4_PAE, EFER_LME_LMA, 0, 0, 0, 0);
	t_page(0x104, ROLE_PAE(4), 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "long mode, right frames: %u findings", res.n_findings);
	t_reset();
	t_load(CR0_PE_PG_WP, 0x104000, CR4_PAE, EFER_LME_LMA, 0, 0, 0, 0);
	t_page(0x103, ROLE_PAE(4), 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_GFN) == 1, "long mode, wrong frame: gfn %u", count_rule(&res, ROOTS_GFN));
}

static void test_role(void)
{
	/* CR0.WP=1 but the root's role says wp=0. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x21, ROLE_PAE(2) & ~RT_ROLE_CR0_WP, 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ROLE) == 1 && res.n_findings == 1, "role %u of %u",
	      count_rule(&res, ROOTS_ROLE), res.n_findings);
	/* WP=0 with wp=0 in the role: fine. */
	t_reset();
	t_load(CR0_PE_PG_WP & ~(1ull << 16), 0x20000, CR4_PAE, 0, 0x21001, 0, 0, 0);
	t_page(0x21, ROLE_PAE(2) & ~RT_ROLE_CR0_WP, 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "wp=0 consistent: %u findings %s", res.n_findings, res.f[0].what);
	/* A direct root while paging is on; a 32-bit-gpte root under PAE. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x21, ROLE_PAE(2) | RT_ROLE_DIRECT, 1, 1);
	t_page(0x21, ROLE_PAE(2) | RT_ROLE_4BYTE_GPTE, 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ROLE) == 2, "role %u", count_rule(&res, ROOTS_ROLE));
	/* Direct roots with paging off are what KVM does: quiet. */
	t_reset();
	t_load(0x11, 0, 0, 0, 0, 0, 0, 0);
	t_page(0, (3u << 8 | 7u << 8) | RT_ROLE_DIRECT | 2, 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0 && res.created == 1, "paging off: %u findings, %u created",
	      res.n_findings, res.created);
	/* 32-bit paging: quadrant roots of CR3's frame with has_4_byte_gpte. */
	t_reset();
	t_load(CR0_PE_PG_WP, 0x30000, 0, 0, 0, 0, 0, 0);
	t_page(0x30, ROLE_PAE(2) | RT_ROLE_4BYTE_GPTE | (1u << 5), 1, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "32-bit: %u findings %s", res.n_findings, res.f[0].what);
}

/* Roots before any load are counted, never judged. */
static void test_no_context(void)
{
	t_reset();
	t_page(0x99, ROLE_PAE(2), 0, 1);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.reused == 1 && res.n_findings == 0, "reused %u findings %u", res.reused, res.n_findings);
	/* Non-root pages are not roots. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x55, ROLE_PAE(1), 1, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.created == 0 && res.pages_created == 1, "created %u pages %u", res.created,
	      res.pages_created);
}

static void test_features(void)
{
	uint64_t hist[RT_EXIT_BUCKETS] = { 0 };
	unsigned i, diff = 0, nz = 0;

	test_baseline_counts();
	hist[0x13] = 5;
	roots_eval(tr, n, hist, &res2);
	test_alias_fires();
	roots_eval(tr, n, NULL, &res);
	for (i = 0; i < ROOTS_FEAT_N; i++) {
		diff += res.feat[i] != res2.feat[i];
		nz += res.feat[i] != 0;
	}
	CHECK(nz > 0 && diff > 0, "features: %u non-zero, %u differ", nz, diff);
	CHECK(res2.feat[ROOTS_FEAT_EVENTS + 0x13] == 8, "exit bucket %u",
	      res2.feat[ROOTS_FEAT_EVENTS + 0x13]);
	/* Teardown before the first load does not change the features. */
	memmove(tr + 1, tr, n * sizeof(tr[0]));
	memset(tr, 0, sizeof(tr[0]));
	tr[0].kind = RT_ZAP_PAGE;
	tr[0].gfn = 0x77;
	n++;
	roots_eval(tr, n, NULL, &res2);
	CHECK(!memcmp(res.feat, res2.feat, sizeof(res.feat)), "teardown changed the features");
	memmove(tr, tr + 1, (n - 1) * sizeof(tr[0]));
	n--;
	/* RT_EXITS records in the trace stand in for a missing histogram. */
	t_simple(RT_EXITS, 0x13, 0, 5);
	roots_eval(tr, n, NULL, &res2);
	CHECK(res2.feat[ROOTS_FEAT_EVENTS + 0x13] == 8 && res2.n_findings == 1,
	      "RT_EXITS: bucket %u, findings %u", res2.feat[ROOTS_FEAT_EVENTS + 0x13], res2.n_findings);
	n--;
	/* Deterministic. */
	roots_eval(tr, n, NULL, &res2);
	CHECK(!memcmp(res.feat, res2.feat, sizeof(res.feat)), "features not deterministic");
}

static void test_print(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	test_alias_fires();
	rootrace_print(f, tr, n);
	roots_eval(tr, n, NULL, &res);
	roots_print(f, &res);
	roots_print_compare(f, "baseline", &res, "candidate", &res);
	fclose(f);
	CHECK(buf && strstr(buf, "gfn=0x20 new") && strstr(buf, "gfn=0x20 existing"),
	      "trace print: %s", buf);
	CHECK(strstr(buf, "cr3=0x00020020") != NULL, "cr3 column: %s", buf);
	CHECK(strstr(buf, "FINDING alias") != NULL, "finding print: %s", buf);
	CHECK(strstr(buf, "l3 q0 acc7 nx wp spare") != NULL, "role print: %s", buf);
	free(buf);
}

int main(void)
{
	test_baseline_counts();
	test_alias_fires();
	test_alias_identical_pdptes_quiet();
	test_zap_forgets();
	test_stale();
	test_retract();
	test_model();
	test_gfn();
	test_role();
	test_no_context();
	test_features();
	test_print();
	return check_summary("roots");
}
