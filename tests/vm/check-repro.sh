#!/bin/bash
# The reproducers of the headline finding, checked on real KVMs:
#   - mmufuzz repro writes repro.mmu, report.txt, repro.c, the selftest
#   - repro.c builds static with no mmufuzz code; the selftest builds
#     against the selftests library of Debian's linux-source-6.1
#   - in the test VM: both pass on baseline and pae-root-slot and both
#     fail on pae-root-rfc (standalone: exit 0 / 1), on 6.1 and on the
#     6.12 ports (6.12:baseline, 6.12:pae-root-rfc, 6.12:pae-root-slot)
# Prints "repro: N passed, N failed".
#
#   tests/vm/check-repro.sh [prog.mmu]   (default: the corpus's two PDPTs on
#                                      one page; e.g. a minimized finding)
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

work=build/check-repro; rm -rf "$work"; mkdir -p "$work"
prog=${1:-corpus/pae-two-pdpts-one-page.mmu}
check "mmufuzz repro writes the reproducers" build/mmufuzz repro --no-run -o "$work/r" "$prog"
for f in repro.mmu report.txt repro.c mmufuzz_repro_test.c; do
	check "$f exists" test -s "$work/r/$f"
done
check "repro.mmu is the program" cmp -s <(build/mmufuzz convert "$prog" - 2>/dev/null) "$work/r/repro.mmu"
check "report is 80 columns" test "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$work/r/report.txt")" -le 80
check "repro.c includes nothing of mmufuzz" bash -c "! grep -q '#include \"' $work/r/repro.c"
check "repro.c builds (static, -Wall -Werror)" gcc -O2 -static -Wall -Werror -o "$work/repro" "$work/r/repro.c"
check "selftest builds against linux-source-6.1's selftests library" \
	tests/vm/selftests-lib.sh "$work/r/mmufuzz_repro_test.c" "$work/selftest"

# want: exit status of the standalone and of the selftest (0 = pass), on
# each base's variants ($MMUFUZZ_REPRO_BASES, default "6.1 6.12"): the
# reproducers use the KVM API only, so the same binaries judge both.
for k in $(for b in ${MMUFUZZ_REPRO_BASES:-6.1 6.12}; do
		p=; [ "$b" = 6.1 ] || p=$b:
		echo "${p}baseline=0 ${p}pae-root-rfc=1 ${p}pae-root-slot=0"
	   done); do
	name=${k%%=*} want=${k##*=}
	log="$work/vm-${name//:/_}.log"
	harness/vm/vm-exec.sh --variant "$name" --timeout 900 --file "$work/repro" --file "$work/selftest" -- \
		sh -c 'repro > /tmp/r.log 2>&1; echo "REPRO=$?"; selftest > /tmp/s.log 2>&1; echo "SELFTEST=$?"; tail -n 3 /tmp/r.log' \
		> "$log" 2>&1
	r=$(sed -n 's/^REPRO=\([0-9]*\)$/\1/p' "$log") s=$(sed -n 's/^SELFTEST=\([0-9]*\)$/\1/p' "$log")
	if [ "$want" = 0 ]; then
		check "$name: standalone reproducer exits 0 (got ${r:-none})" test "${r:-x}" = 0
		check "$name: selftest passes (got ${s:-none})" test "${s:-x}" = 0
	else
		check "$name: standalone reproducer exits 1 (got ${r:-none})" test "${r:-x}" = 1
		check "$name: selftest fails (got ${s:-none})" bash -c "[ -n '$s' ] && [ '$s' != 0 ]"
	fi
	[ -z "$r" ] && tail -n 20 "$log"
done
echo "repro: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
