#!/bin/bash
# Generate the BPF build's vmlinux.h from the Debian 6.1 kernel that the
# test VM boots: vmlinux BTF plus the kvm module's split BTF, so KVM's own
# types (struct kvm_vcpu, the kvmmmu trace records) are there for CO-RE.
# The same object also runs on the 6.12 base: whatever differs there must
# be read through CO-RE (rootrace.bpf.c says which reads are plain).
#
#   harness/bpf/gen-vmlinux-h.sh OUTDIR     writes OUTDIR/vmlinux.h
#
# The kernel image is xz-compressed; the kernel's own scripts/extract-vmlinux
# (from the linux-source tarball, unpacked once into OUTDIR) unwraps it.
set -euo pipefail
out=${1:?usage: gen-vmlinux-h.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
eval "$("$top/kernels/fetch-debian.sh" --print)"
: "${ABI:?fetch-debian.sh printed no ABI}" "${KROOT:?}" "${VMLINUZ:?}" "${MODULES:?}"
kvm_ko=$MODULES/kernel/arch/x86/kvm/kvm.ko
[ -f "$kvm_ko" ] || { echo "gen-vmlinux-h: $kvm_ko: missing" >&2; exit 1; }

xv=$out/extract-vmlinux
if [ ! -x "$xv" ]; then
	src=$KROOT/usr/src/linux-source-6.1.tar.xz
	[ -f "$src" ] || { echo "gen-vmlinux-h: $src: missing" >&2; exit 1; }
	tar -xJf "$src" -O linux-source-6.1/scripts/extract-vmlinux > "$xv.tmp"
	chmod +x "$xv.tmp" && mv "$xv.tmp" "$xv"
fi
"$xv" "$VMLINUZ" > "$out/vmlinux.tmp"
bpftool btf dump file "$out/vmlinux.tmp" format raw > /dev/null ||
	{ echo "gen-vmlinux-h: $VMLINUZ: no BTF in the extracted image" >&2; exit 1; }
mv "$out/vmlinux.tmp" "$out/vmlinux"
bpftool btf dump file "$kvm_ko" --base-btf "$out/vmlinux" format c > "$out/vmlinux.h.tmp"
grep -q '^struct trace_event_raw_kvm_mmu_get_page {' "$out/vmlinux.h.tmp" ||
	{ echo "gen-vmlinux-h: $kvm_ko: no kvm_mmu_get_page trace record in its BTF" >&2; exit 1; }
echo "$ABI" > "$out/vmlinux.abi"
mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
