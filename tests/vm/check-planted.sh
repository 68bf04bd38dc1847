#!/bin/bash
# The planted-regression checks (the bug-class benchmark's ground truth).
#
# Every kernels/test-patches/planted-NAME.patch is a small KVM change that
# breaks the architecture in one way a reviewer could miss; its header has
# a "Class: N name" line.  Its check, corpus/planted/planted-NAME.mmu,
# names the patch in its title ("[planted-NAME] ...").  A check passes when,
# run on baseline and test-planted-NAME side by side in the test VMs, the
# baseline is clean and the differential verdict is a regression: the
# program holds on the stock KVM and catches the planted bug.
#
# Also checked without a VM: every patch has a Class line and a check, and
# every check names an existing patch.
#
#   tests/vm/check-planted.sh [NAME...]      (default: every planted patch)
#
# MMUFUZZ_RUN_TIMEOUT (ms, default 30000) is passed to mmufuzz run
# --timeout; the test VMs run KVM under TCG, so a loaded host needs slack.
# Prints "planted: N passed, N failed, N skipped" (pairs are skipped, with
# the reason, where there is no QEMU); exit 0 only when nothing failed.
set -u
cd "$(dirname "$0")/../.."
mm=build/mmufuzz
out=build/check-planted; mkdir -p "$out"
pass=0 fail=0
. tests/bench/bench-lib.sh
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# "[NAME]" at the start of a check's title.
check_names() { sed -n 's/^title "\[\([A-Za-z0-9._-]*\)\].*/\1/p' "$1"; }

mapfile -t names < <(planted_names "$@")
[ ${#names[@]} -gt 0 ] || { echo "check-planted: no kernels/test-patches/planted-*.patch"; exit 1; }

# Static: each check names a patch that exists (all of them, whatever NAMEs
# were asked for: a stray check is a mistake wherever it is).
for m in corpus/planted/*.mmu; do
	[ -e "$m" ] || continue
	n=$(check_names "$m")
	if [ -n "$n" ] && [ -f "kernels/test-patches/$n.patch" ]; then
		ok "$m names kernels/test-patches/$n.patch"
	else
		bad "$m: its title does not start with [NAME] of a kernels/test-patches/NAME.patch"
	fi
done

# The pairs need the test VMs (QEMU, TCG); without QEMU they are skipped.
skip=0
if ! command -v qemu-system-x86_64 > /dev/null; then
	skip=${#names[@]}
	echo "skip $skip pair(s): no qemu-system-x86_64 here (the test VMs need it)"
	names=()
fi

start=$(date +%s)
for n in "${names[@]}"; do
	patch=kernels/test-patches/$n.patch prog=corpus/planted/$n.mmu log=$out/$n.log
	cls=$(sed -n 's/^Class: *\([0-9]\+ [a-z-]*\)$/\1/p' "$patch" 2>/dev/null | head -n1)
	if [ -z "$cls" ]; then
		bad "$n: $patch has no 'Class: N name' line"
		continue
	fi
	if [ ! -f "$prog" ] || [ "$(check_names "$prog")" != "$n" ]; then
		bad "$n: no check $prog titled [$n]"
		continue
	fi
	if ! kernels/variant-dir.sh "test-$n" > "$log" 2>&1; then
		bad "$n: variant test-$n does not build (see $log)"
		continue
	fi
	t0=$(date +%s)
	# A test VM that did not boot or stopped answering (TCG on a loaded
	# host: "IO-APIC + timer doesn't work", request timeouts) says nothing
	# about KVM: run again, up to 3 times in all, and say so.
	for try in 1 2 3; do
		echo "== try $try" >> "$log"
		$mm run --timeout "${MMUFUZZ_RUN_TIMEOUT:-30000}" --kernel "baseline,test-$n" "$prog" \
			> "$log.run" 2>&1
		rc=$?
		cat "$log.run" >> "$log"
		grep -q "did not boot\|the VM died: no reply" "$log.run" || break
	done
	verdict=$(sed -n 's/^differential verdict: \([a-z-]*\):.*/\1/p' "$log.run" | tail -n1)
	base=$(sed -n 's/^verdict (baseline): \([0-9]*\) violation.*/\1/p' "$log.run" | tail -n1)
	rm -f "$log.run"
	what="$n (class $cls): baseline ${base:-?} violation(s), verdict ${verdict:-none}, rc $rc, try $try, $(( $(date +%s) - t0 ))s"
	if [ "$verdict" = regression ] && [ "$base" = 0 ] && [ "$rc" = 1 ]; then
		ok "$what"
	else
		bad "$what (see $log)"
	fi
done
echo "check-planted: ${#names[@]} pair(s) run in $(( $(date +%s) - start ))s"
echo "planted: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
