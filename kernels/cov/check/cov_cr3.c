// SPDX-License-Identifier: GPL-2.0
/*
 * cov_cr3 - KVM's own coverage of two hand-counted guests, through
 * mmucov.ko (kernels/cov/mmucov.h), inside the test VM.
 *
 *   pae   32-bit PAE paging (set up through KVM_SET_SREGS with CR3 = PDPT
 *         A at 0x20000), then one guest MOV CR3 to PDPT B at 0x20020
 *         (same page), HLT.  KVM must run kvm_set_cr3, load_pdptrs
 *         (a PAE CR3 load reads the four PDPTEs) and kvm_mmu_new_pgd.
 *   long  64-bit long mode (CR3 = PML4 A at 0x2000), one guest MOV CR3
 *         to PML4 B at 0x3000, HLT.  kvm_set_cr3 and kvm_mmu_new_pgd,
 *         but not load_pdptrs (no PDPTEs outside PAE paging).
 *
 *   cov_cr3 [RUNS]     each guest RUNS times (default 2), a fresh KVM VM
 *                      each time, coverage on around KVM_RUN only
 *   cov_cr3 cost [N]   median KVM_RUN time of N PAE runs with coverage
 *                      on and off, and of collecting one run (rough:
 *                      run on an idle host for figures)
 *   cov_cr3 abi        mmucov.h's error paths, overflow of a one-page
 *                      area, unregistering from another thread; prints
 *                      "ok WHAT" / "FAIL WHAT" lines
 *
 * Prints, for kernels/cov/tests/vm-check.sh to resolve and judge:
 *   section MODULE NAME 0xADDR     every section of kvm, kvm_amd, mmucov
 *   buildid MODULE HEX             the loaded module's GNU build ID
 *   run GUEST.N hits=H overflow=O pcs=P edges=E switches=S
 *                                  one line per run; S: times the host
 *                                  switched the thread out in KVM_RUN
 *   pc GUEST.N 0xPC                the run's distinct PCs
 *   same GUEST.R GUEST.N pcs=+A/-B edges=+C/-D
 *                                  run N against the reference run R (the
 *                                  first with S = 0), both with S = 0;
 *                                  "same-switched" when either was
 *                                  switched out (timing-dependent PCs)
 *   diffpc GUEST.N 0xPC            a PC of run N that R does not have
 * An edge is kernels/cov/mmucov_edges.h's (AFL's, in a 64 Ki map), the
 * same the agent hands to the engines.
 *
 * Standalone: the KVM API and mmucov.h only.
 * Exit status: 0 ran (the judging is the script's; abi: all ok),
 * 1 an abi check failed, 2 setup error.
 */
#define _GNU_SOURCE		/* RUSAGE_THREAD */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#define CHECK_NAME "cov_cr3"
#include "../../check/kvm_check.h"
#include "../mmucov.h"
#include "../mmucov_edges.h"

#define MEM_SIZE	0x400000UL
#define CODE_GPA	0x1000
#define AREA_WORDS	(1UL << 20)
#define MAP_SIZE	MMUCOV_EDGE_MAP
#define PDE_RW		(PTE_PRESENT_MASK | PTE_WRITABLE_MASK)

struct run_cov {
	unsigned long hits, overflow;
	long switches;			/* times the thread was switched out in KVM_RUN */
	long vswitches;			/* of which voluntary (it slept) */
	long run_ns, collect_ns;	/* KVM_RUN; turning the area into PCs + map */
	unsigned long *pcs;		/* distinct, sorted */
	size_t npcs;
	uint8_t map[MAP_SIZE];		/* edge hit counts, saturating */
};

static int cov_fd;
static unsigned long *cov_area, cov_words;

/* Open, size, map; returns the area, exits 2 on failure. */
static unsigned long *cov_map(int *fd, unsigned long words)
{
	unsigned long *area;

	*fd = open(MMUCOV_DEV, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		die("open " MMUCOV_DEV " (is this a +cov variant?)");
	if (ioctl(*fd, MMUCOV_INIT_TRACE, words) < 0)
		die("MMUCOV_INIT_TRACE");
	area = mmap(NULL, words * sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (area == MAP_FAILED)
		die("mmap " MMUCOV_DEV);
	return area;
}

static void cov_open(unsigned long words)
{
	cov_words = words;
	cov_area = cov_map(&cov_fd, words);
	if (ioctl(cov_fd, MMUCOV_ENABLE, 0) < 0)
		die("MMUCOV_ENABLE");
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The area's PCs -> distinct sorted PCs and the AFL edge map. */
static void cov_collect(struct run_cov *rc)
{
	unsigned long n = cov_area[0], stored = n < cov_words - 1 ? n : cov_words - 1;
	size_t i, j;

	rc->hits = n;
	rc->overflow = n - stored;
	memset(rc->map, 0, sizeof(rc->map));
	rc->pcs = malloc((stored + 1) * sizeof(long));
	if (!rc->pcs)
		die("malloc");
	memcpy(rc->pcs, &cov_area[1], stored * sizeof(long));
	mmucov_fold(rc->pcs, stored, rc->map, NULL, NULL);
	qsort(rc->pcs, stored, sizeof(long), cmp_ul);
	for (i = j = 0; i < stored; i++)
		if (!j || rc->pcs[j - 1] != rc->pcs[i])
			rc->pcs[j++] = rc->pcs[i];
	rc->npcs = j;
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* One guest in a fresh VM; coverage of its KVM_RUNs into rc. */
static void run_guest(int kvm, int pae, struct run_cov *rc)
{
	/* Paging on from the host: PAE with CR3 = PDPT A, or long mode with PML4 A. */
	const struct check_start start = {
		.cr0 = X86_CR0_PG | CHECK_CR0_PM, .cr4 = X86_CR4_PAE,
		.cr3 = pae ? 0x20000 : 0x2000, .efer = pae ? 0 : EFER_LME | EFER_LMA,
		.rip = CODE_GPA, .rsp = 0x1f000, .code64 = !pae,
	};
	struct rusage ru0, ru1;
	struct check_code code;
	struct check_vm vm;
	long t0, t1;

	check_vm_create(&vm, kvm, MEM_SIZE);
	code = (struct check_code){ vm.mem + CODE_GPA, 0 };
	if (pae) {
		uint64_t *pdpt = (uint64_t *)(vm.mem + 0x20000), *pd = (uint64_t *)(vm.mem + 0x21000);

		pdpt[0] = 0x21000 | PTE_PRESENT_MASK;		/* PDPT A */
		pdpt[4] = 0x21000 | PTE_PRESENT_MASK;		/* PDPT B at +0x20 */
		pd[0] = 0 | PDE_RW | PTE_LARGE_MASK;		/* 2 MiB 1:1 */
		check_emit_mov_cr3(&code, 0x20020);		/* PDPT B */
	} else {
		uint64_t *pml4_a = (uint64_t *)(vm.mem + 0x2000), *pml4_b = (uint64_t *)(vm.mem + 0x3000);
		uint64_t *pdpt = (uint64_t *)(vm.mem + 0x4000), *pd = (uint64_t *)(vm.mem + 0x6000);

		pml4_a[0] = pml4_b[0] = 0x4000 | PDE_RW;
		pdpt[0] = 0x6000 | PDE_RW;
		pd[0] = 0 | PDE_RW | PTE_LARGE_MASK;
		check_emit_mov_cr3(&code, 0x3000);		/* PML4 B (mov cr3, rax) */
	}
	check_emit_hlt(&code);
	check_vcpu_start(vm.vcpu, &start);

	/*
	 * Only the guest's own work counts: reset right before KVM_RUN.
	 * When the host switches the thread out inside KVM_RUN, KVM runs
	 * its preempt notifiers and resched branches: PCs that depend on
	 * the host's timing, not on the program.  Count the switches, so
	 * that such a run can be told apart.
	 */
	getrusage(RUSAGE_THREAD, &ru0);
	if (cov_area)
		__atomic_store_n(&cov_area[0], 0, __ATOMIC_RELAXED);
	t0 = now_ns();
	check_vcpu_run(vm.vcpu, vm.run);
	t1 = now_ns();
	getrusage(RUSAGE_THREAD, &ru1);
	if (cov_area)
		cov_collect(rc);
	else
		memset(rc, 0, sizeof(*rc));
	rc->run_ns = t1 - t0;
	rc->collect_ns = now_ns() - t1;
	rc->switches = ru1.ru_nvcsw + ru1.ru_nivcsw - ru0.ru_nvcsw - ru0.ru_nivcsw;
	rc->vswitches = ru1.ru_nvcsw - ru0.ru_nvcsw;
	if (vm.run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, CHECK_NAME ": %s guest: exit %u, want HLT (%u)\n",
			pae ? "pae" : "long", vm.run->exit_reason, KVM_EXIT_HLT);
		exit(2);
	}
	check_vm_destroy(&vm);
}

/* Every section base and the build ID of one module, as loaded. */
static void print_sections(const char *mod)
{
	if (mmucov_print_module(stdout, mod))
		die(mod);
}

/* In a, not in b (both sorted). */
static size_t only_in(const struct run_cov *a, const struct run_cov *b, const char *label)
{
	size_t i = 0, j = 0, n = 0;

	while (i < a->npcs) {
		if (j < b->npcs && b->pcs[j] < a->pcs[i]) {
			j++;
		} else if (j < b->npcs && b->pcs[j] == a->pcs[i]) {
			i++, j++;
		} else {
			if (label)
				printf("diffpc %s 0x%lx\n", label, a->pcs[i]);
			i++, n++;
		}
	}
	return n;
}

static int abi_fails;

static void expect(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	abi_fails += !cond;
}

/* ioctl failed with exactly this errno */
static int fails_with(int ret, int err)
{
	return ret == -1 && errno == err;
}

static int disable_ret, disable_errno;
static void *disable_other(void *arg)
{
	disable_ret = ioctl(*(int *)arg, MMUCOV_DISABLE, 0);
	disable_errno = errno;
	return NULL;
}

static int holder_fd;
static unsigned long *holder_area;
static pthread_mutex_t holder_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t holder_cond = PTHREAD_COND_INITIALIZER;
static int holder_state;	/* 1 enabled, 2 may exit */

static void *holder(void *arg)
{
	int ret;

	holder_area = cov_map(&holder_fd, 512);
	ret = ioctl(holder_fd, MMUCOV_ENABLE, 0);
	pthread_mutex_lock(&holder_lock);
	holder_state = ret ? -1 : 1;
	pthread_cond_broadcast(&holder_cond);
	while (holder_state != 2)
		pthread_cond_wait(&holder_cond, &holder_lock);
	pthread_mutex_unlock(&holder_lock);
	return NULL;
}

static int abi_checks(int kvm)
{
	unsigned long *other;
	struct run_cov rc;
	pthread_t t;
	int fd, fd2, i, nonzero;
	void *p;

	fd = open(MMUCOV_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open " MMUCOV_DEV);
	expect(fails_with(ioctl(fd, MMUCOV_ENABLE, 0), ENXIO), "ENABLE before INIT fails with ENXIO");
	expect(fails_with(ioctl(fd, MMUCOV_INIT_TRACE, 1UL), EINVAL), "INIT of 1 word fails with EINVAL");
	expect(fails_with(ioctl(fd, MMUCOV_INIT_TRACE, MMUCOV_MAX_WORDS + 1), EINVAL),
	       "INIT above MMUCOV_MAX_WORDS fails with EINVAL");
	expect(fails_with(ioctl(fd, 0x1234, 0), EINVAL), "an unknown ioctl fails with EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect(p == MAP_FAILED && errno == EINVAL, "mmap before INIT fails with EINVAL");
	expect(ioctl(fd, MMUCOV_INIT_TRACE, 512UL) == 0, "INIT of 512 words (one page)");
	expect(fails_with(ioctl(fd, MMUCOV_INIT_TRACE, 512UL), EBUSY), "a second INIT fails with EBUSY");
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	expect(p == MAP_FAILED && errno == EINVAL, "mmap larger than the area fails with EINVAL");
	cov_area = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cov_area == MAP_FAILED)
		die("mmap");
	cov_fd = fd, cov_words = 512;
	expect(ioctl(fd, MMUCOV_DISABLE, 0) == -1 && errno == EINVAL, "DISABLE before ENABLE fails with EINVAL");
	expect(ioctl(fd, MMUCOV_ENABLE, 0) == 0, "ENABLE");
	other = cov_map(&fd2, 512);
	expect(fails_with(ioctl(fd2, MMUCOV_ENABLE, 0), EBUSY), "ENABLE while another fd is enabled fails with EBUSY");
	pthread_create(&t, NULL, disable_other, &fd);
	pthread_join(t, NULL);
	expect(disable_ret == -1 && disable_errno == EINVAL, "DISABLE from a thread that is not registered fails with EINVAL");

	/* A PAE run hits thousands of PCs: far more than 511. */
	run_guest(kvm, 1, &rc);
	expect(rc.hits > 511 && rc.overflow == rc.hits - 511, "a one-page area overflows, and area[0] counts every PC");
	for (i = 1, nonzero = 0; i < 512; i++)
		nonzero += cov_area[i] != 0;
	expect(nonzero == 511, "every slot of the overflowed area holds a PC");
	for (i = 0, nonzero = 0; i < 512; i++)
		nonzero += other[i] != 0;
	expect(nonzero == 0, "the overflow wrote nothing into another fd's area");
	free(rc.pcs);
	expect(ioctl(fd, MMUCOV_DISABLE, 0) == 0, "DISABLE by the registered thread");
	expect(fails_with(ioctl(fd, MMUCOV_DISABLE, 0), EINVAL), "a second DISABLE fails with EINVAL");
	cov_area[0] = 0;
	run_guest(kvm, 1, &rc);
	expect(rc.hits == 0, "nothing is recorded after DISABLE");
	free(rc.pcs);

	/* Closing another thread's enabled fd unregisters it. */
	pthread_create(&t, NULL, holder, NULL);
	pthread_mutex_lock(&holder_lock);
	while (!holder_state)
		pthread_cond_wait(&holder_cond, &holder_lock);
	pthread_mutex_unlock(&holder_lock);
	expect(holder_state == 1, "a second thread ENABLEs");
	expect(fails_with(ioctl(fd2, MMUCOV_ENABLE, 0), EBUSY), "while it is registered, ENABLE elsewhere fails with EBUSY");
	munmap(holder_area, 4096);
	close(holder_fd);
	expect(ioctl(fd2, MMUCOV_ENABLE, 0) == 0, "after closing that thread's fd, ENABLE works again");
	expect(ioctl(fd2, MMUCOV_DISABLE, 0) == 0, "and DISABLE");
	pthread_mutex_lock(&holder_lock);
	holder_state = 2;
	pthread_cond_broadcast(&holder_cond);
	pthread_mutex_unlock(&holder_lock);
	pthread_join(t, NULL);
	close(fd2);
	close(fd);
	printf("abi: %d failed\n", abi_fails);
	return abi_fails ? 1 : 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Rough cost: median KVM_RUN time of N PAE runs with the area enabled,
 * then N with coverage off (or only those when /dev/mmucov is absent:
 * a plain variant), and the median time to collect one run's PCs.
 */
static int cost(int kvm, int n)
{
	static long on[1000], off[1000], coll[1000];
	struct run_cov rc;
	int have = access(MMUCOV_DEV, F_OK) == 0;

	if (n < 1 || n > 1000)
		n = 200;
	if (have) {
		cov_open(AREA_WORDS);
		for (int i = 0; i < n; i++) {
			run_guest(kvm, 1, &rc);
			on[i] = rc.run_ns, coll[i] = rc.collect_ns;
			free(rc.pcs);
		}
		if (ioctl(cov_fd, MMUCOV_DISABLE, 0) < 0)
			die("MMUCOV_DISABLE");
		munmap(cov_area, AREA_WORDS * sizeof(long));
		cov_area = NULL;
		qsort(on, n, sizeof(long), cmp_long);
		qsort(coll, n, sizeof(long), cmp_long);
	}
	for (int i = 0; i < n; i++) {
		run_guest(kvm, 1, &rc);
		off[i] = rc.run_ns;
	}
	qsort(off, n, sizeof(long), cmp_long);
	printf("cost runs=%d kvm_run_us_off=%.1f", n, off[n / 2] / 1e3);
	if (have)
		printf(" kvm_run_us_on=%.1f collect_us=%.1f", on[n / 2] / 1e3, coll[n / 2] / 1e3);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	static struct run_cov rc[2][16];
	int kvm, runs = argc > 1 ? atoi(argv[1]) : 2;
	const char *name[2] = { "pae", "long" };
	char label[32];

	if (argc > 1 && !strcmp(argv[1], "abi"))
		return abi_checks(kvm_open());
	if (argc > 1 && !strcmp(argv[1], "cost"))
		return cost(kvm_open(), argc > 2 ? atoi(argv[2]) : 200);
	if (runs < 1 || runs > 16) {
		fprintf(stderr, "usage: cov_cr3 [RUNS 1..16 | abi]\n");
		return 2;
	}
	kvm = kvm_open();
	cov_open(AREA_WORDS);
	print_sections("kvm");
	print_sections("kvm_amd");
	print_sections("mmucov");
	for (int r = 0; r < runs; r++)
		for (int g = 0; g < 2; g++)
			run_guest(kvm, g == 0, &rc[g][r]);
	if (ioctl(cov_fd, MMUCOV_DISABLE, 0) < 0)
		die("MMUCOV_DISABLE");

	for (int g = 0; g < 2; g++) {
		int ref = -1;

		/* The reference: the first run the host did not switch out. */
		for (int r = 0; r < runs && ref < 0; r++)
			if (!rc[g][r].switches)
				ref = r;
		for (int r = 0; r < runs; r++) {
			struct run_cov *c = &rc[g][r];
			unsigned int edges = 0;

			for (unsigned int i = 0; i < MAP_SIZE; i++)
				edges += !!c->map[i];
			snprintf(label, sizeof(label), "%s.%d", name[g], r + 1);
			printf("run %s hits=%lu overflow=%lu pcs=%zu edges=%u switches=%ld voluntary=%ld\n",
			       label, c->hits, c->overflow, c->npcs, edges, c->switches, c->vswitches);
			for (size_t i = 0; i < c->npcs; i++)
				printf("pc %s 0x%lx\n", label, c->pcs[i]);
		}
		for (int r = 0; r < runs; r++) {
			struct run_cov *c = &rc[g][r], *b = &rc[g][ref < 0 ? 0 : ref];
			unsigned int more = 0, fewer = 0;
			size_t plus, minus;

			if (r == (ref < 0 ? 0 : ref))
				continue;
			for (unsigned int i = 0; i < MAP_SIZE; i++) {
				more += c->map[i] && !b->map[i];
				fewer += !c->map[i] && b->map[i];
			}
			snprintf(label, sizeof(label), "%s.%d", name[g], r + 1);
			plus = only_in(c, b, label);
			minus = only_in(b, c, NULL);
			printf("%s %s.%d %s pcs=+%zu/-%zu edges=+%u/-%u\n",
			       ref >= 0 && !c->switches ? "same" : "same-switched",
			       name[g], (ref < 0 ? 0 : ref) + 1, label, plus, minus, more, fewer);
		}
	}
	return 0;
}
