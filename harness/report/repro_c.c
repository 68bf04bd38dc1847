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

/* Shared by both runners: fill memory, hide CPUID bits, judge results. */
static const char common_code[] =
"\n#define VEC_PF 14\n"
"\n"
"/* Every 8-byte word of data frame G: mov eax, 0x5A000000|G; ret; nop; nop. */\n"
"static void fill_data_frames(uint8_t *data)\n"
"{\n"
"\tfor (uint64_t gpa = DATA_BASE; gpa < MEM_SIZE; gpa += 8) {\n"
"\t\tuint64_t g = (gpa >> 12) & 0xffffff;\n"
"\t\tuint64_t w = 0xB8 | (g << 8) | (0x5Aull << 32) | (0xC3ull << 40) | (0x9090ull << 48);\n"
"\n"
"\t\tmemcpy(data + gpa - DATA_BASE, &w, 8);\n"
"\t}\n"
"}\n"
"\n"
"static void fill_low(uint8_t *low)\n"
"{\n"
"\tfor (size_t i = 0; i < sizeof(image) / sizeof(image[0]); i++)\n"
"\t\tmemcpy(low + image[i].gpa, image[i].b, 32);\n"
"}\n"
"\n"
"/* CPUID the guest gets: what KVM supports minus the features whose CR4/EFER\n"
" * bits the model treats as reserved (PCID, XSAVE, FSGSBASE, UMIP, PKU, LA57,\n"
" * VMX, SMX, SVM, PKS, CET). */\n"
"static void hide_cpuid(struct kvm_cpuid2 *c)\n"
"{\n"
"\tfor (uint32_t i = 0; i < c->nent; i++) {\n"
"\t\tstruct kvm_cpuid_entry2 *e = &c->entries[i];\n"
"\n"
"\t\tif (e->function == 1)\n"
"\t\t\te->ecx &= ~((1u << 5) | (1u << 6) | (1u << 17) | (1u << 26) | (1u << 27));\n"
"\t\tif (e->function == 7 && e->index == 0) {\n"
"\t\t\te->ebx &= ~1u;\n"
"\t\t\te->ecx &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 16) | (1u << 31));\n"
"\t\t\te->edx &= ~(1u << 20);\n"
"\t\t}\n"
"\t\tif (e->function == 0x80000001)\n"
"\t\t\te->ecx &= ~(1u << 2);\n"
"\t}\n"
"}\n"
"\n"
"static int matches(const struct outcome *o, const struct stub_res *r, int probe, uint64_t mmio)\n"
"{\n"
"\tif (r->status == ST_DONE && mmio != ~0ull)\n"
"\t\treturn o->kind == OUT_MMIO && o->gpa == mmio;\n"
"\tswitch (r->status) {\n"
"\tcase ST_DONE:\n"
"\t\tif (o->kind == OUT_ANY)\n"
"\t\t\treturn 1;\n"
"\t\treturn o->kind == OUT_DONE && (!probe || ((r->value ^ o->value) & o->mask) == 0);\n"
"\tcase ST_EXCEPTION:\n"
"\t\tif (o->kind != OUT_EXCEPTION || o->vector != r->vector)\n"
"\t\t\treturn 0;\n"
"\t\tif (o->has_ec && o->ec != r->error_code)\n"
"\t\t\treturn 0;\n"
"\t\treturn o->vector != VEC_PF || o->cr2 == r->cr2;\n"
"\t}\n"
"\treturn 0;\n"
"}\n"
"\n"
"static void show_res(char *buf, size_t n, const struct stub_res *r, uint64_t mmio)\n"
"{\n"
"\tif (r->status == ST_DONE && mmio != ~0ull)\n"
"\t\tsnprintf(buf, n, \"mmio gpa=0x%llx\", (unsigned long long)mmio);\n"
"\telse if (r->status == ST_DONE)\n"
"\t\tsnprintf(buf, n, \"ok val=0x%08llx\", (unsigned long long)r->value);\n"
"\telse if (r->status == ST_EXCEPTION)\n"
"\t\tsnprintf(buf, n, \"exception %u ec=0x%x cr2=0x%llx\", r->vector, r->error_code,\n"
"\t\t\t (unsigned long long)r->cr2);\n"
"\telse\n"
"\t\tsnprintf(buf, n, \"not run\");\n"
"}\n"
"\n"
"/* Judge every op; returns the number of violations. */\n"
"static int judge(const struct stub_res *res, const uint64_t *mmio, unsigned ran,\n"
"\t\t const uint64_t *cr)\n"
"{\n"
"\tchar buf[96];\n"
"\tint bad = 0;\n"
"\n"
"\tfor (unsigned i = 0; i < N_OPS; i++) {\n"
"\t\tconst struct expect *x = &expect[i];\n"
"\t\tint hit = x->unbounded;\n"
"\n"
"\t\tif (i >= ran) {\n"
"\t\t\tprintf(\"op %2u %-24s not run\\n\", i, x->op);\n"
"\t\t\tbad++;\n"
"\t\t\tcontinue;\n"
"\t\t}\n"
"\t\tfor (unsigned k = 0; k < x->n && !hit; k++)\n"
"\t\t\thit = matches(&x->o[k], &res[i], x->probe, mmio[i]);\n"
"\t\tshow_res(buf, sizeof(buf), &res[i], mmio[i]);\n"
"\t\tprintf(\"op %2u %-24s %-40s %s\\n\", i, x->op, buf, hit ? \"ok\" : \"VIOLATION\");\n"
"\t\tbad += !hit;\n"
"\t}\n"
"\tif (final_known && ran == N_OPS && cr)\n"
"\t\tfor (int r = 0; r < 4; r++)\n"
"\t\t\tif (cr[r] != final_cr[r]) {\n"
"\t\t\t\tprintf(\"final %s = 0x%llx, expected 0x%llx: VIOLATION\\n\",\n"
"\t\t\t\t       (const char *[]){ \"cr0\", \"cr3\", \"cr4\", \"efer\" }[r],\n"
"\t\t\t\t       (unsigned long long)cr[r], (unsigned long long)final_cr[r]);\n"
"\t\t\t\tbad++;\n"
"\t\t\t}\n"
"\treturn bad;\n"
"}\n"
"\n"
"static void flat(struct kvm_segment *s, uint16_t sel, uint8_t type)\n"
"{\n"
"\tmemset(s, 0, sizeof(*s));\n"
"\ts->limit = 0xffffffff;\n"
"\ts->selector = sel;\n"
"\ts->type = type;\n"
"\ts->present = 1;\n"
"\ts->db = 1;\n"
"\ts->s = 1;\n"
"\ts->g = 1;\n"
"}\n"
"\n"
"/* 32-bit flat segments, the stub's GDT/IDT/TSS, and the start CRs. */\n"
"static void set_start_sregs(struct kvm_sregs *sr)\n"
"{\n"
"\tflat(&sr->cs, SEL_CODE32, 11);\n"
"\tflat(&sr->ds, SEL_DATA, 3);\n"
"\tsr->es = sr->fs = sr->gs = sr->ss = sr->ds;\n"
"\tmemset(&sr->tr, 0, sizeof(sr->tr));\n"
"\tsr->tr.base = TSS_BASE;\n"
"\tsr->tr.limit = 0x67;\n"
"\tsr->tr.selector = SEL_TSS;\n"
"\tsr->tr.type = 11;\n"
"\tsr->tr.present = 1;\n"
"\tmemset(&sr->ldt, 0, sizeof(sr->ldt));\n"
"\tsr->ldt.type = 2;\n"
"\tsr->ldt.unusable = 1;\n"
"\tsr->gdt.base = GDT_BASE;\n"
"\tsr->gdt.limit = GDT_LIMIT;\n"
"\tsr->idt.base = START_IDT;\n"
"\tsr->idt.limit = START_IDT_LIMIT;\n"
"\tsr->cr0 = START_CR0;\n"
"\tsr->cr3 = START_CR3;\n"
"\tsr->cr4 = START_CR4;\n"
"\tsr->efer = START_EFER;\n"
"\tsr->cr2 = 0;\n"
"\tmemset(sr->interrupt_bitmap, 0, sizeof(sr->interrupt_bitmap));\n"
"}\n";

static const char standalone_main[] =
"\n"
"static void fail(const char *what)\n"
"{\n"
"\tfprintf(stderr, \"repro: %s: %s\\n\", what, strerror(errno));\n"
"\texit(2);\n"
"}\n"
"\n"
"static struct kvm_run *run_page;\n"
"\n"
"static void on_alarm(int sig)\n"
"{\n"
"\t(void)sig;\n"
"\trun_page->immediate_exit = 1;\n"
"}\n"
"\n"
"int main(void)\n"
"{\n"
"\tstruct kvm_userspace_memory_region slot;\n"
"\tstruct kvm_cpuid2 *cpuid;\n"
"\tstruct kvm_sregs sr;\n"
"\tstruct kvm_regs regs;\n"
"\tuint64_t mmio[N_OPS > 0 ? N_OPS : 1], cr[4];\n"
"\tint kvm, vm, vcpu, memfd, bad, hung = 0;\n"
"\tuint8_t *low, *data;\n"
"\tstruct stub_ctl *ctl;\n"
"\tlong run_size;\n"
"\n"
"\tkvm = open(\"/dev/kvm\", O_RDWR | O_CLOEXEC);\n"
"\tif (kvm < 0)\n"
"\t\tfail(\"/dev/kvm\");\n"
"\tvm = ioctl(kvm, KVM_CREATE_VM, 0);\n"
"\tif (vm < 0)\n"
"\t\tfail(\"KVM_CREATE_VM\");\n"
"\n"
"\tlow = mmap(NULL, LOW_END, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
"\tif (low == MAP_FAILED)\n"
"\t\tfail(\"mmap\");\n"
"\tfill_low(low);\n"
"\t/* Data frames: tags written through a shared mapping of a memfd, then\n"
"\t * mapped privately and untouched, so the host maps only the frames the\n"
"\t * program prefaults (KVM's prefetch depends on that). */\n"
"\tmemfd = memfd_create(\"repro-data\", 0);\n"
"\tif (memfd < 0 || ftruncate(memfd, MEM_SIZE - DATA_BASE))\n"
"\t\tfail(\"memfd\");\n"
"\tdata = mmap(NULL, MEM_SIZE - DATA_BASE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);\n"
"\tif (data == MAP_FAILED)\n"
"\t\tfail(\"mmap data\");\n"
"\tfill_data_frames(data);\n"
"\tmunmap(data, MEM_SIZE - DATA_BASE);\n"
"\tdata = mmap(NULL, MEM_SIZE - DATA_BASE, PROT_READ | PROT_WRITE, MAP_PRIVATE, memfd, 0);\n"
"\tif (data == MAP_FAILED)\n"
"\t\tfail(\"mmap data\");\n"
"\tfor (int i = 0; prefault[i][1]; i++)\n"
"\t\tfor (uint32_t g = 0; g < prefault[i][1]; g++) {\n"
"\t\t\tvolatile uint8_t *b = data + ((uint64_t)(prefault[i][0] + g) << 12) - DATA_BASE;\n"
"\t\t\t*b = *b;\n"
"\t\t}\n"
"\tslot = (struct kvm_userspace_memory_region){ .slot = 0, .guest_phys_addr = 0,\n"
"\t\t.memory_size = LOW_END, .userspace_addr = (uintptr_t)low };\n"
"\tif (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))\n"
"\t\tfail(\"memory slot 0\");\n"
"\tslot = (struct kvm_userspace_memory_region){ .slot = 1, .guest_phys_addr = DATA_BASE,\n"
"\t\t.memory_size = MEM_SIZE - DATA_BASE, .userspace_addr = (uintptr_t)data };\n"
"\tif (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))\n"
"\t\tfail(\"memory slot 1\");\n"
"\n"
"\tvcpu = ioctl(vm, KVM_CREATE_VCPU, 0);\n"
"\trun_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);\n"
"\tif (vcpu < 0 || run_size <= 0)\n"
"\t\tfail(\"KVM_CREATE_VCPU\");\n"
"\trun_page = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);\n"
"\tif (run_page == MAP_FAILED)\n"
"\t\tfail(\"mmap kvm_run\");\n"
"\tcpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));\n"
"\tcpuid->nent = 256;\n"
"\tif (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))\n"
"\t\tfail(\"KVM_GET_SUPPORTED_CPUID\");\n"
"\thide_cpuid(cpuid);\n"
"\tif (ioctl(vcpu, KVM_SET_CPUID2, cpuid))\n"
"\t\tfail(\"KVM_SET_CPUID2\");\n"
"\tif (ioctl(vcpu, KVM_GET_SREGS, &sr))\n"
"\t\tfail(\"KVM_GET_SREGS\");\n"
"\tset_start_sregs(&sr);\n"
"\tif (ioctl(vcpu, KVM_SET_SREGS, &sr))\n"
"\t\tfail(\"KVM_SET_SREGS\");\n"
"\tmemset(&regs, 0, sizeof(regs));\n"
"\tregs.rip = START_RIP;\n"
"\tregs.rsp = START_RSP;\n"
"\tregs.rflags = 2;\n"
"\tif (ioctl(vcpu, KVM_SET_REGS, &regs))\n"
"\t\tfail(\"KVM_SET_REGS\");\n"
"\n"
"\tctl = (struct stub_ctl *)(low + OPS_BASE);\n"
"\tmemset(mmio, 0xff, sizeof(mmio));\n"
"\tsignal(SIGALRM, on_alarm);\n"
"\talarm(10);\n"
"\tfor (;;) {\n"
"\t\tif (ioctl(vcpu, KVM_RUN, 0) < 0) {\n"
"\t\t\tif (errno == EINTR && !run_page->immediate_exit)\n"
"\t\t\t\tcontinue;\n"
"\t\t\tif (errno == EINTR) {\n"
"\t\t\t\tprintf(\"guest hung at op %u\\n\", ctl->cur_op);\n"
"\t\t\t\thung = 1;\n"
"\t\t\t\tbreak;\n"
"\t\t\t}\n"
"\t\t\tprintf(\"KVM_RUN failed: %s%s\\n\", strerror(errno),\n"
"\t\t\t       errno == EIO ? \" (KVM killed the VM)\" : \"\");\n"
"\t\t\treturn 1;\n"
"\t\t}\n"
"\t\tif (run_page->exit_reason == KVM_EXIT_IO) {\n"
"\t\t\tuint8_t *d = (uint8_t *)run_page + run_page->io.data_offset;\n"
"\t\t\tuint32_t code = 0;\n"
"\n"
"\t\t\tif (run_page->io.port != UCALL_PORT) {\n"
"\t\t\t\tif (run_page->io.direction == KVM_EXIT_IO_IN)\n"
"\t\t\t\t\tmemset(d, 0xff, run_page->io.size * run_page->io.count);\n"
"\t\t\t\tcontinue;\n"
"\t\t\t}\n"
"\t\t\tmemcpy(&code, d, 4);\n"
"\t\t\tif (code == UCALL_SYNC)\n"
"\t\t\t\tcontinue;\n"
"\t\t\tif (code == UCALL_DONE)\n"
"\t\t\t\tbreak;\n"
"\t\t\tprintf(\"stub assertion at stub.S:%u (value 0x%x)\\n\", ctl->assert_line, ctl->assert_val);\n"
"\t\t\treturn 2;\n"
"\t\t}\n"
"\t\tif (run_page->exit_reason == KVM_EXIT_MMIO) {\n"
"\t\t\tif (ctl->cur_op < N_OPS && mmio[ctl->cur_op] == ~0ull)\n"
"\t\t\t\tmmio[ctl->cur_op] = run_page->mmio.phys_addr;\n"
"\t\t\tif (!run_page->mmio.is_write)\n"
"\t\t\t\tmemset(run_page->mmio.data, 0xff, sizeof(run_page->mmio.data));\n"
"\t\t\tcontinue;\n"
"\t\t}\n"
"\t\tif (run_page->exit_reason == KVM_EXIT_INTR && !run_page->immediate_exit)\n"
"\t\t\tcontinue;\n"
"\t\tprintf(\"unexpected exit reason %u at op %u%s\\n\", run_page->exit_reason, ctl->cur_op,\n"
"\t\t       run_page->exit_reason == KVM_EXIT_SHUTDOWN ? \" (triple fault)\" :\n"
"\t\t       run_page->exit_reason == KVM_EXIT_INTERNAL_ERROR ? \" (KVM internal error)\" : \"\");\n"
"\t\treturn 1;\n"
"\t}\n"
"\talarm(0);\n"
"\tif (ioctl(vcpu, KVM_GET_SREGS, &sr))\n"
"\t\tfail(\"KVM_GET_SREGS\");\n"
"\tcr[0] = sr.cr0, cr[1] = sr.cr3, cr[2] = sr.cr4, cr[3] = sr.efer;\n"
"\tbad = judge((const struct stub_res *)(low + RESULTS_BASE), mmio,\n"
"\t\t    hung ? ctl->cur_op : N_OPS, hung ? NULL : cr);\n"
"\tprintf(\"%s: %d violation(s)\\n\", bad || hung ? \"BUG\" : \"ok\", bad);\n"
"\treturn bad || hung ? 1 : 0;\n"
"}\n";

static const char selftest_main[] =
"\n"
"int main(void)\n"
"{\n"
"\tuint64_t mmio[N_OPS > 0 ? N_OPS : 1], cr[4];\n"
"\tstruct kvm_vcpu *vcpu;\n"
"\tstruct kvm_sregs sr;\n"
"\tstruct kvm_regs regs;\n"
"\tstruct stub_ctl *ctl;\n"
"\tstruct kvm_vm *vm;\n"
"\tuint8_t *low, *data;\n"
"\tint bad;\n"
"\n"
"\tvm = vm_create_with_one_vcpu(&vcpu, NULL);\n"
"\t/* The program needs its own guest-physical layout from gpa 0: replace\n"
"\t * the library's memory with two slots of its own. */\n"
"\tvm_mem_region_delete(vm, 0);\n"
"\tvm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, 0, 1, LOW_END >> 12, 0);\n"
"\tvm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, DATA_BASE, 2,\n"
"\t\t\t\t    (MEM_SIZE - DATA_BASE) >> 12, 0);\n"
"\tlow = addr_gpa2hva(vm, 0);\n"
"\tdata = addr_gpa2hva(vm, DATA_BASE);\n"
"\tmemset(low, 0, LOW_END);\n"
"\tfill_low(low);\n"
"\t/* Unlike the standalone reproducer, every data frame is host-mapped here\n"
"\t * (the prefault list does not matter for this program's bug class). */\n"
"\tfill_data_frames(data);\n"
"\n"
"\thide_cpuid(vcpu->cpuid);\n"
"\tvcpu_set_cpuid(vcpu);\n"
"\tvcpu_sregs_get(vcpu, &sr);\n"
"\tset_start_sregs(&sr);\n"
"\tvcpu_sregs_set(vcpu, &sr);\n"
"\tmemset(&regs, 0, sizeof(regs));\n"
"\tregs.rip = START_RIP;\n"
"\tregs.rsp = START_RSP;\n"
"\tregs.rflags = 2;\n"
"\tvcpu_regs_set(vcpu, &regs);\n"
"\n"
"\tctl = (struct stub_ctl *)(low + OPS_BASE);\n"
"\tmemset(mmio, 0xff, sizeof(mmio));\n"
"\tfor (;;) {\n"
"\t\tstruct kvm_run *run = vcpu->run;\n"
"\n"
"\t\tvcpu_run(vcpu);\n"
"\t\tif (run->exit_reason == KVM_EXIT_IO) {\n"
"\t\t\tuint8_t *d = (uint8_t *)run + run->io.data_offset;\n"
"\t\t\tuint32_t code = 0;\n"
"\n"
"\t\t\tif (run->io.port != UCALL_PORT) {\n"
"\t\t\t\tif (run->io.direction == KVM_EXIT_IO_IN)\n"
"\t\t\t\t\tmemset(d, 0xff, run->io.size * run->io.count);\n"
"\t\t\t\tcontinue;\n"
"\t\t\t}\n"
"\t\t\tmemcpy(&code, d, 4);\n"
"\t\t\tif (code == UCALL_SYNC)\n"
"\t\t\t\tcontinue;\n"
"\t\t\tTEST_ASSERT(code == UCALL_DONE, \"stub assertion at stub.S:%u (value 0x%x)\",\n"
"\t\t\t\t    ctl->assert_line, ctl->assert_val);\n"
"\t\t\tbreak;\n"
"\t\t}\n"
"\t\tif (run->exit_reason == KVM_EXIT_MMIO) {\n"
"\t\t\tif (ctl->cur_op < N_OPS && mmio[ctl->cur_op] == ~0ull)\n"
"\t\t\t\tmmio[ctl->cur_op] = run->mmio.phys_addr;\n"
"\t\t\tif (!run->mmio.is_write)\n"
"\t\t\t\tmemset(run->mmio.data, 0xff, sizeof(run->mmio.data));\n"
"\t\t\tcontinue;\n"
"\t\t}\n"
"\t\tTEST_FAIL(\"unexpected exit %s at op %u\", exit_reason_str(run->exit_reason),\n"
"\t\t\t  ctl->cur_op);\n"
"\t}\n"
"\tvcpu_sregs_get(vcpu, &sr);\n"
"\tcr[0] = sr.cr0, cr[1] = sr.cr3, cr[2] = sr.cr4, cr[3] = sr.efer;\n"
"\tbad = judge((const struct stub_res *)(low + RESULTS_BASE), mmio, N_OPS, cr);\n"
"\tTEST_ASSERT(bad == 0, \"%d op(s) outside what the architecture allows (listed above)\", bad);\n"
"\tkvm_vm_free(vm);\n"
"\treturn 0;\n"
"}\n";

/* The four parts around a runner: top comment, constants, image, expectations. */
static int emit_repro(FILE *f, const struct program *p, const struct oracle_result *expect,
		      const char *headline, const char *how, const char *includes,
		      const char *runner, int with_prefault)
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
		fputs(common_code, f);
		fputs(runner, f);
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
			  standalone_main, 1);
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
			  selftest_main, 0);
}
