// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle properties over many programs (no hand-derived expectations):
 *   - oracle_eval() never fails, on well-formed programs (prog_random)
 *     and on arbitrary, malformed ones (random fields);
 *   - it is deterministic;
 *   - a run that shows, for every op, one of the outcomes allowed after
 *     what it showed before (oracle_eval_obs: a #PF seen narrows later
 *     sets) and the predicted final state gets no violation;
 *   - a run that shows something outside the set does.
 *
 *   test_oracle_random [programs]     default 3000 of each kind
 */
#include <stdlib.h>
#include "test_oracle.h"
#include "tests/xorshift.h"

static struct oracle_result R2, R3;
static struct run_obs OBS;
static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

static int same_result(const struct oracle_result *a, const struct oracle_result *b)
{
	if (a->harness_ok != b->harness_ok || a->n_ops != b->n_ops || a->cr3 != b->cr3)
		return 0;
	for (unsigned k = 0; k < a->n_ops; k++) {
		const struct op_expect *x = &a->ops[k], *y = &b->ops[k];

		if (x->n_out != y->n_out || x->mode != y->mode || x->unbounded != y->unbounded)
			return 0;
		for (unsigned j = 0; j < x->n_out; j++)
			if (x->out[j].kind != y->out[j].kind || x->out[j].value != y->out[j].value ||
			    x->out[j].error_code != y->out[j].error_code || x->out[j].gpa != y->out[j].gpa)
				return 0;
	}
	return 1;
}


/*
 * An observation that picks outcome `pick` of every op from the set that
 * follows from the ops before it: pick from the a-priori sets, then
 * re-pick from the sets that follow the observation until they are
 * stable (each round fixes at least the first op that changed).  The
 * sets end up in R2.
 */
static void observe_followed(unsigned pick)
{
	t_observe(&OBS, &R, pick);
	R2 = R;
	for (unsigned round = 0; round <= PROG_MAX_OPS; round++) {
		oracle_eval_obs(&P, &CPU, &OBS, &R3);
		if (same_result(&R3, &R2))
			break;
		R2 = R3;
		t_observe(&OBS, &R2, pick);
	}
}

static void well_formed(long n)
{
	uint64_t seed = 42;
	long bad_det = 0, bad_accept = 0, bad_reject = 0, judged = 0;

	for (long i = 0; i < n; i++) {
		if (prog_random(&seed, &P, NULL))
			continue;
		oracle_cpu_default(&CPU, (enum oracle_vendor)(i & 1));
		oracle_eval_cpu(&P, &CPU, &R);
		oracle_eval_cpu(&P, &CPU, &R2);
		bad_det += !same_result(&R, &R2);
		if (!R.harness_ok)
			continue;
		judged++;
		observe_followed((unsigned)rnd());
		bad_accept += oracle_verdict(&P, &R, &OBS, NULL) != 0;
		/* Corrupt one judged op: must be flagged. */
		for (unsigned k = 0; k < R2.n_ops; k++) {
			if (R2.ops[k].unbounded || P.ops[k].kind < OP_READ ||
			    R2.ops[k].out[0].kind != OUT_DONE)
				continue;
			OBS.ops[k].status = OPS_EXCEPTION;
			OBS.ops[k].vector = 6;	/* #UD is never allowed */
			bad_reject += oracle_verdict(&P, &R, &OBS, NULL) != 1;
			break;
		}
	}
	CHECK(bad_det == 0, "well-formed: %ld nondeterministic evaluations", bad_det);
	CHECK(bad_accept == 0, "well-formed: %ld allowed observations flagged", bad_accept);
	CHECK(bad_reject == 0, "well-formed: %ld disallowed observations missed", bad_reject);
	CHECK(judged > n / 2, "well-formed: only %ld of %ld judged", judged, n);
	printf("well-formed: %ld programs, %ld judged\n", n, judged);
}

static uint64_t field(void)
{
	static const uint64_t v[] = { 0, 3, 0x23, 0x83, 0xe3, 0x10, 0x20, 0x80, 0x500, 0xd00,
		0x800, 0x31, 0x80000031, 0x80010031, 0x200000, 0x202000, 0x202020, 0x103000,
		0x105000, 0x400000, 0x40000000, 0x8000000000ull, 1ull << 63, 1ull << 40 };

	return rnd() % 3 ? v[rnd() % (sizeof(v) / sizeof(v[0]))] | (rnd() & 0x3ff000) : rnd();
}

static void malformed(long n)
{
	long bad = 0;

	for (long i = 0; i < n; i++) {
		memset(&P, 0, sizeof(P));
		P.start = rnd() % 3;
		P.n_init = rnd() % 16;
		for (unsigned k = 0; k < P.n_init; k++)
			P.init[k] = (struct prog_init){ .gpa = rnd() % 2 ? 0x200000 + rnd() % 0x40000 : field(),
							.width = (rnd() % 3) * 4, .value = field() };
		P.n_ops = rnd() % (PROG_MAX_OPS + 1);
		for (unsigned k = 0; k < P.n_ops; k++)
			P.ops[k] = (struct prog_op){ .kind = rnd() % 10, .width = (rnd() % 3) * 4,
						     .value = field(), .addr = field(),
						     .via = rnd() % 3 ? 0 : field() };
		oracle_cpu_default(&CPU, (enum oracle_vendor)(rnd() & 1));
		CPU.strict = rnd() & 3;
		oracle_eval_cpu(&P, &CPU, &R);
		bad += R.n_ops != P.n_ops || (!R.harness_ok && !R.harness_why[0]);
		t_observe(&OBS, &R, 0);
		oracle_verdict(&P, &R, &OBS, NULL);
	}
	CHECK(bad == 0, "malformed: %ld evaluations stopped early or broke without a reason", bad);
	printf("malformed: %ld programs evaluated\n", n);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 3000;

	well_formed(n);
	malformed(n);
	return check_summary("test_oracle_random");
}
