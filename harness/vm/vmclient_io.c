// SPDX-License-Identifier: GPL-2.0
/*
 * vmclient requests: framing, one poll() loop over several VMs, and what
 * happens when a VM dies under a request (finding, restart).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness/core/say.h"
#include "harness/core/stop.h"
#include "harness/vm/vmclient_int.h"
#include "harness/vm/vmclient_pack.h"

#define MAX_VMS		16
/* After a channel EOF, give QEMU this long to finish writing the console. */
#define EXIT_GRACE_S	3.0

static int set_tx(struct vmc *vm, uint16_t type, const void *a, size_t alen,
		  const void *b, size_t blen)
{
	struct vmp_hdr h = {
		.magic = VMP_MAGIC, .type = type, .seq = ++vm->seq,
		.len = (uint32_t)(alen + blen),
	};
	uint8_t *p = realloc(vm->tx, sizeof(h) + alen + blen);

	if (!p)
		return -ENOMEM;
	vm->tx = p;
	memcpy(p, &h, sizeof(h));
	if (alen)
		memcpy(p + sizeof(h), a, alen);
	if (blen)
		memcpy(p + sizeof(h) + alen, b, blen);
	vm->tx_len = sizeof(h) + alen + blen;
	vm->tx_off = 0;
	vm->want_seq = h.seq;
	vm->req_type = type;
	return 0;
}

static int flush_tx(struct vmc *vm)
{
	while (vm->tx_off < vm->tx_len) {
		/* MSG_NOSIGNAL: a dead QEMU must not kill us with SIGPIPE. */
		ssize_t n = send(vm->fd, vm->tx + vm->tx_off, vm->tx_len - vm->tx_off,
				 MSG_NOSIGNAL);
		int ret = vmc__io_step(n, &vm->tx_off);

		if (ret <= 0)
			return ret;
	}
	return 0;
}

/*
 * The VM died under the request: make sure QEMU is gone (a hang is
 * killed; a panic ends QEMU by itself, give it a moment to write the
 * console), classify, and save the finding.  The restart comes later,
 * for all dead VMs together.
 */
static void on_death(struct vmc *vm, enum vmc_death why)
{
	struct vmc_result *res = vm->res;
	double end = vmc__now() + EXIT_GRACE_S;
	char detail[256];
	enum vmc_death d;
	int exited = 0;

	if (why == VMC_HANG) {
		/* Let the guest kernel say where it is stuck: an NMI panics it
		 * (unknown_nmi_panic=1) with a backtrace on the console. */
		if (!vmc__nmi(vm))
			while (!vmc__reap(vm) && vmc__now() < end)
				usleep(10000);
	} else {
		while (!(exited = vmc__reap(vm)) && vmc__now() < end)
			usleep(10000);
		/* QEMU gone by itself: its own exit, unless the console says more. */
		if (exited)
			why = VMC_QEMU_EXIT;
	}
	vmc__kill(vm);
	d = vmc__classify_from(vm->console, vm->console_off, why, detail, sizeof(detail));
	if (why == VMC_HANG) {
		/* The NMI's panic is ours, not a finding of its own; a WARN
		 * or BUG before it is. */
		if (strstr(detail, "NMI: Not continuing"))
			snprintf(detail, sizeof(detail), "no reply within the request "
				 "timeout (NMI backtrace in console.log)");
		if (d == VMC_PANIC && strstr(detail, "NMI backtrace"))
			d = VMC_HANG;
	}
	if (d == VMC_QEMU_EXIT) {
		int st = vm->qemu_status;

		if (WIFSIGNALED(st))
			snprintf(detail, sizeof(detail), "QEMU killed by signal %d, "
				 "no panic on the console", WTERMSIG(st));
		else
			snprintf(detail, sizeof(detail), "QEMU exited with status %d, "
				 "no panic on the console", WEXITSTATUS(st));
	}
	res->death = d;
	/* Later WARNs of this VM are read off the console (vmclient.h). */
	if (d == VMC_WARN && vm->cfg.warn_goes_on)
		vm->warn_no_panic = 1;
	res->seconds = vmc__now() - vm->t_req;
	res->status = d == VMC_HANG ? -ETIMEDOUT : -EPIPE;
	snprintf(res->detail, sizeof(res->detail), "%s", detail);
	if (vmc__save_finding(vm, d, detail, vm->tx + sizeof(struct vmp_hdr),
			      vm->tx_len - sizeof(struct vmp_hdr),
			      res->finding, sizeof(res->finding)))
		res->finding[0] = 0;
	say("vmclient: '%s' died (%s: %s)%s%s", vm->tag,
		vmc_death_name(d), detail, res->finding[0] ? "; finding " : "",
		res->finding);
	vm->done = 1;
}

/*
 * A VM that runs with panic_on_warn=0 answered: did the kernel WARN
 * meanwhile?  The new console bytes are read for a "WARNING:" line; if
 * there is one, the request is saved as a WARN finding and flagged in
 * res->warned, and the VM goes on.
 */
static void check_console_warn(struct vmc *vm)
{
	struct vmc_result *res = vm->res;
	char detail[256];
	struct stat st;
	off_t from = vm->console_off;

	if (!vm->warn_no_panic || stat(vm->console, &st) || st.st_size <= from)
		return;
	vm->console_off = st.st_size;
	if (vmc__classify_from(vm->console, from, VMC_ALIVE, detail, sizeof(detail)) != VMC_WARN)
		return;
	res->warned = 1;
	snprintf(res->detail, sizeof(res->detail), "%s", detail);
	if (vmc__save_finding(vm, VMC_WARN, detail, vm->tx + sizeof(struct vmp_hdr),
			      vm->tx_len - sizeof(struct vmp_hdr),
			      res->finding, sizeof(res->finding)))
		res->finding[0] = 0;
	say("vmclient: '%s' WARNed and goes on (panic_on_warn=0 since its first "
		"WARN): %s%s%s", vm->tag, detail, res->finding[0] ? "; finding " : "",
		res->finding);
}

static int grow_reply(struct vmc *vm, size_t len)
{
	uint8_t *r = realloc(vm->reply, len);

	if (!r)
		return -ENOMEM;
	vm->reply = r;
	vm->reply_cap = len;
	return 0;
}

/* A RUN_DONE answering a RUN that asked for VMP_RUN_PACKED. */
static int is_packed_run(const struct vmc *vm, const struct vmp_hdr *h)
{
	struct vmp_run_req req;

	if (vm->req_type != VMP_RUN || h->type != VMP_RUN_DONE ||
	    vm->tx_len < sizeof(struct vmp_hdr) + sizeof(req))
		return 0;
	memcpy(&req, vm->tx + sizeof(struct vmp_hdr), sizeof(req));
	return !!(req.flags & VMP_RUN_PACKED);
}

/* Callers see the plain layout: struct run_obs, then the sections.
 * h->len becomes the plain length (the caller keeps the wire length). */
static int unpack_reply(struct vmc *vm, struct vmp_hdr *h, const uint8_t *p)
{
	size_t need;
	long used;

	if (vm->reply_cap < sizeof(struct run_obs) &&
	    grow_reply(vm, sizeof(struct run_obs)))
		return -ENOMEM;
	used = vmp_obs_unpack(p, h->len, (struct run_obs *)vm->reply);
	if (used < 0)
		return -EPROTO;
	need = sizeof(struct run_obs) + (h->len - used);
	if (need > vm->reply_cap && grow_reply(vm, need))
		return -ENOMEM;
	memcpy(vm->reply + sizeof(struct run_obs), p + used, h->len - used);
	h->len = (uint32_t)need;
	return 0;
}

/* Take the reply if it is complete: 1 taken, 0 not yet, <0 bad channel. */
static int take_reply(struct vmc *vm)
{
	struct vmp_hdr h;
	size_t wire;
	uint8_t *p;
	int ret;

	while ((ret = vmc__take_frame(vm, &h, &p)) == 1) {
		if (h.seq != vm->want_seq) {
			/* Not ours (cannot happen: one request at a time). */
			vmc__consume(vm, sizeof(h) + h.len);
			continue;
		}
		wire = sizeof(h) + h.len;
		if (is_packed_run(vm, &h)) {
			ret = unpack_reply(vm, &h, p);
			if (ret)
				return ret;
		} else {
			if (h.len > vm->reply_cap && grow_reply(vm, h.len))
				return -ENOMEM;
			memcpy(vm->reply, p, h.len);
		}
		vmc__consume(vm, wire);
		vm->res->type = h.type;
		vm->res->err = h.status;
		vm->res->payload = vm->reply;
		vm->res->len = h.len;
		vm->res->status = h.type == VMP_ERROR ? -EREMOTEIO : 0;
		vm->res->seconds = vmc__now() - vm->t_req;
		vm->done = 1;
		return 1;
	}
	return ret;
}

/*
 * A stop request (harness/core/stop.h) came while requests were in
 * flight: their answers are not waited for.  The VMs are killed (the
 * caller's vmc_destroy finds them gone), no finding is saved for them
 * and they are not restarted: the process is on its way out.
 */
static void stop_abandon(struct vmc **vms, int n)
{
	for (int i = 0; i < n; i++) {
		struct vmc *vm = vms[i];

		if (vm->done)
			continue;
		vmc__kill(vm);
		vm->res->status = -EINTR;
		vm->res->seconds = vmc__now() - vm->t_req;
		snprintf(vm->res->detail, sizeof(vm->res->detail), "stopped by SIG%s",
			 sigabbrev_np(stop_requested()));
		vm->done = 1;
	}
}

static int request_many(struct vmc **vms, int n, uint16_t type,
			const void *a, size_t alen, const void *b, size_t blen,
			unsigned timeout_ms, struct vmc_result *res)
{
	int i, ret = 0;

	if (n < 1 || n > MAX_VMS)
		return -EINVAL;
	/* A stopping process sends nothing more and reboots nothing. */
	if (stop_requested()) {
		for (i = 0; i < n; i++) {
			memset(&res[i], 0, sizeof(res[i]));
			res[i].status = -EINTR;
			snprintf(res[i].detail, sizeof(res[i].detail), "stopped by SIG%s",
				 sigabbrev_np(stop_requested()));
		}
		return -EINTR;
	}
	for (i = 0; i < n; i++) {
		struct vmc *vm = vms[i];

		memset(&res[i], 0, sizeof(res[i]));
		vm->res = &res[i];
		vm->done = 0;
		/* A restart that failed earlier gets another chance. */
		if ((!vm->ready || vm->fd < 0) && vmc_restart(vm))
			say("vmclient: '%s' is down and does not boot again",
				vm->tag);
		if (!vm->ready || vm->fd < 0) {
			res[i].status = -ENOTCONN;
			vm->done = 1;
			continue;
		}
		ret = set_tx(vm, type, a, alen, b, blen);
		if (ret)
			return ret;
		vm->t_req = vmc__now();
		vm->deadline = vm->t_req + timeout_ms / 1000.0;
		if (type == VMP_RUN && vm->first_run)
			vm->deadline += VMC_FIRST_RUN_EXTRA_S;
	}

	for (;;) {
		struct pollfd pfd[MAX_VMS];
		int idx[MAX_VMS], np = 0;
		double now = vmc__now(), wait = 0.1;

		for (i = 0; i < n; i++) {
			struct vmc *vm = vms[i];

			if (vm->done)
				continue;
			if (vm->tx_off < vm->tx_len && flush_tx(vm)) {
				on_death(vm, VMC_CHANNEL);
				continue;
			}
			if (vm->deadline - now < wait)
				wait = vm->deadline - now;
			idx[np] = i;
			pfd[np++] = (struct pollfd){
				.fd = vm->fd,
				.events = POLLIN | (vm->tx_off < vm->tx_len ? POLLOUT : 0),
			};
		}
		if (!np)
			break;
		if (stop_requested()) {
			stop_abandon(vms, n);
			break;
		}
		poll(pfd, np, wait > 0 ? (int)(wait * 1000) + 1 : 0);
		for (i = 0; i < np; i++) {
			struct vmc *vm = vms[idx[i]];
			int r = 0;

			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				r = vmc__fill(vm);
			if (r == 0 || vm->rx_len)
				r = take_reply(vm) < 0 ? -EPROTO : r;
			if (vm->done)
				continue;
			if (r < 0)
				on_death(vm, VMC_CHANNEL);
			else if (vmc__reap(vm))
				on_death(vm, VMC_QEMU_EXIT);
			else if (vmc__now() > vm->deadline)
				on_death(vm, VMC_HANG);
		}
	}

	for (i = 0; i < n; i++)
		if (res[i].death == VMC_ALIVE && (!res[i].status || res[i].status == -EREMOTEIO))
			check_console_warn(vms[i]);

	/* Restart the dead together: their boots overlap. */
	{
		struct vmc *dead[MAX_VMS];
		int nd = 0;

		for (i = 0; i < n; i++)
			if (res[i].death != VMC_ALIVE)
				dead[nd++] = vms[i];
		if (nd)
			vmc__boot_all(dead, nd);
		for (i = 0; i < n; i++) {
			if (res[i].death == VMC_ALIVE)
				continue;
			res[i].restarted = vms[i]->ready;
			if (vms[i]->ready)
				vms[i]->restarts++;
		}
	}
	for (i = 0; i < n; i++)
		if (res[i].status)
			return res[i].status;
	return 0;
}

int vmc_ping(struct vmc *vm, unsigned timeout_ms, struct vmc_result *res)
{
	static const char msg[] = "mmufuzz ping";
	int ret = request_many(&vm, 1, VMP_PING, msg, sizeof(msg), NULL, 0,
			       timeout_ms, res);

	if (ret)
		return ret;
	if (res->type != VMP_PONG || res->len != sizeof(msg) ||
	    memcmp(res->payload, msg, sizeof(msg)))
		return -EPROTO;
	return 0;
}

int vmc_exec(struct vmc *vm, const char *const argv[], unsigned timeout_ms,
	     int *wstatus, struct vmc_result *res)
{
	char buf[8192];
	size_t len = 0;
	int i, ret;

	for (i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;

		if (len + l > sizeof(buf))
			return -E2BIG;
		memcpy(buf + len, argv[i], l);
		len += l;
	}
	if (!len)
		return -EINVAL;
	ret = request_many(&vm, 1, VMP_EXEC, buf, len, NULL, 0, timeout_ms, res);
	if (ret)
		return ret;
	if (res->type != VMP_EXEC_DONE || res->len < 4)
		return -EPROTO;
	memcpy(wstatus, res->payload, 4);
	return 0;
}

unsigned vmc_test_run_delay_ms(void)
{
	const char *v = getenv("MMUFUZZ_TEST_RUN_DELAY_MS");

	return v && *v ? (unsigned)strtoul(v, NULL, 0) : 0;
}

/* The test-only wait before a run request.  A stop request ends it; the
 * request that follows then reports the stop (request_many). */
static void test_run_delay(void)
{
	static const struct timespec tick = { 0, 10 * 1000 * 1000 };
	unsigned ms = vmc_test_run_delay_ms();

	for (unsigned t = 0; t < ms && !stop_requested(); t += 10)
		nanosleep(&tick, NULL);
}

int vmc_run_many(struct vmc **vms, int n, const struct program *p,
		 unsigned timeout_ms, struct run_obs *obs, struct vmc_result *res)
{
	struct vmp_run_req req = {
		.flags = VMP_RUN_TRACE | VMP_RUN_PACKED, .timeout_ms = timeout_ms / 2,
	};
	int i, ret, first = 0;

	test_run_delay();
	if (n && vms[0]->cfg.kcov_pcs)
		req.flags |= VMP_RUN_KCOV_PCS;
	if (n && vms[0]->cfg.warm)
		req.flags |= VMP_RUN_WARM;
	ret = request_many(vms, n, VMP_RUN, &req, sizeof(req), p, sizeof(*p),
			   timeout_ms, res);
	if (ret < 0 && ret != -EPIPE && ret != -ETIMEDOUT && ret != -EREMOTEIO &&
	    ret != -ENOTCONN)
		return ret;
	for (i = 0; i < n; i++) {
		memset(&obs[i], 0, sizeof(obs[i]));
		if (res[i].status == 0 && (res[i].type != VMP_RUN_DONE ||
					   res[i].len < sizeof(obs[i])))
			res[i].status = -EPROTO;
		if (res[i].status == 0) {
			memcpy(&obs[i], res[i].payload, sizeof(obs[i]));
			vms[i]->first_run = 0;
		}
		if (res[i].status && !first)
			first = res[i].status;
	}
	return first;
}

const void *vmc_run_section(const struct vmc_result *res, uint32_t kind, uint32_t *len)
{
	size_t off = sizeof(struct run_obs);

	if (res->status || res->type != VMP_RUN_DONE || !res->payload)
		return NULL;
	while (off + sizeof(struct vmp_section) <= res->len) {
		struct vmp_section sec;

		memcpy(&sec, res->payload + off, sizeof(sec));
		off += sizeof(sec);
		if (sec.len > res->len - off)
			return NULL;
		if (sec.kind == kind) {
			*len = sec.len;
			return res->payload + off;
		}
		off += sec.len;
	}
	return NULL;
}

void vmc_set_warm(struct vmc *vm, int on)
{
	vm->cfg.warm = !!on;
}

int vmc_run(struct vmc *vm, const struct program *p, unsigned timeout_ms,
	    struct run_obs *obs, struct vmc_result *res)
{
	return vmc_run_many(&vm, 1, p, timeout_ms, obs, res);
}
