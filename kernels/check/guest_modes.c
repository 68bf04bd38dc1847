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
#define PDE_RW		(PTE_PRESENT_MASK | PTE_WRITABLE_MASK)

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

/* 32-bit code: paging on with CR3 := PD A and 4 MiB pages, then as above. */
static void emit_code32(uint8_t *m)
{
	struct check_code c = { m + CODE_GPA, 0 };

	check_emit_paging_on(&c, 0x2000, X86_CR4_PSE);
	check_emit_read_out(&c, PROBE_VA, PORT_A);
	check_emit_mov_cr3(&c, 0x3000);				/* PD B */
	check_emit_read_out(&c, PROBE_VA, PORT_B);
	check_emit_hlt(&c);
}

/* 64-bit tables: PML4 A at 0x2000, PML4 B at 0x3000, 2 MiB 1:1 + probe. */
static void layout64(uint8_t *m)
{
	uint64_t *pml4_a = (uint64_t *)(m + 0x2000), *pml4_b = (uint64_t *)(m + 0x3000);
	uint64_t *pdpt_a = (uint64_t *)(m + 0x4000), *pdpt_b = (uint64_t *)(m + 0x5000);
	uint64_t *pd_a = (uint64_t *)(m + 0x6000), *pd_b = (uint64_t *)(m + 0x7000);
	uint64_t *pt_a = (uint64_t *)(m + 0x8000), *pt_b = (uint64_t *)(m + 0x9000);

	pml4_a[0] = 0x4000 | PDE_RW;
	pml4_b[0] = 0x5000 | PDE_RW;
	pdpt_a[0] = 0x6000 | PDE_RW;
	pdpt_b[0] = 0x7000 | PDE_RW;
	pd_a[0] = pd_b[0] = 0 | PDE_RW | PTE_LARGE_MASK;	/* 2 MiB 1:1 */
	pd_a[PROBE_VA >> 21] = 0x8000 | PDE_RW;
	pd_b[PROBE_VA >> 21] = 0x9000 | PDE_RW;
	pt_a[0] = FRAME_A | PDE_RW;
	pt_b[0] = FRAME_B | PDE_RW;
}

/* 32-bit tables: PD A at 0x2000, PD B at 0x3000, 4-byte entries. */
static void layout32(uint8_t *m)
{
	uint32_t *pd_a = (uint32_t *)(m + 0x2000), *pd_b = (uint32_t *)(m + 0x3000);
	uint32_t *pt_a = (uint32_t *)(m + 0x8000), *pt_b = (uint32_t *)(m + 0x9000);

	pd_a[0] = pd_b[0] = 0 | PDE_RW | PTE_LARGE_MASK;	/* 4 MiB 1:1 */
	pd_a[PROBE_VA >> 22] = 0x8000 | PDE_RW;
	pd_b[PROBE_VA >> 22] = 0x9000 | PDE_RW;
	pt_a[0] = FRAME_A | PDE_RW;
	pt_b[0] = FRAME_B | PDE_RW;
}

/* Runs one guest; returns 0 right, 1 wrong frame, exits 2 on setup error. */
static int run_guest(int kvm, int bits)
{
	/* 64-bit: long mode from the start (the host sets it up, KVM checks it). */
	const struct check_start lm = {
		.cr0 = X86_CR0_PG | CHECK_CR0_PM, .cr3 = 0x2000, .cr4 = X86_CR4_PAE,
		.efer = EFER_LME | EFER_LMA, .rip = CODE_GPA, .rsp = 0x1f000, .code64 = 1,
	};
	const struct check_start pm = { .cr0 = CHECK_CR0_PM, .rip = CODE_GPA, .rsp = 0x1f000 };
	uint32_t seen[2] = { 0, 0 }, val;
	struct check_vm vm;
	uint16_t port;
	int got = 0;

	check_vm_create(&vm, kvm, MEM_SIZE);
	if (bits == 64) {
		layout64(vm.mem);
		memcpy(vm.mem + CODE_GPA, code64, sizeof(code64));
	} else {
		layout32(vm.mem);
		emit_code32(vm.mem);
	}
	*(uint32_t *)(vm.mem + FRAME_A) = TAG_A;
	*(uint32_t *)(vm.mem + FRAME_B) = TAG_B;
	kvm_set_supported_cpuid(kvm, vm.vcpu);
	check_vcpu_start(vm.vcpu, bits == 64 ? &lm : &pm);

	while (check_vcpu_run(vm.vcpu, vm.run) != KVM_EXIT_HLT) {
		if (!check_exit_out32(vm.run, &port, &val) || (port != PORT_A && port != PORT_B)) {
			fprintf(stderr, "guest_modes: %d-bit guest: unexpected exit %u\n",
				bits, vm.run->exit_reason);
			exit(2);
		}
		seen[port - PORT_A] = val;
		got |= 1 << (port - PORT_A);
	}
	if (got != 3) {
		fprintf(stderr, "guest_modes: %d-bit guest halted before both reads\n", bits);
		exit(2);
	}
	printf("%d-bit guest: CR3 A -> 0x%08x, CR3 B -> 0x%08x (expected 0x%08x, 0x%08x)\n",
	       bits, seen[0], seen[1], TAG_A, TAG_B);
	check_vm_destroy(&vm);
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
