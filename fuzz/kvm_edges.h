/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own edges as engine coverage (issue 13, "Feedback"): a "+cov"
 * kernel's agent returns the edge slots KVM's code hit in each run
 * (harness/vm/vmclient_proto.h, VMP_SEC_KCOV); this folds them into the
 * engine's counters (libFuzzer extra counters, a part of AFL++'s map),
 * so that an input which makes KVM run a new edge is kept.
 *
 * Timing noise: when the host switched the vCPU thread out during a run
 * (hdr.switches > 0), KVM ran its preempt notifiers and resched branches
 * (kernels/cov/README): edges of the host's timing, not of the program.
 * Such a run contributes only edges this kernel already showed in a run
 * that was not switched out, so it can never be kept for noise alone.
 * The price: a new edge first met in a switched run is ignored until a
 * clean run meets it.
 */
#ifndef MMUFUZZ_FUZZ_KVM_EDGES_H
#define MMUFUZZ_FUZZ_KVM_EDGES_H

#include <stddef.h>
#include <stdint.h>
#include "harness/judge/diffrun.h"

struct kvm_edges {
	/* Edge slots each kernel hit in a run that was not switched out. */
	uint8_t clean[DIFFRUN_MAX_KERNELS][DIFFRUN_MAX_EDGES / 8];
	unsigned long runs;		/* runs with KVM coverage (per kernel) */
	unsigned long switched;		/* of which switched out */
	unsigned long held_back;	/* edge entries not folded: unseen
					 * in a clean run, met when switched */
	unsigned long overflowed;	/* runs whose PC area overflowed */
	unsigned long distinct;		/* clean slots, all kernels */
};

/*
 * Fold r's KVM edges (every kernel whose kcov.on is set) into
 * counters[0..n): kernel i's slot s goes to (s + i * n / 2) % n, so the
 * baseline's and the candidate's edges land apart even though their
 * modules' PCs hash alike; the value added is the slot's hit count
 * (saturating at 255; the engines bucket it).  Only increments; a
 * result without KVM coverage changes nothing.  Returns the number of
 * entries folded.
 */
size_t kvm_edges_fold(struct kvm_edges *st, const struct diffrun_result *r,
		      uint8_t *counters, size_t n);

#endif /* MMUFUZZ_FUZZ_KVM_EDGES_H */
