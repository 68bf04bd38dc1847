#!/bin/bash
# In-VM tests of the root tracer and the root oracle (make check-bpf), or
# the tracer's cost per run (make bench-bpf).
#
#   harness/bpf/check-bpf.sh [--bench] path/to/rt-vmtest [path/to/rt-exectest]
#
# Boots the test VM (harness/vm/vm-exec.sh) once per kernel variant and
# runs each test twice: with the tracer's own tiny guest (rt-vmtest) and
# with real mmufuzz programs through the executor (rt-exectest):
#   baseline      hand-counted roots and entered root entries, two PDPTs
#                 on one page (visible and latent) with no finding, the
#                 corpus and random programs with no finding
#   pae-root-rfc  the two-PDPT programs: an alias finding, visible and latent
#   pae-root-slot two PDPTs on one page, corpus, random: no finding
#   test-pae-root-outside  the same as pae-root-slot (roots keyed outside
#                 role.word: two root pages share gfn and role, rightly)
#   test-pae-root-outside-nocmp  two PDPTs on one page: no finding; a PDPTE
#                 rewrite and CR3 reload, visible and latent: a stale finding
# and then one differential run (build/mmufuzz run --kernel, 6.1 only):
#   baseline,test-planted-pdpte-ad-not-rsvd  a pdpte finding (the root
#                 oracle's model check) on the candidate, none on baseline
# CHECK_BPF_BASES (default "6.1") lists the kernel bases to run this on,
# e.g. "6.1 6.12": on a base other than 6.1 the variants are BASE:NAME
# (kernels/README "Bases and names") and the test-pae-root-outside ones,
# which exist for 6.1 only, are left out.
# Prints each VM's output indented, then "bpf: N passed, N failed, N
# skipped" (the suites' own counts added up).  A
# variant that cannot be built or booted counts as a failure, with the
# reason, never as a skip.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bench=0
[ "${1:-}" = --bench ] && { bench=1; shift; }
bin=${1:?usage: check-bpf.sh [--bench] RT_VMTEST [RT_EXECTEST]}
exe=${2:-}
files=(--file "$bin")
[ -n "$exe" ] && files+=(--file "$exe")
for f in "$top"/corpus/*.mmu; do [ -f "$f" ] && files+=(--file "$f"); done
vmexec=$top/harness/vm/vm-exec.sh
pass=0 fail=0 skip=0

# run_vm VARIANT SH-COMMAND: boot, run, add up the rootrace-* summary lines.
run_vm() {
	local variant=$1 cmd=$2 out rc p f s got=0
	echo "-- $variant: $cmd"
	out=$("$vmexec" --variant "$variant" --timeout 600 "${files[@]}" -- sh -c "$cmd" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/   | /'
	# tests/check.h: "SUITE: N passed, N failed, N skipped".
	while read -r p f s; do
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s)) got=1
	done < <(printf '%s\n' "$out" |
		 sed -nE 's/^rootrace-[a-z-]+: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p')
	if [ "$got" = 0 ]; then
		echo "   variant $variant: no test summary (vm-exec exit $rc): VM or variant unavailable"
		fail=$((fail + 1))
	elif [ "$rc" -ge 124 ]; then
		# Suites after a panic or timeout never ran: never green.
		echo "   variant $variant: VM died (vm-exec exit $rc) before every suite finished"
		fail=$((fail + 1))
	fi
}

if [ "$bench" = 1 ]; then
	run_vm baseline "rt-vmtest bench 300${exe:+; rt-exectest bench 200; rt-exectest bench 200 enter-leave-long-mode.mmu}"
	echo "bench-bpf: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
fi

ex=
[ -n "$exe" ] && ex="; rt-exectest"
clean="rt-vmtest alias none; rt-vmtest random 1 40 expect-none${ex:+$ex pair none$ex files none *.mmu$ex stable *.mmu$ex random 7 60 none}"
for base in ${CHECK_BPF_BASES:-6.1}; do
	pre=
	[ "$base" = 6.1 ] || pre=$base:
	run_vm "${pre}baseline" "rt-vmtest attach; rt-vmtest alias none; rt-vmtest random 1 40 expect-none${ex:+$ex count$ex pair none$ex files none *.mmu$ex stable *.mmu$ex random 7 60 none}"
	# Not executor random programs on pae-root-rfc: some trip the RFC's
	# WARN in FNAME(fetch) (paging_tmpl.h:721), which panics the test VM.
	run_vm "${pre}pae-root-rfc" "rt-vmtest alias alias; rt-vmtest random 1 40${ex:+$ex pair alias$ex files alias pae-two-pdpts-*.mmu}"
	run_vm "${pre}pae-root-slot" "$clean"
	[ "$base" = 6.1 ] || continue
	run_vm test-pae-root-outside "$clean"
	run_vm test-pae-root-outside-nocmp "rt-vmtest alias none${ex:+$ex pair none$ex files none pae-two-pdpts-*.mmu$ex files stale pdpte-write-*.mmu}"
done

# The model check (ROOTS_PDPTE, oracles/roots_model.c) where the verdict
# is made, a differential run (mmufuzz run --kernel, harness/judge/
# diffrun.c): a KVM that takes a PDPTE with a reserved bit (A) set builds
# its roots from PDPTEs the guest never loaded -- the roots agree with
# KVM's PDPTEs, so only this check sees it in the trace -- while the
# baseline refuses the load (#GP) and has no such finding.
diffrun_pdpte() {
	local v=test-planted-pdpte-ad-not-rsvd prog=$top/corpus/planted/planted-pdpte-ad-not-rsvd.mmu
	local dir=$top/build/check-bpf-diffrun out nb nc
	mkdir -p "$dir"
	echo "-- diffrun baseline,$v: $prog"
	out=$(cd "$dir" && "$top/build/mmufuzz" run --timeout 30000 --kernel "baseline,$v" "$prog" 2>&1)
	printf '%s\n' "$out" | sed 's/^/   | /'
	# A kernel's root findings: its "== NAME: shadow roots" section.
	findings_of() {
		printf '%s\n' "$out" | awk -v k="== $1: shadow roots" \
			'index($0, k) == 1 { on = 1; next } /^== / { on = 0 } on && /FINDING pdpte/' | wc -l
	}
	nb=$(findings_of baseline) nc=$(findings_of "$v")
	if printf '%s\n' "$out" | grep -q "^== $v: shadow roots" && [ "$nc" -ge 1 ] && [ "$nb" = 0 ]; then
		echo "ok   diffrun: a pdpte finding on $v ($nc), none on baseline"
		pass=$((pass + 1))
	else
		echo "FAIL diffrun: pdpte findings: $v $nc (want >= 1), baseline $nb (want 0)"
		fail=$((fail + 1))
	fi
}
case " ${CHECK_BPF_BASES:-6.1} " in *" 6.1 "*) diffrun_pdpte ;; esac

echo "bpf: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
