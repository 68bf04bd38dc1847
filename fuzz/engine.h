/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer and AFL++ drivers share: bytes -> program -> runs on
 * the kernels named by MMUFUZZ_KERNELS -> verdicts -> findings and
 * coverage of KVM's behaviour.
 *
 * Environment (both engines):
 *   MMUFUZZ_KERNELS    "baseline,pae-root-rfc" (default "baseline")
 *   MMUFUZZ_FINDINGS   findings folder (default "findings")
 *   MMUFUZZ_NPT        kvm_amd npt= (default 0: shadow MMU)
 *   MMUFUZZ_CONFIRM    re-runs that must repeat a finding (default 2)
 *   MMUFUZZ_KEEP_GOING 1: record findings and go on instead of abort()
 *   MMUFUZZ_STATS      file to append "programs seconds" lines to
 *   MMUFUZZ_KVM_EDGES  0: ignore the KVM edges of +cov kernels (default 1:
 *                      they are feedback; fuzz/kvm_edges.h)
 *   MMUFUZZ_PATCH_SITES, MMUFUZZ_DIRECTED_POOL, MMUFUZZ_DIRECTED_P
 *                      patch-directed scheduling (fuzz/directed.h)
 *   MMUFUZZ_KCOV_RECORD PREFIX: write every KVM PC the +cov kernels hit
 *                      to PREFIX-<kernel>.record (lines covered, benches)
 */
#ifndef MMUFUZZ_FUZZ_ENGINE_H
#define MMUFUZZ_FUZZ_ENGINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Boot the VMs.  0, or -errno (the reason is on stderr).
 *
 * Process rules (mmufuzz fuzz relies on them): the driver is one thread
 * (libFuzzer runs with -rss_limit_mb=0, so it starts no RSS thread), so
 * holding SIGTERM while a finding is written (finding_signals_hold)
 * covers the whole process and a stop never leaves half a folder.  The
 * driver gets SIGTERM when its parent dies (PR_SET_PDEATHSIG, set here),
 * and its QEMUs get SIGKILL when it dies (vmclient).
 */
int engine_init(void);

/*
 * Run one input.  Returns 0 (judged; features folded into counters, and
 * the KVM edges of +cov kernels into edges[0..n_edges), which may be the
 * same memory as counters or NULL with n_edges 0),
 * -1 when the bytes do not decode to a well-formed program (the engine
 * should not keep it).  On a confirmed finding it saves the folder,
 * prints the report and abort()s unless MMUFUZZ_KEEP_GOING=1.
 */
int engine_run(const uint8_t *data, size_t size, uint8_t *counters, size_t n_counters,
	       uint8_t *edges, size_t n_edges);

/*
 * Structure-aware mutation of an encoded program in place (data holds
 * size bytes, room for max).  Returns the new size, or 0 when the input
 * does not decode (the caller falls back to byte mutation).
 */
size_t engine_mutate(uint8_t *data, size_t size, size_t max, unsigned seed);

/* Cross-over of two encoded programs into out (room for max); 0 if none. */
size_t engine_crossover(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
			uint8_t *out, size_t max, unsigned seed);

#endif /* MMUFUZZ_FUZZ_ENGINE_H */
