/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproducers for a finding, written into one folder:
 *   repro.mmu        the (minimized) program, replayable with mmufuzz run
 *   report.txt       the 80-column mailing-list report (report.h)
 *   repro.c          standalone C, KVM API only (repro_c.c)
 *   mmufuzz_repro_test.c  a KVM selftest for tools/testing/selftests/kvm/x86_64/
 * Files are written atomically; an existing file is never replaced (a
 * fresh name is used, see finding_fresh_path).
 */
#ifndef MMUFUZZ_REPRO_H
#define MMUFUZZ_REPRO_H

#include "harness/judge/diffrun.h"

/* File (and test) name of the generated selftest. */
#define REPRO_SELFTEST_NAME "mmufuzz_repro_test"

/*
 * Write every reproducer for p into dir (created if needed).  r is the
 * run that shows the finding (may be NULL: expectations only).  kernels
 * is "baseline,candidate".  Returns the number of files written, or
 * -errno (files already written stay).  Each path written, and the file
 * that failed with its reason, is said (harness/core/say.h).
 */
int repro_write_all(const char *dir, const struct program *p, const struct diffrun_result *r,
		    const char *kernels);

/* Write text atomically to a fresh path dir/base.  0 or -errno; out gets the path. */
int repro_write_text(const char *dir, const char *base, const char *text, size_t len,
		     char *out, size_t cap);

#endif /* MMUFUZZ_REPRO_H */
