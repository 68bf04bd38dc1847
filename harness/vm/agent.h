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

/* Before HELLO: on a +cov variant, open KVM coverage, the executor and
 * the root tracer now rather than in the first RUN (agent_run.c says
 * why); elsewhere nothing.  Failures are printed and retried or told
 * with the first RUN. */
void agent_prepare(void);

/* Append one section to out[off..cap); returns the new end (off when it
 * does not fit). */
size_t agent_put_section(uint8_t *out, size_t cap, size_t off, uint32_t kind,
			 const void *data, size_t len);

/* One run's KVM coverage, as agent_cov_end hands it over. */
struct agent_cov_run {
	const void *kcov;		/* VMP_SEC_KCOV's payload */
	size_t kcov_len;
	const void *pcs;		/* want_pcs: VMP_SEC_KCOV_PCS's payload */
	size_t pcs_len;
	const char *modules;		/* want_pcs: VMP_SEC_KCOV_MODULES's text
					 * (NULL if it could not be built) */
	size_t modules_len;
};

/*
 * KVM's coverage on a "+cov" variant (agent_cov.c).  present: 1 when
 * /dev/mmucov exists.  open: registers the calling thread (the one that
 * will call KVM_RUN); 0, or -errno with the reason in err.  begin: the
 * executor's before_guest hook, starts one run's record.  end: the run
 * since begin as section payloads in *o, valid until the next end;
 * returns 1, or 0 (nothing in *o) without a successful open.  A run that
 * never began (refused before the reset) gets an empty edge list.
 */
int agent_cov_present(void);
int agent_cov_open(char *err, size_t len);
void agent_cov_begin(void *unused);
int agent_cov_end(int want_pcs, struct agent_cov_run *o);

/* CLOCK_MONOTONIC in ns. */
uint64_t agent_now_ns(void);

#endif /* MMUFUZZ_VM_AGENT_H */
