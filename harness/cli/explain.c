// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz explain [--vendor amd|intel|all] [--walk] prog.mmu|prog.bin
 *
 * Prints the program in canonical form, then per op what the oracle
 * believes: the paging mode, the allowed outcome set and (with --walk)
 * the page walk behind it.  Nothing runs; this is the model only.
 */
#include <stdlib.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/program/prog.h"
#include "oracles/oracle.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz explain [--vendor amd|intel|all] [--walk] <prog.mmu|prog.bin>\n"
		   "  Print each op with the outcome set the architectural model allows.\n"
		   "  --vendor  CPU profile (default amd, the test VM's SVM guest)\n"
		   "  --walk    also print the page walk behind each op\n");
}

int cmd_explain(int argc, char **argv)
{
	int vmask = 1 << VENDOR_AMD, walk = 0;
	const char *path = NULL;
	struct oracle_result *res;
	static struct program p;
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--walk")) {
			walk = 1;
		} else if (!strcmp(argv[i], "--vendor") && i + 1 < argc) {
			const char *v = argv[++i];

			vmask = !strcmp(v, "amd") ? 1 << VENDOR_AMD : !strcmp(v, "intel") ? 1 << VENDOR_INTEL :
				!strcmp(v, "all") ? (1 << VENDOR_COUNT) - 1 : 0;
			if (!vmask) {
				fprintf(stderr, "mmufuzz explain: unknown vendor '%s' (amd, intel, all)\n", v);
				return 2;
			}
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "mmufuzz explain: unexpected argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	if (prog_load(path, &p, err, sizeof(err))) {
		fprintf(stderr, "mmufuzz explain: %s\n", err);
		return 2;
	}
	res = malloc(sizeof(*res));
	if (!res) {
		fprintf(stderr, "mmufuzz explain: out of memory\n");
		return 2;
	}
	prog_print(stdout, &p);
	for (int v = 0; v < VENDOR_COUNT; v++) {
		if (!(vmask & (1 << v)))
			continue;
		oracle_eval(&p, v, res);
		printf("\n");
		oracle_print_expect(stdout, &p, res);
		for (unsigned i = 0; walk && i < res->n_ops; i++) {
			if (!res->ops[i].n_walk)
				continue;
			printf("# walk of op %u:\n", i);
			oracle_print_walk(stdout, &res->ops[i]);
		}
	}
	free(res);
	return 0;
}
