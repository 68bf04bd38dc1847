// SPDX-License-Identifier: GPL-2.0
/*
 * bench-vm: figures for the test VM under TCG.
 *   boot-to-ready    QEMU start to the agent's HELLO (stock modules, npt=0)
 *   ping/s           channel round trips per second, one VM
 *   programs/s       16-op generated programs through the agent's executor,
 *                    one VM, then two VMs side by side (vmc_run_many); each
 *                    with clean starts, warm starts, clean again (back to
 *                    back), and how many warm runs showed what the clean
 *                    ones did
 * Prints "bench-vm: <name> <value> <unit>" lines and a final
 * "vm-bench: N passed, N failed" line (a bench that could not measure
 * something counts as failed, so a broken VM cannot print green figures).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness/vm/vmclient.h"
#include "harness/vm/vmclient_proto.h"
#include "tests/check.h"
#include "harness/core/say.h"
#include "harness/search/generate.h"

#define N_PING	300
#define N_PROG	200

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* N_PROG programs of exactly 16 ops from a fixed seed. */
static int make_programs(struct program *progs)
{
	struct gen_opts o = { .max_ops = 16 };
	uint64_t rng = 20261125;
	int n = 0, tries = 0;

	while (n < N_PROG && tries++ < 100000) {
		if (prog_random(&rng, &progs[n], &o))
			continue;
		if (progs[n].n_ops == 16)
			n++;
	}
	return n;
}

/* Everything a run showed, the arena included. */
static uint64_t obs_hash(const struct run_obs *o)
{
	return check_fnv1a(o, sizeof(*o));
}

/*
 * Run the programs on nvm VMs, each start clean or warm
 * (harness/exec/executor.h).  hash[i] gets the first VM's observations of
 * program i from a clean pass; a warm pass counts how many it matches.
 */
static void bench_programs(struct vmc **vms, int nvm, const struct program *progs, int n,
			   int warm, uint64_t *hash)
{
	static struct run_obs obs[2];
	struct vmc_result res[2];
	struct vmp_timing sum = { 0 };
	int i, ok = 0, completed = 0, timed = 0, same = 0;
	unsigned long warm_runs = 0, writes = 0;
	double t0, dt;

	for (i = 0; i < nvm; i++)
		vmc_set_warm(vms[i], warm);
	t0 = now();
	for (i = 0; i < n; i++) {
		int ret = vmc_run_many(vms, nvm, &progs[i], 20000, obs, res);
		uint32_t len;
		const struct vmp_timing *t = vmc_run_section(&res[0], VMP_SEC_TIMING, &len);

		if (!ret)
			ok++;
		if (!ret && obs[0].exit == RUN_COMPLETED)
			completed++;
		if (!ret && !warm)
			hash[i] = obs_hash(&obs[0]);
		else if (!ret)
			same += hash[i] == obs_hash(&obs[0]);
		if (t && len == sizeof(*t)) {
			timed++;
			sum.ns_agent += t->ns_agent;
			sum.ns_reset += t->ns_reset;
			sum.ns_guest += t->ns_guest;
			sum.ns_exec_host += t->ns_exec_host;
			sum.ns_trace += t->ns_trace;
			sum.ns_pack += t->ns_pack;
			warm_runs += t->warm;
			writes += t->warm_writes;
		}
		if (ret && i == 0)
			fprintf(stderr, "vm-bench: RUN failed: %s (%s)\n", strerror(-ret),
				res[0].status == -EREMOTEIO ? (const char *)res[0].payload : res[0].detail);
	}
	dt = now() - t0;
	CHECK(ok == n, "%d of %d runs answered", ok, n);
	printf("bench-vm: programs/s (16 ops, %d VM%s side by side, %s starts) %.1f per VM "
	       "(%d runs, %d completed, %.2f ms/run)\n", nvm, nvm > 1 ? "s" : "",
	       warm ? "warm" : "clean", n / dt, n, completed, dt / n * 1e3);
	CHECK(timed == n, "%d of %d replies carry the agent's timing", timed, n);
	if (timed) {
		double ms = 1e-6 / timed;

		/* Where one round trip goes (the first VM's agent): the rest
		 * of the wall time is the channel, QEMU and this process. */
		printf("bench-vm: per run, ms: agent %.2f = reset %.2f + guest %.2f + executor "
		       "%.2f + tracer %.2f + pack %.2f + other %.2f; channel+host %.2f\n",
		       sum.ns_agent * ms, sum.ns_reset * ms, sum.ns_guest * ms,
		       sum.ns_exec_host * ms, sum.ns_trace * ms, sum.ns_pack * ms,
		       (sum.ns_agent - sum.ns_reset - sum.ns_guest - sum.ns_exec_host -
			sum.ns_trace - sum.ns_pack) * ms,
		       dt / n * 1e3 - sum.ns_agent * ms);
	}
	if (warm) {
		printf("bench-vm: warm starts %lu of %d runs (%.1f table stores each); "
		       "observations the same as from a clean start: %d of %d\n",
		       warm_runs, n, warm_runs ? (double)writes / warm_runs : 0.0, same, n);
		CHECK(warm_runs > 0, "some runs started warm");
	}
}

/* Clean, warm, clean again: the host's drift shows in the two clean figures. */
static void bench_both(struct vmc **vms, int nvm, const struct program *progs, int n)
{
	static uint64_t hash[N_PROG];

	bench_programs(vms, nvm, progs, n, 0, hash);
	bench_programs(vms, nvm, progs, n, 1, hash);
	bench_programs(vms, nvm, progs, n, 0, hash);
}

int main(void)
{
	struct vmc_config cfg[2] = {
		{ .variant = "stock", .npt = 0, .findings_dir = "build/vm/bench-findings" },
		{ .variant = "stock", .npt = 0, .findings_dir = "build/vm/bench-findings" },
	};
	static struct program progs[N_PROG];
	struct vmc *vms[2];
	struct vmc_result res;
	int i, ok = 0, n;
	double t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say_set_sink(check_say, NULL);
	if (vmc_start(&vms[0], &cfg[0])) {
		CHECK(0, "boot failed");
		return check_summary("vm-bench");
	}
	printf("bench-vm: boot-to-ready %.2f s (one VM, TCG, %s; guest kernel start "
	       "to agent ready %.2f s)\n", vmc_boot_seconds(vms[0]),
	       vmc_hello(vms[0])->release, vmc_hello(vms[0])->uptime_ms / 1e3);
	CHECK(vmc_boot_seconds(vms[0]) > 0, "boot time measured");

	t0 = now();
	for (i = 0; i < N_PING; i++)
		ok += vmc_ping(vms[0], 10000, &res) == 0;
	CHECK(ok == N_PING, "%d of %d pings", ok, N_PING);
	printf("bench-vm: ping/s %.0f (%.3f ms round trip)\n", N_PING / (now() - t0),
	       (now() - t0) / N_PING * 1e3);

	n = make_programs(progs);
	CHECK(n == N_PROG, "generated %d 16-op programs", n);
	if (!vmc_hello(vms[0])->has_executor) {
		CHECK(0, "agent has no executor: no programs/s figure");
		vmc_destroy(vms[0]);
		return check_summary("vm-bench");
	}
	/* The first RUN opens the executor and loads the BPF tracer: not
	 * part of the steady state. */
	{
		static struct run_obs o;
		double tw = now();

		CHECK(vmc_run(vms[0], &progs[0], 20000, &o, &res) == 0, "warm-up run");
		printf("bench-vm: first run (executor open + tracer load) %.2f s\n", now() - tw);
	}
	bench_both(vms, 1, progs, n);

	if (!vmc_start(&vms[1], &cfg[1])) {
		static struct run_obs o;

		printf("bench-vm: boot-to-ready %.2f s (second VM while the first idles)\n",
		       vmc_boot_seconds(vms[1]));
		CHECK(vmc_run(vms[1], &progs[0], 20000, &o, &res) == 0, "warm-up run");
		bench_both(vms, 2, progs, n);
		vmc_destroy(vms[1]);
	} else {
		CHECK(0, "second VM did not boot");
	}
	vmc_destroy(vms[0]);
	return check_summary("vm-bench");
}
