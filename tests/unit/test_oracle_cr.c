// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle cases: control-register and EFER writes (#GP predictions, mode
 * transitions) and the PAE PDPTE registers (which events load them, what
 * a reserved bit causes, and that later PDPT writes are not seen).
 * SDM = Intel SDM (vol. 3A unless noted), APM = AMD APM vol. 2.
 */
#include "test_oracle.h"

/* SDM vol. 2 MOV CR, SDM 2.5: setting CR0.PG with PE = 0 is #GP. */
static void cr0_pg_without_pe(void)
{
	t_begin(START_PM32);
	t_layout32(RW, RW);
	t_op(OP_CR3, 0x200000, 0);
	int i = t_op(OP_CR0, 0x80000030, 0);
	int j = t_op(OP_CR0, CR0_PGON, 0);
	t_run();
	CHECK(ONLY_GP(i), "PG without PE: #GP");
	CHECK(ONLY_DONE(j) && E(j + 0)->mode == PGM_OFF && R.cr0 == CR0_PGON, "PG with PE: ok");
}

/* SDM 2.5: CR0.NW = 1 with CD = 0 is #GP. */
static void cr0_nw_without_cd(void)
{
	t_begin(START_PM32);
	int i = t_op(OP_CR0, 0x20000031, 0);
	int j = t_op(OP_CR0, 0x60000031, 0);
	t_run();
	CHECK(ONLY_GP(i), "NW without CD: #GP");
	CHECK(ONLY_DONE(j) && R.cr0 == 0x60000031, "NW with CD: ok");
}

/* SDM vol. 2 MOV CR: reserved CR0[31:0] bits are ignored, ET reads 1. */
static void cr0_reserved_ignored(void)
{
	int i = t_one_op(START_PM32, OP_CR0, 0x00000021 | (1u << 7));
	CHECK(ONLY_DONE(i) && R.cr0 == 0x31, "CR0: ET forced, bit 7 dropped");
}

/* oracle.h contract: CR0 is written from 32-bit code, upper half dropped. */
static void cr0_upper_dropped(void)
{
	int i = t_one_op(START_PM32, OP_CR0, 0x100000031ull);
	CHECK(ONLY_DONE(i) && R.cr0 == 0x31, "CR0 value bit 32 never reaches CR0");
}

/* SDM 4.1.2 / 10.8.5: setting PG with EFER.LME = 1 requires CR4.PAE. */
static void cr0_lm_needs_pae(void)
{
	t_begin(START_PM32);
	t_op(OP_CR3, LAYOUT_LOW_PML4, 0);
	t_op(OP_EFER, 0x100, 0);
	int i = t_op(OP_CR0, CR0_PGON, 0);
	t_run();
	CHECK(ONLY_GP(i) && R.efer == 0x100, "PG with LME but no PAE: #GP");

	t_begin(START_PM32);
	t_op(OP_CR3, LAYOUT_LOW_PML4, 0);
	t_op(OP_EFER, 0x100, 0);
	t_op(OP_CR4, 0x20, 0);
	i = t_op(OP_CR0, CR0_PGON, 0);
	int j = t_op(OP_READ, 0, 0x100000000ull);	/* 64-bit VA: PML4E 0, PDPTE 4 */
	t_run();
	CHECK(ONLY_DONE(i) && R.efer == 0x500 && E(j)->mode == PGM_LM4 && R.harness_ok,
	      "PG with LME and PAE: long mode, LMA set");
	CHECK(ONLY_PF(j, 0, 0x100000000ull), "long mode walk: PDPTE 4 not present");
}

/* SDM 10.8.5.4 / APM 14.7: clearing PG (from compatibility mode) leaves
 * long mode and clears LMA. */
static void cr0_leave_lm(void)
{
	int i = t_one_op(START_LM64, OP_CR0, 0x31);
	CHECK(ONLY_DONE(i) && R.efer == 0x100 && R.cr0 == 0x31 && R.harness_ok, "leave long mode");
}

/* SDM 4.1.2: CR4.PAE cannot be cleared in IA-32e mode. */
static void cr4_clear_pae_lm(void)
{
	t_begin(START_LM64);
	int i = t_op(OP_CR4, 0, 0);
	int j = t_op(OP_CR4, 0x20 | 0x80, 0);
	t_run();
	CHECK(ONLY_GP(i), "clear PAE in long mode: #GP");
	CHECK(ONLY_DONE(j) && R.cr4 == 0xA0, "set PGE, keep PAE: ok");
}

/* SDM 2.5 / vol. 2 MOV CR: reserved CR4 bits #GP (LA57, VMXE, PCIDE are
 * reserved in the profile); defined bits such as OSFXSR are fine. */
static void cr4_reserved(void)
{
	t_begin(START_PM32);
	int a = t_op(OP_CR4, 1u << 12, 0);
	int b = t_op(OP_CR4, 1u << 13, 0);
	int c = t_op(OP_CR4, 1u << 17, 0);
	int d = t_op(OP_CR4, 1u << 9, 0);
	t_run();
	CHECK(ONLY_GP(a) && ONLY_GP(b) && ONLY_GP(c), "CR4 LA57/VMXE/PCIDE reserved");
	CHECK(ONLY_DONE(d) && R.cr4 == 0x200, "CR4.OSFXSR ok");
}

/* SDM vol. 2 MOV CR: in 64-bit code CR4[63:32] are reserved; from 32-bit
 * code the upper half never reaches CR4. */
static void cr4_high_bits(void)
{
	int i = t_one_op(START_LM64, OP_CR4, 0x100000020ull);
	CHECK(ONLY_GP(i), "LM: CR4 bit 32 #GP");
	i = t_one_op(START_PM32, OP_CR4, 0x100000000ull);
	CHECK(ONLY_DONE(i) && R.cr4 == 0, "legacy: CR4 bit 32 dropped");
}

/* SDM 2.5: CR4.SMEP exists only with CPUID.7.0:EBX.SMEP. */
static void cr4_smep_feature(void)
{
	t_begin(START_PM32);
	CPU.features &= ~ORACLE_F_SMEP;
	int i = t_op(OP_CR4, 1u << 20, 0);
	t_run();
	CHECK(ONLY_GP(i), "SMEP hidden: #GP");
	CPU.features |= ORACLE_F_SMEP;
	t_run();
	CHECK(ONLY_DONE(i), "SMEP present: ok");
}

/* SDM 2.5: CR4.UMIP exists only with CPUID.7.0:ECX.UMIP (off by default). */
static void cr4_umip_feature(void)
{
	int i = t_one_op(START_LM64, OP_CR4, (1u << 11) | 0x20);
	CHECK(ONLY_GP(i), "UMIP hidden (default): #GP");
	CPU.features |= ORACLE_F_UMIP;
	t_run();
	CHECK(ONLY_DONE(i) && R.cr4 == 0x820, "UMIP present: ok");
}

/* SDM vol. 2 MOV CR, 4.5: CR3 bits 63:MAXPHYADDR reserved in 64-bit code. */
static void cr3_lm_reserved(void)
{
	t_begin(START_LM64);
	int a = t_op(OP_CR3, LAYOUT_LOW_PML4 | (1ull << 63), 0);
	int b = t_op(OP_CR3, LAYOUT_LOW_PML4 | (1ull << 40), 0);
	int c = t_op(OP_CR3, LAYOUT_LOW_PML4 | 0x18, 0);
	t_run();
	CHECK(ONLY_GP(a) && ONLY_GP(b), "CR3 bit 63 / bit 40 reserved in LM");
	CHECK(ONLY_DONE(c) && R.cr3 == (LAYOUT_LOW_PML4 | 0x18), "CR3 PWT|PCD ok");
}

/* oracle.h contract: legacy CR3 writes keep the low 32 bits only. */
static void cr3_legacy_truncated(void)
{
	int i = t_one_op(START_PM32, OP_CR3, 0x100200000ull);
	CHECK(ONLY_DONE(i) && R.cr3 == 0x200000, "legacy CR3 upper half dropped");
}

/* SDM vol. 4 IA32_EFER / APM 3.1.7: LME may not change while PG = 1. */
static void efer_lme_with_pg(void)
{
	t_32_case(RW, RW, CR0_PGON);
	int i = t_op(OP_EFER, 0x100, 0);
	t_run();
	CHECK(ONLY_GP(i) && R.efer == 0, "LME change with paging on: #GP");
	i = t_one_op(START_PM32, OP_EFER, 0x100);
	CHECK(ONLY_DONE(i) && R.efer == 0x100, "LME with paging off: ok");
}

/* APM 3.1.7: EFER reserved bits (SVME hidden) #GP; NXE needs CPUID NX. */
static void efer_reserved(void)
{
	t_begin(START_PM32);
	int a = t_op(OP_EFER, 1u << 12, 0);
	int b = t_op(OP_EFER, 0x800, 0);
	t_run();
	CHECK(ONLY_GP(a), "EFER.SVME hidden: #GP");
	CHECK(ONLY_DONE(b) && R.efer == 0x800, "EFER.NXE ok");
	CPU.features &= ~ORACLE_F_NX;
	t_run();
	CHECK(ONLY_GP(b), "EFER.NXE without NX: #GP");
}

/* APM 3.1.7: EFER.LMA is read-only; WRMSR ignores the written value. */
static void efer_lma_ignored(void)
{
	int i = t_one_op(START_PM32, OP_EFER, 0x400);
	CHECK(ONLY_DONE(i) && R.efer == 0, "LMA write ignored");
	i = t_one_op(START_LM64, OP_EFER, 0x100);
	CHECK(ONLY_DONE(i) && R.efer == 0x500, "LMA kept when written 0 in long mode");
}

/* SDM 4.4.1: MOV to CR3 with PAE paging loads the PDPTEs ... */
static void pdpte_load_cr3_pae(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_init(0x202028, 8, 0x209000 | PTE_PRESENT_MASK);
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_CR3, 0x202020, 0);
	t_run();
	CHECK(E(i)->pdpte_load && E(i)->pdpte[1] == (0x209000 | PTE_PRESENT_MASK), "CR3 in PAE loads PDPTEs");
}

/* ... but not with 32-bit paging. */
static void pdpte_no_load_cr3_32(void)
{
	t_32_case(RW, RW, CR0_PGON);
	int i = t_op(OP_CR3, 0x200000, 0);
	t_run();
	CHECK(!E(i)->pdpte_load && ONLY_DONE(i), "CR3 in 32-bit paging: no PDPTE load");
}

/* SDM 4.4.1: a later write to the PDPT in memory is not used until a
 * load event; a MOV to CR3 (same value) then picks it up. */
static void pdpte_stale_until_reload(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x208000, 8, 0x209000 | RW);
	t_init(0x209000, 8, FRAME2 | RW);
	t_pae_on(0, CR0_PGON);
	t_pte(0x202008, 8, 0x208000 | PTE_PRESENT_MASK, 0);
	t_op(OP_INVLPG, 0, VAPAE);
	int i = t_op(OP_READ, 0, VAPAE);
	t_op(OP_CR3, 0x202000, 0);
	int j = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME), "PDPT write unseen before reload (even after INVLPG)");
	CHECK(ONLY_TAG(j, FRAME2), "MOV CR3 reloads: new PDPTE used");
}

/* SDM 4.4.1 / Table 4-8: a present PDPTE with a reserved bit makes the
 * loading MOV to CR3 #GP and nothing is loaded. */
static void pdpte_rsvd_gp(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_init(0x202028, 8, 0x203000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK);
	t_init(0x202040, 8, HARNESS_PDPTE_PAE);
	t_init(0x202048, 8, 0x203000 | PTE_PRESENT_MASK | (1ull << 40));
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_CR3, 0x202020, 0);
	int j = t_op(OP_CR3, 0x202040, 0);
	int k = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_GP(i) && ONLY_GP(j) && R.cr3 == 0x202000, "PDPTE R/W or bit 40 set: #GP, CR3 kept");
	CHECK(ONLY_TAG(k, FRAME) && E(k)->pdpte[1] == (0x203000 | PTE_PRESENT_MASK), "old PDPTEs still in use");
}

/* Table 4-8: reserved bits of a NOT-present PDPTE are not checked, and
 * bits 11:9 are ignored. */
static void pdpte_rsvd_ok(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_init(0x202028, 8, 0x203000 | PTE_WRITABLE_MASK);
	t_init(0x202030, 8, 0x203000 | PTE_PRESENT_MASK | 0xE00);
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_CR3, 0x202020, 0);
	int j = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_DONE(i), "not-present PDPTE with R/W, PDPTE with 11:9: ok");
	CHECK(ONLY_PF(j, 0, VAPAE), "PDPTE 1 not present: #PF ec=0");
}

/* SDM 4.4.1: entering PAE paging by MOV to CR0 (PG) loads the PDPTEs. */
static void pdpte_load_cr0_pg(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202008, 8, 0x203000 | PTE_PRESENT_MASK | PTE_USER_MASK);
	t_op(OP_CR3, 0x202000, 0);
	t_op(OP_CR4, 0x20, 0);
	int i = t_op(OP_CR0, CR0_PGON, 0);
	t_run();
	CHECK(ONLY_GP(i) && R.cr0 == 0x31, "CR0.PG into PAE with bad PDPTE: #GP, paging stays off");
}

/* SDM 4.4.1: entering PAE from 32-bit paging by MOV to CR4 loads them. */
static void pdpte_load_cr4_pae(void)
{
	for (int bad = 0; bad < 2; bad++) {
		t_begin(START_PM32);
		t_layout32(RW, RW);
		t_init(0x200020, 8, HARNESS_PDPTE_PAE);	/* PDPT at CR3[31:5] */
		t_init(0x200028, 8, 0x203000 | PTE_PRESENT_MASK | (bad ? PTE_WRITABLE_MASK : 0));
		t_init(0x203000, 8, 0x204000 | RW);
		t_init(0x204000, 8, FRAME | RW);
		t_op(OP_CR3, 0x200020, 0);
		t_op(OP_CR0, CR0_PGON, 0);
		int i = t_op(OP_CR4, 0x20, 0);
		int j = t_op(OP_READ, 0, VAPAE);
		t_run();
		if (bad)
			CHECK(ONLY_GP(i) && E(j)->mode == PGM_32, "32-bit -> PAE with bad PDPTE: #GP");
		else
			CHECK(ONLY_DONE(i) && E(i)->pdpte_load && ONLY_TAG(j, FRAME) && R.harness_ok,
			      "32-bit -> PAE by CR4.PAE loads PDPTEs");
	}
}

/* SDM 4.4.1: with PAE paging, MOV to CR4 changing PGE/PSE/SMEP reloads
 * (a bad PDPTE in memory then #GPs); changing SMAP does not (KVM commit
 * 427890aff855, "Toggling CR4.SMAP does not load PDPTEs"). */
static void pdpte_load_cr4_bits(void)
{
	static const uint64_t bit[4] = { 0x80, 0x10, 1u << 20, 1u << 21 };

	for (int b = 0; b < 4; b++) {
		t_pae_case(RW, RW, 0, CR0_PGON);
		t_pte(0x202008, 8, 0x203000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK, 0);
		int i = t_op(OP_CR4, 0x20 | bit[b], 0);
		t_run();
		if (b < 3)
			CHECK(ONLY_GP(i), "CR4 bit 0x%llx change reloads PDPTEs", (unsigned long long)bit[b]);
		else
			CHECK(ONLY_DONE(i) && !E(i)->pdpte_load, "CR4.SMAP change: no PDPTE load");
	}
}

/* SDM 4.4.1: with PAE paging, MOV to CR0 changing CD/NW reloads; WP not. */
static void pdpte_load_cr0_cd(void)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_pte(0x202008, 8, 0x203000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK, 0);
	int i = t_op(OP_CR0, CR0_PGON | (1u << 30), 0);
	int j = t_op(OP_CR0, CR0_WPON, 0);
	t_run();
	CHECK(ONLY_GP(i), "CR0.CD change in PAE reloads PDPTEs (bad -> #GP)");
	CHECK(ONLY_DONE(j) && !E(j)->pdpte_load, "CR0.WP change: no PDPTE load");
}

/* The headline: two PDPTs 32 bytes apart on one page are two address
 * spaces (SDM Table 4-7: CR3[31:5] locates the PDPT). */
static void pae_two_pdpts_one_page(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_init(0x202028, 8, 0x208000 | PTE_PRESENT_MASK);
	t_init(0x208000, 8, 0x209000 | RW);
	t_init(0x209000, 8, FRAME2 | RW);
	t_pae_on(0, CR0_PGON);
	int a = t_op(OP_READ, 0, VAPAE);
	t_op(OP_CR3, 0x202020, 0);
	int b = t_op(OP_READ, 0, VAPAE);
	t_op(OP_CR3, 0x202000, 0);
	int c = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(a, FRAME) && ONLY_TAG(b, FRAME2) && ONLY_TAG(c, FRAME) && R.harness_ok,
	      "CR3 0x202000 vs 0x202020 translate to different frames");
}

int main(void)
{
	cr0_pg_without_pe();
	cr0_nw_without_cd();
	cr0_reserved_ignored();
	cr0_upper_dropped();
	cr0_lm_needs_pae();
	cr0_leave_lm();
	cr4_clear_pae_lm();
	cr4_reserved();
	cr4_high_bits();
	cr4_smep_feature();
	cr4_umip_feature();
	cr3_lm_reserved();
	cr3_legacy_truncated();
	efer_lme_with_pg();
	efer_reserved();
	efer_lma_ignored();
	pdpte_load_cr3_pae();
	pdpte_no_load_cr3_32();
	pdpte_stale_until_reload();
	pdpte_rsvd_gp();
	pdpte_rsvd_ok();
	pdpte_load_cr0_pg();
	pdpte_load_cr4_pae();
	pdpte_load_cr4_bits();
	pdpte_load_cr0_cd();
	pae_two_pdpts_one_page();
	printf("oracle CR/PDPTE cases: %u\n", n_cases);
	return check_summary("test_oracle_cr");
}
