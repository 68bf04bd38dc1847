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

/* 32-bit protected-mode guest code. */
static void emit_guest_code(uint8_t *mem)
{
	struct check_code c = { mem + CODE_GPA, 0 };

	check_emit_paging_on(&c, PDPT_PAGE, X86_CR4_PAE);	/* PDPTRs loaded from A */
	check_emit_read_out(&c, PROBE_VA, PORT_A);
	check_emit_mov_cr3(&c, PDPT_PAGE + 0x20);		/* PDPTRs loaded from B */
	check_emit_read_out(&c, PROBE_VA, PORT_B);
	check_emit_hlt(&c);
}

static void guest_memory_init(uint8_t *mem)
{
	uint64_t *pdpt_a = (uint64_t *)(mem + PDPT_PAGE);
	uint64_t *pdpt_b = (uint64_t *)(mem + PDPT_PAGE + 0x20);
	uint64_t *pd_a = (uint64_t *)(mem + PD_A), *pd_b = (uint64_t *)(mem + PD_B);
	uint64_t *pt_a = (uint64_t *)(mem + PT_A), *pt_b = (uint64_t *)(mem + PT_B);

	emit_guest_code(mem);

	/* PAE PDPTEs have no R/W or U/S bits: those bits are reserved. */
	pdpt_a[0] = PD_A | PTE_PRESENT_MASK;
	pdpt_b[0] = PD_B | PTE_PRESENT_MASK;

	/* Both address spaces map the first 2 MiB 1:1 (code, stack, tables). */
	pd_a[0] = 0 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_LARGE_MASK;
	pd_b[0] = 0 | PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_LARGE_MASK;

	/* ... and the probe VA to a different tagged frame each. */
	pd_a[PROBE_VA >> 21] = PT_A | PTE_PRESENT_MASK | PTE_WRITABLE_MASK;
	pd_b[PROBE_VA >> 21] = PT_B | PTE_PRESENT_MASK | PTE_WRITABLE_MASK;
	pt_a[(PROBE_VA >> 12) & 511] = FRAME_A | PTE_PRESENT_MASK | PTE_WRITABLE_MASK;
	pt_b[(PROBE_VA >> 12) & 511] = FRAME_B | PTE_PRESENT_MASK | PTE_WRITABLE_MASK;
	*(uint32_t *)(mem + FRAME_A) = TAG_A;
	*(uint32_t *)(mem + FRAME_B) = TAG_B;
}

static const char *tag_name(uint32_t v)
{
	return v == TAG_A ? "frame A" : v == TAG_B ? "frame B" : "neither frame";
}

int main(void)
{
	/* Flat 32-bit protected mode, paging off: the guest turns PAE paging on. */
	const struct check_start start = { .cr0 = CHECK_CR0_PM, .rip = CODE_GPA, .rsp = STACK_TOP };
	uint32_t seen_a = 0, seen_b = 0, v;
	int kvm, got_a = 0, got_b = 0;
	struct check_vm vm;
	uint16_t port;

	alarm(20);	/* a hung guest is a setup error, not a verdict */
	kvm = kvm_open();
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "pae_two_pdpts: unexpected KVM API version\n");
		return 2;
	}
	check_vm_create(&vm, kvm, MEM_SIZE);
	guest_memory_init(vm.mem);
	check_vcpu_start(vm.vcpu, &start);

	while (check_vcpu_run(vm.vcpu, vm.run) != KVM_EXIT_HLT) {
		if (!check_exit_out32(vm.run, &port, &v))
			goto unexpected;
		if (port == PORT_A)
			seen_a = v, got_a = 1;
		else if (port == PORT_B)
			seen_b = v, got_b = 1;
		else
			goto unexpected;
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
		vm.run->exit_reason, vm.run->io.port, vm.run->io.direction, vm.run->io.size);
	return 2;
}
