// SPDX-License-Identifier: GPL-2.0
/*
 * Generated reproducers: standalone C on the KVM API, and a KVM selftest
 * (see repro_c.h).  Both are the same three parts around a different
 * runner: the embedded low region, the CPU state, the expectation table.
 * The constants they carry are printed from the real headers here, so a
 * reproducer always matches the stub it embeds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "harness/exec/guest_image.h"
#include "harness/core/observation.h"
#include "harness/report/repro_c.h"

/* Comment text must not close the comment it sits in. */
static void comment_line(FILE *f, const char *prefix, const char *s)
{
	fputs(prefix, f);
	for (; *s; s++) {
		fputc(*s, f);
		if (s[0] == '*' && s[1] == '/')
			fputc(' ', f);
	}
	fputc('\n', f);
}

static void emit_top_comment(FILE *f, const struct program *p, const char *headline,
			     const char *how)
{
	char *text = malloc(PROG_TEXT_MAX), *save = NULL;

	fprintf(f, "// SPDX-License-Identifier: GPL-2.0\n/*\n");
	comment_line(f, " * ", "mmufuzz reproducer (generated; edit the .mmu, not this file).");
	comment_line(f, " * ", headline);
	fprintf(f, " *\n");
	comment_line(f, " * ", how);
	fprintf(f, " *\n * The program (mmufuzz .mmu text):\n *\n");
	if (text) {
		prog_format(p, text, PROG_TEXT_MAX);
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			comment_line(f, " *   ", l);
	}
	fprintf(f, " *\n * The guest is mmufuzz's stub (kvm-guest/stub.S), embedded below with the\n"
		   " * program's layout; every op's result is checked against the allowed\n"
		   " * outcomes of mmufuzz's architectural model of x86 paging.\n */\n");
	free(text);
}

static void emit_constants(FILE *f, const struct program *p)
{
	fprintf(f, "\n/* Guest-physical layout and the stub's interface (mmufuzz layout.h, stub_abi.h). */\n");
	fprintf(f, "#define MEM_SIZE      0x%xu\n#define LOW_END       0x%xu\n#define DATA_BASE     0x%xu\n",
		LAYOUT_MEM_SIZE, LAYOUT_LOW_END, LAYOUT_DATA_BASE);
	fprintf(f, "#define OPS_BASE      0x%xu\n#define RESULTS_BASE  0x%xu\n#define UCALL_PORT    0x%x\n",
		LAYOUT_OPS_BASE, LAYOUT_RESULTS_BASE, STUB_UCALL_PORT);
	fprintf(f, "#define UCALL_DONE    %d\n#define UCALL_ASSERT  %d\n#define UCALL_SYNC    %d\n",
		STUB_UCALL_DONE, STUB_UCALL_ASSERT, STUB_UCALL_SYNC);
	fprintf(f, "#define SEL_CODE32    0x%x\n#define SEL_DATA      0x%x\n#define SEL_TSS       0x%x\n",
		STUB_SEL_CODE32, STUB_SEL_DATA, STUB_SEL_TSS);
	fprintf(f, "#define GDT_BASE      0x%xu\n#define GDT_LIMIT     0x%x\n#define TSS_BASE      0x%xu\n",
		STUB_GDT, STUB_GDT_LIMIT, STUB_TSS);
	fprintf(f, "#define N_OPS         %u\n", p->n_ops);
	fprintf(f, "#define ST_DONE       %d\n#define ST_EXCEPTION  %d\n#define ST_MMIO       %d\n",
		OPS_DONE, OPS_EXCEPTION, OPS_MMIO);
	fprintf(f, "\nstruct stub_ctl {\n\tuint32_t magic, n_ops, cur_op, lma;\n\tuint64_t cr0, efer;\n"
		   "\tuint32_t assert_line, assert_val;\n};\n");
	fprintf(f, "struct stub_res {\n\tuint32_t status, vector, error_code, pad;\n\tuint64_t cr2, value;\n};\n");
	fprintf(f, "_Static_assert(sizeof(struct stub_res) == %zu, \"stub_res\");\n",
		sizeof(struct stub_res));
}

static void emit_image(FILE *f, const struct program *p, const uint8_t *low, int with_prefault)
{
	struct guest_boot b;
	unsigned lines = 0;

	guest_boot_state(p, &b);
	fprintf(f, "\n/* The low region at start: stub, GDT/IDTs/TSS, fixed tables, arena, ops\n"
		   " * (non-zero 32-byte lines; everything else is zero). */\n");
	fprintf(f, "static const struct { uint32_t gpa; uint8_t b[32]; } image[] = {\n");
	for (uint32_t gpa = 0; gpa < LAYOUT_LOW_END; gpa += 32) {
		int nz = 0;

		for (int i = 0; i < 32 && !nz; i++)
			nz = low[gpa + i] != 0;
		if (!nz)
			continue;
		fprintf(f, "\t{ 0x%06x, {", gpa);
		for (int i = 0; i < 32; i++)
			fprintf(f, "%s0x%02x", i ? "," : "", low[gpa + i]);
		fprintf(f, "} },\n");
		lines++;
	}
	fprintf(f, "};\n");
	if (with_prefault) {
		fprintf(f, "\n/* Data frames the host touches before the run (gfn, count). */\n");
		fprintf(f, "static const uint32_t prefault[][2] = {\n");
		for (unsigned i = 0; i < p->n_prefault; i++)
			fprintf(f, "\t{ 0x%x, %u },\n", p->prefault[i].gfn, p->prefault[i].count);
		fprintf(f, "\t{ 0, 0 }\n};\n");
	}
	fprintf(f, "\n/* Start state (%s). */\n", prog_start_name(p->start));
	fprintf(f, "#define START_CR0 0x%" PRIx64 "ull\n#define START_CR3 0x%" PRIx64 "ull\n"
		   "#define START_CR4 0x%" PRIx64 "ull\n#define START_EFER 0x%" PRIx64 "ull\n",
		b.cr0, b.cr3, b.cr4, b.efer);
	fprintf(f, "#define START_IDT 0x%x\n#define START_IDT_LIMIT 0x%x\n#define START_RIP 0x%x\n"
		   "#define START_RSP 0x%x\n", b.idt_base, b.idt_limit, b.rip, b.rsp);
}

static void emit_expect(FILE *f, const struct program *p, const struct oracle_result *e)
{
	char buf[160];

	fprintf(f, "\n/* What the architecture allows, per op (mmufuzz oracle, %s profile,\n"
		   " * MAXPHYADDR %u).  An observation is wrong only if it matches none. */\n",
		oracle_vendor_name(e->cpu.vendor), e->cpu.maxphyaddr);
	fprintf(f, "enum { OUT_DONE = %d, OUT_EXCEPTION = %d, OUT_MMIO = %d, OUT_SHUTDOWN = %d, OUT_ANY = %d };\n",
		OUT_DONE, OUT_EXCEPTION, OUT_MMIO, OUT_SHUTDOWN, OUT_ANY_VALUE);
	fprintf(f, "struct outcome {\n\tuint8_t kind, vector, has_ec;\n\tuint32_t ec;\n"
		   "\tuint64_t cr2, value, mask, gpa;\n};\n");
	fprintf(f, "struct expect {\n\tconst char *op;\n\tuint8_t probe, unbounded, n;\n"
		   "\tstruct outcome o[%d];\n};\n", ORACLE_MAX_OUTCOMES);
	fprintf(f, "static const struct expect expect[N_OPS] = {\n");
	for (unsigned i = 0; i < p->n_ops; i++) {
		const struct op_expect *x = &e->ops[i];
		const struct prog_op *op = &p->ops[i];

		snprintf(buf, sizeof(buf), "%s 0x%" PRIx64, prog_op_name(op->kind),
			 op->kind <= OP_EFER ? op->value : op->addr);
		fprintf(f, "\t{ \"%s\", %d, %d, %u, {", buf, op->kind >= OP_READ,
			i >= e->n_ops || x->unbounded, i < e->n_ops ? x->n_out : 0);
		for (unsigned k = 0; i < e->n_ops && k < x->n_out; k++) {
			const struct outcome *o = &x->out[k];

			oracle_format_outcome(buf, sizeof(buf), o);
			fprintf(f, "%s\n\t\t{ %u, %u, %u, 0x%x, 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
				   ", 0x%" PRIx64 " }, /* %s */",
				k ? "" : "", o->kind, o->vector, o->has_error_code, o->error_code, o->cr2,
				o->value, o->value_mask, o->gpa, buf);
		}
		fprintf(f, " } },\n");
	}
	fprintf(f, "};\n");
	fprintf(f, "/* Control registers after the last op (cr0, cr3, cr4, efer). */\n");
	fprintf(f, "static const int final_known = %d;\n", e->n_ops == p->n_ops);
	fprintf(f, "static const uint64_t final_cr[4] = { 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
		   ", 0x%" PRIx64 " };\n", e->cr0, e->cr3, e->cr4, e->efer);
}

/*
 * The runners, embedded from harness/report/runner/ (runner_blob.S): common.c
 * (fill memory, hide CPUID bits, judge results) and one main() each.  They
 * are compiled in the normal build, so what is written here compiles.
 */
extern const char repro_runner_common[], repro_runner_common_end[];
extern const char repro_runner_standalone[], repro_runner_standalone_end[];
extern const char repro_runner_selftest[], repro_runner_selftest_end[];

struct runner_text {
	const char *start, *end;
};

static const struct runner_text runner_common = { repro_runner_common, repro_runner_common_end };
static const struct runner_text runner_standalone = { repro_runner_standalone,
						      repro_runner_standalone_end };
static const struct runner_text runner_selftest = { repro_runner_selftest, repro_runner_selftest_end };

static void put_text(FILE *f, const struct runner_text *t)
{
	fwrite(t->start, 1, (size_t)(t->end - t->start), f);
}

/* The four parts around a runner: top comment, constants, image, expectations. */
static int emit_repro(FILE *f, const struct program *p, const struct oracle_result *expect,
		      const char *headline, const char *how, const char *includes,
		      const struct runner_text *runner, int with_prefault)
{
	uint8_t *low = calloc(1, LAYOUT_LOW_END);
	int ret;

	if (!low)
		return -ENOMEM;
	ret = guest_image_build(p, low);
	if (!ret) {
		emit_top_comment(f, p, headline, how);
		fputs(includes, f);
		emit_constants(f, p);
		emit_image(f, p, low, with_prefault);
		emit_expect(f, p, expect);
		put_text(f, &runner_common);
		put_text(f, runner);
		ret = ferror(f) ? -EIO : 0;
	}
	free(low);
	return ret;
}

int repro_c_write(FILE *f, const struct program *p, const struct oracle_result *expect,
		  const char *headline)
{
	return emit_repro(f, p, expect, headline,
			  "Build: cc -O2 -static -o repro repro.c.  Run: ./repro on the kernel "
			  "under test (needs /dev/kvm).  Exit 0: the architecture holds; 1: the "
			  "bug shows; 2: setup error.  KVM API only, no other code.",
			  "#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n"
			  "#include <linux/kvm.h>\n#include <signal.h>\n#include <stdint.h>\n"
			  "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
			  "#include <sys/ioctl.h>\n#include <sys/mman.h>\n#include <unistd.h>\n",
			  &runner_standalone, 1);
}

int repro_selftest_write(FILE *f, const struct program *p, const struct oracle_result *expect,
			 const char *headline, const char *test_name)
{
	char how[256];

	snprintf(how, sizeof(how),
		 "KVM selftest: copy to tools/testing/selftests/kvm/x86_64/%s.c, add "
		 "TEST_GEN_PROGS_x86_64 += x86_64/%s to the Makefile.  Fails on the bug.",
		 test_name, test_name);
	return emit_repro(f, p, expect, headline, how,
			  "#define _GNU_SOURCE\n#include <stdint.h>\n#include <stdio.h>\n"
			  "#include <string.h>\n\n#include \"kvm_util.h\"\n#include \"processor.h\"\n"
			  "#include \"test_util.h\"\n",
			  &runner_selftest, 0);
}
