#!/bin/bash
# Print BASE/ABI/KROOT/VMLINUZ/MODULES/VMLINUX for the test VM.
#
#   harness/vm/kenv.sh [--variant DIR]
#
# With --variant, the kernel is the one the variant was built for: its
# info file names the image (vmlinuz=) and the stock module tree
# (modules=) of its base (kernels/base.sh: Debian's 6.1 or 6.12, or a
# kernel the user built).  Without it, or for a variant directory from
# before bases existed, it is Debian's 6.1 as kernels/fetch-debian.sh
# unpacked it: from the unpacked cache when it is complete (asking apt
# costs a second and a half per boot).
#
# VMLINUX is the uncompressed kernel (build/vm/vmlinux-<ABI>, cut out of
# the bzImage once): QEMU boots it through its PVH entry, which skips the
# xz decompression that costs the emulated CPU several seconds per boot.
# If it cannot be made, VMLINUX=$VMLINUZ.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "harness/vm/kenv.sh: $*" >&2; exit 1; }
variant=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) [ $# -ge 2 ] || die "--variant needs a directory"; variant=$2; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done
vars=
if [ -n "$variant" ] && [ -f "$variant/info" ] && grep -q '^vmlinuz=' "$variant/info"; then
	info() { sed -n "s/^$1=//p" "$variant/info" | head -n1; }
	vars="BASE=$(info base)
ABI=$(info abi)
VMLINUZ=$(info vmlinuz)
MODULES=$(info modules)"
	[ -r "$(info vmlinuz)" ] || die "$variant/info: kernel image $(info vmlinuz) is not readable"
	[ -d "$(info modules)" ] || die "$variant/info: module tree $(info modules) does not exist"
fi
kc=${KCACHE:-$top/kernels/cache}
if [ -z "$vars" ] && [ -s "$kc/abi" ]; then
	abi=$(cat "$kc/abi")
	if [ -e "$kc/root/.unpacked-$abi" ] && [ -e "$kc/root/boot/vmlinuz-$abi" ]; then
		vars="BASE=6.1
ABI=$abi
KROOT=$kc/root
VMLINUZ=$kc/root/boot/vmlinuz-$abi
MODULES=$kc/root/lib/modules/$abi"
	fi
fi
[ -n "$vars" ] || vars=$("$top/kernels/fetch-debian.sh" --print | grep -E '^(BASE|ABI|KROOT|VMLINUZ|MODULES)=')
echo "$vars"
eval "$vars"

# An own kernel's release need not be unique: name its vmlinux after the
# base id, which includes the tree's path.
case $BASE in 6.1|6.12) key=$ABI ;; *) key=$BASE ;; esac
out=$top/build/vm/vmlinux-$key
if [ ! -s "$out" ] || [ "$VMLINUZ" -nt "$out" ]; then
	mkdir -p "$top/build/vm"
	# The payload is the compressed stream that starts at the first magic:
	# xz (Debian's 6.1) or zstd (Debian's 6.12).
	unz=xz off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$VMLINUZ" | head -n1 | cut -d: -f1 || true)
	[ -n "$off" ] || { unz=zstd off=$(LC_ALL=C grep -abo $'\x28\xb5\x2f\xfd' "$VMLINUZ" | head -n1 | cut -d: -f1 || true); }
	if [ -n "$off" ] &&
	   { tail -c +$((off + 1)) "$VMLINUZ" | $unz -dcq > "$out.tmp.$$" 2>/dev/null || [ $unz = zstd ]; };
	   [ -s "$out.tmp.$$" ] && readelf -n "$out.tmp.$$" 2>/dev/null | grep 'Unknown note type: (0x00000012)' >/dev/null; then
		mv "$out.tmp.$$" "$out"
	else
		rm -f "$out.tmp.$$"
		echo "harness/vm/kenv.sh: cannot extract a PVH vmlinux from $VMLINUZ; booting the bzImage" >&2
		out=$VMLINUZ
	fi
fi
echo "VMLINUX=$out"
