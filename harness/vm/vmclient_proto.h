/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wire protocol between the host (harness/vm/vmclient.c) and the agent in
 * the test VM (harness/vm/agent.c), over the virtio-serial port named
 * VMP_PORT_NAME (a unix socket on the host side).
 *
 * Every message is one frame: a struct vmp_hdr, then hdr.len payload
 * bytes.  All integers are little endian (both ends are x86_64 builds of
 * the same tree, so structs cross as raw bytes; the agent's HELLO states
 * its struct sizes and the host refuses an agent whose sizes differ).
 *
 *   agent -> host  HELLO      once, when the agent is ready: vmp_hello
 *   host -> agent  PING       any bytes; reply PONG with the same bytes
 *   host -> agent  EXEC       argv as NUL-terminated strings (tests, tools)
 *   agent -> host  EXEC_DONE  int32 wait status (waitpid), then the
 *                             command's stdout+stderr (capped, see below)
 *   host -> agent  RUN        struct vmp_run_req, then struct program
 *   agent -> host  RUN_DONE   struct run_obs, then zero or more sections
 *                             (struct vmp_section + data), e.g. the BPF
 *                             root trace (VMP_SEC_TRACE)
 *   agent -> host  ERROR      text; hdr.status = a positive errno
 *
 * A reply carries the request's seq.  The agent serves one request at a
 * time, so a request that never finishes shows up as the host's
 * per-request timeout; a frame with a bad magic or an oversized length
 * makes the agent exit (PID 1 exits: the kernel panics, QEMU stops), so
 * a desynchronised channel cannot go unnoticed.
 */
#ifndef MMUFUZZ_VMCLIENT_PROTO_H
#define MMUFUZZ_VMCLIENT_PROTO_H

#include <stdint.h>

#define VMP_PORT_NAME	"org.mmufuzz.0"
#define VMP_MAGIC	0x50564d4dU	/* "MMVP" in memory */
#define VMP_VERSION	1
#define VMP_MAX_PAYLOAD	(8U << 20)
#define VMP_EXEC_OUT_MAX (1U << 20)	/* EXEC output beyond this is dropped */

enum vmp_type {
	VMP_HELLO = 1,
	VMP_PING,
	VMP_PONG,
	VMP_EXEC,
	VMP_EXEC_DONE,
	VMP_RUN,
	VMP_RUN_DONE,
	VMP_ERROR,
	VMP_TYPE_COUNT
};

struct vmp_hdr {
	uint32_t magic;		/* VMP_MAGIC */
	uint16_t type;		/* enum vmp_type */
	uint16_t status;	/* replies: 0, or a positive errno */
	uint32_t seq;		/* a reply echoes its request's */
	uint32_t len;		/* payload bytes that follow, <= VMP_MAX_PAYLOAD */
};

struct vmp_hello {
	uint32_t version;	/* VMP_VERSION */
	uint32_t program_size;	/* sizeof(struct program) in the agent */
	uint32_t obs_size;	/* sizeof(struct run_obs) in the agent */
	uint32_t has_executor;	/* 0: RUN answers ERROR ENOSYS */
	char release[64];	/* uname -r */
	char variant[128];	/* the modules' origin: "stock" or a directory */
	char kvm_params[128];	/* e.g. "npt=N nested=1" from kvm_amd */
	uint32_t uptime_ms;	/* guest clock at HELLO: the guest's share
				 * of boot-to-ready */
	uint32_t kcov;		/* 1: /dev/mmucov exists (a "+cov" variant),
				 * every RUN_DONE carries VMP_SEC_KCOV; 0
				 * before this field existed (was reserved) */
};

/* RUN request flags. */
#define VMP_RUN_TRACE	(1U << 0)	/* attach the root trace if the agent has one */
#define VMP_RUN_PACKED	(1U << 1)	/* RUN_DONE carries struct run_obs packed */
#define VMP_RUN_KCOV_PCS (1U << 2)	/* +cov: also VMP_SEC_KCOV_PCS and _MODULES */
#define VMP_RUN_WARM	(1U << 3)	/* start warm when the executor can
					 * (harness/exec/executor.h); the
					 * agent forbids it after a run whose
					 * root trace shows KVM shadowing a
					 * page the host rewrites, or none */

/*
 * Packed struct run_obs (VMP_RUN_PACKED): the arena is 256 KiB and mostly
 * zero pages, so RUN_DONE starts with this header, then head_len bytes
 * (run_obs before .arena), tail_len bytes (run_obs after .arena), then one
 * 4 KiB page per bit set in page_map (bit i = arena page i, in order);
 * pages whose bit is clear are zero.  Sections follow as usual.
 * vmclient unpacks it: its callers always see the plain layout.
 */
struct vmp_obs_packed {
	uint32_t head_len;
	uint32_t tail_len;
	uint64_t page_map;
};

struct vmp_run_req {
	uint32_t flags;		/* VMP_RUN_* */
	uint32_t timeout_ms;	/* the executor's own watchdog; 0 = its default */
};

/* Optional data after struct run_obs in RUN_DONE. */
enum vmp_section_kind {
	VMP_SEC_TRACE = 1,	/* BPF root trace records (format: harness/bpf/) */
	VMP_SEC_LOG,		/* free text from the agent/executor */
	VMP_SEC_TIMING,		/* struct vmp_timing: where the agent's time went */
	VMP_SEC_KCOV,		/* struct vmp_kcov, then n_edges uint32_t */
	VMP_SEC_KCOV_PCS,	/* the run's distinct PCs, uint64_t, sorted */
	VMP_SEC_KCOV_MODULES,	/* text: "section MOD NAME 0xADDR" and "buildid
				 * MOD HEX" lines of kvm, kvm_amd, kvm_intel,
				 * mmucov (kernels/cov/resolve.sh's record) */
};

/*
 * KVM's own coverage of one run (a "+cov" variant, kernels/cov/README):
 * the PCs the agent's vCPU thread hit between the executor's reset and
 * the end of its last KVM_RUN, folded into edges by
 * kernels/cov/mmucov_edges.h.  Each uint32_t that follows is one edge
 * slot that was hit: bits 0-15 the slot (0 .. MMUCOV_EDGE_MAP - 1),
 * bits 16-23 its hit count (saturating at 255), in first-hit order.
 */
struct vmp_kcov {
	uint64_t hits;		/* PCs the module counted */
	uint64_t overflow;	/* of which dropped: the area was full (the
				 * edges then describe a prefix of the run) */
	uint32_t switches;	/* times the host switched the vCPU thread
				 * out meanwhile: KVM's preempt notifiers and
				 * resched paths ran, edges that depend on
				 * timing, not on the program */
	uint32_t n_edges;	/* uint32_t entries that follow */
};
#define VMP_KCOV_SLOT(e)	((e) & 0xffffu)
#define VMP_KCOV_COUNT(e)	(((e) >> 16) & 0xffu)

/* The agent's side of one RUN, in ns of the VM's CLOCK_MONOTONIC (for
 * bench-vm: the round trip minus these is channel and host). */
struct vmp_timing {
	uint64_t ns_agent;	/* payload read to response ready */
	uint64_t ns_reset;	/* executor: memslot + memory + registers */
	uint64_t ns_guest;	/* executor: inside KVM_RUN */
	uint64_t ns_exec_host;	/* executor: the rest of executor_run */
	uint64_t ns_trace;	/* BPF tracer arm + collect */
	uint64_t ns_pack;	/* packing run_obs */
	uint32_t warm;		/* 1: this run started warm */
	uint32_t warm_writes;	/* table stores it handed to the stub */
};

struct vmp_section {
	uint32_t kind;		/* enum vmp_section_kind */
	uint32_t len;		/* data bytes that follow */
};

#endif /* MMUFUZZ_VMCLIENT_PROTO_H */
