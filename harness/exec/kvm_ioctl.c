// SPDX-License-Identifier: GPL-2.0
/* The KVM ioctl layer (see kvm_ioctl.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "harness/exec/kvm_ioctl.h"

const char *kvm_strerror(int e)
{
	if (e < 0)
		e = -e;
	/* KVM returns EIO from every vCPU/VM ioctl once it has marked the VM
	 * bugged or dead: the VM is gone, whatever the call was. */
	if (e == EIO)
		return "EIO (KVM killed the VM)";
	return strerror(e);
}

int kvm__ioctl(int fd, unsigned long cmd, const char *name, void *arg, char *err, size_t errlen)
{
	int r = __kvm_ioctl(fd, cmd, arg);

	if (r < 0 && err && errlen)
		snprintf(err, errlen, "%s: %s", name, kvm_strerror(r));
	return r;
}

int kvm_vcpu_open(int kvm_fd, int vm_fd, int id, struct kvm_run **run, size_t *run_size,
		  char *err, size_t errlen)
{
	int fd, sz, r;

	fd = kvm_ioctl(vm_fd, KVM_CREATE_VCPU, (void *)(long)id, err, errlen);
	if (fd < 0)
		return fd;
	sz = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL, err, errlen);
	if (sz <= 0) {
		r = sz < 0 ? sz : -EINVAL;
		if (!sz && err && errlen)
			snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: 0");
		goto fail;
	}
	*run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "mmap kvm_run: %s", strerror(errno));
		goto fail;
	}
	*run_size = sz;
	return fd;
fail:
	*run = NULL;
	close(fd);
	return r;
}

void kvm_vcpu_close(int *fd, struct kvm_run **run, size_t run_size)
{
	if (*run)
		munmap(*run, run_size);
	*run = NULL;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
