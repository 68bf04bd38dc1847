// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_verdict(): judge a run's observations against the allowed sets.
 * An observation is flagged only when it matches none of them, so a
 * correct CPU + hypervisor never produces a violation.
 */
#include <inttypes.h>
#include <string.h>
#include "oracle_int.h"

static int outcome_matches(const struct outcome *o, const struct op_obs *ob, int probe)
{
	switch (ob->status) {
	case OPS_DONE:
		if (o->kind == OUT_ANY_VALUE)
			return 1;
		if (o->kind != OUT_DONE)
			return 0;
		return !probe || ((ob->value ^ o->value) & o->value_mask) == 0;
	case OPS_EXCEPTION:
		if (o->kind != OUT_EXCEPTION || o->vector != ob->vector)
			return 0;
		if (o->has_error_code && o->error_code != ob->error_code)
			return 0;
		return o->vector != PF_VECTOR || o->cr2 == ob->cr2;
	case OPS_MMIO:
		return o->kind == OUT_MMIO && o->gpa == ob->mmio_gpa;
	default:
		return 0;
	}
}

static void add(struct verdict *out, int *count, int op, enum oracle_vendor v,
		const struct op_obs *ob, const struct op_expect *e, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#include <stdarg.h>
static void add(struct verdict *out, int *count, int op, enum oracle_vendor v,
		const struct op_obs *ob, const struct op_expect *e, const char *fmt, ...)
{
	struct violation *w;
	va_list ap;

	(*count)++;
	if (!out || out->n >= ORACLE_MAX_VIOLATIONS)
		return;
	w = &out->v[out->n++];
	memset(w, 0, sizeof(*w));
	w->op = op;
	w->vendor = v;
	if (ob)
		w->observed = *ob;
	if (e)
		w->expect = *e;
	va_start(ap, fmt);
	vsnprintf(w->what, sizeof(w->what), fmt, ap);
	va_end(ap);
}

/* Whether the run showed a #PF of a probe or an alias store: then later
 * allowed sets depend on it (oracle_eval_obs). */
static int saw_pf(const struct program *p, const struct run_obs *obs)
{
	for (unsigned i = 0; i < p->n_ops && i < PROG_MAX_OPS; i++) {
		const struct prog_op *op = &p->ops[i];

		if ((op->kind >= OP_READ || (op->kind == OP_PTE && op->via)) &&
		    obs->ops[i].status == OPS_EXCEPTION && obs->ops[i].vector == PF_VECTOR)
			return 1;
	}
	return 0;
}

int oracle_verdict(const struct program *p, const struct oracle_result *res,
		   const struct run_obs *obs, struct verdict *out)
{
	static __thread struct oracle_result followed;
	enum oracle_vendor v = res->vendor;
	const char *vn = oracle_cpu_name(&res->cpu);
	int lost = res->lost_op;	/* judge nothing from here on */
	int count = 0;
	char ob_text[96];

	if (out)
		out->n = 0;
	if (obs->exit != RUN_REFUSED && saw_pf(p, obs)) {
		oracle_eval_obs(p, &res->cpu, obs, &followed);
		res = &followed;
		lost = res->lost_op;
	}
	switch (obs->exit) {
	case RUN_COMPLETED:
		break;
	case RUN_REFUSED:
		return 0;	/* nothing ran: nothing to judge */
	default:
		/* The model never predicts a shutdown, hang or dead VM for a
		 * program that keeps the harness intact, up to lost_op. */
		if (lost >= 0 && lost <= obs->n_ops)
			break;
		add(out, &count, -1, v, NULL, NULL, "run ended with %s (%s profile): %s",
		    run_exit_name(obs->exit), vn, obs->detail);
		break;
	}
	for (unsigned i = 0; i < res->n_ops && i < p->n_ops; i++) {
		const struct op_expect *e = &res->ops[i];
		const struct op_obs *ob = &obs->ops[i];
		int probe = p->ops[i].kind >= OP_READ;
		int hit = 0;

		if (lost >= 0 && (int)i >= lost)
			break;
		if (ob->status == OPS_NOT_RUN) {
			if (obs->exit == RUN_COMPLETED)
				add(out, &count, i, v, ob, e, "op %u: %s not reported by a completed run",
				    i, prog_op_name(p->ops[i].kind));
			continue;
		}
		if (e->unbounded)
			continue;
		for (unsigned k = 0; k < e->n_out && !hit; k++)
			hit = outcome_matches(&e->out[k], ob, probe);
		if (hit)
			continue;
		oracle_format_obs(ob_text, sizeof(ob_text), ob);
		add(out, &count, i, v, ob, e, "op %u: %s 0x%" PRIx64 " in %s: observed %s, outside the %u allowed outcome(s) (%s profile)",
		    i, prog_op_name(p->ops[i].kind),
		    p->ops[i].kind <= OP_EFER ? p->ops[i].value : p->ops[i].addr,
		    oracle_paging_mode_name(e->mode), ob_text, e->n_out, vn);
	}
	/* Final control state (KVM_GET_SREGS) once every op ran. */
	if (obs->exit == RUN_COMPLETED && res->n_ops == p->n_ops && lost < 0) {
		static const char *const names[4] = { "cr0", "cr3", "cr4", "efer" };
		uint64_t want[4] = { res->cr0, res->cr3, res->cr4, res->efer };
		uint64_t got[4] = { obs->cr0, obs->cr3, obs->cr4, obs->efer };

		for (int r = 0; r < 4; r++)
			if (want[r] != got[r])
				add(out, &count, -1, v, NULL, NULL,
				    "final %s = 0x%" PRIx64 ", expected 0x%" PRIx64 " (%s profile)",
				    names[r], got[r], want[r], vn);
	}
	/* The arena after the run: every store the model made, and A/D
	 * bits only where a walk may have set them (SDM 4.8: A on entries
	 * used, D on the leaf of a write, nothing in PAE PDPTEs). */
	if (obs->exit == RUN_COMPLETED && obs->has_arena && res->harness_ok &&
	    res->n_ops == p->n_ops && lost < 0) {
		const struct om_mem *m = oe_final_memory(p, &res->cpu, obs);
		int shown = 0;

		for (uint32_t off = 0; off < sizeof(obs->arena); off += 4) {
			uint64_t gpa = LAYOUT_ARENA_BASE + off;
			uint32_t got, want = (uint32_t)om_read(m, gpa, 4);

			uint32_t may = (uint32_t)om_unc(m, gpa, 4);

			memcpy(&got, obs->arena + off, 4);
			/* The CPU only sets A/D, and only where `may` says. */
			if (((got ^ want) & ~may) || (~got & want & may)) {
				if (shown++ < 4)
					add(out, &count, -1, v, NULL, NULL,
					    "arena gpa 0x%" PRIx64 " = 0x%08x after the run, expected 0x%08x (A/D may be set: 0x%x, %s profile)",
					    gpa, got, want, may, vn);
				else
					count++;
			}
		}
	}
	return count;
}
