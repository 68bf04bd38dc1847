// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz convert <in> <out>
 *
 * Converts a program between .mmu text and fuzzer bytes (.bin); the
 * direction follows the extensions.  .mmu -> .mmu rewrites a file in
 * canonical form (what `make corpus-fmt` uses); "-" as out prints the
 * canonical text on stdout.
 */
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/program/prog.h"

int cmd_convert(int argc, char **argv)
{
	static struct program p;
	char err[512];

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: mmufuzz convert <in.mmu|in.bin> <out.mmu|out.bin|->\n"
		       "  Convert between .mmu text and fuzzer bytes; the extensions give the\n"
		       "  direction.  The output is canonical and written atomically.\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: mmufuzz convert <in.mmu|in.bin> <out.mmu|out.bin|->\n");
		return 2;
	}
	if (prog_load(argv[1], &p, err, sizeof(err))) {
		fprintf(stderr, "mmufuzz convert: %s\n", err);
		return 2;
	}
	if (!strcmp(argv[2], "-"))
		return prog_print(stdout, &p) ? 1 : 0;
	if (prog_save(argv[2], &p, err, sizeof(err))) {
		fprintf(stderr, "mmufuzz convert: %s\n", err);
		return 1;
	}
	return 0;
}
