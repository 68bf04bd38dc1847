#!/bin/bash
# Coverage report of a +cov variant's KVM sources: lcov tracefile, patch
# coverage line, genhtml pages with the patch's changed lines marked.
#
#   kernels/cov/report.sh VARIANT_DIR RECORD OUTDIR
#
# RECORD: what the in-VM reader printed (section bases + "pc" lines).
# Writes OUTDIR/coverage.info (kernels/cov/lcov.sh), OUTDIR/sites.tsv
# (every call site resolved), OUTDIR/html/ (Debian's genhtml), and, when the variant has a patch (info's patch=),
# OUTDIR/patch.diff (the patch as one diff: patch-text.sh, for a series
# too), OUTDIR/patch-lines ("FILE LINE reached|never|uninstrumented"),
# OUTDIR/patch-sites ("MODULE SECTION+OFF FUNCTION FILE:LINE STATE", the
# callback sites on changed lines), OUTDIR/patch-functions, and
# OUTDIR/patch-coverage.txt, the line that is also printed:
#   patch lines reached: R/N; never reached: mmu.c:3901-3910, ...
# In the HTML source pages a changed line's number gets the class
# patchReached, patchNever or patchOther (the only edit made to genhtml's
# output: one class attribute per changed line, and their CSS).
# Exit: 0, 1 on error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/cov/report.sh: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: report.sh VARIANT_DIR RECORD OUTDIR"
vdir=$1 rec=$2 out=$3
command -v genhtml > /dev/null || die "genhtml not found (apt-get install lcov)"
name=$(sed -n 's/^name=//p' "$vdir/info")
patch=$(sed -n 's/^patch=//p' "$vdir/info")
tree=$(sed -n 's/^cov_tree=//p' "$vdir/info")
[ -d "$tree" ] || die "$vdir/info: no cov_tree (not a +cov variant?)"
tree=$(cd "$tree" && pwd)
mkdir -p "$out"
MMUCOV_SITES_OUT=$out/sites.tsv "$here/lcov.sh" "$vdir" "$rec" "$out/coverage.info" "${name//[^A-Za-z0-9_]/_}"
rm -rf "$out/html"
genhtml -q -o "$out/html" --prefix "$tree" --title "mmufuzz: KVM coverage on $name" \
	--legend "$out/coverage.info" > "$out/genhtml.log" 2>&1 ||
	die "genhtml failed (log: $out/genhtml.log)"
[ "$patch" != none ] || exit 0
[ -e "$patch" ] || die "$vdir/info: patch $patch does not exist"
"$here/patch-text.sh" "$patch" > "$out/patch.diff"
"$here/patchcov.sh" "$out/patch.diff" "$out/coverage.info" "$out/patch-lines" | tee "$out/patch-coverage.txt"
# The call sites on changed lines, and the functions holding them (the
# outermost of each inline chain): what patch-directed scheduling favours.
awk -F'\t' 'FILENAME == ARGV[1] { split($0, w, " "); st[w[1] ":" w[2]] = w[3]; next }
	($7 in st) { n = split($6, f, ","); print $4 "\t" $5 "\t" f[n] "\t" $7 "\t" st[$7] }' \
	"$out/patch-lines" "$out/sites.tsv" | sort -u > "$out/patch-sites"
cut -f3 "$out/patch-sites" | sort -u > "$out/patch-functions"

# Mark the changed lines: genhtml writes each source line as
# <a name="N"><span class="lineNum">...; add the state to that span.
while read -r file; do
	page=$out/html/$file.gcov.html
	[ -f "$page" ] || continue
	awk -v f="$file" '$1 == f { c = $3 == "reached" ? "patchReached" : $3 == "never" ? "patchNever" : "patchOther"
		printf "s|<a name=\"%d\"><span class=\"lineNum\">|<a name=\"%d\"><span class=\"lineNum %s\" title=\"changed by the patch (%s)\">|\n", $2, $2, c, $3 }' \
		"$out/patch-lines" > "$out/.mark.sed"
	sed -i -f "$out/.mark.sed" "$page"
done < <(awk '{ print $1 }' "$out/patch-lines" | sort -u)
rm -f "$out/.mark.sed"
cat >> "$out/html/gcov.css" <<'CSS'
/* mmufuzz: lines changed by the variant's patch */
span.patchReached { background-color: #40c040; color: #000000; font-weight: bold; }
span.patchNever   { background-color: #ff00ff; color: #ffffff; font-weight: bold; }
span.patchOther   { background-color: #c0c0ff; color: #000000; }
CSS
