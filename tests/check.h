/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test support for mmufuzz's own logic.
 *
 *   CHECK(cond, fmt, ...)   record one assertion; on failure print
 *                           file:line and the message, keep going
 *   check_summary()         print "N passed, N failed" (the line that
 *                           tests/run-checks.sh and CI read) and return
 *                           the process exit status
 */
#ifndef MMUFUZZ_CHECK_H
#define MMUFUZZ_CHECK_H

#include <stdio.h>

static unsigned check_passed, check_failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

static inline int check_summary(const char *suite)
{
	fflush(stderr);
	printf("%s: %u passed, %u failed\n", suite, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif /* MMUFUZZ_CHECK_H */
