// SPDX-License-Identifier: GPL-2.0
/*
 * check-vm, warm starts (harness/exec/executor.h): the corpus and N random
 * programs on Debian's stock KVM through the whole pipeline (agent,
 * executor, root trace, both oracles), once from clean starts and once
 * from warm ones, in the same order.  A warm start must change nothing a
 * guest can see: the same observations, the same verdict.  It must also
 * happen: most runs start warm (the agent falls back to a clean start
 * only when the root trace shows KVM shadowing a page the host rewrites).
 *
 *   warm_check [N_RANDOM=300] [SEED=5]
 * Prints "warm: N passed, N failed".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/core/say.h"
#include "harness/judge/diffrun.h"
#include "harness/search/generate.h"
#include "tests/check.h"

#define MAX_PROGS 2000

struct seen {
	uint64_t obs;		/* FNV-1a of the run's observations */
	enum diff_class cls;
	int violations, aliasing;
};

/* Everything a run showed, the arena included. */
static uint64_t obs_hash(const struct run_obs *o)
{
	return check_fnv1a(o, sizeof(*o));
}

static int load_corpus(struct program *progs, int max)
{
	DIR *d = opendir("corpus");
	struct dirent *e;
	char path[512], err[256];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".mmu"))
			continue;
		snprintf(path, sizeof(path), "corpus/%s", e->d_name);
		if (!prog_parse_file(path, &progs[n], err, sizeof(err)))
			n++;
	}
	closedir(d);
	return n;
}

/* Run every program once; 0 when each was judged. */
static int pass(struct diffrun *dr, const struct program *progs, int n, struct seen *s,
		struct diffrun_result *r)
{
	int judged = 0;

	for (int i = 0; i < n; i++) {
		if (diffrun_run(dr, &progs[i], r))
			continue;
		judged++;
		s[i] = (struct seen){
			.obs = obs_hash(&r->k[0].obs), .cls = r->diff.cls,
			.violations = r->k[0].outcome.violations,
			.aliasing = r->k[0].outcome.aliasing,
		};
	}
	return judged;
}

int main(int argc, char **argv)
{
	static struct program progs[MAX_PROGS];
	static struct seen clean[MAX_PROGS], warm[MAX_PROGS];
	struct diffrun_opts o = { .trace = 1, .warm = 1, .findings_dir = "build/vm/warm-findings" };
	struct diffrun_warm_stats w0, w1;
	struct diffrun_result *r = diffrun_result_new();
	struct diffrun *dr;
	unsigned n_random = argc > 1 ? (unsigned)atoi(argv[1]) : 300;
	uint64_t rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 5;
	int n, n_corpus, same_obs = 0, same_verdict = 0, warm_only = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say_set_sink(check_say, NULL);
	n_corpus = n = load_corpus(progs, MAX_PROGS);
	CHECK(n_corpus > 10, "corpus: %d programs", n_corpus);
	for (unsigned i = 0; i < n_random && n < MAX_PROGS; i++)
		if (!prog_random(&rng, &progs[n], NULL))
			n++;
	if (!r || diffrun_open(&dr, "stock", &o)) {
		CHECK(0, "test VM (stock) did not start");
		return check_summary("warm");
	}
	diffrun_set_warm(dr, 0);
	CHECK(pass(dr, progs, n, clean, r) == n, "all %d programs judged from clean starts", n);
	diffrun_warm_stats(dr, &w0);
	CHECK(w0.warm == 0, "clean pass: no run started warm (%lu)", w0.warm);
	diffrun_set_warm(dr, 1);
	CHECK(pass(dr, progs, n, warm, r) == n, "all %d programs judged from warm starts", n);
	diffrun_warm_stats(dr, &w1);
	for (int i = 0; i < n; i++) {
		same_obs += clean[i].obs == warm[i].obs;
		same_verdict += clean[i].cls == warm[i].cls && clean[i].violations == warm[i].violations &&
				clean[i].aliasing == warm[i].aliasing;
		if ((warm[i].violations || warm[i].aliasing) && !clean[i].violations &&
		    !clean[i].aliasing) {
			warm_only++;
			printf("warm: program %d (%s): warm-only verdict: %d violation(s), %d root "
			       "finding(s)\n", i, i < n_corpus ? "corpus" : "random",
			       warm[i].violations, warm[i].aliasing);
		}
	}
	printf("warm: %d programs (%d corpus, %d random): %lu of %lu runs started warm "
	       "(%.1f table stores each); observations as from clean: %d; verdicts: %d\n",
	       n, n_corpus, n - n_corpus, w1.warm - w0.warm, w1.runs - w0.runs,
	       w1.warm > w0.warm ? (double)(w1.writes - w0.writes) / (double)(w1.warm - w0.warm) : 0,
	       same_obs, same_verdict);
	CHECK((w1.warm - w0.warm) * 2 > (w1.runs - w0.runs), "most runs started warm");
	CHECK(warm_only == 0, "no verdict from a warm start that a clean one does not give (%d)",
	      warm_only);
	CHECK(same_verdict == n, "the same verdict both ways: %d/%d", same_verdict, n);
	CHECK(same_obs == n, "the same observations both ways: %d/%d", same_obs, n);
	diffrun_close(dr);
	diffrun_result_free(r);
	return check_summary("warm");
}
