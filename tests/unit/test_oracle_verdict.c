// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle cases: oracle_verdict() flags an observation only when it lies
 * outside the allowed set, names the op, the vendor profile and carries
 * the walk; and the human output is what a KVM developer reads.
 */
#include <stdlib.h>
#include "test_oracle.h"

static struct run_obs OBS;


/* The stale-PTE program of SDM 4.10.4.3: read may see old or new. */
static int stale_program(void)
{
	return t_pae_stale(RW, CR0_PGON, OP_READ, FRAME2 | RW);
}

/* Every member of the allowed set is accepted (SDM 4.10.4.3 freedom). */
static void verdict_accepts_set(void)
{
	stale_program();
	t_observe(&OBS, &R, 0);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "first allowed outcome accepted");
	t_observe(&OBS, &R, 1);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "second allowed outcome accepted");
}

/* An observation outside the set is a violation with op, vendor, walk. */
static void verdict_flags_outside(void)
{
	struct verdict v;
	int i = stale_program();

	t_observe(&OBS, &R, 0);
	OBS.ops[i].value = READ_TAG(0x700);	/* a frame no translation reaches */
	CHECK(oracle_verdict(&P, &R, &OBS, &v) == 1 && v.n == 1 && v.v[0].op == i,
	      "wrong frame flagged at op %d", i);
	CHECK(strstr(v.v[0].what, "AMD") && v.v[0].expect.n_walk == 3 &&
	      v.v[0].expect.n_out == 2 && v.v[0].observed.value == READ_TAG(0x700),
	      "violation names the profile, carries set, observation, walk: %s", v.v[0].what);
}

/* SDM 4.8: A/D bits seen through an alias are not judged. */
static void verdict_ad_masked(void)
{
	t_pae_alias_case(RW);
	t_op(OP_READ, 0, VAPAE);
	int i = t_op(OP_READ, 0, VAPAE + 0x1000);
	t_run();
	t_observe(&OBS, &R, 0);
	OBS.ops[i].value = FRAME | RW | PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "A bit set in PTE read: accepted");
	OBS.ops[i].value = FRAME | PTE_PRESENT_MASK | PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "R/W bit lost in PTE read: flagged");
}

/* #PF must match vector, error code and CR2 (SDM 4.7). */
static void verdict_pf_fields(void)
{
	t_32_case(RW, 0, CR0_PGON);
	int i = t_op(OP_READ, 0, VA32 + 8);
	t_run();
	t_observe(&OBS, &R, 0);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "exact #PF accepted");
	OBS.ops[i].cr2 = VA32;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "wrong CR2 flagged");
	t_observe(&OBS, &R, 0);
	OBS.ops[i].error_code = 0x8;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "wrong error code flagged");
	t_observe(&OBS, &R, 0);
	OBS.ops[i].status = OPS_DONE;
	OBS.ops[i].value = READ_TAG(0x500);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "missing #PF flagged");
}

/* A #GP the model predicts must happen, and the final state must match
 * (SDM 4.4.1: the faulting MOV CR3 changes nothing). */
static void verdict_gp_and_final_state(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, RW);
	t_init(0x202020, 8, HARNESS_PDPTE_PAE);
	t_init(0x202028, 8, 0x203000 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK);
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_CR3, 0x202020, 0);
	t_run();
	t_observe(&OBS, &R, 0);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "predicted #GP observed: fine");
	OBS.ops[i].status = OPS_DONE;
	OBS.cr3 = 0x202020;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 2, "MOV CR3 accepted bad PDPTE: op + final CR3");
}

/* Run-level outcomes: the model never predicts a shutdown; a refused run
 * has nothing to judge; a completed run must report every op. */
static void verdict_run_exits(void)
{
	stale_program();
	t_observe(&OBS, &R, 0);
	OBS.exit = RUN_SHUTDOWN;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) >= 1, "shutdown flagged");
	OBS.exit = RUN_REFUSED;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "refused: not judged");
	t_observe(&OBS, &R, 0);
	OBS.ops[2].status = OPS_NOT_RUN;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "completed run missing an op flagged");
}

/* Ops the model cannot bound are not judged. */
static void verdict_unbounded(void)
{
	int i = t_one_op(START_PM32, OP_EFER, 1u << 13);
	t_observe(&OBS, &R, 0);
	OBS.ops[i].status = OPS_EXCEPTION;
	OBS.ops[i].vector = 13;
	CHECK(E(i)->unbounded && !R.harness_ok && oracle_verdict(&P, &R, &OBS, NULL) == 0,
	      "EFER.LMSLE: unbounded, not judged, program rejected");
}

/* Final arena: the model's stores exactly; A/D bits required where a
 * walk certainly set them (SDM 4.8), free where one may have. */
static void verdict_arena(void)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_op(OP_WRITE, 0, VAPAE);
	t_pte(0x204008, 8, FRAME2 | RW, 0);
	t_run();
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	uint64_t pte = FRAME2 | RW;
	memcpy(OBS.arena + 0x4008, &pte, 8);
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK | PTE_DIRTY_MASK;		/* CPU set A/D on PT[0] */
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;			/* and A on PD[0] */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "arena as modelled (A/D set): accepted");
	/* SDM 4.8: the write completed through its only translation, so A
	 * on every entry of the walk and D on the leaf are required. */
	OBS.arena[0x4000] &= ~PTE_DIRTY_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "D missing on the written PTE flagged");
	OBS.arena[0x4000] |= PTE_DIRTY_MASK;
	OBS.arena[0x3000] &= ~PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "A missing on the walked PDE flagged");
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;
	OBS.arena[0x4009] ^= 0x10;			/* PT[1] frame bit 12 flipped */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "arena word differing outside A/D: flagged");
	OBS.arena[0x4009] ^= 0x10;
	OBS.arena[0x4008] &= ~PTE_WRITABLE_MASK;			/* the store lost its R/W bit */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "lost store bits flagged");
	OBS.arena[0x4008] |= PTE_WRITABLE_MASK;
	/* SDM 4.8: PT[1] (VAPAE+0x1000) was never used: no A; the CPU never
	 * sets A/D in PAE PDPTEs (bit 5 is reserved there, Table 4-8). */
	OBS.arena[0x4008] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "A set on a never-walked PTE flagged");
	OBS.arena[0x4008] &= ~PTE_ACCESSED_MASK;
	OBS.arena[0x2008] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "A set in a PDPTE flagged");
	OBS.arena[0x2008] &= ~PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "A/D back as modelled: accepted");
}

/* SDM 4.8: a write probe through a table mapped onto itself (PT[1] ->
 * the PT's own page; the probe's dword is PT[1]'s low half).  The probe
 * loads the dword and stores it back (stub.S), so the D bit the store's
 * walk sets in PT[1] is overwritten by the value loaded before it: PT[1]
 * ends with A (set by the load's walk) and without D.  A write elsewhere
 * keeps D required (verdict_arena). */
static void verdict_arena_self_leaf(void)
{
	t_pae_case(RW, RW, 0, CR0_PGON);
	t_init(0x204008, 8, 0x204000 | RW);		/* PT[1] -> the PT itself */
	int i = t_op(OP_WRITE, 0, VAPAE + 0x1008);	/* lands on PT[1] */
	t_run();
	CHECK(nout(i) == 1 && R.harness_ok, "write through a self-mapped PT: one outcome");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;		/* PD[0] */
	OBS.arena[0x4008] |= PTE_ACCESSED_MASK;		/* PT[1]: the load's walk */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0,
	      "self-mapped leaf: the stored-back dword clears the D the store's walk set");
	OBS.arena[0x4008] |= PTE_DIRTY_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1,
	      "self-mapped leaf: D surviving the store back flagged");
	OBS.arena[0x4008] &= ~(PTE_DIRTY_MASK | PTE_ACCESSED_MASK);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "self-mapped leaf: A of the load's walk required");
}

/* SDM 4.8 requires D on the leaf of a write; KVM's emulator writes MMIO
 * through the translation cached at the page's first MMIO fault and sets
 * none (oracle.h ORACLE_STRICT_MMIO_D): free by default under shadow
 * paging, required with the strict bit. */
static void verdict_arena_mmio_d(void)
{
	t_begin(START_PM32);
	t_init(0x202000, 8, HARNESS_PDPTE_PAE);
	t_init(0x202008, 8, 0x203000 | PTE_PRESENT_MASK);
	t_init(0x203000, 8, 0x204000 | RW);
	t_init(0x204000, 8, 0x3000000 | RW);		/* PT[0] -> beyond RAM */
	t_pae_on(0, CR0_PGON);
	t_op(OP_READ, 0, VAPAE);
	int i = t_op(OP_WRITE, 0, VAPAE);
	t_run();
	CHECK(nout(i) == 1 && has_mmio(i, 0x3000000), "write probe to a frame beyond RAM: MMIO");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK;		/* the read's walk; no D */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "MMIO write without D: KVM's deviation accepted");
	OBS.arena[0x4000] |= PTE_DIRTY_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "MMIO write with D: accepted");
	OBS.arena[0x4000] &= ~PTE_DIRTY_MASK;
	CPU.strict |= ORACLE_STRICT_MMIO_D;
	t_run();
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "ORACLE_STRICT_MMIO_D: MMIO write without D flagged");
	CPU.strict &= ~ORACLE_STRICT_MMIO_D;
}

/* SDM 4.8 / 4.10.2.3: where the access may have used a cached
 * translation of an older entry value, the walk's A/D bits stay free. */
static void verdict_arena_ad_free(void)
{
	int i = t_pae_stale(RW, CR0_PGON, OP_READ, FRAME2 | RW);	/* no INVLPG */

	CHECK(nout(i) == 2 && R.harness_ok, "read after a PTE change: old or new frame");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	uint64_t pte = FRAME2 | RW;
	memcpy(OBS.arena + 0x4000, &pte, 8);
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;			/* the first read set it */
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "stale-capable read: no A required");
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "stale-capable read: A allowed");
	OBS.arena[0x4000] |= PTE_DIRTY_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "D without a write flagged");
	OBS.arena[0x4000] &= ~PTE_DIRTY_MASK;
	OBS.arena[0x3000] &= ~PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "A of the first, certain walk still required");
}

/* SDM 4.8 sets A for entries a translation uses; for a walk that faults
 * the manuals do not require it (TCG sets A on the way down, KVM's
 * walker sets none): free on the PDE, never on the not-present PTE. */
static void verdict_arena_fault_walk(void)
{
	t_begin(START_PM32);
	t_layoutpae(RW, 0);				/* PT[0] not present */
	t_pae_on(0, CR0_PGON);
	int i = t_op(OP_READ, 0, VAPAE);
	t_run();
	CHECK(ONLY_PF(i, 0, VAPAE), "read of a not-present page: #PF");
	t_observe(&OBS, &R, 0);
	t_observe_arena(&OBS);
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "faulting walk: no A required (KVM)");
	OBS.arena[0x3000] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 0, "faulting walk: A on the PDE allowed (TCG)");
	OBS.arena[0x4000] |= PTE_ACCESSED_MASK;
	CHECK(oracle_verdict(&P, &R, &OBS, NULL) == 1, "A on the not-present PTE flagged");
}

static char *capture(void (*fn)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

static struct verdict VD;

static void print_expect_fn(FILE *f) { oracle_print_expect(f, &P, &R); }
static void print_violation_fn(FILE *f) { oracle_print_violation(f, &P, &VD.v[0]); }
static void print_walk_fn(FILE *f) { oracle_print_walk(f, &R.ops[P.n_ops - 1]); }

/* Output: one line per op with mode and allowed set; the walk on request. */
static void print_output(void)
{
	stale_program();
	char *t = capture(print_expect_fn);
	char *w = capture(print_walk_fn);

	CHECK(t && strstr(t, "profile AMD,") && strstr(t, "read 0x40000000") && strstr(t, " pae ") &&
	      strstr(t, "ok val=0x000500b8") && strstr(t, "ok val=0x000600b8"),
	      "print_expect:\n%s", t ? t : "(null)");
	CHECK(w && strstr(w, "PDPTE-reg") && strstr(w, "0x00204000[  0]"), "print_walk:\n%s",
	      w ? w : "(null)");
	free(t);
	free(w);

	int i = stale_program();
	t_observe(&OBS, &R, 0);
	OBS.ops[i].value = READ_TAG(0x700);
	CHECK(oracle_verdict(&P, &R, &OBS, &VD) == 1, "violation for the report");
	char *v = capture(print_violation_fn);
	CHECK(v && strstr(v, "VIOLATION op 5") && strstr(v, "AMD profile") &&
	      strstr(v, "allowed:  {ok val=0x000600b8") && strstr(v, "| ok val=0x000500b8") && strstr(v, "observed: ok val=0x000700b8") &&
	      strstr(v, "L1 PTE"), "print_violation:\n%s", v ? v : "(null)");
	free(v);
}

int main(void)
{
	verdict_accepts_set();
	verdict_flags_outside();
	verdict_ad_masked();
	verdict_pf_fields();
	verdict_gp_and_final_state();
	verdict_run_exits();
	verdict_unbounded();
	verdict_arena();
	verdict_arena_ad_free();
	verdict_arena_self_leaf();
	verdict_arena_mmio_d();
	verdict_arena_fault_walk();
	print_output();
	printf("oracle verdict cases: %u\n", n_cases);
	return check_summary("test_oracle_verdict");
}
