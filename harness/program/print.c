// SPDX-License-Identifier: GPL-2.0
/*
 * Canonical .mmu text of a program (the format is described in
 * text.c).  Everything after a '#' is generated here from the
 * program itself, so print(parse(print(p))) == print(p): a canonical file
 * survives a round trip byte for byte.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/core/x86.h"
#include "harness/program/prog.h"
#include "harness/program/print_int.h"

const struct bitname prog_cr0_bits[] = {
	{ X86_CR0_PG, "PG" }, { X86_CR0_CD, "CD" }, { X86_CR0_NW, "NW" }, { X86_CR0_AM, "AM" },
	{ X86_CR0_WP, "WP" }, { X86_CR0_NE, "NE" }, { X86_CR0_ET, "ET" }, { X86_CR0_TS, "TS" },
	{ X86_CR0_EM, "EM" }, { X86_CR0_MP, "MP" }, { X86_CR0_PE, "PE" }, { 0, NULL },
};

const struct bitname prog_cr4_bits[] = {
	{ X86_CR4_CET, "CET" }, { X86_CR4_PKE, "PKE" }, { X86_CR4_SMAP, "SMAP" },
	{ X86_CR4_SMEP, "SMEP" }, { X86_CR4_OSXSAVE, "OSXSAVE" }, { X86_CR4_PCIDE, "PCIDE" },
	{ X86_CR4_FSGSBASE, "FSGSBASE" }, { X86_CR4_SMXE, "SMXE" }, { X86_CR4_VMXE, "VMXE" },
	{ X86_CR4_LA57, "LA57" }, { X86_CR4_UMIP, "UMIP" }, { X86_CR4_OSXMMEXCPT, "OSXMMEXCPT" },
	{ X86_CR4_OSFXSR, "OSFXSR" }, { X86_CR4_PCE, "PCE" }, { X86_CR4_PGE, "PGE" },
	{ X86_CR4_MCE, "MCE" }, { X86_CR4_PAE, "PAE" }, { X86_CR4_PSE, "PSE" },
	{ X86_CR4_DE, "DE" }, { X86_CR4_TSD, "TSD" }, { X86_CR4_PVI, "PVI" },
	{ X86_CR4_VME, "VME" }, { 0, NULL },
};

const struct bitname prog_efer_bits[] = {
	{ EFER_TCE, "TCE" }, { EFER_FFXSR, "FFXSR" }, { EFER_LMSLE, "LMSLE" }, { EFER_SVME, "SVME" },
	{ EFER_NX, "NXE" }, { EFER_LMA, "LMA" }, { EFER_LME, "LME" }, { EFER_SCE, "SCE" },
	{ 0, NULL },
};

const struct bitname prog_cr3_bits[] = {
	{ X86_CR3_PCD, "PCD" }, { X86_CR3_PWT, "PWT" }, { 0, NULL },
};

const struct bitname prog_pte_bits[] = {
	{ PTE_PRESENT_MASK, "P" }, { PTE_WRITABLE_MASK, "RW" }, { PTE_USER_MASK, "US" },
	{ PTE_PWT_MASK, "PWT" }, { PTE_PCD_MASK, "PCD" }, { PTE_ACCESSED_MASK, "A" },
	{ PTE_DIRTY_MASK, "D" }, { PTE_LARGE_MASK, "PS" }, { PTE_GLOBAL_MASK, "G" },
	{ PTE_NX_MASK, "NX" }, { 0, NULL },
};

const struct bitname *prog_value_bits(enum prog_op_kind kind)
{
	switch (kind) {
	case OP_CR0:	return prog_cr0_bits;
	case OP_CR3:	return prog_cr3_bits;
	case OP_CR4:	return prog_cr4_bits;
	case OP_EFER:	return prog_efer_bits;
	case OP_PTE:	return prog_pte_bits;
	default:	return NULL;
	}
}

/* Bounded appender: keeps counting past cap so the caller learns the size. */
struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
		      o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += n;
}

static void put_bits(struct out *o, const struct bitname *t, uint64_t v)
{
	const char *sep = "";

	for (; t->name; t++) {
		if (v & t->bit) {
			put(o, "%s%s", sep, t->name);
			sep = " ";
			v &= ~t->bit;
		}
	}
	if (v)
		put(o, "%s0x%llx", sep, (unsigned long long)v);
	else if (!*sep)
		put(o, "-");
}

/* Where a guest-physical page lies in the layout, for humans. */
static void put_gpa_page(struct out *o, uint64_t gpa)
{
	static const char *const low[] = { "PT32", "PD64", "PDPT_LM", "PML4", "PD32", "PDPT_PAE" };
	uint64_t page = gpa & ~0xfffull;

	if (page >= LAYOUT_ARENA_BASE && page < LAYOUT_ARENA_END)
		put(o, "arena %llu", (unsigned long long)((page - LAYOUT_ARENA_BASE) >> 12));
	else if (page >= LAYOUT_LOW_PT32 && page < LAYOUT_LOW_TABLES_END)
		put(o, "LOW_%s", low[(page - LAYOUT_LOW_PT32) >> 12]);
	else if (page < LAYOUT_LOW_END)
		put(o, "harness");
	else if (page < LAYOUT_MEM_SIZE)
		put(o, "data 0x%llx", (unsigned long long)(page >> 12));
	else
		put(o, "unbacked");
}

static void put_entry(struct out *o, uint64_t v, unsigned width)
{
	uint64_t addr = v & (width == 4 ? 0xfffff000ull : PTE_PFN_MASK);

	put(o, "-> 0x%llx (", (unsigned long long)addr);
	put_gpa_page(o, addr);
	put(o, ") ");
	put_bits(o, prog_pte_bits, v & (PTE_NX_MASK | 0x1ffull));
	if (v & 0x7ff0000000000e00ull)
		put(o, " other 0x%llx", (unsigned long long)(v & 0x7ff0000000000e00ull));
}

/* Pad the statement to a fixed column so the comments line up. */
#define COMMENT_COL 40

static void comment_start(struct out *o, size_t line_start)
{
	size_t used = o->len - line_start;

	put(o, "%*s# ", used < COMMENT_COL - 1 ? (int)(COMMENT_COL - used) : 1, "");
}

static const char *width_name(unsigned width)
{
	return width == 4 ? "u32" : "u64";
}

static void print_op(struct out *o, const struct prog_op *op, int i)
{
	size_t ls = o->len;

	put(o, "%s", prog_op_name(op->kind));
	switch (op->kind) {
	case OP_CR0: case OP_CR3: case OP_CR4: case OP_EFER:
		put(o, " 0x%llx", (unsigned long long)op->value);
		break;
	case OP_PTE:
		put(o, " %s 0x%llx 0x%llx", width_name(op->width), (unsigned long long)op->addr,
		    (unsigned long long)op->value);
		if (op->via)
			put(o, " via 0x%llx", (unsigned long long)op->via);
		break;
	default:
		put(o, " 0x%llx", (unsigned long long)op->addr);
		break;
	}
	comment_start(o, ls);
	put(o, "[%d]", i);
	switch (op->kind) {
	case OP_CR0:	put(o, " "); put_bits(o, prog_cr0_bits, op->value); break;
	case OP_CR4:	put(o, " "); put_bits(o, prog_cr4_bits, op->value); break;
	case OP_EFER:	put(o, " "); put_bits(o, prog_efer_bits, op->value); break;
	case OP_CR3:
		put(o, " ");
		put_gpa_page(o, op->value);
		if (op->value & 0xfe0)
			put(o, " +0x%llx", (unsigned long long)(op->value & 0xfe0));
		if (op->value & 0x18)
			put(o, "%s%s", op->value & 0x8 ? " PWT" : "", op->value & 0x10 ? " PCD" : "");
		break;
	case OP_PTE:
		put(o, " ");
		put_gpa_page(o, op->addr);
		put(o, " [%llu] ", (unsigned long long)((op->addr & 0xfff) / op->width));
		put_entry(o, op->value, op->width);
		break;
	default:
		break;
	}
	put(o, "\n");
}

size_t prog_format(const struct program *p, char *buf, size_t cap)
{
	struct out o = { .buf = buf, .cap = cap, .len = 0 };

	if (cap)
		buf[0] = '\0';
	if (p->title[0])
		put(&o, "title \"%.*s\"\n", PROG_TITLE_MAX - 1, p->title);
	put(&o, "start %s\n", prog_start_name(p->start));
	if (p->n_init || p->n_prefault)
		put(&o, "\n");
	for (int i = 0; i < p->n_init; i++) {
		const struct prog_init *in = &p->init[i];
		size_t ls = o.len;

		put(&o, "init %s 0x%llx 0x%llx", width_name(in->width), (unsigned long long)in->gpa,
		    (unsigned long long)in->value);
		comment_start(&o, ls);
		put_gpa_page(&o, in->gpa);
		put(&o, " [%llu] ", (unsigned long long)((in->gpa & 0xfff) / (in->width ? in->width : 8)));
		put_entry(&o, in->value, in->width);
		put(&o, "\n");
	}
	for (int i = 0; i < p->n_prefault; i++)
		put(&o, "prefault 0x%x %u\n", p->prefault[i].gfn, p->prefault[i].count);
	if (p->n_ops)
		put(&o, "\n");
	for (int i = 0; i < p->n_ops; i++)
		print_op(&o, &p->ops[i], i);
	return o.len;
}

int prog_print(FILE *f, const struct program *p)
{
	static char buf[PROG_TEXT_MAX];
	size_t n = prog_format(p, buf, sizeof(buf));

	if (n >= sizeof(buf))
		return -ENOSPC;
	return fwrite(buf, 1, n, f) == n ? 0 : -EIO;
}
