// SPDX-License-Identifier: GPL-2.0
/*
 * Process rules that need no VM: fuzz_system()'s children die with their
 * parent (PR_SET_PDEATHSIG), finding_signals_hold() defers a SIGTERM
 * until the save it guards is over, and a caught stop request
 * (harness/core/stop.h) is recorded and passed on to fuzz_system()'s
 * command.  (The whole run, with VMs, is
 * tests/vm/check-lifecycle.sh.)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/campaign/fuzz.h"
#include "harness/core/stop.h"
#include "harness/store/finding.h"
#include "tests/check.h"

static int gone_within(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (kill(pid, 0) && errno == ESRCH)
			return 1;
		usleep(10000);
	}
	return 0;
}

static volatile sig_atomic_t got_term;
static void on_term(int sig) { got_term = sig; }

int main(void)
{
	char file[] = "/tmp/test_lifecycle.XXXXXX", cmd[256];
	int st, fd = mkstemp(file);
	pid_t mid, shell = 0;
	FILE *f;

	st = fuzz_system("exit 3");
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 3, "exit status passed on (%d)", st);

	/* A process running fuzz_system() is SIGKILLed: its command goes too. */
	close(fd);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s; exec sleep 60", file);
	mid = fork();
	if (!mid) {
		fuzz_system(cmd);
		_exit(0);
	}
	for (int i = 0; i < 500 && !shell; i++) {
		usleep(10000);
		f = fopen(file, "r");
		if (f && fscanf(f, "%d", &shell) != 1)
			shell = 0;
		if (f)
			fclose(f);
	}
	CHECK(shell > 0, "the command started (pid in %s)", file);
	kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	if (shell > 0) {
		int gone = gone_within(shell, 5000);

		CHECK(gone, "the command (pid %d) ended with its SIGKILLed parent", shell);
		if (!gone)
			kill(shell, SIGKILL);
	}
	unlink(file);

	/* A SIGTERM raised while held arrives only on release. */
	{
		sigset_t old;

		signal(SIGTERM, on_term);
		finding_signals_hold(&old);
		raise(SIGTERM);
		CHECK(!got_term, "SIGTERM held during a save");
		finding_signals_release(&old);
		CHECK(got_term == SIGTERM, "SIGTERM delivered after the save (%d)", (int)got_term);
		signal(SIGTERM, SIG_DFL);
	}
	/*
	 * A caught stop request (harness/core/stop.h) is recorded, does not
	 * end the process, and fuzz_system() passes it on to its command: a
	 * command that would sleep 60 s ends by SIGTERM at once.  Once a stop
	 * is requested, fuzz_system() runs no new command.
	 */
	{
		struct stop_saved old;
		struct timespec t0, t1;
		pid_t killer;

		CHECK(stop_requested() == 0, "no stop request at the start (%d)", stop_requested());
		stop_catch(&old);
		killer = check_sigterm_me_after(300000);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		st = fuzz_system("exec sleep 60");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		waitpid(killer, NULL, 0);
		CHECK(stop_requested() == SIGTERM && !stop_insisted(),
		      "SIGTERM caught as a stop request (%d), the process lives on", stop_requested());
		CHECK(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && t1.tv_sec - t0.tv_sec < 10,
		      "fuzz_system passed the stop on as SIGTERM (status %#x after %ld s)", st,
		      (long)(t1.tv_sec - t0.tv_sec));
		raise(SIGINT);
		CHECK(stop_requested() == SIGTERM && stop_insisted(),
		      "a second signal insists, the first stays the reason (%d)", stop_requested());
		/* (The child ends before its exec, or by the passed-on SIGTERM
		 * if that comes after its reset: a race with one outcome.) */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		st = fuzz_system("exec sleep 60");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(st >= 0 && t1.tv_sec - t0.tv_sec < 10 &&
		      ((WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM) ||
		       (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM)),
		      "after the request the command does not run (status %#x)", st);
		stop_release(&old);
		CHECK(stop_requested() == SIGTERM, "the request outlives the release (one-way)");
	}
	return check_summary("lifecycle");
}
