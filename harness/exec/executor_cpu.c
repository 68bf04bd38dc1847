// SPDX-License-Identifier: GPL-2.0
/*
 * The guest CPU: KVM_GET_SUPPORTED_CPUID, filtered down to what the
 * oracle models (oracles/oracle.h, struct oracle_cpu), then set on the
 * vCPU.  The profile is derived from the very entries that were set, so
 * the verdict judges the CPU the guest really had.
 *
 * Hidden on purpose (the oracle treats their CR4/EFER bits as reserved):
 * PCID, XSAVE/OSXSAVE, FSGSBASE, UMIP, PKU, LA57, VMX, SMX, SVM, and also
 * PKS and CET (they change page permissions).  kvm_pvm ignores part of
 * that (pvm_unhide() below).
 */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "harness/exec/executor_int.h"

#define CPUID_MAX_ENT 256
#define BIT(n) (1u << (n))

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     c->entries[i].index == idx))
			return &c->entries[i];
	return NULL;
}

static void set_vendor(struct kvm_cpuid_entry2 *e, const char *id)
{
	memcpy(&e->ebx, id, 4);
	memcpy(&e->edx, id + 4, 4);
	memcpy(&e->ecx, id + 8, 4);
}

static void hide(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e;

	if ((e = leaf(c, 1, 0)))	/* VMX, SMX, PCID, XSAVE, OSXSAVE */
		e->ecx &= ~(BIT(5) | BIT(6) | BIT(17) | BIT(26) | BIT(27));
	if ((e = leaf(c, 7, 0))) {
		e->ebx &= ~BIT(0);	/* FSGSBASE */
		/* UMIP, PKU, OSPKE, CET_SS, LA57, PKS */
		e->ecx &= ~(BIT(2) | BIT(3) | BIT(4) | BIT(7) | BIT(16) | BIT(31));
		e->edx &= ~BIT(20);	/* CET_IBT */
	}
	if ((e = leaf(c, 0x80000001, 0)))
		e->ecx &= ~BIT(2);	/* SVM */
}

/*
 * kvm_pvm (6.18 on the CI machines) leaves SMEP and SMAP out of
 * KVM_GET_SUPPORTED_CPUID, yet takes CR4.SMEP/SMAP writes without #GP and
 * enforces both (measured: a supervisor fetch from a user page faults
 * with ec 0x11); it also takes CR4.UMIP while CPUID hides UMIP, even on a
 * host CPU without UMIP (an "AMD EPYC" model, measured 4 Dec 2026: every
 * CR4 write with bit 11 completed).  So on kvm_pvm the guest CPUID
 * advertises SMEP and SMAP whenever the host CPU has them, and UMIP
 * always: the profile then describes the CPU the guest really gets,
 * instead of flagging the host's KVM on every such write.
 */
static void pvm_unhide(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e = leaf(c, 7, 0);
	unsigned a, b, cx, d;

	if (!e || !__get_cpuid_count(7, 0, &a, &b, &cx, &d))
		return;
	e->ebx |= b & (BIT(7) | BIT(20));	/* SMEP, SMAP */
	e->ecx |= BIT(2);			/* UMIP */
}

static void profile(struct executor *ex)
{
	struct kvm_cpuid2 *c = ex->cpuid;
	struct oracle_cpu *p = &ex->cpu;
	struct executor_cpu *info = &ex->cpu_info;
	struct kvm_cpuid_entry2 *e0 = leaf(c, 0, 0), *e1 = leaf(c, 1, 0), *e7 = leaf(c, 7, 0);
	struct kvm_cpuid_entry2 *x1 = leaf(c, 0x80000001, 0), *x8 = leaf(c, 0x80000008, 0);
	uint32_t d1 = e1 ? e1->edx : 0, b7 = e7 ? e7->ebx : 0, c7 = e7 ? e7->ecx : 0;
	uint32_t dx1 = x1 ? x1->edx : 0;

	memset(p, 0, sizeof(*p));
	memset(info, 0, sizeof(*info));
	if (e0) {
		memcpy(info->vendor_id, &e0->ebx, 4);
		memcpy(info->vendor_id + 4, &e0->edx, 4);
		memcpy(info->vendor_id + 8, &e0->ecx, 4);
	}
	p->vendor = strcmp(info->vendor_id, "GenuineIntel") == 0 ? ORACLE_VENDOR_INTEL : ORACLE_VENDOR_AMD;
	p->maxphyaddr = x8 ? (x8->eax & 0xff) : 36;
	p->features = ((d1 & BIT(3)) ? ORACLE_F_PSE : 0) |
		      ((d1 & BIT(6)) ? ORACLE_F_PAE : 0) |
		      ((d1 & BIT(13)) ? ORACLE_F_PGE : 0) |
		      ((d1 & BIT(17)) ? ORACLE_F_PSE36 : 0) |
		      ((dx1 & BIT(20)) ? ORACLE_F_NX : 0) |
		      ((b7 & BIT(7)) ? ORACLE_F_SMEP : 0) |
		      ((b7 & BIT(20)) ? ORACLE_F_SMAP : 0) |
		      ((dx1 & BIT(26)) ? ORACLE_F_1G : 0) |
		      ((dx1 & BIT(29)) ? ORACLE_F_LM : 0) |
		      ((c7 & BIT(2)) ? ORACLE_F_UMIP : 0);
	info->missing = ORACLE_DEFAULT_FEATURES & ~p->features;
	/* As KVM's __cr4_reserved_bits(): VME..OSXMMEXCPT always valid, the
	 * rest per CPUID (all hidden above but SMEP/SMAP). */
	info->cr4_valid = 0x7ff;
	if (p->features & ORACLE_F_SMEP)
		info->cr4_valid |= BIT(20);
	if (p->features & ORACLE_F_SMAP)
		info->cr4_valid |= BIT(21);
	if (p->features & ORACLE_F_UMIP)
		info->cr4_valid |= BIT(11);
	info->efer_valid = 1;			/* SCE */
	if (p->features & ORACLE_F_LM)
		info->efer_valid |= BIT(8) | BIT(10);
	if (p->features & ORACLE_F_NX)
		info->efer_valid |= BIT(11);
	if (dx1 & BIT(25))
		info->efer_valid |= BIT(14);	/* FFXSR */
}

/* Who runs us: the hypervisor leaf of the CPU this process runs on. */
static void outer_cpu(struct executor_cpu *info)
{
	unsigned a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (!(c & BIT(31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(info->outer_hv, &b, 4);
	memcpy(info->outer_hv + 4, &c, 4);
	memcpy(info->outer_hv + 8, &d, 4);
	info->outer_hv[12] = 0;
	info->outer_tcg = !strcmp(info->outer_hv, "TCGTCGTCGTCG");
}

/*
 * Who walks the guest's tables: with kvm_amd npt=1 the CPU under KVM does
 * (oracle.h ORACLE_MMU_NPT), with its TCG quirks when that CPU is QEMU.
 * kvm_intel ept=1 needs nothing: VMX loads PDPTE registers as the SDM
 * says, which is what the shadow profile models.
 */
static void mmu_profile(struct executor *ex)
{
	char v[8] = "";
	FILE *f = fopen("/sys/module/kvm_amd/parameters/npt", "r");

	if (!f)
		return;
	if (!fgets(v, sizeof(v), f))
		v[0] = 0;
	fclose(f);
	if (v[0] == 'Y' || v[0] == '1')
		oracle_cpu_npt(&ex->cpu, ex->cpu_info.outer_tcg);
}

int executor_cpuid_init(struct executor *ex, char *err, size_t errlen)
{
	struct kvm_cpuid2 *c;
	struct kvm_cpuid_entry2 *e;

	c = calloc(1, sizeof(*c) + CPUID_MAX_ENT * sizeof(c->entries[0]));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->nent = CPUID_MAX_ENT;
	{
		int r = kvm_ioctl(ex->kvm_fd, KVM_GET_SUPPORTED_CPUID, c, err, errlen);

		if (r < 0) {
			free(c);
			return r;
		}
	}
	ex->cpuid = c;
	if (ex->opts.vendor >= 0 && (e = leaf(c, 0, 0)))
		set_vendor(e, ex->opts.vendor == ORACLE_VENDOR_INTEL ? "GenuineIntel" : "AuthenticAMD");
	hide(c);
	if (ex->host_pvm)	/* the real one: force_pvm must not change CPUID */
		pvm_unhide(c);
	profile(ex);
	outer_cpu(&ex->cpu_info);
	mmu_profile(ex);
	return 0;
}
