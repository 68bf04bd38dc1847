// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the .mmu text parser.  Every input must either parse
 * to a well-formed program that survives both round trips, or be refused
 * with "fuzz.mmu:line:col: ...".
 */
#include <stddef.h>
#include <stdint.h>
#include "fuzz/codec_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct program p;
	char err[256] = "";

	if (size > PROG_TEXT_MAX)
		return -1;
	if (prog_parse((const char *)data, size, "fuzz.mmu", &p, err, sizeof(err)))
		codec_check_refused(err, "fuzz.mmu:");
	else
		codec_check_accepted(&p);
	return 0;
}
