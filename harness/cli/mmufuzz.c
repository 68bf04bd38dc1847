// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz: the command-line front end.  Each subcommand lives in its own
 * harness/cli_<name>.c and has the signature of cli_fn below; this file
 * only dispatches.
 */
#include <stdio.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/core/say.h"

static const struct cli_cmd commands[] = {
	{ "demo",     cmd_demo,     "baseline vs candidate: fuzz until a finding, print the reproducer" },
	{ "run",      cmd_run,      "run one .mmu program and judge it" },
	{ "explain",  cmd_explain,  "print the oracle's expected outcome set per op" },
	{ "convert",  cmd_convert,  "convert a program between .mmu text and fuzzer bytes" },
	{ "fuzz",     cmd_fuzz,     "coverage-guided differential fuzzing" },
	{ "minimize", cmd_minimize, "shrink a finding to the smallest program with the same verdict" },
	{ "repro",    cmd_repro,    "write reproducers (mmu, C, selftest, mail report) for a finding" },
	{ "nightly",  cmd_nightly,  "build kernels, fuzz for a budget, minimize, merge, report" },
	{ "adequacy", cmd_adequacy, "mutants of KVM lines: would a fuzzing run notice them?" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'mmufuzz <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* What the test VMs have to say (deaths, boot failures) is printed
	 * here, whichever layer ran into it. */
	say_set_sink(cli_say, NULL);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmufuzz: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
