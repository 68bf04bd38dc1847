// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vmclient's own logic, no VM: console classification,
 * frame parsing, the finding directory, one PING against a fake agent
 * on a socketpair, and a stop request while a request is in flight.  The real VMs are tested by check-vm (harness/vm/).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/core/stop.h"
#include "harness/vm/vmclient_int.h"
#include "harness/vm/vmclient_pack.h"
#include "tests/check.h"

static char tmpdir[] = "/tmp/test_vmclient.XXXXXX";

static void write_console(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void test_classify(void)
{
	char con[256], d[256];
	enum vmc_death k;

	snprintf(con, sizeof(con), "%s/console.log", tmpdir);
	write_console(con,
		"[    0.04] tsc: Unable to calibrate against PIT\n"
		"[    3.10] ------------[ cut here ]------------\n"
		"[    3.10] WARNING: CPU: 0 PID: 1 at arch/x86/kvm/x86.c:1304 kvm_set_cr3+0x190/0x1a0 [kvm]\n"
		"[    3.20] Kernel panic - not syncing: kernel: panic_on_warn set ...\n");
	k = vmc__classify(con, VMC_CHANNEL, d, sizeof(d));
	CHECK(k == VMC_WARN, "WARN classified as %s", vmc_death_name(k));
	CHECK(!strncmp(d, "WARNING: CPU: 0", 15) && strstr(d, "x86.c:1304 kvm_set_cr3"),
	      "detail without the time stamp: '%s'", d);

	write_console(con, "[    1.00] BUG: kernel NULL pointer dereference, address: 0\n"
		      "[    1.01] Kernel panic - not syncing: Fatal exception\n");
	k = vmc__classify(con, VMC_QEMU_EXIT, d, sizeof(d));
	CHECK(k == VMC_PANIC, "BUG classified as %s", vmc_death_name(k));
	CHECK(!strcmp(d, "BUG: kernel NULL pointer dereference, address: 0"),
	      "first bad line kept: '%s'", d);

	/* "WARNING:" elsewhere in a line is not a kernel WARN. */
	write_console(con, "[    2.00] random: WARNING: nothing\n");
	k = vmc__classify(con, VMC_HANG, d, sizeof(d));
	CHECK(k == VMC_HANG, "quiet console keeps the default, got %s", vmc_death_name(k));

	k = vmc__classify("/nonexistent/console.log", VMC_QEMU_EXIT, d, sizeof(d));
	CHECK(k == VMC_QEMU_EXIT, "missing console keeps the default");

	/* A VM that went on after a WARN and then panicked: judged from the
	 * bytes after the WARN already reported, the panic is the cause. */
	{
		static const char text[] =
			"[    3.10] WARNING: CPU: 0 PID: 1 at arch/x86/kvm/x86.c:1304 kvm_set_cr3\n"
			"[    9.00] BUG: unable to handle page fault\n";
		off_t after_warn = strchr(text, '\n') + 1 - text;

		write_console(con, text);
		k = vmc__classify(con, VMC_QEMU_EXIT, d, sizeof(d));
		CHECK(k == VMC_WARN, "from the start: the old WARN, got %s", vmc_death_name(k));
		k = vmc__classify_from(con, after_warn, VMC_QEMU_EXIT, d, sizeof(d));
		CHECK(k == VMC_PANIC && !strcmp(d, "BUG: unable to handle page fault"),
		      "after it: %s '%s'", vmc_death_name(k), d);
	}
}

static void put_frame(struct vmc *vm, uint32_t magic, uint16_t type, uint32_t len)
{
	struct vmp_hdr h = { .magic = magic, .type = type, .seq = 7, .len = len };

	memcpy(vm->rx + vm->rx_len, &h, sizeof(h));
	memset(vm->rx + vm->rx_len + sizeof(h), 0xab, len);
	vm->rx_len += sizeof(h) + len;
}

static void test_frames(void)
{
	static struct vmc vm;
	struct vmp_hdr h;
	uint8_t *p;

	vm.rx_cap = 4096;
	vm.rx = calloc(1, vm.rx_cap);
	put_frame(&vm, VMP_MAGIC, VMP_PONG, 10);
	vm.rx_len -= 1;			/* one payload byte missing */
	CHECK(vmc__take_frame(&vm, &h, &p) == 0, "partial frame waits");
	vm.rx_len += 1;
	CHECK(vmc__take_frame(&vm, &h, &p) == 1 && h.len == 10 && h.seq == 7 &&
	      p[9] == 0xab, "complete frame taken");
	vmc__consume(&vm, sizeof(h) + h.len);
	CHECK(vm.rx_len == 0, "consumed");

	put_frame(&vm, VMP_MAGIC ^ 1, VMP_PONG, 0);
	CHECK(vmc__take_frame(&vm, &h, &p) == -EPROTO, "bad magic refused");
	vm.rx_len = 0;
	put_frame(&vm, VMP_MAGIC, VMP_TYPE_COUNT, 0);
	CHECK(vmc__take_frame(&vm, &h, &p) == -EPROTO, "unknown type refused");
	vm.rx_len = 0;
	{
		struct vmp_hdr big = { .magic = VMP_MAGIC, .type = VMP_PONG,
				       .len = VMP_MAX_PAYLOAD + 1 };

		memcpy(vm.rx, &big, sizeof(big));
		vm.rx_len = sizeof(big);
		CHECK(vmc__take_frame(&vm, &h, &p) == -EPROTO, "oversized length refused");
	}
	free(vm.rx);
}

static void test_finding(void)
{
	static struct vmc vm;
	static uint8_t req[sizeof(struct vmp_run_req) + sizeof(struct program)];
	struct program *p = (struct program *)(req + sizeof(struct vmp_run_req));
	char out[4096], cmd[600];
	int ret;

	snprintf(vm.variant, sizeof(vm.variant), "pae-root-rfc");
	snprintf(vm.tag, sizeof(vm.tag), "pae-root-rfc");
	snprintf(vm.findings, sizeof(vm.findings), "%s/findings", tmpdir);
	snprintf(vm.console, sizeof(vm.console), "%s/console.log", tmpdir);
	write_console(vm.console, "[ 1.0] WARNING: CPU: 0 PID: 1 at x.c:1 f\n");
	prog_init_empty(p);
	prog_add_op(p, OP_CR3, 0x200020, 0);
	vm.req_type = VMP_RUN;
	ret = vmc__save_finding(&vm, VMC_WARN, "WARNING: CPU: 0 PID: 1 at x.c:1 f",
				req, sizeof(req), out, sizeof(out));
	CHECK(ret == 0, "save_finding: %d", ret);
	CHECK(strstr(out, "/vm-warn-pae-root-rfc-run-") != NULL,
	      "named by signature (kind, variant, request): %s", out);
	CHECK(check_file_has(out, "reason", "warn: WARNING: CPU: 0"), "reason");
	CHECK(check_file_has(out, "variant", "variant pae-root-rfc\n"), "variant");
	CHECK(check_file_has(out, "console.log", "x.c:1"), "console copied");
	CHECK(check_file_has(out, "program.mmu", "cr3 0x200020"), "program as text");
	{
		struct stat st;
		char path[4200];

		snprintf(path, sizeof(path), "%s/program.bin", out);
		CHECK(!stat(path, &st) && st.st_size == sizeof(struct program), "program.bin");
	}
	/* The same WARN again (another CPU and PID) is a hit, not a new folder;
	 * what was saved first stays as it was. */
	write_console(vm.console, "[ 2.0] WARNING: CPU: 1 PID: 7 at x.c:1 f\n");
	{
		char again[4096];

		ret = vmc__save_finding(&vm, VMC_WARN, "WARNING: CPU: 1 PID: 7 at x.c:1 f",
					req, sizeof(req), again, sizeof(again));
		CHECK(ret == 0 && !strcmp(again, out), "same signature, same folder: %s", again);
		CHECK(check_file_has(out, "console.log", "[ 1.0]"), "first console kept");
		CHECK(check_file_has(out, "hits", "PID: 7 at x.c:1"), "the second one is a hit");
		/* Another site is another finding. */
		ret = vmc__save_finding(&vm, VMC_WARN, "WARNING: CPU: 1 PID: 7 at y.c:2 g",
					req, sizeof(req), again, sizeof(again));
		CHECK(ret == 0 && strcmp(again, out), "another site, another folder: %s", again);
	}
	/* Nothing half-written is left beside it. */
	snprintf(cmd, sizeof(cmd), "ls -A '%s/findings' | grep -c '^\\.' >/dev/null", tmpdir);
	CHECK(system(cmd) != 0, "no dot-named temporary directory left");

	/* A findings path that cannot be created is an error, not a crash. */
	snprintf(vm.findings, sizeof(vm.findings), "%s/console.log/findings", tmpdir);
	ret = vmc__save_finding(&vm, VMC_WARN, "x", req, sizeof(req), out, sizeof(out));
	CHECK(ret < 0, "save_finding under a file fails: %d", ret);
}

/* A fake agent on a socketpair answers one PING. */
static void test_ping_fake(void)
{
	struct vmc *vm = calloc(1, sizeof(*vm));
	struct vmc_result res;
	int sv[2], ret;
	pid_t pid;

	CHECK(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
	pid = fork();
	if (pid == 0) {
		uint8_t buf[256];
		struct vmp_hdr h;

		close(sv[0]);
		if (read(sv[1], &h, sizeof(h)) != sizeof(h) || h.len > sizeof(buf) ||
		    read(sv[1], buf, h.len) != (ssize_t)h.len)
			_exit(1);
		h.type = VMP_PONG;
		if (write(sv[1], &h, sizeof(h)) != sizeof(h) ||
		    write(sv[1], buf, h.len) != (ssize_t)h.len)
			_exit(1);
		sleep(5);	/* stay "alive" until killed */
		_exit(0);
	}
	close(sv[1]);
	vm->fd = sv[0];
	vm->pid = pid;
	vm->ready = 1;
	snprintf(vm->variant, sizeof(vm->variant), "fake");
	ret = vmc_ping(vm, 5000, &res);
	CHECK(ret == 0, "ping against the fake agent: %d", ret);
	CHECK(res.type == VMP_PONG && res.death == VMC_ALIVE, "pong, alive");
	vmc_destroy(vm);	/* kills and reaps the child */
	CHECK(waitpid(pid, NULL, WNOHANG) < 0, "child reaped by vmc_destroy");
}

/*
 * The peer is gone before the request is written: no SIGPIPE, the death
 * is reported (QEMU "exited": the fake's child did) and recorded.  The
 * restart fails here (no VM directory), which the result says.
 */
static void test_dead_peer(void)
{
	struct vmc *vm = calloc(1, sizeof(*vm));
	const char *argv[] = { "true", NULL };
	struct vmc_result res;
	int sv[2], ret, wst;
	pid_t pid;

	CHECK(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
	pid = fork();
	if (pid == 0)
		_exit(0);
	close(sv[1]);
	waitpid(pid, NULL, 0);	/* reaped here: vmclient must cope */
	vm->fd = sv[0];
	vm->pid = 0;
	vm->ready = 1;
	snprintf(vm->variant, sizeof(vm->variant), "fake");
	snprintf(vm->tag, sizeof(vm->tag), "fake");
	snprintf(vm->findings, sizeof(vm->findings), "%s/findings", tmpdir);
	snprintf(vm->console, sizeof(vm->console), "%s/none.log", tmpdir);
	ret = vmc_exec(vm, argv, 2000, &wst, &res);
	CHECK(ret == -EPIPE, "dead peer gives -EPIPE, got %d", ret);
	CHECK(res.death == VMC_QEMU_EXIT, "death %s", vmc_death_name(res.death));
	CHECK(check_file_has(res.finding, "argv.txt", "true"), "finding keeps the request");
	CHECK(res.restarted == 0, "restart without a VM directory fails");
	vmc_destroy(vm);
}

/*
 * A stop request (harness/core/stop.h) while a request is in flight: the
 * fake agent never answers, SIGTERM comes 0.3 s in.  The request ends at
 * once with -EINTR, the "QEMU" is killed and reaped, nothing is saved,
 * nothing restarted, and a later request is refused without a try.  (Run
 * last: a stop request is one-way.)
 */
static void test_stop_in_flight(void)
{
	struct vmc *vm = calloc(1, sizeof(*vm));
	struct stop_saved old;
	struct vmc_result res;
	struct timespec t0, t1;
	int sv[2], ret;
	pid_t pid, killer;

	CHECK(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		sleep(60);	/* reads nothing, answers nothing */
		_exit(0);
	}
	close(sv[1]);
	vm->fd = sv[0];
	vm->pid = pid;
	vm->ready = 1;
	snprintf(vm->variant, sizeof(vm->variant), "fake");
	snprintf(vm->tag, sizeof(vm->tag), "fake");
	snprintf(vm->findings, sizeof(vm->findings), "%s/findings-stop", tmpdir);
	snprintf(vm->console, sizeof(vm->console), "%s/none.log", tmpdir);
	stop_catch(&old);
	killer = check_sigterm_me_after(300000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = vmc_ping(vm, 30000, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waitpid(killer, NULL, 0);
	CHECK(ret == -EINTR && res.status == -EINTR && t1.tv_sec - t0.tv_sec < 10,
	      "stopped request: %d after %ld s", ret, (long)(t1.tv_sec - t0.tv_sec));
	CHECK(strstr(res.detail, "SIGTERM") != NULL, "detail names the signal: '%s'", res.detail);
	CHECK(vm->pid == 0 && kill(pid, 0) && errno == ESRCH, "the fake QEMU is killed and reaped");
	CHECK(res.death == VMC_ALIVE && !res.finding[0] && !res.restarted,
	      "no death, no finding, no restart (%s, '%s')", vmc_death_name(res.death), res.finding);
	CHECK(access(vm->findings, F_OK), "nothing saved under %s", vm->findings);
	ret = vmc_ping(vm, 30000, &res);
	CHECK(ret == -EINTR && vm->pid == 0, "a later request is refused at once: %d", ret);
	stop_release(&old);
	vmc_destroy(vm);
}

static void test_pack(void)
{
	static struct run_obs a, b;
	static uint8_t buf[sizeof(struct vmp_obs_packed) + sizeof(struct run_obs)];
	struct vmp_obs_packed h;
	size_t n;
	long used;

	memset(&a, 0, sizeof(a));
	a.exit = RUN_SHUTDOWN;
	a.n_ops = 3;
	a.ops[2].cr2 = 0x40000000;
	a.cr3 = 0x200020;
	a.has_arena = 1;
	a.arena[5] = 0x27;				/* page 0 */
	a.arena[7 * LAYOUT_PAGE_SIZE + 4095] = 1;	/* page 7, last byte */
	snprintf(a.detail, sizeof(a.detail), "triple fault");
	n = vmp_obs_pack(&a, buf, sizeof(buf));
	CHECK(n > 0 && n < sizeof(a) / 10, "packed %zu of %zu bytes", n, sizeof(a));
	memcpy(&h, buf, sizeof(h));
	CHECK(h.page_map == ((1ULL << 0) | (1ULL << 7)), "page map %#llx",
	      (unsigned long long)h.page_map);
	memset(&b, 0xff, sizeof(b));
	used = vmp_obs_unpack(buf, n, &b);
	CHECK(used == (long)n, "unpack used %ld of %zu", used, n);
	CHECK(!memcmp(&a, &b, sizeof(a)), "round trip is exact (zero pages restored)");

	CHECK(vmp_obs_unpack(buf, n - 1, &b) == -EPROTO, "cut short refused");
	h.page_map |= 1ULL << 63;
	memcpy(buf, &h, sizeof(h));
	CHECK(LAYOUT_ARENA_PAGES == 64 || vmp_obs_unpack(buf, n, &b) == -EPROTO,
	      "page beyond the arena refused");
	CHECK(vmp_obs_pack(&a, buf, 100) == 0, "too small a buffer is refused");
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_classify();
	test_frames();
	test_pack();
	test_finding();
	test_ping_fake();
	test_dead_peer();
	test_stop_in_flight();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return check_summary("vmclient");
}
