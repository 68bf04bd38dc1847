#!/bin/bash
# Print ABI/KROOT/VMLINUZ/MODULES for the test VM, like
# kernels/fetch-debian.sh --print, but from the unpacked cache when it is
# complete: the VM must boot the ABI the cache (and every variant built
# against it) holds, and asking apt costs a second and a half per boot.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kc=${KCACHE:-$top/kernels/cache}
if [ -s "$kc/abi" ]; then
	abi=$(cat "$kc/abi")
	if [ -e "$kc/root/.unpacked-$abi" ] && [ -e "$kc/root/boot/vmlinuz-$abi" ]; then
		echo "ABI=$abi"
		echo "KROOT=$kc/root"
		echo "VMLINUZ=$kc/root/boot/vmlinuz-$abi"
		echo "MODULES=$kc/root/lib/modules/$abi"
		exit 0
	fi
fi
exec "$top/kernels/fetch-debian.sh" --print
