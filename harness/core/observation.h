/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one run of a program showed: produced by the executor (local KVM or
 * the agent in a test VM), judged by the oracle's verdict.  Pure data, no
 * KVM headers.
 */
#ifndef MMUFUZZ_OBSERVATION_H
#define MMUFUZZ_OBSERVATION_H

#include <stdint.h>
#include "harness/core/layout.h"
#include "harness/core/program.h"

/* How the run as a whole ended. */
enum run_exit {
	RUN_COMPLETED = 0,	/* the stub reported every op and "done" */
	RUN_SHUTDOWN,		/* triple fault (the oracle says whether expected) */
	RUN_HANG,		/* the watchdog stopped a guest that did not finish */
	RUN_INTERNAL_ERROR,	/* KVM_EXIT_INTERNAL_ERROR, emulation failure */
	RUN_KVM_DEAD,		/* KVM_RUN failed with EIO: KVM killed the VM */
	RUN_GUEST_ASSERT,	/* the stub's own assertion fired (harness bug) */
	RUN_REFUSED,		/* the target cannot run this program (mode caps) */
	RUN_EXIT_COUNT
};

/* One op's outcome. */
enum op_status {
	OPS_NOT_RUN = 0,	/* the run ended before this op */
	OPS_DONE,		/* completed without an exception */
	OPS_EXCEPTION,		/* raised an exception: vector/error_code/cr2 */
	OPS_MMIO,		/* a probe hit unbacked memory: mmio_gpa */
};

struct op_obs {
	uint8_t status;		/* enum op_status */
	uint8_t vector;		/* OPS_EXCEPTION: 14 = #PF, 13 = #GP, ... */
	uint32_t error_code;	/* OPS_EXCEPTION with an error code */
	uint64_t cr2;		/* OPS_EXCEPTION with vector 14 */
	uint64_t value;		/* READ/WRITE: the 32-bit value loaded;
				 * FETCH: eax returned by the fetched code */
	uint64_t mmio_gpa;	/* OPS_MMIO: the gpa KVM reported */
};

struct run_obs {
	uint8_t exit;		/* enum run_exit */
	uint16_t n_ops;		/* ops the stub reported */
	struct op_obs ops[PROG_MAX_OPS];
	/* Control state after the last op (from KVM_GET_SREGS). */
	uint64_t cr0, cr3, cr4, efer;
	/* The arena and fixed low tables after the run (A/D bits). */
	uint8_t arena[LAYOUT_ARENA_PAGES * LAYOUT_PAGE_SIZE];	/* gpa ARENA_BASE.. */
	uint8_t has_arena;
	char detail[128];	/* human text for non-completed exits */
};

const char *run_exit_name(enum run_exit e);

#endif /* MMUFUZZ_OBSERVATION_H */
