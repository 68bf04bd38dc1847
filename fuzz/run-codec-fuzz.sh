#!/bin/bash
# Run each codec fuzz target for a time budget on a copy of its seeds.
# A crash, leak, sanitizer report or timeout is a finding: the artifact
# lands in <dir>/artifacts/ and the target counts as failed.
#   run-codec-fuzz.sh <build/fuzz/codecs> <seconds>
set -u
dir=$1 secs=$2
pass=0 fail=0
mkdir -p "$dir/artifacts"
for t in fuzz_decode fuzz_parse; do
	work="$dir/work-$t"
	rm -rf "$work" && mkdir -p "$work"
	if [ "$t" = fuzz_decode ]; then cp "$dir"/seeds-decode/*.bin "$work"/; else cp corpus/*.mmu "$work"/; fi
	extra=()
	[ -f "fuzz/$t.dict" ] && extra+=("-dict=fuzz/$t.dict")
	log="$dir/$t.log"
	"$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$t-" "${extra[@]}" "$work" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "$t: no finding in ${secs}s, ${execs:-?} execs, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) inputs"
	else
		fail=$((fail + 1))
		echo "$t: FINDING (rc $rc), see $log and $dir/artifacts/"
		grep -m 5 -E 'ERROR|codec invariant|runtime error|SUMMARY' "$log"
	fi
done
echo "fuzz-codecs: $pass passed, $fail failed"
[ $fail -eq 0 ]
