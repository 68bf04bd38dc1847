/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of the in-VM agent (harness/vm/agent*.c). */
#ifndef MMUFUZZ_VM_AGENT_H
#define MMUFUZZ_VM_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "harness/program/prog.h"
#include "harness/core/observation.h"
#include "harness/vm/vmclient_proto.h"

/* 1 when this agent was linked with the executor (RUN works). */
extern const int agent_has_executor;

/*
 * Run one program on /dev/kvm (agent_run.c).  Fills obs, also on failure
 * (obs->detail says why), and extra[0..*extra_len) with the RUN_DONE
 * sections (struct vmp_section + data: root trace, log text).  Returns 0
 * when obs describes the run, or -errno when the executor could not be
 * opened or the host side of the run failed.
 */
int agent_run(const struct vmp_run_req *req, const struct program *p,
	      struct run_obs *obs, uint8_t *extra, size_t cap, size_t *extra_len,
	      struct vmp_timing *t);

/* Append one section to out[off..cap); returns the new end (off when it
 * does not fit). */
size_t agent_put_section(uint8_t *out, size_t cap, size_t off, uint32_t kind,
			 const void *data, size_t len);

/* CLOCK_MONOTONIC in ns. */
uint64_t agent_now_ns(void);

#endif /* MMUFUZZ_VM_AGENT_H */
