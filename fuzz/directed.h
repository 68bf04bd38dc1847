/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patch-directed scheduling (issue 13, "Directed at the patch"), the way
 * syzkaller's diff mode focuses on modified code: inputs that make the
 * candidate's KVM run the patch's own code are mutated more often.
 *
 * The candidate must be a "+cov" kernel with a patch.  mmufuzz fuzz
 * lists the patch's callback sites once (kernels/cov/patch-sites.sh:
 * "line" sites on changed lines, "func" sites elsewhere in the functions
 * holding them) and names the list and a pool folder to the drivers:
 *
 *   MMUFUZZ_PATCH_SITES   the site list; the driver then asks the
 *                         candidate's agent for each run's PCs
 *   MMUFUZZ_DIRECTED_POOL the pool: inputs that reached patch sites,
 *                         one NNNNNN-HASH.bin each (engine bytes, as
 *                         mmufuzz convert reads them; written whole,
 *                         then renamed)
 *   MMUFUZZ_DIRECTED_P    percent of mutations that start from a pool
 *                         input instead of the engine's pick (default 50)
 *
 * The driver (engine.c) matches each run's PCs against the sites and
 * admits an input to the pool when it reached a site no pool input had
 * reached, or reached as many "line" sites as the best so far (at most
 * DIRECTED_POOL_MAX inputs; past that only novelty gets in, replacing
 * the oldest).  The mutator (mutator.c; in AFL++ it lives in afl-fuzz's
 * process, hence a folder and not memory) starts a share of its
 * mutations from a pool input.  KVM's edge feedback still decides what
 * the engine keeps; the pool only decides where mutation starts.
 */
#ifndef MMUFUZZ_FUZZ_DIRECTED_H
#define MMUFUZZ_FUZZ_DIRECTED_H

#include <stddef.h>
#include <stdint.h>

#define DIRECTED_MAX_SITES 8192
#define DIRECTED_POOL_MAX 64

enum directed_tier { DIRECTED_LINE, DIRECTED_FUNC };

struct directed_site {
	char module[32], section[32];
	uint64_t off;			/* recorded PC - section base */
	enum directed_tier tier;
	char where[96];			/* FILE:LINE FUNCTION, for messages */
};

struct directed {
	struct directed_site site[DIRECTED_MAX_SITES];
	unsigned n, n_line;
	/* The sites' PCs in the boot whose module lines were last seen,
	 * sorted with their indices; rebuilt when the modules move. */
	uint64_t pc[DIRECTED_MAX_SITES];
	unsigned idx[DIRECTED_MAX_SITES];
	unsigned n_pc;
	char *modules;			/* the module lines they came from */
	size_t modules_len;
	/* What the campaign reached, and what the pool holds. */
	unsigned long hits[DIRECTED_MAX_SITES];	/* runs that reached each */
	uint8_t in_pool[DIRECTED_MAX_SITES];	/* a pool input reached it */
	unsigned reached_line, reached_func;
	unsigned best_line;		/* most "line" sites one run reached */
	char pool[4096];
	char pool_names[DIRECTED_POOL_MAX][32];
	unsigned pool_n, pool_next;	/* entries; the oldest's slot */
	unsigned long admitted;
	unsigned long runs;		/* runs matched */
};

/*
 * Read the site list (patch-sites.sh's format) into d; the pool folder is
 * created if missing.  0, or -errno with "FILE:LINE: what" in err.
 */
int directed_open(struct directed *d, const char *sites, const char *pool,
		  char *err, size_t errlen);

/*
 * Match one run: modules are the boot's "section MOD NAME 0xBASE" lines
 * (diffrun_kcov.modules), pcs its sorted distinct PCs.  Counts the sites
 * reached, and admits data to the pool as above.  Returns the number of
 * "line" sites the run reached, or -errno when the pool could not be
 * written (the run still counted).
 */
int directed_take(struct directed *d, const char *modules, size_t modules_len,
		  const uint64_t *pcs, size_t n_pcs, const uint8_t *data, size_t size);

/* "patch sites reached while fuzzing: line L/N, func F/M; pool P
 * input(s), A admitted in R run(s)[; K mutation(s) started from it]" (K:
 * this process's picks, when there were any). */
void directed_summary(const struct directed *d, char *out, size_t cap);

/*
 * The mutator's side: with MMUFUZZ_DIRECTED_POOL set and a non-empty
 * pool, for MMUFUZZ_DIRECTED_P percent of seeds copy one pool input
 * (chosen by seed) into data (room for max) and return its size; else
 * (or when nothing fits) return 0 and leave data alone.  The folder is
 * re-read when its mtime changes.
 */
size_t directed_pick(uint8_t *data, size_t max, unsigned seed);

/* Picks made by this process (for tests and the driver's summary). */
unsigned long directed_picks(void);

#endif /* MMUFUZZ_FUZZ_DIRECTED_H */
