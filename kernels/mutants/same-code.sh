#!/bin/bash
# Do two builds of the KVM modules hold the same code?
#
#   kernels/mutants/same-code.sh DIR_A DIR_B
#
# DIR_A, DIR_B: variant directories (kvm.ko, kvm-amd.ko, kvm-intel.ko).
# Compares the bytes of every section of each module, relocations,
# symbols and data included, except those that name the build rather than
# what runs: .modinfo (its srcversion is a hash of the source text),
# .note.gnu.build-id, .BTF (types only), .comment.  A mutant whose modules
# compare equal to the unmutated build's cannot be told from it by any
# guest: it is an equivalent mutant.  Meaningful only for builds made in
# the same build tree (kernels/mutants/build.sh): the tree's path is in
# the objects' strings (__FILE__ of WARN_ON).
# Exit: 0 the same, 1 different (the first differing module and section
# on stdout), 2 error.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: same-code.sh DIR_A DIR_B" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dump() {
	local ko=$1 secs
	secs=$(readelf -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] \([^ ][^ ]*\) .*/\1/p' |
		grep -vxE '\.modinfo|\.note\.gnu\.build-id|\.BTF|\.comment|NULL' | sed 's/^/-x /')
	# Each line of readelf's hex dumps, prefixed with its section's name.
	# shellcheck disable=SC2086
	readelf -W $secs "$ko" 2>/dev/null |
		awk '/^Hex dump of section /{ s = $5; gsub(/[\047:]/, "", s); next } s != "" && NF { print s "\t" $0 }'
}
for m in kvm kvm-amd kvm-intel; do
	# kvm-intel.ko is built only where a VM can use it (kernels/base.sh).
	[ "$m" = kvm-intel ] && { [ -f "$1/$m.ko" ] && [ -f "$2/$m.ko" ] || continue; }
	for d in "$1" "$2"; do
		[ -f "$d/$m.ko" ] || { echo "same-code.sh: $d/$m.ko: no such module" >&2; exit 2; }
	done
	dump "$1/$m.ko" > "$tmp/a"; dump "$2/$m.ko" > "$tmp/b"
	[ -s "$tmp/a" ] || { echo "same-code.sh: $1/$m.ko: readelf dumped nothing" >&2; exit 2; }
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		diff "$tmp/a" "$tmp/b" > "$tmp/d" || true
		sec=$(awk -F'\t' '/^[<>] /{ sub(/^[<>] /, ""); print $1; exit }' "$tmp/d")
		echo "$m.ko differs in ${sec:-?}"
		exit 1
	fi
done
exit 0
