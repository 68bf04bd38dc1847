#!/bin/bash
# check-kernels-vm: the variants on a real KVM, in the test VM
# (harness/vm/vm-exec.sh: Debian's 6.1 under QEMU TCG + SVM, kvm_amd npt=0).
#
#   kernels/tests/vm-check.sh BINDIR     (BINDIR holds pae_two_pdpts,
#                                 pae_slots, guest_modes, magic_cr3, static)
#
# Expectations, one VM boot per variant:
#   baseline        pae_two_pdpts 0, pae_slots 0, guest_modes 0
#   pae-root-rfc    pae_two_pdpts 1 (the reviewer's bug), pae_slots 1,
#                   guest_modes 0
#   pae-root-slot   pae_two_pdpts 0, pae_slots 0, guest_modes 0
#   any other kernels/patches/*.patch: guest_modes 0, the PAE programs 0
#                   or 1, and no host WARN/oops (the VM runs panic_on_warn=1)
#   test-warn-on-magic-cr3: magic_cr3 sregs and magic_cr3 guest each end
#                   the VM with that WARN (vm-exec exit 124, WARN text in
#                   the console); baseline survives both (exit 0).
# Prints "kernels-vm: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
bin=${1:?usage: vm-check.sh BINDIR}
vmx=harness/vm/vm-exec.sh
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
if [ ! -x "$vmx" ]; then
	bad "$vmx missing: the VM checks need the test VM (harness/vm)"
	echo "kernels-vm: $pass passed, $fail failed"; exit 1
fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
files=(--file "$bin/pae_two_pdpts" --file "$bin/pae_slots" --file "$bin/guest_modes" --file "$bin/magic_cr3")

# The three programs in one boot; the exit status packs their results.
for v in baseline $(ls kernels/patches/*.patch | xargs -n1 basename | sed 's/\.patch$//'); do
	case $v in
	baseline|pae-root-slot) want=0 ;;
	pae-root-rfc) want=1 ;;
	*) want=any ;;
	esac
	"$vmx" --variant "$v" --timeout 300 "${files[@]}" -- sh -c \
		'pae_two_pdpts; a=$?; pae_slots; s=$?; guest_modes; b=$?; dmesg | grep -iE "kvm|svm|warn" | sed "s/^/dmesg: /"; exit $((a * 16 + s * 4 + b))' \
		>"$out" 2>&1
	rc=$?
	sed 's/^/     /' "$out" | grep -vE '^     kernels: .*cached' | tail -n 30
	if [ "$rc" -ge 124 ]; then bad "$v: VM died or could not run (exit $rc): host WARN/oops or setup failure"; continue; fi
	# Exit statuses only mean something if the programs ran to their end.
	if ! grep -q '^guest_modes: ' "$out"; then
		bad "$v: the programs did not run (exit $rc)"; tail -n 5 "$out" | sed 's/^/     /'; continue
	fi
	a=$((rc / 16)) s=$((rc / 4 % 4)) b=$((rc % 4))
	for r in "pae_two_pdpts $a" "pae_slots $s"; do
		set -- $r
		case $want in
		any) [ "$2" -le 1 ] && ok "$v: $1 exit $2 (no expectation for this patch)" ||
			bad "$v: $1 exit $2 (setup error)" ;;
		*) [ "$2" -eq "$want" ] && ok "$v: $1 exit $2 as expected" ||
			bad "$v: $1 exit $2, want $want" ;;
		esac
	done
	[ "$b" -eq 0 ] && ok "$v: guest_modes (64-bit, 32-bit non-PAE) exit 0" || bad "$v: guest_modes exit $b, want 0"
done

for mode in sregs guest; do
	"$vmx" --variant test-warn-on-magic-cr3 --timeout 300 "${files[@]}" -- magic_cr3 "$mode" >"$out" 2>&1
	rc=$?
	log=$(sed -n 's/^vm-exec: console log //p' "$out")
	if [ "$rc" -eq 124 ] && grep -q "mmufuzz test: .*CR3 0x*dead000" "$log" 2>/dev/null; then
		ok "test-warn-on-magic-cr3: magic_cr3 $mode: WARN seen, VM ended (exit 124): $(grep -m1 'mmufuzz test' "$log" | cut -c1-90)"
	else
		bad "test-warn-on-magic-cr3: magic_cr3 $mode: exit $rc, want 124 with the WARN in $log"
		tail -n 8 "$out" | sed 's/^/     /'
	fi
done
"$vmx" --variant baseline --timeout 300 "${files[@]}" -- sh -c 'magic_cr3 sregs && magic_cr3 guest' >"$out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "baseline: magic_cr3 sregs and guest: no WARN, exit 0" ||
	{ bad "baseline: magic_cr3 exit $rc, want 0"; tail -n 8 "$out" | sed 's/^/     /'; }
echo "kernels-vm: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
