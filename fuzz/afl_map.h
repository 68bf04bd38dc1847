/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMUFUZZ_AFL_MAP_H
#define MMUFUZZ_AFL_MAP_H
#include <stdint.h>
/* AFL++'s shared coverage map and its size (valid after __AFL_INIT). */
uint8_t *afl_map(uint32_t *size);
#endif
