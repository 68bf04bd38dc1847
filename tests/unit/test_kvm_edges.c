// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/kvm_edges.c: KVM's edges (VMP_SEC_KCOV, as diffrun carries it)
 * into the engines' counters, on hand-made results (no VM).
 *   - a result without KVM coverage changes nothing;
 *   - a clean run's edges land at their slots with their counts, and the
 *     second kernel's at slot + n/2 (mod n);
 *   - a new edge changes the counters, the same edges give the same
 *     counters (what libFuzzer and AFL++ compare run to run);
 *   - counts saturate at 255;
 *   - a run switched out contributes only edges a clean run showed (the
 *     preemption noise rule), and holds the others back, counted;
 *   - overflowed runs are counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/kvm_edges.h"
#include "tests/check.h"

#define N 65536

static struct diffrun_result *res;
static struct kvm_edges st;
static uint8_t c1[N], c2[N];

/* Kernel k's result: the given slots, count cnt each. */
static void set_edges(int k, const uint32_t *slots, int n, unsigned cnt, unsigned switches)
{
	struct diffrun_kcov *c = &res->k[k].kcov;

	c->on = 1;
	c->hdr.n_edges = (uint32_t)n;
	c->hdr.switches = switches;
	c->hdr.overflow = 0;
	for (int i = 0; i < n; i++)
		c->edges[i] = slots[i] | cnt << 16;
}

static int count_set(const uint8_t *c)
{
	int n = 0;

	for (int i = 0; i < N; i++)
		n += !!c[i];
	return n;
}

int main(void)
{
	static const uint32_t a[] = { 7, 300, 65535 }, b[] = { 7, 300, 65535, 1234 };
	size_t folded;

	res = diffrun_result_new();
	if (!res)
		return 2;
	res->n = 2;

	/* No coverage: nothing moves. */
	folded = kvm_edges_fold(&st, res, c1, N);
	CHECK(folded == 0 && count_set(c1) == 0, "no kcov: folded %zu, set %d", folded, count_set(c1));
	CHECK(st.runs == 0, "no kcov: runs %lu", st.runs);

	/* A clean run of kernel 0. */
	set_edges(0, a, 3, 2, 0);
	folded = kvm_edges_fold(&st, res, c1, N);
	CHECK(folded == 3, "clean run: folded %zu, want 3", folded);
	CHECK(c1[7] == 2 && c1[300] == 2 && c1[65535] == 2, "slots hold the counts: %u %u %u",
	      c1[7], c1[300], c1[65535]);
	CHECK(count_set(c1) == 3, "only those slots: %d set", count_set(c1));
	CHECK(st.distinct == 3, "3 distinct clean edges, got %lu", st.distinct);

	/* The same edges again: the same counters (engines see no news). */
	folded = kvm_edges_fold(&st, res, c2, N);
	CHECK(!memcmp(c1, c2, N), "same edges, same counters");

	/* One more edge: the counters differ (the engine keeps the input). */
	memset(c2, 0, N);
	set_edges(0, b, 4, 2, 0);
	kvm_edges_fold(&st, res, c2, N);
	CHECK(memcmp(c1, c2, N) != 0 && c2[1234] == 2, "a new edge changes the counters");
	CHECK(st.distinct == 4, "4 distinct clean edges, got %lu", st.distinct);

	/* Kernel 1's edges land half the map away; a smaller map folds. */
	memset(c1, 0, N);
	res->k[0].kcov.on = 0;
	set_edges(1, a, 3, 1, 0);
	kvm_edges_fold(&st, res, c1, N);
	CHECK(c1[7 + N / 2] == 1 && c1[300 + N / 2] == 1 && c1[(65535 + N / 2) % N] == 1 && !c1[7],
	      "kernel 1 at slot + n/2");
	memset(c1, 0, N);
	kvm_edges_fold(&st, res, c1, 1000);
	CHECK(c1[(7 + 500) % 1000] == 1 && count_set(c1) == 3,
	      "a 1000-slot map: slot 7 of kernel 1 at 507, 3 set (%d), all below 1000",
	      count_set(c1));
	{
		int past = 0;

		for (int i = 1000; i < N; i++)
			past += !!c1[i];
		CHECK(past == 0, "nothing past a 1000-slot map (%d)", past);
	}
	res->k[1].kcov.on = 0;

	/* Counts saturate. */
	memset(c1, 0, N);
	c1[7] = 250;
	set_edges(0, a, 1, 9, 0);
	kvm_edges_fold(&st, res, c1, N);
	CHECK(c1[7] == 255, "250 + 9 saturates at 255, got %u", c1[7]);

	/* Switched out: known edges count, an unseen one is held back. */
	{
		static const uint32_t noisy[] = { 7, 4242, 4243 };
		unsigned long held = st.held_back, sw = st.switched;

		memset(c1, 0, N);
		set_edges(0, noisy, 3, 1, 2);
		folded = kvm_edges_fold(&st, res, c1, N);
		CHECK(folded == 1 && c1[7] == 1 && !c1[4242] && !c1[4243],
		      "switched run: only the clean-known edge 7 (folded %zu)", folded);
		CHECK(st.held_back == held + 2 && st.switched == sw + 1,
		      "held back %lu (+2), switched %lu (+1)", st.held_back - held, st.switched - sw);
		/* Once a clean run shows 4242, a switched run may count it. */
		set_edges(0, noisy + 1, 1, 1, 0);
		kvm_edges_fold(&st, res, c1, N);
		memset(c1, 0, N);
		set_edges(0, noisy, 3, 1, 5);
		folded = kvm_edges_fold(&st, res, c1, N);
		CHECK(folded == 2 && c1[4242] == 1 && !c1[4243], "after a clean 4242: folded %zu", folded);
	}

	/* Overflow is counted. */
	{
		unsigned long o = st.overflowed;

		set_edges(0, a, 3, 1, 0);
		res->k[0].kcov.hdr.overflow = 17;
		kvm_edges_fold(&st, res, c1, N);
		CHECK(st.overflowed == o + 1, "overflowed run counted");
	}
	diffrun_result_free(res);
	return check_summary("kvm_edges");
}
