// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the root oracle on synthetic traces: every rule with a
 * firing and a non-firing case, the counts, the feature vector, printing,
 * and the differential verdict's words for each rule (harness/judge/diff.c).
 */
#include <stdlib.h>
#include <string.h>
#include "tests/check.h"
#include "oracles/roots.h"
#include "oracles/oracle.h"
#include "harness/judge/diff.h"

#define CR0_PE_PG_WP	(0x80010011ull)
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
	t_load(CR0_PE_PG_WP, cr3, X86_CR4_PAE, 0, p0, p1, 0, 0);
}

/* Append an event of kind with gfn, role (and its level) and val. */
static struct rootrace_event *t_simple(uint8_t kind, uint64_t gfn, uint32_t role, uint64_t val)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = kind;
	e->gfn = gfn;
	e->role = role;
	e->level = RT_ROLE_LEVEL(role);
	e->val = val;
	return e;
}

static void t_page(uint64_t gfn, uint32_t role, int created, int root_window)
{
	t_simple(RT_GET_PAGE, gfn, role, 0)->flags = (created ? RT_F_CREATED : 0) |
						     (root_window ? RT_F_ROOT : 0);
}

/*
 * A root snapshot (RT_ROOT_SNAP) at a VM entry: the guest's state, the root
 * page (sp: a shadow page with gfn/role, else role is KVM's root_role) and
 * which PAE root entries are present; t_ent() adds their records.
 */
static void t_snap(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer, uint64_t p0,
		   uint64_t p1, uint64_t hpa, int sp, uint64_t gfn, uint32_t role, unsigned present)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = RT_ROOT_SNAP;
	e->flags = RT_F_VCPU | (sp ? RT_F_SP : 0);
	e->cr0 = cr0, e->cr3 = cr3, e->cr4 = cr4, e->efer = efer;
	e->pdpte[0] = p0, e->pdpte[1] = p1;
	e->val = hpa;
	e->gfn = gfn;
	e->role = role;
	e->level = RT_ROLE_LEVEL(role);
	e->quadrant = present;
}

static void t_ent(unsigned i, uint64_t hpa, int sp, uint64_t gfn, uint32_t role)
{
	struct rootrace_event *e = &tr[n++];

	e->kind = RT_ROOT_ENTRY;
	e->quadrant = i;
	e->val = hpa | 1;
	e->flags = sp ? RT_F_SP : 0;
	e->gfn = gfn;
	e->role = role;
	e->level = RT_ROLE_LEVEL(role);
}

/* Stock 6.1 PAE: the per-vCPU pae_root (no shadow page), one child each. */
static void t_snap_stock(uint64_t cr3, uint64_t p0, uint64_t p1, uint64_t c0, uint64_t c1)
{
	t_snap(CR0_PE_PG_WP, cr3, X86_CR4_PAE, 0, p0, p1, 0x7000000, 0, 0, ROLE_PAE(3),
	       (p0 & 1) | (p1 & 1) << 1);
	if (p0 & 1)
		t_ent(0, c0, 1, p0 >> 12, ROLE_PAE(2));
	if (p1 & 1)
		t_ent(1, c1, 1, p1 >> 12, ROLE_PAE(2));
}

/* A PAE root that is a shadow page of its own (RFC, slot, outside-role):
 * entries shadow gfns g0, g1 (0: not present). */
static void t_snap_sp(uint64_t cr3, uint64_t p0, uint64_t p1, uint64_t hpa, uint64_t g0,
		      uint64_t g1)
{
	t_snap(CR0_PE_PG_WP, cr3, X86_CR4_PAE, 0, p0, p1, hpa, 1, cr3 >> 12, ROLE_RFC,
	       (g0 ? 1 : 0) | (g1 ? 2 : 0));
	if (g0)
		t_ent(0, 0x8000000 + (g0 << 12), 1, g0, ROLE_PAE(2));
	if (g1)
		t_ent(1, 0x8000000 + (g1 << 12), 1, g1, ROLE_PAE(2));
}

/* Judge the trace built so far (no model) and check that rule fired want
 * times (a macro, so a failure names the case's line). */
#define CHECK_RULE(rule, want, what)						\
	do {									\
		roots_eval(tr, n, NULL, &res);					\
		CHECK(count_rule(&res, rule) == (want), "%s: %u %s findings, want %u",	\
		      what, count_rule(&res, rule), #rule, (unsigned)(want));	\
	} while (0)

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
	t_snap_stock(0x20000, 0x21001, 0x22001, 0x5001000, 0x5002000);
	t_simple(RT_SET_CR3, 0, 0, 0x20020);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1234000);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1235000);
	t_pae(0x20020, 0x23001, 0);
	t_page(0x23, ROLE_PAE(2), 1, 1);
	t_snap_stock(0x20020, 0x23001, 0, 0x5003000, 0);
	t_simple(RT_FREE_ROOT_PAGE, 0, 0, 0x1236000);
	t_pae(0x20000, 0x21001, 0x22001);
	t_page(0x21, ROLE_PAE(2), 0, 1);
	t_page(0x22, ROLE_PAE(2), 0, 1);
	t_snap_stock(0x20000, 0x21001, 0x22001, 0x5001000, 0x5002000);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.created == 3, "created %u", res.created);
	CHECK(res.reused == 2, "reused %u", res.reused);
	CHECK(res.freed == 3, "freed %u", res.freed);
	CHECK(res.cr3_writes == 1, "cr3 writes %u", res.cr3_writes);
	CHECK(res.n_loads == 3, "loads %u", res.n_loads);
	CHECK(res.snaps == 3 && res.snaps_partial == 0, "snapshots %u (%u partial)", res.snaps,
	      res.snaps_partial);
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

/* RFC: one PAE root page for CR3 >> 12, entered for the other slot. */
static void t_rfc_visible(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);		/* not in the mmu_alloc_root window */
	t_page(0x21, ROLE_PAE(2), 1, 1);
	t_snap_sp(0x20000, 0x21001, 0, 0x6000000, 0x21, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	t_snap_sp(0x20020, 0x22001, 0, 0x6000000, 0x21, 0);
}

static void test_alias_fires(void)
{
	t_rfc_visible();
	CHECK_RULE(ROOTS_ALIAS, 1, "alias");
	CHECK(res.n_findings == 1, "findings %u", res.n_findings);
	CHECK(res.f[0].cr3_built == 0x20000 && res.f[0].cr3_now == 0x20020,
	      "built %#llx now %#llx", (unsigned long long)res.f[0].cr3_built,
	      (unsigned long long)res.f[0].cr3_now);
	CHECK(res.f[0].event == 7 && res.f[0].entry == 0 && res.f[0].gfn == 0x21,
	      "event %d entry %d gfn %#llx", res.f[0].event, res.f[0].entry,
	      (unsigned long long)res.f[0].gfn);
	CHECK(res.reused == 1 && res.created == 2, "reused %u created %u", res.reused, res.created);
	CHECK(strstr(res.f[0].what, "same page") && strstr(res.f[0].what, "shadows gfn 0x21") &&
	      strstr(res.f[0].what, "PDPTE0 is 0x22001"), "what: %s", res.f[0].what);
	/* Entered three times on the same wrong root: still one finding. */
	t_snap(CR0_PE_PG_WP & ~(1ull << 16), 0x20020, X86_CR4_PAE, 0, 0x22001, 0, 0x6000000, 1, 0x20,
	       ROLE_RFC & ~RT_ROLE_CR0_WP, 1);
	t_ent(0, 0x8021000, 1, 0x21, ROLE_PAE(2) & ~RT_ROLE_CR0_WP);
	t_snap_sp(0x20020, 0x22001, 0, 0x6000000, 0x21, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 1, "repeated wrong root: %u findings", res.n_findings);
}

/*
 * Slot 0 (CR3 0x20000, PDPTEs a0 a1) entered on a correct root page at
 * 0x6000000, then slot 1 (b0 b1) on root page hpa_b whose entries shadow
 * gfns g0, g1 (0: not present).
 */
static void t_two_slots(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1, uint64_t hpa_b,
			uint64_t g0, uint64_t g1)
{
	t_reset();
	t_pae(0x20000, a0, a1);
	t_snap_sp(0x20000, a0, a1, 0x6000000, a0 >> 12, (a1 & 1) ? a1 >> 12 : 0);
	t_pae(0x20020, b0, b1);
	t_snap_sp(0x20020, b0, b1, hpa_b, g0, g1);
}

/*
 * The latent form: the two PDPTs differ only in PDPTE1, which no probe
 * reads.  The root's entry 1 already shows the other slot's table.
 */
static void test_alias_latent(void)
{
	t_two_slots(0x21001, 0x23001, 0x21001, 0x24001, 0x6000000, 0x21, 0x23);
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ALIAS) == 1 && res.n_findings == 1 && res.f[0].entry == 1,
	      "latent: alias %u of %u, entry %d", count_rule(&res, ROOTS_ALIAS), res.n_findings,
	      res.f[0].entry);
}

/*
 * Sharing is no aliasing.  One root for two slots with the same PDPTEs
 * (a design may share them); and two different root pages with the same
 * gfn and role, one per slot (a design keyed outside role.word): both
 * correct, both quiet.
 */
static void test_shared_and_same_key_quiet(void)
{
	t_two_slots(0x21001, 0, 0x21001, 0, 0x6000000, 0x21, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "shared root, same PDPTEs: %u findings: %s", res.n_findings,
	      res.f[0].what);
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);
	t_snap_sp(0x20000, 0x21001, 0, 0x6000000, 0x21, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);		/* same (gfn, role), another page */
	t_snap_sp(0x20020, 0x22001, 0, 0x6001000, 0x22, 0);
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	t_snap_sp(0x20000, 0x21001, 0, 0x6000000, 0x21, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "two pages, one (gfn, role): %u findings: %s", res.n_findings,
	      res.f[0].what);
	CHECK(res.snaps == 3, "snapshots %u", res.snaps);
	/* The same with the second slot entered on the first page: flagged. */
	t_two_slots(0x21001, 0, 0x22001, 0, 0x6000000, 0x21, 0);
	CHECK_RULE(ROOTS_ALIAS, 1, "wrong page entered");
}

/* Same slot, PDPTEs changed, the root still shows the old ones. */
static void t_stale_fires(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0x22001);
	t_snap_sp(0x20000, 0x21001, 0x22001, 0x6000000, 0x21, 0x22);
	t_pae(0x20000, 0x21001, 0x23001);
	t_snap_sp(0x20000, 0x21001, 0x23001, 0x6000000, 0x21, 0x22);
}

static void test_stale(void)
{
	t_stale_fires();
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_STALE) == 1 && res.n_findings == 1, "stale %u of %u",
	      count_rule(&res, ROOTS_STALE), res.n_findings);
	CHECK(strstr(res.f[0].what, "before the guest changed it") != NULL, "what: %s", res.f[0].what);
	/* A PDPTE cleared, its entry left present: also stale. */
	t_reset();
	t_snap_sp(0x20000, 0x21001, 0x22001, 0x6000000, 0x21, 0x22);
	t_snap_sp(0x20000, 0x21001, 0, 0x6000000, 0x21, 0x22);
	CHECK_RULE(ROOTS_STALE, 1, "cleared PDPTE");
	/* Non-firing: the root rebuilt with the new PDPTEs (pae-root-slot). */
	t_reset();
	t_snap_sp(0x20000, 0x21001, 0x22001, 0x6000000, 0x21, 0x22);
	t_simple(RT_ZAP_PAGE, 0x20, ROLE_RFC, 0);
	t_snap_sp(0x20000, 0x21001, 0x23001, 0x6000000, 0x21, 0x23);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "rebuilt: findings %u: %s", res.n_findings, res.f[0].what);
	/* Non-firing: only PCD (bit 4) of PDPTE 1 changed, which no shadow
	 * root carries (found by nightly on pae-root-slot, which rightly
	 * compares P and the address only). */
	t_reset();
	t_snap_sp(0x20000, 0x21001, 0x22011, 0x6000000, 0x21, 0x22);
	t_snap_sp(0x20000, 0x21001, 0x22001, 0x6000000, 0x21, 0x22);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "PCD-only change: findings %u: %s", res.n_findings, res.f[0].what);
}

/* A model whose op 1 loads PDPTE0 = 0x21001, and ops up to n_ops-1 keep it. */
static void t_model_pae(struct oracle_result *o, unsigned n_ops)
{
	memset(o, 0, sizeof(*o));
	o->n_ops = n_ops;
	o->ops[1].pdpte_load = 1;
	for (unsigned i = 1; i < n_ops; i++) {
		o->ops[i].mode = PGM_PAE;
		o->ops[i].pdpte[0] = 0x21001;
	}
}

/* PDPTEs KVM used vs the PDPTE registers of the model. */
static void test_model(void)
{
	static struct oracle_result o;

	t_model_pae(&o, 3);
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
	/* The same under NPT (a direct TDP root): KVM's copy is not used. */
	tr[n - 1].role = 4 | RT_ROLE_DIRECT;
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 0, "direct root, foreign PDPTEs: %u findings",
	      res.n_findings);
	/* Long-mode loads have no PDPTEs to check. */
	t_reset();
	t_load(CR0_PE_PG_WP, 0x103000, X86_CR4_PAE, EFER_LME_LMA, 0x99001, 0, 0, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(roots_check_model(&res, &o) == 0, "long mode: %u findings", res.n_findings);
}

static void test_gfn(void)
{
	/* An entry shadowing a table no PDPTE of the run named. */
	t_reset();
	t_snap_stock(0x20000, 0x21001, 0, 0x5001000, 0);
	tr[n - 1].gfn = 0x29;
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_GFN) == 1 && res.n_findings == 1, "gfn %u of %u",
	      count_rule(&res, ROOTS_GFN), res.n_findings);
	/* A present entry for a not-present PDPTE, and the reverse. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x20000, X86_CR4_PAE, 0, 0x21000, 0x22001, 0x7000000, 0, 0, ROLE_PAE(3), 1);
	t_ent(0, 0x5001000, 1, 0x21, ROLE_PAE(2));
	CHECK_RULE(ROOTS_GFN, 2, "present mismatch");
	/* An entry that points at no shadow page. */
	t_reset();
	t_snap_stock(0x20000, 0x21001, 0, 0x5001000, 0);
	tr[n - 1].flags = 0;
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_GFN) == 1 && strstr(res.f[0].what, "no shadow page"),
	      "no sp: gfn %u", count_rule(&res, ROOTS_GFN));
	/* Long mode: the root is CR3's frame, or it is wrong. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x103000, X86_CR4_PAE, EFER_LME_LMA, 0, 0, 0x5103000, 1, 0x103, ROLE_PAE(4), 0);
	t_snap(CR0_PE_PG_WP, 0x104000, X86_CR4_PAE, EFER_LME_LMA, 0, 0, 0x5104000, 1, 0x104, ROLE_PAE(4), 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "long mode, right frames: %u findings: %s", res.n_findings,
	      res.f[0].what);
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x104000, X86_CR4_PAE, EFER_LME_LMA, 0, 0, 0x5103000, 1, 0x103, ROLE_PAE(4), 0);
	t_snap(CR0_PE_PG_WP, 0x105000, X86_CR4_PAE, EFER_LME_LMA, 0, 0, 0x5105000, 0, 0, ROLE_PAE(4), 0);
	CHECK_RULE(ROOTS_GFN, 2, "long mode, wrong frame / no page");
	/* Paging off: direct children map GiB i. */
	t_reset();
	t_snap(0x11, 0, 0, 0, 0, 0, 0x7000000, 0, 0, 3 | (7u << 8) | RT_ROLE_DIRECT, 0xf);
	for (unsigned i = 0; i < 4; i++)
		t_ent(i, 0x5100000 + (i << 12), 1, (uint64_t)i << 18, 2 | (7u << 8) | RT_ROLE_DIRECT);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "paging off: %u findings: %s", res.n_findings, res.f[0].what);
	tr[n - 1].gfn = 0;
	CHECK_RULE(ROOTS_GFN, 1, "paging off, wrong GiB");
	/* 2-level guest: quadrant i of CR3's directory in entry i. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x30000, 0, 0, 0, 0, 0x7000000, 0, 0, ROLE_PAE(3) | RT_ROLE_4BYTE_GPTE, 0xf);
	for (unsigned i = 0; i < 4; i++)
		t_ent(i, 0x5200000 + (i << 12), 1, 0x30, ROLE_PAE(2) | RT_ROLE_4BYTE_GPTE | (i << 5));
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "32-bit: %u findings %s", res.n_findings, res.f[0].what);
	tr[n - 1].role &= ~(3u << 5);
	CHECK_RULE(ROOTS_GFN, 1, "32-bit, wrong quadrant");
}

static void test_role(void)
{
	/* CR0.WP=1 but the child's role says wp=0. */
	t_reset();
	t_snap_stock(0x20000, 0x21001, 0, 0x5001000, 0);
	tr[n - 1].role &= ~RT_ROLE_CR0_WP;
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ROLE) == 1 && res.n_findings == 1, "role %u of %u",
	      count_rule(&res, ROOTS_ROLE), res.n_findings);
	/* WP=0 with wp=0 in the roles: fine. */
	t_reset();
	t_snap(CR0_PE_PG_WP & ~(1ull << 16), 0x20000, X86_CR4_PAE, 0, 0x21001, 0, 0x7000000, 0, 0,
	       ROLE_PAE(3) & ~RT_ROLE_CR0_WP, 1);
	t_ent(0, 0x5001000, 1, 0x21, ROLE_PAE(2) & ~RT_ROLE_CR0_WP);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.n_findings == 0, "wp=0 consistent: %u findings %s", res.n_findings, res.f[0].what);
	/* A direct child while paging is on; a 32-bit-gpte child under PAE. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x20000, X86_CR4_PAE, 0, 0x21001, 0x22001, 0x7000000, 0, 0, ROLE_PAE(3), 3);
	t_ent(0, 0x5001000, 1, 0x21, ROLE_PAE(2) | RT_ROLE_DIRECT);
	t_ent(1, 0x5002000, 1, 0x22, ROLE_PAE(2) | RT_ROLE_4BYTE_GPTE);
	CHECK_RULE(ROOTS_ROLE, 2, "role");
	/* The root page of the RFC design carries the root's role too. */
	t_reset();
	t_snap_sp(0x20000, 0x21001, 0, 0x6000000, 0x21, 0);
	tr[n - 2].role &= ~RT_ROLE_CR0_WP;
	roots_eval(tr, n, NULL, &res);
	CHECK(count_rule(&res, ROOTS_ROLE) == 1 && res.f[0].entry == -1, "root page role %u",
	      count_rule(&res, ROOTS_ROLE));
	/* A long-mode-level root outside long mode. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x20000, X86_CR4_PAE, 0, 0x21001, 0, 0x7000000, 0, 0, ROLE_PAE(4), 0);
	CHECK_RULE(ROOTS_ROLE, 1, "level-4 root in PAE mode");
}

/* Without snapshots nothing is judged; lost entry records are skipped. */
static void test_no_snapshot(void)
{
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x20, ROLE_RFC, 1, 0);
	t_pae(0x20020, 0x22001, 0);
	t_page(0x20, ROLE_RFC, 0, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.snaps == 0 && res.n_findings == 0 && res.reused == 1,
	      "no snapshots: %u snaps %u findings %u reused", res.snaps, res.n_findings, res.reused);
	/* Non-root pages are not roots. */
	t_reset();
	t_pae(0x20000, 0x21001, 0);
	t_page(0x55, ROLE_PAE(1), 1, 0);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.created == 0 && res.pages_created == 1, "created %u pages %u", res.created,
	      res.pages_created);
	/* Entry 1's record lost (ring buffer full): entry 0 still judged. */
	t_reset();
	t_snap(CR0_PE_PG_WP, 0x20000, X86_CR4_PAE, 0, 0x21001, 0x22001, 0x7000000, 0, 0, ROLE_PAE(3), 3);
	t_ent(0, 0x5001000, 1, 0x29, ROLE_PAE(2));
	t_simple(RT_SET_CR3, 0, 0, 0x20000);
	roots_eval(tr, n, NULL, &res);
	CHECK(res.snaps == 1 && res.snaps_partial == 1 && res.n_findings == 1 && res.f[0].entry == 0,
	      "partial: %u snaps %u partial %u findings", res.snaps, res.snaps_partial, res.n_findings);
}

static void test_features(void)
{
	uint64_t hist[RT_EXIT_BUCKETS] = { 0 };
	unsigned i, diff = 0, nz = 0;

	test_baseline_counts();
	hist[0x13] = 5;
	roots_eval(tr, n, hist, &res2);
	t_rfc_visible();
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
	/* Nor do snapshots: how often KVM is looked at is the tracer's business. */
	t_snap_sp(0x20020, 0x22001, 0, 0x6000000, 0x21, 0);
	roots_eval(tr, n, NULL, &res2);
	CHECK(!memcmp(res.feat, res2.feat, sizeof(res.feat)), "a snapshot changed the features");
	n -= 2;
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

	t_rfc_visible();
	roots_print_events(f, tr, n);
	roots_eval(tr, n, NULL, &res);
	roots_print(f, &res);
	roots_print_compare(f, "baseline", &res, "candidate", &res);
	fclose(f);
	CHECK(buf && strstr(buf, "gfn=0x20 new") && strstr(buf, "gfn=0x20 existing"),
	      "trace print: %s", buf);
	CHECK(strstr(buf, "cr3=0x00020020") != NULL, "cr3 column: %s", buf);
	CHECK(strstr(buf, "root_snap") && strstr(buf, "[0]=0x8021001 sp gfn=0x21"),
	      "snapshot print: %s", buf);
	CHECK(strstr(buf, "FINDING alias") != NULL && strstr(buf, "2 snapshots"), "finding print: %s", buf);
	CHECK(strstr(buf, "l3 q0 acc7 nx wp spare") != NULL, "role print: %s", buf);
	free(buf);
}

/*
 * The differential verdict's words (harness/judge/diff.c): a root finding
 * of each kind is reported with its rule, what the rule means and its
 * facts -- which root entry shadows which guest table, and what the
 * guest's own PDPTE says instead -- and the quiet twin of each case
 * reports nothing.
 */
static void t_stale_quiet(void)		/* rebuilt for the new PDPTEs */
{
	t_stale_fires();
	tr[n - 1].gfn = 0x23;
}

static void t_alias_quiet(void)		/* one root shared by two equal PDPTs */
{
	t_two_slots(0x21001, 0, 0x21001, 0, 0x6000000, 0x21, 0);
}

static void t_gfn_quiet(void)
{
	t_reset();
	t_snap_stock(0x20000, 0x21001, 0, 0x5001000, 0);
}

static void t_gfn_fires(void)
{
	t_gfn_quiet();
	tr[n - 1].gfn = 0x29;
}

static void t_role_fires(void)
{
	t_gfn_quiet();
	tr[n - 1].role &= ~RT_ROLE_CR0_WP;
}

/* ROOTS_PDPTE: the model says the guest's PDPTE0 was 0x21001. */
static void t_pdpte_eval(uint64_t kvm_pdpte0)
{
	static struct oracle_result o;

	t_model_pae(&o, 2);
	t_reset();
	t_pae(0x20000, kvm_pdpte0, 0);
	roots_eval(tr, n, NULL, &res);
	roots_check_model(&res, &o);
}

static void t_pdpte_fires(void) { t_pdpte_eval(0x22001); }
static void t_pdpte_quiet(void) { t_pdpte_eval(0x21001); }

static const struct why_case {
	enum roots_rule rule;
	void (*fires)(void), (*quiet)(void);
	const char *facts[3];
} why_cases[] = {
	{ ROOTS_ALIAS, t_rfc_visible, t_alias_quiet,
	  { "root entry 0 (0x8021001) shadows gfn 0x21", "PDPTE0 of CR3 0x20000 (another PDPT",
	    "the guest's PDPTE0 is 0x22001" } },
	{ ROOTS_STALE, t_stale_fires, t_stale_quiet,
	  { "root entry 1 (0x8022001) shadows gfn 0x22", "before the guest changed it",
	    "the guest's PDPTE1 is 0x23001" } },
	{ ROOTS_GFN, t_gfn_fires, t_gfn_quiet,
	  { "CR3 0x20000", "shadows gfn 0x29", "the guest's PDPTE0 is 0x21001" } },
	{ ROOTS_ROLE, t_role_fires, t_gfn_quiet,
	  { "root entry 0", "gfn 0x21", "role.cr0_wp differs from CR0.WP" } },
	{ ROOTS_PDPTE, t_pdpte_fires, t_pdpte_quiet,
	  { "CR3 0x20000", "0x22001", "were never the guest's" } },
};

static void judge_roots(void (*build)(void), struct kernel_outcome *k)
{
	*k = (struct kernel_outcome){ .ran = 1, .exit = RUN_COMPLETED, .first_violation_op = -1 };
	build();
	if (build != t_pdpte_fires && build != t_pdpte_quiet)
		roots_eval(tr, n, NULL, &res);
	diff_outcome_roots(k, &res);
}

static void test_verdict_wording(void)
{
	struct kernel_outcome base, cand;
	struct diff_result d;

	for (size_t c = 0; c < sizeof(why_cases) / sizeof(why_cases[0]); c++) {
		const struct why_case *w = &why_cases[c];
		const char *name = roots_rule_name(w->rule);
		char head[64];

		snprintf(head, sizeof(head), "candidate: %s (", name);
		judge_roots(w->quiet, &base);
		judge_roots(w->fires, &cand);
		diff_classify(&base, &cand, &d);
		CHECK(d.cls == DIFF_ALIASING && strstr(d.why, head) && strstr(d.why, "; baseline: none"),
		      "%s: %s: %s", name, diff_class_name(d.cls), d.why);
		for (int i = 0; i < 3; i++)
			CHECK(strstr(d.why, w->facts[i]) != NULL, "%s: '%s' in: %s", name, w->facts[i],
			      d.why);
		/* Each kind in its own words: no other rule is named. */
		for (int r = 1; r < ROOTS_RULE_COUNT; r++) {
			snprintf(head, sizeof(head), ": %s (", roots_rule_name(r));
			if (r != (int)w->rule)
				CHECK(!strstr(d.why, head), "%s: names %s too: %s", name,
				      roots_rule_name(r), d.why);
		}
		CHECK(!strstr(d.why, "reused a shadow root"), "%s: the old blanket words: %s", name, d.why);
		/* The quiet twin on both kernels: no finding, no words. */
		judge_roots(w->quiet, &cand);
		diff_classify(&base, &cand, &d);
		CHECK(d.cls == DIFF_CLEAN && !d.why[0] && !cand.aliasing, "%s quiet: %s: '%s'", name,
		      diff_class_name(d.cls), d.why);
		/* The same finding on the baseline alone: pre-existing, its words. */
		judge_roots(w->fires, &base);
		diff_classify(&base, &cand, &d);
		snprintf(head, sizeof(head), "baseline: %s (", name);
		CHECK(d.cls == DIFF_PREEXISTING && strstr(d.why, head) && strstr(d.why, w->facts[2]),
		      "%s on the baseline: %s: %s", name, diff_class_name(d.cls), d.why);
	}
	/* Several findings: the first is told, the rest counted. */
	t_gfn_quiet();
	tr[n - 1].gfn = 0x29;
	tr[n - 1].role &= ~RT_ROLE_CR0_WP;
	roots_eval(tr, n, NULL, &res);
	base = (struct kernel_outcome){ .ran = 1, .exit = RUN_COMPLETED, .first_violation_op = -1 };
	cand = base;
	diff_outcome_roots(&cand, &res);
	diff_classify(&base, &cand, &d);
	CHECK(res.n_findings == 2 && strstr(d.why, "(and 1 more root finding(s))"),
	      "two findings: %u: %s", res.n_findings, d.why);
	/* One kernel alone. */
	diff_classify(&(struct kernel_outcome){ 0 }, &cand, &d);
	CHECK(d.cls == DIFF_ALIASING && strstr(d.why, "(single kernel)") && strstr(d.why, "role ("),
	      "single kernel: %s", d.why);
}

int main(void)
{
	test_baseline_counts();
	test_alias_fires();
	test_alias_latent();
	test_shared_and_same_key_quiet();
	test_stale();
	test_model();
	test_gfn();
	test_role();
	test_no_snapshot();
	test_features();
	test_print();
	test_verdict_wording();
	return check_summary("roots");
}
