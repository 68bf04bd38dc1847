/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program layer: what can be done to a program without running it.
 *
 *   check.c    well-formedness (the oracle's model decides what stays mapped)
 *   text.c     the .mmu text format (prog_parse / prog_format / prog_print)
 *   bytes.c    the fuzzers' byte format (prog_decode / prog_encode)
 *   file.c     files of either format (prog_load / prog_save)
 *   traits.c   what a program exercises under the model
 *
 * The struct itself is harness/core/program.h.
 */
#ifndef MMUFUZZ_PROG_H
#define MMUFUZZ_PROG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "harness/core/program.h"

/*
 * Well-formedness (check.c).  prog_check() returns 0, or -EINVAL
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
 * .mmu text (text.c; the format is described there).
 * prog_parse: 0, or -EINVAL with "file:line:col: what" in err; *out is
 * then unspecified.  prog_format: writes the canonical text (NUL-terminated
 * when cap > 0) and returns its length; a return >= cap means truncated.
 * prog_print: the same to a stream; -ENOSPC if the text would exceed
 * PROG_TEXT_MAX, -EIO on a write error.
 * prog_parse_file (file.c): reads and parses; -errno with the reason in err.
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
int prog_parse_lax(const char *text, size_t len, const char *filename,
		   struct program *out, char *err, size_t errlen);
int prog_parse_file_lax(const char *path, struct program *out, char *err, size_t errlen);
/* A whole file of at most max bytes, malloc'ed; 0 or -errno, "path: why" in err. */
int prog_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

/*
 * Fuzzer bytes (bytes.c; the format is described there).
 * prog_encode: returns the length, -ENOSPC if cap is too small, -EINVAL
 * if p breaks a static rule (prog_check_static).  prog_decode: total; 0, or -EINVAL with
 * "byte N: what" in err.  PROG_BIN_MAX bounds any encoding.
 */
#define PROG_BIN_MAX	8192
long prog_encode(const struct program *p, uint8_t *buf, size_t cap);
int prog_decode(const uint8_t *buf, size_t len, struct program *out, char *err, size_t errlen);

/*
 * A hash of fuzzer bytes (FNV-1a style): names the programs the nightly
 * merges (n-<hash>.mmu: keep it stable) and tells equal engine inputs
 * apart.  Never fails.
 */
uint64_t prog_bytes_hash(const uint8_t *buf, size_t len);

/*
 * Files (file.c): ".bin" means fuzzer bytes, anything else .mmu
 * text.  prog_load: 0, or -errno / -EINVAL with "path: ..." in err.
 * prog_save: canonical form, written atomically; 0 or -errno with err.
 */
int prog_path_is_bin(const char *path);
/*
 * An engine's input file (a libFuzzer or AFL++ queue entry): its first
 * PROG_BIN_MAX bytes (the engines write no more) into buf, which has
 * room for PROG_BIN_MAX, their count in *len, decoded into p.  0, or
 * -errno (unreadable) / -EINVAL (does not decode; "path: why" in err).
 */
int prog_read_input(const char *path, uint8_t *buf, size_t *len, struct program *p, char *err,
		    size_t errlen);
int prog_load(const char *path, struct program *p, char *err, size_t errlen);
int prog_save(const char *path, const struct program *p, char *err, size_t errlen);

/*
 * What a program exercises under the oracle's model (AMD profile), for
 * measurements and corpus filters (traits.c).  Returns 0, or -1
 * on allocation failure (*t zeroed).
 */
struct prog_traits {
	int n_ops;			/* ops the model evaluated */
	int lm_ops, legacy_paging_ops;	/* ops run in 4-level / in 32-bit or PAE paging */
	int shared_pdpt_page;		/* prog_has_shared_pdpt_page() */
	int pae_toggle_pg;		/* CR4.PAE changed while CR0.PG stayed 1 */
	int enter_lm, leave_lm;
	int wp_set;			/* a CR0 write with WP=1 while paging */
	int gp, pf;			/* some op may raise #GP / #PF */
	int stale_choice;		/* a probe with more than one allowed outcome */
	int alias_store;		/* a PTE store through an alias VA */
	int invlpg;
	int large_page;			/* a walk ended in a present 2/4 MiB or 1 GiB page */
	/* The bug classes' shapes (issue 14's list): */
	int pdpte_reload;		/* PDPTE registers reloaded with a changed value at an unchanged CR3 */
	int role_bit_probe;		/* one role bit (WP CD PSE PGE SMEP SMAP NXE) changed, then a probe */
	int flush_after_store;		/* leaf stored, non-INVLPG flush, then a probe walking it */
	int ad_clear_walk;		/* a probe's leaf has A or (for a write) D clear */
	int table_readback;		/* a read whose frame is a table the walks use */
	int cross_mode_table;		/* one arena table walked in two paging modes */
};
int prog_traits(const struct program *p, struct prog_traits *t);

/*
 * The one definition of "two PDPTs on one page" (the headline bug's shape):
 * 1 if two CR3 loads of p name one page at different 32-byte slots, else 0.
 * Never fails.
 */
int prog_has_shared_pdpt_page(const struct program *p);


#endif /* MMUFUZZ_PROG_H */
