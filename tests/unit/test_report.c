// SPDX-License-Identifier: GPL-2.0
/*
 * The mailing-list report (harness/report/report.c) on a hand-built result: the
 * headline program with the candidate reading the first PDPT's frame
 * through the second PDPT.  Checks the 80-column limit and that the
 * verdict, the program and the violating op are all there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/core/layout.h"
#include "harness/report/report.h"
#include "tests/check.h"

/* Observations a correct KVM gives: exactly what the oracle allows first. */
static void obs_from_expect(const struct oracle_result *e, struct run_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->exit = RUN_COMPLETED;
	o->n_ops = e->n_ops;
	o->cr0 = e->cr0, o->cr3 = e->cr3, o->cr4 = e->cr4, o->efer = e->efer;
	for (unsigned i = 0; i < e->n_ops; i++) {
		const struct outcome *out = &e->ops[i].out[0];

		o->ops[i].status = out->kind == OUT_EXCEPTION ? OPS_EXCEPTION : OPS_DONE;
		o->ops[i].vector = out->vector;
		o->ops[i].error_code = out->error_code;
		o->ops[i].cr2 = out->cr2;
		o->ops[i].value = out->value;
	}
}

int main(void)
{
	static struct program p;
	struct diffrun_result *r = diffrun_result_new();
	char err[256], *text = NULL;
	size_t len = 0;
	int longest = 0, lines = 0, viol;
	FILE *f;

	CHECK(r != NULL, "alloc");
	CHECK(prog_load("corpus/pae-two-pdpts-one-page.mmu", &p, err, sizeof(err)) == 0, "%s", err);
	oracle_eval(&p, ORACLE_VENDOR_AMD, &r->expect);
	r->n = 2;
	for (int k = 0; k < 2; k++) {
		snprintf(r->k[k].name, sizeof(r->k[k].name), "%s", k ? "pae-root-rfc" : "baseline");
		obs_from_expect(&r->expect, &r->k[k].obs);
	}
	/* The candidate's second read (op 5) hits frame 0x400, not 0x401. */
	CHECK(r->k[0].obs.ops[5].value == READ_TAG(0x401), "oracle expects frame 0x401 at op 5: 0x%llx",
	      (unsigned long long)r->k[0].obs.ops[5].value);
	r->k[1].obs.ops[5].value = READ_TAG(0x400);
	for (int k = 0; k < 2; k++) {
		r->k[k].outcome.ran = 1;
		r->k[k].outcome.violations =
			oracle_verdict(&p, &r->expect, &r->k[k].obs, &r->k[k].verdict);
		r->k[k].outcome.first_violation_op =
			r->k[k].verdict.n ? r->k[k].verdict.v[0].op : -1;
	}
	CHECK(r->k[0].outcome.violations == 0, "baseline clean: %d", r->k[0].outcome.violations);
	viol = r->k[1].outcome.violations;
	CHECK(viol == 1 && r->k[1].verdict.v[0].op == 5, "candidate: %d violation(s) at op %d", viol,
	      viol ? r->k[1].verdict.v[0].op : -1);
	diff_classify(&r->k[0].outcome, &r->k[1].outcome, &r->diff);
	CHECK(r->diff.cls == DIFF_REGRESSION, "class %s", diff_class_name(r->diff.cls));

	f = open_memstream(&text, &len);
	report_mail(f, &p, r, "baseline,pae-root-rfc", "repro.mmu");
	fclose(f);
	for (char *s = text, *nl; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			break;
		if (nl - s > longest)
			longest = (int)(nl - s);
		lines++;
	}
	CHECK(longest <= REPORT_COLS, "longest line %d columns", longest);
	CHECK(lines > 20, "%d lines", lines);
	CHECK(strstr(text, "regression") != NULL, "verdict named");
	CHECK(strstr(text, "cr3 0x200020") != NULL, "program included");
	CHECK(strstr(text, "[5] read 0x40000000") != NULL, "op 5 listed");
	CHECK(strstr(text, "<-- VIOLATION") != NULL, "violation marked");
	CHECK(!strchr(text, '\t'), "no tabs");
	if (check_failed)
		fputs(text, stderr);
	free(text);
	diffrun_result_free(r);
	return check_summary("report");
}
