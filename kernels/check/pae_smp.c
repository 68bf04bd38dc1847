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
#include <pthread.h>

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

static const int slots[] = { 0, 1, 64, 127 };
#define NSLOTS		(int)(sizeof(slots) / sizeof(slots[0]))

struct vcpu {
	int id, fd, result;		/* result: 0 right, 1 wrong, 2 error */
	uint32_t seen, want_code;
	struct kvm_run *run;
	uint64_t code_gpa;
};

static struct check_vm vm;
static int spread;

static uint32_t slot_cr3(int i)
{
	return PDPT_PAGE + (spread ? 0x1000 * i : 32 * slots[i]);
}

/* One vCPU's program: paging on, ROUNDS x (CR3 switch + checked read). */
static void emit_program(struct vcpu *v)
{
	struct check_code a = { vm.mem + v->code_gpa, 0 };
	size_t loop, jfail[NSLOTS], jloop;
	uint32_t rel;
	int i;

	check_emit_paging_on(&a, slot_cr3(0), X86_CR4_PAE);
	check_emit_op32(&a, "\xb9", 1, ROUNDS);			/* mov ecx, ROUNDS */
	loop = a.n;
	for (i = 0; i < NSLOTS; i++) {
		int k = v->id ? NSLOTS - 1 - i : i;

		check_emit_mov_cr3(&a, slot_cr3(k));
		check_emit_op32(&a, "\xa1", 1, PROBE_VA);		/* mov eax, [VA] */
		check_emit_op32(&a, "\x3d", 1, TAG(slots[k]));	/* cmp eax, tag */
		check_emit_op32(&a, "\x0f\x85", 2, 0);		/* jne fail */
		jfail[i] = a.n;
	}
	if (v->id) {
		/* Rewrite slot 1's PDPTE0 with its own value. */
		check_emit_op32(&a, "\xa1", 1, slot_cr3(1));	/* mov eax, [pdpte] */
		check_emit_op32(&a, "\xa3", 1, slot_cr3(1));	/* mov [pdpte], eax */
	}
	check_emit(&a, "\x49", 1);				/* dec ecx */
	check_emit_op32(&a, "\x0f\x85", 2, 0);			/* jnz loop */
	jloop = a.n;
	rel = loop - jloop;
	memcpy(a.p + jloop - 4, &rel, 4);
	check_emit(&a, "\xe7\x10\xf4", 3);			/* out DONE, eax; hlt */
	for (i = 0; i < NSLOTS; i++) {
		rel = a.n - jfail[i];
		memcpy(a.p + jfail[i] - 4, &rel, 4);
	}
	check_emit(&a, "\xe7\x11\xf4", 3);			/* fail: out WRONG, eax; hlt */
}

static void vcpu_setup(struct vcpu *v)
{
	const struct check_start start = { .cr0 = CHECK_CR0_PM, .rip = v->code_gpa };

	v->fd = v->id ? check_vcpu_add(&vm, v->id, &v->run) : vm.vcpu;
	if (!v->id)
		v->run = vm.run;
	check_vcpu_start(v->fd, &start);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *run = v->run;
	uint16_t port;

	v->result = 2;
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			fprintf(stderr, "pae_smp: vCPU %d: KVM_RUN: %s\n", v->id, strerror(errno));
			return NULL;
		}
		if (check_exit_out32(run, &port, &v->seen) &&
		    (port == PORT_DONE || port == PORT_WRONG)) {
			v->result = port == PORT_WRONG;
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
	struct vcpu v[2] = { { .id = 0, .code_gpa = 0x1000 }, { .id = 1, .code_gpa = 0x3000 } };
	pthread_t t[2];
	int i, rc = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "spread"))) {
		fprintf(stderr, "usage: pae_smp [spread]\n");
		return 2;
	}
	spread = argc == 2;
	alarm(120);
	check_vm_create(&vm, kvm_open(), MEM_SIZE);
	for (i = 0; i < NSLOTS; i++)
		check_pae_probe_space(vm.mem, slot_cr3(i), PD_BASE + 0x3000 * i, PROBE_VA, TAG(slots[i]));
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
