/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommands of the mmufuzz CLI.  Each gets argv[0] = its own name and
 * returns the process exit status: 0 success, 1 a finding or a failed
 * check, 2 usage or input error.
 */
#ifndef MMUFUZZ_CLI_H
#define MMUFUZZ_CLI_H

typedef int (*cli_fn)(int argc, char **argv);

struct cli_cmd {
	const char *name;
	cli_fn fn;
	const char *help;
};

int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_minimize(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_nightly(int argc, char **argv);
int cmd_adequacy(int argc, char **argv);

#endif /* MMUFUZZ_CLI_H */
