// SPDX-License-Identifier: GPL-2.0
/* The findings store (see finding.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include "harness/program/prog.h"
#include "harness/store/finding.h"
#include "harness/core/stop.h"

void finding_signature(const char *cls, const char *op_kind, const char *mode,
		       char *out, size_t cap)
{
	snprintf(out, cap, "%s-%s-%s", cls, op_kind, mode);
	for (char *c = out; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			*c = (*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : '-';
}

/* dir + "/" + name into buf; -ENAMETOOLONG if it does not fit. */
static int path_join(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_file(const char *dir, const struct finding_file *f)
{
	char path[4096];
	int fd, ret;

	if (!f->name[0] || strchr(f->name, '/'))
		return -EINVAL;
	if (path_join(path, sizeof(path), dir, f->name))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, f->data, f->len);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

static void remove_tree(const char *dir, const struct finding_file *files, size_t n)
{
	char path[4096];

	for (size_t i = 0; i < n; i++) {
		if (!path_join(path, sizeof(path), dir, files[i].name))
			unlink(path);
	}
	rmdir(dir);
}

/* mkstemp makes 0600; state files are read by CI jobs and people. */
static void fchmod_path(const char *path)
{
	chmod(path, 0644);
}

static int append_hit(const char *final, const char *note)
{
	char path[4096], line[512];
	time_t now = time(NULL);
	struct tm tm;
	int fd, ret;

	if (path_join(path, sizeof(path), final, "hits"))
		return -ENAMETOOLONG;
	gmtime_r(&now, &tm);
	strftime(line, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s\n", note ? note : "");
	/* O_APPEND writes of one short line are atomic between processes. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, line, strlen(line));
	close(fd);
	return ret;
}

int finding_mkdir_parents(const char *path)
{
	char tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -errno : 0;
}

void finding_signals_hold(sigset_t *old)
{
	sigset_t set;

	/* The signals a stop request comes by (harness/core/stop.h). */
	sigemptyset(&set);
	for (int i = 0; i < STOP_N_SIGNALS; i++)
		sigaddset(&set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void finding_signals_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int save_held(const char *root, const char *signature, const struct finding_file *files,
		     size_t n, const char *note, char *path_out, size_t cap);

int finding_save(const char *root, const char *signature, const struct finding_file *files,
		 size_t n, const char *note, char *path_out, size_t cap)
{
	sigset_t old;
	int ret;

	/* A stop request (a CI timeout's SIGTERM) waits until the folder is
	 * renamed into place or removed: no half-written .tmp- folder stays. */
	finding_signals_hold(&old);
	ret = save_held(root, signature, files, n, note, path_out, cap);
	finding_signals_release(&old);
	return ret;
}

static int save_held(const char *root, const char *signature, const struct finding_file *files,
		     size_t n, const char *note, char *path_out, size_t cap)
{
	char tmp[4096], final[4096];
	int ret;

	if (!signature[0] || strchr(signature, '/'))
		return -EINVAL;
	/* A fresh clone has no findings/ yet: "findings/demo" needs both. */
	ret = finding_mkdir_parents(root);
	if (ret)
		return ret;
	if (path_join(final, sizeof(final), root, signature) ||
	    strlen(final) + 16 >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (path_out)
		snprintf(path_out, cap, "%s", final);

	/* Cheap early duplicate check; the rename below is the real one. */
	if (!access(final, F_OK))
		return append_hit(final, note) ? -EIO : 0;

	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-XXXXXX", root, signature);
	if (!mkdtemp(tmp))
		return -errno;
	for (size_t i = 0; i < n; i++) {
		ret = write_file(tmp, &files[i]);
		if (ret) {
			remove_tree(tmp, files, i + 1);
			return ret;
		}
	}
	if (rename(tmp, final)) {
		ret = -errno;
		remove_tree(tmp, files, n);
		if (ret == -EEXIST || ret == -ENOTEMPTY)	/* lost a race: duplicate */
			return append_hit(final, note) ? -EIO : 0;
		return ret;
	}
	return 1;
}

int finding_replace_file(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	sigset_t old;
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	finding_signals_hold(&old);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	else
		fchmod_path(path);
out:
	finding_signals_release(&old);
	return ret;
}

int finding_fresh_path(const char *dir, const char *base, char *out, size_t cap)
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

int finding_load(const char *path, struct program *p, char *dir, size_t cap, char *err,
		 size_t errlen)
{
	char file[PATH_MAX];
	struct stat st;

	if (stat(path, &st)) {
		int ret = -errno;

		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
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
	return prog_load(file, p, err, errlen);
}
