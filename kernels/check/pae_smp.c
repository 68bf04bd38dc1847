// SPDX-License-Identifier: GPL-2.0
/*
 * pae_smp - two vCPUs share PAE roots: both switch CR3 between PDPTs on
 * one page in a loop and check every read in the guest, while vCPU 1
 * also rewrites a PDPTE with its own value each round (a write to a
 * write-protected PDPT page: KVM zaps shadow pages of that page while
 * the other vCPU may be using them as its root).
 *
 * Slots 0, 1, 64 and 127 of page 0x20000 hold PDPTs whose PDPTE0 maps VA
 * 0x400000 to a frame tagged with the slot.  Each vCPU runs ROUNDS
 * rounds over the slots (vCPU 1 in reverse order); a read that does not
 * return its slot's tag stops that vCPU with OUT 0x11 (value read), the
 * end of the loop reports OUT 0x10.
 *
 *   pae_smp          PDPTs on one page (the case a PAE-root cache keyed
 *                    by CR3 >> 12 gets wrong)
 *   pae_smp spread   one PDPT per page (0x20000, 0x21000, ...): right on
 *                    every variant, so the sharing and zapping paths of
 *                    such a cache run for all rounds
 *
 * Standalone: the KVM API only;
 *   cc -static -O2 -pthread -o pae_smp pae_smp.c
 * Exit status: 0 every read right on both vCPUs, 1 a wrong frame,
 * 2 setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK_NAME "pae_smp"
#include "kvm_check.h"

#define MEM_SIZE	0x400000UL
#define PDPT_PAGE	0x20000
#define PD_BASE		0x40000
#define PROBE_VA	0x400000
#define TAG(slot)	(0x7a900000u | (slot))
#define PORT_DONE	0x10
#define PORT_WRONG	0x11
#define ROUNDS		2000
#define P		(1ull << 0)
#define RW		(1ull << 1)
#define PS		(1ull << 7)

static const int slots[] = { 0, 1, 64, 127 };
#define NSLOTS		(int)(sizeof(slots) / sizeof(slots[0]))

struct vcpu {
	int id, fd, result;		/* result: 0 right, 1 wrong, 2 error */
	uint32_t seen, want_code;
	struct kvm_run *run;
	uint64_t code_gpa;
};

static int kvm, vm, spread;
static uint8_t *mem;
static long run_size;

struct asm_buf {
	uint8_t *p;
	size_t n;
};

static void emit(struct asm_buf *a, const void *b, size_t n)
{
	memcpy(a->p + a->n, b, n);
	a->n += n;
}

static void emit_op32(struct asm_buf *a, const char *op, size_t oplen, uint32_t v)
{
	emit(a, op, oplen);
	emit(a, &v, 4);
}

static uint32_t slot_cr3(int i)
{
	return PDPT_PAGE + (spread ? 0x1000 * i : 32 * slots[i]);
}

/* One vCPU's program: paging on, ROUNDS x (CR3 switch + checked read). */
static void emit_program(struct vcpu *v)
{
	struct asm_buf a = { mem + v->code_gpa, 0 };
	size_t loop, jfail[NSLOTS], jloop;
	uint32_t rel;
	int i;

	emit_op32(&a, "\xb8", 1, slot_cr3(0));			/* mov eax, cr3 */
	emit(&a, "\x0f\x22\xd8", 3);				/* mov cr3, eax */
	emit(&a, "\x0f\x20\xe0" "\x0d\x20\x00\x00\x00" "\x0f\x22\xe0", 11);	/* CR4.PAE */
	emit(&a, "\x0f\x20\xc0" "\x0d\x00\x00\x00\x80" "\x0f\x22\xc0" "\xeb\x00", 13); /* CR0.PG */
	emit_op32(&a, "\xb9", 1, ROUNDS);			/* mov ecx, ROUNDS */
	loop = a.n;
	for (i = 0; i < NSLOTS; i++) {
		int k = v->id ? NSLOTS - 1 - i : i;

		emit_op32(&a, "\xb8", 1, slot_cr3(k));		/* mov eax, cr3 */
		emit(&a, "\x0f\x22\xd8", 3);			/* mov cr3, eax */
		emit_op32(&a, "\xa1", 1, PROBE_VA);		/* mov eax, [VA] */
		emit_op32(&a, "\x3d", 1, TAG(slots[k]));	/* cmp eax, tag */
		emit_op32(&a, "\x0f\x85", 2, 0);		/* jne fail */
		jfail[i] = a.n;
	}
	if (v->id) {
		/* Rewrite slot 1's PDPTE0 with its own value. */
		emit_op32(&a, "\xa1", 1, slot_cr3(1));		/* mov eax, [pdpte] */
		emit_op32(&a, "\xa3", 1, slot_cr3(1));		/* mov [pdpte], eax */
	}
	emit(&a, "\x49", 1);					/* dec ecx */
	emit_op32(&a, "\x0f\x85", 2, 0);			/* jnz loop */
	jloop = a.n;
	rel = loop - jloop;
	memcpy(a.p + jloop - 4, &rel, 4);
	emit(&a, "\xe7\x10\xf4", 3);				/* out DONE, eax; hlt */
	for (i = 0; i < NSLOTS; i++) {
		rel = a.n - jfail[i];
		memcpy(a.p + jfail[i] - 4, &rel, 4);
	}
	emit(&a, "\xe7\x11\xf4", 3);				/* fail: out WRONG, eax; hlt */
}

static void vcpu_setup(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	v->fd = ioctl(vm, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU");
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	flat32_sregs(&sregs);
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = v->code_gpa;
	regs.rflags = 2;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *run = v->run;

	v->result = 2;
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			fprintf(stderr, "pae_smp: vCPU %d: KVM_RUN: %s\n", v->id, strerror(errno));
			return NULL;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.size == 4 && (run->io.port == PORT_DONE || run->io.port == PORT_WRONG)) {
			memcpy(&v->seen, (uint8_t *)run + run->io.data_offset, 4);
			v->result = run->io.port == PORT_WRONG;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			return NULL;
		fprintf(stderr, "pae_smp: vCPU %d: unexpected exit %u\n", v->id, run->exit_reason);
		v->result = 2;
		return NULL;
	}
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	struct vcpu v[2] = { { .id = 0, .code_gpa = 0x1000 }, { .id = 1, .code_gpa = 0x3000 } };
	pthread_t t[2];
	int i, rc = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "spread"))) {
		fprintf(stderr, "usage: pae_smp [spread]\n");
		return 2;
	}
	spread = argc == 2;
	alarm(120);
	kvm = kvm_open();
	vm = kvm_create_vm(kvm);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	for (i = 0; i < NSLOTS; i++) {
		uint64_t pd = PD_BASE + 0x3000 * i, pt = pd + 0x1000, frame = pd + 0x2000;

		*(uint64_t *)(mem + slot_cr3(i)) = pd | P;
		((uint64_t *)(mem + pd))[0] = 0 | P | RW | PS;
		((uint64_t *)(mem + pd))[PROBE_VA >> 21] = pt | P | RW;
		((uint64_t *)(mem + pt))[0] = frame | P | RW;
		*(uint32_t *)(mem + frame) = TAG(slots[i]);
	}
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	for (i = 0; i < 2; i++) {
		emit_program(&v[i]);
		vcpu_setup(&v[i]);
	}
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, vcpu_thread, &v[i]))
			die("pthread_create");
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		printf("vCPU %d: %s", i, v[i].result == 0 ? "all reads right" :
		       v[i].result == 1 ? "WRONG frame" : "error");
		if (v[i].result == 1)
			printf(" (read 0x%08x)", v[i].seen);
		printf("\n");
		if (v[i].result > rc)
			rc = v[i].result;
	}
	printf("pae_smp%s: %d rounds x %d CR3 switches per vCPU: %s\n",
	       spread ? " spread" : "", ROUNDS, NSLOTS,
	       rc == 0 ? "OK" : rc == 1 ? "WRONG TRANSLATION" : "ERROR");
	return rc;
}
