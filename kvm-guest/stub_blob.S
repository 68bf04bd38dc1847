/* SPDX-License-Identifier: GPL-2.0 */
/* The stub image, embedded into the host library (harness/exec/executor.c). */
	.section .rodata
	.balign 16
	.globl stub_image_start, stub_image_end
stub_image_start:
	.incbin STUB_BIN
stub_image_end:
	.section .note.GNU-stack, "", @progbits
