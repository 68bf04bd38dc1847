// SPDX-License-Identifier: GPL-2.0
/*
 * Semantic minimizer (see minimize.h).
 *
 * Passes, repeated until a whole round keeps nothing:
 *   1. ddmin over ops (remove chunks, halving the chunk size down to one)
 *   2. ddmin over initial stores, then prefault ranges
 *   3. clear single set bits of CR0/CR4/EFER writes (CR3 is an address)
 *   4. clear single flag bits of PTE values (ops and initial stores):
 *      bits 0..11 and 63, never the frame address
 * Removing is tried before simplifying because each removal makes every
 * later pass cheaper.
 */
#include <errno.h>
#include <string.h>
#include "harness/core/x86.h"
#include "harness/search/minimize.h"

struct min_state {
	min_pred_fn pred;
	void *ctx;
	unsigned max_tries;
	struct min_stats *st;
	int stop;		/* <0: predicate asked to stop; 1: out of tries */
};

/* Try cand; on success copy it into *best.  Returns 1 if kept. */
static int min_try(struct min_state *s, struct program *best, const struct program *cand)
{
	char err[160];
	int r;

	if (s->stop)
		return 0;
	if (prog_check(cand, err, sizeof(err))) {
		s->st->ill_formed++;
		return 0;
	}
	if (s->max_tries && s->st->tries >= s->max_tries) {
		s->stop = 1;
		return 0;
	}
	s->st->tries++;
	r = s->pred(cand, s->ctx);
	if (r < 0) {
		s->stop = r;
		return 0;
	}
	if (!r)
		return 0;
	s->st->kept++;
	*best = *cand;
	return 1;
}

/* Remove elements [from, from+count) of an array of n elements of size sz. */
static void cut(void *base, uint16_t *n, size_t sz, unsigned from, unsigned count)
{
	char *b = base;

	memmove(b + from * sz, b + (from + count) * sz, (*n - from - count) * sz);
	*n -= count;
}

enum min_list { LIST_OPS, LIST_INIT, LIST_PREFAULT };

static void list_of(struct program *p, enum min_list which, void **base, uint16_t **n, size_t *sz)
{
	switch (which) {
	case LIST_OPS:
		*base = p->ops, *n = &p->n_ops, *sz = sizeof(p->ops[0]);
		break;
	case LIST_INIT:
		*base = p->init, *n = &p->n_init, *sz = sizeof(p->init[0]);
		break;
	default:
		*base = p->prefault, *n = &p->n_prefault, *sz = sizeof(p->prefault[0]);
		break;
	}
}

static int ddmin_list(struct min_state *s, struct program *best, enum min_list which)
{
	struct program cand_buf, *cand = &cand_buf;
	int kept_any = 0;
	void *base;
	uint16_t *n;
	size_t sz;

	list_of(best, which, &base, &n, &sz);
	for (unsigned chunk = *n / 2 ? *n / 2 : 1; chunk >= 1 && !s->stop; chunk /= 2) {
		for (unsigned from = 0; !s->stop;) {
			list_of(best, which, &base, &n, &sz);
			if (from >= *n)
				break;
			unsigned count = chunk < *n - from ? chunk : *n - from;
			*cand = *best;
			list_of(cand, which, &base, &n, &sz);
			cut(base, n, sz, from, count);
			if (min_try(s, best, cand))
				kept_any = 1;	/* same 'from' now names the next chunk */
			else
				from += count;
		}
		if (chunk == 1)
			break;
	}
	return kept_any;
}

/* Clear one set bit at a time in the bits of `mask` of a value in best. */
static int clear_bits(struct min_state *s, struct program *best, uint64_t *(*field)(struct program *, unsigned),
		      unsigned idx, uint64_t mask)
{
	struct program cand;
	int kept_any = 0;

	for (int bit = 63; bit >= 0 && !s->stop; bit--) {
		uint64_t b = 1ull << bit;

		if (!(mask & b) || !(*field(best, idx) & b))
			continue;
		cand = *best;
		*field(&cand, idx) &= ~b;
		kept_any |= min_try(s, best, &cand);
	}
	return kept_any;
}

static uint64_t *op_value(struct program *p, unsigned i)
{
	return &p->ops[i].value;
}

static uint64_t *init_value(struct program *p, unsigned i)
{
	return &p->init[i].value;
}

/* Flag bits of a page-table entry: everything but the frame address. */
#define PTE_FLAG_BITS	(0xFFFull | PTE_NX_MASK)

static int simplify_values(struct min_state *s, struct program *best)
{
	int kept_any = 0;

	for (unsigned i = 0; i < best->n_ops && !s->stop; i++) {
		switch (best->ops[i].kind) {
		case OP_CR0:
		case OP_CR4:
		case OP_EFER:
			kept_any |= clear_bits(s, best, op_value, i, ~0ull);
			break;
		case OP_PTE:
			kept_any |= clear_bits(s, best, op_value, i, PTE_FLAG_BITS);
			break;
		default:
			break;
		}
	}
	for (unsigned i = 0; i < best->n_init && !s->stop; i++)
		kept_any |= clear_bits(s, best, init_value, i, PTE_FLAG_BITS);
	return kept_any;
}

int minimize_program(struct program *p, min_pred_fn pred, void *ctx,
		     unsigned max_tries, struct min_stats *st)
{
	struct min_stats local = { 0 };
	struct min_state s = { .pred = pred, .ctx = ctx, .max_tries = max_tries,
			       .st = st ? st : &local };
	struct program best = *p;
	int r, progress;

	memset(s.st, 0, sizeof(*s.st));
	s.st->tries++;
	r = pred(p, ctx);
	if (r < 0)
		return r;
	if (!r)
		return -EINVAL;

	do {
		progress = ddmin_list(&s, &best, LIST_OPS);
		progress |= ddmin_list(&s, &best, LIST_INIT);
		progress |= ddmin_list(&s, &best, LIST_PREFAULT);
		progress |= simplify_values(&s, &best);
	} while (progress && !s.stop);

	*p = best;
	return s.stop < 0 ? s.stop : 0;
}
