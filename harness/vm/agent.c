// SPDX-License-Identifier: GPL-2.0
/*
 * mmufuzz-agent: PID 1's successor in the test VM.  Finds the virtio-serial
 * port VMP_PORT_NAME, says HELLO, then serves one request at a time
 * (protocol: harness/vm/vmclient_proto.h).  Diagnostics go to stderr, which
 * init points at the console, so they land in the host's console log.
 *
 * Any channel error ends the agent.  As PID 1 (init execs it) that
 * panics the kernel and stops QEMU: the host sees the death at once
 * instead of a half-working channel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "agent.h"
#include "harness/vm/vmclient_pack.h"

#define PORT_WAIT_MS	10000

static int chan = -1;
static uint8_t *rxbuf;

static void die(const char *what, int err)
{
	fprintf(stderr, "mmufuzz-agent: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Find /dev/vportNpM whose sysfs name is VMP_PORT_NAME; -ENOENT if none. */
static int port_find(char *path, size_t len)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int ret = -ENOENT;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char name[256], fn[512];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(fn, sizeof(fn), "/sys/class/virtio-ports/%s/name", e->d_name);
		f = fopen(fn, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			if (!strcmp(name, VMP_PORT_NAME)) {
				snprintf(path, len, "/dev/%s", e->d_name);
				ret = 0;
			}
		}
		fclose(f);
		if (!ret)
			break;
	}
	closedir(d);
	return ret;
}

/* The driver probes asynchronously after insmod: wait for the port. */
static int port_open(void)
{
	char path[300];
	int i, fd;

	for (i = 0; i < PORT_WAIT_MS / 10; i++) {
		if (!port_find(path, sizeof(path))) {
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
		usleep(10000);
	}
	return -ENOENT;
}

static void xwrite(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(chan, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("channel write", n < 0 ? errno : EPIPE);
		p += n;
		len -= n;
	}
}

/*
 * Read exactly len bytes.  A read of 0 means the host side is not
 * connected (yet or any more): the host keeps one connection for the
 * VM's whole life, so wait for it rather than give up.
 */
static void xread(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(chan, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("channel read", errno);
		if (n == 0) {
			usleep(20000);
			continue;
		}
		p += n;
		len -= n;
	}
}

/* Send one frame whose payload is the concatenation of two buffers. */
static void send_frame2(uint16_t type, uint16_t status, uint32_t seq,
			const void *a, size_t alen, const void *b, size_t blen)
{
	struct vmp_hdr h = {
		.magic = VMP_MAGIC, .type = type, .status = status,
		.seq = seq, .len = (uint32_t)(alen + blen),
	};

	xwrite(&h, sizeof(h));
	if (alen)
		xwrite(a, alen);
	if (blen)
		xwrite(b, blen);
}

static void send_error(uint32_t seq, int err, const char *msg)
{
	send_frame2(VMP_ERROR, err, seq, msg, strlen(msg), NULL, 0);
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static void send_hello(void)
{
	struct vmp_hello h = {
		.version = VMP_VERSION,
		.program_size = sizeof(struct program),
		.obs_size = sizeof(struct run_obs),
		.has_executor = agent_has_executor,
		.kcov = agent_cov_present(),
	};
	struct utsname u;
	char npt[16], nested[16];

	if (!uname(&u))
		snprintf(h.release, sizeof(h.release), "%.63s", u.release);
	read_line("/lib/modules/variant", h.variant, sizeof(h.variant));
	read_line("/sys/module/kvm_amd/parameters/npt", npt, sizeof(npt));
	read_line("/sys/module/kvm_amd/parameters/nested", nested, sizeof(nested));
	snprintf(h.kvm_params, sizeof(h.kvm_params), "kvm_amd npt=%s nested=%s",
		 npt[0] ? npt : "-", nested[0] ? nested : "-");
	{
		struct timespec ts;

		clock_gettime(CLOCK_BOOTTIME, &ts);
		h.uptime_ms = ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	send_frame2(VMP_HELLO, 0, 0, &h, sizeof(h), NULL, 0);
}

/* EXEC: argv from NUL-terminated strings; stdout+stderr captured. */
static void do_exec(uint32_t seq, char *payload, uint32_t len)
{
	char *argv[64], *out;
	size_t out_len = 0;
	int argc = 0, pfd[2], wst = 0;
	uint32_t off = 0;
	pid_t pid;

	if (!len || payload[len - 1] != 0)
		return send_error(seq, EINVAL, "EXEC: argv not NUL-terminated");
	while (off < len && argc < 63) {
		argv[argc++] = payload + off;
		off += strlen(payload + off) + 1;
	}
	argv[argc] = NULL;
	if (off < len)
		return send_error(seq, E2BIG, "EXEC: more than 63 arguments");
	out = malloc(VMP_EXEC_OUT_MAX);
	if (!out)
		return send_error(seq, ENOMEM, "EXEC: out of memory");
	if (pipe2(pfd, O_CLOEXEC)) {
		free(out);
		return send_error(seq, errno, "EXEC: pipe");
	}
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		free(out);
		return send_error(seq, errno, "EXEC: fork");
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char sink[4096];
		ssize_t n;

		if (out_len < VMP_EXEC_OUT_MAX)
			n = read(pfd[0], out + out_len, VMP_EXEC_OUT_MAX - out_len);
		else
			n = read(pfd[0], sink, sizeof(sink));	/* drop the excess */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out_len < VMP_EXEC_OUT_MAX)
			out_len += n;
	}
	close(pfd[0]);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	{
		int32_t st = wst;

		send_frame2(VMP_EXEC_DONE, 0, seq, &st, sizeof(st), out, out_len);
	}
	free(out);
}

static void do_run(uint32_t seq, const uint8_t *payload, uint32_t len, uint64_t t_start)
{
	static struct run_obs obs;
	static struct program prog;
	static uint8_t extra[1 << 20];
	struct vmp_timing t = { 0 };
	struct vmp_run_req req;
	const void *reply = &obs;
	size_t extra_len = 0, reply_len = sizeof(obs);
	uint64_t t0;
	int ret;

	if (len != sizeof(req) + sizeof(prog))
		return send_error(seq, EINVAL, "RUN: payload size does not match "
				  "vmp_run_req + struct program");
	memcpy(&req, payload, sizeof(req));
	memcpy(&prog, payload + sizeof(req), sizeof(prog));
	ret = agent_run(&req, &prog, &obs, extra, sizeof(extra) - sizeof(struct vmp_section) -
			sizeof(t), &extra_len, &t);
	if (ret < 0) {
		obs.detail[sizeof(obs.detail) - 1] = 0;
		return send_error(seq, -ret, obs.detail);
	}
	if (req.flags & VMP_RUN_PACKED) {
		static uint8_t packed[sizeof(struct vmp_obs_packed) + sizeof(obs)];

		t0 = agent_now_ns();
		reply_len = vmp_obs_pack(&obs, packed, sizeof(packed));
		reply = packed;
		t.ns_pack = agent_now_ns() - t0;
	}
	t.ns_agent = agent_now_ns() - t_start;
	extra_len = agent_put_section(extra, sizeof(extra), extra_len, VMP_SEC_TIMING, &t, sizeof(t));
	send_frame2(VMP_RUN_DONE, 0, seq, reply, reply_len, extra, extra_len);
}

static void serve(void)
{
	for (;;) {
		struct vmp_hdr h;
		uint64_t t_start;

		xread(&h, sizeof(h));
		if (h.magic != VMP_MAGIC || h.len > VMP_MAX_PAYLOAD) {
			fprintf(stderr, "mmufuzz-agent: bad frame (magic %#x, len %u)\n",
				h.magic, h.len);
			exit(1);
		}
		xread(rxbuf, h.len);
		t_start = agent_now_ns();
		switch (h.type) {
		case VMP_PING:
			send_frame2(VMP_PONG, 0, h.seq, rxbuf, h.len, NULL, 0);
			break;
		case VMP_EXEC:
			do_exec(h.seq, (char *)rxbuf, h.len);
			break;
		case VMP_RUN:
			do_run(h.seq, rxbuf, h.len, t_start);
			break;
		default: {
			char msg[64];

			snprintf(msg, sizeof(msg), "unknown request type %u", h.type);
			send_error(h.seq, EOPNOTSUPP, msg);
		}
		}
	}
}

int main(void)
{
	rxbuf = malloc(VMP_MAX_PAYLOAD);
	if (!rxbuf)
		die("malloc", ENOMEM);
	chan = port_open();
	if (chan < 0)
		die("no virtio-serial port named " VMP_PORT_NAME, -chan);
	agent_prepare();
	send_hello();
	serve();
	return 0;
}
