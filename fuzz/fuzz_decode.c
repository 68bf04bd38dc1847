// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the byte decoder.  Every input must either decode to
 * a well-formed program that survives both round trips, or be refused
 * with "byte N: ...".  ASan/UBSan catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include "fuzz/codec_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct program p;
	char err[256] = "";

	if (size > PROG_BIN_MAX)
		return -1;	/* outside the format's limits: not a useful input */
	if (prog_decode(data, size, &p, err, sizeof(err)))
		codec_check_refused(err, "byte ");
	else
		codec_check_accepted(&p);
	return 0;
}
