/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test support for mmufuzz's own logic.
 *
 *   CHECK(cond, fmt, ...)   record one assertion; on failure print
 *                           file:line and the message, keep going
 *   SKIP(fmt, ...)          record one check that cannot run here, and
 *                           say why (file:line and the reason on stdout)
 *   check_file_has()        what a test saved: dir/name holds a string
 *   check_summary()         print "N passed, N failed, N skipped" (the
 *                           line that tests/run-checks.sh and CI read)
 *                           and return the process exit status: a skip
 *                           never fails a run, and never passes a check
 */
#ifndef MMUFUZZ_CHECK_H
#define MMUFUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

static unsigned check_passed, check_failed, check_skipped;

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

#define SKIP(...)							\
	do {								\
		check_skipped++;					\
		printf("SKIP %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		putchar('\n');						\
	} while (0)

/* A message sink for the layers under test (harness/core/say.h): stderr. */
static inline void check_say(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/*
 * 1 if dir/name can be read and its first 64 KiB hold needle (needle
 * NULL: the file is not empty), else 0.
 */
static inline int check_file_has(const char *dir, const char *name, const char *needle)
{
	static char buf[65536];
	char path[4200];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return needle ? strstr(buf, needle) != NULL : n > 0;
}

/* A child that sends the test process SIGTERM after us microseconds (the
 * stop-request tests); the caller reaps it. */
static inline pid_t check_sigterm_me_after(useconds_t us)
{
	pid_t pid = fork();

	if (!pid) {
		usleep(us);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	return pid;
}

/* FNV-1a of n bytes: compare two runs' whole observations cheaply. */
static inline uint64_t check_fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static inline int check_summary(const char *suite)
{
	fflush(stderr);
	printf("%s: %u passed, %u failed, %u skipped\n", suite, check_passed, check_failed,
	       check_skipped);
	return check_failed ? 1 : 0;
}

#endif /* MMUFUZZ_CHECK_H */
