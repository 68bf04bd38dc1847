// SPDX-License-Identifier: GPL-2.0
/*
 * Well-formedness of a program: the rules every representation enforces
 * (the parser, the decoder and the generator all end here).
 *
 * Two layers.  Static rules need no model: sizes, widths, alignment, that
 * stores only hit the arena or the free entries of the fixed low tables,
 * that probes stay out of the low region.  Dynamic rules ask the oracle:
 * under every vendor profile the low region must stay identity-mapped
 * (oracle_result.harness_ok), VAs used outside long mode must fit 32 bits,
 * and a fetch must never execute anything but a tagged data frame.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/program/prog.h"
#include "oracles/oracle.h"

static int fail(struct prog_where *w, enum prog_part part, int index,
		char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int fail(struct prog_where *w, enum prog_part part, int index,
		char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (w) {
		w->part = part;
		w->index = index;
	}
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * May the program store width bytes at gpa (init line or pte op)?  The
 * arena is the program's; of the fixed low tables only the entries that
 * carry no harness mapping (layout.h) are.
 */
static int target_ok(uint64_t gpa, unsigned width)
{
	uint64_t page = gpa & ~(uint64_t)(LAYOUT_PAGE_SIZE - 1), off = gpa & (LAYOUT_PAGE_SIZE - 1);

	if (gpa % width)
		return 0;
	if (gpa >= LAYOUT_ARENA_BASE && gpa < LAYOUT_ARENA_END)
		return 1;
	switch (page) {
	case LAYOUT_LOW_PD64:		return off >= 2 * 8;
	case LAYOUT_LOW_PDPT_LM:	return off >= 8;
	case LAYOUT_LOW_PML4:		return off >= 8;
	case LAYOUT_LOW_PD32:		return off >= 4;
	case LAYOUT_LOW_PDPT_PAE:	return off >= 8 && off + width <= 32;
	default:			return 0;	/* LOW_PT32 is all harness */
	}
}

static int fits(uint64_t value, unsigned width)
{
	return width == 8 || value <= 0xffffffffull;
}

static const char *title_problem(const char *t)
{
	size_t n = strnlen(t, PROG_TITLE_MAX);

	if (n == PROG_TITLE_MAX)
		return "title is not NUL-terminated";
	for (size_t i = 0; i < n; i++)
		if (t[i] < 0x20 || t[i] > 0x7e || t[i] == '"' || t[i] == '\\')
			return "title holds a character other than printable ASCII without '\"' and '\\'";
	return NULL;
}

/* What an initial store ("init") and a guest store op ("pte") must both
 * be: a 4- or 8-byte entry the layout lets programs write, with a value of
 * that width. */
static int check_store(struct prog_where *w, enum prog_part part, int i, char *err, size_t errlen,
		       const char *what, unsigned width, uint64_t gpa, uint64_t value)
{
	if (width != 4 && width != 8)
		return fail(w, part, i, err, errlen, "%s width must be 4 or 8, not %u", what, width);
	if (!target_ok(gpa, width))
		return fail(w, part, i, err, errlen,
			    "%s at 0x%llx: not a %u-byte aligned entry of the arena or a free "
			    "entry of a fixed low table", what, (unsigned long long)gpa, width);
	if (!fits(value, width))
		return fail(w, part, i, err, errlen, "%s value 0x%llx does not fit 32 bits",
			    what, (unsigned long long)value);
	return 0;
}

int prog_check_static(const struct program *p, struct prog_where *w, char *err, size_t errlen)
{
	const char *why;
	int ret;

	if (p->start >= START_COUNT)
		return fail(w, PART_PROGRAM, -1, err, errlen, "start mode %u does not exist", p->start);
	if (p->n_init > PROG_MAX_INIT || p->n_prefault > PROG_MAX_PREFAULT || p->n_ops > PROG_MAX_OPS)
		return fail(w, PART_PROGRAM, -1, err, errlen,
			    "too large: %u init, %u prefault, %u ops (limits %u, %u, %u)",
			    p->n_init, p->n_prefault, p->n_ops,
			    PROG_MAX_INIT, PROG_MAX_PREFAULT, PROG_MAX_OPS);
	why = title_problem(p->title);
	if (why)
		return fail(w, PART_PROGRAM, -1, err, errlen, "%s", why);

	for (int i = 0; i < p->n_init; i++) {
		const struct prog_init *in = &p->init[i];

		ret = check_store(w, PART_INIT, i, err, errlen, "init", in->width, in->gpa, in->value);
		if (ret)
			return ret;
	}

	for (int i = 0; i < p->n_prefault; i++) {
		const struct prog_prefault *pf = &p->prefault[i];
		uint64_t end = (uint64_t)pf->gfn + pf->count;

		if (!pf->count || pf->gfn < LAYOUT_DATA_BASE / LAYOUT_PAGE_SIZE ||
		    end > LAYOUT_MEM_SIZE / LAYOUT_PAGE_SIZE)
			return fail(w, PART_PREFAULT, i, err, errlen,
				    "prefault 0x%x+%u: must be 1 or more data frames within gfn 0x%x..0x%x",
				    pf->gfn, pf->count, LAYOUT_DATA_BASE / LAYOUT_PAGE_SIZE,
				    LAYOUT_MEM_SIZE / LAYOUT_PAGE_SIZE - 1);
	}

	for (int i = 0; i < p->n_ops; i++) {
		const struct prog_op *op = &p->ops[i];

		switch (op->kind) {
		case OP_CR0: case OP_CR3: case OP_CR4: case OP_EFER:
			if (op->width || op->addr || op->via)
				return fail(w, PART_OP, i, err, errlen, "%s op carries an address",
					    prog_op_name(op->kind));
			/* OP_CR0 always runs in 32-bit code (oracle.h's stub
			 * contract), which would drop an upper half silently. */
			if (op->kind == OP_CR0 && op->value > 0xffffffffull)
				return fail(w, PART_OP, i, err, errlen, "%s value 0x%llx does not fit 32 bits",
					    prog_op_name(op->kind), (unsigned long long)op->value);
			break;
		case OP_PTE:
			ret = check_store(w, PART_OP, i, err, errlen, "pte", op->width, op->addr, op->value);
			if (ret)
				return ret;
			if (op->via && (op->via < LAYOUT_LOW_END || op->via % op->width ||
					(op->via & (LAYOUT_PAGE_SIZE - 1)) != (op->addr & (LAYOUT_PAGE_SIZE - 1))))
				return fail(w, PART_OP, i, err, errlen,
					    "pte via 0x%llx: an alias VA must lie above the low region (0x%x) and "
					    "have the target's page offset", (unsigned long long)op->via,
					    LAYOUT_LOW_END);
			break;
		case OP_INVLPG:
			if (op->width || op->value || op->via)
				return fail(w, PART_OP, i, err, errlen, "invlpg takes only a VA");
			break;
		case OP_READ: case OP_WRITE: case OP_FETCH:
			if (op->width || op->value || op->via)
				return fail(w, PART_OP, i, err, errlen, "%s takes only a VA", prog_op_name(op->kind));
			if (op->addr % 8 || op->addr < LAYOUT_LOW_END)
				return fail(w, PART_OP, i, err, errlen,
					    "%s 0x%llx: probe VAs are 8-byte aligned and at or above 0x%x",
					    prog_op_name(op->kind), (unsigned long long)op->addr, LAYOUT_LOW_END);
			break;
		default:
			return fail(w, PART_OP, i, err, errlen, "op kind %u does not exist", op->kind);
		}
	}
	return 0;
}

static int data_gpa(uint64_t gpa)
{
	return gpa >= LAYOUT_DATA_BASE && gpa < LAYOUT_MEM_SIZE;
}

static int check_model(const struct program *p, const struct oracle_cpu *cpu,
		       struct oracle_result *res, struct prog_where *w, char *err, size_t errlen)
{
	const char *vn = oracle_cpu_name(cpu);

	oracle_eval_cpu(p, cpu, res);
	if (!res->harness_ok)
		return fail(w, res->harness_op >= 0 ? PART_OP : PART_PROGRAM, res->harness_op, err, errlen,
			    "breaks the harness (%s): %s", vn, res->harness_why);

	for (int i = 0; i < res->n_ops && i < p->n_ops; i++) {
		const struct prog_op *op = &p->ops[i];
		const struct op_expect *e = &res->ops[i];

		/* Outside long mode the stub runs 32-bit code and would drop
		 * the upper half: say so instead of meaning something else. */
		if (e->mode != PGM_LM4 && (op->addr > 0xffffffffull || op->via > 0xffffffffull) &&
		    op->kind >= OP_PTE)
			return fail(w, PART_OP, i, err, errlen,
				    "%s uses a VA above 4 GiB outside long mode (%s)",
				    prog_op_name(op->kind), oracle_paging_mode_name(e->mode));
		if (e->mode != PGM_LM4 && (op->kind == OP_CR3 || op->kind == OP_CR4) &&
		    op->value > 0xffffffffull)
			return fail(w, PART_OP, i, err, errlen,
				    "%s value 0x%llx has an upper half, which only long mode can write",
				    prog_op_name(op->kind), (unsigned long long)op->value);
		if (op->kind != OP_FETCH)
			continue;
		for (int k = 0; k < e->n_out; k++) {
			const struct outcome *o = &e->out[k];

			if (o->kind == OUT_MMIO)
				return fail(w, PART_OP, i, err, errlen,
					    "fetch 0x%llx may execute unbacked memory (gpa 0x%llx, %s)",
					    (unsigned long long)op->addr, (unsigned long long)o->gpa, vn);
			if ((o->kind == OUT_DONE || o->kind == OUT_ANY_VALUE) && !data_gpa(o->gpa))
				return fail(w, PART_OP, i, err, errlen,
					    "fetch 0x%llx may execute gpa 0x%llx, which is not a tagged "
					    "data frame (%s)", (unsigned long long)op->addr,
					    (unsigned long long)o->gpa, vn);
		}
	}
	return 0;
}

int prog_check_where(const struct program *p, struct prog_where *w, char *err, size_t errlen)
{
	struct oracle_result *res;
	int ret;

	if (w) {
		w->part = PART_PROGRAM;
		w->index = -1;
	}
	ret = prog_check_static(p, w, err, errlen);
	if (ret)
		return ret;

	/* ~40 KiB: keep it off the (fuzzer's) stack. */
	res = malloc(sizeof(*res));
	if (!res)
		return fail(w, PART_PROGRAM, -1, err, errlen, "out of memory");
	/* Every vendor under the shadow MMU, and AMD nested paging (where
	 * the CPU, not KVM's PDPTE registers, reads PDPTE 0 from memory) on
	 * a real CPU and on QEMU TCG, whose PDPTE A bits make KVM's PDPTE
	 * loads #GP and so send a program down other paths. */
	for (int v = 0; v < ORACLE_VENDOR_COUNT + 2 && !ret; v++) {
		struct oracle_cpu cpu;

		oracle_cpu_default(&cpu, v < ORACLE_VENDOR_COUNT ? v : ORACLE_VENDOR_AMD);
		if (v >= ORACLE_VENDOR_COUNT)
			oracle_cpu_npt(&cpu, v == ORACLE_VENDOR_COUNT + 1);
		ret = check_model(p, &cpu, res, w, err, errlen);
	}
	free(res);
	return ret;
}

int prog_check(const struct program *p, char *err, size_t errlen)
{
	return prog_check_where(p, NULL, err, errlen);
}

int prog_same(const struct program *a, const struct program *b)
{
	return prog_equal(a, b) && !strncmp(a->title, b->title, PROG_TITLE_MAX);
}
