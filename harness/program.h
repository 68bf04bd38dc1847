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
 *   .mmu text           program_text.c   (prog_parse / prog_print)
 *   bytes for fuzzers   program_bin.c    (prog_decode / prog_encode)
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

/*
 * Well-formedness (program_check.c).  prog_check() returns 0, or -EINVAL
 * with a one-line reason in err.  prog_check_where() also says which part
 * is at fault so the parser and the decoder can point at a line or byte.
 */
enum prog_part { PART_PROGRAM = 0, PART_INIT, PART_PREFAULT, PART_OP };
struct prog_where {
	enum prog_part part;
	int index;		/* into init[], prefault[] or ops[]; -1 for PART_PROGRAM */
};
int prog_check(const struct program *p, char *err, size_t errlen);
int prog_check_where(const struct program *p, struct prog_where *where, char *err, size_t errlen);
/* Only the rules that need no model (cheap; what the encoder requires). */
int prog_check_static(const struct program *p, struct prog_where *where, char *err, size_t errlen);

/*
 * .mmu text (program_text.c; the format is described there).
 * prog_parse: 0, or -EINVAL with "file:line:col: what" in err; *out is
 * then unspecified.  prog_format: writes the canonical text (NUL-terminated
 * when cap > 0) and returns its length; a return >= cap means truncated.
 * prog_print: the same to a stream; -ENOSPC if the text would exceed
 * PROG_TEXT_MAX, -EIO on a write error.
 * prog_parse_file: reads and parses; -errno with the reason in err.
 */
#define PROG_TEXT_MAX	(128 * 1024)
int prog_parse(const char *text, size_t len, const char *filename,
	       struct program *out, char *err, size_t errlen);
size_t prog_format(const struct program *p, char *buf, size_t cap);
int prog_print(FILE *f, const struct program *p);
int prog_parse_file(const char *path, struct program *out, char *err, size_t errlen);
/* The same without the well-formedness check (prog_check): for mmufuzz
 * explain, which shows why the model refuses a program.  Syntax errors
 * still fail with file:line:col. */
int prog_parse_file_lax(const char *path, struct program *out, char *err, size_t errlen);
/* A whole file of at most max bytes, malloc'ed; 0 or -errno, "path: why" in err. */
int prog_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

/*
 * Fuzzer bytes (program_bin.c; the format is described there).
 * prog_encode: returns the length, -ENOSPC if cap is too small, -EINVAL
 * if p breaks a static rule (prog_check_static).  prog_decode: total; 0, or -EINVAL with
 * "byte N: what" in err.  PROG_BIN_MAX bounds any encoding.
 */
#define PROG_BIN_MAX	8192
long prog_encode(const struct program *p, uint8_t *buf, size_t cap);
int prog_decode(const uint8_t *buf, size_t len, struct program *out, char *err, size_t errlen);

/*
 * Files (program_file.c): ".bin" means fuzzer bytes, anything else .mmu
 * text.  prog_load: 0, or -errno / -EINVAL with "path: ..." in err.
 * prog_save: canonical form, written atomically; 0 or -errno with err.
 */
int prog_path_is_bin(const char *path);
int prog_load(const char *path, struct program *p, char *err, size_t errlen);
int prog_save(const char *path, const struct program *p, char *err, size_t errlen);

/*
 * Seeded generator of well-formed, interesting programs (program_gen.c).
 * rng_state is advanced (any value, 0 included, is a valid seed).
 * Returns 0; -EAGAIN if no well-formed program came out of the attempts
 * (not expected; *out is then an empty program of an allowed mode).
 */
#define GEN_MODE_PM32	(1u << START_PM32)	/* may start in, or enter, 32-bit/PAE */
#define GEN_MODE_LM64	(1u << START_LM64)	/* may start in, or enter, long mode */
struct gen_opts {
	unsigned modes;		/* GEN_MODE_* mask; 0 = all.  LM64 alone keeps the
				 * program in long mode throughout (PVM host). */
	int no_shared_pdpt_page;/* never load two PAE CR3s on one page */
	unsigned max_ops;	/* 0 = PROG_MAX_OPS */
};
uint64_t prog_rng_next(uint64_t *rng_state);
int prog_random(uint64_t *rng_state, struct program *out, const struct gen_opts *opts);

/*
 * What a program exercises under the oracle's model (AMD profile), for
 * measurements and corpus filters (program_traits.c).  Returns 0, or -1
 * on allocation failure (*t zeroed).
 */
struct prog_traits {
	int n_ops;			/* ops the model evaluated */
	int lm_ops, legacy_paging_ops;	/* ops run in 4-level / in 32-bit or PAE paging */
	int shared_pdpt_page;		/* PDPTEs loaded from 2+ 32-byte slots of one page */
	int pae_toggle_pg;		/* CR4.PAE changed while CR0.PG stayed 1 */
	int enter_lm, leave_lm;
	int wp_set;			/* a CR0 write with WP=1 while paging */
	int gp, pf;			/* some op may raise #GP / #PF */
	int stale_choice;		/* a probe with more than one allowed outcome */
	int alias_store;		/* a PTE store through an alias VA */
	int invlpg;
	int large_page;			/* a walk ended in a present 2/4 MiB or 1 GiB page */
};
int prog_traits(const struct program *p, struct prog_traits *t);

#endif /* MMUFUZZ_PROGRAM_H */
