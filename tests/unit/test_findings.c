// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: differential verdicts (harness/judge/diff.c), the findings store
 * (harness/store/finding.c) and the semantic minimizer (harness/search/minimize.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness/judge/diff.h"
#include "harness/store/finding.h"
#include "harness/search/minimize.h"
#include "tests/check.h"

static struct kernel_outcome k_ok(void)
{
	return (struct kernel_outcome){ .ran = 1, .exit = RUN_COMPLETED, .first_violation_op = -1 };
}

static struct kernel_outcome k_viol(int op)
{
	struct kernel_outcome k = k_ok();

	k.violations = 1;
	k.first_violation_op = op;
	return k;
}

static void test_diff(void)
{
	struct kernel_outcome none = { 0 }, ok = k_ok(), bad = k_viol(3), alias = k_ok(),
			      dead = k_ok(), hang = k_ok(), warn = k_ok(), shut = k_ok();
	struct diff_result r;

	alias.aliasing = 2;
	dead.exit = RUN_KVM_DEAD;
	hang.exit = RUN_HANG;
	warn.host_fault = 1;
	shut.exit = RUN_SHUTDOWN;

	diff_classify(&ok, &ok, &r);
	CHECK(r.cls == DIFF_CLEAN, "clean/clean -> %s", diff_class_name(r.cls));
	diff_classify(&ok, &bad, &r);
	CHECK(r.cls == DIFF_REGRESSION && r.op == 3, "ok/bad -> %s op %d", diff_class_name(r.cls), r.op);
	diff_classify(&bad, &bad, &r);
	CHECK(r.cls == DIFF_PREEXISTING, "bad/bad -> %s", diff_class_name(r.cls));
	diff_classify(&bad, &ok, &r);
	CHECK(r.cls == DIFF_FIXED, "bad/ok -> %s", diff_class_name(r.cls));
	diff_classify(&ok, &alias, &r);
	CHECK(r.cls == DIFF_ALIASING, "ok/alias -> %s", diff_class_name(r.cls));
	diff_classify(&alias, &alias, &r);
	CHECK(r.cls == DIFF_PREEXISTING, "alias/alias -> %s", diff_class_name(r.cls));
	/* A visible regression outranks latent aliasing. */
	alias.violations = 1, alias.first_violation_op = 5;
	diff_classify(&ok, &alias, &r);
	CHECK(r.cls == DIFF_REGRESSION && r.op == 5, "ok/bad+alias -> %s", diff_class_name(r.cls));
	/* Host faults outrank everything, on either side. */
	diff_classify(&ok, &dead, &r);
	CHECK(r.cls == DIFF_HOST_FAULT && strstr(r.why, "candidate"), "kvm-dead -> %s (%s)",
	      diff_class_name(r.cls), r.why);
	diff_classify(&hang, &bad, &r);
	CHECK(r.cls == DIFF_HOST_FAULT && strstr(r.why, "baseline"), "hang -> %s (%s)",
	      diff_class_name(r.cls), r.why);
	diff_classify(&ok, &warn, &r);
	CHECK(r.cls == DIFF_HOST_FAULT, "warn -> %s", diff_class_name(r.cls));
	/* A triple fault is the guest's; only the oracle can call it wrong. */
	diff_classify(&ok, &shut, &r);
	CHECK(r.cls == DIFF_CLEAN, "predicted shutdown -> %s", diff_class_name(r.cls));
	/* Single-kernel runs cannot blame a patch. */
	diff_classify(&none, &bad, &r);
	CHECK(r.cls == DIFF_PREEXISTING, "-/bad -> %s", diff_class_name(r.cls));
	diff_classify(&none, &ok, &r);
	CHECK(r.cls == DIFF_CLEAN, "-/ok -> %s", diff_class_name(r.cls));
}

static int read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	buf[n] = 0;
	fclose(f);
	return (int)n;
}

static void test_findings(void)
{
	char root[] = "/tmp/mmufuzz-findings-XXXXXX", sig[64], path[512], buf[256], p2[600];
	struct finding_file files[] = {
		{ "program.mmu", "cr3 0x200020\n", 13 },
		{ "verdict.txt", "regression\n", 11 },
	};
	struct finding_file other[] = { { "program.mmu", "different\n", 10 } };
	struct finding_file bad[] = { { "../escape", "x", 1 } };
	int r;

	finding_signature("regression", "read", "PAE/legacy", sig, sizeof(sig));
	CHECK(!strcmp(sig, "regression-read-pae-legacy"), "signature %s", sig);

	CHECK(mkdtemp(root) != NULL, "mkdtemp");
	r = finding_save(root, sig, files, 2, "first", path, sizeof(path));
	CHECK(r == 1, "first save returns 1, got %d", r);
	snprintf(p2, sizeof(p2), "%s/program.mmu", path);
	CHECK(read_file(p2, buf, sizeof(buf)) == 13 && !strcmp(buf, "cr3 0x200020\n"),
	      "program saved: '%s'", buf);

	r = finding_save(root, sig, other, 1, "second", path, sizeof(path));
	CHECK(r == 0, "duplicate returns 0, got %d", r);
	CHECK(read_file(p2, buf, sizeof(buf)) == 13 && !strcmp(buf, "cr3 0x200020\n"),
	      "duplicate did not overwrite: '%s'", buf);
	snprintf(p2, sizeof(p2), "%s/hits", path);
	CHECK(read_file(p2, buf, sizeof(buf)) > 0 && strstr(buf, "second"), "hits: '%s'", buf);

	r = finding_save(root, "other-sig", bad, 1, NULL, NULL, 0);
	CHECK(r == -EINVAL, "file name with '/' refused, got %d", r);
	snprintf(p2, sizeof(p2), "%s/other-sig", root);
	CHECK(access(p2, F_OK) != 0, "a refused finding leaves no folder");
	CHECK(finding_save(root, "a/b", files, 1, NULL, NULL, 0) == -EINVAL, "signature with '/'");

	/* A fresh clone has no findings/ yet ("findings/demo" of make demo). */
	snprintf(p2, sizeof(p2), "%s/findings/demo", root);
	r = finding_save(p2, sig, files, 2, NULL, path, sizeof(path));
	CHECK(r == 1 && !access(path, F_OK), "root with missing parents created: %d %s", r, path);

	snprintf(p2, sizeof(p2), "rm -rf '%s'", root);
	CHECK(system(p2) == 0, "cleanup");
}

/*
 * The minimizer on programs that run with paging off (always well formed):
 * the "finding" is a CR3 load of 0x200020 followed later by a read of
 * 0x500000, with some CR4 write that has PAE set.
 */
static int shows_finding(const struct program *p, void *ctx)
{
	int cr3 = 0, pae = 0;

	(*(unsigned *)ctx)++;
	for (unsigned i = 0; i < p->n_ops; i++) {
		const struct prog_op *op = &p->ops[i];

		if (op->kind == OP_CR3 && op->value == 0x200020)
			cr3 = 1;
		if (op->kind == OP_CR4 && (op->value & 0x20))
			pae = 1;
		if (op->kind == OP_READ && op->addr == 0x500000 && cr3 && pae)
			return 1;
	}
	return 0;
}

static void test_minimize(void)
{
	struct program p;
	struct min_stats st;
	unsigned calls = 0;
	char err[160];
	int r;

	prog_init_empty(&p);
	prog_add_init(&p, 0x200000, 8, 0x201001);
	prog_add_init(&p, 0x200020, 8, 0x202001);
	prog_add_op(&p, OP_CR3, 0x200000, 0);
	prog_add_op(&p, OP_READ, 0, 0x400000);
	prog_add_op(&p, OP_CR4, 0xB0, 0);	/* PSE PAE PGE */
	prog_add_op(&p, OP_READ, 0, 0x600000);
	prog_add_op(&p, OP_CR3, 0x200020, 0);
	prog_add_op(&p, OP_WRITE, 0, 0x400000);
	prog_add_op(&p, OP_INVLPG, 0, 0x400000);
	prog_add_op(&p, OP_READ, 0, 0x500000);
	prog_add_op(&p, OP_READ, 0, 0x700000);
	CHECK(prog_check(&p, err, sizeof(err)) == 0, "seed program well formed: %s", err);

	r = minimize_program(&p, shows_finding, &calls, 0, &st);
	CHECK(r == 0, "minimize returns 0, got %d", r);
	CHECK(p.n_ops == 3, "3 ops left, got %u", p.n_ops);
	CHECK(p.n_init == 0, "initial stores dropped, %u left", p.n_init);
	CHECK(p.n_ops == 3 && p.ops[0].kind == OP_CR4 && p.ops[0].value == 0x20,
	      "CR4 reduced to PAE alone: 0x%llx", (unsigned long long)p.ops[0].value);
	CHECK(shows_finding(&p, &calls) == 1, "result still shows the finding");
	CHECK(st.tries == calls - 1 && st.kept > 0, "stats: %u tries, %u calls, %u kept",
	      st.tries, calls, st.kept);

	prog_init_empty(&p);
	prog_add_op(&p, OP_READ, 0, 0x400000);
	r = minimize_program(&p, shows_finding, &calls, 0, &st);
	CHECK(r == -EINVAL && p.n_ops == 1, "non-failing input refused (%d), unchanged", r);

	/* The try bound stops it early but leaves a program that still fails. */
	prog_init_empty(&p);
	for (int i = 0; i < 20; i++)
		prog_add_op(&p, OP_READ, 0, 0x400000 + 0x1000 * i);
	prog_add_op(&p, OP_CR4, 0x20, 0);
	prog_add_op(&p, OP_CR3, 0x200020, 0);
	prog_add_op(&p, OP_READ, 0, 0x500000);
	r = minimize_program(&p, shows_finding, &calls, 3, &st);
	CHECK(r == 0 && st.tries <= 4 && shows_finding(&p, &calls), "bounded: %d, %u tries", r, st.tries);
}

int main(void)
{
	test_diff();
	test_findings();
	test_minimize();
	return check_summary("findings");
}
