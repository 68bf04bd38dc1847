/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the library's messages go (say.c).  Only cli/, fuzz/ and tests/
 * print: the layers under them tell a user what they need to know (a test
 * VM died and where its finding is, a boot failed and where its console
 * was kept, a fuzzing campaign stops its engine, a reproducer was written)
 * through say(), and each program installs the sink that prints it
 * (mmufuzz: stderr).
 *
 * One sink per process, not per call: the messages come from deep inside
 * calls (a VM restarted after a death, in the middle of a differential
 * run) that a program reaches through several layers.  Errors are not
 * messages: they are returned as -errno with a reason string.
 */
#ifndef MMUFUZZ_CORE_SAY_H
#define MMUFUZZ_CORE_SAY_H

/* One line, without its newline. */
typedef void say_fn(void *ctx, const char *line);

/* Install fn (NULL, the default: messages are dropped). */
void say_set_sink(say_fn *fn, void *ctx);

/* Format one line (cut at 1 KiB) and hand it to the sink, if any. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* MMUFUZZ_CORE_SAY_H */
