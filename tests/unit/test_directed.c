// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/directed.c: patch-directed scheduling on hand-made runs (no VM).
 *   - the site list is read, and a bad line is refused by file:line;
 *   - a run's PCs are matched against the sites at this boot's section
 *     bases (so a site in an unloaded module or at another base is not
 *     hit), and the bases are taken again when the modules move;
 *   - an input reaching a new site enters the pool, one reaching only
 *     sites the pool has does not (unless it ties the most line sites),
 *     one reaching none never; the pool keeps at most DIRECTED_POOL_MAX
 *     inputs, the oldest going first;
 *   - the mutator's pick copies a pool input for its share of seeds
 *     (none at 0%, every seed at 100%), never past max, and sees inputs
 *     admitted after its first look.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "fuzz/directed.h"
#include "tests/check.h"

static struct directed d;

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Files in the pool (not ".", "..", nor a ".NAME.tmp" being written). */
static unsigned pool_files(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, visible, NULL);

	for (int i = 0; i < n; i++)
		free(names[i]);
	if (n > 0)
		free(names);
	return n > 0 ? (unsigned)n : 0;
}

static const char mods[] =
	"section kvm .text 0xffffffffc0100000\n"
	"section kvm .init.text 0xffffffffc0200000\n"
	"buildid kvm 0011\n"
	"section kvm_amd .text 0xffffffffc0300000\n";
/* The same boot's modules after a reboot: kvm moved. */
static const char mods2[] =
	"section kvm .text 0xffffffffc0500000\n"
	"section kvm_amd .text 0xffffffffc0300000\n";

int main(void)
{
	char tmpl[] = "/tmp/test_directed.XXXXXX", sites[4200], pool[4200], err[4400], line[256];
	uint64_t pcs[8];
	uint8_t buf[64];
	FILE *f;
	int r;

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(sites, sizeof(sites), "%s/sites", tmpl);
	snprintf(pool, sizeof(pool), "%s/pool", tmpl);

	/* A bad line is named. */
	f = fopen(sites, "w");
	fprintf(f, "# comment\nline kvm .text 0x10 mmu.c:1 f\nfoo kvm .text 0x20 mmu.c:2 f\n");
	fclose(f);
	r = directed_open(&d, sites, pool, err, sizeof(err));
	CHECK(r < 0 && strstr(err, "sites:3:"), "bad line refused by line: %d %s", r, err);

	f = fopen(sites, "w");
	fprintf(f, "line kvm .text 0x100 arch/x86/kvm/mmu/mmu.c:10 f\n"
		   "line kvm .text 0x200 arch/x86/kvm/mmu/mmu.c:11 f\n"
		   "func kvm .text 0x300 arch/x86/kvm/mmu/mmu.c:20 f\n"
		   "line kvm_intel .text 0x100 arch/x86/kvm/vmx/vmx.c:5 g\n");
	fclose(f);
	r = directed_open(&d, sites, pool, err, sizeof(err));
	CHECK(r == 0, "open: %d %s", r, err);
	CHECK(d.n == 4 && d.n_line == 3, "4 sites, 3 on lines: %u %u", d.n, d.n_line);

	/* A run reaching none of them: nothing admitted. */
	pcs[0] = 0xffffffffc0100050ull;
	pcs[1] = 0xffffffffc0100150ull;
	r = directed_take(&d, mods, sizeof(mods) - 1, pcs, 2, (const uint8_t *)"A", 1);
	CHECK(r == 0 && pool_files(pool) == 0, "no site, no pool entry: %d %u", r, pool_files(pool));
	CHECK(d.n_pc == 3, "the kvm_intel site is not loaded: %u PCs", d.n_pc);

	/* The first line site, at this boot's base: admitted. */
	pcs[0] = 0xffffffffc0100100ull;
	pcs[1] = 0xffffffffc0300100ull;	/* kvm_amd's .text + 0x100: not a site */
	r = directed_take(&d, mods, sizeof(mods) - 1, pcs, 2, (const uint8_t *)"BB", 2);
	CHECK(r == 1 && pool_files(pool) == 1, "one line site, admitted: %d %u", r, pool_files(pool));
	CHECK(d.reached_line == 1 && d.hits[0] == 1, "reached counted: %u", d.reached_line);

	/* The same site again, one line site: ties the best (1), admitted. */
	r = directed_take(&d, mods, sizeof(mods) - 1, pcs, 1, (const uint8_t *)"CC", 2);
	CHECK(r == 1 && pool_files(pool) == 2, "a tie of the best line count is admitted: %u",
	      pool_files(pool));
	/* Both line sites: new, admitted; best is now 2. */
	pcs[0] = 0xffffffffc0100100ull;
	pcs[1] = 0xffffffffc0100200ull;
	r = directed_take(&d, mods, sizeof(mods) - 1, pcs, 2, (const uint8_t *)"DDD", 3);
	CHECK(r == 2 && pool_files(pool) == 3 && d.best_line == 2, "new site admitted: %d %u", r,
	      pool_files(pool));
	/* Only the first site again: neither new nor the best: not admitted. */
	r = directed_take(&d, mods, sizeof(mods) - 1, pcs, 1, (const uint8_t *)"EE", 2);
	CHECK(r == 1 && pool_files(pool) == 3, "nothing new, below the best: not admitted: %u",
	      pool_files(pool));

	/* After a reboot kvm moved: the old PC no longer hits, the new does. */
	pcs[0] = 0xffffffffc0100300ull;
	r = directed_take(&d, mods2, sizeof(mods2) - 1, pcs, 1, (const uint8_t *)"F", 1);
	CHECK(r == 0 && d.reached_func == 0, "old base: no hit after the move");
	pcs[0] = 0xffffffffc0500300ull;
	r = directed_take(&d, mods2, sizeof(mods2) - 1, pcs, 1, (const uint8_t *)"GGGG", 4);
	CHECK(r == 0 && d.reached_func == 1 && pool_files(pool) == 4,
	      "new base: the func site hits, admitted as new: %u %u", d.reached_func,
	      pool_files(pool));

	directed_summary(&d, line, sizeof(line));
	CHECK(strstr(line, "line 2/3, func 1/1") && strstr(line, "pool 4 input"), "summary: %s",
	      line);

	/* The pick reads its share once per process: 0% in a child first. */
	setenv("MMUFUZZ_DIRECTED_POOL", pool, 1);
	{
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			size_t n = 0;

			setenv("MMUFUZZ_DIRECTED_P", "0", 1);
			for (unsigned s = 0; s < 100; s++)
				n += directed_pick(buf, sizeof(buf), s * 2654435761u);
			_exit(n ? 1 : 0);
		}
		waitpid(pid, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "0%%: no pick");
	}
	/* 100% always copies a pool input, within max. */
	setenv("MMUFUZZ_DIRECTED_P", "100", 1);
	{
		unsigned got = 0, sizes = 0;

		for (unsigned s = 0; s < 200; s++) {
			size_t n = directed_pick(buf, sizeof(buf), s * 2654435761u);

			got += n > 0;
			sizes |= 1u << n;
		}
		CHECK(got == 200, "100%%: every seed picks: %u", got);
		CHECK(sizes == (1u << 2 | 1u << 3 | 1u << 4), "picks come from the pool's inputs "
		      "(sizes 2, 2, 3, 4): %#x", sizes);
		CHECK(directed_pick(buf, 1, 12345) == 0, "nothing bigger than max is copied");
	}

	/* Eviction: past DIRECTED_POOL_MAX only novelty gets in, the oldest goes. */
	{
		char path[4300], oldest[4300];

		snprintf(oldest, sizeof(oldest), "%s/%s", pool, d.pool_names[0]);
		for (unsigned i = 0; i < DIRECTED_POOL_MAX; i++) {
			/* Each run reaches a "new" site: forget the pool's sites. */
			memset(d.in_pool, 0, sizeof(d.in_pool));
			buf[0] = (uint8_t)i;
			directed_take(&d, mods2, sizeof(mods2) - 1, pcs, 1, buf, 1);
		}
		CHECK(pool_files(pool) == DIRECTED_POOL_MAX, "the pool is capped: %u",
		      pool_files(pool));
		snprintf(path, sizeof(path), "%s/%s", pool, d.pool_names[0]);
		CHECK(access(path, F_OK) == 0, "its replacement is there");
		CHECK(access(oldest, F_OK) != 0, "the oldest entry went first");
		CHECK(d.admitted == 4 + DIRECTED_POOL_MAX, "admitted: %lu", d.admitted);
	}
	/* The pick sees the new pool (its mtime changed): only 1-byte inputs now. */
	{
		unsigned big = 0;

		for (unsigned s = 0; s < 100; s++)
			big += directed_pick(buf, sizeof(buf), s * 2654435761u) > 1;
		CHECK(big == 0, "the pick re-read the pool: %u old inputs picked", big);
	}
	(void)!system((snprintf(err, sizeof(err), "rm -rf %s", tmpl), err));
	return check_summary("directed");
}
