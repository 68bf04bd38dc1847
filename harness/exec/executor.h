/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executor: runs programs in one KVM VM on the local /dev/kvm with
 * the guest stub (kvm-guest/), reusing the VM between programs.
 *
 *   executor_open()   create the VM, set CPUID, run the capability probe
 *   executor_run()    reset, run one program, fill struct run_obs
 *   executor_close()
 *
 * One executor belongs to the thread that opened it (the watchdog signals
 * that thread with SIGRTMIN+5, whose handler the executor installs).
 * Files: executor.c (VM, memory), executor_run.c (reset, KVM_RUN loop,
 * watchdog, observations), executor_cpu.c (guest CPUID), executor_caps.c
 * (capability probe, program checks).
 *
 * Start state of a run (the oracle models the same):
 *   START_PM32  CR0 = PE|ET|NE (0x31): WP=0, paging off; CR4 = 0; EFER = 0
 *   START_LM64  CR0 = PG|PE|ET|NE (0x80000031); CR4 = PAE; EFER = LME|LMA;
 *               CR3 = LAYOUT_LOW_PML4; the stub runs in compatibility mode
 *   Both: flat 4 GiB segments, CPL0, EFLAGS = 0x2 (IF=0, AC=0).
 *   (= ORACLE_START_* in oracles/oracle.h; executor.c checks they agree.)
 * How the stub runs each op: kvm-guest/stub_abi.h.
 *
 * Reset between runs (so one program always gives the same observations):
 *   - the low memslot ([0, LOW_END): stub, GDT/IDTs, ops, results, fixed
 *     tables, arena) is deleted and re-added, which makes KVM drop every
 *     shadow page, so no state of an earlier program survives in KVM's MMU;
 *     then the host rewrites the stub, tables, arena and program inits;
 *   - the data frames are a MAP_PRIVATE mapping of a memfd holding the
 *     tags: MADV_DONTNEED drops whatever the guest wrote and every host
 *     mapping, then the host write-touches the program's prefault frames
 *     (so only those are mapped, writable, when the guest starts);
 *   - registers, segment state, CR0/CR3/CR4 and EFER via KVM_SET_SREGS/REGS.
 *
 * A warm start (executor_set_warm) leaves the memslot, and so KVM's shadow
 * pages, in place: deleting the slot costs more than a short program.
 * The host then writes only what KVM never shadows as a page table (stub,
 * GDT/IDTs, control block, ops, results) and hands every changed word of
 * the page-table memory (fixed low tables, arena) to the stub, which
 * stores it before the first op (kvm-guest/stub_abi.h: STUB_WRITES) and
 * reloads CR3 in long mode.  KVM's write tracking sees each store, so its
 * shadow pages stay coherent, and the guest's memory at the first op is
 * the clean start's.  KVM's other state (which shadow pages exist, their
 * sync state, its caches) is what the last programs left, as on any guest
 * that reuses its tables: a warm verdict is confirmed from a clean start
 * before anyone is told.  A run starts clean instead when the last run did
 * not complete, after executor_warm_forbid (the caller saw KVM shadow a
 * page the host rewrites: ops, results, data frames, whose A/D bits KVM
 * sets and MADV_DONTNEED takes back), or when more words changed than the
 * stub takes.
 */
#ifndef MMUFUZZ_EXECUTOR_H
#define MMUFUZZ_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>
#include "harness/program/prog.h"
#include "harness/core/observation.h"
#include "oracles/oracle.h"

struct executor;

/* Paging modes as capability bits (order of oracle.h's enum oracle_paging_mode). */
#define EXEC_MODE_OFF	(1u << 0)
#define EXEC_MODE_32	(1u << 1)
#define EXEC_MODE_PAE	(1u << 2)
#define EXEC_MODE_LM4	(1u << 3)
#define EXEC_MODE_ALL	0xfu

/* The text the executor gives when a PVM host refuses legacy paging. */
#define EXEC_PVM_MSG	"this host's KVM cannot run PAE guests (kvm_pvm)"

/* Details of the guest CPUID beyond struct oracle_cpu (for reports). */
struct executor_cpu {
	char vendor_id[13];	/* CPUID.0 string */
	uint32_t missing;	/* ORACLE_DEFAULT_FEATURES this KVM lacks */
	uint64_t cr4_valid;	/* CR4 bits KVM lets this guest set */
	uint64_t efer_valid;	/* EFER bits KVM lets this guest set */
	char outer_hv[13];	/* CPUID 0x40000000 signature of the machine
				 * the executor itself runs on ("" on bare
				 * metal, "TCGTCGTCGTCG" in the test VM) */
	int outer_tcg;		/* the CPU under this KVM is QEMU TCG: its
				 * quirks (e.g. LOCK CMPXCHG8B faulting as a
				 * read with -smp 1) are not KVM's */
};

struct executor_opts {
	unsigned watchdog_ms;	/* per run; 0 = default (2000) */
	int vendor;		/* -1 = the host's; else enum oracle_vendor: the
				 * vendor string set in guest CPUID (KVM's
				 * reserved-bit checks follow it) */
	int no_probe;		/* skip the capability probe (tests only) */
	int no_arena;		/* do not copy the arena into run_obs */
	int force_pvm;		/* treat the host as kvm_pvm (tests of the
				 * refusal path on other hosts) */
	/* Called in executor_run after the reset, right before the first
	 * KVM_RUN (the agent starts recording KVM's coverage there, so the
	 * reset's memslot work is not counted); NULL: nothing. */
	void (*before_guest)(void *arg);
	void *before_guest_arg;
};

/* Time spent per phase, summed over runs (ns). */
struct executor_stats {
	uint64_t runs;
	uint64_t exits;		/* KVM_RUN returns (MMIO, ucall, ...) */
	uint64_t ns_reset;	/* memslot, memory and register reset */
	uint64_t ns_memslot;	/* of which: deleting + re-adding the low slot */
	uint64_t ns_data;	/* of which: MADV_DONTNEED + prefault of data frames */
	uint64_t ns_guest;	/* inside KVM_RUN */
	uint64_t ns_host;	/* the rest: ops encoding, results, obs */
	uint64_t warm_runs;	/* runs that started warm */
	uint64_t warm_writes;	/* table stores they handed to the stub */
};

/*
 * Open /dev/kvm, create the VM and its vCPU, set CPUID, and (unless
 * opts->no_probe) run the capability probe.  On failure returns -errno
 * and writes a one-line reason to err (e.g. "no /dev/kvm on this host:
 * ..."); *out is left NULL.
 */
int executor_open(struct executor **out, const struct executor_opts *opts,
		   char *err, size_t errlen);

/* Destroy the VM; NULL is fine. */
void executor_close(struct executor *ex);

/* EXEC_MODE_* bits the capability probe found working (all bits if the
 * probe was skipped).  why(mode) explains a missing bit. */
unsigned executor_caps(const struct executor *ex);
const char *executor_caps_why(const struct executor *ex, unsigned mode_bit);
int executor_is_pvm(const struct executor *ex);

/* EXEC_MODE_* bits a program may enter, over-approximated by assuming
 * every control-register write succeeds.  Pure, no KVM. */
unsigned executor_modes_needed(const struct program *p);

/*
 * Whether this executor can run p: 0, or -EOPNOTSUPP (mode not supported
 * here, e.g. EXEC_PVM_MSG) or -EINVAL (too many ops, bad start, bad
 * width, init outside the arena and fixed tables), with the reason in why.
 */
int executor_check(const struct executor *ex, const struct program *p,
		    char *why, size_t len);
/* The same rules for given caps (EXEC_MODE_*) and host kind; pure, no KVM.
 * On a PVM host a program needing 32-bit or PAE paging gets EXEC_PVM_MSG. */
int executor_check_caps(unsigned caps, int pvm, const struct program *p,
			char *why, size_t len);

/*
 * Reset the VM and run p.  Returns 0 when obs describes the run (any
 * obs->exit, including RUN_REFUSED with the reason in obs->detail, and the
 * findings RUN_INTERNAL_ERROR / RUN_KVM_DEAD / unexpected RUN_SHUTDOWN).
 * Returns -errno only when the host side failed (obs->detail says how);
 * after RUN_KVM_DEAD the executor refuses further runs (reopen it).
 */
int executor_run(struct executor *ex, const struct program *p, struct run_obs *obs);

/* Start the next runs warm when they can (1) or always clean (0, the
 * default).  See "A warm start" above. */
void executor_set_warm(struct executor *ex, int on);
/* The next run starts clean: the caller saw KVM shadow a page the host
 * rewrites (executor_warm_unsafe_gfn). */
void executor_warm_forbid(struct executor *ex);
/* 1 if KVM shadowing guest frame gfn as a page table makes warm starts
 * incoherent: the host rewrites that frame behind KVM's write tracking. */
int executor_warm_unsafe_gfn(uint64_t gfn);

/* The guest CPU profile set with KVM_SET_CPUID2: judge this executor's
 * runs with oracle_eval_cpu(p, executor_cpu_profile(ex), ...). */
const struct oracle_cpu *executor_cpu_profile(const struct executor *ex);
const struct executor_cpu *executor_cpu_info(const struct executor *ex);

void executor_stats(const struct executor *ex, struct executor_stats *st);

#endif /* MMUFUZZ_EXECUTOR_H */
