// SPDX-License-Identifier: GPL-2.0
/* The library's message sink (say.h). */
#include <stdarg.h>
#include <stdio.h>
#include "harness/core/say.h"

static say_fn *sink;
static void *sink_ctx;

void say_set_sink(say_fn *fn, void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
}

void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!sink)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sink(sink_ctx, line);
}
