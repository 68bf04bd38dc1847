/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The root oracle: judges the shadow roots KVM actually enters the guest
 * with, from the root tracer's events of one run (harness/bpf/rootrace.h).
 * Pure C over the events; no KVM or BPF headers.
 *
 * Ground truth.  The rules read RT_ROOT_SNAP records (and the
 * RT_ROOT_ENTRY records after them): at a VM entry after a root change,
 * the root KVM will run the guest on -- its page and, for a PAE root, its
 * four entries and the shadow page each present one points at -- next to
 * the guest's architectural state at that moment (CR0/CR3/CR4/EFER and
 * the PDPTEs KVM loaded).  Shadow pages are told apart by address, never
 * by (gfn, role): a design may key a root by something outside the role,
 * and share one root between slots whose PDPTs are the same.  Nothing is
 * inferred from the order of events; what a root was "built for" matters
 * only for the wording of a finding.
 *
 * Rules (each has a firing and a non-firing unit test in tests/test_roots.c):
 *   ROOTS_ALIAS  a PAE root entry shadows a table other than the one the
 *                guest's PDPTE names, and that table is what another PDPT
 *                on the same 4 KiB page named (an earlier snapshot shows
 *                it): the root serves the wrong PDPT.  Caught from the
 *                root's content, whether or not a probe reads through it.
 *   ROOTS_STALE  the same, where the table is what the same CR3's PDPTE
 *                named before: KVM kept a root across a PDPTE change.
 *   ROOTS_GFN    any other root that does not shadow the guest's tables:
 *                a PAE root entry whose page is not the guest's table
 *                (PAE: PDPTE i's page directory; 2-level guest: quarter i
 *                of CR3's directory, quadrant i; paging off: the direct
 *                map of GiB i), a present entry for a not-present PDPTE
 *                or the reverse, a long-mode root that is not CR3's frame.
 *   For PDPTEs, only P and the page directory's address count: that is
 *   all a shadow PAE root carries (a PWT/PCD-only change is no finding).
 *   ROOTS_ROLE   a page of the entered root (the root, each PAE child)
 *                whose role contradicts the guest's state: level, direct,
 *                cr0_wp, smep/smap_andnot_wp, has_4_byte_gpte.
 *   ROOTS_PDPTE  roots_check_model(): KVM's PDPTE registers at a load
 *                were never the guest's (the model's); diffrun applies it.
 * A root that stays wrong is reported once per (entry, shown table, CR3).
 */
#ifndef MMUFUZZ_ROOTS_H
#define MMUFUZZ_ROOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../harness/bpf/rootrace.h"

#define ROOTS_MAX_LOADS		64
#define ROOTS_MAX_FINDINGS	16
#define ROOTS_MAX_SNAPS		64	/* kept for naming a finding's origin */

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

/* One RT_ROOT_SNAP with its RT_ROOT_ENTRY records. */
struct roots_snap_page {
	uint64_t hpa;		/* root: root.hpa; entry: the entry's value */
	uint64_t gfn;		/* when sp */
	uint32_t role;		/* when sp (root: else KVM's root_role) */
	uint8_t sp;		/* a shadow page (struct kvm_mmu_page) */
};

struct roots_snap {
	struct roots_ctx ctx;	/* the guest's state at the entry */
	int event;		/* index of the RT_ROOT_SNAP */
	uint8_t level;		/* root_role level */
	uint8_t present;	/* bit i: PAE root entry i present */
	uint8_t missing;	/* bit i: present, but its record was lost */
	struct roots_snap_page root, ent[4];
};

struct roots_finding {
	uint8_t rule;		/* enum roots_rule */
	int8_t entry;		/* PAE root entry, -1: the root itself */
	int event;		/* index of the RT_ROOT_SNAP (or RT_MMU_LOAD) */
	int load;		/* index into loads[], -1 if none */
	uint64_t gfn;		/* the table the root (entry) shadows */
	uint32_t role;
	uint64_t cr3_built;	/* ALIAS/STALE: CR3 whose PDPTE named that table */
	uint64_t cr3_now;
	char what[240];
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
	unsigned snaps;		/* RT_ROOT_SNAP records judged */
	unsigned snaps_partial;	/* of them, with entry records lost */
	uint8_t feat[ROOTS_FEAT_N];
};

/*
 * Judge one run's events (in trace order).  exit_hist (RT_EXIT_BUCKETS
 * counts) only feeds the feature vector; when NULL, the trace's RT_EXITS
 * records (rootrace_collect appends them) are used.  Never fails: events
 * of unknown kind are ignored; a trace without RT_ROOT_SNAP records (a
 * kernel without the snapshot probe) gets counts but no ALIAS, STALE, GFN
 * or ROLE verdict (res->snaps says so); entries whose records were lost
 * are not judged (res->snaps_partial).
 */
void roots_eval(const struct rootrace_event *ev, size_t n, const uint64_t *exit_hist,
		struct roots_result *res);

struct oracle_result;
/*
 * Cross-check with the architectural model (oracles/oracle.h): every PAE
 * load's PDPTEs, as KVM read them, must be PDPTE register contents the
 * guest had at some point of the program (oracle_eval's op_expect.pdpte);
 * else a ROOTS_PDPTE finding is added to res: KVM built roots from PDPTEs
 * the guest never loaded.  Loads with a direct (TDP) root are not judged:
 * with NPT, KVM's PDPTE copy is not what the CPU uses.  Returns the number
 * of findings added.
 */
int roots_check_model(struct roots_result *res, const struct oracle_result *model);

/* One line per event: kind, CR3, gfn, level, role bits, new/existing. */
void roots_print_events(FILE *f, const struct rootrace_event *ev, size_t n);
/* Role word as "l2 q0 wp nx 4b ..." into buf.  Returns buf. */
char *roots_role_str(uint32_t role, char *buf, size_t len);
/*
 * One finding as reports say it: the rule's name, what the rule means,
 * then its facts (which root entry shadows which guest table, and what
 * the guest's own PDPTE says instead), e.g. "alias (a root entry
 * shadows the table another PDPT of the same page names): CR3 0x20020:
 * root entry 1 ... shadows gfn 0x21 q0, PDPTE1 of CR3 0x20000 ...; the
 * guest's PDPTE1 is 0x22001".  Cut to len.  Returns buf.
 */
char *roots_finding_format(char *buf, size_t len, const struct roots_finding *f);
/* Totals, per-load table and findings (roots_finding_format's lines). */
void roots_print(FILE *f, const struct roots_result *res);
/* Side-by-side root counts per load, baseline vs candidate. */
void roots_print_compare(FILE *f, const char *name_a, const struct roots_result *a,
			 const char *name_b, const struct roots_result *b);

#endif /* MMUFUZZ_ROOTS_H */
