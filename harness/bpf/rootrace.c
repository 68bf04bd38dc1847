// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the root tracer: skeleton open -> load -> attach each program
 * on its own (a kernel without one symbol still gets the rest), then a
 * ring buffer drained into the caller's buffer once per run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "rootrace_api.h"
#include "rootrace.skel.h"

struct rootrace {
	struct rootrace_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[32];
	struct bpf_program *progs[32];	/* what links[i] attaches */
	unsigned n_links;
	int paused;
	char missing[512];
	/* collect state */
	struct rootrace_event *out;
	size_t max, n, overflow;
	uint64_t hist[RT_EXIT_BUCKETS];
	uint64_t dropped;
};

/* Without ROOTRACE_VERBOSE, libbpf's attach warnings for absent symbols
 * stay quiet: rootrace_missing() reports them by name instead. */
static int rootrace__print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("ROOTRACE_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* libbpf finds tracepoint ids under tracefs; a bare initramfs has none. */
static void rootrace__mount_tracefs(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return;
	mkdir("/sys/kernel/tracing", 0755);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static void rootrace__note_missing(struct rootrace *rt, const struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	const char *name = strchr(sec, '/');
	const char *kind = !strncmp(sec, "kretprobe", 9) ? "kretprobe" :
			   !strncmp(sec, "kprobe", 6) ? "kprobe" :
			   !strncmp(sec, "tp_btf", 6) ? "tp_btf" : "tracepoint";
	size_t used = strlen(rt->missing);

	snprintf(rt->missing + used, sizeof(rt->missing) - used, "%s%s:%s",
		 used ? " " : "", kind, name ? name + 1 : sec);
}

static int rootrace__on_event(void *ctx, void *data, size_t size)
{
	struct rootrace *rt = ctx;

	if (size < sizeof(struct rootrace_event))
		return 0;
	if (rt->n < rt->max)
		memcpy(&rt->out[rt->n++], data, sizeof(struct rootrace_event));
	else
		rt->overflow++;
	return 0;
}

int rootrace_open(struct rootrace **out, pid_t tgid, char *err, size_t len)
{
	struct rootrace *rt;
	struct bpf_program *p;
	int r, have_root = 0;

	*out = NULL;
	libbpf_set_print(rootrace__print);
	rootrace__mount_tracefs();
	rt = calloc(1, sizeof(*rt));
	if (!rt) {
		snprintf(err, len, "rootrace: out of memory");
		return -ENOMEM;
	}
	rt->skel = rootrace_bpf__open();
	if (!rt->skel) {
		r = -errno;
		snprintf(err, len, "rootrace: BPF object open failed: %s", strerror(errno));
		goto fail;
	}
	r = rootrace_bpf__load(rt->skel);
	if (r) {
		/*
		 * The root snapshot is the one program whose load needs the
		 * kvm module's BTF (tp_btf, CO-RE): a kvm.ko without it loses
		 * the snapshots only, and says so in rootrace_missing().
		 */
		rootrace_bpf__destroy(rt->skel);
		rt->skel = rootrace_bpf__open();
		if (!rt->skel) {
			r = -errno;
			snprintf(err, len, "rootrace: BPF object open failed: %s", strerror(errno));
			goto fail;
		}
		bpf_program__set_autoload(rt->skel->progs.tp_entry, false);
		rootrace__note_missing(rt, rt->skel->progs.tp_entry);
		r = rootrace_bpf__load(rt->skel);
	}
	if (r) {
		snprintf(err, len, "rootrace: BPF load failed: %s (ROOTRACE_VERBOSE=1 shows the verifier log)",
			 strerror(-r));
		goto fail;
	}
	bpf_object__for_each_program(p, rt->skel->obj) {
		const char *skip = getenv("ROOTRACE_SKIP");
		struct bpf_link *l = NULL;

		/* ROOTRACE_SKIP=prog,prog: leave programs detached (cost
		 * measurements); they are not reported as missing. */
		if ((skip && strstr(skip, bpf_program__name(p))) || !bpf_program__autoload(p))
			continue;
		if (rt->n_links < sizeof(rt->links) / sizeof(rt->links[0]))
			l = bpf_program__attach(p);
		if (!l) {
			rootrace__note_missing(rt, p);
			continue;
		}
		rt->progs[rt->n_links] = p;
		rt->links[rt->n_links++] = l;
		if (p == rt->skel->progs.kp_alloc_root || p == rt->skel->progs.tp_get_page)
			have_root++;
	}
	if (!have_root) {
		r = -ENOENT;
		snprintf(err, len, "rootrace: no root probe attached (is kvm loaded?); missing: %s",
			 rt->missing);
		goto fail;
	}
	rt->rb = ring_buffer__new(bpf_map__fd(rt->skel->maps.events), rootrace__on_event, rt, NULL);
	if (!rt->rb) {
		r = -errno;
		snprintf(err, len, "rootrace: ring buffer setup failed: %s", strerror(errno));
		goto fail;
	}
	rt->skel->bss->target_tgid = tgid;
	*out = rt;
	return 0;
fail:
	rootrace_close(rt);
	return r < 0 ? r : -EINVAL;
}

const char *rootrace_missing(const struct rootrace *rt)
{
	return rt->missing;
}

void rootrace_set_tgid(struct rootrace *rt, pid_t tgid)
{
	rt->skel->bss->target_tgid = tgid;
}

int rootrace_begin(struct rootrace *rt)
{
	int r;

	rt->skel->bss->enabled = 0;
	/* Drain what an earlier, uncollected run left behind. */
	rt->out = NULL;
	rt->max = rt->n = rt->overflow = 0;
	r = ring_buffer__consume(rt->rb);
	if (r < 0)
		return r;
	memset(rt->skel->bss->exit_hist, 0, sizeof(rt->skel->bss->exit_hist));
	rt->skel->bss->dropped = 0;
	/* Every vCPU's first entry of the run is snapshotted afresh. */
	rt->skel->bss->run_gen++;
	__atomic_store_n(&rt->skel->bss->enabled, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int rootrace_collect(struct rootrace *rt, struct rootrace_event *ev, size_t max, size_t *n)
{
	unsigned i;
	int r;

	__atomic_store_n(&rt->skel->bss->enabled, 0, __ATOMIC_SEQ_CST);
	rt->out = ev;
	rt->max = max;
	rt->n = rt->overflow = 0;
	r = ring_buffer__consume(rt->rb);
	memcpy(rt->hist, rt->skel->bss->exit_hist, sizeof(rt->hist));
	rt->dropped = rt->skel->bss->dropped;
	for (i = 0; i < RT_EXIT_BUCKETS; i++) {
		struct rootrace_event x = { .kind = RT_EXITS, .gfn = i, .val = rt->hist[i] };

		if (!rt->hist[i])
			continue;
		if (rt->n)
			x.ts_ns = ev[rt->n - 1].ts_ns;
		rootrace__on_event(rt, &x, sizeof(x));
	}
	*n = rt->n;
	rt->out = NULL;
	if (r < 0)
		return r;
	return rt->overflow || rt->dropped ? -ENOSPC : 0;
}

const uint64_t *rootrace_exit_hist(const struct rootrace *rt)
{
	return rt->hist;
}

uint64_t rootrace_dropped(const struct rootrace *rt)
{
	return rt->dropped;
}

void rootrace_pause(struct rootrace *rt)
{
	unsigned i;

	for (i = 0; i < rt->n_links; i++) {
		bpf_link__destroy(rt->links[i]);
		rt->links[i] = NULL;
	}
	rt->paused = 1;
}

int rootrace_resume(struct rootrace *rt)
{
	unsigned i;
	int r = 0;

	for (i = 0; i < rt->n_links; i++) {
		if (rt->links[i])
			continue;
		rt->links[i] = bpf_program__attach(rt->progs[i]);
		if (!rt->links[i])
			r = -ENOENT;
	}
	rt->paused = 0;
	return r;
}

void rootrace_close(struct rootrace *rt)
{
	unsigned i;

	if (!rt)
		return;
	ring_buffer__free(rt->rb);
	for (i = 0; i < rt->n_links; i++)
		bpf_link__destroy(rt->links[i]);
	rootrace_bpf__destroy(rt->skel);
	free(rt);
}
