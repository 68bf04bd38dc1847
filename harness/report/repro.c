// SPDX-License-Identifier: GPL-2.0
/* Reproducer folder (see repro.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness/core/say.h"
#include "harness/store/finding.h"
#include "harness/report/repro.h"
#include "harness/report/repro_c.h"
#include "harness/report/report.h"

int repro_write_text(const char *dir, const char *base, const char *text, size_t len,
		     char *out, size_t cap)
{
	char tmp[4200];
	int fd, ret = 0;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	ret = finding_fresh_path(dir, base, out, cap);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", out, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd))
		ret = errno ? -errno : -EIO;
	close(fd);
	/* link() refuses to replace: a file that appeared meanwhile is kept. */
	if (!ret && link(tmp, out))
		ret = -errno;
	unlink(tmp);
	return ret;
}

typedef void (*render_fn)(FILE *f, const struct program *p, const struct diffrun_result *r,
			  const char *kernels);

static void render_mmu(FILE *f, const struct program *p, const struct diffrun_result *r,
		       const char *kernels)
{
	prog_print(f, p);
}

static void render_report(FILE *f, const struct program *p, const struct diffrun_result *r,
			  const char *kernels)
{
	report_mail(f, p, r, kernels, "repro.mmu");
}

static const struct oracle_result *expect_of(const struct program *p,
					     const struct diffrun_result *r)
{
	static struct oracle_result own;

	if (r)
		return &r->expect;
	oracle_eval(p, ORACLE_VENDOR_AMD, &own);
	return &own;
}

static void headline(char *buf, size_t cap, const struct diffrun_result *r, const char *kernels)
{
	if (r)
		snprintf(buf, cap, "Verdict on %s: %s: %s", kernels, diff_class_name(r->diff.cls),
			 r->diff.why);
	else
		snprintf(buf, cap, "Kernels: %s (not run when this was written)", kernels);
}

static void render_c(FILE *f, const struct program *p, const struct diffrun_result *r,
		     const char *kernels)
{
	char h[400];

	headline(h, sizeof(h), r, kernels);
	repro_c_write(f, p, expect_of(p, r), h);
}

static void render_selftest(FILE *f, const struct program *p, const struct diffrun_result *r,
			    const char *kernels)
{
	char h[400];

	headline(h, sizeof(h), r, kernels);
	repro_selftest_write(f, p, expect_of(p, r), h, REPRO_SELFTEST_NAME);
}

static int write_rendered(const char *dir, const char *base, render_fn fn, const struct program *p,
			  const struct diffrun_result *r, const char *kernels)
{
	char *text = NULL, path[4096];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return -errno;
	fn(f, p, r, kernels);
	if (fclose(f))
		return -EIO;
	ret = repro_write_text(dir, base, text, len, path, sizeof(path));
	free(text);
	if (ret)
		say("mmufuzz repro: %s/%s: %s", dir, base, strerror(-ret));
	else
		say("mmufuzz repro: wrote %s", path);
	return ret;
}

int repro_write_all(const char *dir, const struct program *p, const struct diffrun_result *r,
		    const char *kernels)
{
	static const struct {
		const char *base;
		render_fn fn;
	} files[] = {
		{ "repro.mmu", render_mmu },
		{ "report.txt", render_report },
		{ "repro.c", render_c },
		{ REPRO_SELFTEST_NAME ".c", render_selftest },
	};
	int n = 0, ret;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ret = write_rendered(dir, files[i].base, files[i].fn, p, r, kernels);
		if (ret)
			return ret;
		n++;
	}
	return n;
}
