// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_eval(): run a program through the model, op by op, and record
 * the set of outcomes each op may have.  Control-register rules follow
 * SDM vol. 3 2.5 / 4.1 / 4.4.1 and the MOV CR / WRMSR pages of vol. 2,
 * APM vol. 2 3.1 / 5.3 / 14.6, cross-checked against Debian's 6.1 KVM
 * (x86.c kvm_set_cr0/3/4, set_efer, load_pdptrs).
 */
#include <string.h>
#include "oracle_int.h"

static __thread struct ostate tls_state;

static void add_done(struct op_expect *e)
{
	oset_add(e, &(struct outcome){ .kind = OUT_DONE });
}

static void add_gp(struct op_expect *e)
{
	oset_add(e, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = GP_VECTOR, .has_error_code = 1 });
}

static void add_mov_cr(struct op_expect *e, int gp)
{
	if (gp)
		add_gp(e);
	else
		add_done(e);
}

struct ectx {
	const struct program *p;
	struct oracle_result *res;
	struct ostate *s;
	int op;
};

static void harness_fail(struct ectx *x, const char *why)
{
	if (!x->res->harness_ok)
		return;
	x->res->harness_ok = 0;
	x->res->harness_op = x->op;
	strncpy(x->res->harness_why, why, sizeof(x->res->harness_why) - 1);
	x->res->harness_why[sizeof(x->res->harness_why) - 1] = 0;
}

/* From this op on the model cannot tell the outcome (oracle.h lost_op). */
static void lose(struct ectx *x)
{
	if (x->res->lost_op < 0)
		x->res->lost_op = x->op;
}

/*
 * Load the four PDPTE registers from the PDPT at cr3[31:5] (SDM 4.4.1).
 * Returns 0, or -1 for #GP: a present PDPTE with a reserved bit (2:1,
 * 8:5, 63:MAXPHYADDR; SDM Table 4-8) faults and loads nothing.
 */
static int load_pdptes(struct ectx *x, uint64_t cr3, uint64_t out[4])
{
	struct ostate *s = x->s;
	uint64_t base = cr3 & 0xFFFFFFE0ull;
	uint64_t rsvd = (~0ull << s->cpu->maxphyaddr) | 0x1E6ull;

	if (om_class(base) != MEM_TABLE && om_class(base) != MEM_DATA) {
		harness_fail(x, "PAE PDPT outside modelled memory");
		memset(out, 0, 4 * sizeof(*out));
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		uint64_t gpa = base + 8 * i;

		out[i] = om_read(&s->mem, gpa, 8);
		if ((out[i] & PTE_PRESENT_MASK) && (om_unc(&s->mem, gpa, 8) & 0x60)) {
			/* Under ORACLE_QUIRK_TCG_PDPTE_A an A bit TCG may have
			 * set decides between #GP and a load: not a harness
			 * problem, but nothing after it can be judged. */
			if ((s->cpu->quirks & ORACLE_QUIRK_TCG_PDPTE_A) &&
			    !(om_unc(&s->mem, gpa, 8) & PTE_DIRTY_MASK))
				lose(x);
			else
				harness_fail(x, "PDPTE load depends on A/D bits the CPU may have set");
		}
		if ((out[i] & PTE_PRESENT_MASK) && (out[i] & rsvd))
			return -1;
	}
	return 0;
}

static int pae_paging_after(const struct ostate *s, uint64_t cr0, uint64_t cr4)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(s->efer & EFER_LME);
}

/*
 * MOV to CR0, CR4, CR3: each returns 0 when the MOV completes and -1 when
 * it raises #GP(0); the op loop adds the one outcome (add_mov_cr).
 */
static int op_cr0(struct ectx *x, struct op_expect *e, uint64_t value)
{
	struct ostate *s = x->s;
	uint64_t old = s->cr0, v = value & 0xFFFFFFFFull;
	uint64_t pd[4];
	int pdpte_load;

	/* Written from 32-bit/compat code: the upper half never reaches
	 * CR0.  ET is hardwired to 1 and other reserved bits of CR0[31:0]
	 * are ignored (SDM vol. 2 MOV CR: "attempts to set them have no
	 * impact"; KVM kvm_set_cr0). */
	v = (v | X86_CR0_ET) & ORACLE_CR0_KNOWN;
	/* SDM 2.5 / MOV CR #GP list: NW without CD, PG without PE. */
	if (((v & X86_CR0_NW) && !(v & X86_CR0_CD)) || ((v & X86_CR0_PG) && !(v & X86_CR0_PE)))
		return -1;
	/* SDM 10.8.5 / APM 14.6.1: enabling paging with EFER.LME = 1
	 * requires CR4.PAE = 1 (CS.L = 0 always holds in the stub). */
	if (!(old & X86_CR0_PG) && (v & X86_CR0_PG) && (s->efer & EFER_LME) && !(s->cr4 & X86_CR4_PAE))
		return -1;
	/* SDM 4.4.1: PAE paging after a MOV to CR0 that changes CD, NW or
	 * PG loads the PDPTEs. */
	pdpte_load = pae_paging_after(s, v, s->cr4) &&
		     ((v ^ old) & (X86_CR0_CD | X86_CR0_NW | X86_CR0_PG));
	if (pdpte_load && load_pdptes(x, s->cr3, pd))
		return -1;
	if (!(v & X86_CR0_PE))
		harness_fail(x, "CR0.PE cleared: the stub cannot run in real mode");
	s->cr0 = v;
	if (pdpte_load) {
		memcpy(s->pdpte, pd, sizeof(pd));
		e->pdpte_load = 1;
	}
	if ((old ^ v) & X86_CR0_PG) {
		/* Paging toggled: long mode follows LME (SDM 10.8.5). */
		if ((v & X86_CR0_PG) && (s->efer & EFER_LME))
			s->efer |= EFER_LMA;
		else
			s->efer &= ~EFER_LMA;
		/* SDM 4.10.4.1: MOV to CR0 that changes PG flushes all. */
		os_flush_all(s);
	}
	return 0;
}

static uint64_t cr4_allowed(const struct ostate *s)
{
	uint64_t ok = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE |
		      X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | X86_CR4_OSFXSR |
		      X86_CR4_OSXMMEXCPT;

	if (s->cpu->features & ORACLE_F_SMEP)
		ok |= X86_CR4_SMEP;
	if (s->cpu->features & ORACLE_F_SMAP)
		ok |= X86_CR4_SMAP;
	if (s->cpu->features & ORACLE_F_UMIP)
		ok |= X86_CR4_UMIP;
	return ok;
}

static int op_cr4(struct ectx *x, struct op_expect *e, uint64_t value)
{
	struct ostate *s = x->s;
	uint64_t old = s->cr4, v = (s->efer & EFER_LMA) ? value : (value & 0xFFFFFFFFull);
	uint64_t pd[4];
	int pdpte_load;

	/* SDM 2.5: setting a reserved CR4 bit (every bit of a feature the
	 * profile hides) is #GP. */
	if (v & ~cr4_allowed(s))
		return -1;
	/* SDM 4.1.2: CR4.PAE cannot be cleared in IA-32e mode. */
	if ((s->efer & EFER_LMA) && !(v & X86_CR4_PAE))
		return -1;
	/* SDM 4.4.1: with PAE paging after the write, a change of PAE, PGE,
	 * PSE or SMEP loads the PDPTEs. */
	pdpte_load = !(s->efer & EFER_LMA) && pae_paging_after(s, s->cr0, v) &&
		     ((v ^ old) & (X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PSE | X86_CR4_SMEP));
	if (pdpte_load && load_pdptes(x, s->cr3, pd))
		return -1;
	s->cr4 = v;
	if (pdpte_load) {
		memcpy(s->pdpte, pd, sizeof(pd));
		e->pdpte_load = 1;
	}
	/* SDM 4.10.4.1: changing PGE or PAE flushes everything (globals
	 * included); setting SMEP flushes the non-global entries. */
	if ((v ^ old) & (X86_CR4_PGE | X86_CR4_PAE))
		os_flush_all(s);
	else if ((v & X86_CR4_SMEP) && !(old & X86_CR4_SMEP))
		os_flush_nonglobal(s);
	/* A PSE change flushes nothing: old 4 MiB / PT readings remain. */
	if ((v ^ old) & X86_CR4_PSE)
		s->pse_seq = s->seq;
	return 0;
}

static int op_cr3(struct ectx *x, struct op_expect *e, uint64_t value)
{
	struct ostate *s = x->s;
	int lma = !!(s->efer & EFER_LMA);
	uint64_t v = lma ? value : (value & 0xFFFFFFFFull);
	uint64_t pd[4];

	/* SDM MOV CR / 4.5: in 64-bit code, CR3 bits 63:MAXPHYADDR are
	 * reserved (no PCIDs in the profile, so bit 63 too). */
	if (lma && (v >> s->cpu->maxphyaddr))
		return -1;
	os_leave_root(s, v);
	/* SDM 4.4.1: MOV to CR3 with PAE paging loads the PDPTEs.  Not
	 * under nested paging: the MOV is not intercepted and AMD has no
	 * PDPTE registers (oracle.h ORACLE_MMU_NPT). */
	if (os_mode(s) == PGM_PAE && s->cpu->mmu != ORACLE_MMU_NPT) {
		if (load_pdptes(x, v, pd))
			return -1;
		memcpy(s->pdpte, pd, sizeof(pd));
		e->pdpte_load = 1;
	}
	s->cr3 = v;
	/* SDM 4.10.4.1: MOV to CR3 flushes non-global TLB entries and all
	 * paging-structure caches. */
	os_flush_nonglobal(s);
	return 0;
}

static void op_efer(struct ectx *x, struct op_expect *e, uint64_t v)
{
	struct ostate *s = x->s;
	uint64_t ok = EFER_SCE | EFER_LMA;

	if (s->cpu->features & ORACLE_F_LM)
		ok |= EFER_LME;
	if (s->cpu->features & ORACLE_F_NX)
		ok |= EFER_NX;
	if (v & EFER_LMSLE) {
		/* KVM accepts LMSLE when nested SVM is enabled, whatever the
		 * guest CPUID; hardware may or may not.  Not modelled. */
		harness_fail(x, "EFER.LMSLE: accepted or #GP depending on the host, not modelled");
		e->unbounded = 1;
		return;
	}
	/* SDM vol. 4 IA32_EFER / APM 3.1.7: reserved bits #GP; LME may not
	 * change while paging is on; LMA is read-only (write ignored). */
	if ((v & ~ok) || ((s->cr0 & X86_CR0_PG) && ((v ^ s->efer) & EFER_LME))) {
		add_gp(e);
		return;
	}
	/* NXE 1 -> 0 flushes nothing: translations with XD may remain. */
	if ((s->efer & EFER_NX) && !(v & EFER_NX))
		s->nxe_seq = s->seq;
	if (v & EFER_NX)
		s->nxe_ever = 1;
	s->efer = (v & ~EFER_LMA) | (s->efer & EFER_LMA);
	add_done(e);
}

/*
 * ORACLE_QUIRK_TCG_PDPTE_A: after an op that leaves the guest in PAE
 * paging, the stub's next fetch walks PDPTE 0 and TCG sets its A bit.
 * That is certain unless a program store rewrote the entry since TCG last
 * flushed its TLB: then TCG may still use a cached translation.
 */
static void tcg_pdpte0_accessed(struct ectx *x, const struct prog_op *op,
				const struct op_expect *e)
{
	struct ostate *s = x->s;
	uint64_t gpa = s->cr3 & 0xFFFFFFE0ull, v;
	int cr3_done = op->kind == OP_CR3 && e->n_out == 1 && e->out[0].kind == OUT_DONE;

	if (!(s->cpu->quirks & ORACLE_QUIRK_TCG_PDPTE_A) || os_mode(s) != PGM_PAE ||
	    om_class(gpa) != MEM_TABLE)
		return;
	/* TCG flushes its TLB on MOV CR3 and on entering PAE paging. */
	if (op->kind == OP_PTE && (op->addr & ~7ull) == gpa)
		s->pdpte0_unsure = 1;
	else if (cr3_done || e->mode != PGM_PAE)
		s->pdpte0_unsure = 0;
	v = om_read(&s->mem, gpa, 8);
	if (!(v & PTE_PRESENT_MASK) || (v & PTE_ACCESSED_MASK))
		return;
	if (s->pdpte0_unsure)
		om_mark_ad(&s->mem, gpa, 8, PTE_ACCESSED_MASK);
	else
		om_set_ad(&s->mem, gpa, 8, PTE_ACCESSED_MASK);
}

/* The low region stays identity-mapped: the top-level table in use must
 * carry the mode's harness entry 0 (layout.h). */
static void harness_invariant(struct ectx *x)
{
	struct ostate *s = x->s;

	if ((s->cpu->quirks & ORACLE_QUIRK_TCG_LME_NOPAE) && (s->efer & EFER_LME) &&
	    !(s->cr4 & X86_CR4_PAE))
		harness_fail(x, "EFER.LME = 1 with CR4.PAE = 0 wedges QEMU TCG under nested paging");
	switch (os_mode(s)) {
	case PGM_32:
		if (om_read(&s->mem, s->cr3 & 0xFFFFF000ull, 4) != HARNESS_PDE32)
			harness_fail(x, "32-bit PD in CR3 lacks the harness PDE 0");
		break;
	case PGM_PAE:
		/* Under nested paging the CPU reads PDPTE 0 from memory. */
		if (s->cpu->mmu == ORACLE_MMU_NPT) {
			if ((om_read(&s->mem, s->cr3 & 0xFFFFFFE0ull, 8) & ~PTE_ACCESSED_MASK) != HARNESS_PDPTE_PAE)
				harness_fail(x, "PDPTE 0 in memory is not the harness PDPTE (nested paging)");
			break;
		}
		if (s->pdpte[0] != HARNESS_PDPTE_PAE)
			harness_fail(x, "PDPTE register 0 is not the harness PDPTE");
		/* Shadow paging builds a root per present PDPTE, and KVM
		 * triple-faults the guest when one names a gfn outside every
		 * memslot (mmu.c mmu_check_root): a KVM limit, not paging. */
		for (int i = 0; i < 4; i++)
			if ((s->pdpte[i] & PTE_PRESENT_MASK) &&
			    (s->pdpte[i] & 0x000FFFFFFFFFF000ull) >= LAYOUT_MEM_SIZE)
				harness_fail(x, "PAE PDPTE names a PD outside RAM: KVM mmu_check_root "
						"triple-faults");
		break;
	case PGM_LM4:
		if (s->cr3 >> 32 ||
		    om_read(&s->mem, s->cr3 & 0xFFFFF000ull, 8) != HARNESS_PML4E)
			harness_fail(x, "PML4 in CR3 lacks the harness PML4E 0");
		break;
	default:
		break;
	}
}

/* A store the program makes to paging memory: only arena or free entries
 * of the fixed tables, aligned, never changing a harness entry. */
static int store_ok(struct ectx *x, uint64_t gpa, int width, uint64_t value)
{
	struct ostate *s = x->s;

	if ((width != 4 && width != 8) || gpa % width) {
		harness_fail(x, "PTE store not 4/8 bytes naturally aligned");
		return 0;
	}
	if (om_class(gpa) != MEM_TABLE) {
		harness_fail(x, "PTE store outside the arena and fixed tables");
		return 0;
	}
	if (om_protected(gpa, width) && om_read(&s->mem, gpa, width) != value) {
		harness_fail(x, "PTE store changes a harness entry");
		return 0;
	}
	return 1;
}

static void op_probe(struct ectx *x, struct op_expect *e, const struct prog_op *op)
{
	const char *why = NULL;

	oe_probe(x->s, op->kind, op->addr, e, &why);
	if (why)
		harness_fail(x, why);
}

static void op_pte(struct ectx *x, struct op_expect *e, const struct prog_op *op)
{
	struct ostate *s = x->s;
	struct xlate xl[XL_MAX];
	uint64_t va, gpa = ~0ull;
	int n, over, n_ok = 0, n_fault = 0;

	if (!op->via) {
		if (store_ok(x, op->addr, op->width, op->value))
			os_store(s, op->addr, op->width, op->value);
		add_done(e);
		return;
	}
	va = os_op_va(s, op->via);
	if ((s->efer & EFER_LMA) && !os_is_canonical(va)) {
		add_gp(e);
		return;
	}
	n = os_translate(s, va, xl, XL_MAX, &over);
	if (over)
		e->unbounded = 1;
	for (int k = 0; k < n; k++) {
		if (xl[k].fresh && e->n_walk == 0) {
			e->n_walk = xl[k].n;
			memcpy(e->walk, xl[k].step, sizeof(e->walk));
		}
		if (xl[k].unmodelled) {
			harness_fail(x, "alias store walks through unmodelled memory");
			continue;
		}
		if (os_permits(s, &xl[k], ACC_WRITE)) {
			if (n_ok && xl[k].gpa != gpa)
				harness_fail(x, "alias store may land on two places (stale TLB)");
			gpa = xl[k].gpa;
			n_ok++;
			add_done(e);
		} else {
			uint32_t ec[4];
			int nc = os_pf_codes(s, &xl[k], ACC_WRITE, ec);
			/* In 32-bit code an 8-byte store is LOCK CMPXCHG8B: the
			 * SDM does not say whether its read or its write faults
			 * first, so where a read faults too, W may be 0 (TCG
			 * reports the read). */
			int rmw = op->width == 8 && !(s->efer & EFER_LMA) &&
				  !os_permits(s, &xl[k], ACC_READ);

			for (int c = 0; c < nc; c++) {
				oset_add(e, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = PF_VECTOR,
					  .has_error_code = 1, .error_code = ec[c], .cr2 = va });
				if (rmw)
					oset_add(e, &(struct outcome){ .kind = OUT_EXCEPTION,
						  .vector = PF_VECTOR, .has_error_code = 1,
						  .error_code = ec[c] & ~PFERR_WRITE_MASK, .cr2 = va });
			}
			n_fault++;
		}
	}
	if (n_ok && n_fault)
		harness_fail(x, "alias store may or may not fault (stale TLB)");
	if (over)
		harness_fail(x, "alias store: too many possible translations");
	os_after_access(s, xl, n, ACC_WRITE, over);
	if (n_ok && store_ok(x, gpa, op->width, op->value))
		os_store(s, gpa, op->width, op->value);
}

static void op_invlpg(struct ectx *x, struct op_expect *e, uint64_t addr)
{
	struct ostate *s = x->s;
	uint64_t va = os_op_va(s, addr);

	if ((s->efer & EFER_LMA) && !os_is_canonical(va)) {
		/* Non-canonical INVLPG: #GP or a no-op depending on the
		 * implementation; either leaves the state as it was. */
		add_gp(e);
		add_done(e);
		return;
	}
	if (os_mode(s) != PGM_OFF)
		os_invlpg(s, va);
	add_done(e);
}

/*
 * Whether a #PF with error code ec, delivered to the guest, invalidates
 * what the CPU cached for its address (SDM 4.10.4.1) under this profile.
 */
static int pf_invalidates(const struct oracle_cpu *cpu, uint32_t ec)
{
	if (cpu->mmu == ORACLE_MMU_SHADOW && !(cpu->strict & ORACLE_STRICT_PF))
		return (ec & PFERR_PRESENT_MASK) && !(ec & PFERR_RSVD_MASK);
	if ((cpu->quirks & ORACLE_QUIRK_TCG_WPF_KEEPS) && (ec & PFERR_WRITE_MASK))
		return 0;
	return 1;
}

/*
 * After a probe or an alias store: a #PF invalidates the TLB entries of
 * the faulting page.  With the run's observation of the op (ob) that is
 * what the CPU was seen to do; without one, only a #PF that every
 * allowed outcome raises (the a-priori sets, mmufuzz explain).
 */
static void pf_after(struct ectx *x, const struct prog_op *op, const struct op_expect *e,
		     const struct op_obs *ob)
{
	struct ostate *s = x->s;
	int faults = 1;

	if (op->kind < OP_READ && !(op->kind == OP_PTE && op->via))
		return;
	if (ob) {
		if (ob->status == OPS_EXCEPTION && ob->vector == PF_VECTOR &&
		    pf_invalidates(s->cpu, ob->error_code))
			os_pf_inval(s, ob->cr2);
		return;
	}
	if (e->unbounded || !e->n_out)
		return;
	for (unsigned k = 0; k < e->n_out; k++)
		faults &= e->out[k].kind == OUT_EXCEPTION && e->out[k].vector == PF_VECTOR &&
			  e->out[k].cr2 == e->out[0].cr2 && pf_invalidates(s->cpu, e->out[k].error_code);
	if (faults)
		os_pf_inval(s, e->out[0].cr2);
}

static void state_init(struct ostate *s, const struct program *p, const struct oracle_cpu *cpu)
{
	s->cpu = cpu;
	if (p->start == START_LM64) {
		s->cr0 = ORACLE_START_LM64_CR0;
		s->cr3 = ORACLE_START_LM64_CR3;
		s->cr4 = ORACLE_START_LM64_CR4;
		s->efer = ORACLE_START_LM64_EFER;
	} else {
		s->cr0 = ORACLE_START_PM32_CR0;
		s->cr3 = ORACLE_START_PM32_CR3;
		s->cr4 = ORACLE_START_PM32_CR4;
		s->efer = ORACLE_START_PM32_EFER;
	}
	memset(s->pdpte, 0, sizeof(s->pdpte));
	s->seq = 0;
	s->cut_full = s->cut_ng = 0;
	s->pse_seq = s->nxe_seq = 0;
	s->nxe_ever = !!(s->efer & EFER_NX);
	s->pse_seen[0] = s->pse_seen[1] = 0;
	s->n_hist = s->n_inval = s->n_wipe = s->n_oldroot = 0;
	s->hist_lost = 0;
	s->pdpte0_unsure = 0;
	om_reset(&s->mem);
}

static void eval_run(const struct program *p, const struct oracle_cpu *cpu,
		     const struct run_obs *obs, struct oracle_result *res)
{
	static const struct oracle_cpu amd = {
		.vendor = ORACLE_VENDOR_AMD, .maxphyaddr = ORACLE_DEFAULT_MAXPHYADDR,
		.features = ORACLE_DEFAULT_FEATURES,
	};
	struct ostate *s = &tls_state;
	struct ectx x = { .p = p, .res = res, .s = s, .op = -1 };
	unsigned n_ops = p->n_ops < PROG_MAX_OPS ? p->n_ops : PROG_MAX_OPS;

	if (!cpu)
		cpu = &amd;
	res->vendor = cpu->vendor;
	res->cpu = *cpu;
	res->harness_ok = 1;
	res->harness_op = -1;
	res->harness_why[0] = 0;
	res->shutdown_op = -1;
	res->lost_op = -1;
	res->n_ops = 0;
	state_init(s, p, cpu);
	if (p->start >= START_COUNT)
		harness_fail(&x, "unknown start mode");

	for (unsigned i = 0; i < p->n_init && i < PROG_MAX_INIT; i++) {
		const struct prog_init *in = &p->init[i];

		if (store_ok(&x, in->gpa, in->width, in->value))
			om_write(&s->mem, in->gpa, in->width, in->value);
	}
	for (unsigned i = 0; i < n_ops; i++) {
		const struct prog_op *op = &p->ops[i];
		struct op_expect *e = &res->ops[i];

		x.op = (int)i;
		s->seq = i + 1;
		e->mode = os_mode(s);
		e->n_out = 0;
		e->n_walk = 0;
		e->unbounded = 0;
		e->pdpte_load = 0;
		switch (op->kind) {
		case OP_CR0:
			add_mov_cr(e, op_cr0(&x, e, op->value));
			break;
		case OP_CR3:
			add_mov_cr(e, op_cr3(&x, e, op->value));
			break;
		case OP_CR4:
			add_mov_cr(e, op_cr4(&x, e, op->value));
			break;
		case OP_EFER:
			op_efer(&x, e, op->value);
			break;
		case OP_PTE:
			op_pte(&x, e, op);
			break;
		case OP_INVLPG:
			op_invlpg(&x, e, op->addr);
			break;
		case OP_READ:
		case OP_WRITE:
		case OP_FETCH:
			op_probe(&x, e, op);
			break;
		default:
			harness_fail(&x, "unknown op kind");
			e->unbounded = 1;
			break;
		}
		memcpy(e->pdpte, s->pdpte, sizeof(e->pdpte));
		pf_after(&x, op, e, obs ? &obs->ops[i] : NULL);
		tcg_pdpte0_accessed(&x, op, e);
		harness_invariant(&x);
		res->n_ops = i + 1;
	}
	res->cr0 = s->cr0;
	res->cr3 = s->cr3;
	res->cr4 = s->cr4;
	res->efer = s->efer;
}

void oracle_eval_cpu(const struct program *p, const struct oracle_cpu *cpu,
		     struct oracle_result *res)
{
	eval_run(p, cpu, NULL, res);
}

void oracle_eval_obs(const struct program *p, const struct oracle_cpu *cpu,
		     const struct run_obs *obs, struct oracle_result *res)
{
	eval_run(p, cpu, obs, res);
}

void oracle_eval(const struct program *p, enum oracle_vendor v, struct oracle_result *res)
{
	struct oracle_cpu cpu;

	oracle_cpu_default(&cpu, v);
	oracle_eval_cpu(p, &cpu, res);
}

const struct om_mem *oe_final_memory(const struct program *p, const struct oracle_cpu *cpu,
				     const struct run_obs *obs)
{
	static __thread struct oracle_result scratch;

	eval_run(p, cpu, obs, &scratch);
	return &tls_state.mem;
}
