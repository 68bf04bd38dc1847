// SPDX-License-Identifier: GPL-2.0
/*
 * Root oracle: per-run root counts, aliasing and stale-root findings, and
 * a feature vector, from the root tracer's events (see roots.h).
 */
#include <string.h>
#include <stdio.h>
#include "roots.h"

#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)
#define EFER_LMA	(1ull << 10)
#define ADDR_MASK	0x000ffffffffff000ull
#define PAE_SLOT(cr3)	((cr3) & 0xfe0ull)	/* CR3 bits 11:5 */

enum roots_mode { RM_OFF, RM_32, RM_PAE, RM_LM };

struct roots_tracked {
	uint64_t gfn;
	uint32_t role;
	uint8_t has_ctx;
	struct roots_ctx built;
};

struct roots_state {
	struct roots_result *res;
	const struct roots_ctx *ctx;	/* current load's context, NULL before one */
	int load;			/* index of the current load, -1 before one */
	unsigned pending_freed;
	unsigned n_tracked;
	struct roots_tracked t[ROOTS_MAX_TRACKED];
	struct roots_ctx last_ctx;
};

const char *roots_rule_name(enum roots_rule r)
{
	static const char *const names[ROOTS_RULE_COUNT] = {
		[ROOTS_ALIAS] = "alias", [ROOTS_STALE] = "stale",
		[ROOTS_GFN] = "gfn", [ROOTS_ROLE] = "role", [ROOTS_PDPTE] = "pdpte",
	};

	return r > 0 && r < ROOTS_RULE_COUNT ? names[r] : "?";
}

static enum roots_mode roots__mode(const struct roots_ctx *c)
{
	if (!(c->cr0 & CR0_PG))
		return RM_OFF;
	if (c->efer & EFER_LMA)
		return RM_LM;
	return (c->cr4 & CR4_PAE) ? RM_PAE : RM_32;
}

static int roots__is_root(const struct rootrace_event *e, const struct roots_ctx *c)
{
	enum roots_mode m;

	if (e->flags & RT_F_ROOT)
		return 1;
	if (!c || (e->role & RT_ROLE_DIRECT))
		return 0;
	m = roots__mode(c);
	if (m == RM_PAE || m == RM_32)
		return e->level == 3;
	return m == RM_LM && e->level >= 4;
}

/* Do two PDPT snapshots differ in a way the guest can see? */
/*
 * Whether a root built for PDPTEs a serves PDPTEs b: only P and the page
 * directory's address reach the shadow root (KVM builds its PAE root
 * entries from those alone; PWT/PCD and the ignored bits change no
 * translation, and reserved bits #GP at the load).
 */
static int roots__pdpte_differs(uint64_t a, uint64_t b)
{
	if (!(a & 1) && !(b & 1))
		return 0;
	return (a & (ADDR_MASK | 1)) != (b & (ADDR_MASK | 1));
}

static int roots__pdptes_differ(const uint64_t *a, const uint64_t *b)
{
	for (int i = 0; i < 4; i++)
		if (roots__pdpte_differs(a[i], b[i]))
			return 1;
	return 0;
}

static void roots__find(struct roots_state *s, const struct rootrace_event *e, int idx,
			enum roots_rule rule, uint64_t built, const char *what)
{
	struct roots_result *res = s->res;
	struct roots_finding *f;

	if (res->n_findings++ >= ROOTS_MAX_FINDINGS)
		return;
	f = &res->f[res->n_findings - 1];
	f->rule = rule;
	f->event = idx;
	f->load = s->load;
	f->gfn = e->gfn;
	f->role = e->role;
	f->cr3_built = built;
	f->cr3_now = s->ctx ? s->ctx->cr3 : 0;
	snprintf(f->what, sizeof(f->what), "%s", what);
}

static struct roots_tracked *roots__lookup(struct roots_state *s, uint64_t gfn, uint32_t role)
{
	unsigned i;

	for (i = 0; i < s->n_tracked; i++)
		if (s->t[i].gfn == gfn && s->t[i].role == role)
			return &s->t[i];
	return NULL;
}

static void roots__forget(struct roots_state *s, uint64_t gfn, uint32_t role)
{
	struct roots_tracked *t = roots__lookup(s, gfn, role);

	if (t)
		*t = s->t[--s->n_tracked];
}

/* ROOTS_ROLE: the role bits a shadow root must carry in this context. */
static void roots__check_role(struct roots_state *s, const struct rootrace_event *e, int idx)
{
	const struct roots_ctx *c = s->ctx;
	enum roots_mode m = roots__mode(c);
	int wp = !!(c->cr0 & CR0_WP);
	char buf[200];
	const char *bad = NULL;

	if (m == RM_OFF) {
		if (!(e->role & RT_ROLE_DIRECT))
			bad = "shadow (non-direct) root while CR0.PG=0";
	} else if (e->role & RT_ROLE_DIRECT) {
		bad = "direct root while CR0.PG=1";
	} else if (!!(e->role & RT_ROLE_CR0_WP) != wp) {
		bad = "role.cr0_wp differs from CR0.WP";
	} else if (!!(e->role & RT_ROLE_SMEP_ANDNOT_WP) != (!!(c->cr4 & CR4_SMEP) && !wp)) {
		bad = "role.smep_andnot_wp differs from CR4.SMEP && !CR0.WP";
	} else if (!!(e->role & RT_ROLE_SMAP_ANDNOT_WP) != (!!(c->cr4 & CR4_SMAP) && !wp)) {
		bad = "role.smap_andnot_wp differs from CR4.SMAP && !CR0.WP";
	} else if (!!(e->role & RT_ROLE_4BYTE_GPTE) != (m == RM_32)) {
		bad = "role.has_4_byte_gpte differs from the paging mode";
	}
	if (!bad)
		return;
	snprintf(buf, sizeof(buf), "root gfn 0x%llx role 0x%08x at CR3 0x%llx: %s",
		 (unsigned long long)e->gfn, e->role, (unsigned long long)c->cr3, bad);
	roots__find(s, e, idx, ROOTS_ROLE, 0, buf);
}

/* ROOTS_GFN: does the current context name the root's guest frame? */
static void roots__check_gfn(struct roots_state *s, const struct rootrace_event *e, int idx)
{
	const struct roots_ctx *c = s->ctx;
	enum roots_mode m = roots__mode(c);
	uint64_t want = (c->cr3 & ADDR_MASK) >> 12;
	char buf[200];
	int i, ok = 1;

	if (m == RM_OFF || (e->role & RT_ROLE_DIRECT))
		return;
	if (m == RM_PAE && e->level == 2) {
		ok = 0;
		for (i = 0; i < 4; i++)
			if ((c->pdpte[i] & 1) && ((c->pdpte[i] & ADDR_MASK) >> 12) == e->gfn)
				ok = 1;
		if (!ok) {
			snprintf(buf, sizeof(buf),
				 "%s level-2 root gfn 0x%llx at CR3 0x%llx: no present PDPTE names it",
				 (e->flags & RT_F_CREATED) ? "new" : "reused",
				 (unsigned long long)e->gfn, (unsigned long long)c->cr3);
			roots__find(s, e, idx, ROOTS_GFN, 0, buf);
		}
		return;
	}
	if (e->gfn == want)
		return;
	snprintf(buf, sizeof(buf), "%s level-%u root gfn 0x%llx at CR3 0x%llx (frame 0x%llx)",
		 (e->flags & RT_F_CREATED) ? "new" : "reused", e->level,
		 (unsigned long long)e->gfn, (unsigned long long)c->cr3, (unsigned long long)want);
	roots__find(s, e, idx, ROOTS_GFN, 0, buf);
}

/* ROOTS_ALIAS / ROOTS_STALE: a PAE root page reused for other PDPTEs. */
static void roots__check_reuse(struct roots_state *s, const struct rootrace_event *e, int idx,
			       const struct roots_tracked *t)
{
	const struct roots_ctx *c = s->ctx, *b = &t->built;
	char buf[200];
	int alias, d;

	if (!t->has_ctx || e->level < 3 || roots__mode(c) != RM_PAE || roots__mode(b) != RM_PAE)
		return;
	if (!roots__pdptes_differ(b->pdpte, c->pdpte))
		return;
	for (d = 0; d < 3 && !roots__pdpte_differs(b->pdpte[d], c->pdpte[d]); d++)
		;	/* name the first PDPTE that differs */
	alias = PAE_SLOT(b->cr3) != PAE_SLOT(c->cr3) &&
		(b->cr3 & ADDR_MASK) == (c->cr3 & ADDR_MASK);
	snprintf(buf, sizeof(buf),
		 "root gfn 0x%llx built for CR3 0x%llx (PDPTE%d 0x%llx) reused for CR3 0x%llx (PDPTE%d 0x%llx)%s",
		 (unsigned long long)e->gfn, (unsigned long long)b->cr3, d,
		 (unsigned long long)b->pdpte[d], (unsigned long long)c->cr3, d,
		 (unsigned long long)c->pdpte[d],
		 alias ? ": another PDPT on the same page" : ": the guest's PDPTEs changed");
	roots__find(s, e, idx, alias ? ROOTS_ALIAS : ROOTS_STALE, b->cr3, buf);
}

static void roots__root_event(struct roots_state *s, const struct rootrace_event *e, int idx)
{
	struct roots_result *res = s->res;
	struct roots_load *l = (s->load >= 0 && s->load < ROOTS_MAX_LOADS) ? &res->loads[s->load] : NULL;
	struct roots_tracked *t = roots__lookup(s, e->gfn, e->role);

	if (e->flags & RT_F_CREATED) {
		res->created++;
		if (l)
			l->created++;
	} else {
		res->reused++;
		if (l)
			l->reused++;
	}
	if (s->ctx) {
		roots__check_role(s, e, idx);
		roots__check_gfn(s, e, idx);
		if (!(e->flags & RT_F_CREATED) && t)
			roots__check_reuse(s, e, idx, t);
	}
	if (t && !(e->flags & RT_F_CREATED))
		return;
	if (!t) {
		if (s->n_tracked >= ROOTS_MAX_TRACKED) {
			res->untracked++;
			return;
		}
		t = &s->t[s->n_tracked++];
	}
	t->gfn = e->gfn;
	t->role = e->role;
	t->has_ctx = !!s->ctx;
	if (s->ctx)
		t->built = *s->ctx;
}

/*
 * A root lookup that KVM zaps right away was checked and thrown out, not
 * reused (e.g. a PAE root whose children no longer match the PDPTEs): the
 * zap is the very next event, since __kvm_mmu_prepare_zap_page traces
 * first.  Take back its count and its findings.
 */
static void roots__retract(struct roots_state *s, const struct rootrace_event *prev, int pidx,
			   const struct rootrace_event *zap)
{
	struct roots_result *res = s->res;
	unsigned i, j, n;

	if (prev->kind != RT_GET_PAGE || (prev->flags & RT_F_CREATED) ||
	    prev->gfn != zap->gfn || prev->role != zap->role || !roots__is_root(prev, s->ctx))
		return;
	res->reused--;
	if (s->load >= 0 && s->load < ROOTS_MAX_LOADS)
		res->loads[s->load].reused--;
	n = res->n_findings < ROOTS_MAX_FINDINGS ? res->n_findings : ROOTS_MAX_FINDINGS;
	for (i = j = 0; i < n; i++)
		if (res->f[i].event != pidx)
			res->f[j++] = res->f[i];
	res->n_findings -= n - j;
}

/*
 * Exits the host's timing causes, not the program (SVM: INTR, NMI, SMI,
 * INIT, VINTR, PAUSE): left out of the features, they vary run to run.
 */
static int roots__exit_timing(unsigned reason)
{
	return (reason >= 0x60 && reason <= 0x64) || reason == 0x77;
}

static uint8_t roots__bucket(uint64_t c)
{
	if (c <= 2)
		return c;
	if (c == 3)
		return 4;
	if (c < 8)
		return 8;
	if (c < 16)
		return 16;
	if (c < 32)
		return 32;
	return c < 128 ? 64 : 128;
}

static void roots__feature(struct roots_result *res, const struct rootrace_event *e, int root,
			   unsigned *counts)
{
	unsigned lvl = e->level > 5 ? 5 : e->level;
	unsigned k = e->kind < RT_KIND_COUNT ? e->kind : 0;

	counts[((k * 6 + lvl) * 2 + !!(e->flags & RT_F_CREATED)) * 2 + !!root]++;
}

void roots_eval(const struct rootrace_event *ev, size_t n, const uint64_t *exit_hist,
		struct roots_result *res)
{
	unsigned counts[ROOTS_FEAT_EVENTS];
	uint64_t trace_hist[RT_EXIT_BUCKETS] = { 0 };
	struct roots_state s;
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(counts, 0, sizeof(counts));
	memset(&s, 0, sizeof(s));
	s.res = res;
	s.load = -1;
	for (i = 0; i < n; i++) {
		const struct rootrace_event *e = &ev[i];
		int root = 0;

		switch (e->kind) {
		case RT_MMU_LOAD:
			s.last_ctx.cr0 = e->cr0;
			s.last_ctx.cr3 = e->cr3;
			s.last_ctx.cr4 = e->cr4;
			s.last_ctx.efer = e->efer;
			memcpy(s.last_ctx.pdpte, e->pdpte, sizeof(s.last_ctx.pdpte));
			s.last_ctx.root_role = e->role;
			s.ctx = &s.last_ctx;
			s.load = res->n_loads++;
			if (s.load < ROOTS_MAX_LOADS) {
				res->loads[s.load].ctx = s.last_ctx;
				res->loads[s.load].event = i;
				res->loads[s.load].freed = s.pending_freed;
			}
			s.pending_freed = 0;
			break;
		case RT_GET_PAGE:
			if (e->flags & RT_F_CREATED)
				res->pages_created++;
			else
				res->pages_reused++;
			root = roots__is_root(e, s.ctx);
			if (root)
				roots__root_event(&s, e, i);
			break;
		case RT_ZAP_PAGE:
			res->zapped++;
			if (i > 0)
				roots__retract(&s, &ev[i - 1], i - 1, e);
			roots__forget(&s, e->gfn, e->role);
			break;
		case RT_FREE_ROOT_PAGE:
			if (e->val != ~0ull) {
				res->freed++;
				s.pending_freed++;
			}
			break;
		case RT_SET_CR3:
			res->cr3_writes++;
			break;
		case RT_EXITS:
			if (e->gfn < RT_EXIT_BUCKETS)
				trace_hist[e->gfn] += e->val;
			continue;	/* not an event of the run: no feature */
		default:
			break;
		}
		/* Before the first load come the teardown of whatever ran
		 * before (the executor's reset zaps it): not this program's
		 * behaviour, and it would make the features unstable. */
		if (e->kind < RT_KIND_COUNT && e->kind != RT_FREE_ROOTS && s.load >= 0)
			roots__feature(res, e, root, counts);
	}
	res->freed_after_last = s.pending_freed;
	for (i = 0; i < ROOTS_FEAT_EVENTS; i++)
		res->feat[i] = roots__bucket(counts[i]);
	/* The histogram given, else the RT_EXITS records in the trace. */
	for (i = 0; i < RT_EXIT_BUCKETS; i++)
		if (!roots__exit_timing(i))
			res->feat[ROOTS_FEAT_EVENTS + i] =
				roots__bucket(exit_hist ? exit_hist[i] : trace_hist[i]);
}
