// SPDX-License-Identifier: GPL-2.0
/*
 * RUN requests: the program goes to the executor (harness/exec/executor.h) on
 * the VM's /dev/kvm, with the BPF root tracer (harness/bpf/) recording the
 * shadow roots KVM allocates meanwhile.  Both are opened on the first RUN
 * and kept: one KVM VM serves every program (the executor resets it).
 *
 * The tracer is optional: if it cannot attach, runs go on untraced and
 * the reason travels once in a VMP_SEC_LOG section.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "agent.h"
#include "harness/exec/executor.h"
#include "harness/bpf/rootrace_api.h"

#define MAX_EVENTS	4096

const int agent_has_executor = 1;

static struct executor *ex;
static unsigned ex_watchdog_ms;
static struct rootrace *rt;
static int rt_tried;
static char rt_err[256];
static struct rootrace_event events[MAX_EVENTS];
static int cov_tried, cov_on, cov_err_pending, rt_err_pending;
static char cov_err[256];

uint64_t agent_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

size_t agent_put_section(uint8_t *out, size_t cap, size_t off, uint32_t kind,
			 const void *data, size_t len)
{
	struct vmp_section s = { .kind = kind, .len = (uint32_t)len };

	if (off + sizeof(s) + len > cap)
		return off;
	memcpy(out + off, &s, sizeof(s));
	memcpy(out + off + sizeof(s), data, len);
	return off + sizeof(s) + len;
}

/* Did KVM shadow, as a guest page table, a frame the host rewrites
 * behind its write tracking?  Then the next run must start clean.  The
 * trace is the ground truth: every kvm_mmu_get_page of the run. */
static int warm_unsafe(const struct rootrace_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == RT_GET_PAGE && !(ev[i].role & RT_ROLE_DIRECT) &&
		    executor_warm_unsafe_gfn(ev[i].gfn))
			return 1;
	return 0;
}

static int open_executor(const struct vmp_run_req *req, struct run_obs *obs)
{
	struct executor_opts o = {
		.vendor = -1, .watchdog_ms = req->timeout_ms,
		.before_guest = cov_on ? agent_cov_begin : NULL,
	};
	char err[sizeof(obs->detail)];
	int ret;

	/* A different watchdog needs a new executor (it is an open option). */
	if (ex && ex_watchdog_ms == req->timeout_ms)
		return 0;
	executor_close(ex);
	ex = NULL;
	ret = executor_open(&ex, &o, err, sizeof(err));
	if (ret < 0) {
		obs->exit = RUN_INTERNAL_ERROR;
		snprintf(obs->detail, sizeof(obs->detail), "executor_open: %s", err);
		ex = NULL;
		return ret;
	}
	ex_watchdog_ms = req->timeout_ms;
	return 0;
}

static void cov_try_open(void)
{
	if (cov_tried || !agent_cov_present())
		return;
	cov_tried = 1;
	cov_on = agent_cov_open(cov_err, sizeof(cov_err)) == 0;
	if (!cov_on) {
		fprintf(stderr, "mmufuzz-agent: KVM coverage unavailable: %s\n", cov_err);
		cov_err_pending = 1;	/* told with the first RUN */
	}
}

/*
 * The executor's capability probe and the tracer's load run KVM's
 * instrumented code many times: on a loaded host under TCG the first RUN
 * of a +cov variant took longer than diffrun's 10 s request timeout, and
 * every restart met the same timeout again (a false host fault).  So a
 * +cov agent opens all three before HELLO, inside the boot's own, much
 * longer, timeout.  The watchdog is what diffrun asks for by default
 * (its 10 s timeout halved by vmc_run_many); a client asking for another
 * one reopens the executor on its first RUN, as before.
 */
void agent_prepare(void)
{
	struct vmp_run_req req = { .flags = VMP_RUN_TRACE, .timeout_ms = 5000 };
	static struct run_obs obs;
	uint64_t t0 = agent_now_ns(), t1, t2;

	if (!agent_cov_present())
		return;
	cov_try_open();
	if (open_executor(&req, &obs))
		fprintf(stderr, "mmufuzz-agent: %s (the first RUN tries again)\n", obs.detail);
	t1 = agent_now_ns();
	rt_tried = 1;
	if (rootrace_open(&rt, getpid(), rt_err, sizeof(rt_err)) < 0) {
		rt = NULL;
		fprintf(stderr, "mmufuzz-agent: root tracer unavailable: %s\n", rt_err);
		rt_err_pending = 1;
	}
	t2 = agent_now_ns();
	fprintf(stderr, "mmufuzz-agent: +cov variant: executor opened in %llu ms, root tracer in "
		"%llu ms, before HELLO\n", (unsigned long long)(t1 - t0) / 1000000,
		(unsigned long long)(t2 - t1) / 1000000);
}

int agent_run(const struct vmp_run_req *req, const struct program *p,
	      struct run_obs *obs, uint8_t *extra, size_t cap, size_t *extra_len,
	      struct vmp_timing *t)
{
	struct executor_stats st0, st1;
	size_t off = 0, n_ev = 0;
	int ret, traced = 0, unsafe;
	uint64_t t0, t1;

	memset(obs, 0, sizeof(*obs));
	*extra_len = 0;
	/* Before the executor: its options name the coverage hook. */
	cov_try_open();
	if (cov_err_pending) {
		cov_err_pending = 0;
		off = agent_put_section(extra, cap, off, VMP_SEC_LOG, cov_err, strlen(cov_err));
	}
	ret = open_executor(req, obs);
	if (ret)
		return ret;

	if (rt_err_pending && (req->flags & VMP_RUN_TRACE)) {
		rt_err_pending = 0;
		off = agent_put_section(extra, cap, off, VMP_SEC_LOG, rt_err, strlen(rt_err));
	}
	if ((req->flags & VMP_RUN_TRACE) && !rt_tried) {
		rt_tried = 1;
		if (rootrace_open(&rt, getpid(), rt_err, sizeof(rt_err)) < 0) {
			rt = NULL;
			fprintf(stderr, "mmufuzz-agent: root tracer unavailable: %s\n", rt_err);
			off = agent_put_section(extra, cap, off, VMP_SEC_LOG, rt_err, strlen(rt_err));
		}
	}
	t0 = agent_now_ns();
	if (rt && (req->flags & VMP_RUN_TRACE))
		traced = rootrace_begin(rt) == 0;
	t->ns_trace += agent_now_ns() - t0;

	executor_stats(ex, &st0);
	executor_set_warm(ex, !!(req->flags & VMP_RUN_WARM));
	t0 = agent_now_ns();
	ret = executor_run(ex, p, obs);
	t1 = agent_now_ns();
	executor_stats(ex, &st1);
	t->ns_reset = st1.ns_reset - st0.ns_reset;
	t->ns_guest = st1.ns_guest - st0.ns_guest;
	t->ns_exec_host = (t1 - t0) - t->ns_reset - t->ns_guest;
	t->warm = (uint32_t)(st1.warm_runs - st0.warm_runs);
	t->warm_writes = (uint32_t)(st1.warm_writes - st0.warm_writes);
	unsafe = !traced;

	t0 = agent_now_ns();
	if (traced) {
		int r = rootrace_collect(rt, events, MAX_EVENTS, &n_ev);

		if (r && r != -ENOSPC)
			n_ev = 0;
		unsafe = r != 0 || warm_unsafe(events, n_ev);
		if (r == -ENOSPC) {
			static const char msg[] = "root trace truncated (ring buffer full)";

			off = agent_put_section(extra, cap, off, VMP_SEC_LOG, msg, sizeof(msg) - 1);
		}
		off = agent_put_section(extra, cap, off, VMP_SEC_TRACE, events,
				  n_ev * sizeof(events[0]));
	}
	t->ns_trace += agent_now_ns() - t0;
	if (cov_on) {
		struct agent_cov_run c;

		if (agent_cov_end(!!(req->flags & VMP_RUN_KCOV_PCS), &c)) {
			off = agent_put_section(extra, cap, off, VMP_SEC_KCOV, c.kcov, c.kcov_len);
			if (c.pcs)
				off = agent_put_section(extra, cap, off, VMP_SEC_KCOV_PCS, c.pcs,
							c.pcs_len);
			if (c.modules)
				off = agent_put_section(extra, cap, off, VMP_SEC_KCOV_MODULES,
							c.modules, c.modules_len);
		}
	}
	*extra_len = off;
	/* Without the whole trace nothing says what KVM shadowed. */
	if (unsafe)
		executor_warm_forbid(ex);

	/* KVM killed the VM: the executor refuses further runs, reopen. */
	if (obs->exit == RUN_KVM_DEAD) {
		executor_close(ex);
		ex = NULL;
	}
	return ret < 0 ? ret : 0;
}
