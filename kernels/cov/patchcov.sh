#!/bin/bash
# Patch coverage: which of a patch's changed lines a coverage run reached.
#
#   kernels/cov/patchcov.sh PATCH TRACEFILE.info [LINES_OUT]
#
# PATCH is a -p1 diff of the kernel tree (kernels/patches/*.patch); its
# changed lines are the added ("+") lines, numbered in the patched file,
# and for a hunk that only removes lines, the line that now stands where
# they were.  TRACEFILE is kernels/cov/lcov.sh's output for the patched
# variant.  A changed line counts when the tracefile knows it (it holds a
# callback site: declarations, comments and braces hold none); it is
# reached when its count is non-zero.  Prints one line,
#   patch lines reached: R/N; never reached: mmu.c:3901-3910, x86.c:1020
# (never-reached lines at most 3 apart in one file joined into a range,
# file names without their directory).  LINES_OUT, when given, receives
# "FILE LINE reached|never|uninstrumented" per changed line (what
# genhtml-report.sh marks).
# Exit: 0, 1 on error.
set -euo pipefail
die() { echo "kernels/cov/patchcov.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: patchcov.sh PATCH TRACEFILE.info [LINES_OUT]"
[ -f "$1" ] || die "$1: no such patch"
[ -f "$2" ] || die "$2: no such tracefile"
awk -v linesout="${3:-/dev/null}" '
FNR == 1 { fileno++ }
fileno == 1 && /^\+\+\+ / { f = $2; sub(/^b\//, "", f); sub(/\t.*$/, "", f); inh = 0; next }
fileno == 1 && /^@@ / {
	split($3, a, ","); nl = substr(a[1], 2) + 0; inh = 1; dels = 0; next }
fileno == 1 && inh && /^\+/ { if (!((f, nl) in ch)) { ch[f, nl] = 1; order[++n] = f SUBSEP nl }; nl++; next }
fileno == 1 && inh && /^-/ { if (!((f, nl) in ch)) { ch[f, nl] = 1; order[++n] = f SUBSEP nl }; next }
fileno == 1 && inh && /^ / { nl++; next }
fileno == 1 && inh && !/^\\/ { inh = 0; next }
fileno == 2 && /^SF:/ { sf = substr($0, 4); next }
fileno == 2 && /^DA:/ {
	split(substr($0, 4), d, ",")
	da[sf, d[1] + 0] = d[2] + 0; next }
END {
	# Match a patch path (arch/x86/kvm/mmu/mmu.c) with the SF path ending in it.
	for (k in da) { split(k, p, SUBSEP); paths[p[1]] = 1 }
	for (i = 1; i <= n; i++) {
		split(order[i], p, SUBSEP); file = p[1]; line = p[2]
		if (!(file in sfof)) { sfof[file] = ""; for (s in paths) if (substr(s, length(s) - length(file)) == "/" file) sfof[file] = s }
		s = sfof[file]
		if (s != "" && (s SUBSEP line) in da) {
			total++
			if (da[s, line] > 0) { reached++; state = "reached" } else { state = "never"; nev[++nn] = file SUBSEP line }
		} else state = "uninstrumented"
		print file, line, state > linesout
	}
	out = ""
	for (i = 1; i <= nn; i++) {
		split(nev[i], p, SUBSEP); b = p[1]; sub(/^.*\//, "", b)
		start = p[2]; end = p[2]
		while (i < nn) { split(nev[i + 1], q, SUBSEP); if (q[1] != p[1] || q[2] > end + 3) break; end = q[2]; i++ }
		out = out (out == "" ? "" : ", ") b ":" start (end != start ? "-" end : "")
	}
	printf "patch lines reached: %d/%d", reached, total
	if (nn) printf "; never reached: %s", out
	printf "\n"
}' "$1" "$2"
