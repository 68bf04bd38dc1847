// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's own coverage per RUN, on a "+cov" variant (kernels/cov/README):
 * mmucov.ko records the PCs the agent's thread hits inside the
 * instrumented KVM modules; this file turns one run's PCs into the edge
 * list of VMP_SEC_KCOV (harness/vm/vmclient_proto.h), with the edge
 * definition every reader shares (kernels/cov/mmucov_edges.h).
 *
 * The agent is one thread, and it is the thread that calls KVM_RUN, so
 * it is the task registered with MMUCOV_ENABLE.  Recording starts in the
 * executor's before_guest hook (after the reset: the memslot re-add
 * does the same work for every program, and its zap depends on the
 * previous program, not on this one) and ends when executor_run returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include "agent.h"
#include "kernels/cov/mmucov.h"
#include "kernels/cov/mmucov_edges.h"

/* 8 MiB: a program of the largest size hits some tens of thousands of
 * PCs (cov_cr3's one MOV CR3 hits about 3,000). */
#define COV_WORDS	(1UL << 20)

static int cov_fd = -1;
static unsigned long *cov_area;
static int cov_armed;			/* begin ran for the current run */
static struct rusage cov_ru0;
static uint8_t cov_map[MMUCOV_EDGE_MAP];
static uint16_t cov_touched[MMUCOV_EDGE_MAP];
/* VMP_SEC_KCOV's payload: struct vmp_kcov, then the entries. */
static uint8_t cov_sec[sizeof(struct vmp_kcov) + MMUCOV_EDGE_MAP * sizeof(uint32_t)]
	__attribute__((aligned(8)));
static uint64_t cov_pcs[COV_WORDS];

int agent_cov_present(void)
{
	return access(MMUCOV_DEV, F_OK) == 0;
}

int agent_cov_open(char *err, size_t len)
{
	int fd;

	if (cov_area)
		return 0;
	fd = open(MMUCOV_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "open %s: %s", MMUCOV_DEV, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, MMUCOV_INIT_TRACE, COV_WORDS) < 0) {
		snprintf(err, len, "MMUCOV_INIT_TRACE: %s", strerror(errno));
		goto fail;
	}
	cov_area = mmap(NULL, COV_WORDS * sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cov_area == MAP_FAILED) {
		cov_area = NULL;
		snprintf(err, len, "mmap %s: %s", MMUCOV_DEV, strerror(errno));
		goto fail;
	}
	if (ioctl(fd, MMUCOV_ENABLE, 0) < 0) {
		snprintf(err, len, "MMUCOV_ENABLE: %s", strerror(errno));
		munmap(cov_area, COV_WORDS * sizeof(long));
		cov_area = NULL;
		goto fail;
	}
	cov_fd = fd;
	return 0;
fail:
	{
		int e = errno;

		close(fd);
		return -e;
	}
}

void agent_cov_begin(void *unused)
{
	(void)unused;
	if (!cov_area)
		return;
	getrusage(RUSAGE_THREAD, &cov_ru0);
	/* The module reads area[0] as its index: a plain store, as kcov. */
	__atomic_store_n(&cov_area[0], 0, __ATOMIC_RELAXED);
	cov_armed = 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* kvm, kvm_amd, kvm_intel, mmucov as record text: the same for the
 * whole boot, so built on the first request and kept. */
static const char *modules_text(size_t *len)
{
	static const char *const mods[] = { "kvm", "kvm_amd", "kvm_intel", "mmucov" };
	static char *text;
	static size_t text_len;
	FILE *f;

	if (!text) {
		f = open_memstream(&text, &text_len);
		if (!f)
			return NULL;
		for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
			mmucov_print_module(f, mods[i]);	/* not loaded: no lines */
		fclose(f);
	}
	*len = text_len;
	return text;
}

int agent_cov_end(int want_pcs, struct agent_cov_run *o)
{
	struct vmp_kcov *k = (struct vmp_kcov *)cov_sec;
	uint32_t *entries = (uint32_t *)(cov_sec + sizeof(*k));
	unsigned long n, stored;
	size_t n_touched = 0, n_pcs = 0;
	struct rusage ru1;

	memset(o, 0, sizeof(*o));
	if (!cov_area)
		return 0;
	memset(k, 0, sizeof(*k));
	/* A refused program never reached the reset: no PCs of its own. */
	if (cov_armed) {
		n = __atomic_load_n(&cov_area[0], __ATOMIC_RELAXED);
		getrusage(RUSAGE_THREAD, &ru1);
		stored = n < COV_WORDS - 1 ? n : COV_WORDS - 1;
		k->hits = n;
		k->overflow = n - stored;
		k->switches = (uint32_t)(ru1.ru_nvcsw + ru1.ru_nivcsw -
					 cov_ru0.ru_nvcsw - cov_ru0.ru_nivcsw);
		mmucov_fold(&cov_area[1], stored, cov_map, cov_touched, &n_touched);
		for (size_t i = 0; i < n_touched; i++) {
			entries[i] = cov_touched[i] | (uint32_t)cov_map[cov_touched[i]] << 16;
			cov_map[cov_touched[i]] = 0;	/* clean for the next run */
		}
		if (want_pcs) {
			memcpy(cov_pcs, &cov_area[1], stored * sizeof(uint64_t));
			qsort(cov_pcs, stored, sizeof(uint64_t), cmp_u64);
			for (size_t i = 0; i < stored; i++)
				if (!n_pcs || cov_pcs[n_pcs - 1] != cov_pcs[i])
					cov_pcs[n_pcs++] = cov_pcs[i];
		}
		cov_armed = 0;
	}
	k->n_edges = (uint32_t)n_touched;
	o->kcov = cov_sec;
	o->kcov_len = sizeof(*k) + n_touched * sizeof(uint32_t);
	if (want_pcs) {
		o->pcs = cov_pcs;
		o->pcs_len = n_pcs * sizeof(uint64_t);
		o->modules = modules_text(&o->modules_len);
	}
	return 1;
}
