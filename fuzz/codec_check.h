/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the codec fuzz targets: given a program the decoder or the
 * parser accepted, every other representation must agree with it.  Any
 * disagreement abort()s, which libFuzzer and the replay driver report as
 * a finding.
 */
#ifndef MMUFUZZ_FUZZ_CODEC_CHECK_H
#define MMUFUZZ_FUZZ_CODEC_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/program/prog.h"

static inline void codec_fail(const char *what, const char *detail)
{
	fprintf(stderr, "codec invariant broken: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

/* p was accepted: check well-formedness and both round trips. */
static inline void codec_check_accepted(const struct program *p)
{
	static char text[PROG_TEXT_MAX], text2[PROG_TEXT_MAX];
	static uint8_t bytes[PROG_BIN_MAX];
	static struct program q;
	char err[256];
	size_t n, n2;
	long m;

	if (prog_check(p, err, sizeof(err)))
		codec_fail("accepted program fails prog_check", err);
	n = prog_format(p, text, sizeof(text));
	if (n >= sizeof(text))
		codec_fail("canonical text does not fit PROG_TEXT_MAX", NULL);
	if (prog_parse(text, n, "canonical", &q, err, sizeof(err)))
		codec_fail("canonical text does not parse", err);
	if (!prog_same(p, &q))
		codec_fail("text -> program differs", NULL);
	n2 = prog_format(&q, text2, sizeof(text2));
	if (n2 != n || memcmp(text, text2, n))
		codec_fail("printing is not canonical", NULL);
	m = prog_encode(p, bytes, sizeof(bytes));
	if (m <= 0)
		codec_fail("accepted program does not encode", NULL);
	if (prog_decode(bytes, m, &q, err, sizeof(err)))
		codec_fail("encoding does not decode", err);
	if (!prog_same(p, &q))
		codec_fail("program -> bytes -> program differs", NULL);
}

/* A refusal must carry a reason in the documented shape. */
static inline void codec_check_refused(const char *err, const char *prefix)
{
	if (!err[0] || (prefix && strncmp(err, prefix, strlen(prefix))))
		codec_fail("refusal without the expected reason", err);
}

#endif /* MMUFUZZ_FUZZ_CODEC_CHECK_H */
