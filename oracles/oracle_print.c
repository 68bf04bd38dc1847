// SPDX-License-Identifier: GPL-2.0
/*
 * Human output of the oracle: the allowed set of each op (what `mmufuzz
 * explain` shows), observations, and the page walk behind an expectation
 * in the spirit of kvm-unit-tests' access.c dumps.  Ops are printed as
 * their .mmu line (prog_op_format), so a line of the table can be pasted
 * back into a program.
 */
#include <inttypes.h>
#include <string.h>
#include "oracle_int.h"

void oracle_format_outcome(char *buf, size_t len, const struct outcome *o)
{
	switch (o->kind) {
	case OUT_DONE:
		if (o->value_mask)
			snprintf(buf, len, "ok val=0x%08" PRIx64 "%s gpa=0x%" PRIx64, o->value,
				 o->value_mask != 0xFFFFFFFFu ? "(A/D free)" : "", o->gpa);
		else
			snprintf(buf, len, "ok");
		break;
	case OUT_EXCEPTION:
		if (o->vector == PF_VECTOR)
			snprintf(buf, len, "#PF ec=0x%x cr2=0x%" PRIx64, o->error_code, o->cr2);
		else
			snprintf(buf, len, "#%s(%u)", o->vector == GP_VECTOR ? "GP" : "EXC", o->error_code);
		break;
	case OUT_MMIO:
		snprintf(buf, len, "mmio gpa=0x%" PRIx64, o->gpa);
		break;
	case OUT_SHUTDOWN:
		snprintf(buf, len, "shutdown");
		break;
	case OUT_ANY_VALUE:
		snprintf(buf, len, "ok val=any(harness memory)");
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void oracle_format_obs(char *buf, size_t len, const struct op_obs *o)
{
	switch (o->status) {
	case OPS_NOT_RUN:
		snprintf(buf, len, "not run");
		break;
	case OPS_DONE:
		snprintf(buf, len, "ok val=0x%08" PRIx64, o->value);
		break;
	case OPS_EXCEPTION:
		if (o->vector == PF_VECTOR)
			snprintf(buf, len, "#PF ec=0x%x cr2=0x%" PRIx64, o->error_code, o->cr2);
		else
			snprintf(buf, len, "exception vector %u ec=0x%x", o->vector, o->error_code);
		break;
	case OPS_MMIO:
		snprintf(buf, len, "mmio gpa=0x%" PRIx64, o->mmio_gpa);
		break;
	default:
		snprintf(buf, len, "status %u?", o->status);
	}
}

static void print_set(FILE *f, const struct op_expect *e)
{
	char buf[96];

	if (e->unbounded) {
		fprintf(f, "{any: not modelled}");
		return;
	}
	fputc('{', f);
	for (unsigned i = 0; i < e->n_out; i++) {
		oracle_format_outcome(buf, sizeof(buf), &e->out[i]);
		fprintf(f, "%s%s", i ? " | " : "", buf);
	}
	fputc('}', f);
}

void oracle_print_walk(FILE *f, const struct op_expect *e)
{
	static const char *const lname[] = { "PDPTE-reg", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

	if (!e->n_walk) {
		fprintf(f, "      walk: none (paging off or no walk)\n");
		return;
	}
	for (unsigned i = 0; i < e->n_walk && i < 6; i++) {
		const struct walk_step *s = &e->walk[i];
		uint64_t x = s->entry;

		fprintf(f, "      L%u %-9s table 0x%08" PRIx64 "[%3u] = 0x%016" PRIx64
			"  %s%s%s%s%s%s%s\n", s->level, s->level < 6 ? lname[s->level] : "?",
			s->table_gpa, s->index, x, (x & PTE_PRESENT_MASK) ? "P" : "-",
			(x & PTE_WRITABLE_MASK) ? " RW" : "", (x & PTE_USER_MASK) ? " US" : "",
			(x & PTE_ACCESSED_MASK) ? " A" : "", (x & PTE_DIRTY_MASK) ? " D" : "",
			(x & PTE_LARGE_MASK) ? " PS" : "", (x & PTE_NX_MASK) ? " NX" : "");
	}
}

void oracle_print_expect(FILE *f, const struct program *p, const struct oracle_result *res)
{
	char buf[96];

	fprintf(f, "# oracle: profile %s, MAXPHYADDR %u, features 0x%x, strict 0x%x, quirks 0x%x, "
		"start %s\n", oracle_cpu_name(&res->cpu), res->cpu.maxphyaddr, res->cpu.features,
		res->cpu.strict, res->cpu.quirks, prog_start_name(p->start));
	fprintf(f, "# sets are a-priori: a #PF a run shows may narrow later ones (oracle_eval_obs)\n");
	if (res->lost_op >= 0)
		fprintf(f, "# not judged from op %d on: its outcome hangs on an A bit TCG may have set\n",
			res->lost_op);
	for (unsigned i = 0; i < res->n_ops; i++) {
		const struct op_expect *e = &res->ops[i];

		prog_op_format(buf, sizeof(buf), &p->ops[i]);
		fprintf(f, "%3u  %-44s %-5s ", i, buf, oracle_paging_mode_name(e->mode));
		print_set(f, e);
		if (e->pdpte_load)
			fprintf(f, "  pdptes=%" PRIx64 ",%" PRIx64 ",%" PRIx64 ",%" PRIx64,
				e->pdpte[0], e->pdpte[1], e->pdpte[2], e->pdpte[3]);
		fputc('\n', f);
	}
	fprintf(f, "# final cr0=0x%" PRIx64 " cr3=0x%" PRIx64 " cr4=0x%" PRIx64 " efer=0x%" PRIx64 "\n",
		res->cr0, res->cr3, res->cr4, res->efer);
	if (!res->harness_ok)
		fprintf(f, "# harness broken at op %d: %s\n", res->harness_op, res->harness_why);
}

static void print_ad_words(FILE *f, const struct om_mem *m, uint64_t from, uint64_t to,
			   unsigned *n)
{
	for (uint64_t gpa = from; gpa < to; gpa += 4) {
		uint32_t must = (uint32_t)om_cpu_set(m, gpa, 4), may = (uint32_t)om_unc(m, gpa, 4);

		if (!must && !may)
			continue;
		fprintf(f, "#   gpa 0x%08" PRIx64 " = 0x%08" PRIx64 "  set by the CPU:%s%s%s  may be set:%s%s%s\n",
			gpa, om_read(m, gpa, 4),
			(must & PTE_ACCESSED_MASK) ? " A" : "", (must & PTE_DIRTY_MASK) ? " D" : "",
			must ? "" : " -",
			(may & PTE_ACCESSED_MASK) ? " A" : "", (may & PTE_DIRTY_MASK) ? " D" : "",
			may ? "" : " -");
		(*n)++;
	}
}

void oracle_print_final_ad(FILE *f, const struct program *p, const struct oracle_cpu *cpu)
{
	const struct om_mem *m = oe_final_memory(p, cpu, NULL);
	unsigned n = 0;

	fprintf(f, "# A/D after the run (SDM 4.8): required where set by the CPU, free where "
		   "it may be; every other bit as stored\n");
	print_ad_words(f, m, LAYOUT_ARENA_BASE, LAYOUT_ARENA_END, &n);
	print_ad_words(f, m, LAYOUT_LOW_PT32, LAYOUT_LOW_TABLES_END, &n);
	if (!n)
		fprintf(f, "#   none: no walk sets an A or D bit that was clear\n");
}

void oracle_print_violation(FILE *f, const struct program *p, const struct violation *v)
{
	char buf[96];

	fprintf(f, "VIOLATION %s\n", v->what);
	if (v->op < 0)
		return;
	if (p && v->op < p->n_ops) {
		prog_op_format(buf, sizeof(buf), &p->ops[v->op]);
		fprintf(f, "  op %d: %s (mode %s, %s profile)\n", v->op, buf,
			oracle_paging_mode_name(v->expect.mode), oracle_vendor_name(v->vendor));
	}
	fprintf(f, "  allowed:  ");
	print_set(f, &v->expect);
	oracle_format_obs(buf, sizeof(buf), &v->observed);
	fprintf(f, "\n  observed: %s\n  walk behind the expectation:\n", buf);
	oracle_print_walk(f, &v->expect);
}
