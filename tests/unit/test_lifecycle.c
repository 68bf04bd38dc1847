// SPDX-License-Identifier: GPL-2.0
/*
 * Process rules that need no VM: fuzz_system()'s children die with their
 * parent (PR_SET_PDEATHSIG), and finding_signals_hold() defers a SIGTERM
 * until the save it guards is over.  (The whole run, with VMs, is
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
	return check_summary("lifecycle");
}
