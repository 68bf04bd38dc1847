// SPDX-License-Identifier: GPL-2.0
/*
 * The library's message sink (harness/core/say.h): no sink drops the
 * lines, a sink gets each one formatted and without its newline, a long
 * line is cut rather than overrun; and the enum name tables' lookup
 * (harness/core/names.h) answers "?" outside a table.
 */
#include <string.h>
#include "harness/core/names.h"
#include "harness/core/observation.h"
#include "harness/core/say.h"
#include "harness/vm/vmclient.h"
#include "tests/check.h"

static char got[2048];
static unsigned calls;

static void sink(void *ctx, const char *line)
{
	calls++;
	CHECK(ctx == &calls, "the sink's context came through");
	snprintf(got, sizeof(got), "%s", line);
}

int main(void)
{
	static const char *const sparse[4] = { [0] = "zero", [2] = "two" };
	char big[1500];

	say("dropped %d", 1);
	CHECK(calls == 0, "no sink: nothing called");

	say_set_sink(sink, &calls);
	say("vmclient: '%s' died (%s)", "baseline", "warn");
	CHECK(calls == 1 && !strcmp(got, "vmclient: 'baseline' died (warn)"), "one line, formatted: '%s'", got);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	say("%s", big);
	CHECK(calls == 2 && strlen(got) == 1023, "a long line is cut at 1 KiB (%zu)", strlen(got));

	say_set_sink(NULL, NULL);
	say("dropped again");
	CHECK(calls == 2, "sink removed: nothing called");

	CHECK(!strcmp(NAME_OF(sparse, 2), "two"), "a named value");
	CHECK(!strcmp(NAME_OF(sparse, 1), "?"), "a value the table does not name");
	CHECK(!strcmp(NAME_OF(sparse, 4), "?"), "a value past the table");
	CHECK(!strcmp(run_exit_name(RUN_KVM_DEAD), "kvm-dead") && !strcmp(run_exit_name(RUN_EXIT_COUNT), "?"),
	      "run_exit_name");
	CHECK(!strcmp(vmc_death_name(VMC_QEMU_EXIT), "qemu-exit") && !strcmp(vmc_death_name(VMC_DEATH_COUNT), "?"),
	      "vmc_death_name");
	return check_summary("say");
}
