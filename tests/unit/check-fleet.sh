#!/bin/bash
# An AFL++ fleet on one machine: one main and two secondaries on the
# decoder target share one sync folder for SECONDS, then the check looks
# for the sharing itself: an input that one instance found (a queue entry
# that is no seed) and another instance imported ("sync:<finder>").
#   tests/unit/check-fleet.sh <build/fuzz/fleet> <seconds>
set -u
dir=$1 secs=$2
sync=$dir/sync
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

rm -rf "$sync"
fuzz/fleet.sh -o "$sync" -i build/fuzz/codecs/seeds-decode -m -s 2 -p demo- -V "$secs" \
	-- "$dir/afl_fuzz_decode" && ok "three instances ran ${secs}s" || bad "an instance failed"

for n in demo-main demo-s1 demo-s2; do
	[ -f "$sync/$n/fuzzer_stats" ] && ok "$n wrote fuzzer_stats" || bad "$n: no fuzzer_stats"
done

# Imports of finds (not seeds): "id:..,sync:FINDER,src:ID" whose source
# entry FINDER/queue/id:ID,... carries no "orig:".
shown=0 finds=0 pairs=
for f in "$sync"/demo-*/queue/id:*,sync:*; do
	[ -e "$f" ] || continue
	to=$(basename "$(dirname "$(dirname "$f")")")
	b=$(basename "$f")
	from=$(echo "$b" | sed -n 's/.*,sync:\([^,]*\),src:\([0-9]*\).*/\1/p')
	src=$(echo "$b" | sed -n 's/.*,sync:\([^,]*\),src:\([0-9]*\).*/\2/p')
	orig=$(ls "$sync/$from/queue/" 2>/dev/null | grep "^id:$src," | head -n1)
	case $orig in ""|*orig:*) continue ;; esac
	finds=$((finds + 1))
	case " $pairs " in *" $from>$to "*) ;; *) pairs="$pairs $from>$to" ;; esac
	if [ $shown -lt 3 ]; then
		echo "   $from found  $orig"
		echo "   $to imported $b"
		shown=$((shown + 1))
	fi
done
echo "   imports of finds: $finds, between:$pairs"
[ "$finds" -gt 0 ] && ok "an input found by one instance was imported by another" ||
	bad "no instance imported another's find in ${secs}s"
echo "fleet: $pass passed, $fail failed"
[ $fail -eq 0 ]
