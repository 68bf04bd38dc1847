/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plain-text report for a mailing-list reply: 80 columns, no tabs,
 * what a KVM reviewer needs to judge a finding without running anything:
 * kernels compared, verdict, the program, expected vs observed per op,
 * the root trace, and the command that reproduces it.
 */
#ifndef MMUFUZZ_REPORT_H
#define MMUFUZZ_REPORT_H

#include <stdio.h>
#include "harness/judge/diffrun.h"

#define REPORT_COLS 80

/*
 * Write the report.  r may come from a run (observations) or be NULL
 * (then only the oracle's expectations are shown).  kernels names the
 * kernels in order (baseline first); mmu_name is the program's file name
 * as it will be attached.  Every line is at most REPORT_COLS columns.
 */
void report_mail(FILE *f, const struct program *p, const struct diffrun_result *r,
		 const char *kernels, const char *mmu_name);

/* What a kernel variant is, from kernels/cache/variants/<name>/info (no name). */
void report_kernel_line(const char *name, char *buf, size_t cap);

#endif /* MMUFUZZ_REPORT_H */
