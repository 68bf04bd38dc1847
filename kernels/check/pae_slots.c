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
#define CHECK_NAME "pae_slots"
#include "kvm_check.h"

#define MEM_SIZE	0x400000UL
#define CODE_GPA	0x1000
#define PDPT_PAGE	0x20000
#define PD_BASE		0x40000		/* PD of slot index i at PD_BASE + 0x3000 * i */
#define PROBE_VA	0x400000
#define TAG(slot)	(0x7a900000u | (slot))
#define PORT		0x10
#define MAX_READS	64

static const int slots[] = { 0, 1, 2, 64, 127 };
#define NSLOTS		(int)(sizeof(slots) / sizeof(slots[0]))

static struct check_code code;
static uint32_t expect[MAX_READS];
static const char *what[MAX_READS];
static int nreads;

/* Read the probe VA and report it; the host expects @tag. */
static void emit_probe(uint32_t tag, const char *why)
{
	check_emit_read_out(&code, PROBE_VA, PORT);
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

	for (i = 0; i < NSLOTS; i++)
		check_pae_probe_space(mem, slot_cr3(i), PD_BASE + 0x3000 * i, PROBE_VA, TAG(slots[i]));

	code = (struct check_code){ mem + CODE_GPA, 0 };
	check_emit_paging_on(&code, slot_cr3(0), X86_CR4_PAE);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < NSLOTS; i++) {
			int k = round ? NSLOTS - 1 - i : i;

			check_emit_mov_cr3(&code, slot_cr3(k));
			snprintf(names[nreads], sizeof(names[0]), "round %d, CR3 0x%x", round + 1,
				 slot_cr3(k));
			emit_probe(TAG(slots[k]), names[nreads]);
		}
	}
	/* mov dword [slot 0's PDPTE0], PD of slot 1 | P; then reload slot 0. */
	check_emit_op32(&code, "\xc7\x05", 2, slot_cr3(0));
	check_emit(&code, &(uint32_t){ (uint32_t)(pd_of_1 | PTE_PRESENT_MASK) }, 4);
	check_emit_mov_cr3(&code, slot_cr3(0));
	emit_probe(TAG(slots[1]), "CR3 0x20000 after its PDPTE0 was rewritten");
	/* and slot 1 itself is unchanged */
	check_emit_mov_cr3(&code, slot_cr3(1));
	emit_probe(TAG(slots[1]), "CR3 0x20020 after slot 0 was rewritten");
	check_emit_hlt(&code);
}

int main(void)
{
	const struct check_start start = { .cr0 = CHECK_CR0_PM, .rip = CODE_GPA, .rsp = 0x1f000 };
	int kvm, n = 0, wrong = 0;
	struct check_vm vm;
	uint16_t port;
	uint32_t v;

	alarm(30);
	kvm = kvm_open();
	check_vm_create(&vm, kvm, MEM_SIZE);
	build(vm.mem);
	check_vcpu_start(vm.vcpu, &start);

	while (check_vcpu_run(vm.vcpu, vm.run) != KVM_EXIT_HLT) {
		if (!check_exit_out32(vm.run, &port, &v) || port != PORT || n >= nreads) {
			fprintf(stderr, "pae_slots: unexpected exit %u after %d reads\n",
				vm.run->exit_reason, n);
			return 2;
		}
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
