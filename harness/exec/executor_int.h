/* SPDX-License-Identifier: GPL-2.0 */
/* Private to harness/executor*.c: the executor's state. */
#ifndef MMUFUZZ_EXECUTOR_INT_H
#define MMUFUZZ_EXECUTOR_INT_H

#include <signal.h>
#include <time.h>
#include <linux/kvm.h>
#include "harness/exec/executor.h"
#include "harness/exec/guest_image.h"
#include "harness/exec/kvm_ioctl.h"

struct executor {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;		/* LAYOUT_MEM_SIZE: low part anonymous, data
				 * part a MAP_PRIVATE mapping of memfd */
	int memfd;
	struct kvm_sregs sregs0;	/* as KVM created the vCPU */
	struct kvm_cpuid2 *cpuid;	/* what KVM_SET_CPUID2 was given */
	struct executor_opts opts;
	struct oracle_cpu cpu;
	struct executor_cpu cpu_info;
	unsigned caps;
	char caps_why[4][256];
	int pvm;			/* treat as kvm_pvm (host_pvm or opts.force_pvm) */
	int host_pvm;			/* /sys/module/kvm_pvm exists */
	timer_t timer;
	struct executor_stats st;
	uint8_t sys_tpl[0x4000];	/* GDT, IDTs, TSS at LAYOUT_SYS_BASE */
	uint8_t low_tpl[LAYOUT_LOW_TABLES_END - LAYOUT_LOW_PT32];
	int warm;			/* executor_set_warm: start runs warm */
	int warm_ok;			/* the low region holds the last run's
					 * memory and KVM may shadow only pages
					 * the host never rewrites (executor.h) */
	guest_table_pages tbl_touched;	/* table pages the last run may have
					 * left off the template */
};

#define SLOT_LOW		0	/* [0, LOW_END): deleted + re-added per run */
#define SLOT_DATA		1	/* [LOW_END, MEM_SIZE): the tagged frames */
#define DEFAULT_WATCHDOG_MS	2000

extern const uint8_t stub_image_start[], stub_image_end[];

/* executor_vm.c: the VM and its memory slots.  -errno (err set) on failure. */
int executor_vm_create(struct executor *ex, char *err, size_t errlen);
void executor_vm_destroy(struct executor *ex);
int executor_set_slot(struct executor *ex, int slot, uint64_t gpa, uint64_t size, void *hva);
/* printf into err when err and len are set (callers may pass NULL). */
void executor__set_err(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* executor_run.c: the per-thread watchdog timer.  -errno on failure. */
int executor_watchdog_init(struct executor *ex, char *err, size_t errlen);

/* executor_cpu.c: choose the guest CPUID (fills ex->cpuid and ex->cpu).
 * -errno with err set on failure. */
int executor_cpuid_init(struct executor *ex, char *err, size_t errlen);

/* executor_check.c: the modes' names, and a mode bit's index (-1 if not one). */
extern const char *const executor__mode_names[4];
int executor__mode_index(unsigned bit);

/* executor_caps.c: run the per-mode probe programs, fill caps/caps_why. */
void executor_probe_caps(struct executor *ex);

#endif /* MMUFUZZ_EXECUTOR_INT_H */
