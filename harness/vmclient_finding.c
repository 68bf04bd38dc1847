// SPDX-License-Identifier: GPL-2.0
/*
 * What a dead VM leaves behind: the console tells why it died, and a
 * finding directory keeps the request in flight, the console log and the
 * kernel variant.  The directory appears atomically (written under a
 * dot-name, then renamed), so a reader never sees half a finding.
 *
 *   <findings>/<UTC time>-<variant>-<kind>-<pid>-<n>/
 *       reason        "<kind>: <detail>"
 *       variant       variant, module directory, kernel, kvm params, image
 *       kernel-info   the variant's kernels/ info: base, its Debian package
 *                     version (or own tree), patch file(s), sha256, subjects
 *       console.log   the VM's whole console
 *       program.bin   RUN: the raw struct program (same build's layout)
 *       program.mmu   RUN: the program as text (prog_print)
 *       argv.txt      EXEC: the command, one argument a line
 *       request.bin   any other request's payload
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "harness/vmclient_int.h"

static unsigned finding_counter;

/* The text after the "[ 12.345678] " stamp. */
static const char *strip_stamp(const char *line)
{
	if (line[0] == '[') {
		const char *e = strchr(line, ']');

		if (e)
			return e[1] == ' ' ? e + 2 : e + 1;
	}
	return line;
}

enum vmc_death vmc__classify(const char *console, enum vmc_death dflt,
			     char *detail, size_t len)
{
	return vmc__classify_from(console, 0, dflt, detail, len);
}

enum vmc_death vmc__classify_from(const char *console, off_t from, enum vmc_death dflt,
				  char *detail, size_t len)
{
	static const char *const bad[] = {
		"BUG:", "Oops:", "general protection fault", "Kernel panic",
	};
	char line[512], panic_line[512] = "";
	enum vmc_death d = dflt;
	FILE *f = fopen(console, "r");
	size_t i;

	snprintf(detail, len, "%s", dflt == VMC_HANG ? "no reply within the request timeout" :
		 dflt == VMC_CHANNEL ? "channel closed or malformed" :
		 "QEMU exited without a panic on the console");
	if (!f)
		return d;
	if (from > 0 && fseeko(f, from, SEEK_SET)) {
		fclose(f);
		return d;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *t = strip_stamp(line);

		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(t, "WARNING:", 8)) {
			snprintf(detail, len, "%s", t);
			fclose(f);
			return VMC_WARN;
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]) && !panic_line[0]; i++)
			if (strstr(t, bad[i]))
				snprintf(panic_line, sizeof(panic_line), "%s", t);
	}
	fclose(f);
	if (panic_line[0]) {
		snprintf(detail, len, "%s", panic_line);
		d = VMC_PANIC;
	}
	return d;
}

static int write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[PATH_MAX + 64];
	FILE *f;
	int ret = 0;

	vmc__fmt(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (len && fwrite(buf, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

static int copy_file(const char *from, const char *dir, const char *name)
{
	char buf[65536];
	char path[PATH_MAX + 64];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -errno;
	vmc__fmt(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	if (close(out) && !ret)
		ret = -EIO;
	return ret;
}

static int write_request(struct vmc *vm, const char *dir, const uint8_t *req,
			 size_t len)
{
	const size_t run_len = sizeof(struct vmp_run_req) + sizeof(struct program);
	int ret;

	if (vm->req_type == VMP_RUN && len == run_len) {
		const struct program *p = (const void *)(req + sizeof(struct vmp_run_req));
		char path[PATH_MAX + 16];
		FILE *f;

		ret = write_file(dir, "program.bin", p, sizeof(*p));
		if (ret)
			return ret;
		vmc__fmt(path, sizeof(path), "%s/program.mmu", dir);
		f = fopen(path, "w");
		if (!f)
			return -errno;
		ret = prog_print(f, p);
		if (fclose(f) && !ret)
			ret = -EIO;
		return ret;
	}
	if (vm->req_type == VMP_EXEC) {
		char *text = malloc(len + 1);
		size_t i;

		if (!text)
			return -ENOMEM;
		for (i = 0; i < len; i++)
			text[i] = req[i] ? (char)req[i] : '\n';
		ret = write_file(dir, "argv.txt", text, len);
		free(text);
		return ret;
	}
	return write_file(dir, "request.bin", req, len);
}

int vmc__save_finding(struct vmc *vm, enum vmc_death d, const char *detail,
		      const uint8_t *req, size_t req_len, char *out, size_t outlen)
{
	char name[256], tmp[PATH_MAX + 300], final[PATH_MAX + 300], text[5 * PATH_MAX + 512];
	char stamp[32];
	const char *tag = vm->tag[0] ? vm->tag : "vm";
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	vmc__fmt(name, sizeof(name), "%s-%s-%s-%d-%u", stamp, tag, vmc_death_name(d),
		 (int)getpid(), finding_counter++);
	if (mkdir(vm->findings, 0755) && errno != EEXIST)
		return -errno;
	vmc__fmt(tmp, sizeof(tmp), "%s/.%s.tmp", vm->findings, name);
	vmc__fmt(final, sizeof(final), "%s/%s", vm->findings, name);
	if (mkdir(tmp, 0755))
		return -errno;

	vmc__fmt(text, sizeof(text), "%s: %s\n", vmc_death_name(d), detail);
	ret = write_file(tmp, "reason", text, strlen(text));
	if (!ret) {
		vmc__fmt(text, sizeof(text),
			 "variant %s\nmodules %s\nkernel %s\nrelease %s\nkvm %s\nnpt %d\n"
			 "image %s\n", vm->variant,
			 vm->variant_dir[0] ? vm->variant_dir : "stock (Debian's image package)",
			 vm->vmlinuz, vm->hello.release, vm->hello.kvm_params,
			 vm->cfg.npt ? 1 : 0, vm->image);
		ret = write_file(tmp, "variant", text, strlen(text));
	}
	if (!ret && vm->variant_dir[0]) {
		char info[PATH_MAX + 8];

		/* Best effort: a stock VM, or a directory without info, has none. */
		vmc__fmt(info, sizeof(info), "%s/info", vm->variant_dir);
		if (!access(info, R_OK))
			ret = copy_file(info, tmp, "kernel-info");
	}
	if (!ret && copy_file(vm->console, tmp, "console.log")) {
		/* Keep the finding without its console rather than lose it. */
		vmc__fmt(text, sizeof(text), "(no console log: cannot read %s)\n", vm->console);
		ret = write_file(tmp, "console.log", text, strlen(text));
	}
	if (!ret)
		ret = write_request(vm, tmp, req, req_len);
	if (!ret && rename(tmp, final))
		ret = -errno;
	if (ret) {
		fprintf(stderr, "vmclient: saving finding %s failed: %s\n", final,
			strerror(-ret));
		return ret;
	}
	vmc__fmt(out, outlen, "%s", final);
	return 0;
}
