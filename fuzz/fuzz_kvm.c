// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer driver: programs run on real KVMs in the test VMs.
 *
 * Coverage comes from KVM's behaviour, not from this code: the result of
 * every run (per-op outcome classes, exits, root-trace features,
 * differences between the kernels) is folded into libFuzzer's extra
 * counters, so inputs that make KVM do something new are kept.  With a
 * +cov kernel (--kernel baseline+cov,...) KVM's own code edges are
 * counters too.
 */
#include <stdint.h>
#include <stdlib.h>
#include "fuzz/engine.h"

/* libFuzzer reads this section as extra coverage counters (all arrays
 * placed in it: the linker gathers them). */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t kvm_features[16384];
/* KVM's own edges, from +cov kernels (fuzz/kvm_edges.h): one slot per
 * edge of kernels/cov/mmucov_edges.h's map; stays zero otherwise. */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t kvm_edges[65536];

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
				 uint8_t *out, size_t max, unsigned seed);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (engine_init())
		exit(2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return engine_run(data, size, kvm_features, sizeof(kvm_features), kvm_edges,
			  sizeof(kvm_edges));
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	size_t n = engine_mutate(data, size, max, seed);

	/* Bytes that are no program yet: let libFuzzer's own mutators work. */
	return n ? n : LLVMFuzzerMutate(data, size, max);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
				 uint8_t *out, size_t max, unsigned seed)
{
	return engine_crossover(a, na, b, nb, out, max, seed);
}
