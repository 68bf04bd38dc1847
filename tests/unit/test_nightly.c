// SPDX-License-Identifier: GPL-2.0
/*
 * The nightly job's own logic, without VMs: expected-verdict files, group
 * keys (one bug, one entry), per-kernel verdicts, the exit status, the
 * store's atomic replace.  The night itself runs in tests/vm/check-nightly.sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/check.h"
#include "harness/campaign/nightly_int.h"
#include "harness/store/finding.h"

static struct diffrun_result r;
static struct program p;

/* A two-kernel result: baseline clean, candidate as the test sets it. */
static void reset(enum diff_class cls)
{
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.n = 2;
	r.diff.cls = cls;
	r.diff.op = -1;
	p.n_ops = 3;
	p.ops[0].kind = OP_CR3;
	p.ops[1].kind = OP_READ;
	p.ops[2].kind = OP_WRITE;
}

static void violation(struct diffrun_kernel *k, int op, enum op_status st, uint8_t vector,
		      enum outcome_kind allowed)
{
	struct violation *v = &k->verdict.v[k->verdict.n++];

	k->outcome.violations++;
	v->op = op;
	v->observed.status = st;
	v->observed.vector = vector;
	v->expect.mode = PGM_PAE;
	v->expect.n_out = 1;
	v->expect.out[0].kind = allowed;
	v->expect.out[0].vector = 14;
}

/* A root finding: the table the entry shows came from CR3 built (0: no
 * earlier PDPT named it), seen at CR3 now. */
static void root_finding(struct diffrun_kernel *k, enum roots_rule rule, uint64_t built,
			 uint64_t now)
{
	struct roots_finding *f = &k->roots.f[k->roots.n_findings++];

	k->outcome.aliasing++;
	f->rule = rule;
	f->cr3_built = built;
	f->cr3_now = now;
}

static void test_keys(void)
{
	struct night_key a, b, c;

	/* A visible regression and latent aliasing of one reused root: one key. */
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 1, OPS_DONE, 0, OUT_DONE);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x200000, 0x200020);
	night_group_key("pae-root-rfc", &p, &r, &a);
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x200000, 0x200020);
	night_group_key("pae-root-rfc", &p, &r, &b);
	CHECK(!strcmp(a.key, b.key), "regression+alias '%s' vs latent alias '%s'", a.key, b.key);
	CHECK(!strcmp(a.key, "pae-root-rfc--patch-root-reuse-pdpt-page-pae"), "key %s", a.key);
	CHECK(!a.op[0], "a root rule is not tied to the op that shows it: '%s'", a.op);

	/* The RFC's two minimized shapes, one flaw: another PDPT of the page
	 * (CR3 A, CR3 A+0xf80) and the same PDPT before a rewrite (CR3 A, a
	 * PDPTE store, CR3 A). */
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 5, OPS_DONE, 0, OUT_DONE);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x200000, 0x200f80);
	night_group_key("pae-root-rfc", &p, &r, &b);
	CHECK(!strcmp(a.key, b.key), "alias from another slot: %s, not %s", b.key, a.key);
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_STALE, 0x200000, 0x200000);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(!strcmp(a.key, c.key), "STALE on the same page: %s, not ALIAS's %s", c.key, a.key);
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 6, OPS_DONE, 0, OUT_DONE);
	root_finding(&r.k[1], ROOTS_STALE, 0x200000, 0x200000);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x200000, 0x200020);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(!strcmp(a.key, c.key), "visible stale + alias: %s", c.key);

	/* Other flaws stay apart, on the same candidate: a table from
	 * another page's PDPT (GFN; as an ALIAS-ruled finding too: the shape
	 * decides), a wrong role, and PDPTEs the guest never loaded: the
	 * planted pdpte-ad-not-rsvd (a PDPT whose entries have A set loads
	 * where CR0.PG must #GP) shows a PDPTE finding and a missing #GP
	 * (corpus/planted/planted-pdpte-ad-not-rsvd.mmu on its variant,
	 * 2026-12-03: 3 violations, "pdpte ... load 4 at CR3 0x200000"). */
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_GFN, 0x201000, 0x200000);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(strcmp(a.key, c.key) && !strcmp(c.rule, "root-gfn"), "GFN: %s", c.key);
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x201000, 0x200020);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(strcmp(a.key, c.key), "a table from another page folded in: %s", c.key);
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_STALE, 0, 0x200000);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(strcmp(a.key, c.key), "a finding without its origin folded in: %s", c.key);
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_ROLE, 0, 0x200000);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(strcmp(a.key, c.key) && !strcmp(c.rule, "root-role"), "ROLE: %s", c.key);
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 1, OPS_DONE, 0, OUT_EXCEPTION);
	root_finding(&r.k[1], ROOTS_PDPTE, 0, 0x200000);
	night_group_key("pae-root-rfc", &p, &r, &c);
	CHECK(strcmp(a.key, c.key) && !strcmp(c.rule, "root-pdpte"), "planted PDPTE A/D: %s",
	      c.key);

	/* The same flaw on another candidate: another entry. */
	reset(DIFF_ALIASING);
	root_finding(&r.k[1], ROOTS_ALIAS, 0x200000, 0x200020);
	night_group_key("pae-root-slot", &p, &r, &c);
	CHECK(strcmp(a.key, c.key), "two candidates share a key: %s", c.key);

	/* No root finding: violation kind, op and mode. */
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 1, OPS_DONE, 0, OUT_DONE);
	night_group_key("x", &p, &r, &a);
	CHECK(!strcmp(a.rule, "wrong-value") && !strcmp(a.op, "read") && !strcmp(a.mode, "pae"),
	      "rule %s op %s mode %s", a.rule, a.op, a.mode);
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 2, OPS_DONE, 0, OUT_DONE);
	night_group_key("x", &p, &r, &b);
	CHECK(strcmp(a.key, b.key), "read and write violations share a key: %s", b.key);
	reset(DIFF_REGRESSION);
	violation(&r.k[1], 1, OPS_DONE, 0, OUT_DONE);
	violation(&r.k[1], 2, OPS_EXCEPTION, 14, OUT_DONE);
	night_group_key("x", &p, &r, &b);
	CHECK(!strcmp(a.key, b.key), "later violations changed the key: %s", b.key);

	/* Fixed by the patch: the baseline's violation names it. */
	reset(DIFF_FIXED);
	violation(&r.k[0], 1, OPS_EXCEPTION, 13, OUT_DONE);
	night_group_key("x", &p, &r, &a);
	CHECK(!strcmp(a.what, "fixed") && !strcmp(a.rule, "unexpected-gp"), "%s %s", a.what,
	      a.rule);

	/* A WARN: by its site; the death record and the verdict folder agree. */
	reset(DIFF_HOST_FAULT);
	r.k[1].died = 1;
	snprintf(r.k[1].vm_finding, sizeof(r.k[1].vm_finding),
		 "findings/vm-warn-pae-root-rfc-run-1a2b3c4d");
	night_group_key("pae-root-rfc", &p, &r, &a);
	night_vm_key("pae-root-rfc", "vm-warn-pae-root-rfc-run-1a2b3c4d", &b);
	CHECK(!strcmp(a.key, b.key), "verdict folder %s vs vm record %s", a.key, b.key);
	night_vm_key("pae-root-rfc", "vm-warn-pae-root-rfc-exec-1a2b3c4d", &c);
	CHECK(!strcmp(b.key, c.key), "the request type split a WARN site: %s", c.key);
	night_vm_key("pae-root-rfc", "vm-warn-pae-root-rfc-run-99999999", &c);
	CHECK(strcmp(b.key, c.key), "two WARN sites share a key: %s", c.key);
	CHECK(strstr(b.rule, "warn-pae-root-rfc-1a2b3c4d") != NULL, "WARN rule %s", b.rule);
}

static void test_violation_kinds(void)
{
	struct violation v;

	memset(&v, 0, sizeof(v));
	v.op = -1;
	CHECK(!strcmp(night_violation_kind(&v), "run-end"), "op -1");
	v.op = 0;
	v.expect.n_out = 1;
	v.expect.out[0].kind = OUT_EXCEPTION;
	v.expect.out[0].vector = 14;
	v.observed.status = OPS_DONE;
	CHECK(!strcmp(night_violation_kind(&v), "missing-fault"), "%s", night_violation_kind(&v));
	v.observed.status = OPS_EXCEPTION;
	v.observed.vector = 14;
	CHECK(!strcmp(night_violation_kind(&v), "wrong-error-code"), "%s",
	      night_violation_kind(&v));
	v.expect.out[0].kind = OUT_DONE;
	CHECK(!strcmp(night_violation_kind(&v), "unexpected-pf"), "%s", night_violation_kind(&v));
}

/* Parse a string literal as a file's bytes: no NUL after them. */
static int parse(const char *lit, struct night_expect *e, char *err, size_t errlen)
{
	size_t len = strlen(lit);
	char *copy = malloc(len ? len : 1);
	int n;

	memcpy(copy, lit, len);
	n = night_expect_parse("t.txt", copy, len, e, err, errlen);
	free(copy);
	return n;
}

static void test_expect(void)
{
	static struct night_expect e;
	char err[256];
	int n;

	n = parse("# c\n\ncr0-wp clean\npae-x.y_z+1 violation # why\n"
				"a host-fault\n", &e, err, sizeof(err));
	CHECK(n == 3, "parsed %d: %s", n, n < 0 ? err : "");
	CHECK(n == 3 && !strcmp(e.name[1], "pae-x.y_z+1") && !strcmp(e.verdict[1], "violation"),
	      "entry 1: %s %s", e.name[1], e.verdict[1]);
	n = parse("cr0-wp clean\ncr0-wp maybe\n", &e, err, sizeof(err));
	CHECK(n == -EINVAL && strstr(err, "t.txt:2:8: unknown verdict 'maybe'"), "%d %s", n, err);
	n = parse("a/b clean\n", &e, err, sizeof(err));
	CHECK(n == -EINVAL && strstr(err, "t.txt:1:1:"), "%d %s", n, err);
	n = parse("lonely\n", &e, err, sizeof(err));
	CHECK(n == -EINVAL && strstr(err, "t.txt:1:"), "%d %s", n, err);
	n = parse("a clean\nb aliasing", &e, err, sizeof(err));
	CHECK(n == 2 && !strcmp(e.verdict[1], "aliasing"), "no newline at the end: %d", n);
	n = parse("a cleanish\n", &e, err, sizeof(err));
	CHECK(n == -EINVAL, "'cleanish' taken as a verdict (%d)", n);
}

/* Each base its own expected verdicts; a name without a base is 6.1's. */
static void test_expect_path(void)
{
	static const char *const want[][2] = {
		{ "baseline", "c/expected/6.1-baseline.txt" },
		{ "6.1:baseline", "c/expected/6.1-baseline.txt" },
		{ "pae-root-rfc", "c/expected/6.1-pae-root-rfc.txt" },
		{ "6.12:baseline", "c/expected/6.12-baseline.txt" },
		{ "6.12:pae-root-rfc", "c/expected/6.12-pae-root-rfc.txt" },
	};
	char out[256], err[256];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int ret = night_expect_path("c", want[i][0], out, sizeof(out), err, sizeof(err));

		CHECK(!ret && !strcmp(out, want[i][1]), "%s: %d %s (%s)", want[i][0], ret,
		      ret ? err : out, want[i][1]);
	}
	CHECK(night_expect_path("c", "6.12:bad name", out, sizeof(out), err, sizeof(err)) < 0,
	      "a kernel name that cannot be a file name: %s", out);
}

static void test_kernel_verdict(void)
{
	struct diffrun_kernel k;

	memset(&k, 0, sizeof(k));
	CHECK(!strcmp(night_kernel_verdict(&k), "clean"), "clean");
	k.outcome.aliasing = 1;
	CHECK(!strcmp(night_kernel_verdict(&k), "aliasing"), "aliasing");
	k.outcome.violations = 1;
	CHECK(!strcmp(night_kernel_verdict(&k), "violation"), "violation first");
	k.died = 1;
	CHECK(!strcmp(night_kernel_verdict(&k), "host-fault"), "host-fault first");
}

static void test_exit_status(void)
{
	struct nightly_stats st;

	memset(&st, 0, sizeof(st));
	CHECK(nightly_exit_status(&st) == 0, "clean");
	st.new_groups = 1;
	CHECK(nightly_exit_status(&st) == 1, "new");
	st.step_failures = 1;
	CHECK(nightly_exit_status(&st) == 1, "a step failure does not hide a finding");
	st.new_groups = 0;
	CHECK(nightly_exit_status(&st) == 2, "a step failure never looks clean");
	st.step_failures = 0;
	st.known_groups = 3;
	CHECK(nightly_exit_status(&st) == 0, "known groups only");
	st.errors = 1;
	st.new_groups = 1;
	CHECK(nightly_exit_status(&st) == 2, "harness failure wins");
	st.errors = 0;
	st.disk_full = 1;
	CHECK(nightly_exit_status(&st) == 2, "disk full");
	st.signo = 15;
	CHECK(nightly_exit_status(&st) == 143, "signal");
}

static void test_replace_file(void)
{
	char dir[] = "/tmp/mmufuzz-nightly-XXXXXX", path[64];

	if (!mkdtemp(dir)) {
		SKIP("mkdtemp: no /tmp");
		return;
	}
	snprintf(path, sizeof(path), "%s/state.txt", dir);
	CHECK(!finding_replace_file(path, "one\n", 4), "first write");
	CHECK(!finding_replace_file(path, "two\n", 4), "replace");
	CHECK(check_file_has(dir, "state.txt", "two") && !check_file_has(dir, "state.txt", "one"),
	      "replaced content");
	snprintf(path, sizeof(path), "%s/no/such/dir/x", dir);
	CHECK(finding_replace_file(path, "x", 1) == -ENOENT, "missing folder is an error");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0, "cleanup");
}

/* The HTML page: Markdown subset, escaping, plots (when gnuplot is here). */
static void test_html(void)
{
	static const char md[] = "# mmufuzz nightly 2026-12-03\n\n## New findings\n\n"
				 "### 1. x--patch-root-alias-pae\n\n- rule `root-alias` <b>\n"
				 "- **Stopped** a & b\ntext\n";
	char dir[] = "/tmp/mmufuzz-html-XXXXXX", path[128], out[256];
	FILE *f;

	if (!mkdtemp(dir)) {
		SKIP("mkdtemp: no /tmp");
		return;
	}
	snprintf(path, sizeof(path), "%s/nightly", dir);
	CHECK(!finding_mkdir_parents(path), "state folder");
	snprintf(path, sizeof(path), "%s/nightly/tonight.dat", dir);
	f = fopen(path, "w");
	if (f) {
		fputs("# t cand rate corpus\n5 0 10.5 40\n10 0 12.0 55\n15 0 13.1 61\n", f);
		fclose(f);
	}
	CHECK(!nightly_write_html(dir, md, sizeof(md) - 1, "r.html", out, sizeof(out)), "written");
	CHECK(check_file_has(dir, "r.html", "<h1>mmufuzz nightly 2026-12-03</h1>"), "h1");
	CHECK(check_file_has(dir, "r.html", "<h3>1. x--patch-root-alias-pae</h3>"), "h3");
	CHECK(check_file_has(dir, "r.html", "<ul>\n<li>rule <code>root-alias</code> &lt;b&gt;</li>"),
	      "list, code, escaping");
	CHECK(check_file_has(dir, "r.html", "<li><strong>Stopped</strong> a &amp; b</li>\n</ul>"),
	      "bold, &, list closed");
	CHECK(check_file_has(dir, "r.html", "<p>text</p>"), "paragraph");
	CHECK(check_file_has(dir, "r.html", "no samples in"), "no history: said so");
	if (system("command -v gnuplot >/dev/null 2>&1"))
		SKIP("gnuplot is not installed: no SVG to check (apt-get install gnuplot-nox)");
	else
		CHECK(check_file_has(dir, "r.html", "<svg"), "tonight's plot inlined");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0, "cleanup");
}

int main(void)
{
	test_keys();
	test_violation_kinds();
	test_expect();
	test_expect_path();
	test_kernel_verdict();
	test_exit_status();
	test_replace_file();
	test_html();
	return check_summary("test_nightly");
}
