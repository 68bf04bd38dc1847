/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's edges from mmucov's PCs: the one definition every reader uses
 * (kernels/cov/check/cov_cr3.c, the agent's harness/vm/agent_cov.c, and
 * through the agent the engines), so that an edge index means the same
 * thing in a check's record and in a fuzzer's map.  Userspace only,
 * header-only (cov_cr3 is built standalone, without the layers).
 *
 * An edge is AFL's: loc = a 16-bit hash of the PC, edge = loc ^ prev,
 * prev = loc >> 1 (the shift makes A->B and B->A different edges, and
 * A->A not zero), counted in a map of MMUCOV_EDGE_MAP slots.
 */
#ifndef MMUCOV_EDGES_H
#define MMUCOV_EDGES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>

#define MMUCOV_EDGE_MAP		(1U << 16)

/* The PC's 16-bit location: the top bits of a Fibonacci hash (module
 * PCs share their high bits; the multiply spreads the low ones). */
static inline uint16_t mmucov_pc_loc(unsigned long pc)
{
	return (uint16_t)(((uint64_t)pc * 0x9e3779b97f4a7c15ull) >> 48);
}

/*
 * Fold pcs[0..n) (in execution order) into map[MMUCOV_EDGE_MAP] (hit
 * counts, saturating at 255).  When touched is not NULL, every slot that
 * goes from 0 to 1 is appended to it (room for MMUCOV_EDGE_MAP entries)
 * and *n_touched grows: the caller can send and clear only those slots,
 * instead of scanning or clearing the whole map per run.
 */
static inline void mmucov_fold(const unsigned long *pcs, size_t n, uint8_t *map,
			       uint16_t *touched, size_t *n_touched)
{
	uint16_t prev = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t loc = mmucov_pc_loc(pcs[i]), e = loc ^ prev;

		if (!map[e] && touched)
			touched[(*n_touched)++] = e;
		if (map[e] != 255)
			map[e]++;
		prev = loc >> 1;
	}
}

/*
 * Print one loaded module's section bases and GNU build ID as record
 * lines (kernels/cov/resolve.sh's input):
 *	section MODULE NAME 0xADDR
 *	buildid MODULE HEX
 * The build ID comes from /sys/module/MOD/notes/.note.gnu.build-id
 * (namesz, descsz, type, "GNU\0", then the ID); a module without the
 * note gets no buildid line (resolve.sh then warns that it cannot check
 * the record's origin).  Returns 0, or -1 when the module's sections
 * cannot be read (not loaded; errno says why).
 */
static inline int mmucov_print_module(FILE *out, const char *mod)
{
	unsigned char note[256];
	char path[512], line[64];
	struct dirent *d;
	uint32_t namesz, descsz;
	size_t n, off;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/sections", mod);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", mod, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			fprintf(out, "section %s %s %s\n", mod, d->d_name, line);
		}
		fclose(f);
	}
	closedir(dir);

	snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id", mod);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	n = fread(note, 1, sizeof(note), f);
	fclose(f);
	if (n < 12)
		return 0;
	memcpy(&namesz, note, 4);
	memcpy(&descsz, note + 4, 4);
	off = 12 + ((namesz + 3) & ~3u);
	if (off + descsz > n)
		return 0;
	fprintf(out, "buildid %s ", mod);
	for (uint32_t i = 0; i < descsz; i++)
		fprintf(out, "%02x", note[off + i]);
	fprintf(out, "\n");
	return 0;
}

#endif /* MMUCOV_EDGES_H */
