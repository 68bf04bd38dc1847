// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz explain [--vendor amd|intel|all] [--npt [--no-tcg]] [--strict nx,pse,pf,mmio-d] [--walk]
 *                 prog.mmu|prog.bin
 *
 * Prints the program in canonical form, whether prog_check() refuses it
 * and why (under which profile), then per profile what the oracle
 * believes: per op the paging mode, the a-priori allowed outcome set
 * (before any observation narrows it: a #PF a run shows invalidates, see
 * oracle_eval_obs) and with --walk the page walk behind it; last the A/D
 * bits the page tables must and may show after the run.  Nothing runs;
 * this is the model only.
 */
#include <stdlib.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/program/prog.h"
#include "oracles/oracle.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz explain [--vendor amd|intel|all] [--npt [--no-tcg]] "
		   "[--strict nx,pse,pf,mmio-d] [--walk] <prog.mmu|prog.bin>\n"
		   "  Print each op with the outcome set the architectural model allows.\n"
		   "  --vendor  CPU profile (default amd, the test VM's SVM guest)\n"
		   "  --npt     KVM with nested paging (kvm_amd npt=1): the CPU walks the guest's\n"
		   "            tables; with the test VM's QEMU TCG quirks unless --no-tcg\n"
		   "  --strict  judge KVM's known deviations by the manuals (oracle.h ORACLE_STRICT_*)\n"
		   "  --walk    also print the page walk behind each op\n");
}

/* "nx,pse,pf" -> ORACLE_STRICT_* bits; -1 for an unknown name. */
static long parse_strict(const char *list)
{
	static const struct { const char *name; uint32_t bit; } names[] = {
		{ "nx", ORACLE_STRICT_NX }, { "pse", ORACLE_STRICT_PSE }, { "pf", ORACLE_STRICT_PF },
		{ "mmio-d", ORACLE_STRICT_MMIO_D },
	};
	long bits = 0;

	while (*list) {
		size_t n = strcspn(list, ",");
		unsigned k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n && !strncmp(list, names[k].name, n))
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return -1;
		bits |= names[k].bit;
		list += n + (list[n] == ',');
	}
	return bits;
}

int cmd_explain(int argc, char **argv)
{
	int vmask = 1 << ORACLE_VENDOR_AMD, walk = 0, npt = 0, tcg = 1;
	long strict = 0;
	const char *path = NULL;
	struct oracle_result *res;
	static struct program p;
	struct prog_where where;
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--walk")) {
			walk = 1;
		} else if (!strcmp(argv[i], "--npt")) {
			npt = 1;
		} else if (!strcmp(argv[i], "--no-tcg")) {
			tcg = 0;
		} else if (!strcmp(argv[i], "--strict") && i + 1 < argc) {
			strict = parse_strict(argv[++i]);
			if (strict < 0) {
				fprintf(stderr, "mmufuzz explain: unknown --strict name in '%s' (nx, pse, pf, mmio-d)\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--vendor") && i + 1 < argc) {
			const char *v = argv[++i];

			vmask = !strcmp(v, "amd") ? 1 << ORACLE_VENDOR_AMD : !strcmp(v, "intel") ? 1 << ORACLE_VENDOR_INTEL :
				!strcmp(v, "all") ? (1 << ORACLE_VENDOR_COUNT) - 1 : 0;
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
		/* A text program the model refuses is still explained: the
		 * refusal and, per profile, the op that breaks the harness. */
		char err2[512];

		if (prog_path_is_bin(path) || prog_parse_file_lax(path, &p, err2, sizeof(err2)) ||
		    prog_check_static(&p, NULL, err2, sizeof(err2))) {
			fprintf(stderr, "mmufuzz explain: %s\n", err);
			return 2;
		}
	}
	res = malloc(sizeof(*res));
	if (!res) {
		fprintf(stderr, "mmufuzz explain: out of memory\n");
		return 2;
	}
	if (!npt && !tcg) {
		fprintf(stderr, "mmufuzz explain: --no-tcg only means something with --npt\n");
		free(res);
		return 2;
	}
	prog_print(stdout, &p);
	/* prog_check() judges every profile the harness may run it under;
	 * its reason names the one that refuses. */
	if (prog_check_where(&p, &where, err, sizeof(err))) {
		if (where.part == PART_OP)
			printf("\n# refused by prog_check at op %d (run/fuzz will not run it): %s\n",
			       where.index, err);
		else
			printf("\n# refused by prog_check (run/fuzz will not run it): %s\n", err);
	}
	else
		printf("\n# accepted by prog_check under every profile (AMD, Intel, AMD NPT, AMD NPT/TCG)\n");
	for (int v = 0; v < ORACLE_VENDOR_COUNT; v++) {
		struct oracle_cpu cpu;

		if (!(vmask & (1 << v)))
			continue;
		oracle_cpu_default(&cpu, v);
		if (npt)
			oracle_cpu_npt(&cpu, tcg);
		cpu.strict = (uint32_t)strict;
		oracle_eval_cpu(&p, &cpu, res);
		printf("\n");
		oracle_print_expect(stdout, &p, res);
		for (unsigned i = 0; walk && i < res->n_ops; i++) {
			if (!res->ops[i].n_walk)
				continue;
			printf("# walk of op %u:\n", i);
			oracle_print_walk(stdout, &res->ops[i]);
		}
		if (res->harness_ok && res->lost_op < 0)
			oracle_print_final_ad(stdout, &p, &cpu);
	}
	free(res);
	return 0;
}
