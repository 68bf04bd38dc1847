// SPDX-License-Identifier: GPL-2.0
/*
 * AFL++ driver (persistent mode), built with afl-clang-fast.
 *
 * The test VMs are external QEMU processes reached over sockets whose
 * protocol state lives in this process, so they are booted after
 * __AFL_INIT(), in the child that runs the loop, and a long __AFL_LOOP
 * amortises the boot.  KVM-behaviour features, and KVM's own edges
 * from +cov kernels (fuzz/kvm_edges.h), go straight into AFL's coverage
 * map.  Structure-aware mutation: fuzz/afl_mutator.so via
 * AFL_CUSTOM_MUTATOR_LIBRARY.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "fuzz/engine.h"
#include "harness/program/prog.h"

#ifndef __AFL_FUZZ_TESTCASE_LEN
/* Plain build (no afl-clang-fast): run each file named on the command line. */
static int run_file(const char *path)
{
	static uint8_t buf[PROG_BIN_MAX], counters[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return engine_run(buf, n, counters, sizeof(counters) / 2, counters + sizeof(counters) / 2,
			  sizeof(counters) / 2) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (engine_init())
		return 2;
	for (int i = 1; i < argc; i++)
		rc |= run_file(argv[i]);
	return rc;
}
#else
#include "fuzz/afl_map.h"

__AFL_FUZZ_INIT();

int main(void)
{
	uint32_t map_size;

	/* This is AFL++'s fork server until __AFL_INIT() forks: it goes when
	 * afl-fuzz goes (engine_init sets the same for the child). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	__AFL_INIT();
	if (engine_init())
		return 2;
	afl_map(&map_size);
	/* Features need room: with AFL++'s map sized to this driver's few
	 * edges they would all collide (mmufuzz fuzz sets AFL_MAP_SIZE). */
	fprintf(stderr, "mmufuzz: AFL++ map %u bytes, KVM features in the third quarter, "
		"KVM edges (+cov kernels) in the last\n", map_size);

	uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;

	while (__AFL_LOOP(1000000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		uint32_t size;
		uint8_t *map = afl_map(&size);

		/* Our features land in the upper half of the map, away from
		 * the (few) edges of this driver: its third quarter, and
		 * KVM's own edges (+cov kernels; they fold into any size)
		 * the last.  Without +cov kernels the last quarter stays
		 * zero. */
		engine_run(buf, len, map + size / 2, size / 4, map + size / 2 + size / 4,
			   size - size / 2 - size / 4);
	}
	return 0;
}
#endif
