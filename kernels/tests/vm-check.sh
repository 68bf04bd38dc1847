#!/bin/bash
# check-kernels-vm: the variants on a real KVM, in the test VM
# (harness/vm/vm-exec.sh: the variant's base kernel -- Debian's 6.1 or
# 6.12 -- under QEMU TCG + SVM, kvm_amd npt=0).
#
#   kernels/tests/vm-check.sh BINDIR [BASE...]
#       BINDIR: the static kernels/check programs; BASE: 6.1 and/or 6.12
#       (default both; $MMUFUZZ_KERNEL_BASES overrides the default)
#
# Expectations, one VM boot per variant and base (6.12's variants are
# 6.12:baseline and kernels/patches/6.12/*.patch):
#   baseline        pae_two_pdpts, pae_slots, pae_smp 0
#   pae-root-rfc    pae_two_pdpts, pae_slots, pae_smp 1 (the reviewer's bug)
#   pae-root-slot   pae_two_pdpts, pae_slots, pae_smp 0
#   every variant   guest_modes 0, pae_smp spread 0 (one PDPT per page),
#                   no host WARN/oops (the VM runs panic_on_warn=1);
#                   other kernels/patches/*.patch: the PAE programs 0 or 1
#   test-warn-on-magic-cr3: magic_cr3 sregs and magic_cr3 guest each end
#                   the VM with that WARN (vm-exec exit 124, WARN text in
#                   the console); baseline survives both (exit 0).
# Prints "kernels-vm: N passed, N failed".
. "$(dirname "$0")/lib.sh" kernels-vm
bin=${1:?usage: vm-check.sh BINDIR [BASE...]}
shift
bases=("$@")
[ ${#bases[@]} -gt 0 ] || read -ra bases <<< "${MMUFUZZ_KERNEL_BASES:-6.1 6.12}"
vmx=harness/vm/vm-exec.sh
if [ ! -x "$vmx" ]; then
	bad "$vmx missing: the VM checks need the test VM (harness/vm)"
	summary; exit 1
fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
files=(--file "$bin/pae_two_pdpts" --file "$bin/pae_slots" --file "$bin/pae_smp" --file "$bin/guest_modes"
	--file "$bin/magic_cr3")

# All programs in one boot; each reports "RESULT <program> <exit status>".
progs='pae_two_pdpts|pae_slots|pae_smp|pae_smp spread|guest_modes'
variants=()
for b in "${bases[@]}"; do
	case $b in
	6.1) variants+=(baseline $(ls kernels/patches/*.patch | xargs -n1 basename | sed 's/\.patch$//')) ;;
	*) variants+=("$b:baseline" $(ls kernels/patches/"$b"/*.patch 2>/dev/null | xargs -rn1 basename | sed "s/\.patch\$//; s/^/$b:/")) ;;
	esac
done
for v in "${variants[@]}"; do
	# The base's uname -r must be the one the variant was built for.
	abi=$(sed -n 's/^abi=//p' "$(kernels/variant-dir.sh "$v" 2>/dev/null)/info" 2>/dev/null)
	case ${v#*:} in
	baseline|pae-root-slot) want=0 ;;
	pae-root-rfc) want=1 ;;
	*) want=any ;;
	esac
	"$vmx" --variant "$v" --timeout 900 "${files[@]}" -- sh -c \
		'IFS="|"; for p in $0; do IFS=" "; $p; echo "RESULT $p $?"; done
		 echo "UNAME $(uname -r)"; dmesg | grep -iE "kvm|svm|warn" | sed "s/^/dmesg: /"' "$progs" \
		>"$out" 2>&1
	rc=$?
	sed 's/^/     /' "$out" | grep -vE '^     kernels: .*cached' | tail -n 40
	if [ "$rc" -ge 124 ]; then bad "$v: VM died or could not run (exit $rc): host WARN/oops or setup failure"; continue; fi
	got=$(sed -n 's/^UNAME //p' "$out")
	[ -n "$abi" ] && [ "$got" = "$abi" ] && ok "$v: the VM ran the base's kernel $got" ||
		bad "$v: the VM ran kernel '$got', the variant was built for '$abi'"
	IFS='|'
	for p in $progs; do
		IFS=' '
		got=$(sed -n "s/^RESULT $p \([0-9]*\)$/\1/p" "$out")
		case $p in
		guest_modes|"pae_smp spread") w=0 ;;	# must stay right on every variant
		*) w=$want ;;
		esac
		if [ -z "$got" ]; then bad "$v: $p did not run to its end"; continue; fi
		case $w in
		any) [ "$got" -le 1 ] && ok "$v: $p exit $got (no expectation for this patch)" ||
			bad "$v: $p exit $got (setup error)" ;;
		*) [ "$got" -eq "$w" ] && ok "$v: $p exit $got as expected" ||
			bad "$v: $p exit $got, want $w" ;;
		esac
	done
	IFS=' '
done

case " ${bases[*]} " in *" 6.1 "*) ;; *) summary; exit ;; esac
# The WARN test patch is written against 6.1.
for mode in sregs guest; do
	"$vmx" --variant test-warn-on-magic-cr3 --timeout 900 "${files[@]}" -- magic_cr3 "$mode" >"$out" 2>&1
	rc=$?
	log=$(sed -n 's/^vm-exec: console log //p' "$out")
	if [ "$rc" -eq 124 ] && grep -q "mmufuzz test: .*CR3 0x*dead000" "$log" 2>/dev/null; then
		ok "test-warn-on-magic-cr3: magic_cr3 $mode: WARN seen, VM ended (exit 124): $(grep -m1 'mmufuzz test' "$log" | cut -c1-90)"
	else
		bad "test-warn-on-magic-cr3: magic_cr3 $mode: exit $rc, want 124 with the WARN in $log"
		tail -n 8 "$out" | sed 's/^/     /'
	fi
done
"$vmx" --variant baseline --timeout 900 "${files[@]}" -- sh -c 'magic_cr3 sregs && magic_cr3 guest' >"$out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "baseline: magic_cr3 sregs and guest: no WARN, exit 0" ||
	{ bad "baseline: magic_cr3 exit $rc, want 0"; tail -n 8 "$out" | sed 's/^/     /'; }
summary
