#!/bin/bash
# .ci/kernel-cache.sh [CACHE]: keep the kernel cache of this checkout
# between CI runs on this machine.  The kernel cache (Debian's packages,
# unpacked bases, built KVM module variants) is about two fifths of a
# clean run.  A checkout without kernels/cache gets it as a symlink to
# CACHE/kernels (default ~/.cache/mmufuzz; an empty CACHE does nothing,
# as on a machine's first run).  Every entry is keyed by its inputs' hash
# (kernels/build-variant.sh), so a commit that changes a patch or a build
# script rebuilds what it changes and nothing stale is served; base paths
# recorded by a gone checkout are repaired (kernels/variant-dir.sh).
set -u
cd "$(dirname "$0")/.."
cache=${1-${XDG_CACHE_HOME:-$HOME/.cache}/mmufuzz}
[ -n "$cache" ] || exit 0
if [ -e kernels/cache ] || [ -L kernels/cache ]; then
	echo "ci: kernels/cache exists; used as it is"
	exit 0
fi
mkdir -p "$cache/kernels" && ln -s "$cache/kernels" kernels/cache || exit 1
echo "ci: kernel cache kept between runs: kernels/cache -> $cache/kernels"
# An own-kernel base is keyed by its tree's path, and check-own-kernel
# lays a tree out in each checkout (CHECKOUT/build/own-kernel/): the base
# of a tree that is gone is dead weight, unless a checkout stands at its
# path again (a fresh clone where the last one was), which lays the same
# tree out and finds its builds.
for b in kernels/cache/bases/own-*; do
	[ -d "$b" ] || continue
	dir=$(sed -n 's/^base_dir=//p' "$b"/variants/*/info 2>/dev/null | head -n1)
	[ -n "$dir" ] && [ ! -d "$dir" ] || continue
	up=$dir
	while [ ! -d "$up" ]; do up=$(dirname "$up"); done
	[ -e "$up/.ci/kernel-cache.sh" ] && continue
	echo "ci: dropping $b (its tree $dir is gone)"
	rm -rf "$b"
done
