// SPDX-License-Identifier: GPL-2.0
/* One program judged on one or two kernels (see diffrun.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "harness/core/say.h"
#include "harness/judge/diffrun.h"
#include "harness/store/finding.h"
#include "harness/search/mutate.h"
#include "harness/vm/vmclient.h"

struct diffrun {
	int n;
	struct vmc *vm[DIFFRUN_MAX_KERNELS];
	char name[DIFFRUN_MAX_KERNELS][VMC_VARIANT_NAME_MAX + 1];	/* vmc_variant_name() */
	char spec[DIFFRUN_MAX_KERNELS][PATH_MAX];	/* as given: name, .patch path, dir */
	struct diffrun_opts o;
	struct oracle_cpu cpu;
	char findings[1024];
	/* Scratch for vmc_run_many (large; not on the stack). */
	struct run_obs obs[DIFFRUN_MAX_KERNELS];
	struct vmc_result res[DIFFRUN_MAX_KERNELS];
	struct diffrun_warm_stats warm;
	int last_warm;			/* the last diffrun_run started warm somewhere */
};

int diffrun_open(struct diffrun **drp, const char *kernels, const struct diffrun_opts *o)
{
	struct vmc_config cfg[DIFFRUN_MAX_KERNELS];
	struct diffrun *dr;
	char list[2 * PATH_MAX + 2], err[512], *save = NULL, *tok;
	int ret;

	dr = calloc(1, sizeof(*dr));
	if (!dr)
		return -ENOMEM;
	if (o)
		dr->o = *o;
	if (!dr->o.timeout_ms)
		dr->o.timeout_ms = 10000;
	snprintf(dr->findings, sizeof(dr->findings), "%s",
		 dr->o.findings_dir ? dr->o.findings_dir : "findings");
	oracle_cpu_default(&dr->cpu, ORACLE_VENDOR_AMD);	/* the test VM is an AMD CPU with SVM */
	if (dr->o.npt)
		oracle_cpu_npt(&dr->cpu, vmc_outer_tcg());

	if (snprintf(list, sizeof(list), "%s", kernels) >= (int)sizeof(list)) {
		say("mmufuzz: kernel list too long: '%.80s...'", kernels);
		free(dr);
		return -ENAMETOOLONG;
	}
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (dr->n == DIFFRUN_MAX_KERNELS) {
			say("mmufuzz: at most %d kernels (baseline,candidate): '%s'",
			    DIFFRUN_MAX_KERNELS, kernels);
			free(dr);
			return -EINVAL;
		}
		/* The one name every report and file uses (a path's basename);
		 * the spec as given is only for finding the modules. */
		ret = vmc_variant_name(tok, dr->name[dr->n], sizeof(dr->name[0]), err, sizeof(err));
		if (!ret && dr->n && !strcmp(dr->name[0], dr->name[dr->n])) {
			snprintf(err, sizeof(err), "kernels '%s' and '%s' have the same name '%s'; "
				 "their files would clash (rename one patch)", dr->spec[0], tok,
				 dr->name[0]);
			ret = -EINVAL;
		}
		if (ret) {
			say("mmufuzz: %s", err);
			free(dr);
			return ret;
		}
		snprintf(dr->spec[dr->n], sizeof(dr->spec[0]), "%s", tok);
		cfg[dr->n] = (struct vmc_config){
			.variant = dr->spec[dr->n],
			.npt = dr->o.npt,
			.findings_dir = dr->findings,
			.verbose = dr->o.verbose,
			.warn_goes_on = dr->o.warn_goes_on,
			.kcov_pcs = dr->o.kcov_pcs,
			.warm = dr->o.warm,
		};
		dr->n++;
	}
	if (!dr->n) {
		say("mmufuzz: no kernel named in '%s'", kernels);
		free(dr);
		return -EINVAL;
	}
	ret = vmc_start_many(dr->vm, cfg, dr->n);
	if (ret) {
		free(dr);
		return ret;
	}
	*drp = dr;
	return 0;
}

void diffrun_close(struct diffrun *dr)
{
	if (!dr)
		return;
	for (int i = 0; i < dr->n; i++)
		vmc_destroy(dr->vm[i]);
	free(dr);
}

int diffrun_kernels(const struct diffrun *dr)
{
	return dr->n;
}

const char *diffrun_kernel_name(const struct diffrun *dr, int i)
{
	return i >= 0 && i < dr->n ? dr->name[i] : "?";
}

struct diffrun_result *diffrun_result_new(void)
{
	struct diffrun_result *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	for (int i = 0; i < DIFFRUN_MAX_KERNELS; i++) {
		r->k[i].events = calloc(DIFFRUN_MAX_EVENTS, sizeof(struct rootrace_event));
		r->k[i].kcov.edges = calloc(DIFFRUN_MAX_EDGES, sizeof(uint32_t));
		r->k[i].kcov.pcs = calloc(DIFFRUN_MAX_PCS, sizeof(uint64_t));
		if (!r->k[i].events || !r->k[i].kcov.edges || !r->k[i].kcov.pcs) {
			diffrun_result_free(r);
			return NULL;
		}
	}
	return r;
}

void diffrun_result_free(struct diffrun_result *r)
{
	if (!r)
		return;
	for (int i = 0; i < DIFFRUN_MAX_KERNELS; i++) {
		free(r->k[i].events);
		free(r->k[i].kcov.edges);
		free(r->k[i].kcov.pcs);
	}
	free(r);
}

/* Copy the root trace out of a RUN_DONE reply, if it has one. */
static void take_trace(struct diffrun_kernel *k, const struct vmc_result *res)
{
	uint32_t len;
	const void *ev = vmc_run_section(res, VMP_SEC_TRACE, &len);
	size_t n = ev ? len / sizeof(struct rootrace_event) : 0;

	if (n > DIFFRUN_MAX_EVENTS)
		n = DIFFRUN_MAX_EVENTS;
	k->n_events = n;
	k->traced = ev != NULL;
	if (n)
		memcpy(k->events, ev, n * sizeof(struct rootrace_event));
}

/* Copy KVM's coverage out of a RUN_DONE reply (a "+cov" kernel). */
static void take_kcov(struct diffrun_kcov *c, const struct vmc_result *res)
{
	uint32_t len, n;
	const uint8_t *sec = vmc_run_section(res, VMP_SEC_KCOV, &len);
	const void *pcs;

	c->on = 0;
	c->n_pcs = 0;
	c->modules = NULL;
	c->modules_len = 0;
	memset(&c->hdr, 0, sizeof(c->hdr));
	if (!sec || len < sizeof(c->hdr))
		return;
	memcpy(&c->hdr, sec, sizeof(c->hdr));
	n = (len - (uint32_t)sizeof(c->hdr)) / sizeof(uint32_t);
	if (n > c->hdr.n_edges)
		n = c->hdr.n_edges;
	if (n > DIFFRUN_MAX_EDGES)
		n = DIFFRUN_MAX_EDGES;
	c->hdr.n_edges = n;
	memcpy(c->edges, sec + sizeof(c->hdr), n * sizeof(uint32_t));
	c->on = 1;
	pcs = vmc_run_section(res, VMP_SEC_KCOV_PCS, &len);
	if (pcs) {
		c->n_pcs = len / sizeof(uint64_t);
		if (c->n_pcs > DIFFRUN_MAX_PCS)
			c->n_pcs = DIFFRUN_MAX_PCS;
		memcpy(c->pcs, pcs, c->n_pcs * sizeof(uint64_t));
	}
	c->modules = vmc_run_section(res, VMP_SEC_KCOV_MODULES, &len);
	c->modules_len = c->modules ? len : 0;
}

static void judge_kernel(const struct program *p, const struct oracle_result *expect,
			 struct diffrun_kernel *k)
{
	struct kernel_outcome *ko = &k->outcome;

	memset(ko, 0, sizeof(*ko));
	ko->ran = 1;
	ko->first_violation_op = -1;
	if (k->died) {
		ko->host_fault = 1;
		ko->exit = RUN_KVM_DEAD;
		return;
	}
	ko->exit = k->obs.exit;
	ko->violations = oracle_verdict(p, expect, &k->obs, &k->verdict);
	for (int i = 0; i < k->verdict.n; i++)
		if (k->verdict.v[i].op >= 0) {
			ko->first_violation_op = k->verdict.v[i].op;
			break;
		}
	memset(&k->roots, 0, sizeof(k->roots));
	if (k->traced) {
		roots_eval(k->events, k->n_events, NULL, &k->roots);
		/* KVM's PDPTE registers vs the guest's (the model's): the one
		 * fact the entered roots cannot show (roots_model.c). */
		roots_check_model(&k->roots, expect);
		diff_outcome_roots(ko, &k->roots);
	}
}

static void warm_count(struct diffrun *dr, const struct vmc_result *res)
{
	struct vmp_timing t;
	uint32_t len;
	const void *sec = vmc_run_section(res, VMP_SEC_TIMING, &len);

	if (!sec || len < sizeof(t))
		return;
	memcpy(&t, sec, sizeof(t));
	dr->warm.runs++;
	dr->warm.warm += t.warm;
	dr->last_warm |= t.warm != 0;
	dr->warm.writes += t.warm_writes;
}

void diffrun_set_warm(struct diffrun *dr, int on)
{
	for (int i = 0; i < dr->n; i++)
		vmc_set_warm(dr->vm[i], dr->o.warm && on);
}

void diffrun_warm_stats(const struct diffrun *dr, struct diffrun_warm_stats *st)
{
	*st = dr->warm;
}

int diffrun_run(struct diffrun *dr, const struct program *p, struct diffrun_result *r)
{
	struct kernel_outcome none = { 0 };
	char err[160];
	int ret;

	r->n = dr->n;
	dr->last_warm = 0;
	memset(&r->diff, 0, sizeof(r->diff));
	if (prog_check(p, err, sizeof(err))) {
		snprintf(r->diff.why, sizeof(r->diff.why), "ill-formed program: %.120s", err);
		return -EINVAL;
	}
	oracle_eval_cpu(p, &dr->cpu, &r->expect);
	ret = vmc_run_many(dr->vm, dr->n, p, dr->o.timeout_ms, dr->obs, dr->res);
	/* Half a run judged would be a false verdict: a stopped run is none. */
	for (int i = 0; i < dr->n; i++)
		if (dr->res[i].status == -EINTR) {
			snprintf(r->diff.why, sizeof(r->diff.why), "%s", dr->res[i].detail);
			return -EINTR;
		}
	for (int i = 0; i < dr->n; i++) {
		struct diffrun_kernel *k = &r->k[i];
		struct vmc_result *res = &dr->res[i];

		snprintf(k->name, sizeof(k->name), "%s", dr->name[i]);
		k->seconds = res->seconds;
		/* A WARN read off the console (vmclient.h) is a host fault as
		 * a WARN panic is, though the VM lives on. */
		k->died = res->status == -EPIPE || res->status == -ETIMEDOUT || res->warned;
		snprintf(k->death, sizeof(k->death), "%s%s", k->died ? res->detail : "",
			 res->warned ? " (a repeat WARN: the VM went on)" : "");
		snprintf(k->vm_finding, sizeof(k->vm_finding), "%s", res->finding);
		if (res->status == -EREMOTEIO && !res->warned) {
			snprintf(r->diff.why, sizeof(r->diff.why), "%s: the agent refused the program (%s)",
				 dr->name[i], strerror(res->err));
			return -EREMOTEIO;
		}
		k->kcov.on = 0;
		warm_count(dr, res);
		if (!res->status) {
			memcpy(&k->obs, &dr->obs[i], sizeof(k->obs));
			take_trace(k, res);
			take_kcov(&k->kcov, res);
		}
		judge_kernel(p, &r->expect, k);
	}
	(void)ret;	/* per-VM statuses were judged above */
	if (dr->n == 1)
		diff_classify(&none, &r->k[0].outcome, &r->diff);
	else
		diff_classify(&r->k[0].outcome, &r->k[1].outcome, &r->diff);
	return 0;
}

int diffrun_confirm(struct diffrun *dr, const struct program *p, enum diff_class cls,
		    unsigned times)
{
	struct diffrun_result *r = diffrun_result_new();
	int ret = 1, was_warm = dr->last_warm;

	if (!r)
		return -ENOMEM;
	diffrun_set_warm(dr, 0);
	for (unsigned i = 0; i < times && ret == 1; i++) {
		int e = diffrun_run(dr, p, r);

		if (e)
			ret = e;
		else if (r->diff.cls != cls)
			ret = 0;
	}
	diffrun_set_warm(dr, 1);
	if (was_warm && ret == 1)
		dr->warm.confirmed++;
	else if (was_warm && ret == 0)
		dr->warm.unconfirmed++;
	diffrun_result_free(r);
	return ret;
}

void diffrun_signature(const struct program *p, const struct diffrun_result *r,
		       char *out, size_t cap)
{
	const char *kind = "run", *mode = "any";
	int op = r->diff.op;

	if (op >= 0 && op < p->n_ops) {
		kind = prog_op_name(p->ops[op].kind);
		mode = oracle_paging_mode_name(r->expect.ops[op].mode);
	} else if (r->diff.cls == DIFF_ALIASING) {
		/* Latent aliasing has no violating op: name the root reuse. */
		kind = "root";
		mode = "pae";
	}
	finding_signature(diff_class_name(r->diff.cls), kind, mode, out, cap);
	/* Two PDPTs on one page is the headline bug's shape: keep such
	 * findings apart from other bugs with the same class/op/mode. */
	if (prog_has_shared_pdpt_page(p)) {
		size_t l = strlen(out);

		snprintf(out + l, cap - l, "-shared-pdpt-page");
	}
}

/* Render into a malloc'ed string with open_memstream. */
static char *render(void (*fn)(FILE *, const void *, const void *), const void *a, const void *b,
		    size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	fn(f, a, b);
	fclose(f);
	return buf;
}

static void render_program(FILE *f, const void *p, const void *unused)
{
	prog_print(f, p);
}

static void render_report(FILE *f, const void *p, const void *r)
{
	diffrun_print(f, p, r);
}

struct kernel_ref {
	const struct program *p;
	const struct diffrun_kernel *k;
};

static void render_trace(FILE *f, const void *kref, const void *unused)
{
	const struct diffrun_kernel *k = ((const struct kernel_ref *)kref)->k;

	if (!k->traced) {
		fprintf(f, "no root trace from %s\n", k->name);
		return;
	}
	roots_print(f, &k->roots);
}

int diffrun_save(struct diffrun *dr, const struct program *p, const struct diffrun_result *r,
		 const uint8_t *input, size_t input_len, char *path, size_t cap)
{
	struct finding_file files[4 + 2 * DIFFRUN_MAX_KERNELS];
	char *bufs[4 + 2 * DIFFRUN_MAX_KERNELS] = { 0 };
	char names[DIFFRUN_MAX_KERNELS][2][96], sig[128], note[512];
	size_t n = 0, len;
	int ret;

	diffrun_signature(p, r, sig, sizeof(sig));
	bufs[n] = render(render_program, p, NULL, &len);
	files[n++] = (struct finding_file){ "program.mmu", bufs[n - 1] ? bufs[n - 1] : "", len };
	bufs[n] = render(render_report, p, r, &len);
	files[n++] = (struct finding_file){ "report.txt", bufs[n - 1] ? bufs[n - 1] : "", len };
	if (input)
		files[n++] = (struct finding_file){ "input.bin", input, input_len };
	for (int i = 0; i < r->n; i++) {
		struct kernel_ref ref = { p, &r->k[i] };

		snprintf(names[i][0], sizeof(names[i][0]), "trace-%s.txt", r->k[i].name);
		bufs[n] = render(render_trace, &ref, NULL, &len);
		files[n++] = (struct finding_file){ names[i][0], bufs[n - 1] ? bufs[n - 1] : "", len };
		if (r->k[i].vm_finding[0]) {
			snprintf(names[i][1], sizeof(names[i][1]), "vm-finding-%s.txt", r->k[i].name);
			bufs[n] = strdup(r->k[i].vm_finding);
			files[n++] = (struct finding_file){ names[i][1], bufs[n - 1],
							    bufs[n - 1] ? strlen(bufs[n - 1]) : 0 };
		}
	}
	snprintf(note, sizeof(note), "%s: %s", diff_class_name(r->diff.cls), r->diff.why);
	ret = finding_save(dr->findings, sig, files, n, note, path, cap);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	return ret;
}

void diffrun_print(FILE *f, const struct program *p, const struct diffrun_result *r)
{
	char buf[160];

	fprintf(f, "verdict: %s — %s\n", diff_class_name(r->diff.cls), r->diff.why);
	if (r->n == 2)
		fprintf(f, "kernels: baseline %s, candidate %s", r->k[0].name, r->k[1].name);
	else
		fprintf(f, "kernel: %s", r->k[0].name);
	fprintf(f, "\noracle profile: %s, MAXPHYADDR %u\n\n", oracle_vendor_name(r->expect.cpu.vendor),
		r->expect.cpu.maxphyaddr);
	for (unsigned op = 0; op < p->n_ops; op++) {
		const struct op_expect *e = &r->expect.ops[op];

		fprintf(f, "%3u %-6s", op, prog_op_name(p->ops[op].kind));
		fprintf(f, " [%s]", op < r->expect.n_ops ? oracle_paging_mode_name(e->mode) : "-");
		for (int i = 0; i < r->n; i++) {
			oracle_format_obs(buf, sizeof(buf), &r->k[i].obs.ops[op]);
			fprintf(f, "  %s: %s", r->k[i].name, r->k[i].died ? "(vm died)" : buf);
		}
		fputc('\n', f);
	}
	for (int i = 0; i < r->n; i++) {
		const struct diffrun_kernel *k = &r->k[i];

		fprintf(f, "\n== %s: %s", k->name, k->died ? "VM DIED: " : run_exit_name(k->obs.exit));
		if (k->died)
			fprintf(f, "%s (saved: %s)", k->death, k->vm_finding);
		fprintf(f, ", %d violation(s)\n", k->verdict.n);
		for (int v = 0; v < k->verdict.n; v++)
			oracle_print_violation(f, p, &k->verdict.v[v]);
		if (k->traced)
			roots_print(f, &k->roots);
	}
	if (r->n == 2 && r->k[0].traced && r->k[1].traced)
		roots_print_compare(f, r->k[0].name, &r->k[0].roots, r->k[1].name, &r->k[1].roots);
}

/* FNV-1a over a few small values: a stable feature index. */
static size_t feat_index(size_t n, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t h = 2166136261u, v[4] = { a, b, c, d };

	for (int i = 0; i < 4; i++) {
		h ^= v[i];
		h *= 16777619u;
	}
	return h % n;
}

static void bump(uint8_t *counters, size_t idx)
{
	if (counters[idx] != 0xff)
		counters[idx]++;
}

void diffrun_features(const struct program *p, const struct diffrun_result *r,
		      uint8_t *counters, size_t n)
{
	if (!n)
		return;
	for (int i = 0; i < r->n; i++) {
		const struct diffrun_kernel *k = &r->k[i];

		bump(counters, feat_index(n, 1, (uint32_t)i, k->died ? 99 : k->obs.exit, 0));
		for (unsigned op = 0; op < p->n_ops && op < k->obs.n_ops; op++) {
			const struct op_obs *o = &k->obs.ops[op];
			uint32_t mode = op < r->expect.n_ops ? r->expect.ops[op].mode : 9;

			bump(counters, feat_index(n, 2, p->ops[op].kind,
						  o->status * 256u + o->vector, mode));
			/* Kernels that disagree on an op: the differential edge. */
			if (i == 1 && (o->status != r->k[0].obs.ops[op].status ||
				       o->value != r->k[0].obs.ops[op].value))
				bump(counters, feat_index(n, 3, p->ops[op].kind, mode, 0));
		}
		if (k->traced)
			for (size_t f = 0; f < ROOTS_FEAT_N; f++)
				if (k->roots.feat[f])
					bump(counters, feat_index(n, 4, (uint32_t)f, k->roots.feat[f], 0));
		if (k->verdict.n)
			bump(counters, feat_index(n, 5, (uint32_t)i, k->verdict.n, 0));
	}
	bump(counters, feat_index(n, 6, r->diff.cls, 0, 0));
}
