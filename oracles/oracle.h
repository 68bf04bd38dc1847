/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architectural oracle: what a correct CPU + hypervisor may let the
 * guest see when it runs a program.  Pure C, no KVM headers.
 *
 * oracle_eval() walks the program op by op with a model of x86 paging
 * (modes, permissions, reserved bits, A/D updates, PAE PDPTE registers,
 * a TLB that may legally hold stale translations) and yields, per op, the
 * SET of outcomes the architecture allows.  oracle_verdict() then checks a
 * run's observations against those sets.
 *
 * The contract other modules rely on (do not change without updating
 * harness/ and fuzz/):
 *   - oracle_eval() never fails on a well-formed or malformed program; it
 *     reports harness breakage in res->harness_ok / harness_op.
 *   - prog_check() (harness/) accepts a program iff oracle_eval() says the
 *     harness stays intact under every vendor profile.
 */
#ifndef MMUFUZZ_ORACLE_H
#define MMUFUZZ_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../harness/program.h"
#include "../harness/observation.h"

enum vendor {
	VENDOR_AMD = 0,
	VENDOR_INTEL,
	VENDOR_COUNT
};
const char *vendor_name(enum vendor v);

enum paging_mode {
	PGM_OFF = 0,		/* CR0.PG = 0 */
	PGM_32,			/* 32-bit paging (PSE, PSE-36 per CR4.PSE) */
	PGM_PAE,		/* PAE paging, legacy mode */
	PGM_LM4,		/* 4-level paging, IA-32e / long mode */
	PGM_COUNT
};
const char *paging_mode_name(enum paging_mode m);

/* Allowed outcomes of one op.  An observation matches if it equals any one. */
#define ORACLE_MAX_OUTCOMES 8

enum outcome_kind {
	OUT_DONE = 0,		/* no exception; for probes, value below */
	OUT_EXCEPTION,		/* vector, error_code (if any), cr2 (for #PF) */
	OUT_MMIO,		/* probe reached unbacked gpa */
	OUT_SHUTDOWN,		/* the run ends in a triple fault at this op */
	OUT_ANY_VALUE,		/* probe completes; value not modelled (harness memory) */
};

struct outcome {
	uint8_t kind;		/* enum outcome_kind */
	uint8_t vector;
	uint8_t has_error_code;
	uint32_t error_code;
	uint64_t cr2;
	uint64_t gpa;		/* translation used (probes) */
	uint64_t value;		/* expected 32-bit value for READ/WRITE/FETCH */
	uint64_t value_mask;	/* bits of value that must match (A/D of
				 * page-table memory read through an alias are
				 * masked out) */
};

/* One level of the page walk that produced an expectation (for dumps). */
struct walk_step {
	uint8_t level;		/* 5..1 as in the SDM, 0 = PDPTE register */
	uint64_t table_gpa;	/* table base */
	uint16_t index;
	uint64_t entry;		/* entry value read */
};

struct op_expect {
	enum paging_mode mode;	/* mode in force when the op ran */
	uint8_t n_out;
	struct outcome out[ORACLE_MAX_OUTCOMES];
	uint8_t n_walk;
	struct walk_step walk[6];	/* the walk of the current translation */
};

struct oracle_result {
	enum vendor vendor;
	uint16_t n_ops;			/* ops evaluated (stops after a shutdown) */
	struct op_expect ops[PROG_MAX_OPS];
	int harness_ok;			/* low region identity-mapped throughout */
	int harness_op;			/* first op that broke it, -1 if none */
	char harness_why[96];
	int shutdown_op;		/* op that triple-faults, -1 if none */
};

/* Evaluate a program under a vendor profile.  Never fails. */
void oracle_eval(const struct program *p, enum vendor v, struct oracle_result *res);

/* One violation: an observation outside the allowed set. */
struct violation {
	int op;			/* op index, or -1 for the run as a whole */
	char what[160];		/* one-line description */
};

#define ORACLE_MAX_VIOLATIONS 16
struct verdict {
	uint8_t n;
	struct violation v[ORACLE_MAX_VIOLATIONS];
};

/*
 * Judge a run.  Returns the number of violations (0 = the run is
 * architecturally allowed).  Fills *out when non-NULL.
 */
int oracle_verdict(const struct program *p, const struct oracle_result *res,
		   const struct run_obs *obs, struct verdict *out);

/* Human output: expected set per op (mmufuzz explain), and the page walk
 * behind op i (printed with a violation). */
void oracle_print_expect(FILE *f, const struct program *p, const struct oracle_result *res);
void oracle_print_walk(FILE *f, const struct op_expect *e);

#endif /* MMUFUZZ_ORACLE_H */
