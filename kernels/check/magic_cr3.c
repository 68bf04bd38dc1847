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
	struct kvm_userspace_memory_region region;
	int kvm, vm, vcpu, guest;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *mem;

	if (argc != 2 || (strcmp(argv[1], "sregs") && strcmp(argv[1], "guest"))) {
		fprintf(stderr, "usage: magic_cr3 sregs|guest\n");
		return 2;
	}
	guest = !strcmp(argv[1], "guest");
	alarm(20);
	kvm = kvm_open();
	vm = kvm_create_vm(kvm);
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem + 0x1000, code, sizeof(code));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .memory_size = 0x10000, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	flat32_sregs(&sregs);
	if (!guest)
		sregs.cr3 = MAGIC_CR3;
	printf("magic_cr3: %s CR3 = 0x%lx\n", guest ? "guest writes" : "KVM_SET_SREGS sets", MAGIC_CR3);
	fflush(stdout);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	if (guest) {
		memset(&regs, 0, sizeof(regs));
		regs.rip = 0x1000;
		regs.rflags = 2;
		if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
			die("KVM_SET_REGS");
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason != KVM_EXIT_HLT) {
			fprintf(stderr, "magic_cr3: unexpected exit %u\n", run->exit_reason);
			return 2;
		}
	}
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		die("KVM_GET_SREGS/REGS");
	printf("magic_cr3: still alive (no WARN, or panic_on_warn=0): CR3 0x%llx rip 0x%llx\n",
	       sregs.cr3, regs.rip);
	return 0;
}
