/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the architectural oracle, shared by oracles/oracle_*.c only.
 *
 * State of the model while it walks a program: control registers, PAE
 * PDPTE registers, guest-physical memory (copy-on-write over the layout's
 * initial contents), and a "may still be cached" set of TLB and
 * paging-structure-cache entries.  The cache set only ever grows by
 * walks and shrinks by the invalidations the manuals REQUIRE, so every
 * outcome a real TLB could produce is in the allowed set (SDM vol. 3
 * 4.10.2-4.10.4, APM vol. 2 5.5).
 */
#ifndef MMUFUZZ_ORACLE_INT_H
#define MMUFUZZ_ORACLE_INT_H

#include <stdint.h>
#include "oracle.h"
#include "../harness/core/x86.h"

/* CR0 bits the SDM defines; a MOV to CR0 from 32-bit code drops the
 * others (op_cr0). */
#define ORACLE_CR0_KNOWN (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_ET | \
			  X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_NW | X86_CR0_CD | \
			  X86_CR0_PG)

enum access { ACC_READ = 0, ACC_WRITE, ACC_FETCH };

/* ---- memory (oracle_mem.c) ---- */

enum mem_class {
	MEM_TABLE = 0,		/* arena or fixed low tables: modelled, writable */
	MEM_DATA,		/* tagged data frame: modelled, constant */
	MEM_HARNESS,		/* stub memory: contents not modelled */
	MEM_MMIO,		/* beyond guest RAM */
};

#define OM_TABLE_PAGES	(LAYOUT_ARENA_PAGES + 6)

struct om_mem {
	uint8_t present[OM_TABLE_PAGES];	/* page copied into data[] */
	uint64_t data[OM_TABLE_PAGES][512];
	/* A/D bits the CPU may have set, per 8-byte word (bits 5 and 6 of
	 * either dword: mask bits 5,6 for the low, 37,38 for the high). */
	uint64_t unc[OM_TABLE_PAGES][512];
	/* A/D bits the CPU has certainly set (they are in data too): what
	 * mmufuzz explain lists as required. */
	uint64_t set[OM_TABLE_PAGES][512];
};

enum mem_class om_class(uint64_t gpa);
/* Read width (4 or 8) bytes at an aligned gpa of MEM_TABLE or MEM_DATA
 * memory.  Other classes read as 0 (callers check om_class first). */
uint64_t om_read(const struct om_mem *m, uint64_t gpa, int width);
/* A/D bits of the aligned entry at gpa that may differ from om_read. */
uint64_t om_unc(const struct om_mem *m, uint64_t gpa, int width);
/* A/D bits of the entry at gpa that the CPU has certainly set. */
uint64_t om_cpu_set(const struct om_mem *m, uint64_t gpa, int width);
/* Store to MEM_TABLE memory (aligned); clears the A/D uncertainty of the
 * bytes written.  Ignored for other classes. */
void om_write(struct om_mem *m, uint64_t gpa, int width, uint64_t value);
/* Note that the CPU may set bits (A and D) of the entry at gpa. */
void om_mark_ad(struct om_mem *m, uint64_t gpa, int width, uint64_t bits);
/* The CPU has certainly set bits (A and D) of the entry at gpa. */
void om_set_ad(struct om_mem *m, uint64_t gpa, int width, uint64_t bits);
/* The model's state of the bits of the aligned 8-byte word at gpa. */
struct om_bits {
	uint64_t data, unc, set;
};
void om_get_bits(const struct om_mem *m, uint64_t gpa, struct om_bits *b);
/* Put back the bits in mask of the word at gpa as om_get_bits saw them. */
void om_put_bits(struct om_mem *m, uint64_t gpa, uint64_t mask, const struct om_bits *b);
void om_reset(struct om_mem *m);
/* Whether [gpa, gpa+width) overlaps a harness entry of the fixed tables. */
int om_protected(uint64_t gpa, int width);

/* ---- TLB model and walks (oracle_walk.c) ---- */

/*
 * TLB freedom as history.  A CPU may cache any translation its paging
 * structures allowed at any time, speculatively too (SDM 4.10.2.3,
 * 4.10.3.1; KVM's PTE prefetch on unsync pages does this), and keep it
 * until an invalidation that covers it.  So a walk may use, at every
 * level, the entry's current value or any value it held that was
 * overwritten after the last invalidation covering the VA: INVLPG of
 * the page, a #PF seen on it or a full flush; MOV CR3 (and SMEP 0->1)
 * only for non-global translations.  Values that were not present or had
 * reserved bits were never cached.  Which values can meet in one
 * translation: struct xlate from_max / tlb_by.
 */
struct hist {
	uint64_t gpa;		/* 8-byte aligned word */
	uint64_t old;		/* its value before the store */
	uint32_t seq;		/* op sequence of the overwrite */
};

struct inval {
	uint64_t vpn;		/* va >> 12 of an INVLPG or an observed #PF */
	uint32_t seq;
};

/*
 * An address space left by a MOV CR3 while CR4.PGE = 1: its global
 * translations may survive the MOV (SDM 4.10.2.4, 4.10.4.1), so walks of
 * the old root stay allowed for global leaves cached before `until`.
 */
struct oldroot {
	uint64_t cr3;
	uint64_t pdpte[4];
	uint32_t until;		/* op sequence of the MOV CR3 that left it */
};

#define HIST_MAX	128
#define INVAL_MAX	PROG_MAX_OPS
#define WIPE_MAX	PROG_MAX_OPS
#define OLDROOT_MAX	PROG_MAX_OPS	/* one per MOV CR3 at most */

#define XL_RIGHT_RW	1
#define XL_RIGHT_US	2
#define XL_RIGHT_XD	4

struct ostate {
	const struct oracle_cpu *cpu;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t pdpte[4];
	uint32_t seq;		/* current op index + 1 */
	uint32_t cut_full;	/* last flush of everything */
	uint32_t cut_ng;	/* last flush of non-global translations */
	uint32_t pse_seq;	/* last CR4.PSE change (not a flush) */
	uint32_t nxe_seq;	/* last EFER.NXE 1 -> 0 (not a flush) */
	uint8_t nxe_ever;	/* EFER.NXE was 1 at some point of the run */
	uint8_t pse_seen[2];	/* a 32-bit walk ran under CR4.PSE = 0 / 1 */
	uint8_t hist_lost;	/* history overflowed: outcomes unbounded */
	uint8_t pdpte0_unsure;	/* TCG may not have re-walked PDPTE 0 since a
				 * program store to it (tcg_pdpte0_accessed) */
	uint16_t n_hist, n_inval, n_wipe, n_oldroot;
	struct hist hist[HIST_MAX];
	struct inval inval[INVAL_MAX];
	/* Ops that emptied every paging-structure cache but not the TLBs:
	 * INVLPG of any address, MOV CR3, CR4.SMEP 0 -> 1 (SDM 4.10.4.1). */
	uint32_t wipe[WIPE_MAX];
	struct oldroot oldroot[OLDROOT_MAX];
	struct om_mem mem;
};

/* One translation the model allows. */
struct xlate {
	uint8_t fault;		/* 0, 1 = not present, 2 = reserved bit */
	uint8_t unmodelled;	/* walked through memory the model lacks */
	uint8_t fresh;		/* every entry is the current memory value */
	uint8_t need_global;	/* used a value only a global entry keeps */
	uint8_t rights;
	uint8_t global;
	uint8_t leaf_level;
	uint64_t gpa;
	uint8_t n;
	struct walk_step step[6];
	uint8_t cur[6];		/* step i read the current memory value */
	/* When a combination of entry values can exist (op sequences):
	 * the newest value used became current at op `from_max`; a cached
	 * translation holding a stale value must have been made before
	 * `tlb_by` (a stale leaf is overwritten there, a stale non-leaf
	 * leaves the paging-structure caches, an old root is left).
	 * emit() keeps the translation only if from_max < tlb_by. */
	uint32_t from_max;
	uint32_t tlb_by;
};

#define XL_MAX	24

enum oracle_paging_mode os_mode(const struct ostate *s);
int os_is_canonical(uint64_t va);
/* The VA an op uses: all 64 bits in long mode, the low 32 otherwise. */
uint64_t os_op_va(const struct ostate *s, uint64_t addr);
/* All translations of va the model allows (the fresh walk first).
 * Returns the count; sets *overflow when more than max existed. */
int os_translate(struct ostate *s, uint64_t va, struct xlate *out, int max, int *overflow);
/* After an access: A (and D for a permitted write) on the entries the
 * walks may have read from memory.  Certain (SDM 4.8) when the access
 * completed through its one allowed translation, the fresh walk; only
 * possible otherwise.  over: os_translate() overflowed. */
void os_after_access(struct ostate *s, const struct xlate *xl, int n, enum access acc, int over);
/* Whether translation x permits acc at CPL0 under the current CR0/CR4/EFER. */
int os_permits(const struct ostate *s, const struct xlate *x, enum access acc);
/* #PF error codes a fault of x on acc may carry (1 to 4 variants). */
int os_pf_codes(const struct ostate *s, const struct xlate *x, enum access acc, uint32_t ec[4]);
/* Invalidations: everything / non-global / one page (SDM 4.10.4.1). */
void os_flush_all(struct ostate *s);
void os_flush_nonglobal(struct ostate *s);
void os_invlpg(struct ostate *s, uint64_t va);
/* A #PF on va: the TLB entries for its page and the paging-structure
 * cache entries that would be used for va go (SDM 4.10.4.1). */
void os_pf_inval(struct ostate *s, uint64_t va);
/* MOV CR3 to new_cr3: remember the root left when globals may outlive it. */
void os_leave_root(struct ostate *s, uint64_t new_cr3);
/* A program store to paging memory: remembers the old value. */
void os_store(struct ostate *s, uint64_t gpa, int width, uint64_t value);

/* The model's memory after evaluating p under cpu, following the
 * observations obs when non-NULL (re-evaluates into thread-local scratch;
 * valid until the next evaluation on the thread). */
const struct om_mem *oe_final_memory(const struct program *p, const struct oracle_cpu *cpu,
				     const struct run_obs *obs);

/* ---- allowed sets (oracle_set.c) ---- */
/* Add o to e's allowed set unless present.  Returns 0, or -1 when the set
 * is full: o is dropped and e->unbounded set (any observation passes). */
int oset_add(struct op_expect *e, const struct outcome *o);

/* ---- probes (oracle_probe.c) ---- */
/* Expected outcomes of a READ/WRITE/FETCH at addr; updates A/D and the
 * cache set.  *harness_why is set when the probe could break the harness
 * or leave the model unable to follow (left NULL otherwise). */
void oe_probe(struct ostate *s, enum prog_op_kind kind, uint64_t addr,
	      struct op_expect *e, const char **harness_why);

#endif /* MMUFUZZ_ORACLE_INT_H */
