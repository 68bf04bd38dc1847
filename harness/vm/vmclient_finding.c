// SPDX-License-Identifier: GPL-2.0
/*
 * What a dead VM leaves behind: the console tells why it died, and a
 * finding keeps the request in flight, the console log and the kernel
 * variant.  It goes through the findings store (harness/store/finding.h)
 * like every verdict finding: written atomically, named by signature,
 * never overwritten; a later death of the same signature is one line in
 * its hits file (UTC time, pid, reason).
 *
 *   <findings>/vm-<kind>-<variant>-<request>-<site hash>/
 *       reason        "<kind>: <detail>"
 *       variant       variant, module directory, kernel, kvm params, image
 *       kernel-info   the variant's kernels/ info: base, its Debian package
 *                     version (or own tree), patch file(s), sha256, subjects
 *       console.log   the VM's whole console
 *       program.bin   RUN: the raw struct program (same build's layout)
 *       program.mmu   RUN: the program as text (prog_format)
 *       argv.txt      EXEC: the command, one argument a line
 *       request.bin   any other request's payload
 *       hits          later deaths of the same signature
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness/store/finding.h"
#include "harness/core/names.h"
#include "harness/core/say.h"
#include "harness/vm/vmclient_int.h"

static const char *const death_names[VMC_DEATH_COUNT] = {
	[VMC_ALIVE] = "alive",		[VMC_WARN] = "warn",		[VMC_PANIC] = "panic",
	[VMC_HANG] = "hang",		[VMC_QEMU_EXIT] = "qemu-exit",	[VMC_CHANNEL] = "channel",
};

const char *vmc_death_name(enum vmc_death d)
{
	return NAME_OF(death_names, d);
}

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

/* The whole console log, malloc'ed; NULL if it cannot be read. */
static char *read_console(const char *path, size_t *len)
{
	char *buf;
	int ret = prog_read_file(path, 64u << 20, &buf, len, NULL, 0);

	return ret ? NULL : buf;
}

/*
 * A death's signature: its kind, the VM's variant, the request type and a
 * hash of where the kernel complained ("at file:line func" of a WARN, the
 * line itself otherwise, digits dropped so CPU and PID numbers do not
 * make a new finding of the same site).
 */
static void death_signature(const struct vmc *vm, enum vmc_death d, const char *detail,
			    char *out, size_t cap)
{
	const char *site = strstr(detail, " at ");
	const char *req = vm->req_type == VMP_RUN ? "run" : vm->req_type == VMP_EXEC ? "exec" :
			  vm->req_type == VMP_PING ? "ping" : "req";
	uint32_t h = 2166136261u;
	char kind[64], where[64];

	for (const char *c = site ? site : detail; *c; c++)
		if (*c < '0' || *c > '9')
			h = (h ^ (uint8_t)*c) * 16777619u;
	vmc__fmt(kind, sizeof(kind), "vm-%s", vmc_death_name(d));
	vmc__fmt(where, sizeof(where), "%s-%08x", req, h);
	finding_signature(kind, vm->tag[0] ? vm->tag : "vm", where, out, cap);
}

int vmc__save_finding(struct vmc *vm, enum vmc_death d, const char *detail,
		      const uint8_t *req, size_t req_len, char *out, size_t outlen)
{
	const size_t run_len = sizeof(struct vmp_run_req) + sizeof(struct program);
	char reason[1024], variant[5 * PATH_MAX + 512], sig[256], note[1200], stamp[32];
	char nocon[PATH_MAX + 64], *console, *text = NULL, *argv = NULL, *kinfo = NULL;
	struct finding_file files[6];
	size_t n = 0, clen = 0;
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	vmc__fmt(reason, sizeof(reason), "%s: %s\n", vmc_death_name(d), detail);
	files[n++] = (struct finding_file){ "reason", reason, strlen(reason) };
	vmc__fmt(variant, sizeof(variant),
		 "variant %s\nmodules %s\nkernel %s\nrelease %s\nkvm %s\nnpt %d\nimage %s\n",
		 vm->variant, vm->variant_dir[0] ? vm->variant_dir : "stock (Debian's image package)",
		 vm->vmlinuz, vm->hello.release, vm->hello.kvm_params, vm->cfg.npt ? 1 : 0,
		 vm->image);
	files[n++] = (struct finding_file){ "variant", variant, strlen(variant) };
	if (vm->variant_dir[0]) {
		/* The variant's kernels/ info (base, package version, patches,
		 * sha256, subjects); best effort: a module folder may have none. */
		char info[PATH_MAX + 8];
		size_t ilen;

		vmc__fmt(info, sizeof(info), "%s/info", vm->variant_dir);
		if (!prog_read_file(info, 1u << 20, &kinfo, &ilen, NULL, 0))
			files[n++] = (struct finding_file){ "kernel-info", kinfo, ilen };
	}
	console = read_console(vm->console, &clen);
	if (!console) {
		/* Keep the finding without its console rather than lose it. */
		vmc__fmt(nocon, sizeof(nocon), "(no console log: cannot read %s)\n", vm->console);
		files[n++] = (struct finding_file){ "console.log", nocon, strlen(nocon) };
	} else {
		files[n++] = (struct finding_file){ "console.log", console, clen };
	}

	if (vm->req_type == VMP_RUN && req_len == run_len) {
		const struct program *p = (const void *)(req + sizeof(struct vmp_run_req));
		size_t tlen;

		files[n++] = (struct finding_file){ "program.bin", p, sizeof(*p) };
		text = malloc(PROG_TEXT_MAX);
		if (!text) {
			ret = -ENOMEM;
			goto out;
		}
		tlen = prog_format(p, text, PROG_TEXT_MAX);
		files[n++] = (struct finding_file){ "program.mmu", text,
						    tlen < PROG_TEXT_MAX ? tlen : PROG_TEXT_MAX - 1 };
	} else if (vm->req_type == VMP_EXEC) {
		argv = malloc(req_len + 1);
		if (!argv) {
			ret = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < req_len; i++)
			argv[i] = req[i] ? (char)req[i] : '\n';
		files[n++] = (struct finding_file){ "argv.txt", argv, req_len };
	} else {
		files[n++] = (struct finding_file){ "request.bin", req, req_len };
	}

	/* A later death of the same signature is a line in hits: when, and why. */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	vmc__fmt(note, sizeof(note), "%s pid %d: %s: %s", stamp, (int)getpid(),
		 vmc_death_name(d), detail);
	death_signature(vm, d, detail, sig, sizeof(sig));
	ret = finding_save(vm->findings, sig, files, n, note, out, outlen);
	if (ret > 0)
		ret = 0;
out:
	if (ret)
		say("vmclient: saving finding %s/%s failed: %s", vm->findings, sig,
			strerror(-ret));
	free(console);
	free(kinfo);
	free(text);
	free(argv);
	return ret;
}
