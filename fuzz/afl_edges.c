// SPDX-License-Identifier: GPL-2.0
/*
 * Room in AFL++'s coverage map for the KVM features.
 *
 * AFL++ sizes its map to the edges the driver was compiled with (a few
 * dozen here), and afl-fuzz reads only that much.  This file, compiled
 * with afl-clang-fast, contributes 16384 edges that never run: the map
 * grows to hold them, and fuzz/afl_kvm.c writes the features into that
 * otherwise silent space.
 */
#include "fuzz/afl_map.h"

void afl_edges_sink(int v);
void afl_edges_reserve(int v);

/* Not static, not inlined: each case stays its own instrumented block. */
__attribute__((noinline)) void afl_edges_sink(int v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}

#define E1(n)    case (n): afl_edges_sink(n); break;
#define E4(n)    E1(n) E1((n) + 1) E1((n) + 2) E1((n) + 3)
#define E16(n)   E4(n) E4((n) + 4) E4((n) + 8) E4((n) + 12)
#define E64(n)   E16(n) E16((n) + 16) E16((n) + 32) E16((n) + 48)
#define E256(n)  E64(n) E64((n) + 64) E64((n) + 128) E64((n) + 192)
#define E1024(n) E256(n) E256((n) + 256) E256((n) + 512) E256((n) + 768)
#define E4096(n) E1024(n) E1024((n) + 1024) E1024((n) + 2048) E1024((n) + 3072)

void afl_edges_reserve(int v)
{
	switch (v) {
	E4096(0) E4096(4096) E4096(8192) E4096(12288)
	default:
		break;
	}
}
