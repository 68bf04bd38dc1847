// SPDX-License-Identifier: GPL-2.0
/*
 * Packed struct run_obs for RUN_DONE (vmclient_proto.h, VMP_RUN_PACKED):
 * the agent packs, vmclient unpacks.  Zero arena pages are left out, which
 * makes a typical reply about a tenth of the 260 KiB plain struct.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "harness/vm/vmclient.h"
#include "harness/vm/vmclient_pack.h"

#define ARENA_OFF	offsetof(struct run_obs, arena)
#define ARENA_LEN	sizeof(((struct run_obs *)0)->arena)
#define TAIL_OFF	(ARENA_OFF + ARENA_LEN)
#define TAIL_LEN	(sizeof(struct run_obs) - TAIL_OFF)

_Static_assert(LAYOUT_ARENA_PAGES <= 64, "page_map has 64 bits");

static int page_is_zero(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < LAYOUT_PAGE_SIZE; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		if (v)
			return 0;
	}
	return 1;
}

size_t vmp_obs_pack(const struct run_obs *obs, uint8_t *out, size_t cap)
{
	struct vmp_obs_packed h = { .head_len = ARENA_OFF, .tail_len = TAIL_LEN };
	const uint8_t *raw = (const uint8_t *)obs;
	size_t off = sizeof(h) + ARENA_OFF + TAIL_LEN;
	unsigned i;

	if (cap < off)
		return 0;
	for (i = 0; i < LAYOUT_ARENA_PAGES; i++) {
		const uint8_t *pg = obs->arena + i * LAYOUT_PAGE_SIZE;

		if (page_is_zero(pg))
			continue;
		if (off + LAYOUT_PAGE_SIZE > cap)
			return 0;
		h.page_map |= 1ULL << i;
		memcpy(out + off, pg, LAYOUT_PAGE_SIZE);
		off += LAYOUT_PAGE_SIZE;
	}
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), raw, ARENA_OFF);
	memcpy(out + sizeof(h) + ARENA_OFF, raw + TAIL_OFF, TAIL_LEN);
	return off;
}

long vmp_obs_unpack(const uint8_t *in, size_t len, struct run_obs *obs)
{
	struct vmp_obs_packed h;
	uint8_t *raw = (uint8_t *)obs;
	size_t off = sizeof(h);
	unsigned i;

	if (len < sizeof(h))
		return -EPROTO;
	memcpy(&h, in, sizeof(h));
	if (h.head_len != ARENA_OFF || h.tail_len != TAIL_LEN ||
	    (LAYOUT_ARENA_PAGES < 64 && (h.page_map >> LAYOUT_ARENA_PAGES)) ||
	    len < off + ARENA_OFF + TAIL_LEN)
		return -EPROTO;
	memcpy(raw, in + off, ARENA_OFF);
	off += ARENA_OFF;
	memcpy(raw + TAIL_OFF, in + off, TAIL_LEN);
	off += TAIL_LEN;
	for (i = 0; i < LAYOUT_ARENA_PAGES; i++) {
		uint8_t *pg = obs->arena + i * LAYOUT_PAGE_SIZE;

		if (!(h.page_map & (1ULL << i))) {
			memset(pg, 0, LAYOUT_PAGE_SIZE);
			continue;
		}
		if (off + LAYOUT_PAGE_SIZE > len)
			return -EPROTO;
		memcpy(pg, in + off, LAYOUT_PAGE_SIZE);
		off += LAYOUT_PAGE_SIZE;
	}
	return (long)off;
}
