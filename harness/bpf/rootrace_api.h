/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader API of the root tracer (rootrace.c), linked into the test-VM
 * agent and the in-VM tests.  Needs root, a kernel with BPF, kprobes and
 * the kvm module loaded (its tracepoints live in the module).
 *
 *	struct rootrace *rt;
 *	char err[256];
 *	if (rootrace_open(&rt, getpid(), err, sizeof(err)) < 0) ... err says why
 *	rootrace_missing(rt) -> "kprobe:foo tracepoint:bar" or ""
 *	per run:  rootrace_begin(rt); ... KVM_RUN ...;
 *	          rootrace_collect(rt, ev, max, &n);
 *	rootrace_close(rt);
 */
#ifndef MMUFUZZ_ROOTRACE_API_H
#define MMUFUZZ_ROOTRACE_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "rootrace.h"

struct rootrace;

/*
 * Load the BPF programs and attach every one whose kernel symbol or
 * tracepoint exists; the rest are listed by rootrace_missing().  Events
 * are recorded only for process tgid (0: every process) and only between
 * rootrace_begin() and rootrace_collect().  Mounts tracefs when nothing
 * has.  Returns 0, or -errno with a one-line reason in err: BPF load
 * failure, or none of the root probes (mmu_alloc_root and the
 * kvm_mmu_get_page tracepoint) could attach.
 */
int rootrace_open(struct rootrace **rt, pid_t tgid, char *err, size_t len);

/* Space-separated "kprobe:name"/"tracepoint:cat/name"/"tp_btf:name"
 * entries that did not attach (tp_btf: or load, for a kvm.ko without BTF)
 * on this kernel; "" when all did.  Valid until rootrace_close(). */
const char *rootrace_missing(const struct rootrace *rt);

/* Change the traced process (0: every process). */
void rootrace_set_tgid(struct rootrace *rt, pid_t tgid);

/* Start a run: drop events still queued, zero the exit histogram and the
 * drop counter, enable recording.  Returns 0 or -errno. */
int rootrace_begin(struct rootrace *rt);

/*
 * End a run: stop recording and copy the run's events, in order, into
 * ev[0..max), followed by one RT_EXITS record per exit reason the run saw
 * (so the exit histogram travels with the trace).  *n is the number
 * stored.  Returns 0, -ENOSPC when more than max records (or ring-buffer
 * drops) happened (the first max are stored), or -errno on a ring-buffer
 * error.
 */
int rootrace_collect(struct rootrace *rt, struct rootrace_event *ev, size_t max, size_t *n);

/* Exits per reason (kvm:kvm_exit) of the last collected run. */
const uint64_t *rootrace_exit_hist(const struct rootrace *rt);
/* Events the kernel side could not queue in the last run. */
uint64_t rootrace_dropped(const struct rootrace *rt);

/*
 * Detach every probe (no cost at all to KVM while paused) / attach them
 * again.  For agents that trace only some runs, and for the benchmark.
 * rootrace_resume returns 0, or -ENOENT when a probe that attached at
 * open no longer does.
 */
void rootrace_pause(struct rootrace *rt);
int rootrace_resume(struct rootrace *rt);

/* Detach and free.  NULL is fine. */
void rootrace_close(struct rootrace *rt);

#endif /* MMUFUZZ_ROOTRACE_API_H */
