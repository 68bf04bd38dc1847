/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for what repro_c.c emits ahead of a runner (includes, the
 * layout and stub constants, the image, prefault and expectation tables),
 * so that the runners compile in the normal build and a typo in them fails
 * `make`.  Only the names and types matter here: the values are samples.
 * The types mirror emit_constants() and emit_expect(); when those change,
 * change this too (check-repro compiles the real emitted files and would
 * catch a difference, but later).
 *
 * REPRO_RUNNER_SELFTEST selects the selftest's includes and drops the
 * prefault table, as repro_selftest_write() does.
 */
#ifndef REPRO_RUNNER_EMITTED_H
#define REPRO_RUNNER_EMITTED_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef REPRO_RUNNER_SELFTEST
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The emitted selftest says "kvm_util.h"; here they come from -I (the
 * selftests tree is not ours, and check-layers resolves only our own). */
#include <kvm_util.h>
#include <processor.h>
#include <test_util.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#define MEM_SIZE      0x2000000u
#define LOW_END       0x400000u
#define DATA_BASE     0x400000u
#define OPS_BASE      0x20000u
#define RESULTS_BASE  0x30000u
#define UCALL_PORT    0x5a5a
#define UCALL_DONE    1
#define UCALL_ASSERT  3
#define UCALL_SYNC    2
#define SEL_CODE32    0x8
#define SEL_DATA      0x10
#define SEL_TSS       0x20
#define GDT_BASE      0x10000u
#define GDT_LIMIT     0x2f
#define TSS_BASE      0x13000u
#define N_OPS         1
#define ST_DONE       1
#define ST_EXCEPTION  2
#define ST_MMIO       3

struct stub_ctl {
	uint32_t magic, n_ops, cur_op, lma;
	uint64_t cr0, efer;
	uint32_t assert_line, assert_val;
};
struct stub_res {
	uint32_t status, vector, error_code, pad;
	uint64_t cr2, value;
};

static const struct { uint32_t gpa; uint8_t b[32]; } image[] = {
	{ 0x001000, { 0x90 } },
};
#ifndef REPRO_RUNNER_SELFTEST
static const uint32_t prefault[][2] = {
	{ 0, 0 }
};
#endif

#define START_CR0 0x31ull
#define START_CR3 0x0ull
#define START_CR4 0x0ull
#define START_EFER 0x0ull
#define START_IDT 0x11000
#define START_IDT_LIMIT 0xff
#define START_RIP 0x1018
#define START_RSP 0x20000

enum { OUT_DONE = 0, OUT_EXCEPTION = 1, OUT_MMIO = 2, OUT_SHUTDOWN = 3, OUT_ANY = 4 };
struct outcome {
	uint8_t kind, vector, has_ec;
	uint32_t ec;
	uint64_t cr2, value, mask, gpa;
};
struct expect {
	const char *op;
	uint8_t probe, unbounded, n;
	struct outcome o[8];
};
static const struct expect expect[N_OPS] = {
	{ "cr4 0x20", 0, 0, 1, { { 0, 0, 0, 0x0, 0x0, 0x0, 0x0, 0x0 } } },
};
static const int final_known = 1;
static const uint64_t final_cr[4] = { 0x80000031, 0x200000, 0x20, 0x0 };

#endif
