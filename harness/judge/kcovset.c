// SPDX-License-Identifier: GPL-2.0
/* The PC set of many runs, and its coverage record (see kcovset.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/judge/kcovset.h"

/*
 * 256 Ki slots (2 MiB): kvm.ko + kvm-amd.ko have about 22,000 call
 * sites, so a set that fills three quarters of this is not a PC set.
 */
#define KCOV_SET_SLOTS (1U << 18)

void kcov_set_init(struct kcov_set *s)
{
	memset(s, 0, sizeof(*s));
}

void kcov_set_free(struct kcov_set *s)
{
	free(s->slot);
	free(s->modules);
	kcov_set_init(s);
}

static void set_put(struct kcov_set *s, uint64_t pc)
{
	size_t h = (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 46) & (KCOV_SET_SLOTS - 1);

	/* Three quarters full: stop adding rather than probe forever. */
	if (s->n >= KCOV_SET_SLOTS / 4 * 3) {
		s->full = 1;
		return;
	}
	while (s->slot[h] && s->slot[h] != pc)
		h = (h + 1) & (KCOV_SET_SLOTS - 1);
	if (!s->slot[h])
		s->slot[h] = pc, s->n++;
}

int kcov_set_add(struct kcov_set *s, const struct diffrun_kcov *c)
{
	if (!c->on || !c->modules || !c->modules_len)
		return 0;
	if (!s->modules) {
		s->modules = malloc(c->modules_len);
		if (!s->modules)
			return -ENOMEM;
		memcpy(s->modules, c->modules, c->modules_len);
		s->modules_len = c->modules_len;
	} else if (s->modules_len != c->modules_len ||
		   memcmp(s->modules, c->modules, c->modules_len)) {
		s->foreign++;
		return 0;
	}
	if (!s->slot && !(s->slot = calloc(KCOV_SET_SLOTS, sizeof(uint64_t))))
		return -ENOMEM;
	for (size_t j = 0; j < c->n_pcs; j++)
		if (c->pcs[j])
			set_put(s, c->pcs[j]);
	s->runs++;
	return 0;
}

int kcov_set_write(const struct kcov_set *s, const char *path, const char *label)
{
	char tmp[4200];
	FILE *f;
	int ret = 0;

	if (!s->modules)
		return -ENODATA;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fwrite(s->modules, 1, s->modules_len, f);
	if (s->modules_len && s->modules[s->modules_len - 1] != '\n')
		fputc('\n', f);
	for (size_t h = 0; s->slot && h < KCOV_SET_SLOTS; h++)
		if (s->slot[h])
			fprintf(f, "pc %s 0x%llx\n", label, (unsigned long long)s->slot[h]);
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		remove(tmp);
	return ret;
}
