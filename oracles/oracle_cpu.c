// SPDX-License-Identifier: GPL-2.0
/* Names and CPU profiles of the oracle. */
#include "oracle_int.h"

const char *oracle_vendor_name(enum oracle_vendor v)
{
	switch (v) {
	case ORACLE_VENDOR_AMD:
		return "AMD";
	case ORACLE_VENDOR_INTEL:
		return "Intel";
	default:
		return "?";
	}
}

const char *oracle_paging_mode_name(enum oracle_paging_mode m)
{
	static const char *const names[PGM_COUNT] = {
		[PGM_OFF] = "nopg", [PGM_32] = "32bit", [PGM_PAE] = "pae", [PGM_LM4] = "lm4",
	};

	return (unsigned)m < PGM_COUNT ? names[m] : "?";
}

void oracle_cpu_default(struct oracle_cpu *cpu, enum oracle_vendor v)
{
	cpu->vendor = (unsigned)v < ORACLE_VENDOR_COUNT ? v : ORACLE_VENDOR_AMD;
	cpu->maxphyaddr = ORACLE_DEFAULT_MAXPHYADDR;
	cpu->features = ORACLE_DEFAULT_FEATURES;
	cpu->strict = 0;
	cpu->mmu = ORACLE_MMU_SHADOW;
	cpu->quirks = 0;
}

void oracle_cpu_npt(struct oracle_cpu *cpu, int outer_tcg)
{
	cpu->mmu = ORACLE_MMU_NPT;
	cpu->quirks = outer_tcg ? ORACLE_QUIRKS_TCG_NPT : 0;
}

const char *oracle_cpu_name(const struct oracle_cpu *cpu)
{
	int intel = cpu->vendor == ORACLE_VENDOR_INTEL;

	if (cpu->mmu != ORACLE_MMU_NPT)
		return intel ? "Intel" : "AMD";
	if (cpu->quirks)
		return intel ? "Intel-CPUID NPT/TCG" : "AMD NPT/TCG";
	return intel ? "Intel-CPUID NPT" : "AMD NPT";
}
