#!/bin/bash
# The callback sites of a +cov variant's patch, found without a boot:
# what patch-directed scheduling favours (fuzz/directed.h).
#
#   kernels/cov/patch-sites.sh VARIANT_DIR OUT
#
# OUT gets one line per site, space-separated:
#   TIER MODULE SECTION 0xOFF FILE:LINE FUNCTION
# TIER "line": the site is on a line the patch changed (patchcov.sh's
# changed lines); "func": it is elsewhere in a function that holds a
# "line" site (the outermost function of the inline chain: the code
# around the change, which an input must pass to reach it).  MODULE is
# the sysfs name (kvm, kvm_amd), 0xOFF the PC mmucov records (the
# callback's return address) minus the load address of SECTION, so a
# boot's "section MODULE SECTION 0xBASE" line turns it into the PC.
# Every other tool here resolves PCs from a boot's record; this one gives
# the unstripped modules' sections made-up bases that do not overlap,
# lets lcov.sh resolve every site through them, and keeps the offsets.
# Exit: 0 (an empty OUT when no changed line holds a site), 1 on error
# (a variant without a patch, not a +cov variant).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/cov/patch-sites.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: patch-sites.sh VARIANT_DIR OUT"
vdir=$1 out=$2
[ -f "$vdir/info" ] || die "$vdir/info: no such file (not a variant directory)"
[ -d "$vdir/debug" ] || die "$vdir/debug: no unstripped modules (not a +cov variant?)"
patch=$(sed -n 's/^patch=//p' "$vdir/info")
[ -n "$patch" ] && [ "$patch" != none ] || die "$vdir/info: the variant has no patch"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$here/patch-text.sh" "$patch" > "$tmp/patch"

# A record: each allocated section of each module at its own 1 MiB-aligned
# made-up base (the module area's upper half, as hex.awk wants), and the
# modules' build IDs (resolve.sh checks them against debug/).
base=0
for ko in "$vdir"/debug/*.ko; do
	m=$(basename "$ko" .ko); m=${m//-/_}
	id=$(readelf -n "$ko" | sed -n 's/^ *Build ID: //p')
	[ -z "$id" ] || echo "buildid $m $id"
	while read -r name size; do
		printf 'section %s %s 0xffffffff%08x\n' "$m" "$name" "$base"
		base=$(( base + ( (0x$size >> 20) + 1 << 20 ) ))
	done < <(readelf -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		 awk '$2 ~ /^(PROGBITS|NOBITS)$/ && $7 ~ /A/ { print $1, $5 }')
done > "$tmp/rec"
[ "$base" -lt $(( 1 << 32 )) ] || die "$vdir/debug: the modules' sections do not fit the made-up layout"

MMUCOV_SITES_OUT=$tmp/sites.tsv "$here/lcov.sh" "$vdir" "$tmp/rec" "$tmp/cov.info" > /dev/null
"$here/patchcov.sh" "$tmp/patch" "$tmp/cov.info" "$tmp/lines" > /dev/null
# sites.tsv: KIND LABEL 0xPC MODULE SECTION+0xOFF FUNCS FILE:LINE, where
# OFF is PC - 1 from the section (resolve.sh); the record holds PC.
awk -F'\t' -f "$here/hex.awk" -f <(cat <<'AWK'
FILENAME == ARGV[1] { split($0, w, " "); changed[w[1] ":" w[2]] = 1; next }
{
	n = split($6, f, ","); fn = f[n]; so = $5; sec = so; sub(/\+0x[0-9a-f]+$/, "", sec)
	off = so; sub(/^.*\+/, "", off)
	site[NR] = $4 " " sec " " sprintf("0x%x", hx_num(off) + 1) " " $7 " " fn
	func_of[NR] = fn
	if ($7 in changed) { tier[NR] = "line"; pfunc[fn] = 1 }
}
END {
	for (i in site) if (tier[i] == "line") print "line", site[i]
	for (i in site) if (tier[i] != "line" && (func_of[i] in pfunc)) print "func", site[i]
}
AWK
) "$tmp/lines" "$tmp/sites.tsv" | sort -u -k1,1r -k2 > "$tmp/out"
mv "$tmp/out" "$out"
