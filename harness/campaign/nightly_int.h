/* SPDX-License-Identifier: GPL-2.0 */
/* Between the parts of the nightly job (nightly.h); not for other callers. */
#ifndef MMUFUZZ_CAMPAIGN_NIGHTLY_INT_H
#define MMUFUZZ_CAMPAIGN_NIGHTLY_INT_H

#include <limits.h>
#include <stdio.h>
#include "harness/campaign/nightly.h"
#include "harness/judge/diffrun.h"

#define NIGHT_MAX_GROUPS 128
#define NIGHT_MAX_MARKS 512
#define NIGHT_KEY_MAX 160

/* What a group's findings have in common (night_group_key). */
struct night_key {
	char key[NIGHT_KEY_MAX];	/* file-safe: the group's folder name */
	char what[24];			/* "patch", "both", "fixed", "host-fault", "replay" */
	char rule[48];			/* root-oracle rule, oracle violation kind, WARN site */
	char op[16];			/* op kind that shows it ("" for root rules) */
	char mode[16];
};

/* One group of tonight's findings. */
struct night_group {
	struct night_key k;
	char cand[64];			/* candidate variant name */
	int is_new;			/* no earlier night saved it (set at commit) */
	unsigned members;		/* finding folders tonight */
	unsigned events;		/* finding events (a folder + its hits) */
	unsigned best_ops;		/* ops of its smallest reproducer */
	char best_dir[PATH_MAX];	/* the folder holding it (its repro/) */
	char why[200];			/* one line: verdict, WARN or changed verdict */
	char note[96];			/* "partly minimized", "not minimized: ..." */
};

struct night_mark {
	char dir[PATH_MAX];		/* a triaged finding folder */
	int group;
};

#define NIGHT_MAX_SAMPLES 2048
struct night_sample {
	float t;			/* seconds into the night */
	float rate;			/* programs/s of the candidate's fuzzing so far */
	unsigned cand;
	unsigned corpus;		/* the engine's queue */
};

struct night {
	const struct nightly_opts *o;
	FILE *rep;
	struct nightly_stats *st;
	double t0, deadline;		/* min_now() seconds */
	char date[16];
	char state[PATH_MAX];		/* <findings>/nightly */
	unsigned n_groups;
	struct night_group g[NIGHT_MAX_GROUPS];
	unsigned n_marks;
	struct night_mark m[NIGHT_MAX_MARKS];
	unsigned repeat_hits;		/* hits of folders triaged on earlier nights */
	unsigned n_samples;
	struct night_sample s[NIGHT_MAX_SAMPLES];
	unsigned long programs;		/* fuzzed tonight, every candidate */
	double fuzz_seconds;
};

/*
 * The group key of a judged run (p minimized, r its run on baseline,cand).
 * The root oracle names a root bug better than the probe that happens to
 * show it, so a run whose candidate trace has a root finding is grouped
 * by the flaw that finding shows alone (a visible regression and latent
 * aliasing of one reused root are one bug; so are ALIAS and STALE from
 * one PDPT page: "root-reuse-pdpt-page", nightly_group.c); else by the
 * first violation's kind, the op that shows it and its mode; a host
 * fault by its WARN/panic site.
 * Never fails (an unexplained result gets the class name).
 */
void night_group_key(const char *cand, const struct program *p, const struct diffrun_result *r,
		     struct night_key *k);

/* The key of a VM death record (a vm-<kind>-<variant>-<req>-<site> folder name). */
void night_vm_key(const char *cand, const char *vm_folder, struct night_key *k);

/* The kind of an oracle violation, for keys: "wrong-value", "unexpected-pf", ... */
const char *night_violation_kind(const struct violation *v);

/*
 * Add a finding folder to tonight's groups under key k (a new group, or
 * one more member of an existing one).  Returns the group index, or -1
 * when the table is full (the folder stays untriaged for the next night).
 */
int night_group_add(struct night *n, const struct night_key *k, const char *cand,
		    const char *dir, unsigned ops, const char *why, const char *note);

/*
 * Triage the untriaged finding folders of candidate cand on dr (may be
 * NULL when the VMs did not boot: then nothing is minimized), until
 * `until` (min_now() seconds).  Never fails; what went wrong is a step
 * failure named in the report.
 */
void night_triage(struct night *n, struct diffrun *dr, const char *cand, const char *kernels,
		  double until);

/*
 * Replay the .mmu files of <corpus> on dr's kernels and compare each kernel's verdict
 * with <corpus>/expected/<file of that kernel>; a changed verdict is a
 * "replay" group.  Missing expectations are recorded (the file gains the
 * lines).  check_baseline 0: only the candidate's verdicts (the baseline
 * was compared with an earlier candidate tonight).  Returns 0, or -EINVAL
 * when a corpus or expected file is malformed (named in the report).
 */
int night_replay(struct night *n, struct diffrun *dr, const char *const spec[2],
		 int check_baseline, double until);

/*
 * The expected-verdict file of kernel spec: <corpus>/expected/<base>-
 * <variant>.txt by the kernel's base, as vmclient names the kernel
 * ("6.12:pae-root-rfc": 6.12-pae-root-rfc.txt; a name without a base is
 * 6.1's: "baseline" and "6.1:baseline" are 6.1-baseline.txt), so each base
 * keeps its own verdicts.  0, or vmc_variant_name's -errno with why in err.
 */
int night_expect_path(const char *corpus, const char *spec, char *out, size_t cap, char *err,
		      size_t errlen);

/*
 * Expected verdicts: parse "name verdict" lines (# comments, blank lines)
 * from text[0..len) (no NUL needed).
 * Returns the number of entries, or -EINVAL with "file:line: why" in err.
 */
#define NIGHT_MAX_EXPECT 1024
struct night_expect {
	unsigned n;
	char name[NIGHT_MAX_EXPECT][96];
	char verdict[NIGHT_MAX_EXPECT][24];
};
int night_expect_parse(const char *file, const char *text, size_t len, struct night_expect *e,
		       char *err, size_t errlen);
/* The verdict one kernel showed: "clean", "violation", "aliasing", "host-fault". */
const char *night_kernel_verdict(const struct diffrun_kernel *k);

/*
 * The names in dir that want() accepts (dot files never), sorted, in a
 * NULL-terminated malloc'ed array of malloc'ed strings (*count of them).
 * NULL when dir cannot be opened or memory runs out.
 */
struct dirent;
char **night_list(const char *dir, int (*want)(const struct dirent *), size_t *count);

/* Save tonight's groups to the store and mark the triaged folders. */
void night_commit(struct night *n);

#endif /* MMUFUZZ_CAMPAIGN_NIGHTLY_INT_H */
