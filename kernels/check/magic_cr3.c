// SPDX-License-Identifier: GPL-2.0
/*
 * magic_cr3 - trigger the WARN of the test-only variant
 * test-warn-on-magic-cr3 (kernels/test-patches/warn-on-magic-cr3.patch).
 *
 *   magic_cr3 sregs    KVM_SET_SREGS with CR3 = 0xDEAD000 (any npt setting)
 *   magic_cr3 guest    the guest writes CR3 = 0xDEAD000 (shadow paging:
 *                      the write is intercepted only with npt=0)
 *
 * On that variant with panic_on_warn=1 the VM dies here; elsewhere the
 * program runs to its end and exits 0.  Exit 2 on setup error.
 * Build: cc -static -O2 -o magic_cr3 magic_cr3.c
 */
#define CHECK_NAME "magic_cr3"
#include "kvm_check.h"

#define MAGIC_CR3	0x00DEAD000UL

static const uint8_t code[] = {
	0xb8, 0x00, 0xd0, 0xea, 0x0d,	/* mov eax, 0x0DEAD000 */
	0x0f, 0x22, 0xd8,		/* mov cr3, eax (paging still off) */
	0xf4,				/* hlt */
};

int main(int argc, char **argv)
{
	struct check_start start = { .cr0 = CHECK_CR0_PM, .rip = 0x1000 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct check_vm vm;
	int guest;

	if (argc != 2 || (strcmp(argv[1], "sregs") && strcmp(argv[1], "guest"))) {
		fprintf(stderr, "usage: magic_cr3 sregs|guest\n");
		return 2;
	}
	guest = !strcmp(argv[1], "guest");
	alarm(20);
	check_vm_create(&vm, kvm_open(), 0x10000);
	memcpy(vm.mem + 0x1000, code, sizeof(code));
	if (!guest)
		start.cr3 = MAGIC_CR3;
	/* Said before KVM_SET_SREGS: on the WARN variant the VM dies in it. */
	printf("magic_cr3: %s CR3 = 0x%lx\n", guest ? "guest writes" : "KVM_SET_SREGS sets", MAGIC_CR3);
	fflush(stdout);
	check_vcpu_start(vm.vcpu, &start);
	if (guest && check_vcpu_run(vm.vcpu, vm.run) != KVM_EXIT_HLT) {
		fprintf(stderr, "magic_cr3: unexpected exit %u\n", vm.run->exit_reason);
		return 2;
	}
	if (ioctl(vm.vcpu, KVM_GET_SREGS, &sregs) < 0 || ioctl(vm.vcpu, KVM_GET_REGS, &regs) < 0)
		die("KVM_GET_SREGS/REGS");
	printf("magic_cr3: still alive (no WARN, or panic_on_warn=0): CR3 0x%llx rip 0x%llx\n",
	       sregs.cr3, regs.rip);
	return 0;
}
