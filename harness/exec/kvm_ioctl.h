/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM ioctl layer, in the selftests' pairs:
 *
 *   __kvm_ioctl(fd, CMD, arg)            raw: the ioctl's result, or -errno;
 *                                        for paths where failure is expected
 *                                        or handled on the spot
 *   kvm_ioctl(fd, CMD, arg, err, len)    checked: the same, and on failure
 *                                        "CMD: reason" in err
 *
 * kvm_strerror() is the one place that says what an errno means coming
 * from KVM: EIO is "KVM killed the VM" (KVM_BUG_ON and friends), which a
 * run reports as RUN_KVM_DEAD, never as a harness failure.
 */
#ifndef MMUFUZZ_KVM_IOCTL_H
#define MMUFUZZ_KVM_IOCTL_H

#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>

static inline int __kvm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

/* The reason for -e (e > 0 is taken as -e too): strerror, or EIO's meaning. */
const char *kvm_strerror(int e);

/* Checked ioctl: >= 0 the result; -errno with "name: kvm_strerror" in err. */
int kvm__ioctl(int fd, unsigned long cmd, const char *name, void *arg, char *err, size_t errlen);
#define kvm_ioctl(fd, cmd, arg, err, errlen) kvm__ioctl(fd, cmd, #cmd, arg, err, errlen)

#endif /* MMUFUZZ_KVM_IOCTL_H */
