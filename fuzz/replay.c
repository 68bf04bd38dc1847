// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver: runs one fuzz target over files and directories without
 * libFuzzer (as libxml2's fuzz/testFuzzer does), so the seeds run in
 * every build.  A target that aborts ends the process: that is the
 * finding.  Prints "<name>: N passed, 0 failed".
 *   replay_<target> <file|dir>...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replayed;

static int replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	replayed++;
	return 0;
}

static int replay_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	char sub[4096];
	DIR *d;
	int ret = 0;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (!stat(sub, &st) && S_ISREG(st.st_mode) && replay_file(sub))
			ret = -1;
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s <file|dir>...\n", name);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i]))
			ret = 1;
	/* Every input that returned did not abort: it passed. */
	printf("%s: %u passed, %d failed\n", name, replayed, ret);
	return ret;
}
