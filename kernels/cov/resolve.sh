#!/bin/bash
# Resolve KVM PCs recorded by mmucov.ko to function and file:line, on the
# host, through the unstripped modules a +cov variant keeps in debug/.
#
#   kernels/cov/resolve.sh VARIANT_DIR < RECORD > TSV
#
# RECORD is what the in-VM reader printed: "section MODULE NAME 0xBASE"
# lines (from /sys/module/MODULE/sections/NAME, read in the same boot)
# and "KIND LABEL 0xPC" lines for any KIND (pc, diffpc, ...).  Each PC is
# placed in the loaded section that holds it; PC - 1 is looked up (the
# recorded PC is the return address of the call to the callback, PC - 1
# is inside the call, so on the line of the block it counts).
# Output, one line per PC line, tab-separated:
#   KIND LABEL 0xPC MODULE SECTION+0xOFF FUNCS FILE:LINE
# FUNCS lists the inline chain innermost first, comma-separated (a PC in
# load_pdptrs inlined into kvm_set_cr3 gives "load_pdptrs,kvm_set_cr3");
# FILE:LINE is the innermost one, relative to the variant's tree
# (arch/x86/kvm/...).  A PC outside every known section is printed with
# MODULE "?" (it is not ours to resolve).  "buildid MODULE HEX" lines
# must match the variant's debug/ modules.
# Exit: 0; 1 on usage error, a record from another build, or a missing
# debug file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/cov/resolve.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: resolve.sh VARIANT_DIR < RECORD"
vdir=$1
[ -d "$vdir/debug" ] || die "$vdir/debug: no unstripped modules (not a +cov variant?)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/in"

# Section bases only mean something for the modules that were loaded:
# refuse a record from another variant's boot (its "buildid" lines).
while read -r _ m id; do
	ko=$vdir/debug/${m//_/-}.ko
	[ -f "$ko" ] || continue
	want=$(readelf -n "$ko" | sed -n 's/^ *Build ID: //p')
	[ "$id" = "$want" ] || die "record line 'buildid $m $id': $ko has build ID ${want:-none}; the record is from another variant's boot"
done < <(grep '^buildid ' "$tmp/in" || true)
grep -q '^buildid ' "$tmp/in" || echo "kernels/cov/resolve.sh: warning: the record has no buildid lines; cannot check it matches $vdir" >&2

# Section sizes from the unstripped modules (sysfs names fold - to _).
for ko in "$vdir"/debug/*.ko; do
	m=$(basename "$ko" .ko); m=${m//-/_}
	readelf -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk -v m="$m" '$2 ~ /^(PROGBITS|NOBITS)$/ { print m, $1, $5 }'
done > "$tmp/sizes"

# PC -> module, section, offset.
awk -f "$here/hex.awk" -f <(cat <<'AWK'
FILENAME == ARGV[1] { size[$1 " " $2] = hx_num($3); next }
$1 == "section" { k = $2 " " $3; if (k in size) { base[k] = $4; keys[k] = 1 }; next }
$3 ~ /^0x/ {
	best = ""
	for (k in keys) { d = hx_sub($3, base[k]); if (d > 0 && d <= size[k]) { best = k; break } }
	if (best == "") { print $1, $2, $3, "?", "?", -1 > out; next }
	split(best, mk, " ")
	printf "%s %s %s %s %s 0x%x\n", $1, $2, $3, mk[1], mk[2], d - 1 > out
}
AWK
) -v out="$tmp/placed" "$tmp/sizes" "$tmp/in"
[ -s "$tmp/placed" ] || exit 0

# One addr2line per (module, section), all its offsets at once.
sort -u -k4,4 -k5,5 -k6,6 "$tmp/placed" | awk '$4 != "?" { print $4, $5, $6 }' > "$tmp/uniq"
: > "$tmp/lines"
while read -r m s; do
	f=$vdir/debug/${m//_/-}.ko
	[ -f "$f" ] || die "$f: missing (module $m)"
	awk -v m="$m" -v s="$s" '$1 == m && $2 == s { print $3 }' "$tmp/uniq" > "$tmp/offs"
	addr2line -e "$f" -j "$s" -a -f -i < "$tmp/offs" |
	awk -f "$here/hex.awk" -v m="$m" -v s="$s" -f <(cat <<'AWK'

	function flush() { if (a != "") print m, s, a, funcs, loc; a = "" }
	/^0x/ { flush(); a = sprintf("0x%x", hx_num($1)); funcs = ""; loc = ""; odd = 1; next }
	odd { funcs = funcs (funcs == "" ? "" : ",") $1; odd = 0; next }
	{ if (loc == "") { loc = $1; sub(/ \(discriminator.*$/, "", loc) }; odd = 1 }
	END { flush() }
AWK
) >> "$tmp/lines"
done < <(awk '{ print $1, $2 }' "$tmp/uniq" | sort -u)

# Paths relative to the variant's source tree.
awk 'FILENAME == ARGV[1] {
	loc = $5; sub(/^.*\/tree\//, "", loc); sub(/^arch\/x86\/kvm\/\.\.\/\.\.\/\.\.\//, "", loc)
	sub(/^.*\/linux-headers-[^\/]*\//, "", loc)
	r[$1 " " $2 " " $3] = $4 "\t" loc; next }
{ k = $4 " " $5 " " $6; printf "%s\t%s\t%s\t%s\t%s+%s\t%s\n", $1, $2, $3, $4, $5, $6, (k in r) ? r[k] : "?\t?" }' \
	"$tmp/lines" "$tmp/placed"
