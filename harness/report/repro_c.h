/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated reproducers that need nothing of mmufuzz:
 *   repro_c_write()         standalone C on the raw KVM API
 *   repro_selftest_write()  a KVM selftest (tools/testing/selftests/kvm/
 *                           x86_64/) on the selftests library
 * Both embed the guest's low region (the stub and the program's layout,
 * guest_image.h), set the same CPU state and CPUID the executor sets, run
 * the program once and check every op against the oracle's allowed set,
 * embedded as a table.  Exit (C): 0 the architecture holds, 1 the bug
 * shows (a violation, or KVM failed the guest), 2 setup error.
 */
#ifndef MMUFUZZ_REPRO_C_H
#define MMUFUZZ_REPRO_C_H

#include <stdio.h>
#include "harness/program/prog.h"
#include "oracles/oracle.h"

/* `headline` goes into the file's top comment (verdict, kernels).
 * Returns 0, or -EINVAL when p does not fit the stub. */
int repro_c_write(FILE *f, const struct program *p, const struct oracle_result *expect,
		  const char *headline);
int repro_selftest_write(FILE *f, const struct program *p, const struct oracle_result *expect,
			 const char *headline, const char *test_name);

#endif /* MMUFUZZ_REPRO_C_H */
