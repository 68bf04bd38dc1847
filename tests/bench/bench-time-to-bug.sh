#!/bin/bash
# Time to bug: how long the fuzzer takes to find the headline regression
# (two PAE PDPTs on one page sharing a shadow root) on pae-root-rfc,
# starting from a corpus with no such program.  Runs each engine RUNS
# times and prints median and worst time to the first visible regression
# whose program has two PDPTs on one page, then runs the baseline alone for the
# same length and counts findings there (the false-positive bar: 0).
#
#   tests/bench/bench-time-to-bug.sh [RUNS=5] [BUDGET_S=300] [ENGINES="libfuzzer afl"]
#
# BASE=6.12 (environment; make bench-time-to-bug BASE=6.12) runs it on a
# base's variants (6.12:baseline, 6.12:pae-root-rfc); default 6.1.
set -u
cd "$(dirname "$0")/../.."
runs=${1:-5} budget=${2:-300} engines=${3:-libfuzzer afl}
pre=; [ "${BASE:-6.1}" = 6.1 ] || pre=$BASE:
echo "time-to-bug on base ${BASE:-6.1}: ${pre}baseline vs ${pre}pae-root-rfc"
mm=build/mmufuzz
out=build/bench-ttb; rm -rf "$out"; mkdir -p "$out"
. tests/bench/bench-lib.sh

# Over all runs: a run that did not find the bug counts as longer than the
# budget (">B"), so a miss can never improve the median or hide the worst.
all_times() { cat "$out/$1.times"; for _ in $(seq $(($(wc -l < "$out/$1.times") + 1)) "$runs"); do echo inf; done; }
ttb_median() { all_times "$1" | sort -g | awk -v b="$budget" '{a[NR]=$1}
	END {m = NR % 2 ? a[(NR+1)/2] : a[NR/2+1]; if (m == "inf") print ">" b;
	     else if (NR % 2) print m; else print (a[NR/2]+m)/2}'; }
ttb_worst() { all_times "$1" | sort -g | tail -n1 | sed "s/^inf$/>$budget/"; }

for eng in $engines; do
	: > "$out/$eng.times"; : > "$out/$eng.rates"
	total_s=0 progs=0
	for i in $(seq 1 "$runs"); do
		log="$out/$eng-$i.log"
		$mm fuzz --engine "$eng" --kernel "${pre}baseline,${pre}pae-root-rfc" --exclude-shared-pdpt \
			--stop-on-shared-pdpt --time "$budget" --seed "$i" --no-patch-coverage \
			--findings "$out/findings-$eng-$i" --work "$out/work-$eng-$i" > "$log" 2>&1
		t=$(sed -n 's/^fuzz: first regression with two PDPTs on one page after \([0-9.]*\) s.*/\1/p' "$log")
		line=$(grep '^fuzz: engine' "$log" | tail -n1)
		echo "$eng run $i: ${t:-not found within ${budget}s}; $line"
		[ -n "$t" ] && echo "$t" >> "$out/$eng.times"
		echo "$line" | sed -n 's/.*(\([0-9.]*\) programs\/s).*/\1/p' >> "$out/$eng.rates"
	done
	found=$(wc -l < "$out/$eng.times")
	echo "time-to-bug $eng: found in $found/$runs runs; median $(ttb_median "$eng") s," \
	     "worst $(ttb_worst "$eng") s (budget ${budget}s; a miss counts as >${budget})"
done

# The false-positive bar: the baseline alone, same length, no finding.
for eng in $engines; do
	echo "baseline-only $eng (${budget}s): $(bench_baseline_only "$eng" "$budget" "$out")"
done

# Side by side.
printf '\n%-10s %7s %10s %9s %12s %15s\n' engine found median_s worst_s programs/s baseline-only
for eng in $engines; do
	printf '%-10s %7s %10s %9s %12s %15s\n' "$eng" "$(wc -l < "$out/$eng.times")/$runs" \
		"$(ttb_median "$eng")" "$(ttb_worst "$eng")" \
		"$(bench_median < "$out/$eng.rates")" "$(cat "$out/$eng.baseline") findings"
done
