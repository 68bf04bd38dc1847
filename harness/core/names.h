/* SPDX-License-Identifier: GPL-2.0 */
/* Names of enum values, from a table indexed by the value. */
#ifndef MMUFUZZ_CORE_NAMES_H
#define MMUFUZZ_CORE_NAMES_H

/* names[v] (names an array, not a pointer), or "?" for a value past the
 * table or one it does not name. */
#define NAME_OF(names, v)						\
	((unsigned)(v) < sizeof(names) / sizeof((names)[0]) && (names)[v] ? (names)[v] : "?")

#endif /* MMUFUZZ_CORE_NAMES_H */
