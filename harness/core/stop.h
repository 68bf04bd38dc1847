/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stop requests: how every mmufuzz command that starts children (test
 * VMs, an engine, kernel builds) hears SIGTERM, SIGINT and SIGHUP and
 * winds down instead of dying where it stands.
 *
 * stop_catch() installs a handler that only records the signal; the
 * handler has no SA_RESTART, so a poll(), waitpid() or read() the
 * process sleeps in returns EINTR and the loop around it looks at
 * stop_requested().  The layers that wait (vmclient's boot and request
 * loops, the fuzz campaign's engine wait) give up their wait then: a
 * request in flight is abandoned (-EINTR), its VM killed, nothing saved
 * for it.  The command unwinds through its normal cleanup (every QEMU
 * killed and reaped), saves what it has (minimize: the smallest program
 * so far), and exits 128 + the signal.  A process that never calls
 * stop_catch() (the fuzz drivers) keeps the default actions, and
 * stop_requested() stays 0 there.
 *
 * A request is one-way: once recorded it stays until the process ends
 * (a second request is counted apart: "stop now").  Children the
 * process execs get the default actions back (exec resets caught
 * signals).  finding_save() holds the same signals while it writes
 * (harness/store/finding.h), so a request never cuts a folder in half.
 * SIGKILL cannot be caught: then the children's PR_SET_PDEATHSIG ends
 * them (vmclient: QEMU gets SIGKILL).
 */
#ifndef MMUFUZZ_CORE_STOP_H
#define MMUFUZZ_CORE_STOP_H

#include <signal.h>

#define STOP_N_SIGNALS 3
extern const int stop_signals[STOP_N_SIGNALS];	/* SIGTERM, SIGINT, SIGHUP */

struct stop_saved {
	struct sigaction old[STOP_N_SIGNALS];
};

/* Catch the stop signals; old gets the dispositions they had.  Never fails. */
void stop_catch(struct stop_saved *old);

/* Put back what stop_catch() saved (a request already recorded stays). */
void stop_release(const struct stop_saved *old);

/* The first stop signal received since the process started, or 0. */
int stop_requested(void);

/* 1 once a second stop signal came (the user insists: skip any grace). */
int stop_insisted(void);

/* The exit status of a command a stop request ended: 128 + the signal. */
static inline int stop_exit_status(void)
{
	return 128 + stop_requested();
}

#endif /* MMUFUZZ_CORE_STOP_H */
