#!/bin/bash
# Bad option values are refused with a message naming the option and the
# value, exit 2, before anything runs; good values are taken (each checked
# with --help after it, so nothing starts).  No KVM, no VM.
#   tests/unit/check-cli.sh [build/mmufuzz]
set -u
cd "$(dirname "$0")/../.."
mmufuzz=${1:-build/mmufuzz}
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

refused() {	# "option 'value'" then the command's arguments
	local want=$1 out rc
	shift
	out=$("$mmufuzz" "$@" 2>&1 > /dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -qF -- "$want" <<< "$out"; then
		ok "refused: mmufuzz $* (exit 2, names $want)"
	else
		bad "mmufuzz $*: exit $rc, said: ${out:-nothing} (wanted exit 2 and \"$want\")"
	fi
}

taken() {
	local out rc
	out=$("$mmufuzz" "$@" --help 2>&1)
	rc=$?
	[ "$rc" = 0 ] && ok "taken: mmufuzz $*" || bad "mmufuzz $* --help: exit $rc, said: $out"
}

refused "--time 'abc'" fuzz --time abc
refused "--time '10s'" fuzz --time 10s
refused "--npt '2'" fuzz --npt 2
refused "--seed '-1'" fuzz --seed -1
refused "unknown engine 'afx'" fuzz --engine afx
refused "--time '0'" demo --time 0
refused "unknown engine 'afx'" demo --engine afx
refused "--max-tries '0'" minimize --max-tries 0 x.mmu
refused "--timeout '5'" minimize --timeout 5 x.mmu
refused "--npt ''" minimize --npt "" x.mmu
refused "--timeout '99999999'" repro --timeout 99999999 x.mmu
refused "--npt '1x'" run --npt 1x x.mmu
refused "--timeout '-5'" run --timeout -5 x.mmu
refused "--time '0'" nightly --time 0
refused "--merge-max 'many'" nightly --merge-max many
refused "--mutants '0'" adequacy --kernel baseline --reached x.info --mutants 0
refused "--time 'soon'" adequacy --kernel baseline --reached x.info --time soon
refused "unknown engine 'afx'" adequacy --kernel baseline,x --engine afx
refused "give a candidate (--kernel BASELINE,CAND) or --reached FILE.info, not neither" adequacy --kernel baseline
refused "not both" adequacy --kernel baseline,pae-root-slot --reached x.info
refused "--reach needs --reached" adequacy --kernel baseline,pae-root-slot --reach
refused "expected BASELINE or BASELINE,CAND" adequacy --kernel baseline,a,b

taken fuzz --time 0 --npt 1 --seed 0x10 --engine afl
taken fuzz --time 600 --engine libfuzzer
taken demo --time 60 --engine afl++
taken minimize --timeout 60000 --max-tries 5 --npt 0
taken repro --timeout 100 --npt 1
taken run --timeout 15000 --npt 1
taken nightly --time 1200 --merge-max 50
taken adequacy --kernel baseline,pae-root-slot --mutants 4 --time 30 --seed 9 --engine afl

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
