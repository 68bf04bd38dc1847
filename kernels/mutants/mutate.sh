#!/bin/bash
# Generate mutants of KVM source lines as ordinary -p1 patches.
#
#   kernels/mutants/mutate.sh [--seed S] [--count N] [--patch CAND] SRC LINES OUTDIR
#
# SRC    a pristine kvm source tree (kernels/cache/src/<version>: arch/x86/kvm,
#        virt/kvm, arch/x86/include/asm/kvm_host.h)
# LINES  "FILE LINE" per line, FILE from the tree's root (arch/x86/kvm/mmu/mmu.c):
#        the lines that may be mutated (reached.sh, or a candidate's changed
#        lines from patch-lines.sh).  With --patch, the line numbers are those
#        of the files with CAND applied.
# OUTDIR receives index.tsv, one mNNN.patch per mutant, and ref.patch,
#        the unmutated reference: CAND itself, or (no CAND) a patch that only
#        appends a comment to x86.c -- built like a mutant, its modules are
#        what kernels/mutants/same-code.sh compares each mutant's with.
#        index.tsv:
#          id  file  line  op  what  original-line  mutated-line  (tab-separated)
#        Each patch is a diff -u with a/ b/ labels against SRC, so
#        kernels/build-variant.sh takes it as is; with --patch it holds CAND
#        and the mutation together (CAND's files, one of them mutated).
#
# Sampling: the lines of LINES that have at least one mutation
# (kernels/mutants/ops.awk) are sorted, shuffled from the front with a
# Park-Miller generator seeded by S (default 1), and the first N (default
# 60) taken; each gets one of its mutations, drawn from the same stream
# (an operator, then one of its sites on the line).
# So a seed gives the same mutants on every machine and awk, and the
# mutants of --count 4 are the first four of --count 60.
# Exit: 0; 1 on error (message names the file, or LINES' line number);
# 2 usage.  An OUTDIR that already holds an index.tsv is refused (exit 1):
# a run's mutants are never regenerated under it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "kernels/mutants/mutate.sh: $*" >&2; exit "${RC:-1}"; }
seed=1 count=60 cand=
while [ $# -gt 0 ]; do
	case $1 in
	--seed)  [[ "${2:-}" =~ ^[0-9]+$ ]] || RC=2 die "--seed takes a whole number"; seed=$2; shift 2 ;;
	--count) [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || RC=2 die "--count takes a number > 0"; count=$2; shift 2 ;;
	--patch) [ -f "${2:-}" ] || RC=2 die "--patch '${2:-}': no such file"; cand=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
	-*)      RC=2 die "unknown option '$1'" ;;
	*)       break ;;
	esac
done
[ $# -eq 3 ] || RC=2 die "usage: mutate.sh [--seed S] [--count N] [--patch CAND] SRC LINES OUTDIR"
src=$1 lines=$2 out=$3
[ -d "$src/arch/x86/kvm" ] || die "$src: no arch/x86/kvm (not a kvm source tree)"
[ -f "$lines" ] || die "$lines: no such file"
[ ! -e "$out/index.tsv" ] || die "$out/index.tsv exists: these mutants were made already"
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The tree the lines refer to: SRC, or a copy with CAND applied.
tree=$src cfiles=()
if [ -n "$cand" ]; then
	tree=$tmp/cand
	mkdir -p "$tree"; cp -a "$src/arch" "$src/virt" "$tree/"
	patch -d "$tree" -p1 --batch --forward --no-backup-if-mismatch --reject-file=- -i "$cand" > "$tmp/patch.log" 2>&1 ||
		{ sed 's/^/  /' "$tmp/patch.log" >&2; die "$cand: does not apply to $src"; }
	# CAND's files, from its "+++ b/FILE" headers.
	mapfile -t cfiles < <(sed -n 's|^+++ b/\([^\t]*\).*|\1|p' "$cand" | sort -u)
fi

# Every line's mutations: "file line k op what new" (k-th of the line).
# Source lines go into index.tsv with backslashes and tabs escaped as in
# C ("\\\\", "\\t"; a macro body's lines end in a backslash); awk's -v
# assignment undoes exactly that when the patch is written.
awk -v tree="$tree" -f "$here/ops.awk" -f <(cat <<'AWK'
function esc(s,   o, i, c) {
	o = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		o = o (c == "\\" ? "\\\\" : c == "\t" ? "\\t" : c)
	}
	return o
}
{
	if (NF != 2 || $2 !~ /^[0-9]+$/) { printf "%s:%d: expected \"FILE LINE\"\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 1 }
	want[$1, $2 + 0] = 1; files[$1] = 1
}
END {
	if (bad) exit 1
	for (f in files) {
		path = tree "/" f; n = 0
		while ((r = (getline l < path)) > 0) {
			n++
			if (!((f, n) in want)) continue
			mut_ops(l)
			for (k = 1; k <= mut_n; k++)
				printf "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", f, n, k, mut_op[k], mut_what[k], esc(l), esc(mut_new[k])
		}
		if (r < 0) { printf "%s: cannot read\n", path > "/dev/stderr"; exit 1 }
		close(path)
	}
}
AWK
) "$lines" | sort -t$'\t' -k1,1 -k2,2n -k3,3n > "$tmp/all" || die "reading $lines failed"

# Sample: lines first, then one mutation per line, one random stream.
# A line's mutation: an operator first, then one of its sites, from one
# draw -- a line with one mask site and four relop sites is as likely to
# get a mask mutant as a relop one, so the rarer operators are sampled.
awk -F'\t' -v seed="$seed" -v count="$count" '
function pm() { x = (x * 16807) % 2147483647; return x }
{
	key = $1 "\t" $2; if (!(key in nops)) { line[++nl] = key }
	if (!((key, $4) in nsite)) { nops[key]++; op[key, nops[key]] = $4 }
	nsite[key, $4]++; m[key, $4, nsite[key, $4]] = $0
}
END {
	x = seed % 2147483646 + 1
	if (count > nl) count = nl
	for (i = 1; i <= count; i++) {
		j = i + pm() % (nl - i + 1); t = line[i]; line[i] = line[j]; line[j] = t
		r = pm(); o = op[line[i], r % nops[line[i]] + 1]
		k = int(r / nops[line[i]]) % nsite[line[i], o] + 1
		printf "m%03d\t%s\n", i, m[line[i], o, k]
	}
}' "$tmp/all" > "$tmp/chosen"
[ -s "$tmp/chosen" ] || die "$lines: none of its lines has a mutation the operators apply to"

# One patch per mutant.
while IFS=$'\t' read -r id f n k op what orig new; do
	mkdir -p "$tmp/m/$(dirname "$f")"
	awk -v n="$n" -v new="$new" 'FNR == n { print new; next } { print }' "$tree/$f" > "$tmp/m/$f"
	{
		for c in "${cfiles[@]}"; do
			[ "$c" != "$f" ] || continue
			if [ -f "$src/$c" ]; then diff -u --label "a/$c" --label "b/$c" "$src/$c" "$tree/$c" || true
			else diff -u --label /dev/null --label "b/$c" /dev/null "$tree/$c" || true; fi
		done
		if [ -f "$src/$f" ]; then diff -u --label "a/$f" --label "b/$f" "$src/$f" "$tmp/m/$f" || true
		else diff -u --label /dev/null --label "b/$f" /dev/null "$tmp/m/$f" || true; fi
	} > "$out/$id.patch"
	rm -f "$tmp/m/$f"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$f" "$n" "$op" "$what" "$orig" "$new"
done < "$tmp/chosen" > "$out/index.tsv.tmp"
if [ -n "$cand" ]; then cp "$cand" "$out/ref.patch"
else
	f=arch/x86/kvm/x86.c
	{ cat "$src/$f"; echo "/* mmufuzz adequacy: the unmutated reference build */"; } > "$tmp/ref.c"
	diff -u --label "a/$f" --label "b/$f" "$src/$f" "$tmp/ref.c" > "$out/ref.patch" || true
fi
mv "$out/index.tsv.tmp" "$out/index.tsv"
echo "kernels/mutants: $(wc -l < "$out/index.tsv") mutant(s) of $(cut -f1,2 "$tmp/all" | sort -u | wc -l) mutable line(s) (seed $seed) in $out" >&2
