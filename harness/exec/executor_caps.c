// SPDX-License-Identifier: GPL-2.0
/*
 * What this host's KVM can run.  At open the executor runs one tiny
 * known-good program per paging mode (read one tagged frame through that
 * mode) and keeps the modes that gave the right tag.  Programs that may
 * enter a missing mode are refused with the reason, never run, so a host
 * limitation (kvm_pvm #GPs on CR0.PG in legacy mode) is never reported as
 * a KVM bug.  The rules that refuse them are executor_check.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/exec/executor_int.h"
#include "kvm-guest/stub_abi.h"

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
				 "this host's KVM failed the %s probe: %s %s", executor__mode_names[m],
				 r ? "host error" : run_exit_name(obs.exit), obs.detail);
		else
			snprintf(ex->caps_why[m], sizeof(ex->caps_why[m]),
				 "this host's KVM failed the %s probe: op %u (%s) status %u vector %u value 0x%llx",
				 executor__mode_names[m], last, prog_op_name(p.ops[last].kind),
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
