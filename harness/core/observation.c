// SPDX-License-Identifier: GPL-2.0
/* Names for observation enums (reports, JSON, signatures). */
#include "harness/core/names.h"
#include "harness/core/observation.h"

static const char *const exit_names[RUN_EXIT_COUNT] = {
	[RUN_COMPLETED] = "completed",		[RUN_SHUTDOWN] = "shutdown",
	[RUN_HANG] = "hang",			[RUN_INTERNAL_ERROR] = "internal-error",
	[RUN_KVM_DEAD] = "kvm-dead",		[RUN_GUEST_ASSERT] = "guest-assert",
	[RUN_REFUSED] = "refused",
};

const char *run_exit_name(enum run_exit e)
{
	return NAME_OF(exit_names, e);
}
