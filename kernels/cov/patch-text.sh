#!/bin/bash
# A variant's patch as one diff text, whatever form it came in:
#
#   kernels/cov/patch-text.sh PATCH
#
# PATCH is the info file's patch=: a .patch, an mbox of a series, or a
# folder of numbered patches (in build-variant.sh's order: *.patch and
# *.diff, sort -V).  A series is printed patch after patch; a line number
# in a later patch counts in the tree the earlier ones left, so a file
# two patches touch is numbered as the last of them saw it (exact for
# the last patch's hunks; an earlier hunk above a later one may be off
# by the lines the later one added).
# Exit: 0, 1 when PATCH is neither a file nor a folder of patches.
set -euo pipefail
die() { echo "kernels/cov/patch-text.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: patch-text.sh PATCH"
if [ -f "$1" ]; then
	cat "$1"
elif [ -d "$1" ]; then
	files=$(ls "$1" | grep -E '\.(patch|diff)$' | sort -V) || true
	[ -n "$files" ] || die "$1: a folder without .patch or .diff files"
	for f in $files; do cat "$1/$f"; done
else
	die "$1: no such patch"
fi
