// SPDX-License-Identifier: GPL-2.0
/*
 * One run: reset the VM to the program's start state (executor.h says
 * what is reset and why), KVM_RUN under the watchdog until the stub says
 * done or the run ends otherwise, and turn the stub's results into
 * struct run_obs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "harness/exec/executor_int.h"
#include "harness/exec/guest_image.h"
#include "kvm-guest/stub_abi.h"

/* A real-time signal: libFuzzer and AFL++ own SIGUSR1/SIGUSR2. */
#define EXEC_WD_SIGNAL	(SIGRTMIN + 5)

/* The watchdog's signal handler sees the run of the executor running on
 * this thread. */
static __thread struct kvm_run *volatile wd_run;
static __thread volatile sig_atomic_t wd_fired;

static void wd_handler(int sig)
{
	wd_fired = 1;
	if (wd_run)
		wd_run->immediate_exit = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int executor_watchdog_init(struct executor *ex, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = wd_handler };
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = EXEC_WD_SIGNAL,
	};

	/* No SA_RESTART: KVM_RUN must come back with EINTR. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(EXEC_WD_SIGNAL, &sa, NULL) < 0)
		goto fail;
	sev._sigev_un._tid = syscall(SYS_gettid);	/* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &ex->timer) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "watchdog timer: %s", strerror(errno));
	return -errno;
}

static int regs_reset(struct executor *ex, const struct program *p, const struct stub_header *h)
{
	struct kvm_sregs sr = ex->sregs0;
	struct kvm_regs regs = { .rip = h->entry, .rflags = 0x2, .rsp = LAYOUT_STACK_TOP };
	int lm = p->start == START_LM64;

	kvm_seg_flat(&sr.cs, STUB_SEL_CODE32, 11, 0);
	kvm_seg_flat(&sr.ds, STUB_SEL_DATA, 3, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.tr = (struct kvm_segment){ .base = STUB_TSS, .limit = 0x67, .selector = STUB_SEL_TSS,
				      .type = 11, .present = 1 };
	sr.ldt = (struct kvm_segment){ .type = 2, .unusable = 1 };
	sr.gdt.base = STUB_GDT;
	sr.gdt.limit = STUB_GDT_LIMIT;
	sr.idt.base = lm ? STUB_IDT64 : STUB_IDT32;
	sr.idt.limit = lm ? STUB_IDT64_LIMIT : STUB_IDT32_LIMIT;
	sr.cr0 = lm ? STUB_START_CR0_LM64 : STUB_START_CR0_PM32;
	sr.cr3 = lm ? LAYOUT_LOW_PML4 : 0;
	sr.cr4 = lm ? STUB_CR4_PAE : 0;
	sr.efer = lm ? STUB_EFER_LME | STUB_EFER_LMA : 0;
	sr.cr2 = 0;
	memset(sr.interrupt_bitmap, 0, sizeof(sr.interrupt_bitmap));
	int r = __kvm_ioctl(ex->vcpu_fd, KVM_SET_SREGS, &sr);

	if (r >= 0)
		r = __kvm_ioctl(ex->vcpu_fd, KVM_SET_REGS, &regs);
	return r < 0 ? r : 0;
}

/* Data frames: drop the guest's writes and every host mapping, then map
 * (writable) exactly the frames the program asks for. */
static int data_reset(struct executor *ex, const struct program *p)
{
	uint64_t t = now_ns();

	if (madvise(ex->mem + LAYOUT_DATA_BASE, LAYOUT_MEM_SIZE - LAYOUT_DATA_BASE,
		    MADV_DONTNEED) < 0)
		return -errno;
	for (unsigned i = 0; i < p->n_prefault; i++)
		for (uint32_t g = 0; g < p->prefault[i].count; g++) {
			volatile uint8_t *b = ex->mem + ((uint64_t)(p->prefault[i].gfn + g) << 12);
			*b = *b;
		}
	ex->st.ns_data += now_ns() - t;
	return 0;
}

/* A warm start (executor.h): 0, or -errno when this run must start clean. */
static int warm_reset(struct executor *ex, const struct program *p)
{
	struct stub_ctl *ctl = (void *)(ex->mem + LAYOUT_OPS_BASE);
	guest_table_pages only;
	int n;

	if (guest_image_head(p, ex->mem, ex->sys_tpl))
		return -EINVAL;
	/* Only pages the last run or this program's start can have changed:
	 * comparing all 70 costs about a millisecond under TCG. */
	memcpy(only, ex->tbl_touched, sizeof(only));
	guest_image_table_pages(p, only);
	n = guest_image_table_writes(p, ex->mem, ex->low_tpl, only,
				     (struct stub_write *)(ex->mem + STUB_WRITES), STUB_MAX_WRITES);
	if (n < 0)
		return n;
	ctl->n_writes = (uint32_t)n;
	ex->st.warm_runs++;
	ex->st.warm_writes += (uint64_t)n;
	return 0;
}

/* Guest memory and KVM's MMU back to the state the program starts from. */
static int mem_reset(struct executor *ex, const struct program *p, int can_warm)
{
	uint64_t t = now_ns();
	int r;

	if (can_warm && !warm_reset(ex, p))
		return data_reset(ex, p);
	/* Deleting the slot makes KVM zap every shadow page (all roots and
	 * the write-tracking of old page tables): host writes below are then
	 * never hidden behind stale shadow state. */
	r = executor_set_slot(ex, SLOT_LOW, 0, 0, ex->mem);
	if (!r)
		r = executor_set_slot(ex, SLOT_LOW, 0, LAYOUT_LOW_END, ex->mem);
	if (r)
		return r;
	ex->st.ns_memslot += now_ns() - t;

	r = guest_image_program(p, ex->mem, ex->sys_tpl, ex->low_tpl);
	if (r)
		return r;
	return data_reset(ex, p);
}

void executor_set_warm(struct executor *ex, int on)
{
	ex->warm = !!on;
}

void executor_warm_forbid(struct executor *ex)
{
	ex->warm_ok = 0;
}

int executor_warm_unsafe_gfn(uint64_t gfn)
{
	/* The op buffer, warm writes and results (host-written), and the
	 * data frames (host-reset); everything else in the low region is
	 * written by the guest alone or rewritten unchanged. */
	return (gfn >= (LAYOUT_OPS_BASE >> 12) && gfn < (LAYOUT_SCRATCH_BASE >> 12)) ||
	       (gfn >= (LAYOUT_DATA_BASE >> 12) && gfn < (LAYOUT_MEM_SIZE >> 12));
}

static void run_detail(struct run_obs *obs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(obs->detail, sizeof(obs->detail), fmt, ap);
	va_end(ap);
}

struct mmio_rec {
	int seen;
	uint64_t gpa;
};

/* KVM_RUN until the stub says done or the run ends otherwise. */
static int run_loop(struct executor *ex, struct run_obs *obs, struct mmio_rec *mmio)
{
	const struct stub_ctl *ctl = (const void *)(ex->mem + LAYOUT_OPS_BASE);
	struct kvm_run *run = ex->run;
	struct itimerspec its = { 0 };
	int r = 0;

	its.it_value.tv_sec = ex->opts.watchdog_ms / 1000;
	its.it_value.tv_nsec = (ex->opts.watchdog_ms % 1000) * 1000000l;
	wd_fired = 0;
	run->immediate_exit = 0;
	wd_run = run;
	timer_settime(ex->timer, 0, &its, NULL);

	for (;;) {
		int rc = __kvm_ioctl(ex->vcpu_fd, KVM_RUN, NULL);

		ex->st.exits++;
		if (rc < 0) {
			if ((rc == -EINTR || rc == -EAGAIN) && !wd_fired)
				continue;
			if (rc == -EINTR) {
				obs->exit = RUN_HANG;
				run_detail(obs, "watchdog: no result after %u ms (op %u)",
					   ex->opts.watchdog_ms, ctl->cur_op);
			} else {
				/* EIO: the VM is dead, a finding, not our error. */
				if (rc == -EIO)
					obs->exit = RUN_KVM_DEAD;
				else
					r = rc;
				run_detail(obs, "KVM_RUN: %s", kvm_strerror(rc));
			}
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *d = (uint8_t *)run + run->io.data_offset;
			uint32_t code;

			if (run->io.port != STUB_UCALL_PORT || run->io.size != 4 ||
			    run->io.direction != KVM_EXIT_IO_OUT) {
				/* Code a fetch probe ran may do port I/O:
				 * nothing is there, reads see all-ones. */
				if (run->io.direction == KVM_EXIT_IO_IN)
					memset(d, 0xff, run->io.size * run->io.count);
				continue;
			}
			memcpy(&code, d, 4);
			if (code == STUB_UCALL_SYNC)
				continue;
			if (code == STUB_UCALL_DONE) {
				obs->exit = RUN_COMPLETED;
			} else if (code == STUB_UCALL_ASSERT) {
				obs->exit = RUN_GUEST_ASSERT;
				run_detail(obs, "stub assertion at kvm-guest/stub.S:%u (value 0x%x, op %d)",
					   ctl->assert_line, ctl->assert_val, (int)ctl->cur_op);
			} else {
				obs->exit = RUN_GUEST_ASSERT;
				run_detail(obs, "unknown ucall %u", code);
			}
			goto out;
		}
		case KVM_EXIT_MMIO:
			if (ctl->cur_op < STUB_MAX_OPS && !mmio[ctl->cur_op].seen) {
				mmio[ctl->cur_op].seen = 1;
				mmio[ctl->cur_op].gpa = run->mmio.phys_addr;
			}
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			continue;
		case KVM_EXIT_SHUTDOWN:
			obs->exit = RUN_SHUTDOWN;
			run_detail(obs, "triple fault at op %d", (int)ctl->cur_op);
			goto out;
		case KVM_EXIT_INTERNAL_ERROR:
			obs->exit = RUN_INTERNAL_ERROR;
			run_detail(obs, "KVM_EXIT_INTERNAL_ERROR suberror %u (%s) at op %d, data %llx %llx",
				   run->internal.suberror,
				   run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
				   "emulation failure" : "other",
				   (int)ctl->cur_op,
				   run->internal.ndata > 0 ? (unsigned long long)run->internal.data[0] : 0,
				   run->internal.ndata > 1 ? (unsigned long long)run->internal.data[1] : 0);
			goto out;
		case KVM_EXIT_FAIL_ENTRY:
			obs->exit = RUN_INTERNAL_ERROR;
			run_detail(obs, "KVM_EXIT_FAIL_ENTRY reason 0x%llx at op %d",
				   (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				   (int)ctl->cur_op);
			goto out;
		case KVM_EXIT_HLT:
			obs->exit = RUN_HANG;
			run_detail(obs, "guest halted at op %d", (int)ctl->cur_op);
			goto out;
		case KVM_EXIT_INTR:
			if (wd_fired) {
				obs->exit = RUN_HANG;
				run_detail(obs, "watchdog: no result after %u ms (op %u)",
					   ex->opts.watchdog_ms, ctl->cur_op);
				goto out;
			}
			continue;
		default:
			obs->exit = RUN_INTERNAL_ERROR;
			run_detail(obs, "unexpected KVM exit reason %u at op %d",
				   run->exit_reason, (int)ctl->cur_op);
			goto out;
		}
	}
out:
	its = (struct itimerspec){ 0 };
	timer_settime(ex->timer, 0, &its, NULL);
	wd_run = NULL;
	run->immediate_exit = 0;
	return r;
}

static void obs_collect(struct executor *ex, const struct program *p, struct run_obs *obs,
			const struct mmio_rec *mmio)
{
	const struct stub_ctl *ctl = (const void *)(ex->mem + LAYOUT_OPS_BASE);
	const struct stub_res *res = (const void *)(ex->mem + LAYOUT_RESULTS_BASE);
	struct kvm_sregs sr;
	unsigned n = obs->exit == RUN_COMPLETED ? p->n_ops :
		     (ctl->cur_op < p->n_ops ? ctl->cur_op : p->n_ops);

	obs->n_ops = n;
	for (unsigned i = 0; i < n; i++) {
		struct op_obs *o = &obs->ops[i];

		o->status = res[i].status;
		o->vector = res[i].vector;
		o->error_code = res[i].error_code;
		o->cr2 = res[i].cr2;
		o->value = res[i].value;
		if (mmio[i].seen && o->status == OPS_DONE) {
			o->status = OPS_MMIO;
			o->mmio_gpa = mmio[i].gpa;
		}
	}
	if (__kvm_ioctl(ex->vcpu_fd, KVM_GET_SREGS, &sr) == 0) {
		obs->cr0 = sr.cr0;
		obs->cr3 = sr.cr3;
		obs->cr4 = sr.cr4;
		obs->efer = sr.efer;
	}
	if (!ex->opts.no_arena) {
		memcpy(obs->arena, ex->mem + LAYOUT_ARENA_BASE, sizeof(obs->arena));
		obs->has_arena = 1;
	}
}

/* Clear everything in run_obs but the big arena copy (filled later). */
static void obs_clear(struct run_obs *obs)
{
	memset(obs, 0, offsetof(struct run_obs, arena));
	obs->has_arena = 0;
	memset(obs->detail, 0, sizeof(obs->detail));	/* runs compare with memcmp */
}

int executor_run(struct executor *ex, const struct program *p, struct run_obs *obs)
{
	const struct stub_header *h = (const void *)stub_image_start;
	struct mmio_rec mmio[STUB_MAX_OPS];
	char why[160], err[160];
	uint64_t t0, t1, t2, t3;
	int r, can_warm;

	t0 = now_ns();
	obs_clear(obs);
	if (executor_check(ex, p, why, sizeof(why))) {
		obs->exit = RUN_REFUSED;
		run_detail(obs, "%s", why);
		return 0;
	}
	if (ex->vm_fd < 0) {
		r = executor_vm_create(ex, err, sizeof(err));
		if (r) {
			run_detail(obs, "recreating the VM: %s", err);
			return r;
		}
	}
	memset(mmio, 0, sizeof(mmio));
	t1 = now_ns();
	/* Warm only after a run that completed (set again below). */
	can_warm = ex->warm && ex->warm_ok;
	ex->warm_ok = 0;
	r = mem_reset(ex, p, can_warm);
	if (!r)
		r = regs_reset(ex, p, h);
	if (r) {
		run_detail(obs, "reset: %s", strerror(-r));
		return r;
	}
	t2 = now_ns();
	if (ex->opts.before_guest)
		ex->opts.before_guest(ex->opts.before_guest_arg);
	r = run_loop(ex, obs, mmio);
	t3 = now_ns();
	if (r)
		return r;
	obs_collect(ex, p, obs, mmio);
	/* After a hang, an internal error or a dead VM the vCPU may hold
	 * half-done work (a pending MMIO completion, an exception being
	 * delivered): start the next run in a fresh VM. */
	if (obs->exit != RUN_COMPLETED && obs->exit != RUN_SHUTDOWN)
		executor_vm_destroy(ex);
	else {
		ex->warm_ok = 1;
		memset(ex->tbl_touched, 0, sizeof(ex->tbl_touched));
		guest_image_table_pages(p, ex->tbl_touched);
	}
	ex->st.runs++;
	ex->st.ns_reset += t2 - t1;
	ex->st.ns_guest += t3 - t2;
	ex->st.ns_host += (t1 - t0) + (now_ns() - t3);
	return 0;
}

void executor_stats(const struct executor *ex, struct executor_stats *st)
{
	*st = ex->st;
}
