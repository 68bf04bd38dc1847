/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by harness/vmclient*.c; not for other users. */
#ifndef MMUFUZZ_VMCLIENT_INT_H
#define MMUFUZZ_VMCLIENT_INT_H

#include "harness/vm/vmclient.h"

struct vmc {
	struct vmc_config cfg;		/* strings below are owned copies */
	char variant[PATH_MAX];		/* as configured: "stock", name, or dir */
	char tag[64];			/* vmc_variant_name(): messages, file names */
	char variant_dir[PATH_MAX];	/* "" for stock */
	char findings[PATH_MAX];
	char top[PATH_MAX];		/* the source tree */
	char image[PATH_MAX];		/* initramfs with the agent */
	char vmlinuz[PATH_MAX];
	char dir[PATH_MAX];		/* build/vm/run/<variant>-<pid>-<n> */
	char console[PATH_MAX];
	char sock[PATH_MAX];

	pid_t pid;			/* QEMU, 0 when not running */
	int fd;				/* channel, -1 when closed */
	int ready;			/* HELLO seen */
	struct vmp_hello hello;
	double t_launch, boot_s;
	unsigned restarts;
	unsigned boots;			/* QEMU launches, failed ones included */
	int fail_this_boot;		/* MMUFUZZ_TEST_BOOT_FAILS: init refuses */
	uint32_t seq;

	/* Receive side: bytes in rx[0..rx_len); one frame is taken at a time. */
	uint8_t *rx;
	size_t rx_len, rx_cap;
	uint8_t *reply;			/* the last reply's payload */
	size_t reply_cap;
	/* Transmit side: the current request frame. */
	uint8_t *tx;
	size_t tx_len, tx_off;

	/* The request in flight (for findings and matching the reply). */
	uint32_t want_seq;
	uint16_t req_type;
	int done;			/* reply taken, or died */
	struct vmc_result *res;
	double t_req, deadline;
	int qemu_status;		/* waitpid status once QEMU ended */

	/* After a WARN death the VM reboots with panic_on_warn=0; console
	 * bytes from console_off on are not yet judged (a WARN before it
	 * was already reported and is no later death's cause). */
	int warn_no_panic;
	off_t console_off;
	/* No RUN answered since this boot: the first one also opens the
	 * executor and loads the BPF tracer, which took more than the
	 * usual 10 s on a loaded TCG host (a false hang, and the reboot
	 * made the next first RUN just as slow). */
	int first_run;
};
/* Extra time for a boot's first RUN (see first_run). */
#define VMC_FIRST_RUN_EXTRA_S 60

/* vmclient_chan.c: the channel, and the helpers of every vmclient file. */
double vmc__now(void);
/* snprintf into a fixed buffer; 0, or -ENAMETOOLONG when it was cut. */
int vmc__fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One non-blocking read/send of n bytes: 1 go on (*done advanced, or
 * EINTR), 0 it would block, -EPIPE the channel is gone. */
int vmc__io_step(ssize_t n, size_t *done);

/* vmclient.c: the QEMU process */
int vmc__launch(struct vmc *vm);		/* start QEMU + connect */
void vmc__kill(struct vmc *vm);			/* SIGKILL + reap + close */
int vmc__wait_ready(struct vmc **vms, int n);	/* HELLO from every vm */
/* Boot every vm not up, VMC_BOOT_TRIES boots each (vmclient.h). */
int vmc__boot_all(struct vmc **vms, int n);
int vmc__reap(struct vmc *vm);			/* 1 if QEMU has ended */
int vmc__nmi(struct vmc *vm);			/* QMP inject-nmi, best effort */

/* Take one complete frame from rx: 1 and h, payload set, 0 none yet,
 * -EPROTO malformed. */
int vmc__take_frame(struct vmc *vm, struct vmp_hdr *h, uint8_t **payload);
/* Read what the channel has: 0, or -EPIPE on EOF/error. */
int vmc__fill(struct vmc *vm);
void vmc__consume(struct vmc *vm, size_t n);

/* vmclient_finding.c: what the console says, and saving a death */
/* Look at the console log: the death kind and one line of detail. */
enum vmc_death vmc__classify(const char *console, enum vmc_death dflt,
			     char *detail, size_t len);
/* The same from byte `from` on (what an earlier look already judged, e.g.
 * a WARN the VM went on after, is not this death's cause). */
enum vmc_death vmc__classify_from(const char *console, off_t from, enum vmc_death dflt,
				  char *detail, size_t len);
/* Save the finding for the request in flight; 0 or -errno. */
int vmc__save_finding(struct vmc *vm, enum vmc_death d, const char *detail,
		      const uint8_t *req, size_t req_len, char *out, size_t outlen);

#endif /* MMUFUZZ_VMCLIENT_INT_H */
