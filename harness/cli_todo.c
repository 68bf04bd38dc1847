// SPDX-License-Identifier: GPL-2.0
/*
 * Subcommands that do not exist yet.  Each says plainly what it cannot do
 * and exits non-zero; none fakes output.  When a command is implemented,
 * move it to its own harness/cli_<name>.c and delete it here.
 */
#include <stdio.h>
#include "cli.h"

static int not_yet(const char *cmd, const char *what)
{
	fprintf(stderr, "mmufuzz %s: not implemented yet: %s\n", cmd, what);
	return 2;
}

