/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmclient: the host side of the mmufuzz test VMs.
 *
 * A struct vmc is one QEMU process (TCG, AMD CPU with SVM) booting a base
 * kernel (Debian's 6.1 or 6.12, or an own build: kernels/base.sh) with one
 * of its KVM module variants, its console captured to
 * a log file, and the agent (harness/vm/agent.c) answering on a
 * virtio-serial port (protocol: harness/vm/vmclient_proto.h).  Several VMs
 * run at once (one QEMU each); requests to several VMs proceed side by
 * side in one poll() loop, no threads.
 *
 * Deaths are part of the contract: when a VM panics (every KVM WARN does:
 * panic_on_warn=1), stops answering within the request's timeout, or
 * loses its channel, the request returns -EPIPE or -ETIMEDOUT with
 * res->death saying what happened, the request (program or argv), the
 * console log and the variant are saved as a finding directory
 * (res->finding), and the VM is restarted before the call returns, so the
 * caller can simply go on.
 *
 * WARNs after the first (cfg->warn_goes_on, the fuzzers): a VM restarted
 * after a WARN boots with panic_on_warn=0, and after every reply vmclient
 * reads the console's new lines for "WARNING:".  A WARN there is still a finding (res->warned,
 * res->detail, res->finding), but the VM goes on instead of paying a
 * reboot (~3.5 s under TCG) per repeat: a candidate that WARNs on a
 * common path otherwise spends the fuzzer's time rebooting.  A
 * WARN_ON_ONCE site repeated in the same boot prints nothing; KVM's error
 * return (e.g. KVM_RUN -EFAULT) is then what the caller sees.
 *
 * Stop requests (harness/core/stop.h): once the process has one, no
 * boot or request is waited for any more.  A boot in progress ends with
 * -EINTR (its QEMU killed, no retry, no evidence kept: nothing failed); a
 * request in flight ends with status -EINTR, its VM killed, no finding
 * saved and no restart; a new request returns -EINTR at once.  A variant
 * build vmc_start runs gets SIGTERM (its whole process group).
 *
 * Files: build/vm/run/<variant>-<pid>-<n>/{console.log,chan.sock,qemu.out}
 * per VM; findings under cfg->findings_dir (default "findings").
 */
#ifndef MMUFUZZ_VMCLIENT_H
#define MMUFUZZ_VMCLIENT_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include "harness/program/prog.h"
#include "harness/core/observation.h"
#include "harness/vm/vmclient_proto.h"

struct vmc;

struct vmc_config {
	const char *variant;	/* "stock" (Debian's 6.1 modules; also NULL),
				 * a kernels/ variant name "[BASE:]NAME"
				 * ("baseline", "6.12:pae-root-rfc",
				 * "test-warn-on-magic-cr3"), or a directory
				 * holding kvm.ko & co (its info names the
				 * base's kernel image) */
	int npt;		/* kvm_amd npt=: 0 shadow MMU (default), 1 NPT */
	unsigned mem_mib;	/* guest RAM, 0: 1024 */
	unsigned boot_timeout_ms; /* boot to HELLO, 0: $MMUFUZZ_VM_BOOT_TIMEOUT
				 * seconds if set, else 120000 */
	const char *findings_dir; /* NULL: "findings" */
	const char *const *extra_files; /* NULL-terminated list copied into the
				 * VM's /opt (e.g. the BPF tracer); may be NULL */
	int verbose;		/* "ready in" lines (say.h) */
	int warn_goes_on;	/* after the VM's first WARN, boot it with
				 * panic_on_warn=0 and read later WARNs off
				 * the console (see above); for fuzzing.  0:
				 * every WARN panics, so each one a minimizer
				 * or reproducer runs into is seen */
	int kcov_pcs;		/* a "+cov" variant's RUN_DONE also carries
				 * the run's distinct PCs and the module
				 * sections (VMP_RUN_KCOV_PCS); vmc_run_many
				 * asks for them when its first VM's config
				 * says so */
	int warm;		/* start runs warm when the agent can
				 * (VMP_RUN_WARM, harness/exec/executor.h);
				 * vmc_run_many asks when its first VM's
				 * config says so; vmc_set_warm changes it */
};

enum vmc_death {
	VMC_ALIVE = 0,		/* the request got its reply */
	VMC_WARN,		/* a kernel WARNING (then panic_on_warn) */
	VMC_PANIC,		/* panic, oops or BUG without a WARNING line */
	VMC_HANG,		/* no reply within the request's timeout */
	VMC_QEMU_EXIT,		/* QEMU ended with no panic on the console */
	VMC_CHANNEL,		/* channel EOF or a malformed frame */
	VMC_DEATH_COUNT
};

struct vmc_result {
	int status;		/* 0, -ETIMEDOUT (hang), -EPIPE (died),
				 * -EREMOTEIO (the agent answered ERROR),
				 * -ENOTCONN (down: a restart failed, and
				 * the retry at this request failed too),
				 * -EINTR (a stop request: see below) */
	enum vmc_death death;	/* VMC_ALIVE unless the VM died */
	int restarted;		/* 1: the VM was restarted after the death */
	int warned;		/* 1: alive, but the kernel WARNed during the
				 * request (panic_on_warn=0 after the first
				 * WARN); detail and finding as for a death */
	char finding[PATH_MAX];	/* the saved finding directory, or "" */
	char detail[256];	/* one line: the WARNING/panic line, or why */
	/* The reply (status 0 or -EREMOTEIO): valid until the VM's next request. */
	uint16_t type;		/* enum vmp_type of the reply */
	uint16_t err;		/* ERROR's errno */
	const uint8_t *payload;
	uint32_t len;
	double seconds;		/* request round trip */
};

const char *vmc_death_name(enum vmc_death d);

/*
 * The name of a variant as given to cfg->variant (a kernels/ name, a
 * .patch path or a module directory): its last path component without
 * ".patch" (kernels/README), e.g. "/x/pae-root-rfc.patch" ->
 * "pae-root-rfc"; NULL or "" is "stock"; "BASE:VARIANT" is "BASE-VARIANT"
 * ("6.12:pae-root-rfc" -> "6.12-pae-root-rfc").  Every file named after a
 * variant (run folders, findings, trace-<name>.txt) uses this name and
 * nothing else.  Returns 0, or -EINVAL / -ENAMETOOLONG with the reason in
 * err when the name could not be a file name (empty, starting with '.',
 * a character outside [A-Za-z0-9._+-], longer than VMC_VARIANT_NAME_MAX).
 */
#define VMC_VARIANT_NAME_MAX 63
int vmc_variant_name(const char *spec, char *out, size_t cap, char *err, size_t errlen);

/*
 * The mmufuzz source tree the test VMs are built from (kernels/,
 * harness/vm/): $MMUFUZZ_ROOT, else the first parent of the executable,
 * then of the cwd, holding harness/vm/mkinitramfs.sh.  0, or -ENOENT
 * (said: "set MMUFUZZ_ROOT").
 */
int vmc_source_tree(char *out, size_t len);

/*
 * Build the initramfs (cached), start QEMU and wait for the agent's HELLO.
 * vmc_start_many boots n VMs in parallel (vms[i] from cfgs[i]).  A VM
 * that does not boot (QEMU exits, the channel closes, no HELLO within
 * boot_timeout_ms) is booted again, VMC_BOOT_TRIES boots in all; each
 * failure is said (harness/core/say.h) with its reason, and its
 * console log and QEMU output are moved to
 * build/vm/boot-failed/<tag>-<pid>-<n>-<boot>/ (with why.txt), the path
 * the message names.  Returns 0, or -errno with the reasons said when a VM used up its tries (nothing left running then; for
 * _many, every VM started so far is destroyed).
 */
#define VMC_BOOT_TRIES 3
int vmc_start(struct vmc **vmp, const struct vmc_config *cfg);
/* Change cfg.warm of a running VM (e.g. clean runs to confirm a warm
 * verdict). */
void vmc_set_warm(struct vmc *vm, int on);
int vmc_start_many(struct vmc **vms, const struct vmc_config *cfgs, int n);

/* Kill QEMU, remove the socket, free vm.  NULL is a no-op. */
void vmc_destroy(struct vmc *vm);

/* Kill and boot again (waits for HELLO; VMC_BOOT_TRIES as above).  0 or
 * -errno (vm then unusable). */
int vmc_restart(struct vmc *vm);

/* PING with payload bytes; 0 when the PONG echoed them. */
int vmc_ping(struct vmc *vm, unsigned timeout_ms, struct vmc_result *res);

/*
 * Run argv in the VM.  On 0: *wstatus is the waitpid status, the output
 * (stdout+stderr) is res->payload + 4, res->len - 4 bytes.
 */
int vmc_exec(struct vmc *vm, const char *const argv[], unsigned timeout_ms,
	     int *wstatus, struct vmc_result *res);

/*
 * Run one program on the VM's KVM; on 0, *obs holds the observations.
 * -EREMOTEIO with res->err ENOSYS: the agent has no executor.
 */
int vmc_run(struct vmc *vm, const struct program *p, unsigned timeout_ms,
	    struct run_obs *obs, struct vmc_result *res);

/*
 * The same program on n VMs side by side (e.g. baseline and candidate);
 * obs[i] and res[i] per VM.  Returns 0 when every VM answered, else the
 * first VM's non-zero status (each res[i] has its own).
 */
int vmc_run_many(struct vmc **vms, int n, const struct program *p,
		 unsigned timeout_ms, struct run_obs *obs, struct vmc_result *res);

/*
 * The first section of the given kind (enum vmp_section_kind) after
 * struct run_obs in a RUN_DONE reply: its data, *len bytes; NULL if there
 * is none or the reply is cut short.
 */
const void *vmc_run_section(const struct vmc_result *res, uint32_t kind, uint32_t *len);

/* Accessors. */
const struct vmp_hello *vmc_hello(const struct vmc *vm);
pid_t vmc_qemu_pid(const struct vmc *vm);
double vmc_boot_seconds(const struct vmc *vm);	/* QEMU start to HELLO, last boot */
/* Whether the test VMs run on QEMU TCG (the default) rather than the
 * host's KVM (MMUFUZZ_VM_ACCEL=kvm): TCG is then the "hardware" under
 * the KVM being tested, with its quirks (oracles/oracle.h). */
int vmc_outer_tcg(void);
unsigned vmc_restarts(const struct vmc *vm);
unsigned vmc_boots(const struct vmc *vm);	/* QEMU launches, failed boots included */

/*
 * For tests only: MMUFUZZ_TEST_BOOT_FAILS=N makes the first N boots of
 * every VM fail for real (init is told an unknown mode, says so on the
 * console and powers off), so the retry and the kept evidence can be
 * shown.  Returns N (0 when unset).
 */
unsigned vmc_boot_fails_on_purpose(void);

/*
 * For tests only: MMUFUZZ_TEST_RUN_DELAY_MS=N makes every run request wait
 * N ms first (a stop request ends the wait, and the run, with -EINTR), so
 * a test can stop a command that would otherwise finish its requests in
 * less time than the test takes to look.  Returns N (0 when unset).
 */
unsigned vmc_test_run_delay_ms(void);

#endif /* MMUFUZZ_VMCLIENT_H */
