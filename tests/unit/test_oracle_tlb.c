// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle cases: TLB and paging-structure-cache freedom (SDM 4.10, APM
 * 5.5) and the harness checks prog_check() relies on (layout.h).
 */
#include "test_oracle.h"

/* PAE layout + PT[0] of VAPAE rewritten to FRAME2 by a direct store. */
static int remap_pae(uint64_t pte_flags)
{
	t_pae_case(RW, pte_flags, 0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	return t_pte(0x204000, 8, FRAME2 | pte_flags, 0);
}

/* SDM 4.10.4.3 (delayed invalidation): after a PTE write without
 * invalidation the old or the new translation may be used ... */
static void tlb_stale_pte(void)
{
	remap_pae(RW);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_tag(i, FRAME2), "stale PTE: {old, new}");
}

/* ... until INVLPG of that page (SDM 4.10.4.1). */
static void tlb_invlpg(void)
{
	remap_pae(RW);
	t_op(OP_INVLPG, 0, VAPAE);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2), "INVLPG: only the new translation");
}

/* SDM 4.10.4.1: INVLPG of another page leaves this one cached. */
static void tlb_invlpg_other(void)
{
	remap_pae(RW);
	t_op(OP_INVLPG, 0, VAPAE + 0x1000);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2, "INVLPG of the next page: old translation may remain");
}

/* SDM 4.10.4.1: MOV to CR3 invalidates non-global entries. */
static void tlb_cr3_flush(void)
{
	remap_pae(RW);
	t_op(OP_CR3, 0x202000, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2), "MOV CR3 flushes non-global");
}

/* Seen on KVM (seed 23): a PTE toggled P=1 -> 0 -> 1 -> 0 across a MOV
 * CR3; the last present value, overwritten after the MOV CR3, may still
 * be cached even though the same value was also overwritten before it. */
static void tlb_history_recurring_value(void)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_pte(0x204000, 8, FRAME | PTE_WRITABLE_MASK, 0);		/* P cleared */
	t_op(OP_CR3, 0x202000, 0);
	t_pte(0x204000, 8, FRAME | RW, 0);		/* present again */
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x204000, 8, FRAME | PTE_WRITABLE_MASK, 0);		/* cleared, no INVLPG */
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_pf(i, 0, VAPAE), "recurring value: latest overwrite counts");
}

/* SDM 4.10.2.4: global translations (G = 1, CR4.PGE = 1) survive CR3. */
static void tlb_global_survives_cr3(void)
{
	t_pae_case(RW, RW | PTE_GLOBAL_MASK, 0x80, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x204000, 8, FRAME2 | RW | PTE_GLOBAL_MASK, 0);
	t_op(OP_CR3, 0x202000, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME), "global entry survives MOV CR3");
}

/* Without CR4.PGE the G bit means nothing: CR3 flushes it. */
static void tlb_g_without_pge(void)
{
	t_pae_case(RW, RW | PTE_GLOBAL_MASK, 0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x204000, 8, FRAME2 | RW | PTE_GLOBAL_MASK, 0);
	t_op(OP_CR3, 0x202000, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2), "G without PGE: flushed by MOV CR3");
}

/* SDM 4.10.4.1: MOV to CR4 that changes PGE flushes globals too. */
static void tlb_pge_toggle(void)
{
	t_pae_case(RW, RW | PTE_GLOBAL_MASK, 0x80, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x204000, 8, FRAME2 | RW | PTE_GLOBAL_MASK, 0);
	t_op(OP_CR4, 0x20, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2), "PGE toggle flushes global entries");
}

/* SDM 4.10.4.1: MOV to CR0 that changes PG flushes everything. */
static void tlb_pg_toggle(void)
{
	remap_pae(RW);
	t_op(OP_CR0, 0x31, 0);
	t_op(OP_CR0, CR0_PGON, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2) && R.harness_ok, "paging off/on flushes");
}

/* SDM 4.10.3: paging-structure caches may keep a stale PDE: the walk
 * may continue through the old page table. */
static void tlb_stale_pde(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x209000, 8, FRAME2 | RW);
	t_pae_on(0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	t_pte(0x203000, 8, 0x209000 | RW, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_op(OP_INVLPG, 0, VAPAE);
	int j = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_tag(i, FRAME2), "stale PDE: old or new PT");
	CHECK(ONLY_TAG(j, FRAME2), "INVLPG drops the PDE-cache entry too");
}

/* SDM 4.10.2.3 / 4.10.3.1: no TLB entry for a translation that faulted
 * (P = 0): making it present needs no invalidation. */
static void tlb_not_present_not_cached(void)
{
	int i = t_pae_stale(0, CR0_PGON, OP_READ, FRAME | RW);
	CHECK(ONLY_TAG(i, FRAME), "not-present is never cached");
}

/* SDM 4.10.4.3: stale permissions: R/W -> R/O without INVLPG, the write
 * may still succeed or fault. */
static void tlb_stale_rights(void)
{
	int i = t_pae_stale(RW, CR0_WPON, OP_WRITE, FRAME | PTE_PRESENT_MASK);
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_pf(i, 0x3, VAPAE) && R.harness_ok,
	      "stale R/W: {done, #PF P|W}");
}

/* SDM 4.10.4.1: setting CR4.SMEP flushes non-global entries. */
static void tlb_smep_set(void)
{
	remap_pae(RW);
	t_op(OP_CR4, 0x20 | (1u << 20), 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_TAG(i, FRAME2), "CR4.SMEP 0->1 flushes");
}

/* SDM 4.10.2.3: translations may be cached speculatively, for VAs never
 * accessed (KVM prefetches neighbouring PTEs): a PTE rewritten without
 * INVLPG may yield its old value even on the first access ... */
static void tlb_speculative(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x204008, 8, FRAME2 | RW);
	t_pae_on(0, CR0_PGON);
	t_pte(0x204008, 8, 0x700000 | RW, 0);
	int i = t_op(OP_READ, 0, VAPAE + 0x1000);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME2) && has_tag(i, 0x700000),
	      "never-probed VA: old and new PTE both allowed");
}

/* ... but nothing written before the last MOV CR3 survives unless global. */
static void tlb_history_cut_by_cr3(void)
{
	for (int g = 0; g < 2; g++) {
		t_pae_case(RW, RW | (g ? PTE_GLOBAL_MASK : 0), 0x80, CR0_PGON);
		t_pte(0x204000, 8, FRAME2 | RW | (g ? PTE_GLOBAL_MASK : 0), 0);
		t_op(OP_CR3, 0x202000, 0);
		int i = t_op(OP_READ, 0, VAPAE);
		t_run();
		if (g)
			CHECK(nout(i) == 2 && has_tag(i, FRAME), "global old PTE survives MOV CR3");
		else
			CHECK(ONLY_TAG(i, FRAME2), "non-global old PTE gone after MOV CR3");
	}
}

/* SDM 4.10.4.1 lists no flush for CR4.PSE: a 4 MiB translation cached
 * before PSE was cleared may still be used (and the PT reading too). */
static void tlb_pse_change(void)
{
	t_begin(START_PM32);
	CPU.strict = ORACLE_STRICT_PSE;		/* the SDM rule, not KVM's */
	t_layout32(RW, RW);
	t_init(0x200004, 4, 0x800000 | RW | PTE_LARGE_MASK);
	t_op(OP_CR4, 0x10, 0);
	t_pg32_on(CR0_PGON);
	t_op(OP_CR4, 0, 0);
	int i = t_op(OP_READ, 0, VA32);
	t_op(OP_CR3, 0x200000, 0);
	int j = t_op(OP_READ, 0, VA32);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, 0x800000) && has_pf(i, 0, VA32), "PSE cleared: {4 MiB, PT walk}");
	CHECK(ONLY_PF(j, 0, VA32), "after MOV CR3 only the PT reading");
}

/* EFER.NXE 1 -> 0 flushes nothing: a translation cached with XD may be
 * used, besides the fresh walk's reserved-bit fault (SDM 4.10.2.3). */
static void tlb_nxe_clear(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW | PTE_NX_MASK);
	t_op(OP_EFER, 0x800, 0);
	t_pae_on(0, CR0_PGON);
	t_op(OP_EFER, 0, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_tag(i, FRAME) && has_pf(i, 0x9, VAPAE), "NXE cleared: {XD entry, RSVD}");
}

/* Seen on stock 6.1 KVM (random program, seed 7): a PTE cached while
 * EFER.NXE = 1, then NXE cleared, then the PTE made not-present without
 * INVLPG: the old translation may still be used (SDM 4.10.4.3), read
 * under the NXE = 1 it was cached with. */
static void tlb_history_nxe(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW | PTE_NX_MASK);
	t_op(OP_EFER, 0x800, 0);
	t_pae_on(0, CR0_PGON);
	t_op(OP_WRITE, 0, VAPAE);
	t_op(OP_EFER, 0, 0);
	t_pte(0x204000, 8, FRAME | PTE_WRITABLE_MASK | PTE_NX_MASK, 0);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 2 && has_pf(i, 0, VAPAE) && has_tag(i, FRAME),
	      "old PTE cached under NXE=1 after NXE cleared: {#PF, old frame}");
}

/* ORACLE_STRICT_NX (mmu.c: root_role.efer_nx = true): with the
 * quirk a bit-63 entry read under NXE = 1 may keep translating after NXE
 * is cleared and CR3 reloaded (seen on stock KVM, seed 9, Intel
 * profile); judged strictly by SDM 4.10.4.1 it must #PF(RSVD). */
static void quirk_sticky_nx(void)
{
	for (int strict = 0; strict < 2; strict++) {
		t_begin(START_LM64);
		if (strict)
			CPU.strict = ORACLE_STRICT_NX;
		t_layoutlm(RW, RW, RW, RW | PTE_NX_MASK);
		t_op(OP_EFER, 0xD00, 0);
		t_op(OP_READ, 0, VALM);
		t_op(OP_EFER, 0x500, 0);
		t_op(OP_CR3, LAYOUT_LOW_PML4, 0);
		int i = t_op(OP_READ, 0, VALM);
		t_run();
		if (strict)
			CHECK(ONLY_PF(i, 0x9, VALM), "strict SDM: NXE cleared + MOV CR3: bit 63 reserved");
		else
			CHECK(nout(i) == 2 && has_pf(i, 0x9, VALM) && has_tag(i, FRAME),
			      "KVM sticky NX quirk: {RSVD, XD translation}");
	}
}

/* ORACLE_STRICT_PSE (kvm_mmu_page_role has no PSE bit): after PSE is
 * cleared and paging toggled (a full flush, SDM 4.10.4.1) the SDM allows
 * only the page-table reading of a PS = 1 PDE; stock KVM was seen using
 * the old 4 MiB one (random program, seed 11), accepted unless strict. */
static void quirk_sticky_pse(void)
{
	for (int strict = 0; strict < 2; strict++) {
		t_begin(START_PM32);
		if (strict)
			CPU.strict = ORACLE_STRICT_PSE;
		t_layout32(RW, RW);
		t_init(0x200004, 4, 0x800000 | RW | PTE_LARGE_MASK);
		t_op(OP_CR4, 0x10, 0);
		t_pg32_on(CR0_PGON);
		t_op(OP_READ, 0, VA32);
		t_op(OP_CR4, 0, 0);
		t_op(OP_CR0, 0x31, 0);
		t_op(OP_CR0, CR0_PGON, 0);
		int i = t_op(OP_READ, 0, VA32);
		t_run();
		if (strict)
			CHECK(ONLY_PF(i, 0, VA32), "strict SDM: after PSE=0 + flush only the PT reading");
		else
			CHECK(nout(i) == 2 && has_pf(i, 0, VA32) && has_tag(i, 0x800000),
			      "KVM sticky PSE: {PT reading, old 4 MiB page}");
	}
}

/* Seen on stock KVM (seed 67, Intel profile): a bit-63 PTE read under
 * NXE = 1, NXE cleared, MOV CR3 (KVM keeps the entry: sticky NX), then
 * the PTE made not-present without INVLPG: the stale frame may show. */
static void quirk_sticky_nx_then_stale(void)
{
	for (int strict = 0; strict < 2; strict++) {
		t_begin(START_LM64);
		if (strict)
			CPU.strict = ORACLE_STRICT_NX;
		t_layoutlm(RW, RW, RW, RW | PTE_NX_MASK);
		t_op(OP_EFER, 0xD00, 0);
		t_op(OP_READ, 0, VALM);
		t_op(OP_EFER, 0x500, 0);
		t_op(OP_CR3, LAYOUT_LOW_PML4, 0);
		t_pte(0x207000, 8, FRAME | PTE_WRITABLE_MASK | PTE_NX_MASK, 0);
		int i = t_op(OP_READ, 0, VALM);
		t_run();
		if (strict)
			CHECK(ONLY_PF(i, 0, VALM), "strict: flushed by MOV CR3, only the fresh #PF");
		else
			CHECK(nout(i) == 2 && has_pf(i, 0, VALM) && has_tag(i, FRAME),
			      "sticky NX then stale PTE: {#PF, old frame}");
	}
}

/* layout.h: direct stores may not change harness entries of the fixed
 * tables; free entries are fine. */
static void harness_protected_store(void)
{
	t_begin(START_PM32);
	int i = t_pte(LAYOUT_LOW_PT32 + 8, 4, 0, 0);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == i, "store into LOW_PT32: harness broken");
	t_begin(START_PM32);
	t_pte(LAYOUT_LOW_PD64 + 16, 8, 0x204000 | RW, 0);
	t_pte(LAYOUT_LOW_PT32 + 8, 4, HARNESS_PTE32(2), 0);	/* same value: no change */
	t_run();
	CHECK(R.harness_ok, "store into free LOW_PD64[2], same-value harness store: fine");
}

/* layout.h: stores only into the arena and the fixed tables. */
static void harness_store_outside(void)
{
	t_begin(START_PM32);
	int i = t_pte(LAYOUT_SCRATCH_BASE, 4, 1, 0);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == i, "store to stub memory: harness broken");
	t_begin(START_PM32);
	t_init(LAYOUT_LOW_PML4, 8, 0);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == -1, "init store into a harness entry: broken");
}

/* layout.h: the top-level table in use carries the mode's harness entry. */
static void harness_top_entry(void)
{
	t_begin(START_PM32);
	t_op(OP_CR3, 0x210000, 0);
	int i = t_op(OP_CR0, CR0_PGON, 0);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == i, "32-bit PD without harness PDE 0");
	t_begin(START_LM64);
	t_init(0x210000, 8, HARNESS_PML4E);
	t_op(OP_CR3, 0x210000, 0);
	i = t_op(OP_READ, 0, 0x500000);
	t_run();
	CHECK(R.harness_ok && ONLY_PF(i, 0, 0x500000), "PML4 with harness entry 0: fine, VA 5 MiB unmapped");
}

/* layout.h: a fetch must land on a data frame. */
static void harness_fetch_target(void)
{
	t_pae_alias_case(RW);
	int i = t_op(OP_FETCH, 0, VAPAE + 0x1000);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == i, "fetch from a page table: harness broken");
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_op(OP_FETCH, 0, VAPAE);
	t_run();
	CHECK(R.harness_ok, "fetch from a data frame: fine");
}

/* The stub runs in protected mode: CR0.PE = 0 breaks it. */
static void harness_real_mode(void)
{
	int i = t_one_op(START_PM32, OP_CR0, 0x30);
	CHECK(!R.harness_ok && R.harness_op == i, "CR0.PE = 0 breaks the harness");
}

/* An alias store (OP_PTE via VA) is an ordinary write: it walks, and an
 * unambiguous one changes the table. */
static void alias_store(void)
{
	t_begin(START_PM32);
	t_layout32(RW, RW);
	t_init(0x201004, 4, 0x201000 | RW);		/* VA32+0x1000 -> the PT */
	t_pg32_on(CR0_PGON);
	int s = t_pte(0x201000, 4, FRAME2 | RW, VA32 + 0x1000);
	t_op(OP_INVLPG, 0, VA32);
	int i = t_op(OP_READ, 0, VA32);
	t_run();
	CHECK(ONLY_DONE(s) && ONLY_TAG(i, FRAME2) && R.harness_ok, "alias store rewrites the PTE");
}

/* ... and through a read-only alias with WP = 1 it faults (P|W) and
 * changes nothing. */
static void alias_store_ro(void)
{
	t_begin(START_PM32);
	t_layout32(RW, RW);
	t_init(0x201004, 4, 0x201000 | PTE_PRESENT_MASK);
	t_pg32_on(CR0_WPON);
	int s = t_pte(0x201000, 4, FRAME2 | RW, VA32 + 0x1000);
	int i = t_op(OP_READ, 0, VA32);
	t_run();
	CHECK(ONLY_PF(s, 0x3, VA32 + 0x1000) && ONLY_TAG(i, FRAME) && R.harness_ok,
	      "alias store through R/O mapping faults, table unchanged");
}

/* Seen on KVM in the TCG test VM (seed 13): an 8-byte alias store in
 * 32-bit code is LOCK CMPXCHG8B; on a not-present page its read may
 * fault first (W = 0) or its write (W = 1).  On a readable R/O page only
 * the write can fault.  A 64-bit-code store (plain MOV) is always W = 1. */
static void alias_store_cmpxchg8b(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x204008, 8, 0);				/* VAPAE+0x1000 not present */
	t_init(0x204010, 8, 0x204000 | PTE_PRESENT_MASK);		/* VAPAE+0x2000 R/O alias */
	t_pae_on(0, CR0_WPON);
	int a = t_pte(0x204000, 8, FRAME2 | RW, VAPAE + 0x1000);
	int b = t_pte(0x204000, 8, FRAME2 | RW, VAPAE + 0x2000);
	int c = t_pte(0x204000, 4, FRAME2 | RW, VAPAE + 0x1000);
	t_run();
	CHECK(nout(a) == 2 && has_pf(a, 0x2, VAPAE + 0x1000) && has_pf(a, 0x0, VAPAE + 0x1000),
	      "CMPXCHG8B on not-present: W either");
	CHECK(ONLY_PF(b, 0x3, VAPAE + 0x2000), "CMPXCHG8B on R/O: W=1");
	CHECK(ONLY_PF(c, 0x2, VAPAE + 0x1000), "4-byte MOV on not-present: W=1");
	t_begin(START_LM64);
	t_layoutlm(RW, RW, RW, RW);
	a = t_pte(0x207000, 8, FRAME2 | RW, VALM + 0x1000);
	t_run();
	CHECK(ONLY_PF(a, 0x2, VALM + 0x1000), "64-bit MOV on not-present: W=1");
}

/* An alias store whose translation is stale-ambiguous cannot be followed
 * by the model: prog_check must reject it. */
static void alias_store_ambiguous(void)
{
	t_begin(START_PM32);
	t_layout32(RW, RW);
	t_init(0x201004, 4, 0x201000 | RW);
	t_init(0x201008, 4, 0x202000 | RW);
	t_pg32_on(CR0_PGON);
	t_pte(0x201000, 4, FRAME | RW, VA32 + 0x1000);	/* caches alias -> 0x201000 */
	t_pte(0x201004, 4, 0x202000 | RW, 0);		/* remap alias, no INVLPG */
	int s = t_pte(0x201000, 4, FRAME2 | RW, VA32 + 0x1000);
	t_run();
	CHECK(!R.harness_ok && R.harness_op == s, "alias store through stale alias: rejected");
}

/* Reads of other harness memory: value not modelled; beyond RAM: MMIO. */
static void probe_classes(void)
{
	t_begin(START_PM32);
	t_layout32(RW, RW);
	t_init(0x201004, 4, LAYOUT_SCRATCH_BASE | RW);
	t_init(0x201008, 4, 0x3000000 | RW);
	t_pg32_on(CR0_PGON);
	int i = t_op(OP_READ, 0, VA32 + 0x1000);
	int j = t_op(OP_READ, 0, VA32 + 0x2010);
	t_run();
	CHECK(nout(i) == 1 && E(i)->out[0].kind == OUT_ANY_VALUE, "stub memory: any value");
	CHECK(nout(j) == 1 && has_mmio(j, 0x3000010), "unbacked gpa: MMIO with gpa");
}

int main(void)
{
	tlb_stale_pte();
	tlb_invlpg();
	tlb_invlpg_other();
	tlb_cr3_flush();
	tlb_global_survives_cr3();
	tlb_history_recurring_value();
	tlb_g_without_pge();
	tlb_pge_toggle();
	tlb_pg_toggle();
	tlb_stale_pde();
	tlb_not_present_not_cached();
	tlb_stale_rights();
	tlb_smep_set();
	tlb_speculative();
	tlb_history_cut_by_cr3();
	tlb_pse_change();
	tlb_nxe_clear();
	tlb_history_nxe();
	quirk_sticky_nx();
	quirk_sticky_pse();
	quirk_sticky_nx_then_stale();
	harness_protected_store();
	harness_store_outside();
	harness_top_entry();
	harness_fetch_target();
	harness_real_mode();
	alias_store();
	alias_store_ro();
	alias_store_cmpxchg8b();
	alias_store_ambiguous();
	probe_classes();
	printf("oracle TLB/harness cases: %u\n", n_cases);
	return check_summary("test_oracle_tlb");
}
