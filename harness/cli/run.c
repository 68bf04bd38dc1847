// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz run [--json] [--vendor amd|intel] [--kernel NAME[,NAME...]]
 *             [--trace] [--npt 0|1] [--timeout MS] [--force] prog.mmu
 *
 * Runs one program and prints, per op, the observation next to the
 * oracle's allowed set and the verdict.  Without --kernel it runs on the
 * local /dev/kvm (the executor, harness/exec/executor.h) and judges with the
 * CPU profile the executor set; with --kernel it runs in one test VM per
 * named KVM variant ("stock", "baseline", "pae-root-rfc", ...; see
 * harness/vm/vmclient.h) and judges with the profile diffrun uses: AMD, the
 * test VM's CPU (AMD NPT with --npt 1), so --vendor intel is refused.
 * One or two kernels run side by side through harness/judge/diffrun.h (two:
 * baseline first, then the candidate), with the BPF root trace judged by
 * the root oracle and the differential verdict printed last; --trace
 * also prints every traced event.
 *
 * Exit: 0 every target ran the program within the allowed sets; 1 an
 * oracle violation or a finding (internal error, dead VM, hang); 2 bad
 * usage or input, or a target that cannot run the program; 128+N when
 * signal N (SIGTERM, SIGINT, SIGHUP) stopped it: the test VMs are gone
 * by then, and a VM death saved before is complete (harness/core/stop.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness/cli/cli.h"
#include "harness/cli/common.h"
#include "harness/core/stop.h"
#include "harness/judge/diffrun.h"
#include "harness/exec/executor.h"
#include "harness/vm/vmclient.h"
#include "oracles/oracle.h"

struct run_target {
	char name[64];
	struct run_obs obs;
	int ran;		/* obs is valid */
	char err[256];		/* why not */
};

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int op_violated(const struct verdict *vd, int op)
{
	for (unsigned i = 0; i < vd->n; i++)
		if (vd->v[i].op == op)
			return 1;
	return 0;
}

static void print_text(const struct program *p, const struct oracle_result *res,
		       const struct run_target *t, const struct verdict *vd, int n)
{
	char a[128], b[128];

	printf("== %s: %s%s%s\n", t->name, run_exit_name(t->obs.exit),
	       t->obs.detail[0] ? ": " : "", t->obs.detail);
	for (unsigned i = 0; i < p->n_ops; i++) {
		const struct op_expect *e = &res->ops[i];

		prog_op_format(a, sizeof(a), &p->ops[i]);
		oracle_format_obs(b, sizeof(b), &t->obs.ops[i]);
		printf("[%2u] %-40s %-5s observed %-30s %s\n", i, a,
		       i < res->n_ops ? oracle_paging_mode_name(e->mode) : "-", b,
		       op_violated(vd, i) ? "VIOLATION" : "ok");
		printf("     %-40s       allowed  ", "");
		if (i >= res->n_ops)
			printf("(not evaluated)");
		else if (e->unbounded)
			printf("(any)");
		for (unsigned k = 0; i < res->n_ops && !e->unbounded && k < e->n_out; k++) {
			oracle_format_outcome(b, sizeof(b), &e->out[k]);
			printf("%s%s", k ? " | " : "{", b);
		}
		printf("%s\n", i < res->n_ops && !e->unbounded && e->n_out ? "}" : "");
	}
	printf("final: cr0 0x%" PRIx64 " cr3 0x%" PRIx64 " cr4 0x%" PRIx64 " efer 0x%" PRIx64 "\n",
	       t->obs.cr0, t->obs.cr3, t->obs.cr4, t->obs.efer);
	for (unsigned i = 0; i < vd->n; i++)
		oracle_print_violation(stdout, p, &vd->v[i]);
	printf("verdict (%s): %d violation(s)\n", t->name, n);
}

static void print_json(const char *file, const struct program *p, const struct oracle_result *res,
		       const struct run_target *t, const struct verdict *vd, int n)
{
	char b[128];

	printf("  {\"file\": ");
	json_str(stdout, file);
	printf(", \"target\": ");
	json_str(stdout, t->name);
	printf(", \"vendor\": \"%s\", \"exit\": \"%s\", \"detail\": ", oracle_vendor_name(res->vendor),
	       run_exit_name(t->obs.exit));
	json_str(stdout, t->obs.detail);
	printf(", \"violations\": %d,\n   \"final\": {\"cr0\": %" PRIu64 ", \"cr3\": %" PRIu64
	       ", \"cr4\": %" PRIu64 ", \"efer\": %" PRIu64 "},\n   \"ops\": [\n", n,
	       t->obs.cr0, t->obs.cr3, t->obs.cr4, t->obs.efer);
	for (unsigned i = 0; i < p->n_ops; i++) {
		const struct op_obs *o = &t->obs.ops[i];
		const struct op_expect *e = &res->ops[i];

		prog_op_format(b, sizeof(b), &p->ops[i]);
		printf("    {\"i\": %u, \"op\": ", i);
		json_str(stdout, b);
		printf(", \"mode\": \"%s\", \"status\": %u, \"vector\": %u, \"error_code\": %u, "
		       "\"cr2\": %" PRIu64 ", \"value\": %" PRIu64 ", \"mmio_gpa\": %" PRIu64 ", \"observed\": ",
		       i < res->n_ops ? oracle_paging_mode_name(e->mode) : "-", o->status, o->vector,
		       o->error_code, o->cr2, o->value, o->mmio_gpa);
		oracle_format_obs(b, sizeof(b), o);
		json_str(stdout, b);
		printf(", \"allowed\": [");
		for (unsigned k = 0; i < res->n_ops && !e->unbounded && k < e->n_out; k++) {
			oracle_format_outcome(b, sizeof(b), &e->out[k]);
			printf("%s", k ? ", " : "");
			json_str(stdout, b);
		}
		printf("], \"any\": %s, \"ok\": %s}%s\n", i < res->n_ops && e->unbounded ? "true" : "false",
		       op_violated(vd, i) ? "false" : "true", i + 1 < p->n_ops ? "," : "");
	}
	printf("   ], \"run_violations\": [");
	for (unsigned i = 0, k = 0; i < vd->n; i++)
		if (vd->v[i].op < 0) {
			printf("%s", k++ ? ", " : "");
			json_str(stdout, vd->v[i].what);
		}
	printf("]}");
}

/* The local /dev/kvm. */
static int run_local(const struct program *p, int vendor, unsigned timeout_ms,
		     struct run_target *t, struct oracle_cpu *cpu)
{
	struct executor_opts o = { .vendor = vendor, .watchdog_ms = timeout_ms };
	struct executor *ex;
	int r;

	snprintf(t->name, sizeof(t->name), "local /dev/kvm");
	r = executor_open(&ex, &o, t->err, sizeof(t->err));
	if (r)
		return r;
	*cpu = *executor_cpu_profile(ex);
	r = executor_run(ex, p, &t->obs);
	if (r)
		snprintf(t->err, sizeof(t->err), "%s", t->obs.detail);
	else
		t->ran = 1;
	executor_close(ex);
	return r;
}

/* One test VM per KVM variant (vmclient.h). */
static int run_vm(const struct program *p, const char *variant, unsigned timeout_ms,
		  struct run_target *t)
{
	struct vmc_config cfg = { .variant = variant };
	struct vmc_result vr;
	struct vmc *vm;
	int r;

	snprintf(t->name, sizeof(t->name), "%s", variant);
	r = vmc_start(&vm, &cfg);
	if (r) {
		snprintf(t->err, sizeof(t->err), "cannot start the test VM for %s: %s", variant,
			 strerror(-r));
		return r;
	}
	r = vmc_run(vm, p, timeout_ms ? timeout_ms * 4 : 60000, &t->obs, &vr);
	if (r == 0)
		t->ran = 1;
	else if (r == -EREMOTEIO && vr.err == ENOSYS)
		snprintf(t->err, sizeof(t->err), "the test VM's agent has no executor linked");
	else
		snprintf(t->err, sizeof(t->err), "%s: %s%s%s", variant, strerror(-r),
			 vr.detail[0] ? ": " : "", vr.detail);
	vmc_destroy(vm);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mmufuzz run [--json] [--vendor amd|intel] [--kernel NAME[,NAME...]] "
		"[--trace] [--npt 0|1] [--timeout MS] [--force] prog.mmu\n");
}

/*
 * One or two kernels side by side (diffrun): the targets get each kernel's
 * observations; *dr_out keeps the result for the trace and the verdict.
 */
static int run_diff(const struct program *p, const char *kernels, unsigned timeout_ms, int npt,
		    struct run_target *targets, int *nt, struct diffrun_result **out)
{
	struct diffrun_opts o = { .trace = 1, .timeout_ms = timeout_ms ? timeout_ms * 4 : 0,
				  .npt = npt };
	struct diffrun_result *r = diffrun_result_new();
	struct diffrun *dr;
	int ret;

	if (!r)
		return -ENOMEM;
	ret = diffrun_open(&dr, kernels, &o);
	if (ret) {
		diffrun_result_free(r);
		return ret;
	}
	ret = diffrun_run(dr, p, r);
	diffrun_close(dr);
	if (ret) {
		if (ret != -EINTR)	/* a stop is said once, by the caller */
			fprintf(stderr, "mmufuzz run: %s\n", r->diff.why);
		diffrun_result_free(r);
		return ret;
	}
	for (int i = 0; i < r->n; i++) {
		struct run_target *t = &targets[i];

		snprintf(t->name, sizeof(t->name), "%s", r->k[i].name);
		t->obs = r->k[i].obs;
		t->ran = !r->k[i].died;
		if (r->k[i].died)
			snprintf(t->err, sizeof(t->err), "%s: the VM died: %s (saved in %s)",
				 r->k[i].name, r->k[i].death, r->k[i].vm_finding);
	}
	*nt = r->n;
	*out = r;
	return 0;
}

static int count_names(const char *list)
{
	int n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

static void print_roots(const struct diffrun_result *r, int events)
{
	for (int i = 0; i < r->n; i++) {
		const struct diffrun_kernel *k = &r->k[i];

		if (!k->traced) {
			printf("== %s: no root trace (the agent returned none)\n", k->name);
			continue;
		}
		printf("== %s: shadow roots (%zu traced events)\n", k->name, k->n_events);
		if (events)
			roots_print_events(stdout, k->events, k->n_events);
		roots_print(stdout, &k->roots);
	}
	if (r->n == 2 && r->k[0].traced && r->k[1].traced)
		roots_print_compare(stdout, r->k[0].name, &r->k[0].roots, r->k[1].name, &r->k[1].roots);
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "vendor", required_argument, NULL, 'v' },
		{ "kernel", required_argument, NULL, 'k' }, { "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ "trace", no_argument, NULL, 'T' }, { "npt", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static struct program p;
	static struct oracle_result res;
	static struct run_target targets[8];
	struct verdict vd;
	struct oracle_cpu cpu;
	char err[256], *kernels = NULL;
	int json = 0, vendor = -1, force = 0, nt = 0, c, rc = 0, shown = 0, trace = 0, nk = 0, npt = 0;
	struct diffrun_result *dres = NULL;
	unsigned timeout_ms = 0, un;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': force = 1; break;
		case 'T': trace = 1; break;
		case 'n':
			if (cli_uint("mmufuzz run", "npt", optarg, 0, 1, &un))
				return 2;
			npt = (int)un;
			break;
		case 'k': kernels = optarg; break;
		case 't':
			if (cli_uint("mmufuzz run", "timeout", optarg, 1, 600000, &timeout_ms))
				return 2;
			break;
		case 'v':
			if (!strcmp(optarg, "amd"))
				vendor = ORACLE_VENDOR_AMD;
			else if (!strcmp(optarg, "intel"))
				vendor = ORACLE_VENDOR_INTEL;
			else {
				fprintf(stderr, "mmufuzz run: --vendor takes amd or intel, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (prog_parse_file(argv[optind], &p, err, sizeof(err))) {
		fprintf(stderr, "mmufuzz run: %s\n", err);
		return 2;
	}
	if (!force && prog_check(&p, err, sizeof(err))) {
		fprintf(stderr, "mmufuzz run: %s: not well formed (--force runs it anyway): %s\n",
			argv[optind], err);
		return 2;
	}

	if (kernels && vendor == ORACLE_VENDOR_INTEL) {
		fprintf(stderr, "mmufuzz run: --vendor intel applies to the local /dev/kvm only: "
			"the test VMs are AMD CPUs (QEMU TCG with SVM)\n");
		return 2;
	}
	/* Test VMs are children: a stop request ends them (harness/core/stop.h). */
	if (kernels)
		cli_stop_catch();
	oracle_cpu_default(&cpu, vendor < 0 ? ORACLE_VENDOR_AMD : vendor);
	if (kernels && npt)
		oracle_cpu_npt(&cpu, vmc_outer_tcg());
	if (!kernels) {
		if (run_local(&p, vendor, timeout_ms, &targets[0], &cpu)) {
			fprintf(stderr, "mmufuzz run: %s\n", targets[0].err);
			return 2;
		}
		nt = 1;
	} else if ((nk = count_names(kernels)) <= DIFFRUN_MAX_KERNELS) {
		if (run_diff(&p, kernels, timeout_ms, npt, targets, &nt, &dres))
			return stop_requested() ? cli_stopped("mmufuzz run") : 2;
	} else {
		for (char *save = NULL, *k = strtok_r(kernels, ",", &save); k && nt < 8;
		     k = strtok_r(NULL, ",", &save), nt++) {
			if (!run_vm(&p, k, timeout_ms, &targets[nt]))
				continue;
			if (stop_requested())
				return cli_stopped("mmufuzz run");
			fprintf(stderr, "mmufuzz run: %s\n", targets[nt].err);
		}
	}

	/* Side by side, print under the profile diffrun judged with (the test
	 * VM's CPU), so the per-op verdicts agree with the differential one. */
	if (dres)
		res = dres->expect;
	else
		oracle_eval_cpu(&p, &cpu, &res);
	if (json)
		printf("[\n");
	for (int i = 0; i < nt; i++) {
		struct run_target *t = &targets[i];
		int n;

		if (!t->ran) {
			if (t->err[0])
				fprintf(stderr, "mmufuzz run: %s\n", t->err);
			rc = dres ? 1 : (rc ? rc : 2);	/* a dead VM is a finding */
			continue;
		}
		if (t->obs.exit == RUN_REFUSED) {
			fprintf(stderr, "mmufuzz run: %s cannot run %s: %s\n", t->name, argv[optind],
				t->obs.detail);
			rc = rc ? rc : 2;
		}
		n = oracle_verdict(&p, &res, &t->obs, &vd);
		if (n)
			rc = 1;
		if (json) {
			printf("%s", shown++ ? ",\n" : "");
			print_json(argv[optind], &p, &res, t, &vd, n);
		}
		else
			print_text(&p, &res, t, &vd, n);
	}
	if (dres && json) {
		printf("%s  {\"differential\": \"%s\", \"why\": ", shown ? ",\n" : "",
		       diff_class_name(dres->diff.cls));
		json_str(stdout, dres->diff.why);
		for (int i = 0; i < dres->n; i++)
			printf(", \"roots_%d\": {\"kernel\": \"%s\", \"traced\": %d, \"created\": %u, "
			       "\"reused\": %u, \"freed\": %u, \"findings\": %u}", i, dres->k[i].name,
			       dres->k[i].traced, dres->k[i].roots.created, dres->k[i].roots.reused,
			       dres->k[i].roots.freed, dres->k[i].roots.n_findings);
		printf("}");
	}
	if (json)
		printf("\n]\n");
	if (dres) {
		if (!json) {
			print_roots(dres, trace);
			printf("differential verdict: %s: %s\n", diff_class_name(dres->diff.cls),
			       dres->diff.why);
		}
		if (dres->diff.cls != DIFF_CLEAN && dres->diff.cls != DIFF_FIXED)
			rc = 1;
		diffrun_result_free(dres);
	}
	/* A stop that came after the work: the output is whole, but the
	 * caller asked for an end by signal and is told so. */
	if (stop_requested())
		return cli_stopped("mmufuzz run");
	return rc;
}
