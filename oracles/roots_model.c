// SPDX-License-Identifier: GPL-2.0
/*
 * Root oracle against the architectural model: the PDPTEs KVM built PAE
 * roots from must be PDPTE registers the guest really loaded.
 *
 * Not redundant with the ground-truth rules (roots.c): those judge the
 * root KVM enters against the PDPTEs KVM loaded, taking KVM's PDPTE
 * registers as the guest's.  A KVM that loads them wrongly (from the
 * 4 KiB-aligned page instead of CR3[11:5]'s slot, or despite a reserved
 * bit) builds a root that agrees with its wrong PDPTEs: only this check
 * sees that without a probe reading through the wrong entry.
 */
#include <stdio.h>
#include "roots.h"
#include "../harness/core/x86.h"
#include "oracle.h"


/* Equal as PDPTE registers: entries not present in both do not matter. */
static int roots__same_pdptes(const uint64_t *a, const uint64_t *b)
{
	int i;

	for (i = 0; i < 4; i++)
		if (((a[i] | b[i]) & 1) && a[i] != b[i])
			return 0;
	return 1;
}

int roots_check_model(struct roots_result *res, const struct oracle_result *model)
{
	unsigned l, i, added = 0;

	for (l = 0; l < res->n_loads && l < ROOTS_MAX_LOADS; l++) {
		const struct roots_load *ld = &res->loads[l];
		const struct roots_ctx *c = &ld->ctx;
		struct roots_finding *f;
		int seen = 0;

		if (!(c->cr0 & X86_CR0_PG) || !(c->cr4 & X86_CR4_PAE) || (c->efer & EFER_LMA))
			continue;
		/* A direct (TDP) root: with NPT the CPU walks the guest's
		 * PDPTEs itself and KVM's copy is not kept up to date. */
		if (c->root_role & RT_ROLE_DIRECT)
			continue;
		for (i = 0; i < model->n_ops && !seen; i++)
			seen = (model->ops[i].pdpte_load || model->ops[i].mode == PGM_PAE) &&
			       roots__same_pdptes(model->ops[i].pdpte, c->pdpte);
		if (seen)
			continue;
		added++;
		if (res->n_findings++ >= ROOTS_MAX_FINDINGS)
			continue;
		f = &res->f[res->n_findings - 1];
		f->rule = ROOTS_PDPTE;
		f->event = ld->event;
		f->load = l;
		f->gfn = c->cr3 >> 12;
		f->role = c->root_role;
		f->cr3_built = 0;
		f->cr3_now = c->cr3;
		snprintf(f->what, sizeof(f->what),
			 "load %u at CR3 0x%llx: KVM's PDPTEs 0x%llx,0x%llx,0x%llx,0x%llx were never the guest's",
			 l, (unsigned long long)c->cr3, (unsigned long long)c->pdpte[0],
			 (unsigned long long)c->pdpte[1], (unsigned long long)c->pdpte[2],
			 (unsigned long long)c->pdpte[3]);
	}
	return added;
}
