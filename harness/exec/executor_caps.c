// SPDX-License-Identifier: GPL-2.0
/*
 * What this host's KVM can run.  At open the executor runs one tiny
 * known-good program per paging mode (read one tagged frame through that
 * mode) and keeps the modes that gave the right tag.  Programs that may
 * enter a missing mode are refused with the reason, never run, so a host
 * limitation (kvm_pvm #GPs on CR0.PG in legacy mode) is never reported as
 * a KVM bug.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/exec/executor_int.h"
#include "kvm-guest/stub_abi.h"

static const char *const mode_names[4] = { "paging off", "32-bit paging", "PAE paging",
					   "4-level long mode" };

static int mode_index(unsigned bit)
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
	int i = mode_index(mode_bit);

	if (i < 0)
		return "unknown mode";
	return (ex->caps & mode_bit) ? "supported" : ex->caps_why[i];
}

#define PROBE_VA	LAYOUT_DATA_BASE		/* first data frame */
#define PROBE_GFN	(LAYOUT_DATA_BASE >> 12)
#define PD64_2M(i)	(LAYOUT_LOW_PD64 + 8 * (i))	/* free entry i >= 2 */

/* The probe program for one mode: ends with a read of PROBE_VA. */
static void probe_prog(struct program *p, int mode)
{
	const uint64_t pd32 = LAYOUT_ARENA_BASE, pt32 = LAYOUT_ARENA_BASE + 0x1000;
	const uint64_t pdpt = LAYOUT_ARENA_BASE + 0x2000;
	const uint64_t big = PROBE_VA | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_LARGE_MASK;

	prog_init_empty(p);
	switch (mode) {
	case 0:
		break;
	case 1:
		prog_add_init(p, pd32, 4, HARNESS_PDE32);
		prog_add_init(p, pd32 + 4 * (PROBE_VA >> 22), 4, pt32 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK);
		prog_add_init(p, pt32, 4, PROBE_VA | PTE_PRESENT_MASK | PTE_WRITABLE_MASK);
		prog_add_op(p, OP_CR3, pd32, 0);
		prog_add_op(p, OP_CR0, STUB_START_CR0_PM32 | STUB_CR0_PG, 0);
		break;
	case 2:
		prog_add_init(p, pdpt, 8, HARNESS_PDPTE_PAE);
		prog_add_init(p, PD64_2M(PROBE_VA >> 21), 8, big);
		prog_add_op(p, OP_CR4, STUB_CR4_PAE, 0);
		prog_add_op(p, OP_CR3, pdpt, 0);
		prog_add_op(p, OP_CR0, STUB_START_CR0_PM32 | STUB_CR0_PG, 0);
		break;
	case 3:
		p->start = START_LM64;
		prog_add_init(p, PD64_2M(PROBE_VA >> 21), 8, big);
		break;
	}
	prog_add_op(p, OP_READ, 0, PROBE_VA);
}

void executor_probe_caps(struct executor *ex)
{
	struct run_obs *o = malloc(sizeof(*o));	/* ~260 KiB: not on the stack */
	struct program p;

	ex->caps = EXEC_MODE_ALL;	/* so executor_run does not refuse */
	if (!o) {
		ex->caps = 0;
		for (int m = 0; m < 4; m++)
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]), "capability probe: out of memory");
		return;
	}
#define obs (*o)
	for (int m = 0; m < 4; m++) {
		unsigned last;
		int r;

		probe_prog(&p, m);
		r = executor_run(ex, &p, &obs);
		last = p.n_ops - 1;
		/* Every op must complete: a host that #GPs on CR0.PG would
		 * otherwise pass by reading the frame with paging off. */
		for (unsigned i = 0; !r && obs.exit == RUN_COMPLETED && i < last; i++)
			if (obs.ops[i].status != OPS_DONE)
				last = i;
		if (!r && obs.exit == RUN_COMPLETED && obs.n_ops == p.n_ops && last == p.n_ops - 1u &&
		    obs.ops[last].status == OPS_DONE && obs.ops[last].value == READ_TAG(PROBE_GFN)) {
			ex->caps_why[m][0] = 0;
			continue;
		}
		ex->caps &= ~(1u << m);
		if (ex->pvm && (m == 1 || m == 2))
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]), "%s", EXEC_PVM_MSG);
		else if (r || obs.exit != RUN_COMPLETED)
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]),
				 "this host's KVM failed the %s probe: %s %s", mode_names[m],
				 r ? "host error" : run_exit_name(obs.exit), obs.detail);
		else
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]),
				 "this host's KVM failed the %s probe: op %u (%s) status %u vector %u value 0x%llx",
				 mode_names[m], last, prog_op_name(p.ops[last].kind),
				 obs.ops[last].status, obs.ops[last].vector,
				 (unsigned long long)obs.ops[last].value);
	}
	/* A PVM host may pass a probe it should not: trust the module. */
	if (ex->pvm) {
		for (int m = 1; m <= 2; m++) {
			ex->caps &= ~(1u << m);
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]), "%s", EXEC_PVM_MSG);
		}
	}
#undef obs
	free(o);
	memset(&ex->st, 0, sizeof(ex->st));
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
				 mode_names[mode_index(bit)]);
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
