/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny self-contained KVM guest for the tracer's own in-VM tests: no
 * stub, no executor, just the KVM API.  The host writes 32-bit machine
 * code into guest memory (mov to CR0/CR3/CR4, 32-bit loads and stores,
 * an OUT per load to report the value) and runs it from 32-bit protected
 * mode with paging off.  Guest memory is 8 MiB at gpa 0; code at 0x1000.
 */
#ifndef MMUFUZZ_RT_GUEST_H
#define MMUFUZZ_RT_GUEST_H

#include <stddef.h>
#include <stdint.h>

#define RTG_MEM_SIZE	0x800000u
#define RTG_CODE	0x1000u
#define RTG_MAX_OUT	64

struct kvm_run;

struct rtg {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;	/* mmapped */
	size_t run_size;
	uint8_t *mem;
	size_t code_len;
	uint32_t out[RTG_MAX_OUT];	/* values the guest reported, in order */
	unsigned n_out;
};

/* Open /dev/kvm, make a VM with one vCPU and 8 MiB of memory.  Returns 0
 * or -errno (err names the failing step). */
int rtg_create(struct rtg *g, char *err, size_t len);
void rtg_destroy(struct rtg *g);

/* Code emitters; each appends at the code cursor. */
void rtg_code_reset(struct rtg *g);
void rtg_mov_cr(struct rtg *g, int cr, uint32_t val);	/* cr: 0, 3, 4 */
void rtg_store32(struct rtg *g, uint32_t va, uint32_t val);
void rtg_load_report(struct rtg *g, uint32_t va);	/* mov eax,[va]; out */

/* 8-byte entry written by the host into guest memory (setup, not an op). */
void rtg_poke64(struct rtg *g, uint64_t gpa, uint64_t val);
/* Fill a 4 KiB frame with its own gfn (every 32-bit word). */
void rtg_tag_frame(struct rtg *g, uint64_t gpa);

/*
 * Reset registers to 32-bit protected mode, paging off, CR4 = EFER = 0,
 * EIP = RTG_CODE, and run until the code's final HLT.  Returns 0, or
 * -EIO with err saying which exit was unexpected (shutdown, MMIO, ...).
 */
int rtg_run(struct rtg *g, char *err, size_t len);

#endif /* MMUFUZZ_RT_GUEST_H */
