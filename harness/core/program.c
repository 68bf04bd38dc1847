// SPDX-License-Identifier: GPL-2.0
/* Program model basics: construction, names, one-line op text, equality. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "harness/core/program.h"

static const char *const op_names[OP_KIND_COUNT] = {
	[OP_CR0] = "cr0",	[OP_CR3] = "cr3",	[OP_CR4] = "cr4",
	[OP_EFER] = "efer",	[OP_PTE] = "pte",	[OP_INVLPG] = "invlpg",
	[OP_READ] = "read",	[OP_WRITE] = "write",	[OP_FETCH] = "fetch",
};

static const char *const start_names[START_COUNT] = {
	[START_PM32] = "pm32",
	[START_LM64] = "lm64",
};

const char *prog_op_name(enum prog_op_kind kind)
{
	return (unsigned)kind < OP_KIND_COUNT ? op_names[kind] : "?";
}

const char *prog_start_name(enum prog_start start)
{
	return (unsigned)start < START_COUNT ? start_names[start] : "?";
}

void prog_init_empty(struct program *p)
{
	memset(p, 0, sizeof(*p));
	p->start = START_PM32;
}

int prog_add_init(struct program *p, uint64_t gpa, uint8_t width, uint64_t value)
{
	if (p->n_init >= PROG_MAX_INIT)
		return -1;
	p->init[p->n_init++] = (struct prog_init){ .gpa = gpa, .width = width, .value = value };
	return 0;
}

int prog_add_op(struct program *p, enum prog_op_kind kind, uint64_t value, uint64_t addr)
{
	if (p->n_ops >= PROG_MAX_OPS)
		return -1;
	p->ops[p->n_ops++] = (struct prog_op){ .kind = kind, .value = value, .addr = addr };
	return 0;
}

int prog_add_pte(struct program *p, uint64_t gpa, uint8_t width, uint64_t value, uint64_t via)
{
	if (p->n_ops >= PROG_MAX_OPS)
		return -1;
	p->ops[p->n_ops++] = (struct prog_op){
		.kind = OP_PTE, .width = width, .value = value, .addr = gpa, .via = via,
	};
	return 0;
}

int prog_equal(const struct program *a, const struct program *b)
{
	if (a->start != b->start || a->n_init != b->n_init ||
	    a->n_prefault != b->n_prefault || a->n_ops != b->n_ops)
		return 0;
	for (unsigned i = 0; i < a->n_init; i++)
		if (a->init[i].gpa != b->init[i].gpa || a->init[i].width != b->init[i].width ||
		    a->init[i].value != b->init[i].value)
			return 0;
	for (unsigned i = 0; i < a->n_prefault; i++)
		if (a->prefault[i].gfn != b->prefault[i].gfn ||
		    a->prefault[i].count != b->prefault[i].count)
			return 0;
	for (unsigned i = 0; i < a->n_ops; i++) {
		const struct prog_op *x = &a->ops[i], *y = &b->ops[i];
		if (x->kind != y->kind || x->width != y->width || x->value != y->value ||
		    x->addr != y->addr || x->via != y->via)
			return 0;
	}
	return 1;
}

void prog_op_format(char *buf, size_t len, const struct prog_op *o)
{
	switch (o->kind) {
	case OP_PTE:
		if (o->via)
			snprintf(buf, len, "pte u%u 0x%" PRIx64 " 0x%" PRIx64 " via 0x%" PRIx64,
				 o->width * 8, o->addr, o->value, o->via);
		else
			snprintf(buf, len, "pte u%u 0x%" PRIx64 " 0x%" PRIx64, o->width * 8,
				 o->addr, o->value);
		break;
	case OP_CR0: case OP_CR3: case OP_CR4: case OP_EFER:
		snprintf(buf, len, "%s 0x%" PRIx64, prog_op_name(o->kind), o->value);
		break;
	default:
		snprintf(buf, len, "%s 0x%" PRIx64, prog_op_name(o->kind), o->addr);
		break;
	}
}
