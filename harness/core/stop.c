// SPDX-License-Identifier: GPL-2.0
/* Stop requests (see stop.h). */
#include <signal.h>
#include <string.h>
#include "harness/core/stop.h"

const int stop_signals[STOP_N_SIGNALS] = { SIGTERM, SIGINT, SIGHUP };

static volatile sig_atomic_t stop_signo, stop_twice;

static void on_stop(int sig)
{
	if (stop_signo)
		stop_twice = 1;
	else
		stop_signo = sig;
}

void stop_catch(struct stop_saved *old)
{
	/* No SA_RESTART: the wait the process is in must return EINTR. */
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < STOP_N_SIGNALS; i++)
		sigaction(stop_signals[i], &sa, &old->old[i]);
}

void stop_release(const struct stop_saved *old)
{
	for (int i = 0; i < STOP_N_SIGNALS; i++)
		sigaction(stop_signals[i], &old->old[i], NULL);
}

int stop_requested(void)
{
	return stop_signo;
}

int stop_insisted(void)
{
	return stop_twice;
}
