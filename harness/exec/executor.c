// SPDX-License-Identifier: GPL-2.0
/*
 * The executor's VM: /dev/kvm, the VM and its vCPU, guest memory (low
 * region anonymous, data frames a MAP_PRIVATE view of a memfd holding the
 * tags), the GDT/IDT/TSS and fixed-table templates, and the accessors.
 * The VM itself is executor_vm.c, the probe executor_caps.c, the rules
 * executor_check.c.
 * One run is executor_run.c; the design (what is reset and why) is in
 * executor.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "harness/exec/executor_int.h"
#include "harness/exec/guest_image.h"
#include "kvm-guest/stub_abi.h"

_Static_assert(sizeof(struct stub_ctl) == CTL_OPS, "stub_ctl layout");
_Static_assert(sizeof(struct stub_op) == OPE_SIZE, "stub_op layout");
_Static_assert(sizeof(struct stub_res) == RES_SIZE, "stub_res layout");
_Static_assert(OP_FETCH == 8 && OP_PTE == 4 && OP_EFER == 3, "stub.S K_* values");
_Static_assert(STUB_START_CR0_PM32 == ORACLE_START_PM32_CR0 &&
	       STUB_START_CR0_LM64 == ORACLE_START_LM64_CR0 &&
	       STUB_CR4_PAE == ORACLE_START_LM64_CR4 &&
	       (STUB_EFER_LME | STUB_EFER_LMA) == ORACLE_START_LM64_EFER &&
	       LAYOUT_LOW_PML4 == ORACLE_START_LM64_CR3, "start state = oracle.h");
_Static_assert(OPS_DONE == 1 && OPS_EXCEPTION == 2, "stub.S S_* values");
_Static_assert(CTL_OPS + STUB_MAX_OPS * OPE_SIZE <= STUB_WRITES - LAYOUT_OPS_BASE,
	       "ops overflow into the warm writes");
_Static_assert(offsetof(struct stub_ctl, n_writes) == CTL_N_WRITES &&
	       sizeof(struct stub_write) == 8, "stub_ctl.n_writes / stub_write layout");

/* Guest memory: one contiguous host range so gpa -> hva is an offset. */
static int mem_init(struct executor *ex, char *err, size_t errlen)
{
	uint8_t *m;
	int r;

	m = mmap(NULL, LAYOUT_MEM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		goto fail;
	ex->mem = m;
	ex->memfd = memfd_create("mmufuzz-data", MFD_CLOEXEC);
	if (ex->memfd < 0 || ftruncate(ex->memfd, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE) < 0)
		goto fail;
	/* Write the tags once into the file; MAP_PRIVATE keeps it pristine. */
	{
		uint8_t *f = mmap(NULL, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE, PROT_READ | PROT_WRITE,
				  MAP_SHARED, ex->memfd, 0);
		if (f == MAP_FAILED)
			goto fail;
		for (uint64_t gpa = LAYOUT_DATA_BASE; gpa < LAYOUT_MEM_SIZE; gpa += 8) {
			uint64_t w = DATA_WORD(gpa >> 12);
			memcpy(f + gpa - LAYOUT_DATA_BASE, &w, 8);
		}
		munmap(f, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE);
	}
	if (mmap(m + LAYOUT_DATA_BASE, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_FIXED, ex->memfd, 0) == MAP_FAILED)
		goto fail;
	return 0;
fail:
	r = -errno;
	executor__set_err(err, errlen, "guest memory: %s", strerror(errno));
	return r;
}

/* GDT, IDTs, TSS and the fixed low tables: built once, copied every run. */
static void sys_tpl_init(struct executor *ex)
{
	guest_image_sys(ex->sys_tpl);
}

static void low_tpl_init(struct executor *ex)
{
	guest_image_low_tables(ex->low_tpl);
}

int executor_open(struct executor **out, const struct executor_opts *opts,
		  char *err, size_t errlen)
{
	struct executor *ex;
	int r;

	*out = NULL;
	ex = calloc(1, sizeof(*ex));
	if (!ex) {
		executor__set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ex->vm_fd = ex->vcpu_fd = ex->memfd = -1;
	ex->timer = (timer_t)0;
	if (opts)
		ex->opts = *opts;
	else
		ex->opts.vendor = -1;
	if (!ex->opts.watchdog_ms)
		ex->opts.watchdog_ms = DEFAULT_WATCHDOG_MS;
	ex->host_pvm = access("/sys/module/kvm_pvm", F_OK) == 0;
	ex->pvm = ex->opts.force_pvm || ex->host_pvm;

	ex->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (ex->kvm_fd < 0) {
		r = -errno;
		if (errno == ENOENT)
			executor__set_err(err, errlen, "no /dev/kvm on this host: %s (run the tests in the "
				"QEMU test VM: make check-exec-vm)", strerror(errno));
		else
			executor__set_err(err, errlen, "cannot open /dev/kvm: %s", strerror(errno));
		free(ex);
		return r;
	}
	if (__kvm_ioctl(ex->kvm_fd, KVM_GET_API_VERSION, NULL) != KVM_API_VERSION) {
		executor__set_err(err, errlen, "/dev/kvm: unexpected KVM API version");
		r = -ENOTSUP;
		goto fail;
	}
	sys_tpl_init(ex);
	low_tpl_init(ex);
	r = mem_init(ex, err, errlen);
	if (!r)
		r = executor_cpuid_init(ex, err, errlen);
	if (!r)
		r = executor_vm_create(ex, err, errlen);
	if (!r)
		r = executor_watchdog_init(ex, err, errlen);
	if (r)
		goto fail;
	ex->caps = EXEC_MODE_ALL;
	if (!ex->opts.no_probe)
		executor_probe_caps(ex);
	/* Nobody traced the probe's runs: start the first program clean. */
	ex->warm_ok = 0;
	*out = ex;
	return 0;
fail:
	executor_close(ex);
	return r;
}

void executor_close(struct executor *ex)
{
	if (!ex)
		return;
	if (ex->timer)
		timer_delete(ex->timer);
	executor_vm_destroy(ex);
	if (ex->mem)
		munmap(ex->mem, LAYOUT_MEM_SIZE);
	if (ex->memfd >= 0)
		close(ex->memfd);
	if (ex->kvm_fd >= 0)
		close(ex->kvm_fd);
	free(ex->cpuid);
	free(ex);
}

const struct oracle_cpu *executor_cpu_profile(const struct executor *ex)
{
	return &ex->cpu;
}

const struct executor_cpu *executor_cpu_info(const struct executor *ex)
{
	return &ex->cpu_info;
}
