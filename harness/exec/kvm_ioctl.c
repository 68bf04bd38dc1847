// SPDX-License-Identifier: GPL-2.0
/* The KVM ioctl layer (see kvm_ioctl.h). */
#include <stdio.h>
#include <string.h>
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
