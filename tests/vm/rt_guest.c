// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny KVM guest for the tracer's in-VM tests (see rt_guest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "harness/exec/kvm_ioctl.h"
#include "rt_guest.h"

#define RTG_PORT 0x10

static int rtg__fail(char *err, size_t len, const char *what)
{
	int e = errno;

	snprintf(err, len, "rt_guest: %s: %s", what, strerror(e));
	return -e;
}

int rtg_create(struct rtg *g, char *err, size_t len)
{
	struct kvm_userspace_memory_region mr = { 0 };
	int r;

	memset(g, 0, sizeof(*g));
	g->kvm_fd = g->vm_fd = g->vcpu_fd = -1;
	g->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g->kvm_fd < 0)
		return rtg__fail(err, len, "open /dev/kvm");
	r = kvm_ioctl(g->kvm_fd, KVM_CREATE_VM, NULL, err, len);
	if (r < 0)
		goto fail;
	g->vm_fd = r;
	g->mem = mmap(NULL, RTG_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		r = rtg__fail(err, len, "mmap guest memory");
		goto fail;
	}
	mr.memory_size = RTG_MEM_SIZE;
	mr.userspace_addr = (uintptr_t)g->mem;
	r = kvm_ioctl(g->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr, err, len);
	if (r < 0)
		goto fail;
	r = kvm_vcpu_open(g->kvm_fd, g->vm_fd, 0, &g->run, &g->run_size, err, len);
	if (r < 0)
		goto fail;
	g->vcpu_fd = r;
	return 0;
fail:
	rtg_destroy(g);
	return r;
}

void rtg_destroy(struct rtg *g)
{
	/* The kvm_run mapping pins the vCPU, the vCPU the VM: in that order. */
	kvm_vcpu_close(&g->vcpu_fd, &g->run, g->run_size);
	if (g->mem)
		munmap(g->mem, RTG_MEM_SIZE);
	g->mem = NULL;
	if (g->vm_fd >= 0)
		close(g->vm_fd);
	if (g->kvm_fd >= 0)
		close(g->kvm_fd);
	g->kvm_fd = g->vm_fd = -1;
}

static void rtg__emit(struct rtg *g, const void *b, size_t n)
{
	/* The code page is one 4 KiB frame; tests emit far less. */
	if (g->code_len + n > 0x1000 - 1)
		return;
	memcpy(g->mem + RTG_CODE + g->code_len, b, n);
	g->code_len += n;
}

static void rtg__emit_imm(struct rtg *g, uint8_t op, uint32_t imm)
{
	uint8_t b[5] = { op, imm, imm >> 8, imm >> 16, imm >> 24 };

	rtg__emit(g, b, 5);
}

void rtg_code_reset(struct rtg *g)
{
	g->code_len = 0;
	g->n_out = 0;
}

void rtg_mov_cr(struct rtg *g, int cr, uint32_t val)
{
	/* mov eax, imm32; mov crN, eax (0f 22 /r, reg field = N) */
	uint8_t b[3] = { 0x0f, 0x22, 0xc0 | (cr << 3) };

	rtg__emit_imm(g, 0xb8, val);
	rtg__emit(g, b, 3);
}

void rtg_store32(struct rtg *g, uint32_t va, uint32_t val)
{
	rtg__emit_imm(g, 0xb8, val);	/* mov eax, imm32 */
	rtg__emit_imm(g, 0xa3, va);	/* mov [moffs32], eax */
}

void rtg_load_report(struct rtg *g, uint32_t va)
{
	uint8_t out[2] = { 0xe7, RTG_PORT };	/* out imm8, eax */

	rtg__emit_imm(g, 0xa1, va);	/* mov eax, [moffs32] */
	rtg__emit(g, out, 2);
}

void rtg_poke64(struct rtg *g, uint64_t gpa, uint64_t val)
{
	if (gpa + 8 <= RTG_MEM_SIZE)
		memcpy(g->mem + gpa, &val, 8);
}

void rtg_tag_frame(struct rtg *g, uint64_t gpa)
{
	uint32_t tag = gpa >> 12, i;

	for (i = 0; i < 0x1000 && gpa + i + 4 <= RTG_MEM_SIZE; i += 4)
		memcpy(g->mem + gpa + i, &tag, 4);
}

int rtg_run(struct rtg *g, char *err, size_t len)
{
	struct kvm_run *run = g->run;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	uint8_t hlt = 0xf4;
	int r;

	rtg__emit(g, &hlt, 1);
	g->n_out = 0;
	r = kvm_ioctl(g->vcpu_fd, KVM_GET_SREGS, &sr, err, len);
	if (r < 0)
		return r;
	kvm_seg_flat(&sr.cs, 0x08, 11, 0);	/* code, execute/read, accessed */
	kvm_seg_flat(&sr.ds, 0x10, 3, 0);	/* data, read/write, accessed */
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.cr0 = 0x11;			/* PE | ET */
	sr.cr3 = 0;
	sr.cr4 = 0;
	sr.efer = 0;
	r = kvm_ioctl(g->vcpu_fd, KVM_SET_SREGS, &sr, err, len);
	if (r < 0)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rip = RTG_CODE;
	regs.rflags = 2;
	r = kvm_ioctl(g->vcpu_fd, KVM_SET_REGS, &regs, err, len);
	if (r < 0)
		return r;
	for (;;) {
		r = kvm_ioctl(g->vcpu_fd, KVM_RUN, NULL, err, len);
		if (r < 0)
			return r;
		switch (run->exit_reason) {
		case KVM_EXIT_HLT:
			return 0;
		case KVM_EXIT_IO:
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == RTG_PORT &&
			    run->io.size == 4 && g->n_out < RTG_MAX_OUT) {
				memcpy(&g->out[g->n_out++], (uint8_t *)run + run->io.data_offset, 4);
				continue;
			}
			snprintf(err, len, "rt_guest: unexpected I/O port 0x%x", run->io.port);
			return -EIO;
		case KVM_EXIT_SHUTDOWN:
			snprintf(err, len, "rt_guest: guest triple-faulted");
			return -EIO;
		case KVM_EXIT_MMIO:
			snprintf(err, len, "rt_guest: guest touched unbacked gpa 0x%llx",
				 (unsigned long long)run->mmio.phys_addr);
			return -EIO;
		default:
			snprintf(err, len, "rt_guest: unexpected exit reason %u", run->exit_reason);
			return -EIO;
		}
	}
}
