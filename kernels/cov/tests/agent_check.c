// SPDX-License-Identifier: GPL-2.0
/*
 * agent_check: KVM's edges as the agent returns them with each RUN
 * (harness/vm/agent_cov.c, VMP_SEC_KCOV), on real test VMs.
 *
 *   agent_check VARIANT+cov PLAIN RECORD
 *
 * Boots a +cov variant and its plain twin side by side and checks:
 *   - the +cov agent says kcov in HELLO and every RUN_DONE carries
 *     VMP_SEC_KCOV with edges, no overflow, the distinct PCs and the
 *     modules' record lines (asked for with VMP_RUN_KCOV_PCS); the plain
 *     one says no kcov and sends no VMP_SEC_KCOV (the control);
 *   - one fixed program (PAE, two PDPTs on a page, three MOV CR3) run
 *     RUNS times gives the same edge set in at least two runs the host
 *     did not switch the vCPU thread out; every pair is listed ("same"
 *     lines), switched runs are listed, not judged (kernels/cov/README);
 *   - that PAE program sets edges a long-mode-only one (a MOV CR3 in
 *     long mode) does not.
 * Writes RECORD (kernels/cov/resolve.sh's input: the modules' lines, then
 * "pc pae.N 0xPC" / "pc long.N 0xPC", and "switched pae.N" lines for the
 * runs that were switched out), for vm-check.sh to check by function
 * that pae reaches load_pdptrs and long does not.
 * Prints "agent-cov: N passed, N failed, N skipped".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/vm/vmclient.h"
#include "tests/check.h"

#define RUNS		16
#define PAE_PROG	"corpus/pae-two-pdpts-one-page.mmu"

/* Long mode from the start; one MOV CR3 (to the same PML4), two reads. */
static const char long_prog[] =
	"title \"long mode: one MOV CR3, no PDPTEs\"\n"
	"start lm64\n"
	"init u64 0x102008 0x200027\n"
	"init u64 0x200000 0x201027\n"
	"init u64 0x201000 0x600023\n"
	"read 0x40000000\n"
	"cr3 0x103000\n"
	"read 0x40000000\n";

struct kedges {
	int on, switched;
	struct vmp_kcov hdr;
	uint8_t map[65536];		/* slot -> count */
	unsigned n_pcs;
	int has_modules;
};

/* One RUN on vm; its coverage into e (and its PCs into rec, labelled). */
static int run_one(struct vmc *vm, const struct program *p, struct kedges *e,
		   FILE *rec, const char *label, int *modules_written)
{
	static struct run_obs obs;
	struct vmc_result res;
	const uint8_t *sec;
	const uint64_t *pcs;
	const char *mods;
	uint32_t len, plen, mlen;
	int ret = vmc_run(vm, p, 20000, &obs, &res);

	memset(e, 0, sizeof(*e));
	if (ret) {
		fprintf(stderr, "agent_check: %s: vmc_run: %s (%s)\n", label, strerror(-ret), res.detail);
		return ret;
	}
	sec = vmc_run_section(&res, VMP_SEC_KCOV, &len);
	if (!sec || len < sizeof(e->hdr))
		return 0;
	e->on = 1;
	memcpy(&e->hdr, sec, sizeof(e->hdr));
	e->switched = e->hdr.switches > 0;
	if (len != sizeof(e->hdr) + e->hdr.n_edges * sizeof(uint32_t)) {
		fprintf(stderr, "agent_check: %s: VMP_SEC_KCOV of %u bytes for %u edges\n",
			label, len, e->hdr.n_edges);
		e->on = 0;
		return 0;
	}
	for (uint32_t i = 0; i < e->hdr.n_edges; i++) {
		uint32_t v;

		memcpy(&v, sec + sizeof(e->hdr) + i * sizeof(v), sizeof(v));
		e->map[VMP_KCOV_SLOT(v)] = (uint8_t)VMP_KCOV_COUNT(v);
	}
	pcs = vmc_run_section(&res, VMP_SEC_KCOV_PCS, &plen);
	mods = vmc_run_section(&res, VMP_SEC_KCOV_MODULES, &mlen);
	e->n_pcs = pcs ? plen / 8 : 0;
	e->has_modules = mods && memmem(mods, mlen, "section kvm .text ", 18) &&
			 memmem(mods, mlen, "buildid kvm ", 12);
	if (mods && !*modules_written) {
		fwrite(mods, 1, mlen, rec);
		*modules_written = 1;
	}
	for (unsigned i = 0; i < e->n_pcs; i++) {
		uint64_t pc;

		memcpy(&pc, (const uint8_t *)pcs + i * 8, 8);
		fprintf(rec, "pc %s 0x%llx\n", label, (unsigned long long)pc);
	}
	if (e->switched)
		fprintf(rec, "switched %s %u\n", label, e->hdr.switches);
	printf("  %s: hits=%llu overflow=%llu edges=%u pcs=%u switches=%u\n", label,
	       (unsigned long long)e->hdr.hits, (unsigned long long)e->hdr.overflow,
	       e->hdr.n_edges, e->n_pcs, e->hdr.switches);
	return 0;
}

/* Slots set in a and not in b. */
static unsigned only_in(const struct kedges *a, const struct kedges *b)
{
	unsigned n = 0;

	for (unsigned s = 0; s < 65536; s++)
		n += a->map[s] && !b->map[s];
	return n;
}

int main(int argc, char **argv)
{
	static struct kedges pae[RUNS], lng[RUNS], plain;
	struct vmc_config cfg[2] = { { 0 }, { 0 } };
	struct program pp, lp;
	struct vmc *vms[2];
	char err[256], label[32];
	int ref = -1, lref = -1, mods = 0;
	FILE *rec;

	if (argc != 4) {
		fprintf(stderr, "usage: agent_check VARIANT+cov PLAIN RECORD\n");
		return 2;
	}
	if (prog_parse_file(PAE_PROG, &pp, err, sizeof(err)) ||
	    prog_parse(long_prog, sizeof(long_prog) - 1, "long_prog", &lp, err, sizeof(err))) {
		fprintf(stderr, "agent_check: %s\n", err);
		return 2;
	}
	rec = fopen(argv[3], "w");
	if (!rec) {
		perror(argv[3]);
		return 2;
	}
	cfg[0].variant = argv[1];
	cfg[0].kcov_pcs = 1;
	cfg[0].findings_dir = "build/cov/agent-check-findings";
	cfg[1].variant = argv[2];
	cfg[1].findings_dir = cfg[0].findings_dir;
	if (vmc_start_many(vms, cfg, 2)) {
		fprintf(stderr, "agent_check: cannot boot %s and %s\n", argv[1], argv[2]);
		return 2;
	}
	CHECK(vmc_hello(vms[0])->kcov == 1, "%s: HELLO says kcov (got %u)", argv[1],
	      vmc_hello(vms[0])->kcov);
	CHECK(vmc_hello(vms[1])->kcov == 0, "%s: HELLO says no kcov (got %u)", argv[2],
	      vmc_hello(vms[1])->kcov);

	for (int r = 0; r < RUNS; r++) {
		snprintf(label, sizeof(label), "pae.%d", r + 1);
		if (run_one(vms[0], &pp, &pae[r], rec, label, &mods))
			return 2;
		snprintf(label, sizeof(label), "long.%d", r + 1);
		if (run_one(vms[0], &lp, &lng[r], rec, label, &mods))
			return 2;
	}
	fclose(rec);
	for (int r = 0; r < RUNS; r++) {
		CHECK(pae[r].on && lng[r].on, "run %d: VMP_SEC_KCOV in both replies", r + 1);
		CHECK(pae[r].hdr.n_edges > 100 && lng[r].hdr.n_edges > 100,
		      "run %d: edges pae %u long %u, want > 100 each", r + 1,
		      pae[r].hdr.n_edges, lng[r].hdr.n_edges);
		CHECK(!pae[r].hdr.overflow && !lng[r].hdr.overflow, "run %d: overflow", r + 1);
		CHECK(pae[r].n_pcs > 100 && pae[r].has_modules,
		      "run %d: PCs (%u) and module lines with VMP_RUN_KCOV_PCS", r + 1, pae[r].n_pcs);
		/* The references: the last unswitched runs (the first run
		 * also fills a fresh VM's caches). */
		if (!pae[r].switched)
			ref = r;
		if (!lng[r].switched)
			lref = r;
	}
	/*
	 * Same program, same edge set.  Not every pair of runs: the one KVM
	 * VM the executor keeps carries state from run to run (the vCPU's
	 * MMU memory caches are refilled every other run here), and host
	 * interrupts that land while the guest runs take the external-
	 * interrupt exit path in task context.  So: some pair of unswitched
	 * runs has the very same edge set, and every pair's differences are
	 * listed (vm-check.sh then checks, by PC, that they lie in those
	 * known paths).
	 */
	{
		int same = 0, pairs = 0;

		for (int r = 0; r < RUNS; r++)
			for (int q = r + 1; q < RUNS; q++) {
				unsigned plus, minus;

				if (pae[r].switched || pae[q].switched)
					continue;
				pairs++;
				plus = only_in(&pae[q], &pae[r]);
				minus = only_in(&pae[r], &pae[q]);
				same += !plus && !minus;
				printf("  same pae.%d pae.%d edges=+%u/-%u\n", r + 1, q + 1, plus, minus);
			}
		if (pairs)
			CHECK(same > 0, "of %d pairs of unswitched PAE runs, none has the same edge set",
			      pairs);
		else
			SKIP("fewer than two of %d PAE runs went without a context switch: "
			     "same-edges not judged (a loaded host)", RUNS);
	}
	for (int r = 0; r < RUNS; r++)
		if (pae[r].switched)
			printf("  note: pae.%d switched out %u times: +%u/-%u edges against pae.%d\n",
			       r + 1, pae[r].hdr.switches, ref >= 0 ? only_in(&pae[r], &pae[ref]) : 0,
			       ref >= 0 ? only_in(&pae[ref], &pae[r]) : 0, ref + 1);
	if (ref >= 0 && lref >= 0) {
		unsigned a = only_in(&pae[ref], &lng[lref]), b = only_in(&lng[lref], &pae[ref]);

		printf("  pae.%d vs long.%d: %u edges only in pae, %u only in long\n", ref + 1,
		       lref + 1, a, b);
		CHECK(a > 0, "the PAE MOV CR3 program sets edges the long-mode one does not");
	} else {
		SKIP("no unswitched run of each program: PAE vs long not judged");
	}

	/* The control: a plain variant sends no coverage. */
	{
		static struct run_obs obs;
		struct vmc_result res;
		uint32_t len;

		memset(&plain, 0, sizeof(plain));
		CHECK(vmc_run(vms[1], &pp, 20000, &obs, &res) == 0, "%s: the PAE program runs", argv[2]);
		CHECK(!vmc_run_section(&res, VMP_SEC_KCOV, &len), "%s: no VMP_SEC_KCOV", argv[2]);
	}
	vmc_destroy(vms[0]);
	vmc_destroy(vms[1]);
	return check_summary("agent-cov");
}
