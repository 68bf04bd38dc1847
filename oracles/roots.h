/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The root oracle: judges KVM's own view of its shadow roots, from the
 * root tracer's event sequence (harness/bpf/rootrace.h) of one run.
 * Pure C over the events; no KVM or BPF headers.
 *
 * Vocabulary.  A "load" is one RT_MMU_LOAD: KVM (re)building the roots of
 * the vCPU's current paging context (CR0/CR3/CR4/EFER and, for PAE, the
 * PDPTEs it loaded).  A root event is an RT_GET_PAGE that is a root: inside
 * the mmu_alloc_root window (RT_F_ROOT), or a non-direct page at the top
 * level of the context (level 3 under PAE or 32-bit paging -- a PAE root
 * that is itself a shadow page, as in the RFC design; level 4/5 in long
 * mode).  "Built from" is the context of the load that created a root.
 *
 * Rules (each has a firing and a non-firing unit test in tests/test_roots.c):
 *   ROOTS_ALIAS  a PAE root built for the PDPT at one 32-byte slot of a page
 *                is reused for a CR3 naming another slot of that page whose
 *                PDPTEs differ -- flagged whether or not any probe of the
 *                run read an address that shows it.
 *   ROOTS_STALE  a root reused for a load whose guest PDPTEs differ from the
 *                ones it was built from (same slot: KVM missed a change).
 *   For both, PDPTEs "differ" in P or the page directory's address: that is
 *   all a shadow PAE root carries (a PWT/PCD-only change reuses rightly).
 *   ROOTS_GFN    a root reused for a load that does not name its gfn (PAE
 *                level-2 root: no present PDPTE points at it; long mode or
 *                PAE root page: not CR3's frame; 32-bit: not CR3's frame).
 *   ROOTS_ROLE   a root whose role bits contradict the context it serves
 *                (cr0_wp, smep/smap_andnot_wp, has_4_byte_gpte, direct).
 * A root lookup zapped by the very next event was checked and discarded
 * by KVM (as pae-root-slot does when the PDPTEs changed): not a reuse, no
 * finding.
 */
#ifndef MMUFUZZ_ROOTS_H
#define MMUFUZZ_ROOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../harness/bpf/rootrace.h"

#define ROOTS_MAX_LOADS		64
#define ROOTS_MAX_FINDINGS	16
#define ROOTS_MAX_TRACKED	256

enum roots_rule {
	ROOTS_ALIAS = 1,
	ROOTS_STALE,
	ROOTS_GFN,
	ROOTS_ROLE,
	ROOTS_PDPTE,		/* roots_check_model(): see there */
	ROOTS_RULE_COUNT
};
const char *roots_rule_name(enum roots_rule r);

/* The paging context of one load, as KVM saw it. */
struct roots_ctx {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t pdpte[4];
	uint32_t root_role;	/* KVM's root_role word */
};

struct roots_load {
	struct roots_ctx ctx;
	int event;		/* index of the RT_MMU_LOAD event */
	uint16_t created;	/* roots created by this load */
	uint16_t reused;	/* roots found in the cache by this load */
	uint16_t freed;		/* roots freed since the previous load */
};

struct roots_finding {
	uint8_t rule;		/* enum roots_rule */
	int event;		/* index of the offending RT_GET_PAGE */
	int load;		/* index into loads[], -1 if none */
	uint64_t gfn;
	uint32_t role;
	uint64_t cr3_built;	/* ALIAS/STALE: CR3 the root was built for */
	uint64_t cr3_now;
	char what[200];
};

/*
 * Feature vector for the fuzzers: hit counts, AFL-bucketed, of the events
 * from the first load on (earlier ones are the previous run's teardown),
 * without kvm_mmu_free_roots calls and timing-driven exits (interrupts,
 * PAUSE): those vary between runs of one program.
 */
#define ROOTS_FEAT_EVENTS	(RT_KIND_COUNT * 6 * 2 * 2)	/* kind x level(0..5) x created x root */
#define ROOTS_FEAT_N		(ROOTS_FEAT_EVENTS + RT_EXIT_BUCKETS)

struct roots_result {
	/* Totals over the run. */
	unsigned created, reused, freed, zapped;
	unsigned pages_created, pages_reused;	/* every RT_GET_PAGE */
	unsigned cr3_writes;			/* RT_SET_CR3 */
	unsigned freed_after_last;		/* frees after the last load */
	unsigned n_loads;			/* may exceed ROOTS_MAX_LOADS; */
	struct roots_load loads[ROOTS_MAX_LOADS];	/* first ones kept */
	unsigned n_findings;			/* may exceed ROOTS_MAX_FINDINGS */
	struct roots_finding f[ROOTS_MAX_FINDINGS];
	unsigned untracked;	/* roots past ROOTS_MAX_TRACKED: not judged */
	uint8_t feat[ROOTS_FEAT_N];
};

/*
 * Judge one run's events (in trace order).  exit_hist (RT_EXIT_BUCKETS
 * counts) only feeds the feature vector; when NULL, the trace's RT_EXITS
 * records (rootrace_collect appends them) are used.  Never fails: events
 * of unknown kind are ignored, root events before the first load are
 * counted but not judged (no context).
 */
void roots_eval(const struct rootrace_event *ev, size_t n, const uint64_t *exit_hist,
		struct roots_result *res);

struct oracle_result;
/*
 * Cross-check with the architectural model (oracles/oracle.h): every PAE
 * load's PDPTEs, as KVM read them, must be PDPTE register contents the
 * guest had at some point of the program (oracle_eval's op_expect.pdpte);
 * else a ROOTS_PDPTE finding is added to res: KVM built roots from PDPTEs
 * the guest never loaded.  Returns the number of findings added.
 */
int roots_check_model(struct roots_result *res, const struct oracle_result *model);

/* One line per event: kind, CR3, gfn, level, role bits, new/existing. */
void rootrace_print(FILE *f, const struct rootrace_event *ev, size_t n);
/* Role word as "l2 q0 wp nx 4b ..." into buf.  Returns buf. */
char *roots_role_str(uint32_t role, char *buf, size_t len);
/* Totals, per-load table and findings. */
void roots_print(FILE *f, const struct roots_result *res);
/* Side-by-side root counts per load, baseline vs candidate. */
void roots_print_compare(FILE *f, const char *name_a, const struct roots_result *a,
			 const char *name_b, const struct roots_result *b);

#endif /* MMUFUZZ_ROOTS_H */
