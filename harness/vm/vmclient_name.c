// SPDX-License-Identifier: GPL-2.0
/*
 * The one name of a kernel variant (see vmc_variant_name() in vmclient.h).
 *
 * A variant may be given as a kernels/ name, a .patch path or a module
 * directory; everything that names files after it (run directories,
 * vmclient's findings, trace-<name>.txt in a diffrun finding) must use
 * the same short name, or a path's slashes end up inside a file name and
 * every save fails.  So the name is computed here once, where the kernel
 * list is parsed, and refused if it cannot be a file name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "harness/vm/vmclient.h"

/* Characters a variant name may hold: kernels/ names are made of these
 * (baseline, pae-root-rfc, test-..., baseline+cov), and none of them
 * needs quoting in a shell or a file name. */
static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '+';
}

int vmc_variant_name(const char *spec, char *out, size_t cap, char *err, size_t errlen)
{
	const char *s = spec && *spec ? spec : "stock";
	size_t end = strlen(s), start, len, i;

	/* "kernels/cache/variants/baseline/" names the folder "baseline". */
	while (end > 1 && s[end - 1] == '/')
		end--;
	start = end;
	while (start && s[start - 1] != '/')
		start--;
	len = end - start;
	if (len > 6 && !strncmp(s + start + len - 6, ".patch", 6))
		len -= 6;

	if (!len || (len == 1 && s[start] == '.') || (len == 2 && !strncmp(s + start, "..", 2)) ||
	    s[start] == '.') {
		snprintf(err, errlen, "kernel '%s': no usable name (the last path component "
			 "without .patch is empty or starts with '.')", s);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(s[start + i])) {
			snprintf(err, errlen, "kernel '%s': its name '%.*s' has '%c' at byte %zu; a "
				 "variant name is made of letters, digits and . _ + - only "
				 "(rename the patch file)", s, (int)len, s + start, s[start + i], i);
			return -EINVAL;
		}
	}
	if (len >= cap || len > VMC_VARIANT_NAME_MAX) {
		snprintf(err, errlen, "kernel '%s': its name '%.*s' is %zu bytes long, at most %d "
			 "are allowed", s, (int)len, s + start, len, VMC_VARIANT_NAME_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(out, s + start, len);
	out[len] = 0;
	return 0;
}
