// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny KVM guest for the tracer's in-VM tests (see rt_guest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
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
	g->vm_fd = ioctl(g->kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm_fd < 0) {
		r = rtg__fail(err, len, "KVM_CREATE_VM");
		goto fail;
	}
	g->mem = mmap(NULL, RTG_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		r = rtg__fail(err, len, "mmap guest memory");
		goto fail;
	}
	mr.memory_size = RTG_MEM_SIZE;
	mr.userspace_addr = (uintptr_t)g->mem;
	if (ioctl(g->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		r = rtg__fail(err, len, "KVM_SET_USER_MEMORY_REGION");
		goto fail;
	}
	g->vcpu_fd = ioctl(g->vm_fd, KVM_CREATE_VCPU, 0);
	if (g->vcpu_fd < 0) {
		r = rtg__fail(err, len, "KVM_CREATE_VCPU");
		goto fail;
	}
	r = ioctl(g->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0) {
		r = rtg__fail(err, len, "KVM_GET_VCPU_MMAP_SIZE");
		goto fail;
	}
	g->run_size = r;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu_fd, 0);
	if (g->run == MAP_FAILED) {
		g->run = NULL;
		r = rtg__fail(err, len, "mmap kvm_run");
		goto fail;
	}
	return 0;
fail:
	rtg_destroy(g);
	return r;
}

void rtg_destroy(struct rtg *g)
{
	if (g->run)
		munmap(g->run, g->run_size);
	if (g->mem)
		munmap(g->mem, RTG_MEM_SIZE);
	if (g->vcpu_fd >= 0)
		close(g->vcpu_fd);
	if (g->vm_fd >= 0)
		close(g->vm_fd);
	if (g->kvm_fd >= 0)
		close(g->kvm_fd);
	g->run = NULL;
	g->mem = NULL;
	g->kvm_fd = g->vm_fd = g->vcpu_fd = -1;
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

static void rtg__seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = 1;
	s->s = 1;
	s->g = 1;
}

int rtg_run(struct rtg *g, char *err, size_t len)
{
	struct kvm_run *run = g->run;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	uint8_t hlt = 0xf4;

	rtg__emit(g, &hlt, 1);
	g->n_out = 0;
	if (ioctl(g->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return rtg__fail(err, len, "KVM_GET_SREGS");
	rtg__seg(&sr.cs, 0x08, 11);	/* code, execute/read, accessed */
	rtg__seg(&sr.ds, 0x10, 3);	/* data, read/write, accessed */
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.cr0 = 0x11;			/* PE | ET */
	sr.cr3 = 0;
	sr.cr4 = 0;
	sr.efer = 0;
	if (ioctl(g->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return rtg__fail(err, len, "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = RTG_CODE;
	regs.rflags = 2;
	if (ioctl(g->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return rtg__fail(err, len, "KVM_SET_REGS");
	for (;;) {
		if (ioctl(g->vcpu_fd, KVM_RUN, 0) < 0)
			return rtg__fail(err, len, "KVM_RUN");
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
