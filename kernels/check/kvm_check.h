/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernels/check programs share: they stay single-file KVM-API
 * programs (no project code), so the helpers are static inline here.
 * Define CHECK_NAME (the program's name, for messages) before including.
 */
#ifndef KVM_CHECK_H
#define KVM_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

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

/* Flat 4 GiB 32-bit protected mode, paging off (CS 0x8, data 0x10). */
static inline void flat32_sregs(struct kvm_sregs *s)
{
	s->cs.base = 0, s->cs.limit = 0xffffffff, s->cs.db = 1, s->cs.g = 1;
	s->cs.selector = 8, s->cs.type = 11, s->cs.present = 1, s->cs.s = 1;
	s->ds = s->es = s->fs = s->gs = s->ss = s->cs;
	s->ds.type = s->es.type = s->fs.type = s->gs.type = s->ss.type = 3;
	s->ds.selector = s->es.selector = s->fs.selector = 0x10;
	s->gs.selector = s->ss.selector = 0x10;
	s->cr0 = 0x11;
	s->cr4 = 0;
	s->efer = 0;
}

#endif
