#!/bin/bash
# Turn the PCs of a coverage record into an lcov tracefile of the KVM
# sources the variant was built from (for genhtml).
#
#   kernels/cov/lcov.sh VARIANT_DIR RECORD OUT.info [TESTNAME]
#
# RECORD is what the in-VM reader printed (see resolve.sh): the section
# bases of the loaded modules and "pc LABEL 0xPC" lines (every label
# counts).  The lines an lcov report calls "instrumented" are the lines
# of every call site of __sanitizer_cov_trace_pc in the modules that were
# loaded (from the unstripped modules' relocations); a line is hit when a
# recorded PC resolves to it.  DA counts are the number of distinct PCs
# of that line that were hit (not execution counts: the record holds a
# PC set per run).  SF paths are absolute: the variant's source tree for
# KVM's files, the headers tree for included headers.
# With MMUCOV_SITES_OUT=FILE, the resolved call sites are also written
# there (resolve.sh's format, KIND "site", LABEL the module).
# Exit: 0, 1 on error (message names the input).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/cov/lcov.sh: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: lcov.sh VARIANT_DIR RECORD OUT.info [TESTNAME]"
vdir=$1 rec=$2 out=$3 tn=${4:-mmufuzz}
[ -f "$rec" ] || die "$rec: no such record"
tree=$(sed -n 's/^cov_tree=//p' "$vdir/info")
abi=$(sed -n 's/^abi=//p' "$vdir/info")
[ -d "$tree" ] || die "$vdir/info: no cov_tree (not a +cov variant?)"
roots=("$tree" "$vdir/../../root/usr/src/linux-headers-$abi" "$vdir/../../root/usr/src/linux-headers-${abi%-amd64}-common")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Every call site, as the PC the callback would record (return address =
# relocation offset + 4), in the loaded sections of the loaded modules.
# (The buildid lines go on to resolve.sh, which refuses a record taken
# on another build of the variant.)
grep -E '^(section|buildid) ' "$rec" > "$tmp/rec"
for mod in $(awk '$1 == "section" { print $2 }' "$tmp/rec" | sort -u); do
	ko=$vdir/debug/${mod//_/-}.ko
	[ -f "$ko" ] || continue
	readelf -rW "$ko" | awk -f "$here/hex.awk" -v m="$mod" -v secs="$tmp/rec" -f <(cat <<'AWK'
BEGIN { while ((getline l < secs) > 0) { split(l, f, " "); if (f[1] == "section" && f[2] == m) base[f[3]] = f[4] } }
/^Relocation section / { s = $3; gsub(/\047/, "", s); sub(/^\.rela/, "", s); next }
$5 == "__sanitizer_cov_trace_pc" && (s in base) { print "site", m, hx_add(base[s], hx_num($1) + 4) }
AWK
)
done >> "$tmp/rec"
grep -E '^pc ' "$rec" >> "$tmp/rec" || true
grep -q '^site ' "$tmp/rec" || die "$rec: no call sites found in the loaded modules of $vdir"
"$here/resolve.sh" "$vdir" < "$tmp/rec" > "$tmp/res"
# The resolved call sites, for who wants them (patch-directed fuzzing).
[ -z "${MMUCOV_SITES_OUT:-}" ] || awk -F'\t' '$1 == "site"' "$tmp/res" > "$MMUCOV_SITES_OUT"

# file:line -> instrumented, hit PCs ("FILE LINE HITS", sorted), then the
# records of the files found in the trees.
awk -F'\t' '
$7 ~ /:[0-9]+$/ {
	file = $7; sub(/:[0-9]+$/, "", file); line = $7; sub(/^.*:/, "", line)
	if ($1 == "site") site[file "\t" line] = 1
	else if ($1 == "pc" && !(($3, file, line) in seen)) { seen[$3, file, line] = 1; hit[file "\t" line]++ }
}
END { for (k in site) print k "\t" ((k in hit) ? hit[k] : 0) }' "$tmp/res" | sort -t$'\t' -k1,1 -k2,2n > "$tmp/da"
{
	echo "TN:$tn"
	cur= path=
	while IFS=$'\t' read -r file line n; do
		if [ "$file" != "$cur" ]; then
			[ -z "$path" ] || printf 'LF:%d\nLH:%d\nend_of_record\n' "$lf" "$lh"
			cur=$file path= lf=0 lh=0
			for r in "${roots[@]}"; do [ -f "$r/$file" ] && { path=$(cd "$(dirname "$r/$file")" && pwd)/${file##*/}; break; }; done
			[ -z "$path" ] || echo "SF:$path"
		fi
		[ -n "$path" ] || continue
		echo "DA:$line,$n"; lf=$((lf + 1)); [ "$n" -eq 0 ] || lh=$((lh + 1))
	done < "$tmp/da"
	[ -z "$path" ] || printf 'LF:%d\nLH:%d\nend_of_record\n' "$lf" "$lh"
} > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
