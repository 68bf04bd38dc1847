#!/bin/bash
# The lines mutants may change, as "FILE LINE" (FILE from the tree's root).
#
#   kernels/mutants/lines.sh reached TRACEFILE SRC
#       the lines a coverage run reached (kernels/cov/lcov.sh's tracefile:
#       DA count > 0) in arch/x86/kvm/mmu/mmu.c, mmu/paging_tmpl.h, and in
#       the CR paths of x86.c: kvm_set_cr0, kvm_set_cr3, kvm_set_cr4,
#       load_pdptrs, set_efer (the EFER write; 6.1 has no kvm_set_efer) and
#       the x86.c functions they call, two calls deep.  SRC (the pristine
#       source tree) gives the function bounds.
#   kernels/mutants/lines.sh patch CAND
#       the lines CAND changes, numbered in the patched files (its "+"
#       lines; for a hunk that only removes lines, the line now standing
#       where they were): kernels/cov/patchcov.sh's LINES_OUT, given a
#       tracefile that knows no line.
# Exit: 0; 1 on error (the message names the input); 2 usage.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/mutants/lines.sh: $*" >&2; exit "${RC:-1}"; }
CR_ROOTS="kvm_set_cr0 kvm_set_cr3 kvm_set_cr4 load_pdptrs set_efer"
CR_DEPTH=2

# Function bounds of a kernel-style C file: "name first last", a
# definition being a column-0 line with a "(" followed (on it or later)
# by a "{" line at column 0, its end the next "}" at column 0.
func_bounds() {
	awk '/^[A-Za-z_].*\(/ && !/;[ \t]*$/ { s = $0; sub(/\(.*/, "", s); n = split(s, w, /[ \t*]+/); name = w[n]; at = NR }
	     /^\{/ && name != "" { start = at; body = 1; next }
	     /^\}/ && body { print name, start, NR; body = 0; name = "" }' "$1"
}

case ${1:-} in
reached)
	[ $# -eq 3 ] || RC=2 die "usage: lines.sh reached TRACEFILE SRC"
	info=$2 src=$3 x86=$3/arch/x86/kvm/x86.c
	[ -f "$info" ] || die "$info: no such tracefile"
	[ -f "$x86" ] || die "$x86: no such file (SRC is not a kvm source tree)"
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	func_bounds "$x86" > "$tmp/funcs"
	# The CR paths: the roots, then CR_DEPTH rounds of the x86.c functions
	# their bodies call.
	awk -v roots="$CR_ROOTS" -v depth="$CR_DEPTH" '
	FILENAME == ARGV[1] { first[$1] = $2; last[$1] = $3; next }
	{ body[FNR] = $0 }
	END {
		n = split(roots, r, " ")
		for (i = 1; i <= n; i++) { if (!(r[i] in first)) { print "lines.sh: x86.c has no function " r[i] > "/dev/stderr"; exit 1 }; in_set[r[i]] = 1 }
		for (d = 0; d < depth; d++) {
			for (f in in_set) if (!(f in done)) todo[f] = 1
			for (f in todo) {
				done[f] = 1
				for (l = first[f]; l <= last[f]; l++) {
					s = body[l]
					while (match(s, /[A-Za-z_][A-Za-z0-9_]*\(/)) {
						c = substr(s, RSTART, RLENGTH - 1); s = substr(s, RSTART + RLENGTH)
						if (c in first) in_set[c] = 1
					}
				}
			}
			delete todo
		}
		for (f in in_set) print f, first[f], last[f]
	}' "$tmp/funcs" "$x86" | sort -k2,2n > "$tmp/cr"
	awk -F'[:,]' '
	FILENAME == ARGV[1] { split($0, w, " "); lo[++nr] = w[2]; hi[nr] = w[3]; next }
	/^SF:/ { f = substr($0, 4); keep = ""
		 if (f ~ /\/arch\/x86\/kvm\/mmu\/mmu\.c$/) keep = "arch/x86/kvm/mmu/mmu.c"
		 else if (f ~ /\/arch\/x86\/kvm\/mmu\/paging_tmpl\.h$/) keep = "arch/x86/kvm/mmu/paging_tmpl.h"
		 else if (f ~ /\/arch\/x86\/kvm\/x86\.c$/) keep = "arch/x86/kvm/x86.c"
		 next }
	keep != "" && /^DA:/ && $3 > 0 {
		if (keep != "arch/x86/kvm/x86.c") { print keep, $2; next }
		for (i = 1; i <= nr; i++) if ($2 >= lo[i] && $2 <= hi[i]) { print keep, $2; next }
	}' "$tmp/cr" "$info" | sort -u -k1,1 -k2,2n
	;;
patch)
	[ $# -eq 2 ] || RC=2 die "usage: lines.sh patch CAND"
	[ -f "$2" ] || die "$2: no such patch"
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	echo "TN:none" > "$tmp/empty.info"
	"$here/../cov/patchcov.sh" "$2" "$tmp/empty.info" "$tmp/lines" > /dev/null || die "$2: cannot read its changed lines"
	awk '{ print $1, $2 }' "$tmp/lines" | sort -u -k1,1 -k2,2n
	;;
*)	RC=2 die "usage: lines.sh reached TRACEFILE SRC | lines.sh patch CAND" ;;
esac
