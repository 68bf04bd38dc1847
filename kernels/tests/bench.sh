#!/bin/bash
# bench-kernels: how long the kernel variants cost.
#   - a cached lookup (kernels/variant-dir.sh on an up-to-date variant)
#   - a rebuild after editing a patch (one comment in mmu.c changes:
#     mmu.o is recompiled, the three modules relinked) -- the edit loop of
#     a developer iterating on a candidate patch
#   - the last full/first build times recorded in each variant's info
# The edit benchmark works on a copy of pae-root-slot.patch, variant
# "bench-edit" (kernels/cache/bench/), toggling one word on each run.
set -eu
cd "$(dirname "$0")/../.."
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.1f", $2 - $1 }'; }

for v in baseline $(ls kernels/patches/*.patch | xargs -n1 basename | sed 's/\.patch$//'); do
	kernels/variant-dir.sh "$v" >/dev/null 2>&1
	t0=$(now); kernels/variant-dir.sh "$v" >/dev/null 2>&1; t1=$(now)
	echo "kernels: cached lookup $v: $(secs "$t0" "$t1") s"
done

mkdir -p kernels/cache/bench
p=kernels/cache/bench/bench-edit.patch
if [ ! -f "$p" ]; then
	cp kernels/patches/pae-root-slot.patch "$p"
	t0=$(now); kernels/variant-dir.sh "$p" >/dev/null 2>&1; t1=$(now)
	echo "kernels: first build of bench-edit (from nothing): $(secs "$t0" "$t1") s"
fi
kernels/variant-dir.sh "$p" >/dev/null 2>&1	# up to date before the edit
if grep -q 'Reuse a PAE root only if' "$p"; then
	sed -i 's/Reuse a PAE root only if/Reuse a PAE root only when/' "$p"
else
	sed -i 's/Reuse a PAE root only when/Reuse a PAE root only if/' "$p"
fi
t0=$(now); kernels/variant-dir.sh "$p" >/dev/null 2>&1; t1=$(now)
echo "kernels: rebuild after a one-line mmu.c edit in a patch: $(secs "$t0" "$t1") s"
for i in kernels/cache/variants/*/info; do
	echo "kernels: last build of $(sed -n 's/^name=//p' "$i"): $(sed -n 's/^build_seconds=//p' "$i") s ($(sed -n 's/^built=//p' "$i"))"
done
echo "kernels: load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
