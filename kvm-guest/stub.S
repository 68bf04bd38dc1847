/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest stub: runs a program's ops inside the KVM guest, one result
 * per op, one exit to the host per run (plus MMIO exits of probes).
 * The contract with the host is kvm-guest/stub_abi.h.
 *
 * Why one interpreter in 32-bit code: it runs unchanged in legacy
 * protected mode (paging off, 32-bit, PAE) and in long mode's
 * compatibility mode, so the program can switch modes under it.  Long
 * mode ops that need 64-bit addresses far-jump to a 64-bit code segment
 * and far-return.  Exception handlers exist for both IDTs; each records
 * the fault and restarts the interpreter at the next op with a fresh
 * stack, so a faulting op never needs to be resumed.
 */
#include "stub_abi.h"

/* enum prog_op_kind (harness/core/program.h); host code checks they agree. */
#define K_CR0		0
#define K_CR3		1
#define K_CR4		2
#define K_EFER		3
#define K_PTE		4
#define K_INVLPG	5
#define K_READ		6
#define K_WRITE		7
#define K_FETCH		8
#define K_COUNT		9

/* enum op_status (harness/core/observation.h) */
#define S_DONE		1
#define S_EXCEPTION	2

#define CTL		LAYOUT_OPS_BASE
#define RES		LAYOUT_RESULTS_BASE
#define MSR_EFER	0xc0000080

/* Report a broken input with the stub line; usable in 32- and 64-bit code. */
#define STUB_FAIL(val)	movl $__LINE__, CTL + CTL_ASSERT_LINE; \
			movl val, %eax; movl %eax, CTL + CTL_ASSERT_VAL; \
			jmp assert_fail

	.text
	.code32
	.globl _start
_start:
header:
	.long STUB_MAGIC
	.long entry
	.long h32_0
	.long h64_0
	.long 16
	.long STUB_NVEC

entry:
	movl $LAYOUT_STACK_TOP, %esp
	cld
	cmpl $STUB_CTL_MAGIC, CTL + CTL_MAGIC
	je 1f
	STUB_FAIL(CTL + CTL_MAGIC)
1:	cmpl $STUB_MAX_OPS, CTL + CTL_N_OPS
	jbe 2f
	STUB_FAIL(CTL + CTL_N_OPS)
2:	movl CTL + CTL_N_WRITES, %ecx
	cmpl $STUB_MAX_WRITES, %ecx
	jbe 3f
	STUB_FAIL(%ecx)
/* A warm start: the host left KVM's shadow pages in place and hands the
 * page-table changes to us, so that KVM's write tracking sees each one
 * (harness/exec/executor.h).  STOS, not MOV: KVM's emulator marks MOV
 * "PageTable" and emulates every such store into a shadowed table (an
 * exit each, about 100 us under TCG), while a STOS that faults on one
 * makes KVM unprotect the page (zap its shadow pages) and run it again,
 * so the rest of that page's stores cost nothing.  In long mode the
 * tables may be reachable from CR3 (LOW_PML4's free entries): reload
 * it, so no translation from the last program survives, as after a clean
 * start.  With paging off there is nothing to flush; turning it on
 * flushes. */
3:	testl %ecx, %ecx
	jz 5f
	movl $STUB_WRITES, %esi
4:	movl (%esi), %edi
	movl 4(%esi), %eax
	stosl
	addl $8, %esi
	decl %ecx
	jnz 4b
	cmpl $0, CTL + CTL_LMA
	je 5f
	movl %cr3, %eax
	movl %eax, %cr3
5:	call load_idt
	movl $-1, CTL + CTL_CUR_OP

/* Also the resume point of every exception handler. */
next_op:
	movl $LAYOUT_STACK_TOP, %esp
	movl CTL + CTL_CUR_OP, %eax
	incl %eax
	movl %eax, CTL + CTL_CUR_OP
	cmpl CTL + CTL_N_OPS, %eax
	jae done
	movl %eax, %esi
	shll $5, %esi
	addl $CTL + CTL_OPS, %esi		/* esi = struct stub_op * */
	movl %eax, %edi
	shll $5, %edi
	addl $RES, %edi				/* edi = struct stub_res * */
	movl OPE_KIND(%esi), %ecx
	cmpl $K_COUNT, %ecx
	jb 1f
	STUB_FAIL(%ecx)
1:	jmp *op_table(, %ecx, 4)

op_done:
	movl $S_DONE, RES_STATUS(%edi)
	jmp next_op

done:
	movl $STUB_UCALL_DONE, %eax
	movw $STUB_UCALL_PORT, %dx
	outl %eax, %dx
	jmp done

/* Also reached from 64-bit code: these encodings mean the same there. */
assert_fail:
	movl $STUB_UCALL_ASSERT, %eax
	movw $STUB_UCALL_PORT, %dx
	outl %eax, %dx
	jmp assert_fail

/* LIDT the table matching ctl.lma.  The 6-byte operand form is right in
 * legacy and compatibility mode alike. */
load_idt:
	cmpl $0, CTL + CTL_LMA
	jne 1f
	lidt idtr32
	ret
1:	lidt idtr64
	ret

/* After a CR0 or EFER write: LMA = CR0.PG && EFER.LME (architecturally
 * LME cannot change while PG=1, and PG=1 with LME activates long mode). */
sync_mode:
	xorl %eax, %eax
	testl $STUB_CR0_PG, CTL + CTL_CR0
	jz 1f
	testl $STUB_EFER_LME, CTL + CTL_EFER
	jz 1f
	movl $1, %eax
1:	cmpl %eax, CTL + CTL_LMA
	je 2f
	movl %eax, CTL + CTL_LMA
	call load_idt
2:	ret

/* CR0 always runs here, also in long mode (compatibility mode), so that
 * clearing CR0.PG leaves long mode; CR3/CR4 run in 64-bit code in long
 * mode so that all 64 bits of the value reach the register. */
#define CR_64_IN_LM	cmpl $0, CTL + CTL_LMA; jne go64

op_cr0:
	movl OPE_VALUE(%esi), %eax
	movl %eax, %cr0
	movl %eax, CTL + CTL_CR0
	movl $0, CTL + CTL_CR0 + 4
	call sync_mode
	jmp op_done

op_cr3:
	CR_64_IN_LM
	movl OPE_VALUE(%esi), %eax
	movl %eax, %cr3
	jmp op_done

op_cr4:
	CR_64_IN_LM
	movl OPE_VALUE(%esi), %eax
	movl %eax, %cr4
	jmp op_done

op_efer:
	movl $MSR_EFER, %ecx
	movl OPE_VALUE(%esi), %eax
	movl OPE_VALUE + 4(%esi), %edx
	wrmsr
	movl %eax, CTL + CTL_EFER
	movl %edx, CTL + CTL_EFER + 4
	call sync_mode
	jmp op_done

/* Memory ops: in long mode all of them run in 64-bit code. */
#define MEM_NEEDS_64	cmpl $0, CTL + CTL_LMA; jne go64

op_pte:
	MEM_NEEDS_64
	movl OPE_ADDR(%esi), %ebp
	movl OPE_VIA(%esi), %eax
	orl OPE_VIA + 4(%esi), %eax
	jz 1f
	movl OPE_VIA(%esi), %ebp
1:	movl OPE_WIDTH(%esi), %eax
	cmpl $8, %eax
	je 3f
	cmpl $4, %eax
	je 2f
	STUB_FAIL(OPE_WIDTH(%esi))
2:	movl OPE_VALUE(%esi), %eax
	movl %eax, (%ebp)
	jmp op_done
	/* The first access is the locked RMW itself, so a fault reports a
	 * write, as a plain store would. */
3:	movl OPE_VALUE(%esi), %ebx
	movl OPE_VALUE + 4(%esi), %ecx
	xorl %eax, %eax
	xorl %edx, %edx
4:	lock cmpxchg8b (%ebp)
	jnz 4b
	jmp op_done

op_invlpg:
	MEM_NEEDS_64
	movl OPE_ADDR(%esi), %eax
	invlpg (%eax)
	jmp op_done

op_read:
	MEM_NEEDS_64
	movl OPE_ADDR(%esi), %ebp
	movl (%ebp), %eax
	movl %eax, RES_VALUE(%edi)
	jmp op_done

op_write:
	MEM_NEEDS_64
	movl OPE_ADDR(%esi), %ebp
	movl (%ebp), %eax
	movl %eax, RES_VALUE(%edi)
	movl %eax, (%ebp)
	jmp op_done

op_fetch:
	MEM_NEEDS_64
	movl OPE_ADDR(%esi), %ebp
	call *%ebp
	/* The fetched code may clobber anything but eax: recompute. */
	movl CTL + CTL_CUR_OP, %edi
	shll $5, %edi
	addl $RES, %edi
	movl %eax, RES_VALUE(%edi)
	jmp op_done

go64:
	ljmp $STUB_SEL_CODE64, $op64

/* Back from 64-bit code (no 64-bit op changes EFER.LMA). */
back32:
	movl CTL + CTL_CUR_OP, %edi
	shll $5, %edi
	addl $RES, %edi
	jmp op_done

	.balign 4
op_table:
	.long op_cr0, op_cr3, op_cr4, op_efer, op_pte
	.long op_invlpg, op_read, op_write, op_fetch

	.balign 8
idtr32:	.word STUB_IDT32_LIMIT
	.long STUB_IDT32
	.balign 8
idtr64:	.word STUB_IDT64_LIMIT
	.long STUB_IDT64

/* Exceptions in legacy mode.  Each entry is 16 bytes (header.stride). */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

	.macro H32 v
	.balign 16
h32_\v:
	.if HAS_ERR(\v)
	.else
	pushl $0
	.endif
	pushl $\v
	jmp h32_common
	.endm

	.balign 16
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	H32 \v
	.endr

/*
 * The exception record, in either mode's register width: with %ebx the
 * current op and the handler's vector and error code (or 0) on the stack,
 * RES[op] gets status, vector and error code; CR2 (a #PF's, else 0) is
 * left in \dx for the caller to store at its width, \bx at the record.
 */
	.macro EXC_RECORD pop, ax, cx, dx, bx
	shll $5, %ebx
	addl $RES, %ebx
	\pop \ax				/* vector */
	\pop \cx				/* error code or 0 */
	movl $S_EXCEPTION, RES_STATUS(\bx)
	movl %eax, RES_VECTOR(\bx)
	movl %ecx, RES_ERROR(\bx)
	xorl %edx, %edx
	cmpl $14, %eax
	jne 2f
	mov %cr2, \dx
2:
	.endm

h32_common:
	movl CTL + CTL_CUR_OP, %ebx
	cmpl $STUB_MAX_OPS, %ebx
	jb 1f
	STUB_FAIL((%esp))			/* fault outside any op */
1:	EXC_RECORD popl, %eax, %ecx, %edx, %ebx
	movl %edx, RES_CR2(%ebx)
	movl $0, RES_CR2 + 4(%ebx)
	movl $0, RES_VALUE(%ebx)
	movl $0, RES_VALUE + 4(%ebx)
	jmp next_op

/* ---- 64-bit code ---------------------------------------------------- */
	.code64
op64:
	/* Upper halves are undefined after compatibility mode: clear them. */
	movl %esp, %esp
	movl %esi, %esi
	movl %edi, %edi
	movl OPE_KIND(%rsi), %ecx
	movl op64_table(, %rcx, 4), %eax
	jmp *%rax

op64_cr3:
	movq OPE_VALUE(%rsi), %rax
	movq %rax, %cr3
	jmp ret32
op64_cr4:
	movq OPE_VALUE(%rsi), %rax
	movq %rax, %cr4
	jmp ret32

/* Data references go through %rdx, never %rsp/%rbp: with an SS-based
 * address a non-canonical VA is #SS, not the #GP the oracle models (QEMU
 * TCG gives #GP either way; real CPUs do not). */
op64_pte:
	movq OPE_ADDR(%rsi), %rdx
	movq OPE_VIA(%rsi), %rax
	testq %rax, %rax
	cmovnzq %rax, %rdx
	movq OPE_VALUE(%rsi), %rax
	cmpl $8, OPE_WIDTH(%rsi)
	je 1f
	movl %eax, (%rdx)
	jmp ret32
1:	movq %rax, (%rdx)
	jmp ret32

op64_invlpg:
	movq OPE_ADDR(%rsi), %rax
	invlpg (%rax)
	jmp ret32

op64_read:
	movq OPE_ADDR(%rsi), %rdx
	movl (%rdx), %eax
	movq %rax, RES_VALUE(%rdi)
	jmp ret32

op64_write:
	movq OPE_ADDR(%rsi), %rdx
	movl (%rdx), %eax
	movq %rax, RES_VALUE(%rdi)
	movl %eax, (%rdx)
	jmp ret32

op64_fetch:
	movq OPE_ADDR(%rsi), %rbp
	call *%rbp
	movl CTL + CTL_CUR_OP, %edi
	shll $5, %edi
	addl $RES, %edi
	movl %eax, %eax
	movq %rax, RES_VALUE(%rdi)
	jmp ret32

op64_bad:
	STUB_FAIL(%ecx)

ret32:
	pushq $STUB_SEL_CODE32
	pushq $back32
	lretq

	.balign 8
op64_table:
	.long op64_bad, op64_cr3, op64_cr4, op64_bad, op64_pte
	.long op64_invlpg, op64_read, op64_write, op64_fetch

/* Exceptions in long mode (64-bit handlers, IDT64). */
	.macro H64 v
	.balign 16
h64_\v:
	.if HAS_ERR(\v)
	.else
	pushq $0
	.endif
	pushq $\v
	jmp h64_common
	.endm

	.balign 16
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	H64 \v
	.endr

h64_common:
	movl CTL + CTL_CUR_OP, %ebx
	cmpl $STUB_MAX_OPS, %ebx
	jb 1f
	STUB_FAIL((%rsp))
1:	EXC_RECORD popq, %rax, %rcx, %rdx, %rbx
	movq %rdx, RES_CR2(%rbx)
	movq $0, RES_VALUE(%rbx)
	movl $LAYOUT_STACK_TOP, %esp
	pushq $STUB_SEL_CODE32
	pushq $next_op
	lretq
