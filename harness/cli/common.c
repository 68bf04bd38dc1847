// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the mmufuzz subcommands (see common.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
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

int cli_uint(const char *cmd, const char *name, const char *arg, unsigned long min,
	     unsigned long max, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	/* strtoul takes "-1" as ULONG_MAX: a sign is no whole number here. */
	if (!*arg || *end || errno || strchr(arg, '-') || v < min || v > max) {
		fprintf(stderr, "%s: --%s '%s': expected a whole number from %lu to %lu\n", cmd,
			name, arg, min, max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}
