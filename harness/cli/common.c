// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the mmufuzz subcommands (see common.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "harness/cli/common.h"
#include "harness/core/stop.h"
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

void cli_stop_catch(void)
{
	static struct stop_saved dfl;	/* the command ends with the process */

	stop_catch(&dfl);
}

int cli_stopped(const char *cmd)
{
	int sig = stop_requested();

	fprintf(stderr, "%s: stopped by SIG%s\n", cmd, sig ? sigabbrev_np(sig) : "?");
	return 128 + sig;
}
