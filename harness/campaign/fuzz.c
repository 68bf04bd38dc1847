// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzzing campaign as a library call: seeds from the .mmu corpus, a real
 * engine (libFuzzer or AFL++) run to its end over programs on the test
 * VMs, and its statistics read back.
 *
 * The engine binaries live next to the calling one (build/fuzz/).
 * Progress and findings come back through the stats file the drivers
 * append to (fuzz/engine.h), which is also what the time-to-bug benchmark
 * reads.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/campaign/fuzz.h"
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "harness/store/finding.h"
#include "harness/program/prog.h"

/* build/ of this binary (engines are in build/fuzz/). */
static int self_dir(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
	return 0;
}

int fuzz_write_seeds(const char *corpus, const char *seeds, int exclude_shared, unsigned *kept,
		     unsigned *skipped, char *err, size_t errlen)
{
	static struct program p;
	char path[PATH_MAX];
	uint8_t buf[PROG_BIN_MAX];
	struct dirent *de;
	DIR *d = opendir(corpus);
	int ret = 0;

	*kept = *skipped = 0;
	if (!d) {
		ret = -errno;
		snprintf(err, errlen, "corpus %s: %s", corpus, strerror(-ret));
		return ret;
	}
	ret = finding_mkdir_parents(seeds);
	if (ret) {
		snprintf(err, errlen, "cannot create %s: %s", seeds, strerror(-ret));
		closedir(d);
		return ret;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		long n;
		FILE *f;

		if (len < 5 || strcmp(de->d_name + len - 4, ".mmu"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", corpus, de->d_name);
		if (prog_parse_file(path, &p, err, errlen)) {
			ret = -EINVAL;
			break;
		}
		if (exclude_shared && prog_has_shared_pdpt_page(&p)) {
			(*skipped)++;
			continue;
		}
		n = prog_encode(&p, buf, sizeof(buf));
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot encode (%s)", path, strerror((int)-n));
			ret = (int)n;
			break;
		}
		snprintf(path, sizeof(path), "%s/%.*s.bin", seeds, (int)(len - 4), de->d_name);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			ret = -EIO;
			break;
		}
		(*kept)++;
	}
	closedir(d);
	return ret;
}

static void setenv_abs(const char *name, const char *path)
{
	char abs[PATH_MAX];

	if (path[0] == '/' || !getcwd(abs, sizeof(abs)))
		setenv(name, path, 1);
	else {
		size_t l = strlen(abs);

		snprintf(abs + l, sizeof(abs) - l, "/%s", path);
		setenv(name, abs, 1);
	}
}

int fuzz_read_stats(const char *stats_path, struct fuzz_stats *st)
{
	char line[PATH_MAX + 128], cls[64], path[PATH_MAX];
	unsigned long progs;
	double secs;
	int shared, nf;
	FILE *f = fopen(stats_path, "r");

	memset(st, 0, sizeof(*st));
	st->first_finding_s = -1;
	st->first_shared_s = -1;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "progress %lu %lf", &progs, &secs) == 2) {
			st->programs = progs, st->seconds = secs;
		} else if ((nf = sscanf(line, "finding %63s %lu %lf %4095s shared-pdpt-page=%d", cls,
					       &progs, &secs, path, &shared)) >= 4) {
			if (nf == 5 && shared && !strcmp(cls, "regression") && st->first_shared_s < 0) {
				st->first_shared_s = secs;
				snprintf(st->first_shared_path, sizeof(st->first_shared_path), "%s", path);
			}
			if (st->findings++ == 0) {
				st->first_finding_s = secs;
				snprintf(st->first_class, sizeof(st->first_class), "%s", cls);
				snprintf(st->first_path, sizeof(st->first_path), "%s", path);
			}
			st->programs = progs, st->seconds = secs;
		} else if (sscanf(line, "end %lu %lf", &progs, &secs) == 2) {
			st->programs = progs, st->seconds = secs;
		} else if (!strncmp(line, "directed ", 9)) {
			snprintf(st->directed, sizeof(st->directed), "%.*s",
				 (int)strcspn(line + 9, "\n"), line + 9);
		}
	}
	fclose(f);
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Wait for the engine; on a stop request ask it to stop, and past the
 * grace (or on a second request) kill its group.  Then kill and reap
 * whatever is left of the group (AFL++'s fork server and its children,
 * a QEMU whose parent just died): they were re-parented to us, the
 * subreaper, so waitpid on the group finds them.
 */
static void wait_engine(pid_t pid, int *status, const struct fuzz_opts *o, const char *stats,
			const char *work)
{
	double deadline = 0, next_progress = 0;
	int r, killed = 0;

	for (;;) {
		if (o->hard_deadline && !deadline && now_s() >= o->hard_deadline) {
			say("mmufuzz fuzz: the night's deadline: stopping the engine (pid %d)",
			    (int)pid);
			kill(pid, SIGTERM);
			deadline = now_s() + FUZZ_DEADLINE_GRACE_S;
		}
		/* With a progress callback the wait polls: once a second the
		 * stats the drivers append are read back and handed over. */
		if ((o->progress || o->hard_deadline) && !deadline && !stop_requested()) {
			r = waitpid(pid, status, WNOHANG);
			if (r == pid)
				break;
			if (r < 0 && errno != EINTR) {
				*status = 0;
				break;
			}
			if (o->progress && now_s() >= next_progress) {
				struct fuzz_stats st;

				fuzz_read_stats(stats, &st);
				o->progress(&st, work, o->progress_ctx);
				next_progress = now_s() + 1;
			}
			usleep(100000);	/* a stop signal cuts it short */
			continue;
		}
		if (stop_requested() && !deadline) {
			say("mmufuzz fuzz: SIG%s: stopping the engine (pid %d)",
			    sigabbrev_np(stop_requested()), (int)pid);
			kill(pid, SIGTERM);
			deadline = now_s() + FUZZ_STOP_GRACE_S;
		}
		r = waitpid(pid, status, deadline ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			*status = 0;
			break;
		}
		if (deadline && !killed && (stop_insisted() || now_s() > deadline)) {
			say("mmufuzz fuzz: the engine did not stop in %d s: killing "
			    "its process group", stop_insisted() ? 0 : FUZZ_STOP_GRACE_S);
			kill(-pid, SIGKILL);
			killed = 1;	/* SIGKILL: the next wait returns */
		}
		if (deadline)
			usleep(50000);
	}
	kill(-pid, SIGKILL);
	deadline = now_s() + 10;
	while (now_s() < deadline) {
		r = waitpid(-pid, NULL, WNOHANG);
		if (r < 0 && errno == ECHILD)
			break;
		if (r <= 0)
			usleep(20000);
	}
}

/*
 * A child's stop signals back to their defaults before it execs.  A
 * signal meant for it that came before the reset hit our handler and only
 * set the (copied) flag: it ends the child here, or it would be lost.
 */
static void child_default_signals(void)
{
	sigset_t none;

	for (int i = 0; i < STOP_N_SIGNALS; i++)
		signal(stop_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (stop_requested())
		_exit(128 + stop_requested());
}

/* The engine's side of the fork: own group, dies with us, then exec. */
static void engine_child_setup(pid_t parent)
{
	setpgid(0, 0);
	child_default_signals();
	/* SIGTERM, not SIGKILL: the driver finishes a finding it is writing. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)	/* we died before the prctl */
		_exit(128 + SIGTERM);
}

int fuzz_run(const struct fuzz_opts *o, struct fuzz_stats *st, char *err, size_t errlen)
{
	struct stop_saved old_sa;
	pid_t parent = getpid();
	int was_subreaper = 0;
	char self[PATH_MAX], work[PATH_MAX], seeds[PATH_MAX], queue[PATH_MAX], stats[PATH_MAX];
	char engine[PATH_MAX + 32], arg_time[64], arg_seed[64], arg_art[PATH_MAX + 32];
	char mutlib[PATH_MAX + 32];
	unsigned kept, skipped;
	int ret, status, stats_ret;
	pid_t pid;

	if (self_dir(self, sizeof(self))) {
		snprintf(err, errlen, "cannot find the engines: /proc/self/exe unreadable");
		return -ENOENT;
	}
	if (o->work)
		snprintf(work, sizeof(work), "%s", o->work);
	else
		snprintf(work, sizeof(work), "%s/fuzz-work/%ld-%d", self, (long)time(NULL), getpid());
	snprintf(seeds, sizeof(seeds), "%s/seeds", work);
	snprintf(queue, sizeof(queue), "%s/queue", work);
	snprintf(stats, sizeof(stats), "%s/stats", work);
	ret = finding_mkdir_parents(queue);
	if (ret) {
		snprintf(err, errlen, "cannot create %s: %s", queue, strerror(-ret));
		return ret;
	}
	ret = fuzz_write_seeds(o->corpus, seeds, o->exclude_shared, &kept, &skipped, err, errlen);
	if (ret)
		return ret;
	say("mmufuzz fuzz: %u seeds from %s%s (%u with two PDPTs on one page left out)",
		kept, o->corpus, o->exclude_shared ? "" : "", skipped);
	unlink(stats);

	/* Patch-directed scheduling, when the caller asks for it. */
	unsetenv("MMUFUZZ_PATCH_SITES");
	unsetenv("MMUFUZZ_DIRECTED_POOL");
	if (o->prepare)
		o->prepare(o, work);

	setenv("MMUFUZZ_KERNELS", o->kernels, 1);
	setenv_abs("MMUFUZZ_FINDINGS", o->findings);
	setenv("MMUFUZZ_STATS", stats, 1);
	setenv("MMUFUZZ_KEEP_GOING", o->keep_going || o->stop_shared ? "1" : "0", 1);
	setenv("MMUFUZZ_STOP_SHARED", o->stop_shared ? "1" : "0", 1);
	snprintf(arg_time, sizeof(arg_time), "%u", o->npt);
	setenv("MMUFUZZ_NPT", arg_time, 1);

	stop_catch(&old_sa);
	prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err, errlen, "fork: %s", strerror(-ret));
		stop_release(&old_sa);
		prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
		return ret;
	}
	if (!pid) {
		engine_child_setup(parent);
		if (o->engine_afl) {
			snprintf(engine, sizeof(engine), "%s/fuzz/afl_kvm", self);
			snprintf(mutlib, sizeof(mutlib), "%s/fuzz/afl_mutator.so", self);
			setenv("AFL_CUSTOM_MUTATOR_LIBRARY", mutlib, 1);
			setenv("AFL_CUSTOM_MUTATOR_ONLY", "1", 1);
			/* The map is sized to the driver's edges unless told
			 * otherwise; the KVM features need 32 KiB of it. */
			setenv("AFL_MAP_SIZE", "65536", 1);
			setenv("AFL_NO_UI", "1", 1);
			setenv("AFL_SKIP_CPUFREQ", "1", 1);
			setenv("AFL_NO_AFFINITY", "1", 1);
			setenv("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1", 1);
			setenv("AFL_FORKSRV_INIT_TMOUT", "120000", 1);
			/* afl-fuzz ends its target with this when it stops (or on
			 * a timeout): SIGTERM lets the driver finish a finding.
			 * (AFL++ 4.04c has no separate fork-server signal; the
			 * fork server dies with afl-fuzz: PDEATHSIG, afl_kvm.c.) */
			setenv("AFL_KILL_SIGNAL", "15", 1);
			if (!o->keep_going || o->stop_shared)
				setenv("AFL_BENCH_UNTIL_CRASH", "1", 1);
			snprintf(arg_time, sizeof(arg_time), "%u", o->seconds ? o->seconds : 86400);
			snprintf(arg_seed, sizeof(arg_seed), "%u", o->seed);
			snprintf(arg_art, sizeof(arg_art), "%s/afl", work);
			execlp("afl-fuzz", "afl-fuzz", "-i", seeds, "-o", arg_art, "-V", arg_time,
			       "-s", arg_seed, "-t", "120000", "--", engine, (char *)NULL);
			say("mmufuzz fuzz: cannot run afl-fuzz: %s", strerror(errno));
		} else {
			snprintf(engine, sizeof(engine), "%s/fuzz/fuzz_kvm", self);
			snprintf(arg_time, sizeof(arg_time), "-max_total_time=%u", o->seconds);
			snprintf(arg_seed, sizeof(arg_seed), "-seed=%u", o->seed);
			snprintf(arg_art, sizeof(arg_art), "-artifact_prefix=%s/", work);
			/* -rss_limit_mb=0: no RSS thread, so the driver stays one
			 * thread and finding_signals_hold() covers it whole. */
			execl(engine, engine, arg_time, arg_seed, arg_art, "-reload=0",
			      "-print_final_stats=1", "-timeout=600", "-max_len=8192",
			      "-rss_limit_mb=0",
			      "-len_control=0", queue, seeds, (char *)NULL);
			say("mmufuzz fuzz: cannot run %s: %s (make engines)", engine,
				strerror(errno));
		}
		_exit(127);
	}
	setpgid(pid, pid);	/* as the child does: no window without its group */
	wait_engine(pid, &status, o, stats, work);
	stop_release(&old_sa);
	prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
	stats_ret = fuzz_read_stats(stats, st);
	st->engine_status = status;
	st->signo = stop_requested();
	if (st->signo)
		return 0;
	snprintf(st->work, sizeof(st->work), "%s", work);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "the engine did not start (see above)");
		return -ENOENT;
	}
	/* The driver creates the stats file when it starts: without it the
	 * engine gave up before running anything (afl-fuzz without its
	 * custom mutator, say), which is no clean run. */
	if (stats_ret == -ENOENT) {
		if (WIFEXITED(status))
			snprintf(err, errlen, "the engine exited with status %d before its driver started (see above)",
				 WEXITSTATUS(status));
		else
			snprintf(err, errlen, "the engine was killed by SIG%s before its driver started",
				 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
		return -ENOEXEC;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2 && !st->programs) {
		snprintf(err, errlen, "the engine's driver could not boot the test VMs (see above)");
		return -EIO;
	}
	return 0;
}

int fuzz_system(const char *cmd)
{
	pid_t parent = getpid(), pid = fork();
	int st, forwarded = 0;

	if (pid < 0)
		return -1;
	if (!pid) {
		child_default_signals();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(128 + SIGTERM);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		/* A caller that catches stop requests passes them on (once),
		 * one made before the call included. */
		if (stop_requested() && !forwarded++)
			kill(pid, SIGTERM);
		if (waitpid(pid, &st, 0) == pid)
			return st;
		if (errno != EINTR)
			return -1;
	}
}

void fuzz_opts_default(struct fuzz_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kernels = "baseline,pae-root-rfc";
	o->corpus = "corpus";
	o->findings = "findings";
	o->seed = (unsigned)time(NULL);
}
