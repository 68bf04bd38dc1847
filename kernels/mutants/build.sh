#!/bin/bash
# Build one mutant (or any patch) cheaply: in one warm build tree per base.
#
#   kernels/mutants/build.sh [BASE:]PATCH OUTDIR
#
# kernels/build-variant.sh already rebuilds only what changed: it rsyncs
# the patched sources by checksum into the variant's own build tree, so
# kbuild recompiles the objects whose sources differ and relinks.  What
# makes a new variant cost a full build (about 56 s on 2 idle cores) is
# only that its tree is new.  So every mutant is built under one variant
# name, adequacy-mutant: its tree (kernels/cache/build/adequacy-mutant/)
# stays warm, and a mutant costs the objects it and the mutant before it
# changed (one .o when both are in the same file), plus the relink.
# The objects' command lines hold the tree's absolute path, so the first
# mutant built through another path to the cache (another worktree)
# rebuilds everything once.
#
# The result is copied to OUTDIR (kvm.ko, kvm-amd.ko, kvm-intel.ko where
# it is built, info with name= OUTDIR's last component and patch= PATCH), an ordinary
# variant directory: `--kernel baseline,OUTDIR` runs it.  A lock around
# build and copy keeps concurrent runs from copying each other's mutant.
# Exit: build-variant.sh's: 0 built, 3 patch refused, 4 build failed (a
# stillborn mutant), 2 usage, 1 anything else; OUTDIR is complete or absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../base.sh"
die() { echo "kernels/mutants/build.sh: $*" >&2; exit "${RC:-1}"; }
[ $# -eq 2 ] || RC=2 die "usage: build.sh [BASE:]PATCH OUTDIR"
kbase_split "$1"; patch=$kb_variant out=$2
[ -f "$patch" ] || RC=2 die "$patch: no such patch"
patch=$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")
prefix=; [[ "$1" == *:* ]] && prefix=$kb_base:
kcache=${KCACHE:-$(kbase_cache "$kb_base")}
mkdir -p "$kcache/build"
tmp=$(mktemp -d); trap 'rm -rf "$tmp" "$out.tmp.$$"' EXIT
cp "$patch" "$tmp/adequacy-mutant.patch"
exec 7>"$kcache/build/adequacy-mutant.copy.lock"
flock 7
rc=0
dir=$("$here/../build-variant.sh" "$prefix$tmp/adequacy-mutant.patch" | tail -n 1) || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
rm -rf "$out.tmp.$$"; mkdir -p "$out.tmp.$$"
cp "$dir"/*.ko "$out.tmp.$$/"
sed -e "s|^name=.*|name=$(basename "$out")|" -e "s|^patch=.*|patch=$patch|" "$dir/info" > "$out.tmp.$$/info"
rm -rf "$out"; mv "$out.tmp.$$" "$out"
echo "$out"
