#!/bin/bash
# Print ABI/KROOT/VMLINUZ/MODULES/VMLINUX for the test VM.
#
# Like kernels/fetch-debian.sh --print, but from the unpacked cache when it
# is complete: the VM must boot the ABI the cache (and every variant built
# against it) holds, and asking apt costs a second and a half per boot.
#
# VMLINUX is the uncompressed kernel (build/vm/vmlinux-$ABI, cut out of
# the bzImage once): QEMU boots it through its PVH entry, which skips the
# xz decompression that costs the emulated CPU several seconds per boot.
# If it cannot be made, VMLINUX=$VMLINUZ.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kc=${KCACHE:-$top/kernels/cache}
vars=
if [ -s "$kc/abi" ]; then
	abi=$(cat "$kc/abi")
	if [ -e "$kc/root/.unpacked-$abi" ] && [ -e "$kc/root/boot/vmlinuz-$abi" ]; then
		vars="ABI=$abi
KROOT=$kc/root
VMLINUZ=$kc/root/boot/vmlinuz-$abi
MODULES=$kc/root/lib/modules/$abi"
	fi
fi
[ -n "$vars" ] || vars=$("$top/kernels/fetch-debian.sh" --print)
echo "$vars"
eval "$vars"

out=$top/build/vm/vmlinux-$ABI
if [ ! -s "$out" ]; then
	mkdir -p "$top/build/vm"
	# The payload is the xz stream that starts at the first xz magic.
	off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$VMLINUZ" | head -n1 | cut -d: -f1)
	if [ -n "$off" ] &&
	   tail -c +$((off + 1)) "$VMLINUZ" | xz -dcq > "$out.tmp.$$" 2>/dev/null;
	   [ -s "$out.tmp.$$" ] && readelf -n "$out.tmp.$$" 2>/dev/null | grep -q 'Unknown note type: (0x00000012)'; then
		mv "$out.tmp.$$" "$out"
	else
		rm -f "$out.tmp.$$"
		echo "harness/vm/kenv.sh: cannot extract a PVH vmlinux from $VMLINUZ; booting the bzImage" >&2
		out=$VMLINUZ
	fi
fi
echo "VMLINUX=$out"
