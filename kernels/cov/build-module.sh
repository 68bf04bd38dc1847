#!/bin/bash
# Build the companion coverage module mmucov.ko against Debian's headers
# (the same ABI the KVM variants are built for) and print its directory.
#
#   kernels/cov/build-module.sh
#
# Result: $KCACHE/build/mmucov-<hash>/{mmucov.ko,Module.symvers}, the hash
# taken over the ABI and this folder's module sources, so a cached build
# costs one stat.  Module.symvers is what a +cov KVM build passes as
# KBUILD_EXTRA_SYMBOLS, so that kvm.ko resolves __sanitizer_cov_trace_pc
# against mmucov.ko (and modinfo names it as a dependency).
# Exit: 0 built or cached, 4 build failed, 1 anything else.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KCACHE=${KCACHE:-$(cd "$here/.." && pwd)/cache}
JOBS=${JOBS:-2}
die() { echo "kernels/cov: $*" >&2; exit "${RC:-1}"; }

# The variant build passes its base's headers (KDIR, ABI); alone, the
# default base's (Debian 6.1).
if [ -z "${KDIR:-}" ] || [ -z "${ABI:-}" ]; then
	eval "$("$here/../fetch-debian.sh" --print)"	# ABI KROOT ...
	KDIR=$KROOT/usr/src/linux-headers-$ABI
fi
[ -f "$KDIR/Makefile" ] || die "$KDIR: no headers tree (kernels/fetch-debian.sh failed?)"
hash=$( { echo "abi=$ABI"; cat "$here/mmucov.c" "$here/mmucov.h" "$here/Kbuild" "$0"; } |
	sha256sum | cut -c1-16)
out=$KCACHE/build/mmucov-$hash
mkdir -p "$KCACHE/build"
exec 9>"$out.lock"
flock 9
if [ -s "$out/mmucov.ko" ] && [ -s "$out/Module.symvers" ]; then echo "$out"; exit 0; fi
rm -rf "$out"; mkdir -p "$out"
cp "$here/mmucov.c" "$here/mmucov.h" "$here/Kbuild" "$out/"
echo "kernels/cov: building mmucov.ko for $ABI (log: $out/build.log)" >&2
# Fix 1 of build-variant.sh (the -common include) is applied by every
# variant build; this module may be built first, so check it here too.
inc=$(sed -n 's/^include //p' "$KDIR/Makefile" | head -n1)
[ -f "$inc" ] ||
	die "$KDIR/Makefile includes '$inc', which does not exist: build a variant first (kernels/variant-dir.sh baseline)"
if ! make -C "$KDIR" M="$out" -j"$JOBS" RESOLVE_BTFIDS=true modules > "$out/build.log" 2>&1; then
	grep -E 'error|warning' "$out/build.log" | head -n 20 >&2 || true
	rm -f "$out/mmucov.ko"
	RC=4 die "mmucov.ko: build failed (log: $out/build.log)"
fi
grep -q '__sanitizer_cov_trace_pc' "$out/Module.symvers" ||
	die "$out/Module.symvers does not export __sanitizer_cov_trace_pc"
# A warning in our own module is a bug (the house rule is a quiet build).
if grep -q 'warning:' "$out/build.log"; then
	grep 'warning:' "$out/build.log" >&2
	rm -f "$out/mmucov.ko"
	RC=4 die "mmucov.ko: compiler warnings (log: $out/build.log)"
fi
echo "$out"
