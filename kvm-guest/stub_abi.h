/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the guest stub (kvm-guest/stub.S) and the executor
 * (harness/executor*.c).  Included from assembly (__ASSEMBLER__) and C.
 *
 * Memory (all inside the low region, identity-mapped in every mode):
 *   LAYOUT_STUB_BASE     the stub image; starts with struct stub_header
 *   STUB_GDT             GDT, built by the host
 *   STUB_IDT32/IDT64     the two IDTs, built by the host from the handler
 *                        addresses the header names; the stub only LIDTs
 *   STUB_TSS             a TSS, so TR is valid for VM entry
 *   LAYOUT_OPS_BASE      struct stub_ctl, then STUB_MAX_OPS struct stub_op
 *   STUB_WRITES          ctl.n_writes struct stub_write: a warm start's
 *                        table writes (harness/exec/executor.h), which the
 *                        stub makes before the first op
 *   LAYOUT_RESULTS_BASE  STUB_MAX_OPS struct stub_res, zeroed by the host
 *
 * How an op runs (the oracle models exactly this):
 *   Legacy mode (EFER.LMA=0): everything in 32-bit code.  CR writes use
 *     the low 32 bits of value; VAs and gpas the low 32 bits.  An 8-byte
 *     OP_PTE store is LOCK CMPXCHG8B (as Linux's set_pte_atomic does).
 *   Long mode (EFER.LMA=1): the interpreter runs in compatibility mode
 *     (CS.L=0).  OP_CR0 runs there, with the low 32 bits (so clearing
 *     CR0.PG legally leaves long mode).  OP_CR3 and OP_CR4 run in 64-bit
 *     code with all 64 bits (reserved high bits #GP).  OP_EFER: WRMSR
 *     from compatibility mode.  OP_PTE, OP_INVLPG and the probes run in
 *     64-bit code with 64-bit addresses; an 8-byte OP_PTE is one MOV.
 *   (This is the contract written down in oracles/oracle.h.)
 *   OP_READ: 32-bit load.  OP_WRITE: 32-bit load, then store of the value
 *   loaded.  OP_FETCH: near CALL to the VA; eax on return is the result.
 *   After every successful CR0 or EFER write the stub reloads the IDT
 *   that matches the new EFER.LMA (IDT32 with 8-byte gates, IDT64 with
 *   16-byte gates).
 *   Any exception (vectors 0..31) records vector, error code (0 when the
 *   vector has none), CR2 (for #PF only), and resumes at the next op.
 *
 * Ucall channel: OUT (32-bit) of a STUB_UCALL_* code to STUB_UCALL_PORT.
 *   DONE    every op ran; results are complete
 *   SYNC    a checkpoint (unused by the normal path: one run = one exit)
 *   ASSERT  the stub found its input broken: ctl.assert_line holds the
 *           stub.S line, ctl.assert_val the offending value
 */
#ifndef MMUFUZZ_STUB_ABI_H
#define MMUFUZZ_STUB_ABI_H

#include "../harness/core/layout.h"

#define STUB_MAGIC		0x5453554du	/* "MUST" little endian */
#define STUB_CTL_MAGIC		0x4c54434du	/* "MCTL" */
#define STUB_MAX_OPS		64
/* Warm-start writes: a page after the ops, up to the results. */
#define STUB_WRITES		(LAYOUT_OPS_BASE + 0x1000)
#define STUB_MAX_WRITES		((LAYOUT_RESULTS_BASE - STUB_WRITES) / 8)
#define STUB_NVEC		32

/* Selectors of the GDT the host builds. */
#define STUB_SEL_CODE32		0x08
#define STUB_SEL_DATA		0x10
#define STUB_SEL_CODE64		0x18
#define STUB_SEL_TSS		0x20	/* 16-byte descriptor in long mode */
#define STUB_GDT_LIMIT		0x2f

#define STUB_GDT		(LAYOUT_SYS_BASE + 0x0000)
#define STUB_IDT32		(LAYOUT_SYS_BASE + 0x1000)
#define STUB_IDT64		(LAYOUT_SYS_BASE + 0x2000)
#define STUB_TSS		(LAYOUT_SYS_BASE + 0x3000)
#define STUB_IDT32_LIMIT	(STUB_NVEC * 8 - 1)
#define STUB_IDT64_LIMIT	(STUB_NVEC * 16 - 1)

#define STUB_UCALL_PORT		0x5a5a
#define STUB_UCALL_DONE		1
#define STUB_UCALL_SYNC		2
#define STUB_UCALL_ASSERT	3

/* Initial control registers per start state (prog_start). */
#define STUB_CR0_PE		0x00000001u
#define STUB_CR0_ET		0x00000010u
#define STUB_CR0_NE		0x00000020u
#define STUB_CR0_PG		0x80000000u
#define STUB_CR4_PAE		0x00000020u
#define STUB_EFER_LME		0x00000100u
#define STUB_EFER_LMA		0x00000400u
/* = ORACLE_START_*_CR0 in oracles/oracle.h (checked in executor.c) */
#define STUB_START_CR0_PM32	(STUB_CR0_PE | STUB_CR0_ET | STUB_CR0_NE)
#define STUB_START_CR0_LM64	(STUB_CR0_PG | STUB_CR0_PE | STUB_CR0_ET | STUB_CR0_NE)

/* Offsets for assembly; the C structs below must agree (static asserts
 * in harness/exec/executor.c). */
#define CTL_MAGIC		0
#define CTL_N_OPS		4
#define CTL_CUR_OP		8
#define CTL_LMA			12
#define CTL_CR0			16
#define CTL_EFER		24
#define CTL_ASSERT_LINE		32
#define CTL_ASSERT_VAL		36
#define CTL_N_WRITES		40
#define CTL_OPS			64

#define OPE_SIZE		32	/* struct stub_op */
#define OPE_KIND		0
#define OPE_WIDTH		4
#define OPE_VALUE		8
#define OPE_ADDR		16
#define OPE_VIA			24

#define RES_SIZE		32	/* struct stub_res */
#define RES_STATUS		0
#define RES_VECTOR		4
#define RES_ERROR		8
#define RES_CR2			16
#define RES_VALUE		24

/* Header offsets (at LAYOUT_STUB_BASE). */
#define HDR_MAGIC		0
#define HDR_ENTRY		4
#define HDR_H32			8
#define HDR_H64			12
#define HDR_STRIDE		16
#define HDR_NVEC		20

#ifndef __ASSEMBLER__
#include <stdint.h>

struct stub_header {
	uint32_t magic;		/* STUB_MAGIC */
	uint32_t entry;		/* 32-bit entry point (guest address) */
	uint32_t h32;		/* handler of vector v: h32 + v * stride */
	uint32_t h64;		/* same, 64-bit handlers */
	uint32_t stride;
	uint32_t nvec;		/* STUB_NVEC */
};

struct stub_ctl {
	uint32_t magic;		/* STUB_CTL_MAGIC, host -> guest */
	uint32_t n_ops;
	uint32_t cur_op;	/* guest: op being run (the host reads it on MMIO) */
	uint32_t lma;		/* guest: current EFER.LMA as the stub tracks it */
	uint64_t cr0;		/* guest's shadow of CR0, host sets the start value */
	uint64_t efer;		/* guest's shadow of EFER */
	uint32_t assert_line;
	uint32_t assert_val;
	uint32_t n_writes;	/* struct stub_write at STUB_WRITES */
	uint8_t pad[CTL_OPS - 44];
};

/* One 32-bit store the stub makes before the first op (a warm start). */
struct stub_write {
	uint32_t gpa;
	uint32_t value;
};

struct stub_op {
	uint32_t kind;		/* enum prog_op_kind */
	uint32_t width;
	uint64_t value;
	uint64_t addr;
	uint64_t via;
};

struct stub_res {
	uint32_t status;	/* enum op_status (OPS_DONE / OPS_EXCEPTION) */
	uint32_t vector;
	uint32_t error_code;
	uint32_t pad;
	uint64_t cr2;
	uint64_t value;
};
#endif

#endif /* MMUFUZZ_STUB_ABI_H */
