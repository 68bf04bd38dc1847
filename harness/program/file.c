// SPDX-License-Identifier: GPL-2.0
/*
 * Programs in files: the representation follows the extension, ".bin"
 * for fuzzer bytes, anything else is .mmu text.  Writes are atomic
 * (temporary file + rename) so a crash never leaves half a program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness/program/prog.h"

int prog_path_is_bin(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcmp(path + n - 4, ".bin");
}

/*
 * Read a whole file of at most max bytes into a malloc'ed buffer (with
 * room for a NUL).  0, or -errno with "path: why" in err.
 */
int prog_read_file(const char *path, size_t max, char **bufp, size_t *lenp,
		   char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	} else if (n > max) {
		ret = -EFBIG;
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
	}
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*bufp = buf;
	*lenp = n;
	return 0;
}

int prog_read_input(const char *path, uint8_t *buf, size_t *len, struct program *p, char *err,
		    size_t errlen)
{
	char why[224];
	FILE *f = fopen(path, "rb");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	*len = fread(buf, 1, PROG_BIN_MAX, f);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret) {
		snprintf(err, errlen, "%s: read error", path);
		return ret;
	}
	ret = prog_decode(buf, *len, p, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
	return ret;
}

static int load_bin(const char *path, struct program *p, char *err, size_t errlen)
{
	char why[224], *buf;
	size_t n;
	int ret = prog_read_file(path, PROG_BIN_MAX, &buf, &n, err, errlen);

	if (ret)
		return ret;
	ret = prog_decode((const uint8_t *)buf, n, p, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
	free(buf);
	return ret;
}

/* A .mmu file: read whole (at most PROG_TEXT_MAX), then parsed. */
static int parse_file(const char *path, struct program *out, char *err, size_t errlen,
		      int (*parse)(const char *, size_t, const char *, struct program *,
				   char *, size_t))
{
	char *buf;
	size_t n;
	int ret = prog_read_file(path, PROG_TEXT_MAX, &buf, &n, err, errlen);

	if (ret)
		return ret;
	ret = parse(buf, n, path, out, err, errlen);
	free(buf);
	return ret;
}

int prog_parse_file(const char *path, struct program *out, char *err, size_t errlen)
{
	return parse_file(path, out, err, errlen, prog_parse);
}

int prog_parse_file_lax(const char *path, struct program *out, char *err, size_t errlen)
{
	return parse_file(path, out, err, errlen, prog_parse_lax);
}

int prog_load(const char *path, struct program *p, char *err, size_t errlen)
{
	if (prog_path_is_bin(path))
		return load_bin(path, p, err, errlen);
	return prog_parse_file(path, p, err, errlen);
}

int prog_save(const char *path, const struct program *p, char *err, size_t errlen)
{
	static char buf[PROG_TEXT_MAX > PROG_BIN_MAX ? PROG_TEXT_MAX : PROG_BIN_MAX];
	char tmp[4096];
	size_t n;
	FILE *f;
	int ret = 0;

	if (prog_path_is_bin(path)) {
		long m = prog_encode(p, (uint8_t *)buf, sizeof(buf));

		if (m < 0) {
			snprintf(err, errlen, "%s: program cannot be encoded (%s)", path, strerror((int)-m));
			return (int)m;
		}
		n = m;
	} else {
		n = prog_format(p, buf, sizeof(buf));
		if (n >= sizeof(buf)) {
			snprintf(err, errlen, "%s: text larger than %zu bytes", path, sizeof(buf));
			return -ENOSPC;
		}
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(-ret));
		return ret;
	}
	if (fwrite(buf, 1, n, f) != n)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	}
	return ret;
}
