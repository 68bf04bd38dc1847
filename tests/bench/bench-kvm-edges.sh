#!/bin/bash
# What KVM's edges as feedback buy (issue 13, "Feedback"): a benchmark,
# not a check.  Figures only mean something on an idle host.
#
#   tests/bench/bench-kvm-edges.sh [MINUTES=10] [RATE_S=120] [ENGINE=libfuzzer]
#
# 1. Cost of the instrument: `mmufuzz fuzz` on baseline, then on
#    baseline+cov (KVM edges as feedback, the agent folding every run's
#    PCs), RATE_S seconds each: programs/s per VM.
# 2. Reach: baseline+cov for MINUTES each way, same seed and corpus:
#    today's feedback (MMUFUZZ_KVM_EDGES=0: the agent still records, the
#    engine ignores KVM's edges) against edge feedback.  Every run's PCs
#    go to a record (MMUFUZZ_KCOV_RECORD; the same cost both ways), and
#    kernels/cov/lcov.sh turns it into lines of arch/x86/kvm/mmu/mmu.c,
#    mmu/paging_tmpl.h and x86.c covered.
# 3. Time to bug: the headline regression on baseline,pae-root-rfc+cov,
#    TTB_RUNS runs (default 5; 0 skips this part) of at most TTB_BUDGET s
#    (default 300) each way, seeds with two PDPTs on one page kept out:
#    today's feedback, edge feedback, and edge feedback with
#    patch-directed scheduling (fuzz/directed.h).  The edge-feedback arm
#    runs the directed machinery with MMUFUZZ_DIRECTED_P=0 (every run's
#    PCs matched against the patch, the pool kept, never picked), so the
#    two differ only in the scheduling, and both say how many of the
#    patch's sites they reached.
# Prints both side by side; work files under build/bench-kvm-edges/.
# MINUTES may be a fraction (0.5) for a try-out.  BASE=6.12 runs it on
# that base's variants.
set -u
cd "$(dirname "$0")/../.."
minutes=${1:-10} rate_s=${2:-120} engine=${3:-libfuzzer}
pre=; [ "${BASE:-6.1}" = 6.1 ] || pre=$BASE:
mm=build/mmufuzz
out=build/bench-kvm-edges; rm -rf "$out"; mkdir -p "$out"
budget=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
[ "$budget" -ge 1 ] || { echo "bench-kvm-edges: MINUTES must be > 0" >&2; exit 2; }
dir=$(kernels/variant-dir.sh "${pre}baseline+cov") || { echo "bench-kvm-edges: cannot build ${pre}baseline+cov" >&2; exit 2; }
kernels/variant-dir.sh "${pre}baseline" > /dev/null || exit 2

# fuzz NAME KERNEL SECONDS [ENV...]: one campaign; prints programs/s.
fuzz() {
	local name=$1 kernel=$2 secs=$3; shift 3
	env "$@" $mm fuzz --engine "$engine" --kernel "$kernel" --keep-going --time "$secs" --seed 1 \
		--findings "$out/findings-$name" --work "$out/work-$name" > "$out/$name.log" 2>&1
	sed -n 's/^fuzz: engine .*(\([0-9.]*\) programs\/s)$/\1/p' "$out/$name.log" | tail -n 1
}

# lines RECORD: lines hit in mmu.c, paging_tmpl.h, x86.c (lcov DA > 0),
# and of those instrumented: "HIT/TOTAL".
lines() {
	[ -s "$1" ] || { echo "no-record"; return; }
	kernels/cov/lcov.sh "$dir" "$1" "$1.info" > /dev/null 2>"$1.err" || { echo "lcov-failed"; return; }
	awk -F'[:,]' '/^SF:/ { f = $0; keep = f ~ /arch\/x86\/kvm\/(mmu\/mmu\.c|mmu\/paging_tmpl\.h|x86\.c)$/ }
		keep && /^DA:/ { n++; if ($3 > 0) h++ }
		END { printf "%d/%d\n", h, n }' "$1.info"
}

echo "bench-kvm-edges: $engine; cost ${rate_s} s per kernel, reach ${minutes} min each way (load: $(cut -d' ' -f1-3 /proc/loadavg))"
plain=$(fuzz plain "${pre}baseline" "$rate_s")
cov=$(fuzz cov "${pre}baseline+cov" "$rate_s")
echo "programs/s per VM: ${pre}baseline ${plain:-?}  ${pre}baseline+cov ${cov:-?} (KVM edges as feedback)"
if [ -n "$plain" ] && [ -n "$cov" ]; then
	awk -v a="$plain" -v b="$cov" 'BEGIN { if (a > 0) printf "instrument cost: %.1f%% of programs/s (aim: under 15%%)\n", (1 - b / a) * 100 }'
fi

fuzz today "${pre}baseline+cov" "$budget" MMUFUZZ_KVM_EDGES=0 MMUFUZZ_KCOV_RECORD="$PWD/$out/today" > "$out/today.rate"
fuzz edges "${pre}baseline+cov" "$budget" MMUFUZZ_KVM_EDGES=1 MMUFUZZ_KCOV_RECORD="$PWD/$out/edges" > "$out/edges.rate"
name=$(sed -n 's/^name=//p' "$dir/info")
rt=$(ls "$out"/today-*.record 2>/dev/null | head -n 1) re=$(ls "$out"/edges-*.record 2>/dev/null | head -n 1)
lt=$(lines "${rt:-$out/none}") le=$(lines "${re:-$out/none}")
printf "%-28s %14s %14s\n" "after ${minutes} min" "today's" "edge feedback"
printf "%-28s %14s %14s\n" "programs/s" "$(cat "$out/today.rate")" "$(cat "$out/edges.rate")"
printf "%-28s %14s %14s\n" "mmu.c+paging_tmpl.h+x86.c" "$lt" "$le"
printf "%-28s %14s %14s\n" "distinct KVM PCs" "$(grep -c '^pc ' "${rt:-/dev/null}" 2>/dev/null)" "$(grep -c '^pc ' "${re:-/dev/null}" 2>/dev/null)"
grep -h '^kvm-edges ' "$out"/work-edges/stats* 2>/dev/null | tail -n 1 | sed 's/^/edge feedback: /'
h1=${lt%%/*} h2=${le%%/*}
if [[ "$h1" =~ ^[0-9]+$ && "$h2" =~ ^[0-9]+$ && "$h1" -gt 0 ]]; then
	awk -v a="$h1" -v b="$h2" 'BEGIN { printf "edge feedback covers %+.1f%% lines of those files (aim: +25%%)\n", (b / a - 1) * 100 }'
fi

# 3. Time to bug, three ways.
ttb_runs=${TTB_RUNS:-5} ttb_budget=${TTB_BUDGET:-300}
if [ "$ttb_runs" -gt 0 ]; then
	kernels/variant-dir.sh "${pre}pae-root-rfc+cov" > /dev/null || exit 2
	cand="${pre}baseline,${pre}pae-root-rfc+cov"
	# ttb ARM ENV... : TTB_RUNS runs; "ARM run I: T s | not found" lines.
	ttb() {
		local arm=$1 i log t line; shift
		: > "$out/ttb-$arm.times"
		for i in $(seq 1 "$ttb_runs"); do
			log=$out/ttb-$arm-$i.log
			env "$@" $mm fuzz --engine "$engine" --kernel "$cand" --exclude-shared-pdpt \
				--stop-on-shared-pdpt --time "$ttb_budget" --seed "$i" --no-patch-coverage \
				--findings "$out/findings-ttb-$arm-$i" --work "$out/work-ttb-$arm-$i" > "$log" 2>&1
			t=$(sed -n 's/^fuzz: first regression with two PDPTs on one page after \([0-9.]*\) s.*/\1/p' "$log")
			line=$(sed -n 's/^fuzz: patch sites reached while fuzzing: //p' "$log")
			echo "$arm run $i: ${t:-not found within ${ttb_budget}s}${line:+; patch sites: $line}"
			echo "${t:-inf}" >> "$out/ttb-$arm.times"
		done
	}
	med() { sort -g "$out/ttb-$1.times" | awk -v b="$ttb_budget" '{ a[NR] = $1 }
		END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] == "inf" || a[NR / 2 + 1] == "inf" ? "inf" : (a[NR / 2] + a[NR / 2 + 1]) / 2)
		      print m == "inf" ? ">" b : m }'; }
	worst() { sort -g "$out/ttb-$1.times" | tail -n 1 | sed "s/^inf$/>$ttb_budget/"; }
	found() { grep -vc inf "$out/ttb-$1.times"; }
	ttb today MMUFUZZ_KVM_EDGES=0 MMUFUZZ_DIRECTED_P=0
	ttb edges MMUFUZZ_KVM_EDGES=1 MMUFUZZ_DIRECTED_P=0
	ttb directed MMUFUZZ_KVM_EDGES=1 MMUFUZZ_DIRECTED_P=50
	printf "%-28s %14s %14s %14s\n" "time to bug, $cand" "today's" "edge feedback" "+ directed"
	printf "%-28s %14s %14s %14s\n" "found" "$(found today)/$ttb_runs" "$(found edges)/$ttb_runs" "$(found directed)/$ttb_runs"
	printf "%-28s %14s %14s %14s\n" "median s" "$(med today)" "$(med edges)" "$(med directed)"
	printf "%-28s %14s %14s %14s\n" "worst s" "$(worst today)" "$(worst edges)" "$(worst directed)"
fi
echo "($name; logs and records in $out/)"
