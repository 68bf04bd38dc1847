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
 *
 * Also the pieces every KVM user of the tree builds the same way: a vCPU
 * with its kvm_run mapping (opened and closed as a pair) and a flat
 * segment.  (kernels/check's standalone programs link no project code
 * and keep their own, in kernels/check/kvm_check.h.)
 */
#ifndef MMUFUZZ_KVM_IOCTL_H
#define MMUFUZZ_KVM_IOCTL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

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

/*
 * vCPU @id of @vm_fd with its kvm_run mapped (the size asked of @kvm_fd).
 * Returns the vCPU's fd with *run and *run_size set; or -errno with the
 * failed step in err, and nothing left open.
 */
int kvm_vcpu_open(int kvm_fd, int vm_fd, int id, struct kvm_run **run, size_t *run_size,
		  char *err, size_t errlen);

/* Unmap *run and close *fd (each if there is one); both read "none" after. */
void kvm_vcpu_close(int *fd, struct kvm_run **run, size_t run_size);

/* Flat 4 GiB segment at CPL 0; @code64: a 64-bit code segment (L, not D/B). */
static inline void kvm_seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = !code64, .s = 1, .l = code64, .g = 1,
	};
}

#endif /* MMUFUZZ_KVM_IOCTL_H */
