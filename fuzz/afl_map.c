// SPDX-License-Identifier: GPL-2.0
/*
 * AFL++'s coverage map, reached from a file compiled WITHOUT
 * afl-clang-fast: the instrumentation pass declares __afl_area_ptr itself
 * and renames any declaration of ours in an instrumented file, which then
 * fails to link.
 */
#include <stdint.h>
#include "fuzz/afl_map.h"

extern uint8_t *__afl_area_ptr;
extern uint32_t __afl_map_size;

uint8_t *afl_map(uint32_t *size)
{
	*size = __afl_map_size;
	return __afl_area_ptr;
}
