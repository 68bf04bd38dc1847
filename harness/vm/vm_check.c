// SPDX-License-Identifier: GPL-2.0
/*
 * check-vm: the test VM for real, under TCG.  Boots two VMs side by side
 * (stock modules, npt=0 and npt=1), then shows that the channel works
 * (PING, EXEC) and that each way a VM can die is detected, recorded as a
 * finding with the request in flight, and survived by a restart:
 *   - QEMU killed from outside in the middle of a request
 *   - a request that never finishes (the per-request timeout)
 *   - a guest kernel panic (sysrq crash)
 *   - a KVM WARN (the test-warn-on-magic-cr3 variant; see run_warn())
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
#include "harness/vmclient.h"
#include "tests/check.h"

/* Most checks here are self-explaining: print the condition. */
#define VCHECK(c) CHECK(c, "%s", #c)

static char findings[] = "build/vm/check-findings";

static int file_has(const char *dir, const char *name, const char *needle)
{
	char path[4096], buf[65536];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return needle ? strstr(buf, needle) != NULL : n > 0;
}

/* After a death: the finding holds reason, variant, console, request;
 * the VM was restarted and answers again. */
static void check_survived(struct vmc *vm, struct vmc_result *res,
			   enum vmc_death want, const char *argv_word)
{
	struct vmc_result r2;

	printf("  death=%s after %.1fs detail=\"%s\" finding=%s restarted=%d (boot %.1fs)\n",
	       vmc_death_name(res->death), res->seconds, res->detail, res->finding,
	       res->restarted, vmc_boot_seconds(vm));
	VCHECK(res->death == want);
	VCHECK(res->finding[0] != 0);
	VCHECK(file_has(res->finding, "reason", vmc_death_name(want)));
	VCHECK(file_has(res->finding, "variant", "variant stock"));
	VCHECK(file_has(res->finding, "console.log", NULL));
	VCHECK(file_has(res->finding, "argv.txt", argv_word));
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
	check_survived(vm, &res, VMC_QEMU_EXIT, "sleep\n30");
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
	check_survived(vm, &res, VMC_HANG, "sleep\n1000");
}

static void test_panic(struct vmc *vm)
{
	const char *argv[] = { "sh", "-c", "echo c > /proc/sysrq-trigger", NULL };
	struct vmc_result res;
	int wst, ret;

	ret = vmc_exec(vm, argv, 60000, &wst, &res);
	VCHECK(ret == -EPIPE);
	VCHECK(strstr(res.detail, "sysrq") != NULL);
	check_survived(vm, &res, VMC_PANIC, "sysrq-trigger");
}

int main(void)
{
	struct vmc_config cfg[2] = {
		{ .variant = "stock", .npt = 0, .findings_dir = findings, .verbose = 1 },
		{ .variant = "stock", .npt = 1, .findings_dir = findings, .verbose = 1 },
	};
	struct vmc *vms[2];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("build", 0755);
	mkdir("build/vm", 0755);
	ret = vmc_start_many(vms, cfg, 2);
	VCHECK(ret == 0);
	if (ret)
		return check_summary("vm");
	printf("  booted 2 VMs in parallel: %.1fs and %.1fs\n",
	       vmc_boot_seconds(vms[0]), vmc_boot_seconds(vms[1]));
	VCHECK(strstr(vmc_hello(vms[0])->release, "6.1.0") != NULL);
	VCHECK(strstr(vmc_hello(vms[0])->kvm_params, "npt=N") != NULL);
	VCHECK(strstr(vmc_hello(vms[1])->kvm_params, "npt=Y") != NULL);

	test_ping_exec(vms[1]);
	vmc_destroy(vms[1]);

	test_ping_exec(vms[0]);
	test_kill(vms[0]);
	test_hang(vms[0]);
	test_panic(vms[0]);
	VCHECK(vmc_restarts(vms[0]) == 3);
	vmc_destroy(vms[0]);
	return check_summary("vm");
}
