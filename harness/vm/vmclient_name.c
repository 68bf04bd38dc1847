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

/* The name of one part (BASE or VARIANT) of "[BASE:]VARIANT": s[0..end). */
static int part_name(const char *s, size_t end, char *out, size_t cap, char *err, size_t errlen)
{
	size_t start, len, i;

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
		snprintf(err, errlen, "kernel '%.*s': no usable name (the last path component "
			 "without .patch is empty or starts with '.')", (int)end, s);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(s[start + i])) {
			snprintf(err, errlen, "kernel '%.*s': its name '%.*s' has '%c' at byte %zu; a "
				 "variant name is made of letters, digits and . _ + - only "
				 "(rename the patch file)", (int)end, s, (int)len, s + start, s[start + i], i);
			return -EINVAL;
		}
	}
	if (len >= cap || len > VMC_VARIANT_NAME_MAX) {
		snprintf(err, errlen, "kernel '%.*s': its name '%.*s' is %zu bytes long, at most %d "
			 "are allowed", (int)end, s, (int)len, s + start, len, VMC_VARIANT_NAME_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(out, s + start, len);
	out[len] = 0;
	return 0;
}

/*
 * "[BASE:]VARIANT" (kernels/README): a 6.1 name without BASE keeps its
 * old name; with a base, the name is "BASE-VARIANT" ("6.12-pae-root-rfc"),
 * so findings and run folders say which base they ran on.
 */
int vmc_variant_name(const char *spec, char *out, size_t cap, char *err, size_t errlen)
{
	const char *s = spec && *spec ? spec : "stock";
	const char *colon = strchr(s, ':');
	char base[VMC_VARIANT_NAME_MAX + 1], name[VMC_VARIANT_NAME_MAX + 1], why[512];
	int ret;

	if (!colon)
		return part_name(s, strlen(s), out, cap, err, errlen);
	ret = part_name(s, (size_t)(colon - s), base, sizeof(base), why, sizeof(why));
	if (!ret)
		ret = part_name(colon + 1, strlen(colon + 1), name, sizeof(name), why, sizeof(why));
	if (ret) {
		/* The part's message, but naming the whole kernel as given. */
		const char *rest = strstr(why, "': ");

		snprintf(err, errlen, "kernel '%s': %s", s, rest ? rest + 3 : why);
		return ret;
	}
	if (strlen(base) + 1 + strlen(name) >= cap ||
	    strlen(base) + 1 + strlen(name) > VMC_VARIANT_NAME_MAX) {
		snprintf(err, errlen, "kernel '%s': its name '%s-%s' is longer than %d bytes", s,
			 base, name, VMC_VARIANT_NAME_MAX);
		return -ENAMETOOLONG;
	}
	snprintf(out, cap, "%s-%s", base, name);
	return 0;
}
