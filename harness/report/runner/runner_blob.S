/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reproducer runners' source text, embedded into the report layer's
 * library (repro_c.c writes it out verbatim).  The same files are compiled
 * in the normal build (harness/report/report.mk), so the text emitted is
 * text that compiles.  make assembles this from the tree's root, so
 * the .incbin paths start there.
 */
	.section .rodata
	.globl repro_runner_common, repro_runner_common_end
	.globl repro_runner_standalone, repro_runner_standalone_end
	.globl repro_runner_selftest, repro_runner_selftest_end
repro_runner_common:
	.incbin "harness/report/runner/common.c"
repro_runner_common_end:
repro_runner_standalone:
	.incbin "harness/report/runner/standalone.c"
repro_runner_standalone_end:
repro_runner_selftest:
	.incbin "harness/report/runner/selftest.c"
repro_runner_selftest_end:
	.section .note.GNU-stack, "", @progbits
