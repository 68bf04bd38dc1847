/* SPDX-License-Identifier: GPL-2.0 */
/* A fuzzing campaign (fuzz.c), shared by `mmufuzz fuzz`, `demo`, `nightly` and the
 * time-to-bug benchmark. */
#ifndef MMUFUZZ_CAMPAIGN_FUZZ_H
#define MMUFUZZ_CAMPAIGN_FUZZ_H

#include <limits.h>
#include <stdio.h>
#include "harness/program/prog.h"

struct fuzz_stats;

struct fuzz_opts {
	const char *kernels;	/* "baseline,pae-root-rfc" */
	int engine_afl;		/* 0 libFuzzer, 1 AFL++ */
	unsigned seconds;	/* 0: until the first finding */
	const char *corpus;
	const char *findings;
	const char *work;	/* NULL: build/fuzz-work/<time>-<pid> */
	int exclude_shared;	/* drop seeds with two PAE CR3s on one page */
	int keep_going;
	int stop_shared;	/* with keep_going: stop at the first visible
				 * regression with two PDPTs on one page */
	unsigned npt;
	unsigned seed;
	/* Called once the work folder exists, before the engine starts; it
	 * may set MMUFUZZ_* variables for the drivers (the CLI's is
	 * patchcov_directed_prepare: patch-directed scheduling).  NULL: none.
	 * (A pointer, so this file calls nothing of patchcov.c, which calls
	 * fuzz_system: no circle between the two.) */
	void (*prepare)(const struct fuzz_opts *o, const char *work);
	/* Called about once a second while the engine runs, with the stats
	 * read so far and the work folder (its queue/ is the corpus); NULL:
	 * none.  It must not block. */
	void (*progress)(const struct fuzz_stats *st, const char *work, void *ctx);
	void *progress_ctx;
	/* A hard end (CLOCK_MONOTONIC seconds, 0: none): libFuzzer checks
	 * its -max_total_time only between programs, and a hung program
	 * costs a request timeout and a reboot.  Past it the engine is asked
	 * to stop as on SIGTERM (FUZZ_DEADLINE_GRACE_S, then killed); the
	 * run is not "stopped by a signal" (st->signo stays 0). */
	double hard_deadline;
};
#define FUZZ_DEADLINE_GRACE_S 10

struct fuzz_stats {
	unsigned long programs;
	double seconds;
	unsigned findings;
	double first_finding_s;	/* -1: none */
	char first_class[64];
	char first_path[PATH_MAX];
	double first_shared_s;	/* first regression with two PDPTs on one page */
	char first_shared_path[PATH_MAX];
	char work[PATH_MAX];
	char directed[256];	/* the driver's "patch sites reached while
				 * fuzzing: ..." line; "" if none */
	int engine_status;	/* waitpid status of the engine */
	int signo;		/* 0, or the SIGTERM/SIGINT/SIGHUP that stopped
				 * the run (the engine and everything it
				 * started are gone; the stats are its last) */
};

void fuzz_opts_default(struct fuzz_opts *o);

/*
 * Seeds, run the engine to its end, read its stats.  0, or -errno with the
 * reason in err.  The seed count, a stop request and an engine that
 * cannot start (from its child process) are said (harness/core/say.h).
 *
 * The engine runs in a process group of its own with PR_SET_PDEATHSIG
 * (SIGTERM), and this process is a child subreaper for the call: on
 * SIGTERM, SIGINT or SIGHUP the engine is asked to stop (SIGTERM; the
 * drivers finish a finding they are writing first), given
 * FUZZ_STOP_GRACE_S, then its whole group is SIGKILLed, and every process
 * of the group is reaped before fuzz_run returns 0 with st->signo set.
 * (The stop request is harness/core/stop.h's, caught for the call: a
 * request made before the call, by a caller that catches them too, stops
 * the engine at once.)  The signal's previous disposition is restored on
 * return; callers exit 128 + st->signo.  If this process is SIGKILLed, the engine gets SIGTERM
 * from the kernel and the test VMs die with it (vmclient's PDEATHSIG).
 */
#define FUZZ_STOP_GRACE_S 30
int fuzz_run(const struct fuzz_opts *o, struct fuzz_stats *st, char *err, size_t errlen);

/*
 * Convert the corpus folder's .mmu files into engine seeds.  0, or -errno
 * with the reason ("file: what") in err.
 */
int fuzz_write_seeds(const char *corpus, const char *seeds, int exclude_shared,
		     unsigned *kept, unsigned *skipped, char *err, size_t errlen);

int fuzz_read_stats(const char *stats_path, struct fuzz_stats *st);

/*
 * system(cmd) for the campaign's helper commands (kernel builds): the
 * shell, and what it execs, get SIGTERM if this process dies
 * (PR_SET_PDEATHSIG), so a stopped night leaves no build running; a
 * caller that catches stop requests (harness/core/stop.h) has the
 * request passed on to the command as SIGTERM, and still waits for it.
 * Returns the wait status, or -1 (errno set) when no child could be
 * started.
 */
int fuzz_system(const char *cmd);

#endif /* MMUFUZZ_CAMPAIGN_FUZZ_H */
