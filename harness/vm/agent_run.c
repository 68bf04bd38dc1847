// SPDX-License-Identifier: GPL-2.0
/*
 * RUN requests: hand the program to the executor (harness/executor.c) that
 * drives /dev/kvm in the VM.  Until the executor is linked (HAVE_EXECUTOR,
 * set by harness/vm/vm.mk when harness/executor.h exists) RUN says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "agent.h"

#ifdef HAVE_EXECUTOR
#include "harness/executor.h"
#endif

#ifdef HAVE_EXECUTOR
const int agent_has_executor = 1;
#else
const int agent_has_executor = 0;
#endif

int agent_run(const struct vmp_run_req *req, const struct program *p,
	      struct run_obs *obs)
{
	memset(obs, 0, sizeof(*obs));
#ifdef HAVE_EXECUTOR
	return agent_run_executor(req, p, obs);
#else
	obs->exit = RUN_INTERNAL_ERROR;
	snprintf(obs->detail, sizeof(obs->detail),
		 "agent built without the executor (harness/executor.h missing)");
	return -ENOSYS;
#endif
}
