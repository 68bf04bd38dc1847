#!/bin/bash
# check-cov-vm: KVM's own coverage through mmucov.ko, in the test VM.
#
#   kernels/cov/tests/vm-check.sh COV_CR3 [VARIANT [AGENT_CHECK]]
#                                       (VARIANT default baseline+cov)
#
# Builds (cached) the +cov variant, then checks, without a VM:
#   - mmucov.ko is in the variant and exports __sanitizer_cov_trace_pc;
#     kvm.ko, kvm-amd.ko depend on it and call it (>= 1000 sites each);
#   - the unstripped debug/ modules carry line tables;
# and in one boot of the test VM (harness/vm/vm-exec.sh, npt=0) running
# kernels/cov/check/cov_cr3 (a PAE guest's and a long-mode guest's one
# MOV CR3, each 8 times, a fresh KVM VM each time):
#   - mmucov.ko was loaded (its sections are listed) and no PC overflowed;
#   - kernels/check's pae_two_pdpts, pae_slots, guest_modes exit 0, as
#     on the plain baseline (instrumenting KVM changes nothing it does);
#   - mmucov.h's contract (cov_cr3 abi): every error path, a one-page
#     area that overflows without writing past itself, unregistering by
#     closing another thread's fd;
#   - the PAE guest reaches kvm_set_cr3, load_pdptrs, kvm_mmu_new_pgd
#     (as functions or inlined lines), in every run;
#   - the long-mode guest reaches kvm_set_cr3 and kvm_mmu_new_pgd but not
#     load_pdptrs, in every run;
#   - runs of one guest give the same edge set and the same PCs (runs in
#     which the host switched the vCPU thread out are reported, not
#     judged: KVM's preempt notifiers then add timing-dependent PCs);
#   - every PC resolves (kernels/cov/resolve.sh) to a line that exists in
#     the variant's own source tree or the headers it was built against.
# With AGENT_CHECK (kernels/cov/tests/agent_check.c), a second boot: the
# agent's per-RUN edges (what the engines get) on VARIANT and its plain
# twin: same program, same edges; PAE sets edges long mode does not; its
# PCs resolve, the PAE program reaching load_pdptrs, the long-mode one not.
# Prints "cov-vm: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
bin=${1:?usage: vm-check.sh COV_CR3 [VARIANT]}
variant=${2:-baseline+cov}
agent_check=${3:-}
runs=8		# per guest: enough that two of them usually go unpreempted
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
finish() { echo "cov-vm: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if ! dir=$(kernels/variant-dir.sh "$variant" 2>"$tmp/build.err"); then
	bad "$variant: build failed: $(tail -n 5 "$tmp/build.err")"; finish
fi
ok "$variant: built or cached ($dir)"
tree=$(sed -n 's/^cov_tree=//p' "$dir/info")
[ -d "$tree" ] && ok "$variant: info names its source tree" || bad "$variant: info has no cov_tree (got '$tree')"

# --- the build, no VM ------------------------------------------------------
if [ -f "$dir/mmucov.ko" ] && nm "$dir/mmucov.ko" | grep -q ' T __sanitizer_cov_trace_pc$'; then
	ok "mmucov.ko defines __sanitizer_cov_trace_pc"
else
	bad "mmucov.ko missing or without __sanitizer_cov_trace_pc"
fi
for m in kvm kvm-amd; do
	deps=$(modinfo -F depends "$dir/$m.ko" 2>/dev/null)
	[[ ",$deps," == *,mmucov,* ]] && ok "$m.ko depends on mmucov ($deps)" ||
		bad "$m.ko depends on '$deps', want mmucov"
	sites=$(readelf -rW "$dir/debug/$m.ko" 2>/dev/null | grep -c '__sanitizer_cov_trace_pc')
	[ "$sites" -ge 1000 ] && ok "$m.ko: $sites call sites of the callback" ||
		bad "$m.ko: $sites call sites, want >= 1000 (flag not applied?)"
	readelf -SW "$dir/debug/$m.ko" 2>/dev/null | grep -q '\.debug_line ' &&
		ok "debug/$m.ko has line tables" || bad "debug/$m.ko has no .debug_line"
done
# Control for the depends check: the plain variant's kvm.ko must not.
if [ -f kernels/cache/variants/baseline/kvm.ko ]; then
	d=$(modinfo -F depends kernels/cache/variants/baseline/kvm.ko)
	[[ ",$d," != *,mmucov,* ]] && ok "plain baseline kvm.ko does not depend on mmucov ($d)" ||
		bad "plain baseline kvm.ko depends on mmucov"
fi

# --- one VM boot -----------------------------------------------------------
start=$(date +%s.%N)
checks=$(dirname "$bin")/../../check	# kernels/check's programs, built beside
files=(--file "$bin")
for p in pae_two_pdpts pae_slots guest_modes; do [ -x "$checks/$p" ] && files+=(--file "$checks/$p"); done
harness/vm/vm-exec.sh --variant "$dir" --timeout 300 "${files[@]}" -- \
	sh -c 'for p in pae_two_pdpts pae_slots guest_modes; do [ -x $p ] && { ./$p > /dev/null 2>&1; echo "RESULT $p $?"; }; done > abi.out
	       cov_cr3 abi >> abi.out; echo "abi-rc $?" >> abi.out; cov_cr3 $0 && cat abi.out' "$runs" \
	>"$tmp/rec" 2>"$tmp/err"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
if [ "$rc" -ne 0 ]; then
	bad "cov_cr3 in the VM: exit $rc"; tail -n 20 "$tmp/err" | sed 's/^/     /'; finish
fi
mkdir -p build/cov && cp "$tmp/rec" build/cov/cov_cr3.record	# kept for a look afterwards
ok "cov_cr3 ran in the test VM ($(printf '%.1f' "$secs") s with the boot)"
# The instrumented modules are the same KVM: kernels/check's programs give
# what they give on the plain baseline (0: right).
for p in pae_two_pdpts pae_slots guest_modes; do
	got=$(sed -n "s/^RESULT $p \([0-9]*\)$/\1/p" "$tmp/rec")
	if [ -z "$got" ]; then bad "$p did not run (build it: make build/kernels/check/$p)"
	elif [ "$got" -eq 0 ]; then ok "$p exit 0 on $variant, as on baseline"
	else bad "$p exit $got on $variant, want 0"; fi
done
# cov_cr3 abi's own checks, one count each.
while read -r word what; do
	case $word in ok) ok "abi: $what" ;; FAIL) bad "abi: $what" ;; esac
done < <(grep -E '^(ok|FAIL) ' "$tmp/rec")
grep -qx 'abi-rc 0' "$tmp/rec" && ok "cov_cr3 abi exit 0" || bad "cov_cr3 abi: $(grep '^abi-rc' "$tmp/rec")"
grep -q '^section mmucov ' "$tmp/rec" && ok "mmucov.ko loaded in the VM" || bad "no mmucov sections in the VM"
grep '^run ' "$tmp/rec" | sed 's/^/     /'
grep '^same ' "$tmp/rec" | sed 's/^/     /'
while read -r _ label hits over rest; do
	[ "$over" = overflow=0 ] && ok "$label: no overflow ($hits)" || bad "$label: $over ($hits)"
done < <(grep '^run ' "$tmp/rec")

n=$(grep -cE '^buildid (kvm|kvm_amd|mmucov) [0-9a-f]{40}$' "$tmp/rec")
[ "$n" -eq 3 ] && ok "the record names the build IDs of kvm, kvm_amd, mmucov" || bad "$n of 3 buildid lines in the record"
if ! kernels/cov/resolve.sh "$dir" < "$tmp/rec" > "$tmp/res" 2>"$tmp/rerr"; then
	bad "resolve.sh failed: $(cat "$tmp/rerr")"; finish
fi
# funcs LABEL: every function name (inline chains included) its PCs hit.
funcs() { awk -F'\t' -v l="$1" '$1 == "pc" && $2 == l { n = split($6, f, ","); for (i = 1; i <= n; i++) print f[i] }' "$tmp/res" | sort -u; }
# reach GUEST FUNC WANT: in how many of the runs GUEST reaches FUNC (WANT
# all: every run must; none: no run may).
reach() {
	local hit=0 r
	for r in $(seq 1 "$runs"); do
		funcs "$1.$r" | grep -qx "$2" && hit=$((hit + 1))
	done
	case $3 in
	all) [ "$hit" -eq "$runs" ] && ok "$1 reaches $2 in all $runs runs" || bad "$1 reaches $2 in $hit of $runs runs" ;;
	none) [ "$hit" -eq 0 ] && ok "$1 does not reach $2 in any of $runs runs" || bad "$1 reaches $2 in $hit of $runs runs" ;;
	esac
}
for f in kvm_set_cr3 load_pdptrs kvm_mmu_new_pgd; do reach pae "$f" all; done
for f in kvm_set_cr3 kvm_mmu_new_pgd; do reach long "$f" all; done
reach long load_pdptrs none

# Same program, same edges -- for runs the host did not switch out in
# KVM_RUN (preemption runs KVM's preempt notifiers and resched branches;
# real KCOV records kvm_sched_in the same way).  Those runs are listed.
for g in pae long; do
	n=0
	while read -r _ a b rest; do
		n=$((n + 1))
		[ "$rest" = "pcs=+0/-0 edges=+0/-0" ] && ok "$g: $a and $b (not switched out): same PCs and edges" ||
			{ bad "$g: $a and $b differ: $rest"
			  awk -F'\t' -v l="$b" '$1 == "diffpc" && $2 == l { print "     " $2 " " $6 " " $7 }' "$tmp/res" | head -n 20; }
	done < <(grep "^same $g\." "$tmp/rec")
	[ "$n" -gt 0 ] || echo "skip $g: fewer than two of its runs went without a context switch; determinism not judged"
	while read -r _ a b rest; do
		echo "     note: $g: $a vs $b, switched out: $rest ($(awk -F'\t' -v l="$b" '$1 == "diffpc" && $2 == l { n = split($6, f, ","); print f[n] }' "$tmp/res" | sort -u | head -n 6 | tr '\n' ' '))"
	done < <(grep "^same-switched $g\." "$tmp/rec")
done

# Every PC resolves to a line of the variant's own tree (or its headers).
abi=$(sed -n 's/^abi=//p' "$dir/info")
srcs=("$tree" "$dir/../../root/usr/src/linux-headers-$abi" "$dir/../../root/usr/src/linux-headers-${abi%-amd64}-common")
awk -F'\t' '$1 == "pc" { print $4 "\t" $6 "\t" $7 }' "$tmp/res" | sort -u > "$tmp/locs"
total=$(wc -l < "$tmp/locs") unresolved=0 outside=0 badline=0
while IFS=$'\t' read -r mod fn loc; do
	if [ "$mod" = "?" ] || [ "$fn" = "??" ] || [[ "$loc" == \?* ]]; then unresolved=$((unresolved + 1)); continue; fi
	file=${loc%:*} line=${loc##*:}
	src=
	for s in "${srcs[@]}"; do [ -f "$s/$file" ] && { src=$s/$file; break; }; done
	[ -n "$src" ] || { outside=$((outside + 1)); echo "     outside: $mod $fn $loc"; continue; }
	n=$(wc -l < "$src")
	[[ "$line" =~ ^[0-9]+$ ]] && [ "$line" -ge 1 ] && [ "$line" -le "$n" ] || badline=$((badline + 1))
done < "$tmp/locs"
[ "$total" -gt 0 ] && [ $((unresolved + outside + badline)) -eq 0 ] &&
	ok "all $total distinct PC locations resolve to lines of the variant's sources" ||
	bad "of $total PC locations: $unresolved unresolved, $outside outside the tree, $badline past the file's end"
cp "$tmp/res" build/cov/cov_cr3.tsv

# --- the agent's edges, through vmclient (second boot) ----------------------
if [ -n "$agent_check" ]; then
	plain=${variant%+cov}
	"$agent_check" "$variant" "$plain" "$tmp/arec" >"$tmp/aout" 2>&1
	arc=$?
	sed 's/^/     /' "$tmp/aout"
	read -r ap af as < <(sed -n 's/^agent-cov: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$tmp/aout")
	if [ -z "${ap:-}" ]; then
		bad "agent_check $variant $plain: no summary (exit $arc)"
	else
		pass=$((pass + ap)) fail=$((fail + af))
		[ "$arc" -eq 0 ] || [ "$af" -gt 0 ] || bad "agent_check exit $arc with no failed check"
		[ "${as:-0}" -eq 0 ] || echo "skip agent_check: $as check(s) skipped (see above)"
	fi
	cp "$tmp/arec" build/cov/agent_check.record 2>/dev/null
	if grep -q '^pc ' "$tmp/arec" 2>/dev/null &&
	   grep -v '^switched ' "$tmp/arec" | kernels/cov/resolve.sh "$dir" > "$tmp/ares" 2>"$tmp/arerr"; then
		ok "the agent's PCs resolve against $variant's debug modules"
		afuncs() { awk -F'\t' -v l="$1" '$1 == "pc" && $2 == l { n = split($6, f, ","); for (i = 1; i <= n; i++) print f[i] }' "$tmp/ares" | sort -u; }
		labels() { awk '$1 == "pc" { print $2 }' "$tmp/arec" | sort -u | grep "^$1\."; }
		# Runs of one program differ only in paths of the KVM VM's
		# carried-over state or the host's timing: the MMU memory
		# caches' refill, host-interrupt exits, ASID rollover, and the
		# guest clock update KVM_REQ_CLOCK_UPDATE asks for when the host
		# moved the vCPU thread or its clock (kvm_guest_time_update and
		# the Hyper-V TSC page it refreshes), and the test-and-clear of a
		# pending request in vcpu_enter_guest (host events raise them;
		# what a request then runs is in its own functions, judged here).
		noise='__kvm_mmu_topup_memory_cache|mmu_memory_cache_alloc_obj|mmu_topup_memory_caches|intr_interception|svm_handle_exit_irqoff|svm_invoke_exit_handler|new_asid|kvm_guest_time_update|kvm_hv_setup_tsc_page|kvm_check_request|kvm_test_request|kvm_clear_request'
		pcs_of() { awk -F'\t' -v l="$1" '$1 == "pc" && $2 == l { print $3 "\t" $6 }' "$tmp/ares" | sort -u; }
		npairs=0 badpairs=
		while read -r _ a b _; do
			npairs=$((npairs + 1))
			other=$(comm -3 <(pcs_of "$a") <(pcs_of "$b") | sed 's/^\t//' | awk -F'\t' -v re="^($noise)$" '{ n = split($2, f, ","); hit = 0; for (i = 1; i <= n; i++) if (f[i] ~ re) hit = 1; if (!hit) print $2 }' | sort -u)
			[ -z "$other" ] || badpairs="$badpairs $a/$b: $(echo "$other" | head -n 3 | tr '\n' ' ');"
		done < <(sed -n 's/^ *same \(pae\.[0-9]* pae\.[0-9]*\) .*/x \1 y/p' "$tmp/aout")
		if [ "$npairs" -eq 0 ]; then
			echo "skip agent: no pair of unswitched PAE runs; PC differences not judged"
		elif [ -z "$badpairs" ]; then
			ok "agent: in all $npairs pairs of unswitched PAE runs, every PC that differs is in the cache-refill / interrupt-exit / ASID / clock-update paths"
		else
			bad "agent: PAE runs differ in other code:$badpairs"
		fi
		# reach_all PROGRAM FUNC yes|no: every run of PROGRAM reaches FUNC / none does.
		reach_all() {
			local l n=0 hit=0
			for l in $(labels "$1"); do
				n=$((n + 1))
				afuncs "$l" | grep -qx "$2" && hit=$((hit + 1))
			done
			if [ "$3" = yes ]; then
				[ "$n" -gt 0 ] && [ "$hit" -eq "$n" ] && ok "agent: all $n $1 runs reach $2" ||
					bad "agent: $hit of $n $1 runs reach $2"
			else
				[ "$n" -gt 0 ] && [ "$hit" -eq 0 ] && ok "agent: none of $n $1 runs reaches $2" ||
					bad "agent: $hit of $n $1 runs reach $2"
			fi
		}
		reach_all pae load_pdptrs yes
		reach_all pae kvm_set_cr3 yes
		reach_all long kvm_set_cr3 yes
		reach_all long load_pdptrs no
	else
		bad "agent's record: no PCs, or resolve.sh failed: $(cat "$tmp/arerr" 2>/dev/null)"
	fi
fi
finish
