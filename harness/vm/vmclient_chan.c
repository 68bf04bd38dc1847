// SPDX-License-Identifier: GPL-2.0
/*
 * vmclient's channel to the agent: the non-blocking socket's reads and
 * sends, the receive buffer and its frames (vmclient_proto.h), and the
 * two helpers every other vmclient file uses.  It calls nothing else of
 * vmclient's: the QEMU process (vmclient.c), the deaths (vmclient_finding.c)
 * and the requests (vmclient_io.c) sit on it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness/vm/vmclient_int.h"

int vmc__fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

double vmc__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One non-blocking read or send of n bytes: 1 go on (progress, or EINTR),
 * 0 the socket would block, -EPIPE the channel is gone (EOF or an error).
 */
int vmc__io_step(ssize_t n, size_t *done)
{
	if (n > 0) {
		*done += (size_t)n;
		return 1;
	}
	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return -EPIPE;
}

int vmc__fill(struct vmc *vm)
{
	for (;;) {
		ssize_t n;
		int ret;

		if (vm->rx_cap - vm->rx_len < 65536) {
			size_t cap = vm->rx_cap ? vm->rx_cap * 2 : 1 << 20;
			uint8_t *p = realloc(vm->rx, cap);

			if (!p)
				return -ENOMEM;
			vm->rx = p;
			vm->rx_cap = cap;
		}
		n = read(vm->fd, vm->rx + vm->rx_len, vm->rx_cap - vm->rx_len);
		ret = vmc__io_step(n, &vm->rx_len);
		if (ret <= 0)
			return ret;
	}
}

int vmc__take_frame(struct vmc *vm, struct vmp_hdr *h, uint8_t **payload)
{
	if (vm->rx_len < sizeof(*h))
		return 0;
	memcpy(h, vm->rx, sizeof(*h));
	if (h->magic != VMP_MAGIC || h->len > VMP_MAX_PAYLOAD || !h->type ||
	    h->type >= VMP_TYPE_COUNT)
		return -EPROTO;
	if (vm->rx_len < sizeof(*h) + h->len)
		return 0;
	*payload = vm->rx + sizeof(*h);
	return 1;
}

void vmc__consume(struct vmc *vm, size_t n)
{
	memmove(vm->rx, vm->rx + n, vm->rx_len - n);
	vm->rx_len -= n;
}
