// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the mmufuzz subcommands (see cli_common.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness/cli_common.h"

int cli_load_target(const char *cmd, const char *path, struct program *p, char *dir, size_t cap)
{
	char file[PATH_MAX], err[512];
	struct stat st;
	int ret;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(dir, cap, "%s", path);
		snprintf(file, sizeof(file), "%s/minimized.mmu", path);
		if (access(file, R_OK))
			snprintf(file, sizeof(file), "%s/program.mmu", path);
	} else {
		dir[0] = 0;
		snprintf(file, sizeof(file), "%s", path);
	}
	ret = prog_load(file, p, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s: %s\n", cmd, err);
	return ret;
}

int cli_fresh_path(const char *dir, const char *base, char *out, size_t cap)
{
	const char *dot = strrchr(base, '.');
	int stem = dot ? (int)(dot - base) : (int)strlen(base);

	for (int i = 1; i < 1000; i++) {
		int n = i == 1 ? snprintf(out, cap, "%s/%s", dir, base)
			       : snprintf(out, cap, "%s/%.*s-%d%s", dir, stem, base, i, dot ? dot : "");

		if (n < 0 || (size_t)n >= cap)
			return -ENAMETOOLONG;
		if (access(out, F_OK))
			return 0;
	}
	return -EEXIST;
}
