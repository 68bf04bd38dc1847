// SPDX-License-Identifier: GPL-2.0
/* Names and CPU profiles of the oracle. */
#include "oracle_int.h"

const char *vendor_name(enum vendor v)
{
	switch (v) {
	case VENDOR_AMD:
		return "AMD";
	case VENDOR_INTEL:
		return "Intel";
	default:
		return "?";
	}
}

const char *paging_mode_name(enum paging_mode m)
{
	static const char *const names[PGM_COUNT] = {
		[PGM_OFF] = "nopg", [PGM_32] = "32bit", [PGM_PAE] = "pae", [PGM_LM4] = "lm4",
	};

	return (unsigned)m < PGM_COUNT ? names[m] : "?";
}

void oracle_cpu_default(struct oracle_cpu *cpu, enum vendor v)
{
	cpu->vendor = (unsigned)v < VENDOR_COUNT ? v : VENDOR_AMD;
	cpu->maxphyaddr = ORACLE_DEFAULT_MAXPHYADDR;
	cpu->features = ORACLE_DEFAULT_FEATURES;
	cpu->strict = 0;
}
