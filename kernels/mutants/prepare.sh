#!/bin/bash
# The mutants of one adequacy run (mmufuzz adequacy calls this).
#
#   kernels/mutants/prepare.sh --kernel [BASE:]baseline [--patch CAND]
#       [--reached TRACEFILE] [--seed S] [--count N] OUTDIR
#
# --patch CAND     mutate the lines CAND (a kernels/ variant name or a patch
#                  path, one patch; BASE: as in --kernel) changes, in the
#                  patched source; each mutant is CAND plus one mutation
# --reached FILE   mutate lines a coverage run reached (lines.sh reached)
# One of the two.  Builds (cached) the baseline to find the base's
# pristine sources, then kernels/mutants/mutate.sh into OUTDIR, and
# records the parameters in OUTDIR/params.
# An OUTDIR made with the same parameters is kept as it is (a rerun
# resumes); with other parameters it is refused.
# Exit: 0; 1 error; 2 usage; build-variant.sh's 3/4/5 for the kernels.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../base.sh"
die() { echo "kernels/mutants/prepare.sh: $*" >&2; exit "${RC:-1}"; }
kernel= cand= reached= seed=1 count=60
while [ $# -gt 1 ]; do
	case $1 in
	--kernel)  kernel=$2 ;;
	--patch)   cand=$2 ;;
	--reached) reached=$2 ;;
	--seed)    seed=$2 ;;
	--count)   count=$2 ;;
	*)         RC=2 die "unknown option '$1'" ;;
	esac
	shift 2
done
[ $# -eq 1 ] && [ -n "$kernel" ] || RC=2 die "usage: prepare.sh --kernel [BASE:]baseline [--patch CAND | --reached TRACEFILE] [--seed S] [--count N] OUTDIR"
out=$1
if { [ -n "$cand" ] && [ -n "$reached" ]; } || { [ -z "$cand" ] && [ -z "$reached" ]; }; then
	RC=2 die "give one of --patch CAND and --reached TRACEFILE"
fi
[ -z "$reached" ] || [ -f "$reached" ] || RC=2 die "--reached '$reached': no such tracefile"
[ -z "$reached" ] || reached=$(cd "$(dirname "$reached")" && pwd)/$(basename "$reached")
params="kernel=$kernel
patch=$cand
reached=$reached
seed=$seed
count=$count"
if [ -f "$out/index.tsv" ]; then
	[ "$(cat "$out/params" 2>/dev/null)" = "$params" ] ||
		die "$out holds the mutants of another run ($out/params differs from: $(echo "$params" | paste -sd' ')); give another --out"
	echo "kernels/mutants: resuming with the $(wc -l < "$out/index.tsv") mutant(s) in $out" >&2
	exit 0
fi

kbase_split "$kernel"
[ "$kb_variant" = baseline ] || RC=2 die "--kernel '$kernel': mutants are made of a base's baseline ([BASE:]baseline)"
[ "$(kbase_kind "$kb_base" 2>/dev/null)" = debian ] || RC=2 die "--kernel '$kernel': only Debian's bases (6.1, 6.12) keep a pristine source tree"
bdir=$("$here/../variant-dir.sh" "$kernel")
src=$(kbase_cache "$kb_base")/src/$(sed -n 's/^source=//p' "$bdir/info")
[ -d "$src/arch/x86/kvm" ] || die "$src: the base's kvm sources are missing (from $bdir/info)"

mkdir -p "$out"
# The parameters first: a run stopped inside mutate.sh (no index.tsv yet)
# is made again by the rerun, not refused as another run's.
echo "$params" > "$out/params"
lines=$out/lines
if [ -n "$cand" ]; then
	# CAND's patch file, found as build-variant.sh finds it (a cached
	# variant's info may name a checkout that is gone).
	c=${cand#"$kb_base":}
	home=$here/../patches; [ "$kb_base" = 6.1 ] || home=$home/$kb_base
	case $c in
	*.patch|*.mbox|*/*) pfile=$c ;;
	test-*)	pfile=$here/../test-patches/${c#test-}.patch ;;
	*)	pfile=$home/$c.patch; [ -e "$pfile" ] || pfile=$home/$c ;;
	esac
	[ -e "$pfile" ] || RC=2 die "$cand: no such patch ($pfile)"
	[ -f "$pfile" ] && [ "$(grep -c '^From [^ ]* .*[0-9][0-9]:[0-9][0-9]' "$pfile" || true)" -lt 2 ] ||
		RC=2 die "$cand: a series; adequacy mutates one patch's lines"
	"$here/lines.sh" patch "$pfile" > "$lines.tmp"
	mv "$lines.tmp" "$lines"
	"$here/mutate.sh" --seed "$seed" --count "$count" --patch "$pfile" "$src" "$lines" "$out"
else
	"$here/lines.sh" reached "$reached" "$src" > "$lines.tmp"
	mv "$lines.tmp" "$lines"
	echo "kernels/mutants: $(wc -l < "$lines") reached line(s) of mmu.c, paging_tmpl.h and x86.c's CR paths in $reached" >&2
	"$here/mutate.sh" --seed "$seed" --count "$count" "$src" "$lines" "$out"
fi
