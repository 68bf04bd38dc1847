// SPDX-License-Identifier: GPL-2.0
/*
 * check-vm: the test VM for real, under TCG.  Boots two VMs side by side
 * (stock modules, npt=0 and npt=1), then shows that the channel works
 * (PING, EXEC) and that each way a VM can die is detected, recorded as a
 * finding with the request in flight, and survived by a restart:
 *   - QEMU killed from outside in the middle of a request
 *   - a request that never finishes (the per-request timeout)
 *   - a guest kernel panic (sysrq crash)
 *   - a KVM WARN: the test-only variant test-warn-on-magic-cr3 (kernels/
 *     test-patches/) WARNs in kvm_set_cr3() on CR3 = 0xDEAD000; a program
 *     loading it runs side by side on the stock and the patched kernel
 *     (kernels/variant-dir.sh builds the variant, cached); the stock VM's
 *     result must survive the other's death
 * And that a real program runs: a corpus program through the executor,
 * with the BPF root trace attached.
 * Prints "vm: N passed, N failed".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness/vm/vmclient.h"
#include "tests/check.h"
#include "harness/core/say.h"

/* Most checks here are self-explaining: print the condition. */
#define VCHECK(c) CHECK(c, "%s", #c)

static char findings[] = "build/vm/check-findings";
#define WARN_VARIANT	"test-warn-on-magic-cr3"
#define MAGIC_CR3	0x00DEAD000ULL
#define GOOD_PROG	"corpus/pae-two-pdpts-one-page.mmu"

/* After a death: the finding holds reason, variant, console, request;
 * the VM was restarted and answers again. */
static void check_survived(struct vmc *vm, struct vmc_result *res,
			   enum vmc_death want, const char *variant,
			   const char *req_file, const char *req_word)
{
	char v[256];

	struct vmc_result r2;

	printf("  death=%s after %.1fs detail=\"%s\" finding=%s restarted=%d (boot %.1fs)\n",
	       vmc_death_name(res->death), res->seconds, res->detail, res->finding,
	       res->restarted, vmc_boot_seconds(vm));
	VCHECK(res->death == want);
	VCHECK(res->finding[0] != 0);
	VCHECK(check_file_has(res->finding, "reason", vmc_death_name(want)));
	snprintf(v, sizeof(v), "variant %s\n", variant);
	VCHECK(check_file_has(res->finding, "variant", v));
	VCHECK(check_file_has(res->finding, "console.log", NULL));
	VCHECK(check_file_has(res->finding, req_file, req_word));
	VCHECK(res->restarted == 1);
	VCHECK(vmc_ping(vm, 10000, &r2) == 0);
}

static void test_ping_exec(struct vmc *vm)
{
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; test -c /dev/kvm; exit 3", NULL };
	struct vmc_result res;
	int i, ok = 0, wst = -1;
	double t0;

	VCHECK(vmc_ping(vm, 10000, &res) == 0);
	t0 = res.seconds;
	for (i = 0; i < 20; i++)
		ok += vmc_ping(vm, 10000, &res) == 0;
	VCHECK(ok == 20);
	printf("  ping round trip %.2f ms (first %.2f ms)\n", res.seconds * 1e3, t0 * 1e3);

	VCHECK(vmc_exec(vm, argv, 20000, &wst, &res) == 0);
	VCHECK(WIFEXITED(wst) && WEXITSTATUS(wst) == 3);
	VCHECK(res.len == 4 + 8 && !memcmp(res.payload + 4, "out\nerr\n", 8));
}

static void test_kill(struct vmc *vm)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct vmc_result res;
	pid_t qemu = vmc_qemu_pid(vm), killer;
	int wst, ret;

	/* A child kills QEMU while the request is in flight. */
	killer = fork();
	if (killer == 0) {
		usleep(1500 * 1000);
		kill(qemu, SIGKILL);
		_exit(0);
	}
	ret = vmc_exec(vm, argv, 60000, &wst, &res);
	waitpid(killer, NULL, 0);
	VCHECK(ret == -EPIPE);
	VCHECK(res.seconds < 10);
	check_survived(vm, &res, VMC_QEMU_EXIT, "stock", "argv.txt", "sleep\n30");
	VCHECK(vmc_qemu_pid(vm) != qemu);
}

static void test_hang(struct vmc *vm)
{
	const char *argv[] = { "sleep", "1000", NULL };
	struct vmc_result res;
	int wst, ret;

	ret = vmc_exec(vm, argv, 3000, &wst, &res);
	VCHECK(ret == -ETIMEDOUT);
	VCHECK(res.seconds >= 3 && res.seconds < 6);
	check_survived(vm, &res, VMC_HANG, "stock", "argv.txt", "sleep\n1000");
}

static void test_panic(struct vmc *vm)
{
	const char *argv[] = { "sh", "-c", "echo c > /proc/sysrq-trigger", NULL };
	struct vmc_result res;
	int wst, ret;

	ret = vmc_exec(vm, argv, 60000, &wst, &res);
	VCHECK(ret == -EPIPE);
	VCHECK(strstr(res.detail, "sysrq") != NULL);
	check_survived(vm, &res, VMC_PANIC, "stock", "argv.txt", "sysrq-trigger");
}

/* A trace section follows struct run_obs in RUN_DONE. */
static int has_trace(const struct vmc_result *res)
{
	uint32_t len;

	return vmc_run_section(res, VMP_SEC_TRACE, &len) != NULL;
}

static void test_run(struct vmc *vm, const struct program *p)
{
	static struct run_obs obs;
	struct vmc_result res;

	VCHECK(vmc_run(vm, p, 20000, &obs, &res) == 0);
	printf("  run: exit=%s ops=%u in %.1f ms, %u reply bytes\n", run_exit_name(obs.exit),
	       obs.n_ops, res.seconds * 1e3, res.len);
	VCHECK(obs.exit == RUN_COMPLETED);
	VCHECK(obs.n_ops == p->n_ops);
	VCHECK(has_trace(&res));
}

static void test_warn(struct vmc *stock, struct vmc *warn, const struct program *good)
{
	static struct run_obs obs[2];
	struct vmc_result res[2];
	struct vmc *vms[2] = { stock, warn };
	struct program magic;
	int ret;

	prog_init_empty(&magic);
	snprintf(magic.title, sizeof(magic.title), "load the magic CR3 of warn-on-magic-cr3");
	prog_add_op(&magic, OP_CR3, MAGIC_CR3, 0);
	ret = vmc_run_many(vms, 2, &magic, 20000, obs, res);
	VCHECK(ret == -EPIPE);
	VCHECK(res[0].status == 0 && obs[0].exit == RUN_COMPLETED);
	VCHECK(res[1].status == -EPIPE);
	VCHECK(strstr(res[1].detail, "kvm_set_cr3") != NULL);
	check_survived(warn, &res[1], VMC_WARN, WARN_VARIANT, "program.mmu", "cr3 0xdead000");
	VCHECK(check_file_has(res[1].finding, "program.bin", NULL));

	/* Work goes on: a normal program on both. */
	ret = vmc_run_many(vms, 2, good, 20000, obs, res);
	VCHECK(ret == 0);
	VCHECK(obs[0].exit == RUN_COMPLETED && obs[1].exit == RUN_COMPLETED);

	/* The restarted VM has panic_on_warn=0: the same WARN again is read
	 * off the console, saved as a finding, and costs no reboot. */
	{
		pid_t qemu = vmc_qemu_pid(warn);

		ret = vmc_run_many(vms, 2, &magic, 20000, obs, res);
		printf("  repeat WARN: status=%d warned=%d detail=\"%s\" finding=%s\n",
		       res[1].status, res[1].warned, res[1].detail, res[1].finding);
		VCHECK(ret == 0 && res[1].status == 0 && res[1].death == VMC_ALIVE);
		VCHECK(res[1].warned == 1 && res[1].restarted == 0);
		VCHECK(strstr(res[1].detail, "WARNING:") && strstr(res[1].detail, "kvm_set_cr3"));
		VCHECK(res[1].finding[0] && check_file_has(res[1].finding, "reason", vmc_death_name(VMC_WARN)));
		VCHECK(check_file_has(res[1].finding, "program.mmu", "cr3 0xdead000"));
		VCHECK(obs[1].exit == RUN_COMPLETED);
		VCHECK(vmc_qemu_pid(warn) == qemu);

		/* A clean program after it is not blamed for the old WARN. */
		ret = vmc_run_many(vms, 2, good, 20000, obs, res);
		VCHECK(ret == 0 && !res[1].warned && !res[1].finding[0]);
		VCHECK(vmc_qemu_pid(warn) == qemu);
	}
}

int main(void)
{
	struct vmc_config cfg[3] = {
		{ .variant = "stock", .npt = 0, .findings_dir = findings, .verbose = 1 },
		{ .variant = "stock", .npt = 1, .findings_dir = findings, .verbose = 1 },
		{ .variant = WARN_VARIANT, .npt = 0, .findings_dir = findings, .verbose = 1,
		  .warn_goes_on = 1 },
	};
	struct program good;
	struct vmc *vms[3];
	char err[256];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say_set_sink(check_say, NULL);
	mkdir("build", 0755);
	mkdir("build/vm", 0755);
	ret = prog_load(GOOD_PROG, &good, err, sizeof(err));
	VCHECK(ret == 0);
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return check_summary("vm");
	}
	ret = vmc_start_many(vms, cfg, 3);
	VCHECK(ret == 0);
	if (ret)
		return check_summary("vm");
	printf("  booted 3 VMs in parallel: %.1fs, %.1fs, %.1fs\n", vmc_boot_seconds(vms[0]),
	       vmc_boot_seconds(vms[1]), vmc_boot_seconds(vms[2]));
	VCHECK(strstr(vmc_hello(vms[0])->release, "6.1.0") != NULL);
	VCHECK(strstr(vmc_hello(vms[0])->kvm_params, "npt=N") != NULL);
	VCHECK(strstr(vmc_hello(vms[1])->kvm_params, "npt=Y") != NULL);
	VCHECK(strstr(vmc_hello(vms[2])->variant, "warn-on-magic-cr3") != NULL);
	VCHECK(vmc_hello(vms[0])->has_executor == 1);

	test_ping_exec(vms[1]);
	vmc_destroy(vms[1]);

	test_ping_exec(vms[0]);
	test_run(vms[0], &good);
	test_warn(vms[0], vms[2], &good);
	vmc_destroy(vms[2]);

	test_kill(vms[0]);
	test_hang(vms[0]);
	test_panic(vms[0]);
	VCHECK(vmc_restarts(vms[0]) == 3);
	test_run(vms[0], &good);
	vmc_destroy(vms[0]);
	return check_summary("vm");
}
