// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM VM under the executor: create it with its two memory slots and
 * its vCPU (CPUID set), destroy it, (re)place a slot.  executor_open()
 * builds it once; a run that needs a fresh VM (executor_run.c) rebuilds
 * it here, so this file calls nothing else of the executor's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "harness/exec/executor_int.h"

void executor__set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int executor_set_slot(struct executor *ex, int slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	int ret = __kvm_ioctl(ex->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);

	return ret < 0 ? ret : 0;
}

void executor_vm_destroy(struct executor *ex)
{
	kvm_vcpu_close(&ex->vcpu_fd, &ex->run, ex->run_size);
	if (ex->vm_fd >= 0)
		close(ex->vm_fd);
	ex->vm_fd = -1;
	ex->warm_ok = 0;
}

/* Create the VM, its memory slots and its vCPU (with CPUID). */
int executor_vm_create(struct executor *ex, char *err, size_t errlen)
{
	int r;

	r = kvm_ioctl(ex->kvm_fd, KVM_CREATE_VM, NULL, err, errlen);
	if (r < 0)
		return r;
	ex->vm_fd = r;
	/* SVM ignores these; VMX needs them for real-mode-less hosts too. */
	__kvm_ioctl(ex->vm_fd, KVM_SET_TSS_ADDR, (void *)0xfffbd000ul);
	r = executor_set_slot(ex, SLOT_LOW, 0, LAYOUT_LOW_END, ex->mem);
	if (!r)
		r = executor_set_slot(ex, SLOT_DATA, LAYOUT_DATA_BASE, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE,
			     ex->mem + LAYOUT_DATA_BASE);
	if (r) {
		executor__set_err(err, errlen, "KVM_SET_USER_MEMORY_REGION: %s", kvm_strerror(r));
		goto fail;
	}
	r = kvm_vcpu_open(ex->kvm_fd, ex->vm_fd, 0, &ex->run, &ex->run_size, err, errlen);
	if (r < 0)
		goto fail;
	ex->vcpu_fd = r;
	r = kvm_ioctl(ex->vcpu_fd, KVM_SET_CPUID2, ex->cpuid, err, errlen);
	if (r >= 0)
		r = kvm_ioctl(ex->vcpu_fd, KVM_GET_SREGS, &ex->sregs0, err, errlen);
	if (r < 0)
		goto fail;
	return 0;
fail:
	executor_vm_destroy(ex);
	return r;
}
