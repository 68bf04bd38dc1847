/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmucov: the ABI between the companion coverage module (mmucov.ko) and
 * the programs that read KVM's coverage in the test VM.  Shared, as is,
 * by the module and by userspace; it is the whole ABI.
 *
 * KVM's objects are built with -fsanitize-coverage=trace-pc (the
 * "+cov" variants, kernels/cov/README), so every basic block of kvm.ko
 * and kvm-amd.ko calls __sanitizer_cov_trace_pc(), which mmucov.ko
 * provides.  It records the return address (a PC inside the module) when
 * the caller is the one task registered with MMUCOV_ENABLE and runs in
 * task context; everything else returns at the first compare.
 *
 * Use, kcov-style:
 *	fd = open(MMUCOV_DEV, O_RDWR);
 *	ioctl(fd, MMUCOV_INIT_TRACE, words);        words in [2, MMUCOV_MAX_WORDS]
 *	area = mmap(NULL, words * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
 *	ioctl(fd, MMUCOV_ENABLE, 0);                registers the calling thread
 *	per run: area[0] = 0; ...KVM_RUN...; n = area[0];
 *	ioctl(fd, MMUCOV_DISABLE, 0);               by the registered thread only
 *
 * The area: area[0] is the number of PCs the task hit since userspace
 * last wrote 0 there; area[1 .. min(area[0], words - 1)] are those PCs in
 * execution order (duplicates included).  When area[0] > words - 1 the
 * buffer overflowed: area[0] - (words - 1) PCs were dropped (counted,
 * never written).  Only the registered task writes the area, so the
 * reader needs no lock: read it from that same thread between its
 * KVM ioctls, or after MMUCOV_DISABLE.
 *
 * Errors (ioctl returns -1 with errno): EINVAL bad size / unknown command
 * / DISABLE by a thread that is not registered, EBUSY INIT twice on one
 * fd or ENABLE while some task (on any fd) is registered -- one task
 * system-wide, the agent's vCPU thread --, ENOMEM no area, ENXIO ENABLE
 * before INIT.  mmap fails with EINVAL unless it maps the whole area
 * from offset 0 after INIT.
 */
#ifndef MMUCOV_H
#define MMUCOV_H

#include <linux/ioctl.h>

#define MMUCOV_DEV		"/dev/mmucov"
#define MMUCOV_MAX_WORDS	(1UL << 24)	/* 128 MiB of PCs */

#define MMUCOV_INIT_TRACE	_IOW('m', 1, unsigned long)
#define MMUCOV_ENABLE		_IO('m', 100)
#define MMUCOV_DISABLE		_IO('m', 101)

#endif
