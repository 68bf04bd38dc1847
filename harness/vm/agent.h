/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of the in-VM agent (harness/vm/agent*.c). */
#ifndef MMUFUZZ_VM_AGENT_H
#define MMUFUZZ_VM_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "harness/program.h"
#include "harness/observation.h"
#include "harness/vmclient_proto.h"

/* 1 when this agent was linked with the executor (RUN works). */
extern const int agent_has_executor;

/*
 * Run one program on /dev/kvm.  Fills obs (always, also on failure: then
 * obs->exit is RUN_INTERNAL_ERROR and obs->detail says why).  Returns 0, or
 * -ENOSYS when the agent has no executor.
 */
int agent_run(const struct vmp_run_req *req, const struct program *p,
	      struct run_obs *obs);

#endif /* MMUFUZZ_VM_AGENT_H */
