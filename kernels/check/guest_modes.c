// SPDX-License-Identifier: GPL-2.0
/*
 * guest_modes - ordinary guests still translate right: a 64-bit guest
 * (4-level paging) and a 32-bit non-PAE guest (2-level paging, 4 MiB
 * pages), each switching CR3 between two address spaces that map one VA
 * to two different tagged frames.  A companion of pae_two_pdpts for the
 * paging modes a PAE-root patch must leave alone.
 *
 *   guest_modes [64|32]...      (default: both)
 *
 * Standalone: the KVM API only; build with
 *   cc -static -O2 -o guest_modes guest_modes.c
 * Exit status: 0 all right, 1 a wrong frame was seen, 2 setup error.
 */
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

#define CHECK_NAME "guest_modes"
#include "kvm_check.h"

#define MEM_SIZE	0x400000UL
#define CODE_GPA	0x1000
#define FRAME_A		0x30000
#define FRAME_B		0x31000
#define PROBE_VA	0x400000
#define TAG_A		0x41414141u
#define TAG_B		0x42424242u
#define PORT_A		0x10
#define PORT_B		0x11
#define P		(1ull << 0)
#define RW		(1ull << 1)
#define PS		(1ull << 7)

/* 64-bit code: read, report, CR3 := B, read, report. */
static const uint8_t code64[] = {
	0xa1, 0x00, 0x00, 0x40, 0, 0, 0, 0, 0,	/* mov eax, [0x400000] */
	0xe7, PORT_A,				/* out 0x10, eax */
	0xb8, 0x00, 0x30, 0x00, 0x00,		/* mov eax, 0x3000 (PML4 B) */
	0x0f, 0x22, 0xd8,			/* mov cr3, rax */
	0xa1, 0x00, 0x00, 0x40, 0, 0, 0, 0, 0,	/* mov eax, [0x400000] */
	0xe7, PORT_B,				/* out 0x11, eax */
	0xf4,					/* hlt */
};

/* 32-bit code: paging on with CR3 := A and 4 MiB pages, then as above. */
static const uint8_t code32[] = {
	0xb8, 0x00, 0x20, 0x00, 0x00,	/* mov eax, 0x2000 (PD A) */
	0x0f, 0x22, 0xd8,		/* mov cr3, eax */
	0x0f, 0x20, 0xe0,		/* mov eax, cr4 */
	0x0d, 0x10, 0x00, 0x00, 0x00,	/* or eax, CR4.PSE */
	0x0f, 0x22, 0xe0,		/* mov cr4, eax */
	0x0f, 0x20, 0xc0,		/* mov eax, cr0 */
	0x0d, 0x00, 0x00, 0x00, 0x80,	/* or eax, CR0.PG */
	0x0f, 0x22, 0xc0,		/* mov cr0, eax */
	0xeb, 0x00,			/* jmp $+2 */
	0xa1, 0x00, 0x00, 0x40, 0x00,	/* mov eax, [0x400000] */
	0xe7, PORT_A,			/* out 0x10, eax */
	0xb8, 0x00, 0x30, 0x00, 0x00,	/* mov eax, 0x3000 (PD B) */
	0x0f, 0x22, 0xd8,		/* mov cr3, eax */
	0xa1, 0x00, 0x00, 0x40, 0x00,	/* mov eax, [0x400000] */
	0xe7, PORT_B,			/* out 0x11, eax */
	0xf4,				/* hlt */
};

/* 64-bit tables: PML4 A at 0x2000, PML4 B at 0x3000, 2 MiB 1:1 + probe. */
static void layout64(uint8_t *m, uint64_t *cr3)
{
	uint64_t *pml4_a = (uint64_t *)(m + 0x2000), *pml4_b = (uint64_t *)(m + 0x3000);
	uint64_t *pdpt_a = (uint64_t *)(m + 0x4000), *pdpt_b = (uint64_t *)(m + 0x5000);
	uint64_t *pd_a = (uint64_t *)(m + 0x6000), *pd_b = (uint64_t *)(m + 0x7000);
	uint64_t *pt_a = (uint64_t *)(m + 0x8000), *pt_b = (uint64_t *)(m + 0x9000);

	pml4_a[0] = 0x4000 | P | RW;
	pml4_b[0] = 0x5000 | P | RW;
	pdpt_a[0] = 0x6000 | P | RW;
	pdpt_b[0] = 0x7000 | P | RW;
	pd_a[0] = pd_b[0] = 0 | P | RW | PS;		/* 2 MiB 1:1 */
	pd_a[PROBE_VA >> 21] = 0x8000 | P | RW;
	pd_b[PROBE_VA >> 21] = 0x9000 | P | RW;
	pt_a[0] = FRAME_A | P | RW;
	pt_b[0] = FRAME_B | P | RW;
	*cr3 = 0x2000;
}

/* 32-bit tables: PD A at 0x2000, PD B at 0x3000, 4-byte entries. */
static void layout32(uint8_t *m)
{
	uint32_t *pd_a = (uint32_t *)(m + 0x2000), *pd_b = (uint32_t *)(m + 0x3000);
	uint32_t *pt_a = (uint32_t *)(m + 0x8000), *pt_b = (uint32_t *)(m + 0x9000);

	pd_a[0] = pd_b[0] = 0 | P | RW | PS;		/* 4 MiB 1:1 */
	pd_a[PROBE_VA >> 22] = 0x8000 | P | RW;
	pd_b[PROBE_VA >> 22] = 0x9000 | P | RW;
	pt_a[0] = FRAME_A | P | RW;
	pt_b[0] = FRAME_B | P | RW;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = l;
	s->db = !l;
}

/* Runs one guest; returns 0 right, 1 wrong frame, exits 2 on setup error. */
static int run_guest(int kvm, int bits)
{
	struct kvm_userspace_memory_region region;
	uint32_t seen[2] = { 0, 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int vm, vcpu, got = 0;
	uint64_t cr3 = 0;
	uint8_t *mem;
	long sz;

	vm = kvm_create_vm(kvm);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	if (bits == 64) {
		layout64(mem, &cr3);
		memcpy(mem + CODE_GPA, code64, sizeof(code64));
	} else {
		layout32(mem);
		memcpy(mem + CODE_GPA, code32, sizeof(code32));
	}
	*(uint32_t *)(mem + FRAME_A) = TAG_A;
	*(uint32_t *)(mem + FRAME_B) = TAG_B;
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	kvm_set_supported_cpuid(kvm, vcpu);
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	seg(&sregs.cs, 0x08, 11, bits == 64);
	seg(&sregs.ds, 0x10, 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	if (bits == 64) {
		/* Long mode from the start: the host sets it up, KVM checks it. */
		sregs.cr3 = cr3;
		sregs.cr4 = 0x20;			/* PAE */
		sregs.cr0 = 0x80000011;			/* PG | ET | PE */
		sregs.efer = 0x500;			/* LME | LMA */
	} else {
		sregs.cr0 = 0x11;
		sregs.cr4 = 0;
		sregs.efer = 0;
	}
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = 0x1f000;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO || run->io.size != 4 ||
		    run->io.direction != KVM_EXIT_IO_OUT ||
		    (run->io.port != PORT_A && run->io.port != PORT_B)) {
			fprintf(stderr, "guest_modes: %d-bit guest: unexpected exit %u\n",
				bits, run->exit_reason);
			exit(2);
		}
		memcpy(&seen[run->io.port - PORT_A], (uint8_t *)run + run->io.data_offset, 4);
		got |= 1 << (run->io.port - PORT_A);
	}
	if (got != 3) {
		fprintf(stderr, "guest_modes: %d-bit guest halted before both reads\n", bits);
		exit(2);
	}
	printf("%d-bit guest: CR3 A -> 0x%08x, CR3 B -> 0x%08x (expected 0x%08x, 0x%08x)\n",
	       bits, seen[0], seen[1], TAG_A, TAG_B);
	/* The kvm_run mapping pins the vCPU, and the vCPU the VM. */
	munmap(run, sz);
	close(vcpu);
	close(vm);
	munmap(mem, MEM_SIZE);
	return !(seen[0] == TAG_A && seen[1] == TAG_B);
}

int main(int argc, char **argv)
{
	int kvm, i, bad = 0;

	alarm(20);
	kvm = kvm_open();
	if (argc < 2) {
		bad |= run_guest(kvm, 64);
		bad |= run_guest(kvm, 32);
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "64") && strcmp(argv[i], "32")) {
			fprintf(stderr, "guest_modes: argument %d: '%s': want 64 or 32\n", i, argv[i]);
			return 2;
		}
		bad |= run_guest(kvm, atoi(argv[i]));
	}
	printf("guest_modes: %s\n", bad ? "WRONG TRANSLATION" : "OK");
	return bad;
}
