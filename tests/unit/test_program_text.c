// SPDX-License-Identifier: GPL-2.0
/*
 * The .mmu text format: every corpus file is canonical and round-trips
 * (text -> program -> text, program -> bytes -> program); 100,000 random
 * programs round-trip; malformed text is refused at the right line:col.
 *   test_program_text [count]   (default 20000 random programs)
 */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"
#include "tests/check.h"
#include "harness/search/generate.h"

static char text[PROG_TEXT_MAX], text2[PROG_TEXT_MAX];
static uint8_t bytes[PROG_BIN_MAX];
static struct program p, q;

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	*len = fread(buf, 1, cap, f);
	fclose(f);
	return 0;
}

/* Each file is canonical, and both codecs are identities on it. */
static void test_corpus(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	unsigned files = 0;
	char path[512], err[256];

	CHECK(d != NULL, "cannot open corpus directory %s", dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), len = 0, len2;
		long blen;

		if (n < 5 || strcmp(de->d_name + n - 4, ".mmu"))
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		CHECK(!read_file(path, text, sizeof(text), &len), "%s: unreadable", path);
		CHECK(!prog_parse(text, len, path, &p, err, sizeof(err)), "%s: %s", path, err);
		len2 = prog_format(&p, text2, sizeof(text2));
		CHECK(len2 == len && !memcmp(text, text2, len),
		      "%s is not canonical (make corpus-fmt rewrites it)", path);
		CHECK(!prog_parse(text2, len2, path, &q, err, sizeof(err)) && prog_same(&p, &q),
		      "%s: text -> program -> text -> program differs", path);
		blen = prog_encode(&p, bytes, sizeof(bytes));
		CHECK(blen > 0, "%s: encode failed (%ld)", path, blen);
		CHECK(blen > 0 && !prog_decode(bytes, blen, &q, err, sizeof(err)) && prog_same(&p, &q),
		      "%s: program -> bytes -> program differs (%s)", path, err);
	}
	closedir(d);
	CHECK(files >= 10, "only %u corpus files in %s", files, dir);
	printf("corpus: %u files\n", files);
}

static void test_random(unsigned count)
{
	uint64_t rng = 0x6d6d7566757a7a00ull;	/* "mmufuzz" */
	unsigned gen_fail = 0, text_fail = 0, canon_fail = 0;
	char err[256];

	printf("random: seed 0x%llx, %u programs\n", (unsigned long long)rng, count);
	for (unsigned i = 0; i < count; i++) {
		size_t n, n2;

		if (prog_random(&rng, &p, NULL)) {
			gen_fail++;
			continue;
		}
		n = prog_format(&p, text, sizeof(text));
		if (n >= sizeof(text) || prog_parse(text, n, "random", &q, err, sizeof(err)) ||
		    !prog_same(&p, &q)) {
			if (!text_fail++)
				fprintf(stderr, "program %u: %s\n%s", i, err, text);
			continue;
		}
		n2 = prog_format(&q, text2, sizeof(text2));
		if (n2 != n || memcmp(text, text2, n))
			canon_fail++;
	}
	CHECK(!gen_fail, "%u of %u generator runs gave no well-formed program", gen_fail, count);
	CHECK(!text_fail, "%u of %u random programs did not survive text -> program", text_fail, count);
	CHECK(!canon_fail, "%u of %u printed texts were not canonical", canon_fail, count);
}

/* A malformed text must be refused with exactly this message. */
static void bad(const char *src, const char *want)
{
	char err[256] = "";
	int ret = prog_parse(src, strlen(src), "t.mmu", &p, err, sizeof(err));

	CHECK(ret < 0 && !strcmp(err, want), "input %s\n  want: %s\n  got:  %s (ret %d)", src, want, err, ret);
}

static void test_malformed(void)
{
	bad("start pm33\n", "t.mmu:1:7: unknown start mode 'pm33' (pm32 or lm64)");
	bad("start pm32\ncr0 0xzz\n", "t.mmu:2:5: '0xzz' is not a number (hex needs 0x)");
	bad("cr0\n", "t.mmu:1:4: missing operand; expected 'cr0 <value>'");
	bad("# c\n\n  read 0x400000 0x8\n", "t.mmu:3:17: unexpected '0x8'; expected 'read <va>'");
	bad("frob 1\n", "t.mmu:1:1: unknown statement 'frob'");
	bad("read 0x400000\ninit u64 0x200000 0x1\n",
	    "t.mmu:2:1: 'init' is a layout line and must come before the op lines");
	bad("init u64 0x200000 0x1\nstart lm64\n",
	    "t.mmu:2:1: 'start' is a header line and must come before the layout lines");
	bad("title \"a\"\ntitle \"b\"\n", "t.mmu:2:1: second title");
	bad("title \"abc\n", "t.mmu:1:7: unterminated quoted text");
	bad("title abc\n", "t.mmu:1:7: the title goes in double quotes");
	bad("init u16 0x200000 0x1\n", "t.mmu:1:6: expected u32 or u64, not 'u16'");
	bad("init u32 0x200000 0x100000000\n", "t.mmu:1:19: value does not fit u32");
	bad("cr3 0x10000000000000000\n", "t.mmu:1:5: '0x10000000000000000' does not fit 64 bits");
	bad("pte u64 0x200008 0x1 vai 0x500000\n",
	    "t.mmu:1:22: expected 'via' or the end of the line; usage 'pte u32|u64 <gpa> <value> [via <va>]'");
	bad("pte u64 0x200008 0x1 via\n",
	    "t.mmu:1:25: missing operand; expected 'pte u32|u64 <gpa> <value> [via <va>]'");
	bad("read 0x400000\x01\n", "t.mmu:1:14: invalid character 0x01");
	/* Parsed, but not well formed: reported at the offending line. */
	bad("start pm32\n\nread 0x1000\n",
	    "t.mmu:3:1: read 0x1000: probe VAs are 8-byte aligned and at or above 0x400000");
	bad("init u64 0x100000 0x1\n",
	    "t.mmu:1:1: init at 0x100000: not a 8-byte aligned entry of the arena or a free entry of a fixed low table");
	bad("prefault 0x10 1\n",
	    "t.mmu:1:1: prefault 0x10+1: must be 1 or more data frames within gfn 0x400..0x1fff");
	bad("pte u32 0x200002 0x1\n",
	    "t.mmu:1:1: pte at 0x200002: not a 4-byte aligned entry of the arena or a free entry of a fixed low table");

	bad("cr0 PG|XX|PE\n", "t.mmu:1:8: unknown bit name 'XX' here");
	bad("cr0 PG|\n", "t.mmu:1:8: expected a number");
	bad("init u32 0x200000 0x1000|NX\n", "t.mmu:1:19: value does not fit u32");
	bad("read P\n", "t.mmu:1:6: 'P' is not a number (hex needs 0x)");

	/* Accepted: bit names in values, any case, mixed with numbers. */
	{
		const char *sym = "init u64 0x101010 0x400000|p|rw|A|D|PS|NX\n"
				  "efer nxe\ncr4 PAE|PSE\ncr3 0x105000|PWT\ncr0 PG|WP|NE|ET|PE\n";
		char err[256] = "";

		CHECK(!prog_parse(sym, strlen(sym), "sym.mmu", &p, err, sizeof(err)), "symbolic input refused: %s", err);
		CHECK(p.n_init == 1 && p.init[0].value == 0x80000000004000e3ull && p.n_ops == 4 &&
		      p.ops[0].value == 0x800 && p.ops[1].value == 0x30 && p.ops[2].value == 0x105008 &&
		      p.ops[3].value == 0x80010031, "symbolic input parsed wrongly");
	}

	/* Accepted: CRLF, tabs, comments, decimal numbers, trailing comment after a title. */
	{
		const char *ok = "title \"x # y\"  # note\r\nstart\tlm64\r\n\r\nread 4194304 # 0x400000\n";
		char err[256] = "";

		CHECK(!prog_parse(ok, strlen(ok), "ok.mmu", &p, err, sizeof(err)), "ok input refused: %s", err);
		CHECK(!strcmp(p.title, "x # y") && p.start == START_LM64 && p.n_ops == 1 &&
		      p.ops[0].kind == OP_READ && p.ops[0].addr == 0x400000, "ok input parsed wrongly");
	}
}

/* prog_save / prog_load: both representations, atomic, errors named. */
static void test_files(void)
{
	char dir[] = "/tmp/mmufuzz-test-XXXXXX", path[128], err[256];
	uint64_t rng = 99;
	int ret;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp failed");
		return;
	}
	CHECK(!prog_random(&rng, &p, NULL), "generator failed");
	snprintf(p.title, sizeof(p.title), "saved and loaded");
	for (int bin = 0; bin < 2; bin++) {
		snprintf(path, sizeof(path), "%s/p.%s", dir, bin ? "bin" : "mmu");
		CHECK(prog_path_is_bin(path) == bin, "%s: wrong representation", path);
		ret = prog_save(path, &p, err, sizeof(err));
		CHECK(!ret, "save %s: %s", path, err);
		ret = prog_load(path, &q, err, sizeof(err));
		CHECK(!ret && prog_same(&p, &q), "load %s: %s", path, ret ? err : "differs");
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/missing.mmu", dir);
	ret = prog_load(path, &q, err, sizeof(err));
	CHECK(ret == -ENOENT && strstr(err, "missing.mmu: No such file"), "missing file: %d %s", ret, err);
	snprintf(path, sizeof(path), "%s/nodir/p.mmu", dir);
	ret = prog_save(path, &p, err, sizeof(err));
	CHECK(ret == -ENOENT && strstr(err, "nodir"), "save into a missing directory: %d %s", ret, err);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	const char *dir = getenv("MMUFUZZ_CORPUS");

	test_malformed();
	test_files();
	test_corpus(dir ? dir : "corpus");
	test_random(count);
	return check_summary("test_program_text");
}
