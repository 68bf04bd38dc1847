// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM tests and benchmark of the root tracer (run by check-bpf.sh inside
 * the test VM, as root, with kvm + kvm_amd npt=0 loaded).  Each test runs a
 * tiny guest of its own (rt_guest.c) with the tracer attached, then judges
 * the trace with the root oracle.
 *
 *   rt-vmtest [-v] attach            hand-counted roots (expects stock KVM
 *                                    semantics: one level-2 root per PDPTE)
 *   rt-vmtest [-v] alias none|alias  two PDPTs on one page, visible and
 *                                    latent; expect no finding / an alias
 *   rt-vmtest [-v] random SEED N     N random PDPT-slot programs; expect no
 *                                    finding (--expect-none) or count them
 *   rt-vmtest bench N                per-run cost with and without tracer
 *
 * Output ends with "rootrace-<suite>: N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tests/check.h"
#include "tests/vm/rt_bench.h"
#include "rootrace_api.h"
#include "rt_guest.h"
#include "oracles/roots.h"

#define PDPT_PAGE	0x20000u
#define PD(i)		(0x21000u + (i) * 0x1000u)	/* PD(0..5) */
#define FRAME_A		0x400000u			/* 2 MiB page, tag 0x400 */
#define FRAME_B		0x600000u			/* 2 MiB page, tag 0x600 */
#define PROBE_VA	0x200000u
#define PDE_2M		0x83ull				/* P | RW | PS */
#define CR0_PG_PE	0x80000011u
#define CR4_PAE		0x20u

#define MAX_EV 4096
static struct rootrace_event ev[MAX_EV];
static size_t n_ev;
static struct roots_result res;
static struct rootrace *rt;
static int verbose;
static const char usage[] =
	"rt-vmtest [-v] attach | alias none|alias | random SEED N [expect-none] | bench N";
static char err[256];

/* Every PD maps the low 2 MiB (code, tables) identity and VA 2 MiB to frame. */
static void setup_pd(struct rtg *g, unsigned i, uint64_t frame)
{
	memset(g->mem + PD(i), 0, 0x1000);
	rtg_poke64(g, PD(i), PDE_2M);
	if (frame)
		rtg_poke64(g, PD(i) + 8, frame | PDE_2M);
}

static void setup_frames(struct rtg *g)
{
	unsigned off;

	memset(g->mem + PDPT_PAGE, 0, 0x1000);
	for (off = 0; off < 0x200000; off += 0x1000) {
		rtg_tag_frame(g, FRAME_A + off);
		rtg_tag_frame(g, FRAME_B + off);
	}
}

/*
 * The headline shape: two PDPTs on one page (PDPT_PAGE and +0x20), the
 * second one's PD mapping PROBE_VA to frame2; the guest enters PAE paging
 * through the first, probes, switches CR3 to the second and probes again.
 */
static void two_pdpts(struct rtg *g, uint64_t frame2)
{
	setup_frames(g);
	setup_pd(g, 0, FRAME_A);
	setup_pd(g, 1, frame2);
	rtg_poke64(g, PDPT_PAGE, PD(0) | 1);
	rtg_poke64(g, PDPT_PAGE + 0x20, PD(1) | 1);
	rtg_code_reset(g);
	rtg_mov_cr(g, 4, CR4_PAE);
	rtg_mov_cr(g, 3, PDPT_PAGE);
	rtg_mov_cr(g, 0, CR0_PG_PE);
	rtg_load_report(g, PROBE_VA);
	rtg_mov_cr(g, 3, PDPT_PAGE + 0x20);
	rtg_load_report(g, PROBE_VA);
}

/* Run the code in g with the tracer on; judge the trace.  0 or -errno. */
static int run_traced(struct rtg *g)
{
	int r;

	r = rootrace_begin(rt);
	if (r) {
		snprintf(err, sizeof(err), "rootrace_begin: %s", strerror(-r));
		return r;
	}
	r = rtg_run(g, err, sizeof(err));
	if (rootrace_collect(rt, ev, MAX_EV, &n_ev) == -ENOSPC)
		fprintf(stderr, "rt-vmtest: trace truncated (%zu events kept, %llu dropped)\n",
			n_ev, (unsigned long long)rootrace_dropped(rt));
	roots_eval(ev, n_ev, rootrace_exit_hist(rt), &res);
	if (verbose) {
		roots_print_events(stdout, ev, n_ev);
		roots_print(stdout, &res);
	}
	return r;
}

static unsigned count_kind(uint8_t kind, uint64_t val)
{
	unsigned c = 0;
	size_t i;

	for (i = 0; i < n_ev; i++)
		c += ev[i].kind == kind && (val == ~0ull || ev[i].val == val);
	return c;
}

/* Count of one exit reason in the last trace (its RT_EXITS records). */
static uint64_t exits(unsigned reason)
{
	size_t i;

	for (i = 0; i < n_ev; i++)
		if (ev[i].kind == RT_EXITS && ev[i].gfn == reason)
			return ev[i].val;
	return 0;
}

/* Is sym a function of this kernel (or its modules)? */
static int kallsyms_has(const char *sym)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256];
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, sym);
	fclose(f);
	return found;
}

/* Every kprobe the kernel lacks is reported by name, no other. */
static void test_missing(void)
{
	static const char *const kprobes[] = {
		"mmu_alloc_root", "kvm_mmu_free_roots", "mmu_free_root_page", "kvm_mmu_load",
		"kvm_mmu_new_pgd", "kvm_set_cr3", "load_pdptrs", "kvm_mmu_free_obsolete_roots",
		"fast_pgd_switch",
	};
	const char *missing = rootrace_missing(rt);
	unsigned i;

	for (i = 0; i < sizeof(kprobes) / sizeof(kprobes[0]); i++) {
		char want[96];
		int has = kallsyms_has(kprobes[i]);
		const char *at;

		snprintf(want, sizeof(want), "kprobe:%s", kprobes[i]);
		at = strstr(missing, want);
		/* whole word: "kprobe:foo" must not match "kprobe:foo_bar" */
		if (at && at[strlen(want)] && at[strlen(want)] != ' ')
			at = NULL;
		CHECK(has >= 0, "cannot read /proc/kallsyms");
		CHECK(has == !at, "%s: %s kallsyms, %s the missing list (\"%s\")", kprobes[i],
		      has ? "in" : "not in", at ? "in" : "not in", missing);
	}
}

/* One PAE CR3 load with N present PDPTEs gives N level-2 roots. */
static void test_attach(void)
{
	unsigned npresent, i;
	struct rtg g;

	for (npresent = 1; npresent <= 4; npresent++) {
		unsigned roots = 0, gfn_ok = 0, snap_ok;

		if (rtg_create(&g, err, sizeof(err)) < 0) {
			CHECK(0, "%s", err);
			return;
		}
		setup_frames(&g);
		for (i = 0; i < npresent; i++) {
			setup_pd(&g, i, i == 0 ? FRAME_A : 0);
			rtg_poke64(&g, PDPT_PAGE + 8 * i, PD(i) | 1);
		}
		rtg_code_reset(&g);
		rtg_mov_cr(&g, 4, CR4_PAE);
		rtg_mov_cr(&g, 3, PDPT_PAGE);
		rtg_mov_cr(&g, 0, CR0_PG_PE);
		rtg_load_report(&g, PROBE_VA);
		CHECK(run_traced(&g) == 0, "N=%u: %s", npresent, err);
		CHECK(g.n_out == 1 && g.out[0] == FRAME_A >> 12, "N=%u: probe read %#x", npresent,
		      g.n_out ? g.out[0] : 0);
		for (i = 0; i < n_ev; i++) {
			const struct rootrace_event *e = &ev[i];

			if (e->kind != RT_GET_PAGE || !(e->flags & RT_F_ROOT) ||
			    (e->role & RT_ROLE_DIRECT))
				continue;
			roots++;
			gfn_ok += e->level == 2 && e->gfn >= PD(0) >> 12 && e->gfn < (PD(npresent) >> 12) &&
				  (e->flags & RT_F_CREATED);
		}
		CHECK(roots == npresent, "N=%u present PDPTEs: %u shadow roots", npresent, roots);
		/* The entered root, read from KVM: stock 6.1's per-vCPU pae_root
		 * (no shadow page) with one entry per present PDPTE, each a
		 * level-2 shadow page of that PDPTE's directory. */
		for (i = snap_ok = 0; i < n_ev; i++) {
			const struct rootrace_event *e = &ev[i];
			unsigned j, ents = 0;

			if (e->kind != RT_ROOT_SNAP || !(e->cr0 & 0x80000000u) || e->level != 3 ||
			    (e->flags & RT_F_SP) || e->quadrant != (1u << npresent) - 1)
				continue;
			for (j = 1; j <= npresent && i + j < n_ev; j++)
				ents += ev[i + j].kind == RT_ROOT_ENTRY && (ev[i + j].flags & RT_F_SP) &&
					ev[i + j].gfn == PD(j - 1) >> 12 && ev[i + j].level == 2;
			snap_ok += ents == npresent;
		}
		CHECK(snap_ok >= 1, "N=%u: no root snapshot with %u entries at the PDs", npresent, npresent);
		CHECK(gfn_ok == npresent, "N=%u: %u new level-2 roots at the PDs' gfns", npresent, gfn_ok);
		CHECK(count_kind(RT_SET_CR3, PDPT_PAGE) == 1, "N=%u: %u set_cr3 events for %#x",
		      npresent, count_kind(RT_SET_CR3, PDPT_PAGE), PDPT_PAGE);
		CHECK(count_kind(RT_LOAD_PDPTRS, PDPT_PAGE) >= 1, "N=%u: no load_pdptrs(%#x)",
		      npresent, PDPT_PAGE);
		CHECK(count_kind(RT_MMU_LOAD, ~0ull) >= 1, "N=%u: no kvm_mmu_load", npresent);
		CHECK(res.n_findings == 0, "N=%u: %u root findings (%s)", npresent, res.n_findings,
		      res.f[0].what);
		/* kvm:kvm_exit: the guest's one OUT (SVM IOIO 0x7b) and HLT (0x78). */
		CHECK(exits(0x7b) == 1 && exits(0x78) == 1, "N=%u: exits IOIO %llu HLT %llu", npresent,
		      (unsigned long long)exits(0x7b), (unsigned long long)exits(0x78));
		rtg_destroy(&g);
	}
}

/*
 * Two PDPTs on one page: slot 0 (CR3 0x20000) -> PD(0), slot 1 (CR3
 * 0x20020) -> PD(1).  Visible: the PDs map the probe to different frames;
 * latent: to the same frame, so no probe can tell a shared root.
 */
static void test_alias(const char *expect)
{
	static const char *const name[2] = { "visible", "latent" };
	int want_alias = !strcmp(expect, "alias"), latent;
	struct rtg g;

	for (latent = 0; latent <= 1; latent++) {
		uint32_t want_b = latent ? FRAME_A >> 12 : FRAME_B >> 12;
		unsigned alias;
		unsigned i;

		if (rtg_create(&g, err, sizeof(err)) < 0) {
			CHECK(0, "%s", err);
			return;
		}
		two_pdpts(&g, latent ? FRAME_A : FRAME_B);
		rtg_mov_cr(&g, 3, PDPT_PAGE);
		rtg_load_report(&g, PROBE_VA);
		CHECK(run_traced(&g) == 0, "%s: %s", name[latent], err);
		for (i = alias = 0; i < res.n_findings && i < ROOTS_MAX_FINDINGS; i++)
			alias += res.f[i].rule == ROOTS_ALIAS;
		printf("%s: probes %#x %#x %#x (architecture: %#x %#x %#x), %u roots new, %u reused, "
		       "%u alias findings\n", name[latent], g.out[0], g.out[1], g.out[2],
		       FRAME_A >> 12, want_b, FRAME_A >> 12, res.created, res.reused, alias);
		for (i = 0; i < res.n_findings && i < ROOTS_MAX_FINDINGS; i++)
			printf("  finding %s: %s\n", roots_rule_name(res.f[i].rule), res.f[i].what);
		CHECK(count_kind(RT_SET_CR3, PDPT_PAGE + 0x20) == 1, "%s: no set_cr3(0x20020)", name[latent]);
		/* The verdicts rest on the entered roots: they must be there. */
		CHECK(res.snaps >= 3 && !res.snaps_partial, "%s: %u root snapshots (%u partial)",
		      name[latent], res.snaps, res.snaps_partial);
		if (want_alias) {
			CHECK(alias >= 1, "%s: no alias finding", name[latent]);
		} else {
			CHECK(res.n_findings == 0, "%s: %u findings, first: %s", name[latent],
			      res.n_findings, res.f[0].what);
			CHECK(g.n_out == 3 && g.out[0] == FRAME_A >> 12 && g.out[1] == want_b &&
			      g.out[2] == FRAME_A >> 12, "%s: probes read wrong frames", name[latent]);
		}
		rtg_destroy(&g);
	}
}

/*
 * Random programs over four PDPT slots of one page: CR3 switches, guest
 * stores to PDPTEs 1..3 of any slot, CR0.WP flips, probes through PDPTE 0.
 * PDPTE 0 of every slot always points at a PD that maps the code.
 */
static void test_random(unsigned seed, unsigned runs, int expect_none)
{
	unsigned run, flagged = 0, i;
	struct rtg g;

	printf("random: seed %u, %u runs\n", seed, runs);
	srand(seed);
	if (rtg_create(&g, err, sizeof(err)) < 0) {
		CHECK(0, "%s", err);
		return;
	}
	for (run = 0; run < runs; run++) {
		uint32_t cr0 = CR0_PG_PE;

		setup_frames(&g);
		for (i = 0; i < 6; i++)
			setup_pd(&g, i, (i & 1) ? FRAME_B : FRAME_A);
		for (i = 0; i < 4; i++)
			rtg_poke64(&g, PDPT_PAGE + 0x20 * i, PD(rand() % 6) | 1);
		rtg_code_reset(&g);
		rtg_mov_cr(&g, 4, CR4_PAE);
		rtg_mov_cr(&g, 3, PDPT_PAGE + 0x20 * (rand() % 4));
		rtg_mov_cr(&g, 0, cr0);
		for (i = 0; i < 12; i++) {
			switch (rand() % 5) {
			case 0:
			case 1:
				rtg_mov_cr(&g, 3, PDPT_PAGE + 0x20 * (rand() % 4));
				break;
			case 2:
				rtg_store32(&g, PDPT_PAGE + 0x20 * (rand() % 4) + 8 * (1 + rand() % 3),
					    rand() % 3 ? (PD(rand() % 6) | 1) : 0);
				break;
			case 3:
				cr0 ^= 1u << 16;
				rtg_mov_cr(&g, 0, cr0);
				break;
			default:
				rtg_load_report(&g, PROBE_VA);
			}
		}
		/* A store may clear PDPTE 0 of a slot the guest later loads:
		 * keep PDPTE 0 intact by only storing to entries 1..3. */
		if (run_traced(&g) != 0) {
			CHECK(0, "run %u: %s", run, err);
			continue;
		}
		CHECK(res.n_loads > 0 && res.created + res.reused > 0,
		      "run %u: trace without loads or roots", run);
		if (res.n_findings) {
			flagged++;
			printf("  run %u: %s\n", run, res.f[0].what);
		}
		if (expect_none)
			CHECK(res.n_findings == 0, "run %u: %u findings", run, res.n_findings);
	}
	printf("random: %u of %u runs flagged\n", flagged, runs);
	rtg_destroy(&g);
}

/*
 * Per-run wall time of the two-PDPT guest, untraced (probes detached) and
 * traced, in alternating batches so that a loaded host hits both alike.
 * The worst case for the tracer: a run here is a few hundred us, nearly
 * all of it root events.
 */
static void bench_run(void *g)
{
	rtg_run(g, err, sizeof(err));
}

static void bench(unsigned runs, pid_t self)
{
	double *off = calloc(runs, sizeof(double)), *on = calloc(runs, sizeof(double));
	struct rt_bench b;
	struct rtg g;

	if (rtg_create(&g, err, sizeof(err)) < 0) {
		CHECK(0, "%s", err);
		return;
	}
	two_pdpts(&g, FRAME_B);
	CHECK(rootrace_open(&rt, self, err, sizeof(err)) == 0, "%s", err);
	if (!rt)
		return;
	CHECK(rt_bench_batches(rt, runs, bench_run, &g, off, on, ev, MAX_EV, &n_ev) == 0,
	      "rootrace_resume");
	CHECK(n_ev > 0, "traced run recorded no events");
	b = rt_bench_medians(off, on, runs);
	rt_bench_print("bench-guest", NULL, runs, &b, n_ev);
	rootrace_close(rt);
	rt = NULL;
	free(off);
	free(on);
	rtg_destroy(&g);
}

int main(int argc, char **argv)
{
	char name[64];
	int a = rt_args(argc, argv, &verbose, usage, "rootrace", name, sizeof(name));
	const char *suite = argv[a];

	if (!strcmp(suite, "bench")) {
		bench(a + 1 < argc ? atoi(argv[a + 1]) : 200, getpid());
		return check_summary(name);
	}
	if (rootrace_open(&rt, getpid(), err, sizeof(err)) < 0) {
		CHECK(0, "%s", err);
		return check_summary(name);
	}
	printf("rootrace: attached; missing: %s\n", *rootrace_missing(rt) ? rootrace_missing(rt) : "none");
	if (!strcmp(suite, "attach")) {
		test_missing();
		test_attach();
	} else if (!strcmp(suite, "alias") && a + 1 < argc) {
		test_alias(argv[a + 1]);
	} else if (!strcmp(suite, "random") && a + 2 < argc) {
		test_random(atoi(argv[a + 1]), atoi(argv[a + 2]),
			    a + 3 < argc && !strcmp(argv[a + 3], "expect-none"));
	} else {
		fprintf(stderr, "rt-vmtest: unknown suite or missing argument: %s\n", suite);
		rootrace_close(rt);
		return 2;
	}
	rootrace_close(rt);
	return check_summary(name);
}
