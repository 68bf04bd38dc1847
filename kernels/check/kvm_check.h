/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernels/check programs (and kernels/cov/check's) share.  They
 * stay single-file KVM-API programs that link no project code, so the
 * helpers are static inline here; the architectural bits come from the
 * project's one x86 header (plain macros).  Define CHECK_NAME (the
 * program's name, for messages) before including.
 *
 * The shape is the selftests' one VM with one vCPU:
 *   check_vm_create()    VM, MEM bytes of anonymous memory at GPA 0 in
 *                        slot 0, vCPU 0 with its kvm_run mapped
 *   check_vcpu_add()     one more vCPU (pae_smp)
 *   check_vcpu_start()   flat 4 GiB segments, CR0/CR3/CR4/EFER, RIP, RSP
 *   check_vcpu_run()     one KVM_RUN, its exit reason
 *   check_exit_out32()   is the exit a 4-byte OUT; its port and value
 *   check_vm_destroy()
 * and a tiny emitter for the 32-bit guest code the checks hand-assemble.
 *
 * Every helper that can fail dies (exit 2, naming the call and errno): a
 * check that cannot set itself up is a setup error, never a verdict.
 */
#ifndef KVM_CHECK_H
#define KVM_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../harness/core/x86.h"

/* Selectors the flat segments carry (nothing reads a GDT: paging checks). */
#define CHECK_SEL_CODE	0x08
#define CHECK_SEL_DATA	0x10

/* A failed system call: say which and why, exit 2. */
static inline void die(const char *what)
{
	fprintf(stderr, CHECK_NAME ": %s: %s\n", what, strerror(errno));
	exit(2);
}

static inline int kvm_open(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		die("open /dev/kvm");
	return kvm;
}

static inline int kvm_create_vm(int kvm)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		die("KVM_CREATE_VM");
	return vm;
}

/*
 * Give the vCPU the CPUID KVM supports, as a VMM does.  Needed for long
 * mode set from the host: since 6.x KVM_SET_SREGS checks EFER.LME against
 * the guest's CPUID (no LM bit, no LME: EINVAL).  Dies on failure.
 */
static inline void kvm_set_supported_cpuid(int kvm, int vcpu)
{
	int n = 256;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

	if (!c)
		die("calloc");
	c->nent = n;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0)
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		die("KVM_SET_CPUID2");
	free(c);
}

struct check_vm {
	int kvm, fd;
	uint8_t *mem;		/* guest memory, GPA 0 .. mem_size */
	size_t mem_size;
	long run_size;		/* of every vCPU's kvm_run mapping */
	int vcpu;		/* vCPU 0 */
	struct kvm_run *run;	/* its kvm_run */
};

/* vCPU @id of @vm; its fd, its kvm_run in *run.  Dies on failure. */
static inline int check_vcpu_add(struct check_vm *vm, int id, struct kvm_run **run)
{
	int fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);

	if (fd < 0)
		die("KVM_CREATE_VCPU");
	*run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED)
		die("mmap kvm_run");
	return fd;
}

/*
 * A VM on @kvm with @mem_size bytes of zeroed memory at GPA 0 and vCPU 0.
 * The memory is the caller's to fill before the first KVM_RUN (KVM maps
 * it on the guest's first touch).  Dies on failure.
 */
static inline void check_vm_create(struct check_vm *vm, int kvm, size_t mem_size)
{
	struct kvm_userspace_memory_region region = { .slot = 0, .memory_size = mem_size };

	vm->kvm = kvm;
	vm->fd = kvm_create_vm(kvm);
	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest memory");
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vm->run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	vm->vcpu = check_vcpu_add(vm, 0, &vm->run);
}

/* vCPU 0 and the VM go (the kvm_run mapping pins the vCPU, the vCPU the VM). */
static inline void check_vm_destroy(struct check_vm *vm)
{
	munmap(vm->run, vm->run_size);
	close(vm->vcpu);
	close(vm->fd);
	munmap(vm->mem, vm->mem_size);
}

/* Where a check's guest starts. */
struct check_start {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rip, rsp;
	int code64;		/* CS.L = 1: 64-bit code (long mode set by the host) */
};

/* Flat 32-bit protected mode, paging off: the guest turns paging on. */
#define CHECK_CR0_PM	(X86_CR0_PE | X86_CR0_ET)

static inline void check_seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type, int l)
{
	*s = (struct kvm_segment){
		.limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .g = 1, .l = l, .db = !l,
	};
}

/*
 * Flat 4 GiB segments (CS execute/read, the others read/write, CPL 0),
 * @st's control registers, RIP and RSP, RFLAGS = 2.  Dies on failure.
 */
static inline void check_vcpu_start(int vcpu, const struct check_start *st)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = st->rip, .rsp = st->rsp, .rflags = 2 };

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	check_seg_flat(&sregs.cs, CHECK_SEL_CODE, 11, st->code64);
	check_seg_flat(&sregs.ds, CHECK_SEL_DATA, 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = st->cr0;
	sregs.cr3 = st->cr3;
	sregs.cr4 = st->cr4;
	sregs.efer = st->efer;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

/* One KVM_RUN; returns the exit reason.  Dies if the ioctl fails. */
static inline unsigned int check_vcpu_run(int vcpu, const struct kvm_run *run)
{
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		die("KVM_RUN");
	return run->exit_reason;
}

/* 1 and the port and value if the exit is a 4-byte OUT, else 0. */
static inline int check_exit_out32(const struct kvm_run *run, uint16_t *port, uint32_t *val)
{
	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.size != 4)
		return 0;
	*port = run->io.port;
	memcpy(val, (const uint8_t *)run + run->io.data_offset, 4);
	return 1;
}

/*
 * A PAE address space around one probe: the PDPTE at @pdpte points to the
 * page directory at @pd, which maps the first 2 MiB 1:1 (code, stack,
 * tables) and @va through the page table at @pd + 0x1000 to the frame at
 * @pd + 0x2000, whose first word is @tag.  Three pages from @pd.
 */
static inline void check_pae_probe_space(uint8_t *mem, uint64_t pdpte, uint64_t pd,
					 uint32_t va, uint32_t tag)
{
	const uint64_t prw = PTE_PRESENT_MASK | PTE_WRITABLE_MASK;
	uint64_t pt = pd + 0x1000, frame = pd + 0x2000;

	/* PAE PDPTEs have no R/W or U/S bits: those bits are reserved. */
	*(uint64_t *)(mem + pdpte) = pd | PTE_PRESENT_MASK;
	((uint64_t *)(mem + pd))[0] = 0 | prw | PTE_LARGE_MASK;
	((uint64_t *)(mem + pd))[va >> 21] = pt | prw;
	((uint64_t *)(mem + pt))[(va >> 12) & 511] = frame | prw;
	*(uint32_t *)(mem + frame) = tag;
}

/*
 * The guest code emitter: appends at c->p + c->n.  The caller sizes the
 * buffer (every check's code fits its code page many times over).
 */
struct check_code {
	uint8_t *p;
	size_t n;
};

static inline void check_emit(struct check_code *c, const void *b, size_t n)
{
	memcpy(c->p + c->n, b, n);
	c->n += n;
}

/* An opcode of @oplen bytes and a 32-bit immediate / offset / rel32. */
static inline void check_emit_op32(struct check_code *c, const char *op, size_t oplen, uint32_t v)
{
	check_emit(c, op, oplen);
	check_emit(c, &v, 4);
}

static inline void check_emit_mov_cr3(struct check_code *c, uint32_t cr3)
{
	check_emit_op32(c, "\xb8", 1, cr3);			/* mov eax, imm32 */
	check_emit(c, "\x0f\x22\xd8", 3);			/* mov cr3, eax */
}

/* CR3 := @cr3, CR4 |= @cr4_bits, CR0.PG := 1 and the jump that follows it. */
static inline void check_emit_paging_on(struct check_code *c, uint32_t cr3, uint32_t cr4_bits)
{
	check_emit_mov_cr3(c, cr3);
	check_emit(c, "\x0f\x20\xe0", 3);			/* mov eax, cr4 */
	check_emit_op32(c, "\x0d", 1, cr4_bits);		/* or eax, imm32 */
	check_emit(c, "\x0f\x22\xe0", 3);			/* mov cr4, eax */
	check_emit(c, "\x0f\x20\xc0", 3);			/* mov eax, cr0 */
	check_emit_op32(c, "\x0d", 1, (uint32_t)X86_CR0_PG);	/* or eax, CR0.PG */
	check_emit(c, "\x0f\x22\xc0" "\xeb\x00", 5);		/* mov cr0, eax; jmp $+2 */
}

/* mov eax, [@va]; out @port, eax: the host sees what @va reads. */
static inline void check_emit_read_out(struct check_code *c, uint32_t va, uint8_t port)
{
	uint8_t out[2] = { 0xe7, port };

	check_emit_op32(c, "\xa1", 1, va);
	check_emit(c, out, 2);
}

static inline void check_emit_hlt(struct check_code *c)
{
	check_emit(c, "\xf4", 1);
}

#endif
