#!/bin/bash
# In-VM tests of the root tracer and the root oracle (make check-bpf), or
# the tracer's cost per run (make bench-bpf).
#
#   harness/bpf/check-bpf.sh [--bench] path/to/rt-vmtest
#
# Boots the test VM (harness/vm/vm-exec.sh) once per kernel variant:
#   baseline      hand-counted roots, two PDPTs on one page (visible and
#                 latent) with no finding, random slot programs: no finding
#   pae-root-rfc  the same two programs: an alias finding in both
#   pae-root-slot two PDPTs on one page and random programs: no finding
# Prints each VM's output indented, then "bpf: N passed, N failed".  A
# variant that cannot be built or booted counts as a failure, with the
# reason, never as a skip.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bench=0
[ "${1:-}" = --bench ] && { bench=1; shift; }
bin=${1:?usage: check-bpf.sh [--bench] RT_VMTEST}
vmexec=$top/harness/vm/vm-exec.sh
pass=0 fail=0

# run_vm VARIANT SH-COMMAND: boot, run, add up the rootrace-* summary lines.
run_vm() {
	local variant=$1 cmd=$2 out rc p f got=0
	echo "-- $variant: $cmd"
	out=$("$vmexec" --variant "$variant" --timeout 400 --file "$bin" -- sh -c "$cmd" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/   | /'
	while read -r p f; do
		pass=$((pass + p)) fail=$((fail + f)) got=1
	done < <(printf '%s\n' "$out" | sed -nE 's/^rootrace-[a-z]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p')
	if [ "$got" = 0 ]; then
		echo "   variant $variant: no test summary (vm-exec exit $rc): VM or variant unavailable"
		fail=$((fail + 1))
	fi
}

if [ "$bench" = 1 ]; then
	run_vm baseline "rt-vmtest bench 300"
	echo "bench-bpf: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi

run_vm baseline "rt-vmtest attach; rt-vmtest alias none; rt-vmtest random 1 40 expect-none"
run_vm pae-root-rfc "rt-vmtest alias alias; rt-vmtest random 1 40"
run_vm pae-root-slot "rt-vmtest alias none; rt-vmtest random 1 40 expect-none"
echo "bpf: $pass passed, $fail failed"
[ "$fail" = 0 ]
