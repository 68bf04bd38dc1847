// SPDX-License-Identifier: GPL-2.0
/*
 * vmclient lifecycle: build the VM image, start QEMU, connect the channel,
 * wait for the agent's HELLO, kill and restart.  See harness/vm/vmclient.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/core/stop.h"
#include "harness/store/finding.h"
#include "harness/core/say.h"
#include "harness/vm/vmclient_int.h"

#define QEMU_BIN	"qemu-system-x86_64"
#define DEFAULT_CPU	"qemu64,+svm,+npt,+nx,+pse36,+pge,+smep,+smap"
#define CONNECT_MS	10000

static unsigned vmc_counter;

/* The source tree: $MMUFUZZ_ROOT, else the first parent of our executable
 * (then of the cwd) that holds harness/vm/mkinitramfs.sh. */
static int find_top(char *out, size_t len)
{
	const char *env = getenv("MMUFUZZ_ROOT");
	char buf[PATH_MAX], probe[PATH_MAX + 32];
	int pass;

	if (env && *env) {
		vmc__fmt(out, len, "%s", env);
		return 0;
	}
	for (pass = 0; pass < 2; pass++) {
		ssize_t n;

		if (pass == 0) {
			n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
			if (n <= 0)
				continue;
			buf[n] = 0;
		} else if (!getcwd(buf, sizeof(buf))) {
			continue;
		}
		for (;;) {
			char *slash;

			vmc__fmt(probe, sizeof(probe), "%s/harness/vm/mkinitramfs.sh", buf);
			if (!access(probe, X_OK)) {
				vmc__fmt(out, len, "%s", buf);
				return 0;
			}
			slash = strrchr(buf, '/');
			if (!slash || slash == buf)
				break;
			*slash = 0;
		}
	}
	say("vmclient: cannot find the mmufuzz tree (set MMUFUZZ_ROOT)");
	return -ENOENT;
}

int vmc_source_tree(char *out, size_t len)
{
	return find_top(out, len);
}

/* Run argv, keep the last line of its stdout; stderr passes through. */
static int run_capture(char *const argv[], char *out, size_t len)
{
	int pfd[2], st;
	size_t used = 0;
	char buf[8192];
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		/* A variant build must not outlive a caller that was stopped:
		 * its own group, so a stop request reaches make and the
		 * compilers too (below), and SIGTERM if the caller dies. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		say("vmclient: exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	setpgid(pid, pid);	/* as the child does: no window without its group */
	for (;;) {
		ssize_t n = read(pfd[0], buf + used, sizeof(buf) - 1 - used);

		if (n < 0 && errno == EINTR) {
			if (stop_requested())
				kill(-pid, SIGTERM);	/* EOF follows when the build is gone */
			continue;
		}
		if (n <= 0)
			break;
		used += n;
		if (used == sizeof(buf) - 1) {	/* keep only the tail */
			memmove(buf, buf + used / 2, used - used / 2);
			used -= used / 2;
		}
	}
	close(pfd[0]);
	buf[used] = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (stop_requested()) {
		say("vmclient: %s stopped by SIG%s", argv[0], sigabbrev_np(stop_requested()));
		return -EINTR;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		say("vmclient: %s failed (status %d)", argv[0],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -EIO;
	}
	while (used && buf[used - 1] == '\n')
		buf[--used] = 0;
	{
		char *nl = strrchr(buf, '\n');

		vmc__fmt(out, len, "%s", nl ? nl + 1 : buf);
	}
	return 0;
}

/* variant name -> module directory ("" for stock), image, kernel. */
static int prepare_image(struct vmc *vm)
{
	char path[PATH_MAX + 64], agent[PATH_MAX + 64], line[PATH_MAX];
	char *argv[64];
	int argc = 0, i, ret;
	struct stat st;

	if (!strcmp(vm->variant, "stock")) {
		vm->variant_dir[0] = 0;
	} else if (!stat(vm->variant, &st) && S_ISDIR(st.st_mode)) {
		if (!realpath(vm->variant, vm->variant_dir))
			return -errno;
	} else {
		vmc__fmt(path, sizeof(path), "%s/kernels/variant-dir.sh", vm->top);
		argv[0] = path;
		argv[1] = vm->variant;
		argv[2] = NULL;
		ret = run_capture(argv, vm->variant_dir, sizeof(vm->variant_dir));
		if (ret) {
			say("vmclient: no modules for variant '%s'", vm->variant);
			return ret;
		}
	}

	snprintf(agent, sizeof(agent), "%s/build/vm/mmufuzz-agent", vm->top);
	if (access(agent, R_OK)) {
		/* A clean tree: build the agent first (make all does too). */
		argv[0] = "make";
		argv[1] = "-s";
		argv[2] = "-C";
		argv[3] = vm->top;
		argv[4] = "build/vm/mmufuzz-agent";
		argv[5] = NULL;
		ret = run_capture(argv, line, sizeof(line));
		if (ret)
			return ret;
	}

	vmc__fmt(path, sizeof(path), "%s/harness/vm/mkinitramfs.sh", vm->top);
	argv[argc++] = path;
	if (vm->variant_dir[0]) {
		argv[argc++] = "--variant";
		argv[argc++] = vm->variant_dir;
	}
	argv[argc++] = "--add";
	argv[argc++] = agent;
	for (i = 0; vm->cfg.extra_files && vm->cfg.extra_files[i] && argc < 60; i++) {
		argv[argc++] = "--add";
		argv[argc++] = (char *)vm->cfg.extra_files[i];
	}
	argv[argc] = NULL;
	ret = run_capture(argv, vm->image, sizeof(vm->image));
	if (ret)
		return ret;

	vmc__fmt(path, sizeof(path), "%s/harness/vm/kenv.sh", vm->top);
	argv[0] = path;
	argv[1] = NULL;
	{
		/* kenv.sh prints VMLINUX= (PVH-bootable, uncompressed) last. */
		FILE *f;
		char cmd[2 * PATH_MAX + 32];

		/* The variant's info names its base's kernel image. */
		if (vm->variant_dir[0])
			vmc__fmt(cmd, sizeof(cmd), "'%s' --variant '%s'", path, vm->variant_dir);
		else
			vmc__fmt(cmd, sizeof(cmd), "'%s'", path);
		f = popen(cmd, "r");
		if (!f)
			return -errno;
		vm->vmlinuz[0] = 0;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "VMLINUX=", 8)) {
				line[strcspn(line, "\n")] = 0;
				snprintf(vm->vmlinuz, sizeof(vm->vmlinuz), "%s", line + 8);
			}
		pclose(f);
	}
	if (!vm->vmlinuz[0] || access(vm->vmlinuz, R_OK)) {
		say("vmclient: no kernel image (harness/vm/kenv.sh)");
		return -ENOENT;
	}
	return 0;
}

int vmc__reap(struct vmc *vm)
{
	int st;

	if (!vm->pid)
		return 1;
	if (waitpid(vm->pid, &st, WNOHANG) == vm->pid) {
		vm->qemu_status = st;
		vm->pid = 0;
		return 1;
	}
	return 0;
}

void vmc__kill(struct vmc *vm)
{
	if (vm->pid) {
		kill(vm->pid, SIGKILL);
		while (waitpid(vm->pid, &vm->qemu_status, 0) < 0 && errno == EINTR)
			;
		vm->pid = 0;
	}
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
	vm->ready = 0;
	vm->rx_len = 0;
}

int vmc_outer_tcg(void)
{
	const char *accel = getenv("MMUFUZZ_VM_ACCEL");

	return !accel || !*accel || strcmp(accel, "kvm") != 0;
}

static void exec_qemu(struct vmc *vm)
{
	char mem[16], append[512], serial[PATH_MAX + 8], chardev[PATH_MAX + 64];
	char qmp[PATH_MAX + 32];
	char out[PATH_MAX + 16];
	const char *cpu = getenv("MMUFUZZ_VM_CPU");
	const char *accel = getenv("MMUFUZZ_VM_ACCEL");
	int fd;

	snprintf(mem, sizeof(mem), "%u", vm->cfg.mem_mib ? vm->cfg.mem_mib : 1024);
	/* no_timer_check: under TCG on a loaded host the guest's IO-APIC
	 * timer check can miss its ticks and panic ("IO-APIC + timer doesn't
	 * work!"); the check proves nothing here.  cryptomgr.notests: 6.12
	 * runs crypto self-tests at boot; emulated on a starved host one
	 * tripped the soft-lockup watchdog, a false finding.  KVM needs
	 * neither.  The test-only mode makes init refuse to start the agent,
	 * so a test sees a real failed boot (see vmc_boot_fails_on_purpose). */
	snprintf(append, sizeof(append),
		 "console=ttyS0 loglevel=5 panic=-1 panic_on_warn=%d oops=panic "
		 "nokaslr mitigations=off unknown_nmi_panic=1 no_timer_check cryptomgr.notests "
		 "kvm_amd.npt=%d mmufuzz.mode=%s",
		 !vm->warn_no_panic, vm->cfg.npt ? 1 : 0,
		 vm->fail_this_boot ? "boot-fails-on-purpose" : "agent");
	snprintf(serial, sizeof(serial), "file:%s", vm->console);
	snprintf(chardev, sizeof(chardev), "socket,id=ch0,path=%s,server=on,wait=on",
		 vm->sock);
	vmc__fmt(out, sizeof(out), "%s/qemu.out", vm->dir);
	vmc__fmt(qmp, sizeof(qmp), "unix:%s/qmp.sock,server=on,wait=off", vm->dir);

	/* QEMU must not outlive us (a crashed fuzzer leaves no VMs behind). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	/* MMUFUZZ_VM_ACCEL=kvm: a host with nested virtualization runs the
	 * VM on its KVM with its own CPU (then kvm_intel works too). */
	if (!accel || !*accel)
		accel = "tcg";
	if (!cpu || !*cpu)
		cpu = strcmp(accel, "kvm") ? DEFAULT_CPU : "host";
	execlp(QEMU_BIN, QEMU_BIN, "-accel", accel, "-cpu", cpu,
	       "-m", mem, "-smp", "1", "-nodefaults", "-no-user-config",
	       "-display", "none", "-no-reboot",
	       "-kernel", vm->vmlinuz, "-initrd", vm->image, "-append", append,
	       "-serial", serial,
	       "-device", "virtio-serial-pci,id=vs0",
	       "-chardev", chardev,
	       "-device", "virtserialport,bus=vs0.0,chardev=ch0,name=" VMP_PORT_NAME,
	       "-qmp", qmp, (char *)NULL);
	say("exec %s: %s", QEMU_BIN, strerror(errno));
	_exit(127);
}

/*
 * Ask QEMU (QMP) to inject an NMI: with unknown_nmi_panic=1 the guest
 * kernel panics and prints where its CPU was, so a hang finding carries a
 * stack.  Best effort: returns 0 if the commands were sent.
 */
int vmc__nmi(struct vmc *vm)
{
	static const char *const cmds[] = {
		"{\"execute\":\"qmp_capabilities\"}\n",
		"{\"execute\":\"inject-nmi\"}\n",
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	int fd, i, ret = 0;

	if (vmc__fmt(sa.sun_path, sizeof(sa.sun_path), "%s/qmp.sock", vm->dir))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		ret = -errno;
	/* Greeting, then one command at a time: QEMU drops commands still
	 * queued when the client goes away, so wait for each answer. */
	for (i = -1; !ret && i < 2; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (i >= 0 && send(fd, cmds[i], strlen(cmds[i]), MSG_NOSIGNAL) !=
			      (ssize_t)strlen(cmds[i]))
			ret = -EIO;
		else if (poll(&p, 1, 2000) != 1 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
			ret = -EIO;
		else if (buf[n] = 0, i >= 0 && !strstr(buf, "\"return\""))
			ret = -EIO;
	}
	close(fd);
	return ret;
}

/* The last lines of a file (a console, QEMU's output) to the sink. */
static void say_file_tail(const char *path, int lines)
{
	char buf[4096], *p, *start;
	FILE *f = fopen(path, "r");
	size_t n;
	long size;

	if (!f) {
		say("vmclient: cannot show %s: %s", path, strerror(errno));
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	if (!n)
		return;
	/* Back from the end over `lines` newlines. */
	for (p = buf + n, start = buf; p > buf; p--)
		if (p[-1] == '\n' && --lines == 0) {
			start = p;
			break;
		}
	for (char *l = start, *nl; l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = 0;
		say("%s", l);
	}
}

int vmc__launch(struct vmc *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char out[PATH_MAX + 16];
	double end;
	int ret;

	ret = finding_mkdir_parents(vm->dir);
	if (ret)
		return ret;
	vm->console_off = 0;	/* QEMU starts the console file afresh */
	if (strlen(vm->sock) >= sizeof(sa.sun_path)) {
		say("vmclient: socket path too long: %s", vm->sock);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, vm->sock);
	unlink(vm->sock);
	vm->fail_this_boot = vm->boots < vmc_boot_fails_on_purpose();
	vm->boots++;
	vm->rx_len = 0;
	vm->ready = 0;
	vm->t_launch = vmc__now();
	vm->pid = fork();
	if (vm->pid < 0) {
		ret = -errno;
		vm->pid = 0;
		return ret;
	}
	if (vm->pid == 0)
		exec_qemu(vm);

	/* With wait=on QEMU listens and holds the guest until we connect. */
	end = vmc__now() + CONNECT_MS / 1000.0;
	while (vmc__now() < end) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			vm->fd = fd;
			return 0;
		}
		close(fd);
		if (vmc__reap(vm))
			break;
		usleep(5000);
	}
	vmc__fmt(out, sizeof(out), "%s/qemu.out", vm->dir);
	say("vmclient: QEMU for '%s' did not open its channel; %s:",
		vm->tag, out);
	say_file_tail(out, 10);
	vmc__kill(vm);
	return -EIO;
}

static int take_hello(struct vmc *vm)
{
	struct vmp_hdr h;
	uint8_t *p;
	int ret = vmc__take_frame(vm, &h, &p);

	if (ret <= 0)
		return ret;
	if (h.type != VMP_HELLO || h.len != sizeof(vm->hello)) {
		say("vmclient: '%s': expected HELLO, got frame type %u len %u",
			vm->tag, h.type, h.len);
		return -EPROTO;
	}
	memcpy(&vm->hello, p, sizeof(vm->hello));
	vmc__consume(vm, sizeof(h) + h.len);
	if (vm->hello.version != VMP_VERSION ||
	    vm->hello.program_size != sizeof(struct program) ||
	    vm->hello.obs_size != sizeof(struct run_obs)) {
		say("vmclient: '%s': agent speaks version %u with struct program "
			"%u / run_obs %u bytes, we have %u / %zu / %zu: rebuild the agent",
			vm->tag, vm->hello.version, vm->hello.program_size,
			vm->hello.obs_size, VMP_VERSION, sizeof(struct program),
			sizeof(struct run_obs));
		return -EPROTO;
	}
	vm->hello.release[sizeof(vm->hello.release) - 1] = 0;
	vm->hello.variant[sizeof(vm->hello.variant) - 1] = 0;
	vm->hello.kvm_params[sizeof(vm->hello.kvm_params) - 1] = 0;
	vm->ready = 1;
	vm->first_run = 1;
	vm->boot_s = vmc__now() - vm->t_launch;
	if (vm->cfg.verbose)
		say("vmclient: '%s' ready in %.1fs (%s, %s)", vm->tag,
			vm->boot_s, vm->hello.release, vm->hello.kvm_params);
	return 1;
}

/*
 * Keep the evidence of a failed boot where no later boot overwrites it:
 * the next QEMU of this VM truncates console.log, so the files move to
 * build/vm/boot-failed/<tag>-<pid>-<n>-<boot>/ (with why.txt), and that
 * is the path the message names.  0, or -errno (then the files stay in
 * the run folder until the next boot, and the message says so).
 */
static int keep_boot_evidence(struct vmc *vm, const char *why, const char *detail,
			      char *kept, size_t cap)
{
	static const char *const files[] = { "console.log", "qemu.out" };
	char from[PATH_MAX + 32], to[PATH_MAX + 32], text[1024];
	const char *run = strrchr(vm->dir, '/');
	int ret, fd;

	ret = vmc__fmt(kept, cap, "%s/build/vm/boot-failed/%s-%u", vm->top, run ? run + 1 : vm->tag,
		       vm->boots);
	if (!ret)
		ret = finding_mkdir_parents(kept);
	if (ret)
		return ret;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (vmc__fmt(from, sizeof(from), "%s/%s", vm->dir, files[i]) ||
		    vmc__fmt(to, sizeof(to), "%s/%s", kept, files[i]))
			return -ENAMETOOLONG;
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	vmc__fmt(text, sizeof(text), "variant %s\nboot %u\nwhy %s\nconsole %s\n", vm->variant,
		 vm->boots, why, detail);
	if (vmc__fmt(to, sizeof(to), "%s/why.txt", kept))
		return -ENAMETOOLONG;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -EIO;
	close(fd);
	return ret;
}

static int boot_failed(struct vmc *vm, const char *why)
{
	char detail[256], kept[PATH_MAX];

	vmc__kill(vm);
	vmc__classify(vm->console, VMC_QEMU_EXIT, detail, sizeof(detail));
	say("vmclient: '%s' did not boot (boot %u): %s (%s)", vm->tag,
		vm->boots, why, detail);
	say_file_tail(vm->console, 20);
	if (!keep_boot_evidence(vm, why, detail, kept, sizeof(kept)))
		say("vmclient: '%s': console log and QEMU output kept in %s",
			vm->tag, kept);
	else
		say("vmclient: '%s': console %s (could not move it aside: it is "
			"overwritten by the next boot)", vm->tag, vm->console);
	return -EIO;
}

unsigned vmc_boot_fails_on_purpose(void)
{
	const char *v = getenv("MMUFUZZ_TEST_BOOT_FAILS");

	return v && *v ? (unsigned)strtoul(v, NULL, 0) : 0;
}

int vmc__wait_ready(struct vmc **vms, int n)
{
	/* A loaded host (every emulated CPU shares its cores) may need longer:
	 * $MMUFUZZ_VM_BOOT_TIMEOUT seconds, when set, overrides the default. */
	const char *env = getenv("MMUFUZZ_VM_BOOT_TIMEOUT");
	double secs = vms[0]->cfg.boot_timeout_ms ? vms[0]->cfg.boot_timeout_ms / 1000.0 :
		      env && atoi(env) > 0 ? atoi(env) : 120;
	double end = vmc__now() + secs;
	int i, ret = 0;

	for (;;) {
		struct pollfd pfd[16];
		int np = 0, left = 0;

		for (i = 0; i < n; i++) {
			if (vms[i]->ready || vms[i]->fd < 0)
				continue;
			left++;
			if (np < 16)
				pfd[np++] = (struct pollfd){ .fd = vms[i]->fd, .events = POLLIN };
		}
		if (!left)
			return ret;
		/* Stopping: no HELLO is waited for, no boot counts as failed. */
		if (stop_requested())
			return -EINTR;
		if (vmc__now() > end) {
			for (i = 0; i < n; i++)
				if (!vms[i]->ready && vms[i]->fd >= 0)
					ret = boot_failed(vms[i], "no HELLO before the boot timeout");
			return ret;
		}
		poll(pfd, np, 100);
		for (i = 0; i < n; i++) {
			struct vmc *vm = vms[i];
			int r;

			if (vm->ready || vm->fd < 0)
				continue;
			r = vmc__fill(vm);
			if (r == 0)
				r = take_hello(vm);
			if (r < 0) {
				ret = boot_failed(vm, r == -EPROTO ? "bad HELLO" : "channel closed");
				continue;
			}
			if (!vm->ready && vmc__reap(vm))
				ret = boot_failed(vm, "QEMU exited");
		}
	}
}

static int vmc_new(struct vmc **vmp, const struct vmc_config *cfg)
{
	struct vmc *vm = calloc(1, sizeof(*vm));
	const char *v = cfg->variant && *cfg->variant ? cfg->variant : "stock";
	char err[512];
	int ret;

	*vmp = NULL;
	if (!vm)
		return -ENOMEM;
	vm->cfg = *cfg;
	vm->fd = -1;
	snprintf(vm->variant, sizeof(vm->variant), "%s", v);
	/* Run folders and findings are named by the variant's one name. */
	ret = vmc_variant_name(v, vm->tag, sizeof(vm->tag), err, sizeof(err));
	if (ret) {
		say("vmclient: %s", err);
		free(vm);
		return ret;
	}
	ret = find_top(vm->top, sizeof(vm->top));
	if (ret) {
		free(vm);
		return ret;
	}
	snprintf(vm->findings, sizeof(vm->findings), "%s",
		 cfg->findings_dir ? cfg->findings_dir : "findings");
	vmc__fmt(vm->dir, sizeof(vm->dir), "%s/build/vm/run/%s-%d-%u", vm->top, vm->tag,
		 (int)getpid(), vmc_counter++);
	vmc__fmt(vm->console, sizeof(vm->console), "%s/console.log", vm->dir);
	vmc__fmt(vm->sock, sizeof(vm->sock), "%s/chan.sock", vm->dir);
	*vmp = vm;
	return 0;
}

/*
 * Launch every VM that is not up and wait for the HELLOs; a VM whose boot
 * failed is booted again, up to VMC_BOOT_TRIES boots in all, each failure
 * printed with its reason and the kept console (boot_failed).  0, or the
 * last failure's -errno once a VM used up its tries.
 */
int vmc__boot_all(struct vmc **vms, int n)
{
	int ret = 0;

	for (unsigned boot = 1;; boot++) {
		int failed = 0, i;

		for (i = 0; i < n && !ret; i++)
			if (!vms[i]->ready)
				ret = vmc__launch(vms[i]);
		if (!ret)
			ret = vmc__wait_ready(vms, n);
		for (i = 0; i < n; i++)
			failed += !vms[i]->ready;
		if (!failed)
			return 0;
		if (ret == -EINTR || stop_requested()) {
			for (i = 0; i < n; i++)
				if (!vms[i]->ready)
					vmc__kill(vms[i]);
			return -EINTR;
		}
		if (boot >= VMC_BOOT_TRIES) {
			say("vmclient: giving up after %u boots", boot);
			return ret ? ret : -EIO;
		}
		say("vmclient: %d VM(s) did not boot; boot %u of %u", failed,
			boot + 1, VMC_BOOT_TRIES);
		ret = 0;
		for (i = 0; i < n; i++)
			if (!vms[i]->ready)
				vmc__kill(vms[i]);
	}
}

int vmc_start_many(struct vmc **vms, const struct vmc_config *cfgs, int n)
{
	int i, ret = 0;

	for (i = 0; i < n; i++)
		vms[i] = NULL;
	/* Images first (a variant may need a module build), then all QEMUs
	 * at once, so the boots overlap and boot times mean boot times. */
	for (i = 0; i < n && !ret; i++) {
		ret = vmc_new(&vms[i], &cfgs[i]);
		if (!ret)
			ret = prepare_image(vms[i]);
	}
	if (!ret)
		ret = vmc__boot_all(vms, n);
	if (ret) {
		for (i = 0; i < n; i++) {
			vmc_destroy(vms[i]);
			vms[i] = NULL;
		}
	}
	return ret;
}

int vmc_start(struct vmc **vmp, const struct vmc_config *cfg)
{
	return vmc_start_many(vmp, cfg, 1);
}

int vmc_restart(struct vmc *vm)
{
	int ret;

	vmc__kill(vm);
	ret = vmc__boot_all(&vm, 1);
	if (!ret)
		vm->restarts++;
	return ret;
}

void vmc_destroy(struct vmc *vm)
{
	if (!vm)
		return;
	vmc__kill(vm);
	unlink(vm->sock);
	free(vm->rx);
	free(vm->tx);
	free(vm->reply);
	free(vm);
}

const struct vmp_hello *vmc_hello(const struct vmc *vm) { return &vm->hello; }
pid_t vmc_qemu_pid(const struct vmc *vm) { return vm->pid; }
double vmc_boot_seconds(const struct vmc *vm) { return vm->boot_s; }
unsigned vmc_restarts(const struct vmc *vm) { return vm->restarts; }
unsigned vmc_boots(const struct vmc *vm) { return vm->boots; }
