/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program model: what one mmufuzz test is.
 *
 * A program is an initial guest-physical layout plus a list of ops that
 * the guest stub executes in order.  The layout is the arena's initial
 * contents (page-table entries written by the host before the run) and
 * the set of data frames the host touches before the run (so KVM's
 * prefetch paths see them mapped).  Every op gets one observation.
 *
 * Representations (all convert losslessly both ways):
 *   struct program      in memory, this header
 *   .mmu text           harness/program/text.c   (prog_parse / prog_print)
 *   bytes for fuzzers   harness/program/bytes.c  (prog_decode / prog_encode)
 *
 * Well-formedness (prog_check): the low region (layout.h) stays mapped
 * identity in every address space the program builds, judged by the
 * oracle's model.  The decoder and the parser only hand out programs that
 * pass it, so a run never dies for a harness reason.
 */
#ifndef MMUFUZZ_PROGRAM_H
#define MMUFUZZ_PROGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROG_MAX_OPS	64
#define PROG_MAX_INIT	256
#define PROG_MAX_PREFAULT 64
#define PROG_TITLE_MAX	128	/* including the NUL */

/* How the stub is entered.  Both have CR0.PE=1, flat segments, CPL0. */
enum prog_start {
	START_PM32 = 0,		/* 32-bit protected mode, paging off, CR4=EFER=0 */
	START_LM64,		/* long mode, CR3=LOW_PML4, CR4.PAE, EFER.LME|LMA */
	START_COUNT
};

enum prog_op_kind {
	OP_CR0 = 0,		/* MOV to CR0 (value) */
	OP_CR3,			/* MOV to CR3 (value) */
	OP_CR4,			/* MOV to CR4 (value) */
	OP_EFER,		/* WRMSR IA32_EFER (value) */
	OP_PTE,			/* guest store of width bytes: value -> gpa addr,
				 * through the identity mapping (via == 0) or
				 * through the alias VA via */
	OP_INVLPG,		/* INVLPG addr (a VA) */
	OP_READ,		/* 32-bit load at VA addr */
	OP_WRITE,		/* 32-bit load then store of the same value at addr */
	OP_FETCH,		/* call to VA addr; the code there returns in eax */
	OP_KIND_COUNT
};

struct prog_op {
	uint8_t kind;		/* enum prog_op_kind */
	uint8_t width;		/* OP_PTE: 4 or 8; otherwise 0 */
	uint64_t value;		/* CR/EFER value; OP_PTE stored value */
	uint64_t addr;		/* OP_PTE: target gpa; INVLPG/probes: VA */
	uint64_t via;		/* OP_PTE: alias VA, 0 = identity (addr) */
};

/* One initial store into the arena or the fixed low tables' free entries. */
struct prog_init {
	uint64_t gpa;
	uint8_t width;		/* 4 or 8 */
	uint64_t value;
};

/* Data frames [gfn, gfn + count) that the host touches before the run. */
struct prog_prefault {
	uint32_t gfn;
	uint32_t count;
};

struct program {
	uint8_t start;		/* enum prog_start */
	uint16_t n_init;
	uint16_t n_prefault;
	uint16_t n_ops;
	struct prog_init init[PROG_MAX_INIT];
	struct prog_prefault prefault[PROG_MAX_PREFAULT];
	struct prog_op ops[PROG_MAX_OPS];
	/* Free text carried by both encodings (the .mmu "title" line):
	 * printable ASCII without '"' and '\\', NUL-terminated, "" = none. */
	char title[PROG_TITLE_MAX];
};

/* Names used by the text format and by reports ("cr0", "pte", "read"...). */
const char *prog_op_name(enum prog_op_kind kind);
const char *prog_start_name(enum prog_start start);

/*
 * One op as one line of .mmu text ("cr3 0x20020", "pte u64 0x200000 0x3
 * via 0x7f0000"), for tables and diagnostics; truncated to len, never fails.
 */
void prog_op_format(char *buf, size_t len, const struct prog_op *op);

/* Empty program: START_PM32, no init, no ops. */
void prog_init_empty(struct program *p);

/* Append helpers; return 0, or -1 when the program is full (p unchanged). */
int prog_add_init(struct program *p, uint64_t gpa, uint8_t width, uint64_t value);
int prog_add_op(struct program *p, enum prog_op_kind kind, uint64_t value, uint64_t addr);
int prog_add_pte(struct program *p, uint64_t gpa, uint8_t width, uint64_t value, uint64_t via);

/* Structural equality (used by the round-trip tests). */
int prog_equal(const struct program *a, const struct program *b);

/* prog_equal() plus the title: what the round trips must preserve. */
int prog_same(const struct program *a, const struct program *b);

#endif /* MMUFUZZ_PROGRAM_H */
