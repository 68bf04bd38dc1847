// SPDX-License-Identifier: GPL-2.0
/*
 * The allowed set of one op (struct op_expect): adding an outcome.  Its
 * own file because oracle_eval.c (control-register ops, stores) and
 * oracle_probe.c (probes) both fill sets, and eval calls down into probe:
 * with the helper in either one the two files would call each other.
 */
#include "oracle_int.h"

/* Field by field: compound literals leave struct padding indeterminate. */
static int outcome_same(const struct outcome *a, const struct outcome *b)
{
	return a->kind == b->kind && a->vector == b->vector &&
	       a->has_error_code == b->has_error_code && a->error_code == b->error_code &&
	       a->cr2 == b->cr2 && a->gpa == b->gpa && a->value == b->value &&
	       a->value_mask == b->value_mask;
}

int oset_add(struct op_expect *e, const struct outcome *o)
{
	for (unsigned i = 0; i < e->n_out; i++)
		if (outcome_same(&e->out[i], o))
			return 0;
	if (e->n_out >= ORACLE_MAX_OUTCOMES) {
		e->unbounded = 1;
		return -1;
	}
	e->out[e->n_out] = (struct outcome){
		.kind = o->kind, .vector = o->vector, .has_error_code = o->has_error_code,
		.error_code = o->error_code, .cr2 = o->cr2, .gpa = o->gpa, .value = o->value,
		.value_mask = o->value_mask,
	};
	e->n_out++;
	return 0;
}
