// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the mmufuzz subcommands (see common.h). */
#include <stdio.h>
#include "harness/cli/common.h"
#include "harness/store/finding.h"

void cli_say(void *ctx, const char *line)
{
	fprintf(stderr, "%s\n", line);
}

int cli_load_target(const char *cmd, const char *path, struct program *p, char *dir, size_t cap)
{
	char err[512];
	int ret = finding_load(path, p, dir, cap, err, sizeof(err));

	if (ret)
		fprintf(stderr, "%s: %s\n", cmd, err);
	return ret;
}
