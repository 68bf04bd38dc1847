#!/bin/bash
# Run each make check target in turn, log it, and print one summary line.
#
# A target's log is scanned for lines "N passed, N failed[, N skipped]"
# (what every test binary of ours prints last); their sums make the
# summary.  A skip is a check that cannot run here and said why: it is
# counted apart and never turns a failure green.  A target
# that exits non-zero without such a line counts as one failure, so a
# crashed or missing test can never look green.
set -u
cd "$(dirname "$0")/.."
logdir=build/check
mkdir -p "$logdir"
total_pass=0 total_fail=0 total_skip=0 failed_targets=()
for t in "$@"; do
	log="$logdir/$t.log"
	start=$(date +%s)
	printf '== %s\n' "$t"
	make --no-print-directory "$t" > "$log" 2>&1
	rc=$?
	sed 's/^/   /' "$log" | tail -n 40
	p=0 f=0 s=0
	while read -r a b c; do p=$((p + a)); f=$((f + b)); s=$((s + ${c:-0})); done < <(
		sed -nE 's/^([A-Za-z0-9_./-]+: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\2 \3 \5/p' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
	[ "$rc" -ne 0 ] && failed_targets+=("$t")
	printf '== %s: rc=%d, %d passed, %d failed, %d skipped, %ds\n' "$t" "$rc" "$p" "$f" "$s" \
		$(( $(date +%s) - start ))
done
[ ${#failed_targets[@]} -gt 0 ] && echo "failed targets: ${failed_targets[*]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ] && [ ${#failed_targets[@]} -eq 0 ]
