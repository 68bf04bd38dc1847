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
grep '^section ' "$rec" > "$tmp/rec"
for mod in $(awk '{ print $2 }' "$tmp/rec" | sort -u); do
	ko=$vdir/debug/${mod//_/-}.ko
	[ -f "$ko" ] || continue
	readelf -rW "$ko" | awk -v m="$mod" -v secs="$tmp/rec" '
	BEGIN { while ((getline l < secs) > 0) { split(l, f, " "); if (f[2] == m) base[f[3]] = strtonum(f[4]) } }
	/^Relocation section / { s = $3; gsub(/\047/, "", s); sub(/^\.rela/, "", s); next }
	$5 == "__sanitizer_cov_trace_pc" && (s in base) { printf "site %s 0x%x\n", m, base[s] + strtonum("0x" $1) + 4 }'
done >> "$tmp/rec"
grep -E '^pc ' "$rec" >> "$tmp/rec" || true
grep -q '^site ' "$tmp/rec" || die "$rec: no call sites found in the loaded modules of $vdir"
"$here/resolve.sh" "$vdir" < "$tmp/rec" > "$tmp/res"

# file:line -> instrumented, hit PCs; only files found in the trees.
awk -F'\t' -v tn="$tn" -v roots="$(printf '%s\n' "${roots[@]}")" '
BEGIN { nr = split(roots, R, "\n") }
$7 ~ /:[0-9]+$/ {
	loc = $7; file = loc; sub(/:[0-9]+$/, "", file); line = loc; sub(/^.*:/, "", line)
	if ($1 == "site") { site[file, line] = 1; files[file] = 1 }
	else if ($1 == "pc") { if (!(($3, file, line) in seenpc)) { seenpc[$3, file, line] = 1; hit[file, line]++ } }
}
END {
	print "TN:" tn
	for (f in files) {
		path = ""
		for (i = 1; i <= nr; i++) if (R[i] != "" && (getline x < (R[i] "/" f)) >= 0) { close(R[i] "/" f); path = R[i] "/" f; break }
		if (path == "") continue
		print "SF:" path
		lf = lh = 0
		for (k in site) {
			split(k, p, SUBSEP)
			if (p[1] != f) continue
			n = (k in hit) ? hit[k] : 0
			lines[p[2] + 0] = n
		}
		m = asorti(lines, idx, "@ind_num_asc")
		for (i = 1; i <= m; i++) { print "DA:" idx[i] "," lines[idx[i]]; lf++; lh += lines[idx[i]] > 0 }
		delete lines
		print "LF:" lf; print "LH:" lh; print "end_of_record"
	}
}' "$tmp/res" > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
