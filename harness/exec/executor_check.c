// SPDX-License-Identifier: GPL-2.0
/*
 * Which programs this executor runs: the modes a program may enter
 * (executor_modes_needed), and the refusal rules against the modes the
 * probe (executor_caps.c) found, with the reason.  Pure rules on the
 * executor's state: nothing here runs a guest, so executor_run.c can ask
 * before it runs one and the probe can run programs without a cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "harness/exec/executor_int.h"
#include "kvm-guest/stub_abi.h"

const char *const executor__mode_names[4] = { "paging off", "32-bit paging", "PAE paging",
					   "4-level long mode" };

int executor__mode_index(unsigned bit)
{
	for (int i = 0; i < 4; i++)
		if (bit == (1u << i))
			return i;
	return -1;
}

unsigned executor_caps(const struct executor *ex)
{
	return ex->caps;
}

int executor_is_pvm(const struct executor *ex)
{
	return ex->pvm;
}

const char *executor_caps_why(const struct executor *ex, unsigned mode_bit)
{
	int i = executor__mode_index(mode_bit);

	if (i < 0)
		return "unknown mode";
	return (ex->caps & mode_bit) ? "supported" : ex->caps_why[i];
}

/* Over-approximation: every write is assumed to succeed. */
unsigned executor_modes_needed(const struct program *p)
{
	int lm = p->start == START_LM64;
	uint64_t cr0 = lm ? STUB_START_CR0_LM64 : STUB_START_CR0_PM32;
	uint64_t cr4 = lm ? STUB_CR4_PAE : 0, efer = lm ? STUB_EFER_LME | STUB_EFER_LMA : 0;
	unsigned need = lm ? EXEC_MODE_LM4 : EXEC_MODE_OFF;

	for (unsigned i = 0; i < p->n_ops && i < PROG_MAX_OPS; i++) {
		const struct prog_op *o = &p->ops[i];

		switch (o->kind) {
		case OP_CR0:
			if ((o->value & STUB_CR0_PG) && !(cr0 & STUB_CR0_PG) && (efer & STUB_EFER_LME))
				efer |= STUB_EFER_LMA;
			if (!(o->value & STUB_CR0_PG))
				efer &= ~(uint64_t)STUB_EFER_LMA;
			cr0 = o->value;
			break;
		case OP_CR4:
			if (!(efer & STUB_EFER_LMA))
				cr4 = o->value;
			break;
		case OP_EFER:
			if (!(cr0 & STUB_CR0_PG))
				efer = (o->value & ~(uint64_t)STUB_EFER_LMA) | (efer & STUB_EFER_LMA);
			break;
		default:
			break;
		}
		if (!(cr0 & STUB_CR0_PG))
			need |= EXEC_MODE_OFF;
		else if (efer & STUB_EFER_LMA)
			need |= EXEC_MODE_LM4;
		else
			need |= (cr4 & STUB_CR4_PAE) ? EXEC_MODE_PAE : EXEC_MODE_32;
	}
	return need;
}

static int in_range(uint64_t a, uint64_t w, uint64_t lo, uint64_t hi)
{
	return a >= lo && a + w <= hi;
}

int executor_check_caps(unsigned caps, int pvm, const struct program *p, char *why, size_t len)
{
	unsigned missing;

	if (p->start >= START_COUNT) {
		snprintf(why, len, "bad start state %u", p->start);
		return -EINVAL;
	}
	if (p->n_ops > PROG_MAX_OPS || p->n_ops > STUB_MAX_OPS || p->n_init > PROG_MAX_INIT ||
	    p->n_prefault > PROG_MAX_PREFAULT) {
		snprintf(why, len, "program too large: %u ops (max %u), %u inits, %u prefaults",
			 p->n_ops, STUB_MAX_OPS, p->n_init, p->n_prefault);
		return -EINVAL;
	}
	for (unsigned i = 0; i < p->n_init; i++) {
		const struct prog_init *in = &p->init[i];

		if ((in->width != 4 && in->width != 8) || (in->gpa & (in->width - 1)) ||
		    !(in_range(in->gpa, in->width, LAYOUT_ARENA_BASE, LAYOUT_ARENA_END) ||
		      in_range(in->gpa, in->width, LAYOUT_LOW_PT32, LAYOUT_LOW_TABLES_END))) {
			snprintf(why, len, "init %u: %u-byte store at gpa 0x%llx is outside the arena "
				 "and the fixed tables (or misaligned)", i, in->width,
				 (unsigned long long)in->gpa);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < p->n_prefault; i++) {
		uint64_t g = p->prefault[i].gfn, n = p->prefault[i].count;

		if (g < (LAYOUT_DATA_BASE >> 12) || g + n > (LAYOUT_MEM_SIZE >> 12)) {
			snprintf(why, len, "prefault %u: frames 0x%llx+%llu are not data frames", i,
				 (unsigned long long)g, (unsigned long long)n);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < p->n_ops; i++) {
		const struct prog_op *o = &p->ops[i];

		if (o->kind >= OP_KIND_COUNT ||
		    (o->kind == OP_PTE && o->width != 4 && o->width != 8)) {
			snprintf(why, len, "op %u: bad kind %u / width %u", i, o->kind, o->width);
			return -EINVAL;
		}
	}
	missing = executor_modes_needed(p) & ~caps;
	if (missing) {
		unsigned bit = missing & -missing;

		if (pvm && (missing & (EXEC_MODE_32 | EXEC_MODE_PAE)))
			snprintf(why, len, "%s", EXEC_PVM_MSG);
		else
			snprintf(why, len, "this host's KVM cannot run %s (capability probe)",
				 executor__mode_names[executor__mode_index(bit)]);
		return -EOPNOTSUPP;
	}
	return 0;
}

int executor_check(const struct executor *ex, const struct program *p, char *why, size_t len)
{
	int r = executor_check_caps(ex->caps, ex->pvm, p, why, len);

	/* Name what the probe saw (the PVM message stays as it is). */
	if (r == -EOPNOTSUPP && strcmp(why, EXEC_PVM_MSG)) {
		unsigned missing = executor_modes_needed(p) & ~ex->caps;

		snprintf(why, len, "%s", executor_caps_why(ex, missing & -missing));
	}
	return r;
}
