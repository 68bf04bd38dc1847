// SPDX-License-Identifier: GPL-2.0
/* The 80-column mailing-list report (see report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/report/report.h"

/*
 * Print text at `indent`, wrapped at REPORT_COLS on spaces; a word longer
 * than the line is cut (hex strings are not, in practice).
 */
static void wrap(FILE *f, int indent, int hang, const char *text)
{
	int width = REPORT_COLS - indent, first = 1;

	while (*text) {
		int w = first ? width : width - hang, n = (int)strlen(text), cut = n;

		if (n > w) {
			cut = w;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = w;
		}
		fprintf(f, "%*s%.*s\n", indent + (first ? 0 : hang), "", cut, text);
		text += cut;
		while (*text == ' ')
			text++;
		first = 0;
	}
}

/*
 * The variant's info file: kernels/ knows where a "[BASE:]NAME" lives
 * (kernels/variant-dir.sh --lookup never builds).  NULL if not built.
 */
static FILE *open_variant_info(const char *name)
{
	char cmd[1024], dir[768];
	FILE *p;

	if (strchr(name, '\''))
		return NULL;
	snprintf(cmd, sizeof(cmd), "kernels/variant-dir.sh --lookup '%s' 2>/dev/null", name);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	if (!fgets(dir, sizeof(dir), p))
		dir[0] = 0;
	pclose(p);
	dir[strcspn(dir, "\n")] = 0;
	if (!dir[0])
		return NULL;
	snprintf(cmd, sizeof(cmd), "%s/info", dir);
	return fopen(cmd, "r");
}

void report_kernel_line(const char *name, char *buf, size_t cap)
{
	char line[512], abi[64] = "?", src[64] = "?", patch[256] = "none", sha[80] = "";
	char base[64] = "6.1", bver[128] = "", kind[16] = "debian", subjects[1024] = "";
	int npatch = -1;
	size_t n;
	FILE *f;

	f = open_variant_info(name);
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (!strncmp(line, "abi=", 4))
				snprintf(abi, sizeof(abi), "%s", line + 4);
			else if (!strncmp(line, "source=", 7))
				snprintf(src, sizeof(src), "%s", line + 7);
			else if (!strncmp(line, "base=", 5))
				snprintf(base, sizeof(base), "%s", line + 5);
			else if (!strncmp(line, "base_kind=", 10))
				snprintf(kind, sizeof(kind), "%s", line + 10);
			else if (!strncmp(line, "base_version=", 13))
				snprintf(bver, sizeof(bver), "%s", line + 13);
			else if (!strncmp(line, "patches=", 8))
				npatch = atoi(line + 8);
			else if (!strncmp(line, "subject.", 8) && strchr(line, '=')) {
				n = strlen(subjects);
				snprintf(subjects + n, sizeof(subjects) - n, "; [%.*s] %s",
					 (int)(strchr(line, '=') - line - 8), line + 8,
					 strchr(line, '=') + 1);
			} else if (!strncmp(line, "patch=", 6)) {
				const char *b = strrchr(line + 6, '/');
				snprintf(patch, sizeof(patch), "%s", b ? b + 1 : line + 6);
			} else if (!strncmp(line, "patch_sha256=", 13))
				snprintf(sha, sizeof(sha), "%.12s", line + 13);
		}
		fclose(f);
	}
	/* A series names each patch's subject; one patch's file name says it. */
	if (npatch < 2)
		subjects[0] = 0;
	if (!strcmp(kind, "own"))
		n = snprintf(buf, cap, "own kernel %s (base %s), KVM modules", abi, base);
	else
		n = snprintf(buf, cap, "Debian %s (base %s, packages %s), KVM modules from "
			     "linux-source %s", abi, base, bver[0] ? bver : src, src);
	if (n >= cap)
		return;
	if (!strcmp(patch, "none"))
		snprintf(buf + n, cap - n, ", unmodified");
	else if (npatch > 1)
		snprintf(buf + n, cap - n, " + series %s, %d patches (sha256 %s)%s", patch,
			 npatch, sha, subjects);
	else
		snprintf(buf + n, cap - n, " + %s (sha256 %s)", patch, sha);
}

static void print_program(FILE *f, const struct program *p)
{
	static char text[PROG_TEXT_MAX];
	char *line, *save = NULL;

	prog_format(p, text, sizeof(text));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');

		if ((int)strlen(line) + 2 <= REPORT_COLS || !hash || line[0] == '#') {
			wrap(f, 2, 4, line);
			continue;
		}
		/* A long generated comment goes on its own line. */
		*hash = 0;
		for (char *e = hash - 1; e > line && *e == ' '; e--)
			*e = 0;
		wrap(f, 2, 4, line);
		*hash = '#';
		wrap(f, 6, 2, hash);
	}
}

static void rule(FILE *f, char c)
{
	for (int i = 0; i < REPORT_COLS - 8; i++)
		fputc(c, f);
	fputc('\n', f);
}

void report_mail(FILE *f, const struct program *p, const struct diffrun_result *r,
		 const char *kernels, const char *mmu_name)
{
	char line[2048], buf[1536], names[2][64] = { "", "" };
	int nk = 0;

	/* Kernel names from the comma list. */
	for (const char *s = kernels; s && *s && nk < 2; nk++) {
		size_t n = strcspn(s, ",");

		snprintf(names[nk], sizeof(names[nk]), "%.*s", (int)n, s);
		s += n + (s[n] == ',');
	}

	snprintf(line, sizeof(line), "mmufuzz: %s%s%s",
		 r ? diff_class_name(r->diff.cls) : "expectations",
		 nk == 2 ? " in " : "", nk == 2 ? names[1] : "");
	fprintf(f, "%s\n", line);
	rule(f, '=');
	fputc('\n', f);
	if (r && r->expect.cpu.mmu == ORACLE_MMU_NPT)
		fprintf(f, "Kernels (%s, AMD CPU with SVM, kvm_amd npt=1: nested paging):\n",
			r->expect.cpu.quirks ? "QEMU TCG" : "nested KVM");
	else
		fprintf(f, "Kernels (QEMU TCG, AMD CPU with SVM, kvm_amd npt=0: shadow MMU):\n");
	for (int i = 0; i < nk; i++) {
		report_kernel_line(names[i], buf, sizeof(buf));
		const char *role = nk == 2 ? (i ? "candidate" : "baseline") : "kernel";

		if (!strcmp(names[i], role))
			snprintf(line, sizeof(line), "%s: %s", role, buf);
		else
			snprintf(line, sizeof(line), "%s %s: %s", role, names[i], buf);
		wrap(f, 2, 4, line);
	}
	if (r) {
		fprintf(f, "\nVerdict:\n");
		snprintf(line, sizeof(line), "%s: %s", diff_class_name(r->diff.cls), r->diff.why);
		wrap(f, 2, 4, line);
		snprintf(line, sizeof(line), "Expectations from the architectural model, %s profile, "
			 "MAXPHYADDR %u.", oracle_cpu_name(&r->expect.cpu), r->expect.cpu.maxphyaddr);
		wrap(f, 2, 0, line);
	}

	fprintf(f, "\nProgram (%s, mmufuzz .mmu text):\n\n", mmu_name);
	print_program(f, p);

	fprintf(f, "\nExpected vs observed, per op:\n\n");
	for (unsigned op = 0; op < p->n_ops; op++) {
		const struct op_expect *e = r ? &r->expect.ops[op] : NULL;
		static struct oracle_result own;
		static const struct program *own_for;
		int differs = 0;

		if (!r && own_for != p) {
			oracle_eval(p, ORACLE_VENDOR_AMD, &own);
			own_for = p;
		}
		if (!e)
			e = &own.ops[op];
		snprintf(line, sizeof(line), "[%u] %s 0x%llx (%s)", op, prog_op_name(p->ops[op].kind),
			 (unsigned long long)(p->ops[op].kind <= OP_EFER ? p->ops[op].value
									: p->ops[op].addr),
			 oracle_paging_mode_name(e->mode));
		wrap(f, 2, 4, line);
		{
			size_t len = 0;

			len += (size_t)snprintf(line + len, sizeof(line) - len, "allowed:");
			if (e->unbounded)
				snprintf(line + len, sizeof(line) - len, " anything (not modelled)");
			for (int i = 0; i < e->n_out && !e->unbounded && len < sizeof(line); i++) {
				oracle_format_outcome(buf, sizeof(buf), &e->out[i]);
				len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s",
							i ? " |" : "", buf);
			}
			wrap(f, 6, 4, line);
		}
		for (int k = 0; r && k < r->n; k++) {
			if (r->k[k].died)
				snprintf(buf, sizeof(buf), "(VM died: %s)", r->k[k].death);
			else
				oracle_format_obs(buf, sizeof(buf), &r->k[k].obs.ops[op]);
			for (int v = 0; v < r->k[k].verdict.n; v++)
				if (r->k[k].verdict.v[v].op == (int)op)
					differs = 1;
			snprintf(line, sizeof(line), "%s: %s%s", r->k[k].name, buf,
				 differs && r->k[k].verdict.n ? "   <-- VIOLATION" : "");
			wrap(f, 6, 4, line);
			differs = 0;
		}
	}

	for (int k = 0; r && k < r->n; k++) {
		const struct diffrun_kernel *kk = &r->k[k];
		char *text = NULL;
		size_t tlen = 0;
		FILE *m;

		if (!kk->traced)
			continue;
		fprintf(f, "\nShadow roots on %s (BPF trace of KVM):\n\n", kk->name);
		m = open_memstream(&text, &tlen);
		if (!m)
			continue;
		roots_print(m, &kk->roots);
		fclose(m);
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			wrap(f, 2, 4, l);
		free(text);
	}

	fprintf(f, "\nTo reproduce with mmufuzz:\n");
	snprintf(line, sizeof(line), "mmufuzz run --kernel %s %s", kernels, mmu_name);
	wrap(f, 2, 4, line);
	fprintf(f, "or the standalone reproducer (KVM API only): cc -static -o repro repro.c\n");
	fprintf(f, "then ./repro in a guest with the kernel under test (exit 1 = bug).\n");
}
