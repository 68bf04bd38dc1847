// SPDX-License-Identifier: GPL-2.0
/*
 * pae_two_pdpts - two PAE PDPTs on one 4 KiB page must stay two address
 * spaces.
 *
 * A PAE CR3 is 32-byte aligned (SDM vol. 3, 4.4.1), so one page can hold
 * up to 128 PDPTs.  The guest below builds two of them on page 0x20000:
 *
 *   CR3 A = 0x20000: PDPTE0 -> PD_A: VA 0x400000 -> frame 0x30000 ("AAAA")
 *   CR3 B = 0x20020: PDPTE0 -> PD_B: VA 0x400000 -> frame 0x31000 ("BBBB")
 *
 * (both PDs also map the first 2 MiB 1:1 with a 2 MiB page for the code),
 * enables PAE paging with CR3 = A, reads the VA, loads CR3 = B, reads the
 * VA again, and reports each value with an OUT to port 0x10 / 0x11.
 * A shadow MMU that keys the PAE root by CR3 >> 12 alone hands B the root
 * built for A, and the second read returns A's frame.
 *
 * Standalone: the KVM API only, no library; build with
 *   cc -static -O2 -o pae_two_pdpts pae_two_pdpts.c
 * Exit status: 0 translations right, 1 wrong frame seen, 2 setup error
 * (no usable /dev/kvm, an ioctl failed, unexpected exit, timeout).
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

#define CHECK_NAME "pae_two_pdpts"
#include "kvm_check.h"

#define MEM_SIZE	0x400000UL	/* 4 MiB of guest RAM at GPA 0 */
#define CODE_GPA	0x1000
#define STACK_TOP	0x8000
#define PDPT_PAGE	0x20000		/* CR3 A; CR3 B = PDPT_PAGE + 0x20 */
#define PD_A		0x21000
#define PD_B		0x22000
#define PT_A		0x23000
#define PT_B		0x24000
#define FRAME_A		0x30000
#define FRAME_B		0x31000
#define PROBE_VA	0x400000	/* PDE 2, PTE 0 */
#define TAG_A		0x41414141u	/* "AAAA" */
#define TAG_B		0x42424242u	/* "BBBB" */
#define PORT_A		0x10
#define PORT_B		0x11

#define PTE_P		(1ull << 0)
#define PTE_RW		(1ull << 1)
#define PTE_PS		(1ull << 7)

/* 32-bit protected-mode guest code, hand-assembled (see the comments). */
static const uint8_t guest_code[] = {
	0xb8, 0x00, 0x00, 0x02, 0x00,	/* mov eax, 0x20000	(CR3 A) */
	0x0f, 0x22, 0xd8,		/* mov cr3, eax */
	0x0f, 0x20, 0xe0,		/* mov eax, cr4 */
	0x0d, 0x20, 0x00, 0x00, 0x00,	/* or eax, CR4.PAE */
	0x0f, 0x22, 0xe0,		/* mov cr4, eax */
	0x0f, 0x20, 0xc0,		/* mov eax, cr0 */
	0x0d, 0x00, 0x00, 0x00, 0x80,	/* or eax, CR0.PG */
	0x0f, 0x22, 0xc0,		/* mov cr0, eax	(PDPTRs loaded from A) */
	0xeb, 0x00,			/* jmp $+2 */
	0xa1, 0x00, 0x00, 0x40, 0x00,	/* mov eax, [0x400000] */
	0xe7, PORT_A,			/* out 0x10, eax */
	0xb8, 0x20, 0x00, 0x02, 0x00,	/* mov eax, 0x20020	(CR3 B) */
	0x0f, 0x22, 0xd8,		/* mov cr3, eax	(PDPTRs loaded from B) */
	0xa1, 0x00, 0x00, 0x40, 0x00,	/* mov eax, [0x400000] */
	0xe7, PORT_B,			/* out 0x11, eax */
	0xf4,				/* hlt */
};

static void guest_memory_init(uint8_t *mem)
{
	uint64_t *pdpt_a = (uint64_t *)(mem + PDPT_PAGE);
	uint64_t *pdpt_b = (uint64_t *)(mem + PDPT_PAGE + 0x20);
	uint64_t *pd_a = (uint64_t *)(mem + PD_A), *pd_b = (uint64_t *)(mem + PD_B);
	uint64_t *pt_a = (uint64_t *)(mem + PT_A), *pt_b = (uint64_t *)(mem + PT_B);

	memcpy(mem + CODE_GPA, guest_code, sizeof(guest_code));

	/* PAE PDPTEs have no R/W or U/S bits: those bits are reserved. */
	pdpt_a[0] = PD_A | PTE_P;
	pdpt_b[0] = PD_B | PTE_P;

	/* Both address spaces map the first 2 MiB 1:1 (code, stack, tables). */
	pd_a[0] = 0 | PTE_P | PTE_RW | PTE_PS;
	pd_b[0] = 0 | PTE_P | PTE_RW | PTE_PS;

	/* ... and the probe VA to a different tagged frame each. */
	pd_a[PROBE_VA >> 21] = PT_A | PTE_P | PTE_RW;
	pd_b[PROBE_VA >> 21] = PT_B | PTE_P | PTE_RW;
	pt_a[(PROBE_VA >> 12) & 511] = FRAME_A | PTE_P | PTE_RW;
	pt_b[(PROBE_VA >> 12) & 511] = FRAME_B | PTE_P | PTE_RW;
	*(uint32_t *)(mem + FRAME_A) = TAG_A;
	*(uint32_t *)(mem + FRAME_B) = TAG_B;
}

static void seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

/* Flat 32-bit protected mode, paging off: the guest turns PAE paging on. */
static void vcpu_setup(int vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	seg_flat(&sregs.cs, 0x08, 11);	/* execute/read, accessed */
	seg_flat(&sregs.ds, 0x10, 3);	/* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = 0x11;		/* PE | ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = STACK_TOP;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static const char *tag_name(uint32_t v)
{
	return v == TAG_A ? "frame A" : v == TAG_B ? "frame B" : "neither frame";
}

int main(void)
{
	uint32_t seen_a = 0, seen_b = 0;
	int kvm, vm, vcpu, got_a = 0, got_b = 0;
	struct kvm_userspace_memory_region region;
	struct kvm_run *run;
	uint8_t *mem;
	long run_size;

	alarm(20);	/* a hung guest is a setup error, not a verdict */
	kvm = kvm_open();
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "pae_two_pdpts: unexpected KVM API version\n");
		return 2;
	}
	vm = kvm_create_vm(kvm);

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	guest_memory_init(mem);
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	vcpu_setup(vcpu);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint32_t v;

			if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4)
				goto unexpected;
			memcpy(&v, (uint8_t *)run + run->io.data_offset, 4);
			if (run->io.port == PORT_A)
				seen_a = v, got_a = 1;
			else if (run->io.port == PORT_B)
				seen_b = v, got_b = 1;
			else
				goto unexpected;
			continue;
		}
		case KVM_EXIT_HLT:
			break;
		default:
			goto unexpected;
		}
		break;
	}
	if (!got_a || !got_b) {
		fprintf(stderr, "pae_two_pdpts: guest halted before reporting both reads\n");
		return 2;
	}
	printf("CR3=0x%x: VA 0x%x -> 0x%08x (%s), expected frame A\n",
	       PDPT_PAGE, PROBE_VA, seen_a, tag_name(seen_a));
	printf("CR3=0x%x: VA 0x%x -> 0x%08x (%s), expected frame B\n",
	       PDPT_PAGE + 0x20, PROBE_VA, seen_b, tag_name(seen_b));
	if (seen_a == TAG_A && seen_b == TAG_B) {
		printf("pae_two_pdpts: OK, two PDPTs on one page are two address spaces\n");
		return 0;
	}
	printf("pae_two_pdpts: WRONG TRANSLATION%s\n",
	       seen_b == TAG_A ? ": CR3 B got the root built for CR3 A" : "");
	return 1;

unexpected:
	fprintf(stderr, "pae_two_pdpts: unexpected exit reason %u (io port 0x%x dir %u size %u) at rip?\n",
		run->exit_reason, run->io.port, run->io.direction, run->io.size);
	return 2;
}
