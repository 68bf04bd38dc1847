/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The set of KVM PCs many runs of one "+cov" kernel hit, written as a
 * coverage RECORD (kernels/cov/resolve.sh's format: the loaded modules'
 * "section" and "buildid" lines, then one "pc LABEL 0xPC" line per PC),
 * which kernels/cov/lcov.sh and report.sh turn into line coverage.
 * Shared by the engines (MMUFUZZ_KCOV_RECORD) and the end-of-campaign
 * patch coverage (harness/campaign/patchcov.h).
 *
 * A PC means something only with the section bases of the boot it was
 * taken in, so the set keeps the module lines of the first run that had
 * them and takes PCs only from runs whose module lines are the same (a
 * VM restarted on another layout would otherwise map its PCs to the
 * wrong lines); the others are counted in `foreign`.
 */
#ifndef MMUFUZZ_JUDGE_KCOVSET_H
#define MMUFUZZ_JUDGE_KCOVSET_H

#include <stddef.h>
#include <stdint.h>
#include "harness/judge/diffrun.h"

struct kcov_set {
	uint64_t *slot;			/* open addressing, 0 = empty */
	size_t n;			/* distinct PCs held */
	char *modules;			/* the record lines of the boot */
	size_t modules_len;
	unsigned long runs;		/* runs whose PCs were taken */
	unsigned long foreign;		/* runs skipped: other module lines */
	int full;			/* PCs were dropped: the set is full */
};

/* An empty set (no memory until the first PC).  Never fails. */
void kcov_set_init(struct kcov_set *s);
void kcov_set_free(struct kcov_set *s);

/*
 * Add one run's PCs (c from a diffrun_opts.kcov_pcs run; a run without
 * coverage or without module lines adds nothing).  0, or -ENOMEM (the
 * set is unchanged).
 */
int kcov_set_add(struct kcov_set *s, const struct diffrun_kcov *c);

/*
 * Write the record to path (via path.tmp and rename: a reader never sees
 * half a file), every PC labelled `label`.  0, -ENODATA when no run gave
 * module lines (nothing to resolve PCs against), or -errno of the write.
 */
int kcov_set_write(const struct kcov_set *s, const char *path, const char *label);

#endif /* MMUFUZZ_JUDGE_KCOVSET_H */
