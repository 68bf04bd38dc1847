// SPDX-License-Identifier: GPL-2.0
/* KVM's edges into the engines' counters (see kvm_edges.h). */
#include "fuzz/kvm_edges.h"

size_t kvm_edges_fold(struct kvm_edges *st, const struct diffrun_result *r,
		      uint8_t *counters, size_t n)
{
	size_t folded = 0;

	if (!n)
		return 0;
	for (int i = 0; i < r->n && i < DIFFRUN_MAX_KERNELS; i++) {
		const struct diffrun_kcov *c = &r->k[i].kcov;
		int switched = c->hdr.switches > 0;

		if (!c->on)
			continue;
		st->runs++;
		st->switched += switched;
		st->overflowed += c->hdr.overflow > 0;
		for (uint32_t e = 0; e < c->hdr.n_edges && e < DIFFRUN_MAX_EDGES; e++) {
			uint32_t slot = VMP_KCOV_SLOT(c->edges[e]), cnt = VMP_KCOV_COUNT(c->edges[e]);
			uint8_t bit = (uint8_t)(1u << (slot & 7)), *clean = &st->clean[i][slot >> 3];
			size_t idx = (slot + (size_t)i * (n / 2)) % n;

			if (switched && !(*clean & bit)) {
				st->held_back++;
				continue;
			}
			if (!switched && !(*clean & bit)) {
				*clean |= bit;
				st->distinct++;
			}
			counters[idx] = counters[idx] + cnt > 255 ? 255 : (uint8_t)(counters[idx] + cnt);
			folded++;
		}
	}
	return folded;
}
