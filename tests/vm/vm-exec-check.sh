#!/bin/bash
# check-vm, part 2: harness/vm/vm-exec.sh as others use it.  Three boots:
# stdout/stderr/exit status of a command (with a --file and a quoted
# argument), a kernel panic (status 124 with the console tail), and the
# timeout (status 124).  Prints "vm-exec: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
check() {	# check "what" condition...
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL vm-exec: $what"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho "arg=[$1]"; echo to-stderr >&2; test -c /dev/kvm && exit 7\n' > "$tmp/t.sh"
chmod +x "$tmp/t.sh"

harness/vm/vm-exec.sh --file "$tmp/t.sh" -- t.sh "it's a b" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "exit status passed through (got $rc)" [ $rc -eq 7 ]
check "stdout" grep -qx "arg=\[it's a b\]" "$tmp/out"
check "stderr" grep -qx "to-stderr" "$tmp/err"
check "console log named" grep -q '^vm-exec: console log ' "$tmp/err"

harness/vm/vm-exec.sh -- sh -c 'echo c > /proc/sysrq-trigger' > "$tmp/out" 2> "$tmp/err"
rc=$?
check "panic gives 124 (got $rc)" [ $rc -eq 124 ]
check "panic reported with the console tail" grep -q 'sysrq triggered crash' "$tmp/err"

start=$(date +%s)
harness/vm/vm-exec.sh --timeout 20 -- sleep 600 > "$tmp/out" 2> "$tmp/err"
rc=$?
check "timeout gives 124 (got $rc)" [ $rc -eq 124 ]
check "timeout reported" grep -q 'TIMEOUT after 20s' "$tmp/err"
check "timeout honoured ($(( $(date +%s) - start ))s)" [ $(( $(date +%s) - start )) -lt 60 ]

harness/vm/vm-exec.sh --npt 2 -- true > "$tmp/out" 2> "$tmp/err"
rc=$?
check "bad option gives 125 (got $rc)" [ $rc -eq 125 ]

echo "vm-exec: $pass passed, $fail failed"
[ $fail -eq 0 ]
