// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle cases for AMD nested paging (oracle.h ORACLE_MMU_NPT) and the
 * quirks of QEMU TCG as the CPU under KVM (ORACLE_QUIRK_TCG_*).  Each
 * rule is shown firing under its profile and not firing under the shadow
 * profile (or without the quirk).
 */
#include "test_oracle.h"

static struct run_obs OBS;

static void use_npt(int tcg)
{
	oracle_cpu_npt(&CPU, tcg);
}


/* PAE on with the layout's PDPT, then MOV CR3 to a second PDPT on the
 * same page (slot 1) whose PDPTE 1 is pdpte1, then read VAPAE.  Returns
 * the MOV's op index; the read is the next op. */
static int switch_to_pdpt2(uint64_t pdpte1)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202028, 8, pdpte1);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_CR3, 0x202020, 0);
	t_op(OP_READ, 0, VAPAE);
	return i;
}

/* APM 5.3 / svm.c: MOV CR3 is not intercepted under NPT and AMD has no
 * PDPTE registers, so a reserved bit in a PDPTE is no #GP at the MOV. */
static void cr3_bad_pdpte(int npt)
{
	int i = switch_to_pdpt2(0x203000 | PTE_PRESENT_MASK | (1ull << 62)), j = i + 1;	/* bit 62 */

	if (npt)
		use_npt(0);
	t_run();
	if (npt)
		CHECK(ONLY_DONE(i) && ONLY_PF(j, 0x9, VAPAE),
		      "NPT: MOV CR3 with PDPTE bit 62 set completes; the walk faults RSVD");
	else
		CHECK(ONLY_GP(i) && ONLY_TAG(j, FRAME), "shadow: MOV CR3 with PDPTE bit 62 set is #GP");
}

/* SDM Table 4-8 reserves PDPTE bits 2:1 and 8:5; KVM's load_pdptrs #GPs
 * on them.  Under NPT the CPU's walk may or may not fault (TCG does not). */
static void pdpte_rw_bit(int npt)
{
	int i = switch_to_pdpt2(0x203000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK), j = i + 1;

	if (npt)
		use_npt(1);
	t_run();
	if (npt)
		CHECK(ONLY_DONE(i) && nout(j) == 3 && has_tag(j, FRAME) && has_pf(j, 0x9, VAPAE) &&
		      has_pf(j, 0x8, VAPAE), "NPT/TCG: PDPTE R/W bit: walk may fault (P or not) or not");
	else
		CHECK(ONLY_GP(i), "shadow: PDPTE R/W bit is #GP at MOV CR3");
}

/* Under NPT a PDPTE store is seen without a CR3 reload (it may also stay
 * cached until one); the shadow profile's registers keep the old value. */
static void pdpte_store_no_reload(int npt)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x205000, 8, 0x206000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK);		/* second PD -> PT */
	t_init(0x206000, 8, FRAME2 | RW);
	t_pae_on(0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x202008, 8, 0x205000 | PTE_PRESENT_MASK, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	int k = t_op(OP_CR3, 0x202000, 0);
	int j = t_op(OP_READ, 0, VAPAE);
	if (npt)
		use_npt(0);
	t_run();
	if (npt)
		CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_tag(i, FRAME2) && ONLY_DONE(k) &&
		      ONLY_TAG(j, FRAME2), "NPT: PDPTE store seen at once or after the flush");
	else
		CHECK(ONLY_TAG(i, FRAME) && ONLY_TAG(j, FRAME2),
		      "shadow: PDPTE store seen only after the reload");
}

/* A PAE PDPE carries no rights: a write through a PDPTE without R/W is
 * fine with CR0.WP = 1 in both profiles. */
static void pdpte_no_rights(int npt)
{
	t_pae_case(RW, RW, 0, CR0_WPON);
	int i = t_op(OP_WRITE, 0, VAPAE);
	if (npt)
		use_npt(0);
	t_run();
	CHECK(ONLY_TAG(i, FRAME), "%s: write through a PDPTE without R/W completes",
	      npt ? "NPT" : "shadow");
}

/* ORACLE_QUIRK_TCG_PDPTE_A: once the stub ran in PAE mode, TCG has set A
 * in PDPTE 0 and KVM's load_pdptrs on a CR4.PGE toggle #GPs. */
static void tcg_pdpte0_a_pge(int quirk)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	int i = t_op(OP_CR4, 0xa0, 0);
	int j = t_op(OP_READ, 0, VAPAE);
	use_npt(quirk);
	t_run();
	if (quirk)
		CHECK(ONLY_GP(i) && ONLY_TAG(j, FRAME) && R.lost_op == -1,
		      "NPT/TCG: CR4.PGE toggle after PAE ran is #GP (PDPTE 0 has A)");
	else
		CHECK(ONLY_DONE(i) && R.lost_op == -1, "NPT without TCG: CR4.PGE toggle completes");
}

/* The A bit TCG sets in walked PDPTEs: accepted only under the quirk. */
static void tcg_pdpte_a_arena(int quirk)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	use_npt(quirk);
	t_run();
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;		/* SDM 4.8: PD[0] and PT[0], the */
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK;		/* probe's walk, need A */
	if (quirk)
		OBS.arena[0x2000] |= PTE_ACCESSED_MASK;	/* PDPTE 0: the stub's walks */
	OBS.arena[0x2008] |= PTE_ACCESSED_MASK;		/* PDPTE 1: the probe's walk */
	if (quirk)
		CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "NPT/TCG: A in walked PDPTEs accepted");
	else
		CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "NPT: A in a PDPTE flagged");
	OBS.arena[0x2010] |= PTE_ACCESSED_MASK;		/* PDPTE 2: never walked */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) >= 1, "A in a never-walked PDPTE flagged");
}

/* Seen on the baseline (npt=1, seed 7, #8537): with a global translation
 * of the address space a MOV CR3 left (SDM 4.10.4.1) also allowed, TCG's
 * A on the NEW space's PDPE is possible (it walked it or used the old
 * entry), not absent; the old space's PDPE gets none from a TLB hit. */
static void tcg_pdpte_a_two_roots(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW | PTE_GLOBAL_MASK);
	t_init(0x208000, 8, HARNESS_PDPTE_PAE);	/* second space, PDPTE 1 -> PD 0x209000 */
	t_init(0x208008, 8, 0x209000 | PTE_PRESENT_MASK);
	t_init(0x209000, 8, 0x20a000 | RW);
	t_init(0x20a000, 8, FRAME2 | RW);
	t_pae_on(0x80, CR0_PGON);			/* PGE */
	t_op(OP_READ, 0, VAPAE);
	t_op(OP_CR3, 0x208000, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	use_npt(1);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_tag(i, FRAME2),
	      "NPT/TCG: the old space's global translation or the new one");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	OBS.arena[0x2000] |= PTE_ACCESSED_MASK;			/* PDPTE 0s: the stub's walks */
	OBS.arena[0x8000] |= PTE_ACCESSED_MASK;
	OBS.arena[0x2008] |= PTE_ACCESSED_MASK;			/* the first read's walk */
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "NPT/TCG: second read used the global entry");
	OBS.arena[0x8008] |= PTE_ACCESSED_MASK;			/* it walked the new space */
	OBS.arena[0x9000] |= PTE_ACCESSED_MASK;
	OBS.arena[0xa000] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "NPT/TCG: second read walked: A accepted");
	OBS.arena[0x8010] |= PTE_ACCESSED_MASK;			/* PDPTE 2: never walked */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "NPT/TCG: A on a PDPTE never walked flagged");
}

/* ORACLE_QUIRK_TCG_RSVD_NO_P: RSVD #PF without P, only under the quirk. */
static void tcg_rsvd_no_p(int quirk)
{
	t_begin(START_LM64);
	t_layoutlm(RW, RW, RW, RW | PTE_NX_MASK);	/* XD with EFER.NXE = 0: reserved */
	int i = t_op(OP_READ, 0, VALM);
	use_npt(quirk);
	t_run();
	if (quirk)
		CHECK(nout(i) == 2 && has_pf(i, 0x9, VALM) && has_pf(i, 0x8, VALM),
		      "NPT/TCG: RSVD #PF with or without P");
	else
		CHECK(ONLY_PF(i, 0x9, VALM), "NPT: RSVD #PF has P");
}

/* The model cannot tell whether TCG re-walked PDPTE 0 after the program
 * rewrote it, nor whether it walked PDPTE 1: the next KVM PDPTE load may
 * or may not #GP, so nothing is judged from there (lost_op). */
static void tcg_lost(int quirk)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_pte(0x202000, 8, HARNESS_PDPTE_PAE, 0);
	t_op(OP_READ, 0, VAPAE);
	int i = t_op(OP_CR4, 0xa0, 0);
	int j = t_op(OP_READ, 0, VAPAE);
	use_npt(quirk);
	t_run();
	if (!quirk) {
		CHECK(R.lost_op == -1 && ONLY_DONE(i), "NPT without TCG: nothing lost");
		return;
	}
	CHECK(R.lost_op == i && R.harness_ok, "NPT/TCG: lost at the PDPTE load");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	OBS.ops[i].status = OPS_EXCEPTION;	/* #GP where the model said done */
	OBS.ops[i].vector = 13;
	OBS.ops[j].value ^= 1;
	OBS.cr4 ^= 0x80;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "NPT/TCG: ops from lost_op on not judged");
	OBS.ops[i - 1].value ^= 1;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "NPT/TCG: the op before lost_op still judged");
}

/* Under NPT the CPU reads PDPTE 0 from memory: rewriting it in the PDPT
 * in use breaks the harness (the shadow profile's register keeps it). */
static void harness_pdpte0(int npt)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	int i = t_pte(0x202000, 8, 0x203000 | PTE_PRESENT_MASK, 0);
	if (npt)
		use_npt(0);
	t_run();
	if (npt)
		CHECK(!R.harness_ok && R.harness_op == i, "NPT: rewriting PDPTE 0 in use breaks the harness");
	else
		CHECK(R.harness_ok, "shadow: rewriting PDPTE 0 in memory is harmless until a reload");
}

/* KVM offers 1 GiB pages to shadow paging only (the CPU lacks them), but
 * under NPT the CPU's walk decides: fault or 1 GiB page, both allowed. */
static void npt_1g_not_in_cpuid(int npt)
{
	t_begin(START_LM64);
	t_init(LAYOUT_LOW_PML4 + 8, 8, 0x205000 | RW);
	t_init(0x205000, 8, PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_LARGE_MASK);	/* 1 GiB at gpa 0 */
	int i = t_op(OP_READ, 0, VALM + FRAME);
	CPU.features &= ~ORACLE_F_1G;
	if (npt)
		use_npt(0);
	t_run();
	if (npt)
		CHECK(nout(i) == 2 && has_pf(i, 0x9, VALM + FRAME) && has_tag(i, FRAME),
		      "NPT, no 1 GiB in CPUID: RSVD #PF or the 1 GiB page");
	else
		CHECK(ONLY_PF(i, 0x9, VALM + FRAME), "shadow, no 1 GiB in CPUID: PDPTE.PS reserved");
}

/* ORACLE_QUIRK_TCG_LME_NOPAE: the state that wedges QEMU is a harness
 * break under the quirk only; with PAE set first it is fine. */
static void tcg_lme_nopae(int quirk)
{
	t_begin(START_PM32);
	int i = t_op(OP_EFER, 0x100, 0);
	use_npt(quirk);
	t_run();
	if (quirk)
		CHECK(!R.harness_ok && R.harness_op == i, "NPT/TCG: EFER.LME with CR4.PAE = 0 rejected");
	else
		CHECK(R.harness_ok && ONLY_DONE(i), "NPT: EFER.LME with CR4.PAE = 0 is fine");
	t_begin(START_PM32);
	t_op(OP_CR4, 0x20, 0);
	i = t_op(OP_EFER, 0x100, 0);
	use_npt(quirk);
	t_run();
	CHECK(R.harness_ok && ONLY_DONE(i), "EFER.LME after CR4.PAE: fine in every profile");
}

/* mmu.c mmu_check_root: under shadow paging a PDPTE naming a gfn outside
 * guest memory triple-faults the guest, so the model keeps programs out
 * of that; under NPT the CPU just walks (MMIO), no KVM root involved. */
static void pdpte_outside_memory(int npt)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202010, 8, (uint64_t)LAYOUT_MEM_SIZE | PTE_PRESENT_MASK);	/* PDPTE 2 */
	t_op(OP_CR3, 0x202000, 0);
	t_op(OP_CR4, 0x20, 0);
	int i = t_op(OP_CR0, CR0_PGON, 0);
	if (npt)
		use_npt(0);
	t_run();
	if (npt)
		CHECK(R.harness_ok, "NPT: PDPTE naming unbacked memory is no harness problem");
	else
		CHECK(!R.harness_ok && R.harness_op == i,
		      "shadow: PDPTE naming unbacked memory rejected (KVM triple-faults)");
}

int main(void)
{
	for (int on = 0; on < 2; on++) {
		cr3_bad_pdpte(on);
		pdpte_rw_bit(on);
		pdpte_store_no_reload(on);
		pdpte_no_rights(on);
		tcg_pdpte0_a_pge(on);
		tcg_pdpte_a_arena(on);
		tcg_rsvd_no_p(on);
		tcg_lost(on);
		harness_pdpte0(on);
		npt_1g_not_in_cpuid(on);
		tcg_lme_nopae(on);
		pdpte_outside_memory(on);
	}
	tcg_pdpte_a_two_roots();
	printf("oracle NPT cases: %u\n", n_cases);
	return check_summary("test_oracle_npt");
}
