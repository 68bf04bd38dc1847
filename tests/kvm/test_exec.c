// SPDX-License-Identifier: GPL-2.0
/*
 * The executor and the guest stub on a real /dev/kvm: every paging mode
 * the host's KVM can run, the transitions between them, exceptions, MMIO,
 * VM reuse (1,000 identical runs), the watchdog, triple faults, refusals.
 *
 * Without /dev/kvm (the build host) the KVM part cannot run: the test
 * says so and why, and runs only the parts that need no KVM.  In the test
 * VM (make check-exec-vm) everything runs.
 *
 *   test_exec [--repeat N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/check.h"
#include "harness/exec/executor.h"
#include "kvm-guest/stub_abi.h"

#define A		LAYOUT_ARENA_BASE
#define CR0_PM		STUB_START_CR0_PM32
#define CR0_PG		(STUB_START_CR0_PM32 | STUB_CR0_PG)
#define CR0_WP		((unsigned)X86_CR0_WP)
#define RW		(PTE_PRESENT_MASK | PTE_WRITABLE_MASK)
#define RTAG(g)		((uint64_t)READ_TAG(g))
#define FTAG(g)		((uint64_t)FETCH_TAG(g))

static struct run_obs obs, obs2;

/* One op's outcome: status, then value or vector/error/cr2. */
#define CHECK_DONE(o, i, val)						\
	CHECK((o)->ops[i].status == OPS_DONE && (o)->ops[i].value == (val),	\
	      "op %d: want done 0x%llx, got status %u value 0x%llx vector %u err 0x%x", \
	      i, (unsigned long long)(val), (o)->ops[i].status,		\
	      (unsigned long long)(o)->ops[i].value, (o)->ops[i].vector, (o)->ops[i].error_code)
#define CHECK_EXC(o, i, vec, err, addr)					\
	CHECK((o)->ops[i].status == OPS_EXCEPTION && (o)->ops[i].vector == (vec) && \
	      (o)->ops[i].error_code == (err) && (o)->ops[i].cr2 == (addr), \
	      "op %d: want vector %u err 0x%x cr2 0x%llx, got status %u vector %u err 0x%x cr2 0x%llx", \
	      i, vec, err, (unsigned long long)(addr), (o)->ops[i].status, \
	      (o)->ops[i].vector, (o)->ops[i].error_code, (unsigned long long)(o)->ops[i].cr2)

static int run_ok(struct executor *ex, const struct program *p, struct run_obs *o, const char *name)
{
	int r = executor_run(ex, p, o);

	CHECK(r == 0 && o->exit == RUN_COMPLETED && o->n_ops == p->n_ops,
	      "%s: r=%d exit %s n_ops %u/%u: %s", name, r, run_exit_name(o->exit),
	      o->n_ops, p->n_ops, o->detail);
	return r == 0 && o->exit == RUN_COMPLETED;
}

static void prog_off(struct program *p)
{
	prog_init_empty(p);
	prog_add_op(p, OP_READ, 0, 0x400000);			/* 0 */
	prog_add_op(p, OP_FETCH, 0, 0x401000);			/* 1 */
	prog_add_op(p, OP_WRITE, 0, 0x402008);			/* 2 */
	prog_add_op(p, OP_READ, 0, LAYOUT_MEM_SIZE);		/* 3: MMIO */
	prog_add_op(p, OP_CR4, 1ull << 31, 0);			/* 4: reserved -> #GP */
	prog_add_op(p, OP_READ, 0, 0x1fff000);			/* 5: last frame */
}

static void test_off(struct executor *ex)
{
	struct program p;

	prog_off(&p);
	if (!run_ok(ex, &p, &obs, "paging off"))
		return;
	CHECK_DONE(&obs, 0, RTAG(0x400));
	CHECK_DONE(&obs, 1, FTAG(0x401));
	CHECK_DONE(&obs, 2, RTAG(0x402));
	CHECK(obs.ops[3].status == OPS_MMIO && obs.ops[3].mmio_gpa == LAYOUT_MEM_SIZE &&
	      obs.ops[3].value == 0xffffffffu, "MMIO: status %u gpa 0x%llx value 0x%llx",
	      obs.ops[3].status, (unsigned long long)obs.ops[3].mmio_gpa,
	      (unsigned long long)obs.ops[3].value);
	CHECK_EXC(&obs, 4, 13, 0, 0);
	CHECK_DONE(&obs, 5, RTAG(0x1fff));
	CHECK(obs.cr0 == CR0_PM && obs.efer == 0 && obs.has_arena, "final cr0 0x%llx efer 0x%llx",
	      (unsigned long long)obs.cr0, (unsigned long long)obs.efer);
}

/* A guest store into a data frame must not survive into the next run. */
static void test_data_reset(struct executor *ex)
{
	struct program p;

	prog_init_empty(&p);
	p.n_prefault = 1;
	p.prefault[0] = (struct prog_prefault){ .gfn = 0x451, .count = 2 };
	prog_add_pte(&p, 0x450000, 4, 0x12345678, 0);
	prog_add_op(&p, OP_READ, 0, 0x450000);
	prog_add_pte(&p, 0x451008, 8, 0x1122334455667788ull, 0);
	prog_add_op(&p, OP_READ, 0, 0x45100c);
	if (!run_ok(ex, &p, &obs, "data write"))
		return;
	CHECK_DONE(&obs, 1, 0x12345678);
	CHECK_DONE(&obs, 3, 0x11223344);
	prog_init_empty(&p);
	prog_add_op(&p, OP_READ, 0, 0x450000);
	prog_add_op(&p, OP_READ, 0, 0x451008);
	if (!run_ok(ex, &p, &obs, "data after reset"))
		return;
	CHECK_DONE(&obs, 0, RTAG(0x450));
	CHECK_DONE(&obs, 1, RTAG(0x451));
}

static void test_32(struct executor *ex)
{
	struct program p;
	const uint64_t pt = A + 0x1000;

	prog_init_empty(&p);
	prog_add_init(&p, A, 4, HARNESS_PDE32);
	prog_add_init(&p, A + 4, 4, pt | RW);			/* VA 4M..8M */
	prog_add_init(&p, pt + 0, 4, 0x400000 | RW);
	prog_add_init(&p, pt + 4, 4, 0x401000 | PTE_PRESENT_MASK);		/* read-only */
	prog_add_op(&p, OP_CR3, A, 0);				/* 0 */
	prog_add_op(&p, OP_CR0, CR0_PG | CR0_WP, 0);		/* 1 */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 2 */
	prog_add_op(&p, OP_READ, 0, 0x401000);			/* 3 */
	prog_add_op(&p, OP_WRITE, 0, 0x401010);			/* 4: #PF P|W */
	prog_add_op(&p, OP_READ, 0, 0x402000);			/* 5: #PF not present */
	prog_add_pte(&p, pt + 8, 4, 0x405000 | RW, 0);		/* 6 */
	prog_add_op(&p, OP_READ, 0, 0x402000);			/* 7 */
	prog_add_pte(&p, pt + 0, 4, 0x406000 | RW, 0);		/* 8 */
	prog_add_op(&p, OP_INVLPG, 0, 0x400000);		/* 9 */
	prog_add_op(&p, OP_FETCH, 0, 0x400000);			/* 10 */
	prog_add_pte(&p, pt + 12, 8, 0x0040700000408000ull | RW | (RW << 32), 0); /* 11: PTE 3, 4 */
	prog_add_op(&p, OP_READ, 0, 0x403000);			/* 12 */
	prog_add_op(&p, OP_READ, 0, 0x404000);			/* 13 */
	if (!run_ok(ex, &p, &obs, "32-bit paging"))
		return;
	CHECK_DONE(&obs, 2, RTAG(0x400));
	CHECK_DONE(&obs, 3, RTAG(0x401));
	CHECK_EXC(&obs, 4, 14, 3, 0x401010);
	CHECK_EXC(&obs, 5, 14, 0, 0x402000);
	CHECK_DONE(&obs, 7, RTAG(0x405));
	CHECK_DONE(&obs, 10, FTAG(0x406));
	CHECK_DONE(&obs, 12, RTAG(0x408));
	CHECK_DONE(&obs, 13, RTAG(0x407));
	/* The CPU set A (and D for the written page) in the arena copy. */
	CHECK(obs.arena[0x1000] & PTE_ACCESSED_MASK, "PTE 0 accessed bit not set: 0x%x", obs.arena[0x1000]);
}

/* The headline case: two PDPTs 32 bytes apart on one page. */
static void prog_pae(struct program *p)
{
	const uint64_t p1 = A + 0x2000, p2 = A + 0x2020, pda = A + 0x3000, pdb = A + 0x4000;

	prog_init_empty(p);
	prog_add_init(p, p1, 8, HARNESS_PDPTE_PAE);
	prog_add_init(p, p2, 8, HARNESS_PDPTE_PAE);
	prog_add_init(p, p1 + 8, 8, pda | PTE_PRESENT_MASK);
	prog_add_init(p, p2 + 8, 8, pdb | PTE_PRESENT_MASK);
	prog_add_init(p, pda, 8, 0x400000 | RW | PTE_LARGE_MASK);
	prog_add_init(p, pdb, 8, 0x600000 | RW | PTE_LARGE_MASK);
	prog_add_op(p, OP_CR4, STUB_CR4_PAE, 0);		/* 0 */
	prog_add_op(p, OP_CR3, p1, 0);				/* 1 */
	prog_add_op(p, OP_CR0, CR0_PG, 0);			/* 2 */
	prog_add_op(p, OP_READ, 0, 0x40000000);			/* 3 */
	prog_add_op(p, OP_CR3, p2, 0);				/* 4 */
	prog_add_op(p, OP_READ, 0, 0x40000000);			/* 5 */
	prog_add_op(p, OP_READ, 0, 0x40001008);			/* 6 */
	prog_add_op(p, OP_CR3, p1, 0);				/* 7 */
	prog_add_op(p, OP_FETCH, 0, 0x40001000);		/* 8 */
	prog_add_op(p, OP_READ, 0, 0x80000000);			/* 9: PDPTE 2 not present */
}

static void test_pae(struct executor *ex)
{
	struct program p;

	prog_pae(&p);
	if (!run_ok(ex, &p, &obs, "PAE paging"))
		return;
	CHECK_DONE(&obs, 3, RTAG(0x400));
	CHECK_DONE(&obs, 5, RTAG(0x600));
	CHECK_DONE(&obs, 6, RTAG(0x601));
	CHECK_DONE(&obs, 8, FTAG(0x401));
	CHECK_EXC(&obs, 9, 14, 0, 0x80000000);
}

#define LM_HI	0x8000000000ull		/* PML4 entry 1 */

static void prog_lm(struct program *pp)
{
	const uint64_t pdpt = A + 0x4000, pd = A + 0x5000, pt = A + 0x6000;
	const uint64_t hi = LM_HI;
#define p (*pp)
	prog_init_empty(&p);
	p.start = START_LM64;
	prog_add_init(&p, LAYOUT_LOW_PD64 + 16, 8, 0x400000 | RW | PTE_LARGE_MASK);
	prog_add_init(&p, LAYOUT_LOW_PML4 + 8, 8, pdpt | RW);
	prog_add_init(&p, pdpt, 8, pd | RW);
	prog_add_init(&p, pd, 8, pt | RW);
	prog_add_init(&p, pt, 8, 0x407000 | RW);
	prog_add_init(&p, pt + 16, 8, pt | RW);			/* alias of the PT */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 0 */
	prog_add_op(&p, OP_READ, 0, hi);			/* 1 */
	prog_add_op(&p, OP_FETCH, 0, hi);			/* 2 */
	prog_add_op(&p, OP_READ, 0, 0x0000800000000000ull);	/* 3: non-canonical */
	prog_add_op(&p, OP_READ, 0, hi + 0x1000);		/* 4: #PF */
	prog_add_op(&p, OP_CR3, LAYOUT_LOW_PML4 | (1ull << 52), 0); /* 5: #GP */
	prog_add_pte(&p, pt + 8, 8, 0x408000 | RW, hi + 0x2008); /* 6: via alias */
	prog_add_op(&p, OP_READ, 0, hi + 0x1000);		/* 7 */
	prog_add_op(&p, OP_CR3, LAYOUT_LOW_PML4, 0);		/* 8 */
	prog_add_op(&p, OP_WRITE, 0, hi + 0x1ff8);		/* 9 */
#undef p
}

static void test_lm(struct executor *ex)
{
	struct program p;
	const uint64_t hi = LM_HI;

	prog_lm(&p);
	if (!run_ok(ex, &p, &obs, "long mode"))
		return;
	CHECK_DONE(&obs, 0, RTAG(0x400));
	CHECK_DONE(&obs, 1, RTAG(0x407));
	CHECK_DONE(&obs, 2, FTAG(0x407));
	CHECK_EXC(&obs, 3, 13, 0, 0);
	CHECK_EXC(&obs, 4, 14, 0, hi + 0x1000);
	CHECK_EXC(&obs, 5, 13, 0, 0);
	CHECK(obs.ops[6].status == OPS_DONE, "alias PTE store: status %u", obs.ops[6].status);
	CHECK_DONE(&obs, 7, RTAG(0x408));
	CHECK_DONE(&obs, 9, RTAG(0x408));
	CHECK((obs.efer & STUB_EFER_LMA) && obs.cr3 == LAYOUT_LOW_PML4, "final efer 0x%llx cr3 0x%llx",
	      (unsigned long long)obs.efer, (unsigned long long)obs.cr3);
}

/* PM32 -> long mode -> paging off -> PAE -> 32-bit (CR4.PAE cleared with
 * paging on) -> PAE (set again) -> paging off -> long mode. */
static void test_transitions(struct executor *ex)
{
	struct program p;
	const uint64_t pd = A + 0x2000, pdpt = A + 0x2020, pt = A + 0x7000;
	const uint64_t lme = STUB_EFER_LME;
	int i;

	prog_init_empty(&p);
	prog_add_init(&p, LAYOUT_LOW_PD64 + 16, 8, 0x600000 | RW | PTE_LARGE_MASK);
	/* One page that is a 32-bit PD (bytes 0..) and holds a PDPT at +0x20. */
	prog_add_init(&p, pd, 4, HARNESS_PDE32);
	prog_add_init(&p, pd + 4, 4, pt | RW);
	prog_add_init(&p, pt, 4, 0x700000 | RW);
	prog_add_init(&p, pdpt, 8, HARNESS_PDPTE_PAE);
	prog_add_op(&p, OP_CR4, STUB_CR4_PAE, 0);		/* 0 */
	prog_add_op(&p, OP_CR3, LAYOUT_LOW_PML4, 0);		/* 1 */
	prog_add_op(&p, OP_EFER, lme, 0);			/* 2 */
	prog_add_op(&p, OP_CR0, CR0_PG, 0);			/* 3: enter long mode */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 4: 0x600 */
	prog_add_op(&p, OP_READ, 0, 0x100000000ull);		/* 5: #PF, 64-bit VA */
	prog_add_op(&p, OP_CR0, CR0_PM, 0);			/* 6: leave long mode */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 7: 0x400 */
	prog_add_op(&p, OP_EFER, 0, 0);				/* 8 */
	prog_add_op(&p, OP_CR3, pdpt, 0);			/* 9 */
	prog_add_op(&p, OP_CR0, CR0_PG, 0);			/* 10: PAE */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 11: 0x600 */
	prog_add_op(&p, OP_CR4, 0, 0);				/* 12: 32-bit paging */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 13: 0x700 */
	prog_add_op(&p, OP_CR4, STUB_CR4_PAE, 0);		/* 14: PAE again */
	prog_add_op(&p, OP_READ, 0, 0x400000);			/* 15: 0x600 */
	prog_add_op(&p, OP_EFER, lme, 0);			/* 16: #GP, PG=1 */
	prog_add_op(&p, OP_CR0, CR0_PM, 0);			/* 17 */
	prog_add_op(&p, OP_EFER, lme, 0);			/* 18 */
	prog_add_op(&p, OP_CR3, LAYOUT_LOW_PML4, 0);		/* 19 */
	prog_add_op(&p, OP_CR0, CR0_PG, 0);			/* 20: long mode */
	prog_add_op(&p, OP_FETCH, 0, 0x400000);			/* 21: 0x600 */
	prog_add_op(&p, OP_CR4, 0, 0);				/* 22: #GP in long mode */
	if (!run_ok(ex, &p, &obs, "transitions"))
		return;
	for (i = 0; i < 4; i++)
		CHECK(obs.ops[i].status == OPS_DONE, "op %d status %u vector %u", i,
		      obs.ops[i].status, obs.ops[i].vector);
	CHECK_DONE(&obs, 4, RTAG(0x600));
	CHECK_EXC(&obs, 5, 14, 0, 0x100000000ull);
	CHECK_DONE(&obs, 7, RTAG(0x400));
	CHECK_DONE(&obs, 11, RTAG(0x600));
	CHECK_DONE(&obs, 13, RTAG(0x700));
	CHECK_DONE(&obs, 15, RTAG(0x600));
	CHECK_EXC(&obs, 16, 13, 0, 0);
	CHECK_DONE(&obs, 21, FTAG(0x600));
	CHECK_EXC(&obs, 22, 13, 0, 0);
	CHECK((obs.efer & STUB_EFER_LMA) && (obs.cr0 & STUB_CR0_PG), "final efer 0x%llx cr0 0x%llx",
	      (unsigned long long)obs.efer, (unsigned long long)obs.cr0);
}

/* VM reuse: the same program gives the same observations every time,
 * also with other programs run in between. */
static void test_repeat(struct executor *ex, int n)
{
	struct program p, q;
	int same = 0, i;

	/* The headline PAE program where PAE runs, else a long-mode one. */
	if (executor_caps(ex) & EXEC_MODE_PAE)
		prog_pae(&p);
	else
		prog_lm(&p);
	prog_off(&q);
	if (executor_run(ex, &p, &obs) || obs.exit != RUN_COMPLETED) {
		CHECK(0, "repeat: first run %s", obs.detail);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i % 10 == 5)
			executor_run(ex, &q, &obs2);
		if (executor_run(ex, &p, &obs2) == 0 && memcmp(&obs, &obs2, sizeof(obs)) == 0) {
			same++;
		} else if (same == i) {
			const uint8_t *a = (const void *)&obs, *b = (const void *)&obs2;
			size_t k = 0;

			while (k < sizeof(obs) && a[k] == b[k])
				k++;
			printf("repeat: run %d differs first at byte %zu of run_obs (0x%x vs 0x%x)\n",
			       i, k, a[k], b[k]);
		}
	}
	CHECK(same == n, "repeat: %d of %d runs identical to the first", same, n);
	printf("repeat: %d of %d runs of the %s program identical (with a paging-off program every 10th)\n",
	       same, n, p.start == START_LM64 ? "long-mode" : "PAE");
}

static void test_hang(int lm)
{
	struct executor_opts o = { .watchdog_ms = 300, .vendor = -1 };
	struct executor *ex;
	struct program p, q;
	char err[256];
	int r;

	if (executor_open(&ex, &o, err, sizeof(err))) {
		CHECK(0, "hang: open: %s", err);
		return;
	}
	prog_init_empty(&p);
	p.start = lm ? START_LM64 : START_PM32;	/* kvm_pvm may lack paging off */
	prog_add_init(&p, A + 0x8000, 4, 0xfeeb);		/* jmp $ */
	prog_add_op(&p, OP_READ, 0, 0x400000);
	prog_add_op(&p, OP_FETCH, 0, A + 0x8000);
	r = executor_run(ex, &p, &obs);
	CHECK(r == 0 && obs.exit == RUN_HANG && obs.n_ops == 1, "hang: r=%d exit %s n_ops %u: %s",
	      r, run_exit_name(obs.exit), obs.n_ops, obs.detail);
	if (lm)
		prog_lm(&q);
	else
		prog_off(&q);
	run_ok(ex, &q, &obs, "run after a hang");
	CHECK_DONE(&obs, 0, RTAG(0x400));
	executor_close(ex);
}

static void test_shutdown(struct executor *ex)
{
	struct program p, q;
	int r;

	/* CR3 -> an empty page: the stub itself is unmapped after CR0.PG
	 * (in long mode: right after the CR3 write). */
	prog_init_empty(&p);
	if (executor_caps(ex) & EXEC_MODE_32) {
		prog_add_op(&p, OP_CR3, A + 0x9000, 0);
		prog_add_op(&p, OP_CR0, CR0_PG, 0);
	} else {
		p.start = START_LM64;
		prog_add_op(&p, OP_READ, 0, 0x400000);
		prog_add_op(&p, OP_CR3, A + 0x9000, 0);
	}
	prog_add_op(&p, OP_READ, 0, 0x400000);
	r = executor_run(ex, &p, &obs);
	CHECK(r == 0 && obs.exit == RUN_SHUTDOWN && obs.n_ops == 1, "shutdown: r=%d exit %s n_ops %u",
	      r, run_exit_name(obs.exit), obs.n_ops);
	prog_off(&q);
	run_ok(ex, &q, &obs, "run after a shutdown");
}

/* KVM cannot fetch instructions from MMIO: its emulator gives up, which
 * the executor reports as an internal error (a finding), then recovers. */
static void test_internal_error(struct executor *ex)
{
	struct program p, q;
	int r;

	prog_init_empty(&p);
	prog_add_op(&p, OP_READ, 0, 0x400000);
	prog_add_op(&p, OP_FETCH, 0, LAYOUT_MEM_SIZE + 0x1000);
	r = executor_run(ex, &p, &obs);
	CHECK(r == 0 && obs.exit == RUN_INTERNAL_ERROR && obs.n_ops == 1 &&
	      strstr(obs.detail, "emulation failure"), "fetch from MMIO: r=%d exit %s n_ops %u: %s",
	      r, run_exit_name(obs.exit), obs.n_ops, obs.detail);
	prog_off(&q);
	run_ok(ex, &q, &obs, "run after an internal error");
}

static void test_refuse(struct executor *ex)
{
	struct program p;
	char why[256];
	int r;

	prog_init_empty(&p);
	p.n_ops = PROG_MAX_OPS + 1;
	r = executor_run(ex, &p, &obs);
	CHECK(r == 0 && obs.exit == RUN_REFUSED && strstr(obs.detail, "too large"),
	      "too many ops: exit %s: %s", run_exit_name(obs.exit), obs.detail);
	prog_init_empty(&p);
	prog_add_init(&p, LAYOUT_STUB_BASE, 4, 0);
	CHECK(executor_check(ex, &p, why, sizeof(why)) == -EINVAL && strstr(why, "outside"),
	      "init into the stub: %s", why);
	prog_init_empty(&p);
	prog_add_pte(&p, A, 2, 0, 0);
	CHECK(executor_check(ex, &p, why, sizeof(why)) == -EINVAL, "2-byte PTE store accepted");
}

/* Capability probe: which modes this KVM ran, and the PVM refusal. */
static void test_caps(struct executor *ex)
{
	struct executor_opts o = { .vendor = -1, .force_pvm = 1 };
	struct executor *pvm;
	struct program p;
	char err[256], why[256];

	printf("caps: %s%s%s%s%s\n", executor_caps(ex) & EXEC_MODE_OFF ? "off " : "",
	       executor_caps(ex) & EXEC_MODE_32 ? "32 " : "", executor_caps(ex) & EXEC_MODE_PAE ? "pae " : "",
	       executor_caps(ex) & EXEC_MODE_LM4 ? "lm4 " : "", executor_is_pvm(ex) ? "(kvm_pvm)" : "");
	for (unsigned b = 1; b <= EXEC_MODE_LM4; b <<= 1)
		if (!(executor_caps(ex) & b))
			printf("caps: mode bit %u refused: %s\n", b, executor_caps_why(ex, b));
	if (executor_is_pvm(ex))
		CHECK(!(executor_caps(ex) & (EXEC_MODE_32 | EXEC_MODE_PAE)) &&
		      strcmp(executor_caps_why(ex, EXEC_MODE_PAE), EXEC_PVM_MSG) == 0,
		      "kvm_pvm host: PAE not refused with the PVM message");
	else
		CHECK(executor_caps(ex) == EXEC_MODE_ALL, "caps 0x%x on a non-PVM KVM", executor_caps(ex));
	/* Pretend kvm_pvm: legacy paging refused, long mode still runs. */
	if (executor_open(&pvm, &o, err, sizeof(err))) {
		CHECK(0, "open (force_pvm): %s", err);
		return;
	}
	prog_pae(&p);
	CHECK(executor_check(pvm, &p, why, sizeof(why)) == -EOPNOTSUPP && strcmp(why, EXEC_PVM_MSG) == 0,
	      "PAE program on a PVM host: %s", why);
	executor_run(pvm, &p, &obs);
	CHECK(obs.exit == RUN_REFUSED && strcmp(obs.detail, EXEC_PVM_MSG) == 0, "refused: %s %s",
	      run_exit_name(obs.exit), obs.detail);
	test_lm(pvm);
	executor_close(pvm);
}

/* Parts that need no KVM. */
static void test_modes_needed(void)
{
	struct program p;

	prog_off(&p);
	CHECK(executor_modes_needed(&p) == EXEC_MODE_OFF, "paging-off program");
	prog_pae(&p);
	CHECK(executor_modes_needed(&p) == (EXEC_MODE_OFF | EXEC_MODE_PAE), "PAE program: 0x%x",
	      executor_modes_needed(&p));
	prog_init_empty(&p);
	p.start = START_LM64;
	prog_add_op(&p, OP_CR0, CR0_PM, 0);
	prog_add_op(&p, OP_EFER, 0, 0);
	prog_add_op(&p, OP_CR4, 0, 0);
	prog_add_op(&p, OP_CR0, CR0_PG, 0);
	CHECK(executor_modes_needed(&p) == (EXEC_MODE_LM4 | EXEC_MODE_OFF | EXEC_MODE_32),
	      "leave long mode then 32-bit: 0x%x", executor_modes_needed(&p));
}

/* The refusal rules as a kvm_pvm host applies them (no KVM needed). */
static void test_refusal_rules(void)
{
	const unsigned pvm_caps = EXEC_MODE_OFF | EXEC_MODE_LM4;
	struct program p;
	char why[256];

	prog_pae(&p);
	CHECK(executor_check_caps(pvm_caps, 1, &p, why, sizeof(why)) == -EOPNOTSUPP &&
	      !strcmp(why, EXEC_PVM_MSG), "PAE program on kvm_pvm: %s", why);
	prog_init_empty(&p);
	prog_add_op(&p, OP_CR0, CR0_PG, 0);
	CHECK(executor_check_caps(pvm_caps, 1, &p, why, sizeof(why)) == -EOPNOTSUPP &&
	      !strcmp(why, EXEC_PVM_MSG), "32-bit paging on kvm_pvm: %s", why);
	prog_init_empty(&p);
	p.start = START_LM64;
	prog_add_op(&p, OP_READ, 0, 0x400000);
	CHECK(executor_check_caps(pvm_caps, 1, &p, why, sizeof(why)) == 0, "long mode on kvm_pvm: %s", why);
	prog_off(&p);
	CHECK(executor_check_caps(pvm_caps, 1, &p, why, sizeof(why)) == 0, "paging off on kvm_pvm: %s", why);
	prog_pae(&p);
	CHECK(executor_check_caps(EXEC_MODE_ALL, 0, &p, why, sizeof(why)) == 0, "PAE on full KVM: %s", why);
	CHECK(executor_check_caps(EXEC_MODE_OFF, 0, &p, why, sizeof(why)) == -EOPNOTSUPP &&
	      strstr(why, "PAE paging"), "PAE without the PAE cap: %s", why);
	p.n_ops = PROG_MAX_OPS + 1;
	CHECK(executor_check_caps(EXEC_MODE_ALL, 0, &p, why, sizeof(why)) == -EINVAL &&
	      strstr(why, "too large"), "65 ops: %s", why);
}

int main(int argc, char **argv)
{
	struct executor_opts o = { .vendor = -1 };
	struct executor *ex;
	char err[256];
	int repeat = 1000;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
	test_modes_needed();
	test_refusal_rules();
	if (executor_open(&ex, &o, err, sizeof(err))) {
		SKIP("the KVM tests (modes, transitions, reuse, hang): %s", err);
		CHECK(strstr(err, "/dev/kvm") != NULL, "open failure does not name /dev/kvm: %s", err);
		printf("test_exec: only the parts that need no KVM ran\n");
		return check_summary("test_exec");
	}
	test_caps(ex);
	if (executor_caps(ex) & EXEC_MODE_OFF) {
		test_off(ex);
		test_data_reset(ex);
		test_internal_error(ex);
	} else {
		SKIP("paging-off tests: %s", executor_caps_why(ex, EXEC_MODE_OFF));
	}
	if (executor_caps(ex) & EXEC_MODE_32)
		test_32(ex);
	else
		SKIP("32-bit paging tests: %s", executor_caps_why(ex, EXEC_MODE_32));
	if (executor_caps(ex) & EXEC_MODE_PAE)
		test_pae(ex);
	else
		SKIP("PAE tests: %s", executor_caps_why(ex, EXEC_MODE_PAE));
	if (executor_caps(ex) & EXEC_MODE_LM4)
		test_lm(ex);
	else
		SKIP("long-mode tests: %s", executor_caps_why(ex, EXEC_MODE_LM4));
	if (executor_caps(ex) == EXEC_MODE_ALL)
		test_transitions(ex);
	else
		SKIP("mode transitions: this KVM does not run every mode (caps 0x%x)",
		     executor_caps(ex));
	test_refuse(ex);
	test_shutdown(ex);
	test_repeat(ex, repeat);
	test_hang(!(executor_caps(ex) & EXEC_MODE_OFF));
	executor_close(ex);
	return check_summary("test_exec");
}
