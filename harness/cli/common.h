/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the mmufuzz subcommands. */
#ifndef MMUFUZZ_CLI_COMMON_H
#define MMUFUZZ_CLI_COMMON_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include "harness/campaign/fuzz.h"
#include "harness/program/prog.h"

/*
 * Load the program a command was pointed at: a .mmu/.bin file, or a
 * finding folder (its minimized.mmu if there is one, else program.mmu).
 * dir gets the finding folder ("" for a plain file).  0, or -errno with
 * the reason printed on stderr prefixed by cmd.
 */
int cli_load_target(const char *cmd, const char *path, struct program *p, char *dir, size_t cap);

/*
 * Commands that start children (test VMs, engines, builds) call this
 * before the first: SIGTERM, SIGINT and SIGHUP become stop requests
 * (harness/core/stop.h), so the command ends its VMs itself, keeps what
 * it found and exits cli_stopped().  Never fails.
 */
void cli_stop_catch(void);

/*
 * After a stop request: "<cmd>: stopped by SIG<name>" on stderr, and the
 * exit status to return, 128 + the signal.
 */
int cli_stopped(const char *cmd);

/*
 * The message sink for the layers below (harness/core/say.h): each line on stderr.  ctx is unused.
 */
void cli_say(void *ctx, const char *line);

/*
 * Parse the value of option --name for cmd: a whole number (decimal, or
 * 0x hex) in [min, max].  0, or -EINVAL with "<cmd>: --<name> '<arg>':
 * expected ..." on stderr.
 */
int cli_uint(const char *cmd, const char *name, const char *arg, unsigned long min,
	     unsigned long max, unsigned *out);

/* The statistics of a fuzzing campaign, as `fuzz`, `demo` and `nightly` print them. */
void cli_print_fuzz_stats(FILE *f, const struct fuzz_opts *o, const struct fuzz_stats *st);

#endif /* MMUFUZZ_CLI_COMMON_H */
