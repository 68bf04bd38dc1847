// SPDX-License-Identifier: GPL-2.0
/* Patch-directed scheduling (see directed.h).  libc only: the AFL++
 * mutator library links it too. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz/directed.h"
#include "harness/program/prog.h"

int directed_open(struct directed *d, const char *sites, const char *pool,
		  char *err, size_t errlen)
{
	char line[512];
	unsigned lineno = 0;
	FILE *f;

	memset(d, 0, sizeof(*d));
	f = fopen(sites, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", sites, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct directed_site *s = &d->site[d->n];
		char tier[8], file[256] = "", fn[128] = "";
		unsigned long long off;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%7s %31s %31s 0x%llx %255s %127s", tier, s->module, s->section,
			   &off, file, fn) < 5 || (strcmp(tier, "line") && strcmp(tier, "func"))) {
			snprintf(err, errlen, "%s:%u: not \"line|func MODULE SECTION 0xOFF FILE:LINE "
				 "FUNCTION\"", sites, lineno);
			fclose(f);
			return -EINVAL;
		}
		if (d->n == DIRECTED_MAX_SITES) {
			snprintf(err, errlen, "%s:%u: more than %d sites", sites, lineno,
				 DIRECTED_MAX_SITES);
			fclose(f);
			return -E2BIG;
		}
		s->off = off;
		s->tier = tier[0] == 'l' ? DIRECTED_LINE : DIRECTED_FUNC;
		snprintf(s->where, sizeof(s->where), "%s %s", file, fn);
		d->n_line += s->tier == DIRECTED_LINE;
		d->n++;
	}
	fclose(f);
	snprintf(d->pool, sizeof(d->pool), "%s", pool);
	if (mkdir(pool, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", pool, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The base of MODULE's SECTION in a boot's module lines; 0 if absent. */
static uint64_t section_base(const char *modules, size_t len, const char *mod, const char *sec)
{
	const char *p = modules, *end = modules + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char m[64], s[64], line[256];
		unsigned long long base;
		size_t l = (size_t)((nl ? nl : end) - p);

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = 0;
			if (sscanf(line, "section %63s %63s 0x%llx", m, s, &base) == 3 &&
			    !strcmp(m, mod) && !strcmp(s, sec))
				return base;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int cmp_pc(const void *a, const void *b, void *ctx)
{
	const uint64_t *pc = ctx;
	uint64_t x = pc[*(const unsigned *)a], y = pc[*(const unsigned *)b];

	return x < y ? -1 : x > y;
}

/* The sites' PCs in this boot (the modules move between boots). */
static void resolve(struct directed *d, const char *modules, size_t len)
{
	static uint64_t abs_pc[DIRECTED_MAX_SITES];

	free(d->modules);
	d->modules = malloc(len ? len : 1);
	if (d->modules)
		memcpy(d->modules, modules, len);
	d->modules_len = d->modules ? len : 0;
	d->n_pc = 0;
	for (unsigned i = 0; i < d->n; i++) {
		uint64_t base = section_base(modules, len, d->site[i].module, d->site[i].section);

		if (!base)
			continue;	/* that module is not loaded in this VM */
		abs_pc[i] = base + d->site[i].off;
		d->idx[d->n_pc++] = i;
	}
	qsort_r(d->idx, d->n_pc, sizeof(d->idx[0]), cmp_pc, abs_pc);
	for (unsigned j = 0; j < d->n_pc; j++)
		d->pc[j] = abs_pc[d->idx[j]];
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* Write data into the pool as one whole file (tmp, then rename). */
static int pool_add(struct directed *d, const uint8_t *data, size_t size)
{
	char name[32], path[4200], tmp[4220];
	unsigned slot = d->pool_n < DIRECTED_POOL_MAX ? d->pool_n : d->pool_next;
	int fd;

	snprintf(name, sizeof(name), "%06lu-%016" PRIx64 ".bin", d->admitted, fnv1a(data, size));
	snprintf(path, sizeof(path), "%s/%s", d->pool, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", d->pool, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, size) != (ssize_t)size || fsync(fd)) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(tmp);
		return -e;
	}
	close(fd);
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	if (d->pool_n == DIRECTED_POOL_MAX) {	/* full: the oldest goes */
		char old[4200];

		snprintf(old, sizeof(old), "%s/%s", d->pool, d->pool_names[slot]);
		unlink(old);
		d->pool_next = (d->pool_next + 1) % DIRECTED_POOL_MAX;
	} else {
		d->pool_n++;
	}
	snprintf(d->pool_names[slot], sizeof(d->pool_names[slot]), "%s", name);
	d->admitted++;
	return 0;
}

int directed_take(struct directed *d, const char *modules, size_t modules_len,
		  const uint64_t *pcs, size_t n_pcs, const uint8_t *data, size_t size)
{
	static unsigned hit[DIRECTED_MAX_SITES];
	unsigned n_hit = 0, line = 0, novel = 0;

	if (!modules || !modules_len)
		return 0;
	if (modules_len != d->modules_len || memcmp(modules, d->modules, modules_len))
		resolve(d, modules, modules_len);
	d->runs++;
	/* Both sorted: one merge. */
	for (size_t i = 0, j = 0; i < n_pcs && j < d->n_pc;) {
		if (pcs[i] < d->pc[j]) {
			i++;
		} else if (pcs[i] > d->pc[j]) {
			j++;
		} else {
			hit[n_hit++] = d->idx[j];
			j++;
		}
	}
	for (unsigned k = 0; k < n_hit; k++) {
		unsigned s = hit[k];

		if (!d->hits[s]++) {
			if (d->site[s].tier == DIRECTED_LINE)
				d->reached_line++;
			else
				d->reached_func++;
		}
		line += d->site[s].tier == DIRECTED_LINE;
		novel |= !d->in_pool[s];
	}
	if (!n_hit)
		return 0;
	if (novel || (line && line >= d->best_line && d->pool_n < DIRECTED_POOL_MAX)) {
		int r = pool_add(d, data, size);

		if (r)
			return r;
		for (unsigned k = 0; k < n_hit; k++)
			d->in_pool[hit[k]] = 1;
		if (line > d->best_line)
			d->best_line = line;
	}
	return (int)line;
}

void directed_summary(const struct directed *d, char *out, size_t cap)
{
	int n = snprintf(out, cap, "patch sites reached while fuzzing: line %u/%u, func %u/%u; "
			 "pool %u input(s), %lu admitted in %lu run(s)",
			 d->reached_line, d->n_line, d->reached_func, d->n - d->n_line,
			 d->pool_n, d->admitted, d->runs);

	/* Picks are counted where the mutator runs: here for libFuzzer; in
	 * afl-fuzz's process for AFL++, which this line cannot see. */
	if (directed_picks() && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, "; %lu mutation(s) started from it",
			 directed_picks());
}

/* --- the mutator's side ------------------------------------------------- */

static struct {
	int init;
	const char *dir;
	unsigned percent;
	struct timespec mtime;
	unsigned n;
	size_t len[DIRECTED_POOL_MAX];
	uint8_t *buf[DIRECTED_POOL_MAX];
	unsigned long picks;
} pk;

static void pool_load(void)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;

	if (stat(pk.dir, &st) || (st.st_mtim.tv_sec == pk.mtime.tv_sec &&
				   st.st_mtim.tv_nsec == pk.mtime.tv_nsec))
		return;
	pk.mtime = st.st_mtim;
	dir = opendir(pk.dir);
	if (!dir)
		return;
	for (unsigned i = 0; i < pk.n; i++)
		free(pk.buf[i]);
	pk.n = 0;
	while ((e = readdir(dir)) && pk.n < DIRECTED_POOL_MAX) {
		char path[4400];
		uint8_t *b;
		ssize_t len;
		int fd;

		if (e->d_name[0] == '.')
			continue;	/* ., .., a file being written */
		snprintf(path, sizeof(path), "%s/%s", pk.dir, e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;	/* evicted since the listing */
		b = malloc(PROG_BIN_MAX);
		len = b ? read(fd, b, PROG_BIN_MAX) : -1;
		close(fd);
		if (len <= 0) {
			free(b);
			continue;
		}
		pk.buf[pk.n] = b;
		pk.len[pk.n++] = (size_t)len;
	}
	closedir(dir);
}

size_t directed_pick(uint8_t *data, size_t max, unsigned seed)
{
	unsigned i;

	if (!pk.init) {
		const char *p = getenv("MMUFUZZ_DIRECTED_P");

		pk.init = 1;
		pk.dir = getenv("MMUFUZZ_DIRECTED_POOL");
		if (pk.dir && !*pk.dir)
			pk.dir = NULL;
		pk.percent = p && *p ? (unsigned)atoi(p) : 50;
	}
	if (!pk.dir || (seed >> 8) % 100 >= pk.percent)
		return 0;
	pool_load();
	if (!pk.n)
		return 0;
	i = (seed >> 16) % pk.n;
	if (pk.len[i] > max)
		return 0;
	memcpy(data, pk.buf[i], pk.len[i]);
	pk.picks++;
	return pk.len[i];
}

unsigned long directed_picks(void)
{
	return pk.picks;
}
