// SPDX-License-Identifier: GPL-2.0
/*
 * Expected outcomes of the probes: READ (32-bit load), WRITE (load then
 * store of the same value) and FETCH (near call into a data frame), from
 * every translation the model allows (oracle_walk.c).
 */
#include <string.h>
#include "oracle_int.h"

static void add_pf(const struct ostate *s, struct op_expect *e, const struct xlate *x,
		   enum access acc, uint64_t va)
{
	uint32_t ec[4];
	int n = os_pf_codes(s, x, acc, ec);

	for (int i = 0; i < n; i++)
		oset_add(e, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = PF_VECTOR,
			  .has_error_code = 1, .error_code = ec[i], .cr2 = va });
}

/* Whether the dword at gpa holds the A/D bits of an entry this access's
 * own walks use (they are set, or not, before the load reads them). */
static int own_entry(const struct ostate *s, const struct xlate *xl, int n, uint64_t gpa)
{
	int esz = os_mode(s) == PGM_32 ? 4 : 8;

	for (int k = 0; k < n; k++)
		for (unsigned i = 0; i < xl[k].n; i++)
			if (xl[k].step[i].level &&
			    xl[k].step[i].table_gpa + (uint64_t)xl[k].step[i].index * esz == (gpa & ~3ull))
				return 1;
	return 0;
}

/* What a completed load at gpa returns; xl/n: the access's translations. */
static void add_value(const struct ostate *s, struct op_expect *e, uint64_t gpa, int fetch,
		      const struct xlate *xl, int n)
{
	struct outcome o = { .kind = OUT_DONE, .gpa = gpa, .value_mask = 0xFFFFFFFFu };

	switch (om_class(gpa)) {
	case MEM_DATA:
		o.value = fetch ? FETCH_TAG(gpa >> 12) : READ_TAG(gpa >> 12);
		break;
	case MEM_TABLE:
		/* Page-table memory read back through an alias: A/D bits
		 * the CPU has certainly set (SDM 4.8) are in the value and
		 * must be seen; ones it may have set are masked, and so
		 * are those of the entries this very access walks. */
		o.value = om_read(&s->mem, gpa, 4);
		o.value_mask = ~(uint32_t)om_unc(&s->mem, gpa, 4);
		if (own_entry(s, xl, n, gpa))
			o.value_mask &= ~(uint32_t)(PTE_ACCESSED_MASK | PTE_DIRTY_MASK);
		o.value &= o.value_mask;
		break;
	case MEM_HARNESS:
		o.kind = OUT_ANY_VALUE;
		o.value_mask = 0;
		break;
	case MEM_MMIO:
		o.kind = OUT_MMIO;
		o.value_mask = 0;
		break;
	}
	oset_add(e, &o);
}

/*
 * A write probe stores back the dword it loaded (kvm-guest/stub.S: a load,
 * then a store of the value).  Where that dword holds byte 0 of the
 * probe's own leaf entry (a table mapped through itself), the D bit the
 * store's walk sets there (SDM 4.8) is overwritten by the value loaded
 * before it, so the word keeps the D it had.  Not so where another
 * possible translation has the same leaf but stores elsewhere.
 */
struct self_leaf {
	uint64_t gpa;
	int mixed;
	struct om_bits before;
};



static int write_lands_on_leaf(const struct ostate *s, const struct xlate *x, uint64_t *leaf)
{
	const struct walk_step *st;
	int esz = os_mode(s) == PGM_32 ? 4 : 8;

	if (x->unmodelled || x->fault || x->n < 1 || !os_permits(s, x, ACC_WRITE))
		return -1;
	st = &x->step[x->n - 1];
	if (st->level == 0)
		return -1;
	*leaf = st->table_gpa + (uint64_t)st->index * esz;
	return x->gpa <= *leaf && *leaf < x->gpa + 4;
}

/* Which leaves a collector keeps: write_lands_on_leaf()'s answer for x. */
typedef int leaf_pick(const struct ostate *s, const struct xlate *x, uint64_t *leaf);

/* The distinct leaves of xl that pick takes, each with its bits now. */
static int collect_leaves(const struct ostate *s, const struct xlate *xl, int n,
			  leaf_pick *pick, struct self_leaf *out)
{
	int n_out = 0;

	for (int k = 0; k < n; k++) {
		uint64_t leaf;
		int dup = 0;

		if (!pick(s, &xl[k], &leaf))
			continue;
		for (int i = 0; i < n_out; i++)
			dup |= out[i].gpa == leaf;
		if (dup || n_out == XL_MAX)
			continue;
		out[n_out].gpa = leaf;
		out[n_out].mixed = 0;
		om_get_bits(&s->mem, leaf, &out[n_out].before);
		n_out++;
	}
	return n_out;
}

static int pick_self(const struct ostate *s, const struct xlate *x, uint64_t *leaf)
{
	return write_lands_on_leaf(s, x, leaf) == 1;
}

/*
 * Leaves of writes that land on MMIO, where D is free under shadow paging
 * unless ORACLE_STRICT_MMIO_D (oracle.h: KVM's emulator reuses a cached
 * translation and walks nothing).
 */
static int pick_mmio(const struct ostate *s, const struct xlate *x, uint64_t *leaf)
{
	return write_lands_on_leaf(s, x, leaf) >= 0 && om_class(x->gpa) == MEM_MMIO;
}

static int mmio_leaves(const struct ostate *s, const struct xlate *xl, int n,
		       struct self_leaf *out)
{
	if (s->cpu->mmu != ORACLE_MMU_SHADOW || (s->cpu->strict & ORACLE_STRICT_MMIO_D))
		return 0;
	return collect_leaves(s, xl, n, pick_mmio, out);
}

static int self_leaves(const struct ostate *s, const struct xlate *xl, int n,
		       struct self_leaf *out)
{
	int n_out = collect_leaves(s, xl, n, pick_self, out);

	for (int i = 0; i < n_out; i++)
		for (int k = 0; k < n; k++) {
			uint64_t leaf;

			if (write_lands_on_leaf(s, &xl[k], &leaf) == 0 && leaf == out[i].gpa)
				out[i].mixed = 1;
		}
	return n_out;
}

void oe_probe(struct ostate *s, enum prog_op_kind kind, uint64_t addr,
	      struct op_expect *e, const char **harness_why)
{
	struct xlate xl[XL_MAX];
	uint64_t va = os_op_va(s, addr), gpa = ~0ull;
	enum access acc = kind == OP_FETCH ? ACC_FETCH : kind == OP_WRITE ? ACC_WRITE : ACC_READ;
	int n, over, any_load = 0;

	if ((s->efer & EFER_LMA) && !os_is_canonical(va)) {
		/* SDM 3.3.7.1: a non-canonical data access or branch target
		 * in 64-bit mode is #GP(0) (DS-based, not #SS). */
		oset_add(e, &(struct outcome){ .kind = OUT_EXCEPTION, .vector = GP_VECTOR,
			  .has_error_code = 1 });
		return;
	}
	n = os_translate(s, va, xl, XL_MAX, &over);
	if (over)
		e->unbounded = 1;
	for (int k = 0; k < n; k++) {
		const struct xlate *x = &xl[k];

		if (x->fresh && e->n_walk == 0) {
			e->n_walk = x->n;
			memcpy(e->walk, x->step, sizeof(e->walk));
		}
		if (x->unmodelled) {
			*harness_why = "probe walks page tables in unmodelled memory";
			e->unbounded = 1;
			continue;
		}
		if (acc == ACC_FETCH) {
			if (!os_permits(s, x, ACC_FETCH)) {
				add_pf(s, e, x, ACC_FETCH, va);
				continue;
			}
			if (om_class(x->gpa) != MEM_DATA)
				*harness_why = "fetch may land outside the data frames";
			add_value(s, e, x->gpa, 1, xl, n);
			continue;
		}
		if (!os_permits(s, x, ACC_READ)) {
			add_pf(s, e, x, ACC_READ, va);
			continue;
		}
		if (acc == ACC_READ) {
			add_value(s, e, x->gpa, 0, xl, n);
			continue;
		}
		/* WRITE: the load used x; the store may use any translation
		 * (same TLB or a re-walk), so pair x with every y. */
		if (any_load && (x->gpa & ~0xFFFull) != (gpa & ~0xFFFull))
			*harness_why = "write probe may load and store different frames";
		gpa = x->gpa;
		any_load = 1;
		if (om_class(x->gpa) == MEM_MMIO) {
			/* The host completes the MMIO load and the store
			 * follows: it exits too, or faults on the rights. */
			for (int j = 0; j < n; j++) {
				if (xl[j].unmodelled)
					continue;
				if (os_permits(s, &xl[j], ACC_WRITE))
					add_value(s, e, x->gpa, 0, xl, n);
				else
					add_pf(s, e, &xl[j], ACC_WRITE, va);
			}
			continue;
		}
		for (int j = 0; j < n; j++) {
			const struct xlate *y = &xl[j];

			if (y->unmodelled)
				continue;
			if (!os_permits(s, y, ACC_WRITE)) {
				add_pf(s, e, y, ACC_WRITE, va);
				continue;
			}
			if ((y->gpa & ~0xFFFull) != (x->gpa & ~0xFFFull))
				*harness_why = "write probe may load and store different frames";
			add_value(s, e, x->gpa, 0, xl, n);
		}
	}
	if (over && (acc == ACC_FETCH || acc == ACC_WRITE))
		*harness_why = "probe has too many possible translations to check";
	{
		struct self_leaf self[XL_MAX], mmio[XL_MAX];
		int n_self = acc == ACC_WRITE ? self_leaves(s, xl, n, self) : 0;
		int n_mmio = acc == ACC_WRITE ? mmio_leaves(s, xl, n, mmio) : 0;
		int esz = os_mode(s) == PGM_32 ? 4 : 8;

		os_after_access(s, xl, n, acc, over);
		for (int i = 0; i < n_self; i++)
			if (!self[i].mixed)
				om_put_bits(&s->mem, self[i].gpa, PTE_DIRTY_MASK, &self[i].before);
		for (int i = 0; i < n_mmio; i++) {
			/* D as it was, and free to be set. */
			om_put_bits(&s->mem, mmio[i].gpa, PTE_DIRTY_MASK, &mmio[i].before);
			om_mark_ad(&s->mem, mmio[i].gpa, esz, PTE_DIRTY_MASK);
		}
	}
}
