#!/bin/bash
# Bug-class benchmark: which planted regressions the fuzzer reaches, and
# how fast.  For every kernels/test-patches/planted-NAME.patch (a small KVM
# bug of one class, see its "Class:" line) it fuzzes baseline against
# test-planted-NAME for BUDGET seconds, seeded from the corpus minus the
# programs written for the planted bugs (corpus/planted/, and any program
# whose title names one), and stops at the first confirmed regression: a
# program the baseline runs within the architecture and the planted
# variant does not.  Then it fuzzes the baseline alone for the same time
# (the false-positive bar: 0 findings).  Prints one table:
#
#   bug  class  found  time_s  programs  programs/s
#
# time_s and programs count from the moment the VMs were up to the first
# regression (the engine's own clock and count, fuzz/engine.h's stats).
#
#   tests/bench/bench-reach.sh [BUDGET_S=300] [ENGINE=libfuzzer] [NAME...]
#
# Run it on an idle host: its figures are throughput-bound (about 20
# bugs x BUDGET plus the baseline run; with BUDGET=300 up to 105 minutes).
set -u
cd "$(dirname "$0")/../.."
budget=${1:-300} eng=${2:-libfuzzer}
shift 2 2>/dev/null || shift $#
mm=build/mmufuzz
out=build/bench-reach; rm -rf "$out"; mkdir -p "$out"
. tests/bench/bench-lib.sh

mapfile -t names < <(planted_names "$@")
[ ${#names[@]} -gt 0 ] || { echo "bench-reach: no planted patches" >&2; exit 2; }

# Seeds: the top-level corpus, never a planted check (mmufuzz fuzz reads
# only the folder's own .mmu files; the title test guards against a check
# copied up by hand).
seeds=$out/seeds; mkdir -p "$seeds"
for m in corpus/*.mmu; do
	grep -q '^title "\[planted-' "$m" || cp "$m" "$seeds/"
done
echo "bench-reach: $(ls "$seeds" | wc -l) seeds, ${budget}s per bug, engine $eng"

# Last "programs seconds" pair of a stats file (progress, finding or end line).
last_count() {
	awk '$1 == "progress" || $1 == "end" {p = $2; s = $3} $1 == "finding" {p = $3; s = $4}
	     END {printf "%d %.1f\n", p, s}' "$1" 2>/dev/null
}

# PROGRAMS SECONDS -> programs/s
rate() { awk -v p="$1" -v s="$2" 'BEGIN {printf "%.1f\n", (s > 0) ? p / s : 0}'; }

# One campaign: fuzz in its own session so that stopping it (SIGINT to the
# whole group: mmufuzz fuzz, the engine, its QEMUs) cannot touch anything
# else; poll the engine's stats file for the first regression.
reach() {
	local n=$1 w=$out/work-$1 stats=$out/work-$1/stats pid t=0 line
	mkdir -p "$w"
	setsid "$mm" fuzz --engine "$eng" --kernel "baseline,test-$n" --keep-going --no-patch-coverage \
		--time "$budget" --seed 1 --corpus "$seeds" --findings "$out/findings-$n" \
		--work "$w" > "$out/$n.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		line=$(grep -m1 '^finding regression ' "$stats" 2>/dev/null)
		[ -n "$line" ] && break
		# The budget counts from the first program; allow the boot on top.
		[ "$t" -gt $((budget + 300)) ] && break
		sleep 2; t=$((t + 2))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -INT -- "-$pid" 2>/dev/null
		sleep 5
		kill -KILL -- "-$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	line=$(grep -m1 '^finding regression ' "$stats" 2>/dev/null)
	if [ -n "$line" ]; then
		# finding regression PROGRAMS SECONDS PATH ...
		set -- $line
		echo "yes $4 $3 $(rate "$3" "$4") $5"
	else
		set -- $(last_count "$stats")
		echo "no - ${1:-0} $(rate "${1:-0}" "${2:-0}")"
	fi
}

printf '%s\n' "bug class found time_s programs programs/s" > "$out/table"
found=0
for n in "${names[@]}"; do
	cls=$(sed -n 's/^Class: *\([0-9]\+\) \([a-z-]*\)$/\1-\2/p' "kernels/test-patches/$n.patch" | head -n1)
	if ! kernels/variant-dir.sh "test-$n" > "$out/$n.build.log" 2>&1; then
		echo "bench-reach: $n: variant does not build (see $out/$n.build.log)"
		echo "$n ${cls:-?} error - - -" >> "$out/table"
		continue
	fi
	r=$(reach "$n")
	set -- $r
	[ "$1" = yes ] && found=$((found + 1))
	echo "bench-reach: $n (class ${cls:-?}): found $1, ${2} s, $3 programs, $4 programs/s${5:+ -> $5}"
	echo "$n ${cls:-?} $1 $2 $3 $4" >> "$out/table"
done

echo "bench-reach: baseline only, ${budget}s: $(bench_baseline_only "$eng" "$budget" "$out" --corpus "$seeds")"

echo
column -t "$out/table"
echo "found $found/${#names[@]} planted bugs in ${budget}s each (engine $eng);" \
	"baseline only: $(cat "$out/$eng.baseline") finding(s) in ${budget}s"
