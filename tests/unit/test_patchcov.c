// SPDX-License-Identifier: GPL-2.0
/*
 * The host-side logic of a campaign's patch coverage, no VM: which
 * kernels have a patch, their +cov twins, the PC set and its record,
 * engine input files, the step's refusals before any build or boot, the
 * Markdown it gives the nightly report and that report's links in HTML.
 * (The whole step on real kernels: kernels/cov/tests/report-check.sh.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "harness/campaign/nightly.h"
#include "harness/campaign/patchcov.h"
#include "harness/judge/kcovset.h"
#include "harness/program/prog.h"
#include "harness/search/generate.h"
#include "tests/check.h"

static char tmp[] = "/tmp/test-patchcov-XXXXXX";

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	CHECK(f && fwrite(data, 1, n, f) == n && !fclose(f), "cannot write %s", path);
}

static void has_patch(const char *k, int want)
{
	char err[512] = "";
	int got = patchcov_has_patch(k, err, sizeof(err));

	CHECK(got == want, "patchcov_has_patch('%s') = %d (%s), want %d", k, got, err, want);
}

static void twin(const char *k, const char *want)
{
	char out[256];

	patchcov_twin(k, out, sizeof(out));
	CHECK(!strcmp(out, want), "twin of '%s' is '%s', want '%s'", k, out, want);
}

static void test_names(void)
{
	char dir[256], path[300];

	has_patch("baseline", 0);
	has_patch("stock", 0);
	has_patch("baseline+cov", 0);
	has_patch("6.12:baseline", 0);
	has_patch("6.12:stock", 0);
	has_patch("pae-root-rfc", 1);
	has_patch("pae-root-rfc+cov", 1);
	has_patch("6.12:pae-root-rfc", 1);
	has_patch("test-planted-cr0-wp-no-reset", 1);
	has_patch("/some/where/my-fix.patch", 1);
	has_patch("bad name!", -EINVAL);
	/* A module folder: its info says. */
	snprintf(dir, sizeof(dir), "%s/plain", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/info", dir);
	write_file(path, "name=plain\npatch=none\n", 22);
	has_patch(dir, 0);
	snprintf(dir, sizeof(dir), "%s/patched", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/info", dir);
	write_file(path, "name=patched\npatch=/x/y.patch\n", 30);
	has_patch(dir, 1);

	twin("pae-root-rfc", "pae-root-rfc+cov");
	twin("6.12:pae-root-rfc", "6.12:pae-root-rfc+cov");
	twin("pae-root-rfc+cov", "pae-root-rfc+cov");
	twin("/p/my-fix.patch", "/p/my-fix.patch+cov");
	twin("series/", "series+cov");
}

static void test_kcov_set(void)
{
	static uint64_t pcs[] = { 0xffffffffc0001000ull, 0xffffffffc0001004ull, 0,
				  0xffffffffc0001000ull, 0xffffffffc0002000ull };
	const char *mods = "section kvm .text 0xffffffffc0000000\nbuildid kvm 00ff\n";
	struct diffrun_kcov c = { .on = 1, .pcs = pcs, .n_pcs = 5, .modules = mods,
				  .modules_len = strlen(mods) };
	struct kcov_set s;
	char path[300], *text = NULL;
	size_t len = 0;

	kcov_set_init(&s);
	snprintf(path, sizeof(path), "%s/record", tmp);
	CHECK(kcov_set_write(&s, path, "x") == -ENODATA, "an empty set has no record to write");
	c.on = 0;
	CHECK(!kcov_set_add(&s, &c) && s.runs == 0 && s.n == 0, "a run without coverage adds nothing");
	c.on = 1;
	CHECK(!kcov_set_add(&s, &c), "add");
	CHECK(s.n == 3 && s.runs == 1, "3 distinct non-zero PCs, 1 run: got %zu, %lu", s.n, s.runs);
	CHECK(!kcov_set_add(&s, &c) && s.n == 3 && s.runs == 2, "the same run again adds no PC");
	/* Another boot's layout: its PCs would resolve to the wrong lines. */
	c.modules = "section kvm .text 0xffffffffc0100000\n";
	c.modules_len = strlen(c.modules);
	pcs[4] = 0xffffffffc0103000ull;
	CHECK(!kcov_set_add(&s, &c) && s.n == 3 && s.foreign == 1 && s.runs == 2,
	      "a run with other module lines is counted apart, its PCs not taken");
	CHECK(!kcov_set_write(&s, path, "campaign"), "write %s", path);
	CHECK(!prog_read_file(path, 1u << 20, &text, &len, NULL, 0), "read back %s", path);
	if (text) {
		text = realloc(text, len + 1);
		text[len] = 0;
		CHECK(!strncmp(text, mods, strlen(mods)), "the record starts with the module lines");
		CHECK(strstr(text, "pc campaign 0xffffffffc0001000\n") &&
		      strstr(text, "pc campaign 0xffffffffc0001004\n") &&
		      strstr(text, "pc campaign 0xffffffffc0002000\n") &&
		      !strstr(text, "0xffffffffc0103000") && !strstr(text, " 0x0\n"),
		      "the record holds the three PCs and nothing of the foreign run:\n%s", text);
	}
	free(text);
	snprintf(path, sizeof(path), "%s/record.tmp", tmp);
	CHECK(access(path, F_OK), "no temporary left behind");
	snprintf(path, sizeof(path), "%s/no/such/dir/record", tmp);
	CHECK(kcov_set_write(&s, path, "x") == -ENOENT, "an unwritable path is an error");
	kcov_set_free(&s);
}

static void test_inputs(void)
{
	static struct program p, q;
	static uint8_t bytes[PROG_BIN_MAX], buf[PROG_BIN_MAX];
	uint64_t rng = 0x7061746368636f76ull;	/* "patchcov" */
	char path[300], err[512] = "";
	size_t len = 0;
	long n = -1;

	for (int i = 0; i < 20 && n <= 0; i++)
		if (!prog_random(&rng, &p, NULL))
			n = prog_encode(&p, bytes, sizeof(bytes));
	CHECK(n > 0, "a random program to encode");
	if (n <= 0)
		return;
	snprintf(path, sizeof(path), "%s/in", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/in/good", tmp);
	write_file(path, bytes, (size_t)n);
	CHECK(!prog_read_input(path, buf, &len, &q, err, sizeof(err)) && len == (size_t)n &&
	      prog_same(&p, &q), "an engine input reads back as its program (%s)", err);
	CHECK(prog_bytes_hash(buf, len) == prog_bytes_hash(bytes, (size_t)n) &&
	      prog_bytes_hash(buf, len) != prog_bytes_hash(buf, len - 1),
	      "the hash follows the bytes");
	/* The nightly names merged programs by it: the value must not move. */
	CHECK(prog_bytes_hash((const uint8_t *)"", 0) == 1469598103934665603ull &&
	      prog_bytes_hash((const uint8_t *)"a", 1) == (1469598103934665603ull ^ 'a') * 1099511628211ull,
	      "prog_bytes_hash is the function earlier nights named their files with");
	snprintf(path, sizeof(path), "%s/in/bad", tmp);
	write_file(path, "\x00\x70\x00\x00\x00", 5);	/* a read of VA 0: refused */
	CHECK(prog_read_input(path, buf, &len, &q, err, sizeof(err)) == -EINVAL && strstr(err, path),
	      "bytes that do not decode: -EINVAL naming the file (%s)", err);
	snprintf(path, sizeof(path), "%s/in/none", tmp);
	CHECK(prog_read_input(path, buf, &len, &q, err, sizeof(err)) == -ENOENT && strstr(err, path),
	      "a missing file: -ENOENT naming it (%s)", err);
}

/* What patchcov_run refuses before it builds or boots anything. */
static void test_run_refusals(void)
{
	struct patchcov_result r;
	char out[300], none[300], in[300];
	struct patchcov_opts o = { .kernel = "baseline", .out = out };

	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(none, sizeof(none), "%s/empty", tmp);
	mkdir(none, 0755);
	snprintf(in, sizeof(in), "%s/in", tmp);
	o.dirs[0] = none;
	CHECK(!patchcov_run(&o, &r) && r.state == PATCHCOV_NO_PATCH && !strcmp(r.name, "baseline"),
	      "baseline: nothing to measure (state %d, %s)", r.state, r.why);
	o.kernel = "pae-root-rfc";
	CHECK(!patchcov_run(&o, &r) && r.state == PATCHCOV_FAILED && strstr(r.why, "no inputs") &&
	      !strcmp(r.cov, "pae-root-rfc+cov"),
	      "no inputs: not measured, said so (state %d, %s)", r.state, r.why);
	/* in/ holds one good and one bad file: the quote refusal comes first. */
	o.dirs[0] = in;
	snprintf(out, sizeof(out), "%s/it's", tmp);
	CHECK(!patchcov_run(&o, &r) && r.state == PATCHCOV_FAILED && strstr(r.why, "quote"),
	      "a quote in the output path is refused (%s)", r.why);
	o.kernel = "bad name!";
	CHECK(!patchcov_run(&o, &r) && r.state == PATCHCOV_FAILED && strstr(r.why, "bad name!"),
	      "a kernel that cannot be a variant is refused, named (%s)", r.why);
}

static void test_fuzz_dirs(void)
{
	struct fuzz_opts fo = { 0 };
	struct patchcov_opts o = { 0 };
	char bufs[PATCHCOV_MAX_DIRS][PATH_MAX];

	patchcov_fuzz_dirs(&fo, "/w", bufs, &o);
	CHECK(o.dirs[0] && !strcmp(o.dirs[0], "/w/queue") && o.dirs[1] &&
	      !strcmp(o.dirs[1], "/w/seeds") && !o.dirs[2], "libFuzzer: queue and seeds");
	fo.engine_afl = 1;
	patchcov_fuzz_dirs(&fo, "/w", bufs, &o);
	CHECK(o.dirs[0] && !strcmp(o.dirs[0], "/w/afl/default/queue") && !o.dirs[1],
	      "AFL++: its queue (which holds the seeds)");
}

static void test_report(void)
{
	struct patchcov_result r = {
		.state = PATCHCOV_MEASURED, .name = "pae-root-rfc", .cov = "pae-root-rfc+cov",
		.line = "patch lines reached: 37/41; never reached: mmu.c:2459",
		.reached = 37, .lines = 41, .inputs = 40, .replayed = 40, .seconds = 33,
		.html = "/f/nightly/coverage/pae-root-rfc/report/html/index.html",
		.page = "/f/nightly/coverage/pae-root-rfc/report/html/arch/x86/kvm/mmu/mmu.c.gcov.html#684",
	};
	char *md = NULL, html[PATH_MAX], findings[300], *page = NULL;
	size_t len = 0, plen = 0;
	FILE *f = open_memstream(&md, &len);

	patchcov_report_md(f, &r, "/f");
	r.state = PATCHCOV_FAILED;
	snprintf(r.why, sizeof(r.why), "the test VM for pae-root-rfc+cov did not boot");
	patchcov_report_md(f, &r, "/f");
	r.state = PATCHCOV_NO_PATCH;
	patchcov_report_md(f, &r, "/f");
	fputs("- not a link: [a] (b), `[c](d)`\n", f);
	fclose(f);
	CHECK(strstr(md, "- patch coverage of pae-root-rfc: **patch lines reached: 37/41; never "
		     "reached: mmu.c:2459** (40 of 40 kept input(s) replayed on `pae-root-rfc+cov`"),
	      "the line and where it ran:\n%s", md);
	CHECK(strstr(md, "[nightly/coverage/pae-root-rfc/report/html/index.html]"
		     "(nightly/coverage/pae-root-rfc/report/html/index.html)") &&
	      strstr(md, "[mmu.c:684](nightly/coverage/pae-root-rfc/report/html/arch/x86/kvm/mmu/"
		     "mmu.c.gcov.html#684)"),
	      "links relative to the report's folder:\n%s", md);
	CHECK(strstr(md, "- patch coverage of pae-root-rfc: not measured: the test VM for "
		     "pae-root-rfc+cov did not boot\n"), "not measured, and why:\n%s", md);
	{
		unsigned items = 0;

		for (const char *q = md; (q = strstr(q, "- patch coverage of ")); q++)
			items++;
		CHECK(items == 2, "no line for a kernel without a patch (%u items):\n%s", items, md);
	}

	snprintf(findings, sizeof(findings), "%s/findings", tmp);
	mkdir(findings, 0755);
	CHECK(!nightly_write_html(findings, md, len, "r.html", html, sizeof(html)),
	      "nightly_write_html");
	CHECK(!prog_read_file(html, 4u << 20, &page, &plen, NULL, 0), "read %s", html);
	if (page) {
		page = realloc(page, plen + 1);
		page[plen] = 0;
		CHECK(strstr(page, "<a href=\"nightly/coverage/pae-root-rfc/report/html/index.html\">"
			      "nightly/coverage/pae-root-rfc/report/html/index.html</a>") &&
		      strstr(page, "<a href=\"nightly/coverage/pae-root-rfc/report/html/arch/x86/kvm/"
			      "mmu/mmu.c.gcov.html#684\">mmu.c:684</a>"),
		      "the HTML report links the coverage pages");
		CHECK(strstr(page, "[a] (b), <code>[c](d)</code>") && strstr(page, "<strong>patch lines"),
		      "a bracket that is no link, and one in code, stay text");
	}
	free(page);
	free(md);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_names();
	test_kcov_set();
	test_inputs();
	test_run_refusals();
	test_fuzz_dirs();
	test_report();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmp);
	return check_summary("patchcov");
}
