// SPDX-License-Identifier: GPL-2.0
/*
 * Human output of root traces and of the root oracle's result
 * (mmufuzz run --trace, findings, reports).
 */
#include <stdio.h>
#include <string.h>
#include "roots.h"

static const char *const rt_kind_names[RT_KIND_COUNT] = {
	[RT_NONE] = "none",
	[RT_GET_PAGE] = "get_page",
	[RT_ZAP_PAGE] = "zap_page",
	[RT_FREE_ROOTS] = "free_roots",
	[RT_FREE_ROOT_PAGE] = "free_root",
	[RT_MMU_LOAD] = "mmu_load",
	[RT_NEW_PGD] = "new_pgd",
	[RT_SET_CR3] = "set_cr3",
	[RT_LOAD_PDPTRS] = "load_pdptrs",
	[RT_CR_WRITE] = "cr_write",
	[RT_FREE_OBSOLETE] = "free_obsolete",
	[RT_FAST_SWITCH] = "fast_switch",
	[RT_EXITS] = "exits",
	[RT_ROOT_SNAP] = "root_snap",
	[RT_ROOT_ENTRY] = " root_entry",
};

char *roots_role_str(uint32_t role, char *buf, size_t len)
{
	snprintf(buf, len, "l%u q%u acc%u%s%s%s%s%s%s%s%s%s%s%s",
		 RT_ROLE_LEVEL(role), RT_ROLE_QUADRANT(role), RT_ROLE_ACCESS(role),
		 role & RT_ROLE_4BYTE_GPTE ? " 4b" : "",
		 role & RT_ROLE_DIRECT ? " direct" : "",
		 role & RT_ROLE_INVALID ? " invalid" : "",
		 role & RT_ROLE_EFER_NX ? " nx" : "",
		 role & RT_ROLE_CR0_WP ? " wp" : "",
		 role & RT_ROLE_SMEP_ANDNOT_WP ? " smep&!wp" : "",
		 role & RT_ROLE_SMAP_ANDNOT_WP ? " smap&!wp" : "",
		 role & RT_ROLE_GUEST_MODE ? " guest" : "",
		 role & RT_ROLE_PASSTHROUGH ? " passthrough" : "",
		 role & RT_ROLE_SPARE_MASK ? " spare" : "",
		 RT_ROLE_SMM(role) ? " smm" : "");
	return buf;
}

/*
 * The CR3 column is the CR3 in force: the vCPU's own where the event
 * carries it, else the last one seen (tracepoints carry no vCPU).
 */
void roots_print_events(FILE *f, const struct rootrace_event *ev, size_t n)
{
	uint64_t cr3 = 0, t0 = n ? ev[0].ts_ns : 0;
	char role[96];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rootrace_event *e = &ev[i];
		const char *name = e->kind < RT_KIND_COUNT ? rt_kind_names[e->kind] : "?";

		if (e->flags & RT_F_VCPU)
			cr3 = e->cr3;
		fprintf(f, "%4zu %+9.3fus cr3=%#010llx %-11s", i, (e->ts_ns - t0) / 1000.0,
			(unsigned long long)cr3, name);
		switch (e->kind) {
		case RT_GET_PAGE:
		case RT_ZAP_PAGE:
			fprintf(f, " gfn=%#llx %s [%s] roots=%u%s",
				(unsigned long long)e->gfn,
				e->kind == RT_ZAP_PAGE ? "zap" :
				(e->flags & RT_F_CREATED) ? "new" : "existing",
				roots_role_str(e->role, role, sizeof(role)), e->root_count,
				(e->flags & RT_F_ROOT) ? " ROOT" : "");
			break;
		case RT_MMU_LOAD:
			fprintf(f, " cr0=%#llx cr4=%#llx efer=%#llx pdpte=%#llx,%#llx,%#llx,%#llx root_role=[%s]",
				(unsigned long long)e->cr0, (unsigned long long)e->cr4,
				(unsigned long long)e->efer,
				(unsigned long long)e->pdpte[0], (unsigned long long)e->pdpte[1],
				(unsigned long long)e->pdpte[2], (unsigned long long)e->pdpte[3],
				roots_role_str(e->role, role, sizeof(role)));
			break;
		case RT_ROOT_SNAP:
			fprintf(f, " hpa=%#llx level=%u entries=%#x", (unsigned long long)e->val, e->level,
				e->quadrant);
			if (e->flags & RT_F_SP)
				fprintf(f, " sp gfn=%#llx [%s]", (unsigned long long)e->gfn,
					roots_role_str(e->role, role, sizeof(role)));
			else
				fprintf(f, " no-sp root_role=[%s]", roots_role_str(e->role, role, sizeof(role)));
			fprintf(f, " cr0=%#llx cr4=%#llx efer=%#llx pdpte=%#llx,%#llx,%#llx,%#llx",
				(unsigned long long)e->cr0, (unsigned long long)e->cr4,
				(unsigned long long)e->efer,
				(unsigned long long)e->pdpte[0], (unsigned long long)e->pdpte[1],
				(unsigned long long)e->pdpte[2], (unsigned long long)e->pdpte[3]);
			break;
		case RT_ROOT_ENTRY:
			fprintf(f, " [%u]=%#llx", e->quadrant, (unsigned long long)e->val);
			if (e->flags & RT_F_SP)
				fprintf(f, " sp gfn=%#llx [%s]", (unsigned long long)e->gfn,
					roots_role_str(e->role, role, sizeof(role)));
			else
				fprintf(f, " no shadow page");
			break;
		case RT_EXITS:
			fprintf(f, " reason=%#llx%s count=%llu", (unsigned long long)e->gfn,
				e->gfn == RT_EXIT_BUCKETS - 1 ? "+" : "", (unsigned long long)e->val);
			break;
		case RT_CR_WRITE:
			fprintf(f, " cr%u=%#llx", e->quadrant, (unsigned long long)e->val);
			break;
		default:
			fprintf(f, " %#llx", (unsigned long long)e->val);
			break;
		}
		fputc('\n', f);
	}
}

/* What each rule means, in the words a finding is reported in. */
static const char *const rule_meaning[ROOTS_RULE_COUNT] = {
	[ROOTS_ALIAS] = "a root entry shadows the table another PDPT of the same page names",
	[ROOTS_STALE] = "a root entry shadows the table this CR3's PDPTE named before it changed",
	[ROOTS_GFN] = "the root does not shadow the guest's tables",
	[ROOTS_ROLE] = "a page of the root has a role the guest's paging state contradicts",
	[ROOTS_PDPTE] = "KVM built roots from PDPTEs the guest never loaded",
};

char *roots_finding_format(char *buf, size_t len, const struct roots_finding *f)
{
	unsigned r = f->rule;

	snprintf(buf, len, "%s (%s): %s", roots_rule_name(f->rule),
		 r > 0 && r < ROOTS_RULE_COUNT ? rule_meaning[r] : "unknown rule", f->what);
	return buf;
}

void roots_print(FILE *f, const struct roots_result *r)
{
	char line[512];

	unsigned i;

	fprintf(f, "roots: %u created, %u reused, %u freed, %u pages zapped, %u loads, %u CR3 writes, "
		"%u snapshots%s\n", r->created, r->reused, r->freed, r->zapped, r->n_loads, r->cr3_writes,
		r->snaps, r->snaps ? "" : " (entered roots not judged)");
	if (r->snaps_partial)
		fprintf(f, "  %u snapshots with lost entry records (those entries not judged)\n",
			r->snaps_partial);
	for (i = 0; i < r->n_loads && i < ROOTS_MAX_LOADS; i++)
		fprintf(f, "  load %2u (event %3d) cr3=%#010llx: %u new, %u reused, %u freed before\n",
			i, r->loads[i].event, (unsigned long long)r->loads[i].ctx.cr3,
			r->loads[i].created, r->loads[i].reused, r->loads[i].freed);
	for (i = 0; i < r->n_findings && i < ROOTS_MAX_FINDINGS; i++)
		fprintf(f, "  FINDING %s (event %d)\n",
			roots_finding_format(line, sizeof(line), &r->f[i]), r->f[i].event);
	if (r->n_findings > ROOTS_MAX_FINDINGS)
		fprintf(f, "  ... %u more findings\n", r->n_findings - ROOTS_MAX_FINDINGS);
}

void roots_print_compare(FILE *f, const char *name_a, const struct roots_result *a,
			 const char *name_b, const struct roots_result *b)
{
	unsigned i, n = a->n_loads > b->n_loads ? a->n_loads : b->n_loads;

	fprintf(f, "%-6s %-12s %-20s   %-12s %-20s\n", "load", "cr3", name_a, "cr3", name_b);
	for (i = 0; i < n && i < ROOTS_MAX_LOADS; i++) {
		char ca[24] = "-", cb[24] = "-", sa[32] = "", sb[32] = "";

		if (i < a->n_loads) {
			snprintf(ca, sizeof(ca), "%#llx", (unsigned long long)a->loads[i].ctx.cr3);
			snprintf(sa, sizeof(sa), "%u new %u reused", a->loads[i].created, a->loads[i].reused);
		}
		if (i < b->n_loads) {
			snprintf(cb, sizeof(cb), "%#llx", (unsigned long long)b->loads[i].ctx.cr3);
			snprintf(sb, sizeof(sb), "%u new %u reused", b->loads[i].created, b->loads[i].reused);
		}
		fprintf(f, "%-6u %-12s %-20s   %-12s %-20s\n", i, ca, sa, cb, sb);
	}
	fprintf(f, "%-6s %-12s %3u new %3u reused     %-12s %3u new %3u reused\n", "total", "",
		a->created, a->reused, "", b->created, b->reused);
	fprintf(f, "findings: %s %u, %s %u\n", name_a, a->n_findings, name_b, b->n_findings);
}
