# Shell helpers shared by the fuzzing benchmarks and the planted checks
# (sourced, not run): tests/bench/bench-time-to-bug.sh, tests/bench/bench-reach.sh and
# tests/vm/check-planted.sh.  The callers cd to the tree's root first.

# Median of numbers on stdin, one a line ("-" for none).
bench_median() {
	sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# The false-positive bar: fuzz the baseline alone for BUDGET seconds with
# ENGINE, recording findings and going on; logs to DIR/baseline-ENGINE.log.
# Prints "N finding(s); fuzz: engine ... programs/s" and leaves N in
# DIR/ENGINE.baseline.  Extra arguments go to mmufuzz fuzz (e.g. --corpus).
# The caller's $pre ("6.12:", or empty for 6.1) names the base.
bench_baseline_only() {
	local eng=$1 budget=$2 dir=$3 n
	shift 3
	build/mmufuzz fuzz --engine "$eng" --kernel "${pre:-}baseline" --keep-going --time "$budget" \
		--findings "$dir/findings-baseline-$eng" --work "$dir/work-baseline-$eng" "$@" \
		> "$dir/baseline-$eng.log" 2>&1
	n=$(sed -n 's/^fuzz: \([0-9]*\) finding(s).*/\1/p' "$dir/baseline-$eng.log")
	echo "${n:-0}" > "$dir/$eng.baseline"
	echo "${n:-0} finding(s); $(grep '^fuzz: engine' "$dir/baseline-$eng.log" | tail -n1)"
}

# The planted regressions to work on: the NAME arguments, or else every
# kernels/test-patches/planted-NAME.patch; one name a line.
planted_names() {
	local p
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@"
		return
	fi
	for p in kernels/test-patches/planted-*.patch; do
		[ -e "$p" ] && basename "$p" .patch
	done
}
