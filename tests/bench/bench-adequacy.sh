#!/bin/bash
# Mutation adequacy of the baseline's reached lines (issue 14's bar: at
# least 60 mutants of reached lines of mmu.c, paging_tmpl.h and x86.c's CR
# paths; kill rate over the mutants that change guest-visible behaviour).
#
#   tests/bench/bench-adequacy.sh [MUTANTS=60] [BUDGET_S=60] [REACH_S=600] [ENGINE=libfuzzer]
#
# 1. Which lines mmufuzz reaches: `mmufuzz fuzz --kernel baseline+cov` for
#    REACH_S seconds with every KVM PC recorded (MMUFUZZ_KCOV_RECORD), then
#    kernels/cov/lcov.sh -> build/bench-adequacy/reached.info.
#    ADQ_REACHED=FILE.info skips this and uses FILE.
# 2. `mmufuzz adequacy --reached reached.info --mutants MUTANTS --time
#    BUDGET_S --reach`: MUTANTS lines sampled (seed ADQ_SEED, default 1),
#    one mutant each, built in the warm mutant tree, fuzzed against
#    baseline+cov for BUDGET_S seconds.  Prints its per-mutant lines, the
#    kill rates and the survivors with file:line.
# A rerun resumes step 2 from build/bench-adequacy/run/results.tsv (same
# arguments); ADQ_FRESH=1 starts over.  Long (MUTANTS x (build + boot +
# BUDGET_S), about 90 minutes for 60 x 60 s) and throughput-bound: run it
# on an idle host.
set -u
cd "$(dirname "$0")/../.."
mutants=${1:-60} budget=${2:-60} reach_s=${3:-600} eng=${4:-libfuzzer}
out=build/bench-adequacy
[ "${ADQ_FRESH:-0}" = 1 ] && rm -rf "$out"
mkdir -p "$out"
info=${ADQ_REACHED:-$out/reached.info}
if [ ! -s "$info" ]; then
	echo "bench-adequacy: reach: baseline+cov for $reach_s s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
	dir=$(kernels/variant-dir.sh baseline+cov) || { echo "bench-adequacy: cannot build baseline+cov" >&2; exit 2; }
	rm -rf "$out/reach"; mkdir -p "$out/reach"
	MMUFUZZ_KCOV_RECORD=$PWD/$out/reach/rec build/mmufuzz fuzz --engine "$eng" --kernel baseline+cov \
		--keep-going --time "$reach_s" --seed 1 --findings "$out/reach/findings" --work "$out/reach/work" \
		> "$out/reach/log" 2>&1
	grep '^fuzz: engine' "$out/reach/log" | sed 's/^/bench-adequacy: reach: /'
	[ -s "$out/reach/rec-baseline+cov.record" ] || { echo "bench-adequacy: the reach run left no record ($out/reach/log)" >&2; exit 2; }
	kernels/cov/lcov.sh "$dir" "$out/reach/rec-baseline+cov.record" "$info.tmp" 2> "$out/reach/lcov.err" ||
		{ echo "bench-adequacy: lcov.sh failed ($out/reach/lcov.err)" >&2; exit 2; }
	mv "$info.tmp" "$info"
fi
echo "bench-adequacy: $mutants mutants of the lines in $info, $budget s each, engine $eng (load: $(cut -d' ' -f1-3 /proc/loadavg))"
build/mmufuzz adequacy --kernel baseline --reached "$info" --mutants "$mutants" --seed "${ADQ_SEED:-1}" \
	--time "$budget" --reach --engine "$eng" --out "$out/run"
