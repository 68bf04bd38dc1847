// SPDX-License-Identifier: GPL-2.0
/*
 * Root oracle: per-run root counts and a feature vector from the root
 * tracer's events, and findings on the roots KVM entered the guest with
 * (the RT_ROOT_SNAP records), against the guest's state then (roots.h).
 */
#include <string.h>
#include <stdio.h>
#include "roots.h"
#include "../harness/core/x86.h"


enum roots_mode { RM_OFF, RM_32, RM_PAE, RM_LM };

struct roots_state {
	struct roots_result *res;
	const struct roots_ctx *ctx;	/* current load's context, NULL before one */
	int load;			/* index of the current load, -1 before one */
	unsigned pending_freed;
	struct roots_ctx last_ctx;
	/* The snapshot being read, and the earlier ones (a ring). */
	struct roots_snap cur;
	int in_snap;			/* cur waits for its entry records */
	unsigned n_hist;
	struct roots_snap hist[ROOTS_MAX_SNAPS];
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
	if (!(c->cr0 & X86_CR0_PG))
		return RM_OFF;
	if (c->efer & EFER_LMA)
		return RM_LM;
	return (c->cr4 & X86_CR4_PAE) ? RM_PAE : RM_32;
}

/* Root events (for the counts): in the mmu_alloc_root window, or a
 * non-direct page at the top level of the context (a PAE root that is a
 * shadow page of its own, as in the RFC design). */
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
	return (a & (PTE_PFN_MASK | 1)) != (b & (PTE_PFN_MASK | 1));
}

static void roots__find(struct roots_state *s, const struct roots_snap *sn, enum roots_rule rule,
			int entry, uint64_t gfn, uint32_t role, uint64_t built, const char *what)
{
	struct roots_result *res = s->res;
	struct roots_finding *f;
	unsigned i;

	/* A root that stays wrong over several entries is one finding. */
	for (i = 0; i < res->n_findings && i < ROOTS_MAX_FINDINGS; i++) {
		f = &res->f[i];
		if (f->rule == rule && f->entry == entry && f->gfn == gfn &&
		    f->cr3_now == sn->ctx.cr3 && f->cr3_built == built)
			return;
	}
	if (res->n_findings++ >= ROOTS_MAX_FINDINGS)
		return;
	f = &res->f[res->n_findings - 1];
	f->rule = rule;
	f->entry = (int8_t)entry;
	f->event = sn->event;
	f->load = s->load;
	f->gfn = gfn;
	f->role = role;
	f->cr3_built = built;
	f->cr3_now = sn->ctx.cr3;
	snprintf(f->what, sizeof(f->what), "%s", what);
}

/*
 * ROOTS_ROLE: the role bits a page of the root must carry in this context.
 * want_level: the page's level (0: 4 or 5, a long-mode root).
 */
static void roots__check_role(struct roots_state *s, const struct roots_snap *sn, int entry,
			      const struct roots_snap_page *pg, unsigned want_level)
{
	const struct roots_ctx *c = &sn->ctx;
	enum roots_mode m = roots__mode(c);
	uint32_t role = pg->role;
	unsigned level = RT_ROLE_LEVEL(role);
	int wp = !!(c->cr0 & X86_CR0_WP);
	char buf[240], who[40];
	const char *bad = NULL;

	if (want_level ? level != want_level : (level != 4 && level != 5)) {
		bad = "wrong level for the paging mode";
	} else if (m == RM_OFF) {
		if (!(role & RT_ROLE_DIRECT))
			bad = "shadow (non-direct) page while CR0.PG=0";
	} else if (role & RT_ROLE_DIRECT) {
		bad = "direct page while CR0.PG=1";
	} else if (!!(role & RT_ROLE_CR0_WP) != wp) {
		bad = "role.cr0_wp differs from CR0.WP";
	} else if (!!(role & RT_ROLE_SMEP_ANDNOT_WP) != (!!(c->cr4 & X86_CR4_SMEP) && !wp)) {
		bad = "role.smep_andnot_wp differs from CR4.SMEP && !CR0.WP";
	} else if (!!(role & RT_ROLE_SMAP_ANDNOT_WP) != (!!(c->cr4 & X86_CR4_SMAP) && !wp)) {
		bad = "role.smap_andnot_wp differs from CR4.SMAP && !CR0.WP";
	} else if (!!(role & RT_ROLE_4BYTE_GPTE) != (m == RM_32)) {
		bad = "role.has_4_byte_gpte differs from the paging mode";
	}
	if (!bad)
		return;
	if (entry < 0)
		snprintf(who, sizeof(who), "root hpa %#llx", (unsigned long long)pg->hpa);
	else
		snprintf(who, sizeof(who), "root entry %d (%#llx)", entry, (unsigned long long)pg->hpa);
	snprintf(buf, sizeof(buf), "CR3 %#llx CR0 %#llx CR4 %#llx: %s, gfn %#llx role %#010x: %s",
		 (unsigned long long)c->cr3, (unsigned long long)c->cr0, (unsigned long long)c->cr4,
		 who, (unsigned long long)pg->gfn, role, bad);
	roots__find(s, sn, ROOTS_ROLE, entry, pg->gfn, role, 0, buf);
}

/*
 * What entry i of a PAE root must shadow in this context: 0 when it must
 * not be present, else 1 with the table's gfn and the child's quadrant.
 */
static int roots__want_entry(const struct roots_ctx *c, int i, uint64_t *gfn, unsigned *quadrant)
{
	*quadrant = 0;
	*gfn = 0;
	switch (roots__mode(c)) {
	case RM_OFF:
		*gfn = (uint64_t)i << 18;	/* direct: GiB i */
		return 1;
	case RM_32:
		*gfn = (c->cr3 & PTE_PFN_MASK) >> 12;
		*quadrant = i;
		return 1;
	case RM_PAE:
		*gfn = (c->pdpte[i] & PTE_PFN_MASK) >> 12;
		return c->pdpte[i] & 1;
	default:
		return 0;
	}
}

/*
 * Where did the table an entry shows come from?  The latest earlier
 * snapshot whose PDPTE i named it (present, that gfn; or not present):
 * another slot of this PDPT page (ALIAS), this very CR3 (STALE), or
 * elsewhere / nowhere in this run (GFN).
 */
static enum roots_rule roots__origin(const struct roots_state *s, const struct roots_ctx *now, int i,
				     int present, uint64_t gfn, uint64_t *cr3)
{
	unsigned k, n = s->n_hist < ROOTS_MAX_SNAPS ? s->n_hist : ROOTS_MAX_SNAPS;

	for (k = 1; k <= n; k++) {
		const struct roots_ctx *c = &s->hist[(s->n_hist - k) % ROOTS_MAX_SNAPS].ctx;
		uint64_t p = c->pdpte[i];

		if (roots__mode(c) != RM_PAE || !!(p & 1) != present ||
		    (present && ((p & PTE_PFN_MASK) >> 12) != gfn))
			continue;
		if (roots__pdpte_differs(p, now->pdpte[i]) == 0)
			continue;	/* the guest's PDPTE then said what it says now */
		*cr3 = c->cr3;
		if ((c->cr3 & ~0x1full) == (now->cr3 & ~0x1full))
			return ROOTS_STALE;
		if ((c->cr3 & PTE_PFN_MASK) == (now->cr3 & PTE_PFN_MASK))
			return ROOTS_ALIAS;
		return ROOTS_GFN;
	}
	*cr3 = 0;
	return ROOTS_GFN;
}

static void roots__judge_entry(struct roots_state *s, const struct roots_snap *sn, int i)
{
	const struct roots_ctx *c = &sn->ctx;
	const struct roots_snap_page *pg = &sn->ent[i];
	enum roots_mode m = roots__mode(c);
	int present = !!(sn->present & (1u << i)), want;
	uint64_t want_gfn, from = 0;
	unsigned want_q;
	enum roots_rule rule;
	char buf[240], shows[96], guest[80], origin[64] = "";

	if (sn->missing & (1u << i))
		return;
	want = roots__want_entry(c, i, &want_gfn, &want_q);
	if (present && pg->sp)
		roots__check_role(s, sn, i, pg, 2);
	if (present == want && (!present || (pg->sp && pg->gfn == want_gfn &&
					     RT_ROLE_QUADRANT(pg->role) == want_q)))
		return;

	if (!present)
		snprintf(shows, sizeof(shows), "root entry %d is not present", i);
	else if (!pg->sp)
		snprintf(shows, sizeof(shows), "root entry %d (%#llx) points at no shadow page", i,
			 (unsigned long long)pg->hpa);
	else
		snprintf(shows, sizeof(shows), "root entry %d (%#llx) shadows gfn %#llx q%u", i,
			 (unsigned long long)pg->hpa, (unsigned long long)pg->gfn,
			 RT_ROLE_QUADRANT(pg->role));
	if (m == RM_PAE)
		snprintf(guest, sizeof(guest), "the guest's PDPTE%d is %#llx", i,
			 (unsigned long long)c->pdpte[i]);
	else
		snprintf(guest, sizeof(guest), "the guest's tables want gfn %#llx q%u", (unsigned long long)want_gfn,
			 want_q);

	rule = ROOTS_GFN;
	if (m == RM_PAE && (!present || pg->sp)) {
		rule = roots__origin(s, c, i, present, present ? pg->gfn : 0, &from);
		if (from)
			snprintf(origin, sizeof(origin), ", PDPTE%d of CR3 %#llx%s", i, (unsigned long long)from,
				 rule == ROOTS_ALIAS ? " (another PDPT on the same page)" :
				 rule == ROOTS_STALE ? " before the guest changed it" : "");
	}
	snprintf(buf, sizeof(buf), "CR3 %#llx: %s%s; %s", (unsigned long long)c->cr3, shows, origin, guest);
	roots__find(s, sn, rule, i, present ? pg->gfn : 0, pg->role, from, buf);
}

static void roots__judge_snap(struct roots_state *s, const struct roots_snap *sn)
{
	const struct roots_ctx *c = &sn->ctx;
	enum roots_mode m = roots__mode(c);
	char buf[240];
	int i;

	s->res->snaps++;
	if (sn->missing)
		s->res->snaps_partial++;
	/* The root page itself: a PAE root outside long mode, else 4/5-level. */
	if (sn->root.sp || m == RM_LM)
		roots__check_role(s, sn, -1, &sn->root, m == RM_LM ? 0 : 3);
	if (m == RM_LM) {
		uint64_t want = (c->cr3 & PTE_PFN_MASK) >> 12;

		if (sn->root.sp && sn->root.gfn == want)
			return;
		if (sn->root.sp)
			snprintf(buf, sizeof(buf), "CR3 %#llx: long-mode root hpa %#llx shadows gfn %#llx, not CR3's frame",
				 (unsigned long long)c->cr3, (unsigned long long)sn->root.hpa,
				 (unsigned long long)sn->root.gfn);
		else
			snprintf(buf, sizeof(buf), "CR3 %#llx: long-mode root hpa %#llx is no shadow page",
				 (unsigned long long)c->cr3, (unsigned long long)sn->root.hpa);
		roots__find(s, sn, ROOTS_GFN, -1, sn->root.gfn, sn->root.role, 0, buf);
		return;
	}
	if (sn->level != 3) {
		snprintf(buf, sizeof(buf), "CR3 %#llx: a level-%u root outside long mode (KVM shadows with PAE roots)",
			 (unsigned long long)c->cr3, sn->level);
		roots__find(s, sn, ROOTS_ROLE, -1, sn->root.gfn, sn->root.role, 0, buf);
		return;
	}
	for (i = 0; i < 4; i++)
		roots__judge_entry(s, sn, i);
}

/* The snapshot in s->cur is complete (or its records ended): judge, keep. */
static void roots__snap_done(struct roots_state *s)
{
	if (!s->in_snap)
		return;
	s->in_snap = 0;
	s->cur.missing = s->cur.present;
	for (int i = 0; i < 4; i++)
		if (s->cur.ent[i].hpa)
			s->cur.missing &= ~(1u << i);
	roots__judge_snap(s, &s->cur);
	s->hist[s->n_hist++ % ROOTS_MAX_SNAPS] = s->cur;
}

static void roots__snap_begin(struct roots_state *s, const struct rootrace_event *e, int idx)
{
	struct roots_snap *sn = &s->cur;

	memset(sn, 0, sizeof(*sn));
	sn->ctx.cr0 = e->cr0;
	sn->ctx.cr3 = e->cr3;
	sn->ctx.cr4 = e->cr4;
	sn->ctx.efer = e->efer;
	memcpy(sn->ctx.pdpte, e->pdpte, sizeof(sn->ctx.pdpte));
	sn->event = idx;
	sn->level = e->level;
	sn->present = e->quadrant & 0xf;
	sn->root.hpa = e->val;
	sn->root.sp = !!(e->flags & RT_F_SP);
	sn->root.gfn = e->gfn;
	sn->root.role = e->role;
	sn->ctx.root_role = e->role;
	s->in_snap = 1;
	if (!sn->present)
		roots__snap_done(s);
}

static void roots__snap_entry(struct roots_state *s, const struct rootrace_event *e)
{
	struct roots_snap_page *pg;

	if (!s->in_snap || e->quadrant > 3 || !(s->cur.present & (1u << e->quadrant)))
		return;	/* an entry without its snapshot (records lost) */
	pg = &s->cur.ent[e->quadrant];
	pg->hpa = e->val;
	pg->sp = !!(e->flags & RT_F_SP);
	pg->gfn = e->gfn;
	pg->role = e->role;
	/* Entries come in index order: the last present one ends the snapshot. */
	if (!(s->cur.present >> (e->quadrant + 1)))
		roots__snap_done(s);
}

static void roots__root_event(struct roots_state *s, const struct rootrace_event *e)
{
	struct roots_result *res = s->res;
	struct roots_load *l = (s->load >= 0 && s->load < ROOTS_MAX_LOADS) ? &res->loads[s->load] : NULL;

	if (e->flags & RT_F_CREATED) {
		res->created++;
		if (l)
			l->created++;
	} else {
		res->reused++;
		if (l)
			l->reused++;
	}
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

		/* A snapshot's entry records follow it; anything else ends it. */
		if (e->kind != RT_ROOT_ENTRY)
			roots__snap_done(&s);
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
				roots__root_event(&s, e);
			break;
		case RT_ZAP_PAGE:
			res->zapped++;
			break;
		case RT_ROOT_SNAP:
			roots__snap_begin(&s, e, i);
			continue;	/* snapshots are no features: see roots.h */
		case RT_ROOT_ENTRY:
			roots__snap_entry(&s, e);
			continue;
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
	roots__snap_done(&s);
	res->freed_after_last = s.pending_freed;
	for (i = 0; i < ROOTS_FEAT_EVENTS; i++)
		res->feat[i] = roots__bucket(counts[i]);
	/* The histogram given, else the RT_EXITS records in the trace. */
	for (i = 0; i < RT_EXIT_BUCKETS; i++)
		if (!roots__exit_timing(i))
			res->feat[ROOTS_FEAT_EVENTS + i] =
				roots__bucket(exit_hist ? exit_hist[i] : trace_hist[i]);
}
