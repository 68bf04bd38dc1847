/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One program, judged on one or two kernels: the step every front end
 * shares (mmufuzz run --kernel, fuzz, minimize, the libFuzzer and AFL++
 * drivers).
 *
 *   diffrun_open("baseline,pae-root-rfc")  boots one test VM per kernel
 *   diffrun_run(dr, prog, &r)              runs prog on all of them side by
 *                                          side, then: architectural oracle
 *                                          per kernel, root oracle per
 *                                          kernel, differential class
 *   diffrun_save(dr, prog, &r)             writes the finding folder
 *
 * With two kernels the first is the baseline and the second the
 * candidate; with one, it is judged alone (no patch to blame).
 */
#ifndef MMUFUZZ_DIFFRUN_H
#define MMUFUZZ_DIFFRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "harness/judge/diff.h"
#include "harness/program/prog.h"
#include "harness/core/observation.h"
#include "harness/vm/vmclient_proto.h"
#include "oracles/oracle.h"
#include "oracles/roots.h"

#define DIFFRUN_MAX_KERNELS 2
#define DIFFRUN_MAX_EVENTS 4096

struct diffrun;

struct diffrun_opts {
	int npt;			/* kvm_amd npt= for every VM */
	unsigned timeout_ms;		/* per program, 0 = 10000 */
	int trace;			/* ask the agents for the root trace */
	const char *findings_dir;	/* NULL = "findings" */
	int verbose;
	int warn_goes_on;		/* vmc_config.warn_goes_on: fuzzing */
	int kcov_pcs;			/* +cov kernels: also return the run's
					 * distinct PCs (diffrun_kcov.pcs) */
	int warm;			/* start runs warm where the agents can
					 * (harness/exec/executor.h); confirmation
					 * runs start clean */
};

/* Warm starts so far (diffrun_opts.warm), summed over the kernels. */
struct diffrun_warm_stats {
	unsigned long runs;		/* kernel runs that reported timing */
	unsigned long warm;		/* of which started warm */
	unsigned long writes;		/* table stores the warm ones handed the stub */
	unsigned long confirmed;	/* diffrun_confirm: a warm verdict held clean */
	unsigned long unconfirmed;	/* ... and did not */
};

/* KVM's own coverage of one run, from a "+cov" kernel (VMP_SEC_KCOV). */
#define DIFFRUN_MAX_EDGES 65536		/* = MMUCOV_EDGE_MAP */
#define DIFFRUN_MAX_PCS   65536
struct diffrun_kcov {
	int on;				/* the agent sent KVM coverage */
	struct vmp_kcov hdr;		/* hits, overflow, switches, n_edges */
	uint32_t *edges;		/* hdr.n_edges: VMP_KCOV_SLOT / _COUNT */
	uint64_t *pcs;			/* opts.kcov_pcs: n_pcs distinct PCs */
	size_t n_pcs;
	const char *modules;		/* opts.kcov_pcs: record lines (section,
					 * buildid) of the loaded modules, valid
					 * until the next run; NULL if none */
	size_t modules_len;
};

/* Everything one kernel showed for one program. */
struct diffrun_kernel {
	char name[64];			/* vmc_variant_name(): no path, safe in file names */
	struct run_obs obs;
	struct verdict verdict;		/* architectural oracle */
	struct roots_result roots;	/* root oracle (when traced) */
	struct rootrace_event *events;	/* trace, n_events of them */
	size_t n_events;
	int traced;			/* the agent returned a trace */
	int died;			/* the VM died (vmclient saved a finding) */
	char death[256];		/* vmclient's detail line */
	char vm_finding[4096];		/* vmclient's finding folder */
	double seconds;
	struct kernel_outcome outcome;
	struct diffrun_kcov kcov;
};

struct diffrun_result {
	int n;				/* kernels */
	struct oracle_result expect;	/* the oracle's sets (one CPU profile) */
	struct diffrun_kernel k[DIFFRUN_MAX_KERNELS];
	struct diff_result diff;
};

/*
 * Boot one VM per comma-separated kernel name (see vmclient.h for names).
 * Returns 0, or -errno with the reason on stderr (nothing left running;
 * -EINTR: a stop request came during the boots).
 */
int diffrun_open(struct diffrun **dr, const char *kernels, const struct diffrun_opts *o);
void diffrun_close(struct diffrun *dr);

int diffrun_kernels(const struct diffrun *dr);
const char *diffrun_kernel_name(const struct diffrun *dr, int i);

/* Allocate / free a result (they are large: run_obs holds the arena). */
struct diffrun_result *diffrun_result_new(void);
void diffrun_result_free(struct diffrun_result *r);

/*
 * Run p on every kernel side by side and judge it.  Returns 0 (judged:
 * see r->diff.cls), or -errno when the program could not be run at all
 * (then r->diff.why says why).  A VM that dies is a judged result
 * (DIFF_HOST_FAULT), not an error: vmclient has restarted it.  -EINTR:
 * a stop request (harness/core/stop.h) came first; nothing was judged
 * and the VMs are gone (diffrun_close is still the caller's).
 */
int diffrun_run(struct diffrun *dr, const struct program *p, struct diffrun_result *r);

/*
 * Re-run p `times` times, each from a clean start; 1 if every run gave
 * class cls again (a finding that does not reproduce is discarded), 0 if
 * not, -errno on error.
 */
int diffrun_confirm(struct diffrun *dr, const struct program *p, enum diff_class cls,
		    unsigned times);

/* With diffrun_opts.warm: 0 runs the next programs from a clean start,
 * 1 warm again.  No effect without it. */
void diffrun_set_warm(struct diffrun *dr, int on);
void diffrun_warm_stats(const struct diffrun *dr, struct diffrun_warm_stats *st);

/* Signature of a result: class + first violating op kind + mode. */
void diffrun_signature(const struct program *p, const struct diffrun_result *r,
		       char *out, size_t cap);

/*
 * Save p and r as a finding (harness/store/finding.h).  Returns 1 new, 0
 * duplicate, -errno; the folder goes to path.  `input` (the engine's raw
 * bytes) may be NULL.
 */
int diffrun_save(struct diffrun *dr, const struct program *p, const struct diffrun_result *r,
		 const uint8_t *input, size_t input_len, char *path, size_t cap);

/* Human report of one result: per op the expectation and each kernel's
 * observation, the verdicts, the root traces.  */
void diffrun_print(FILE *f, const struct program *p, const struct diffrun_result *r);

/*
 * Coverage of KVM's behaviour for the engines: fold the result (op kind x
 * outcome x mode per op, run exits, root-trace features, differences
 * between kernels) into counters[0..n) (libFuzzer extra counters / the
 * AFL++ map).  Only increments.
 */
void diffrun_features(const struct program *p, const struct diffrun_result *r,
		      uint8_t *counters, size_t n);

#endif /* MMUFUZZ_DIFFRUN_H */
