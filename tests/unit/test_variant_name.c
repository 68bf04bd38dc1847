// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel variant has one name (vmc_variant_name): a .patch path or a
 * module folder is called after its basename, and a name that cannot be
 * a file name is refused where the kernel list is parsed (diffrun_open),
 * before any VM boots.  No VM is needed for any of this.
 */
#include <errno.h>
#include <string.h>
#include "harness/judge/diffrun.h"
#include "harness/vm/vmclient.h"
#include "tests/check.h"

static void name_is(const char *spec, const char *want)
{
	char out[VMC_VARIANT_NAME_MAX + 1], err[512] = "";
	int ret = vmc_variant_name(spec, out, sizeof(out), err, sizeof(err));

	CHECK(ret == 0, "'%s': refused (%d: %s)", spec ? spec : "(null)", ret, err);
	if (!ret)
		CHECK(!strcmp(out, want), "'%s' named '%s', want '%s'", spec ? spec : "(null)",
		      out, want);
}

static void refused(const char *spec, int want_err, const char *why_has)
{
	char out[VMC_VARIANT_NAME_MAX + 1] = "", err[512] = "";
	int ret = vmc_variant_name(spec, out, sizeof(out), err, sizeof(err));

	CHECK(ret == want_err, "'%s': got %d ('%s'), want %d", spec, ret, out, want_err);
	CHECK(strstr(err, spec) && strstr(err, why_has),
	      "'%s': message '%s' should name the kernel and say '%s'", spec, err, why_has);
}

int main(void)
{
	char long_name[200];
	struct diffrun *dr = NULL;

	/* Names as kernels/README gives them. */
	name_is("baseline", "baseline");
	name_is("pae-root-rfc", "pae-root-rfc");
	name_is("test-warn-on-magic-cr3", "test-warn-on-magic-cr3");
	name_is("baseline+cov", "baseline+cov");
	name_is(NULL, "stock");
	name_is("", "stock");
	/* A path: the basename, without .patch (the failing case). */
	name_is("/work/x/kernels/patches/pae-root-rfc.patch", "pae-root-rfc");
	name_is("kernels/patches/pae-root-slot.patch", "pae-root-slot");
	name_is("my.fix.patch", "my.fix");
	/* A module folder, trailing slashes or not. */
	name_is("kernels/cache/variants/baseline/", "baseline");
	name_is("/tmp/mods//", "mods");
	/* ".patch" alone is no suffix to strip: it names nothing. */
	refused("/tmp/.patch", -EINVAL, "starts with '.'");
	refused("/", -EINVAL, "no usable name");
	refused("..", -EINVAL, "no usable name");
	refused("/tmp/my fix.patch", -EINVAL, "' ' at byte 2");
	/* "[BASE:]VARIANT" (kernels/README): the base is part of the name. */
	name_is("6.12:pae-root-rfc", "6.12-pae-root-rfc");
	name_is("6.12:/work/x/fix.patch", "6.12-fix");
	name_is("/src/linux:baseline", "linux-baseline");
	name_is("/tmp/a:b.patch", "a-b");
	refused("6.12:", -EINVAL, "no usable name");
	refused("6.12:my fix.patch", -EINVAL, "' ' at byte 2");
	memset(long_name, 'a', 100);
	strcpy(long_name + 100, ".patch");
	refused(long_name, -ENAMETOOLONG, "at most 63");

	/* diffrun_open refuses such lists before booting anything. */
	CHECK(diffrun_open(&dr, "baseline,/tmp/my fix.patch", NULL) == -EINVAL && !dr,
	      "a candidate whose name is no file name is refused");
	CHECK(diffrun_open(&dr, "baseline,/elsewhere/baseline.patch", NULL) == -EINVAL && !dr,
	      "two kernels with one name are refused (their trace files would clash)");
	CHECK(diffrun_open(&dr, ",", NULL) == -EINVAL && !dr, "an empty list is refused");
	return check_summary("variant_name");
}
