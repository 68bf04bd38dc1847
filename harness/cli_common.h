/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the mmufuzz subcommands. */
#ifndef MMUFUZZ_CLI_COMMON_H
#define MMUFUZZ_CLI_COMMON_H

#include <limits.h>
#include <stddef.h>
#include "harness/program.h"

/*
 * Load the program a command was pointed at: a .mmu/.bin file, or a
 * finding folder (its minimized.mmu if there is one, else program.mmu).
 * dir gets the finding folder ("" for a plain file).  0, or -errno with
 * the reason printed on stderr prefixed by cmd.
 */
int cli_load_target(const char *cmd, const char *path, struct program *p, char *dir, size_t cap);

/*
 * A path in dir for a new file called base (e.g. "minimized.mmu"); if
 * that exists, base with -2, -3, ... before the extension: nothing saved
 * is ever overwritten.  0, or -ENAMETOOLONG/-EEXIST.
 */
int cli_fresh_path(const char *dir, const char *base, char *out, size_t cap);

#endif /* MMUFUZZ_CLI_COMMON_H */
