// SPDX-License-Identifier: GPL-2.0
/*
 * pae_slots - many PAE PDPTs on one page, CR3 switches between them, and
 * a PDPT rewritten in place, all checked against the architecture.
 *
 * Page 0x20000 holds PDPTs in slots 0, 1, 2, 64 and 127 (CR3 = 0x20000 +
 * 32 * slot; slot 64 is 2 KiB away from slot 0, so CR3[10:5] is equal
 * and only CR3[11] differs).  Each PDPT's PDPTE0 points to its own page
 * directory, which maps VA 0x400000 to a frame tagged with the slot
 * number.  The guest code, emitted by this program, then
 *   1. loads each CR3 in turn and reads the VA (two rounds, the second
 *      in reverse order, so every switch revisits a known root);
 *   2. rewrites PDPTE0 of slot 0 to point at slot 1's page directory
 *      (a guest write to a write-protected PDPT page), loads CR3 = slot 0
 *      again and reads the VA: MOV to CR3 reloads the PDPTRs, so the
 *      read must now see slot 1's frame;
 * and reports every read with an OUT to port 0x10.
 *
 * Standalone: the KVM API only; cc -static -O2 -o pae_slots pae_slots.c
 * Exit status: 0 every read right, 1 a wrong frame, 2 setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK_NAME "pae_slots"
#include "kvm_check.h"

#define MEM_SIZE	0x400000UL
#define CODE_GPA	0x1000
#define PDPT_PAGE	0x20000
#define PD_BASE		0x40000		/* PD of slot index i at PD_BASE + 0x3000 * i */
#define PROBE_VA	0x400000
#define TAG(slot)	(0x7a900000u | (slot))
#define PORT		0x10
#define P		(1ull << 0)
#define RW		(1ull << 1)
#define PS		(1ull << 7)
#define MAX_READS	64

static const int slots[] = { 0, 1, 2, 64, 127 };
#define NSLOTS		(int)(sizeof(slots) / sizeof(slots[0]))

static uint8_t *code;
static size_t code_len;
static uint32_t expect[MAX_READS];
static const char *what[MAX_READS];
static int nreads;

static void emit(const void *b, size_t n)
{
	memcpy(code + code_len, b, n);
	code_len += n;
}

static void emit_imm32(uint8_t op, uint32_t imm)
{
	emit(&op, 1);
	emit(&imm, 4);
}

static void emit_mov_cr3(uint32_t cr3)
{
	emit_imm32(0xb8, cr3);				/* mov eax, imm32 */
	emit("\x0f\x22\xd8", 3);			/* mov cr3, eax */
}

/* Read the probe VA and report it; the host expects @tag. */
static void emit_probe(uint32_t tag, const char *why)
{
	emit_imm32(0xa1, PROBE_VA);			/* mov eax, [PROBE_VA] */
	emit("\xe7" "\x10", 2);				/* out PORT, eax */
	expect[nreads] = tag;
	what[nreads++] = why;
}

static uint32_t slot_cr3(int i)
{
	return PDPT_PAGE + 32 * slots[i];
}

static void build(uint8_t *mem)
{
	static char names[MAX_READS][48];
	uint64_t pd_of_1 = PD_BASE + 0x3000 * 1;
	int i, round;

	for (i = 0; i < NSLOTS; i++) {
		uint64_t pd = PD_BASE + 0x3000 * i, pt = pd + 0x1000, frame = pd + 0x2000;

		*(uint64_t *)(mem + slot_cr3(i)) = pd | P;
		((uint64_t *)(mem + pd))[0] = 0 | P | RW | PS;	/* 2 MiB 1:1 */
		((uint64_t *)(mem + pd))[PROBE_VA >> 21] = pt | P | RW;
		((uint64_t *)(mem + pt))[0] = frame | P | RW;
		*(uint32_t *)(mem + frame) = TAG(slots[i]);
	}

	code = mem + CODE_GPA;
	/* Paging on with slot 0: CR3, CR4.PAE, CR0.PG. */
	emit_mov_cr3(slot_cr3(0));
	emit("\x0f\x20\xe0" "\x0d\x20\x00\x00\x00" "\x0f\x22\xe0", 11);
	emit("\x0f\x20\xc0" "\x0d\x00\x00\x00\x80" "\x0f\x22\xc0" "\xeb\x00", 13);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < NSLOTS; i++) {
			int k = round ? NSLOTS - 1 - i : i;

			emit_mov_cr3(slot_cr3(k));
			snprintf(names[nreads], sizeof(names[0]), "round %d, CR3 0x%x", round + 1,
				 slot_cr3(k));
			emit_probe(TAG(slots[k]), names[nreads]);
		}
	}
	/* mov dword [slot 0's PDPTE0], PD of slot 1 | P; then reload slot 0. */
	emit("\xc7\x05", 2);
	emit(&(uint32_t){ slot_cr3(0) }, 4);
	emit(&(uint32_t){ (uint32_t)(pd_of_1 | P) }, 4);
	emit_mov_cr3(slot_cr3(0));
	emit_probe(TAG(slots[1]), "CR3 0x20000 after its PDPTE0 was rewritten");
	/* and slot 1 itself is unchanged */
	emit_mov_cr3(slot_cr3(1));
	emit_probe(TAG(slots[1]), "CR3 0x20020 after slot 0 was rewritten");
	emit("\xf4", 1);				/* hlt */
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu, n = 0, wrong = 0;
	uint8_t *mem;

	alarm(30);
	kvm = kvm_open();
	vm = kvm_create_vm(kvm);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	build(mem);
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	flat32_sregs(&sregs);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = 0x1f000;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	for (;;) {
		uint32_t v;

		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO || run->io.port != PORT ||
		    run->io.size != 4 || run->io.direction != KVM_EXIT_IO_OUT || n >= nreads) {
			fprintf(stderr, "pae_slots: unexpected exit %u after %d reads\n",
				run->exit_reason, n);
			return 2;
		}
		memcpy(&v, (uint8_t *)run + run->io.data_offset, 4);
		printf("%-46s VA 0x%x -> 0x%08x, expected 0x%08x%s\n", what[n], PROBE_VA,
		       v, expect[n], v == expect[n] ? "" : "  WRONG");
		wrong += v != expect[n];
		n++;
	}
	if (n != nreads) {
		fprintf(stderr, "pae_slots: guest halted after %d of %d reads\n", n, nreads);
		return 2;
	}
	printf("pae_slots: %d reads, %d wrong\n", n, wrong);
	return wrong ? 1 : 0;
}
