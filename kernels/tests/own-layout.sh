#!/bin/bash
# Lay out Debian's 6.12 image, headers and modules as a user's own kernel
# build and install would look, so the own-kernel path (kernels/base.sh:
# BASE = a directory) runs for real without a full kernel build.
#
#   kernels/tests/own-layout.sh OUTDIR     prints OUTDIR/tree and OUTDIR/install
#
# OUTDIR/tree: a build tree -- the headers' -common and -amd64 halves
# merged (what `make` leaves in a source tree: .config, Module.symvers,
# include/generated, include/config/kernel.release, the kbuild programs
# in scripts/), the full kvm sources (arch/x86/kvm, virt/kvm), vmlinux,
# arch/x86/boot/bzImage, and every module at its source path
# (arch/x86/kvm/kvm.ko, drivers/crypto/ccp/ccp.ko, ...), uncompressed as
# a build leaves them, plus modules.builtin.
# OUTDIR/install: vmlinuz and lib/modules/<release>/ as `make
# modules_install INSTALL_MOD_PATH=` writes it.
# Rebuilt only when the 6.12 base's package version changes.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: own-layout.sh OUTDIR}
mkdir -p "$out"; out=$(cd "$out" && pwd)
eval "$("$top/kernels/fetch-debian.sh" --base 6.12 --print)"
stamp=$out/.layout-$VERSION
if [ ! -e "$stamp" ]; then
	rm -rf "$out/tree" "$out/install" "$out"/.layout-*
	hdr=$KROOT/usr/src/linux-headers-$ABI
	common=$KROOT/usr/src/linux-headers-${ABI%-amd64}-common
	kbuild=$KROOT/usr/lib/linux-kbuild-${ABI%-amd64}
	t=$out/tree.tmp; rm -rf "$t"; mkdir -p "$t"
	cp -a "$common/." "$t/"
	# The -amd64 half minus its one-line Makefile (the -common one is the
	# kernel's own) and its symlinks into the kbuild package.
	(cd "$hdr" && tar -cf - --exclude=./Makefile --exclude=./scripts --exclude=./tools --exclude=./vmlinux .) |
		tar -xf - -C "$t"
	# Both halves point scripts/ and tools/ into the kbuild package; in a
	# build tree they are real directories.
	rm -f "$t/scripts" "$t/tools"
	cp -a "$kbuild/scripts" "$kbuild/tools" "$t/"
	src=$KCACHE/src/$VERSION
	[ -d "$src/arch/x86/kvm" ] || { echo "own-layout: no kvm sources at $src (build 6.12:baseline first)" >&2; exit 1; }
	rm -rf "$t/arch/x86/kvm" "$t/virt/kvm"
	cp -a "$src/arch/x86/kvm" "$t/arch/x86/"; mkdir -p "$t/virt"; cp -a "$src/virt/kvm" "$t/virt/"
	cp -a "$src/arch/x86/include/asm/kvm_host.h" "$t/arch/x86/include/asm/"
	# The full vmlinux (the kernel image itself, with its BTF) as a build
	# leaves it; the variant build's BTF base.
	# (No "| grep -q" or "| head" under pipefail: the writer's SIGPIPE
	# would fail the pipeline at random.)
	off=$(LC_ALL=C grep -abo -m1 $'\x28\xb5\x2f\xfd' "$VMLINUZ" | cut -d: -f1)
	tail -c +$((off + 1)) "$VMLINUZ" | zstd -dcq > "$t/vmlinux" 2>/dev/null || true
	readelf -S "$t/vmlinux" 2>/dev/null | grep '\.BTF ' >/dev/null || { echo "own-layout: cannot unpack vmlinux from $VMLINUZ" >&2; exit 1; }
	mkdir -p "$t/arch/x86/boot"; cp "$VMLINUZ" "$t/arch/x86/boot/bzImage"
	(cd "$MODULES/kernel" && find . -name '*.ko.xz') | while read -r m; do
		mkdir -p "$t/$(dirname "$m")"
		xz -dc "$MODULES/kernel/$m" > "$t/${m%.xz}"
	done
	cp "$MODULES/modules.builtin" "$t/"
	mv "$t" "$out/tree"
	i=$out/install.tmp; rm -rf "$i"; mkdir -p "$i/lib/modules"
	cp "$VMLINUZ" "$i/vmlinuz"
	cp -a "$MODULES" "$i/lib/modules/"
	mv "$i" "$out/install"
	touch "$stamp"
fi
echo "$out/tree"
echo "$out/install"
