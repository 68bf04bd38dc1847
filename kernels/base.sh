# kernels/base.sh -- sourced by the kernels/ scripts: what a base is.
#
# A variant is a (base, patch) pair, named "[BASE:]VARIANT".  BASE is
#   6.1     Debian's 6.1 (linux-image-amd64's ABI); the default when the
#           name has no "BASE:" part, so every older name keeps meaning
#           what it meant
#   6.12    Debian's 6.12 from bookworm-security (linux-image-6.12-amd64's ABI)
#   DIR     a kernel the user built: a build tree (.config, Module.symvers,
#           vmlinux, arch/x86/boot/bzImage, KVM as modules) or an install
#           layout (vmlinuz plus lib/modules/<release>/); the name is split
#           at its first ':', so DIR itself may not contain one
# and VARIANT is "baseline", "stock" (the base's own modules, no build),
# a patch or series name, or a path to a patch, an mbox or a folder.
#
# Each base has its own cache directory with the same layout (abi, debs/,
# root/, src/, build/, variants/): 6.1 keeps kernels/cache itself (older
# caches stay valid), every other base lives under kernels/cache/bases/.

kbase_top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KCACHE_TOP=${KCACHE_TOP:-$kbase_top/cache}

# kvm_modules: the modules a variant build makes.  kvm-intel.ko only where
# a test VM can have VMX, i.e. a host CPU with vmx (MMUFUZZ_VM_ACCEL=kvm
# gives the VM the host's CPU); under TCG the VMs emulate AMD SVM and load
# kvm_amd alone, and kvm-intel's objects are about a fifth of a build.
# MMUFUZZ_KVM_INTEL=1 or 0 decides instead.  A cached variant that lacks a
# module wanted now is rebuilt.
kvm_modules() {
	local intel=${MMUFUZZ_KVM_INTEL:-}
	if [ -z "$intel" ]; then
		grep -qw vmx /proc/cpuinfo 2>/dev/null && intel=1 || intel=0
	fi
	if [ "$intel" = 1 ]; then echo "kvm kvm-amd kvm-intel"; else echo "kvm kvm-amd"; fi
}

# kbase_split NAME: set kb_base and kb_variant from "[BASE:]VARIANT".
kbase_split() {
	case $1 in
	*:*)	kb_base=${1%%:*} kb_variant=${1#*:} ;;
	*)	kb_base=6.1 kb_variant=$1 ;;
	esac
}

# kbase_kind BASE: "debian" or "own"; returns 1 for an unknown base.
kbase_kind() {
	case $1 in
	6.1|6.12) echo debian ;;
	*/*)	[ -d "$1" ] || return 1; echo own ;;
	*)	return 1 ;;
	esac
}

# kbase_id BASE: the base's name in cache paths and file names: 6.1,
# 6.12, or own-<release>-<8 hex of the directory's real path>.
kbase_id() {
	local real rel
	case $1 in
	6.1|6.12) echo "$1" ;;
	*)	real=$(cd "$1" && pwd -P)
		rel=$(kbase_own_release "$real") || return 1
		echo "own-$rel-$(printf '%s' "$real" | sha256sum | cut -c1-8)" ;;
	esac
}

# kbase_cache BASE: the base's cache directory (not created).
kbase_cache() {
	case $1 in
	6.1)	echo "$KCACHE_TOP" ;;
	*)	echo "$KCACHE_TOP/bases/$(kbase_id "$1")" ;;
	esac
}

# kbase_own_layout DIR: "tree" (a build tree) or "install"; returns 1
# with a message naming what is missing otherwise.
kbase_own_layout() {
	local d=$1 miss=
	if [ -f "$d/Module.symvers" ] || [ -f "$d/.config" ]; then
		for f in .config Module.symvers vmlinux arch/x86/boot/bzImage include/config/kernel.release \
			 arch/x86/kvm/kvm.ko arch/x86/kvm/Makefile virt/kvm/Makefile.kvm arch/x86/include/asm/kvm_host.h; do
			[ -e "$d/$f" ] || miss+=" $f"
		done
		if [ -n "$miss" ]; then
			echo "kernels: $d: not a usable kernel build tree, missing:$miss" >&2
			return 1
		fi
		echo tree; return 0
	fi
	if [ -e "$d/vmlinuz" ] && [ "$(ls -d "$d"/lib/modules/*/ 2>/dev/null | wc -l)" = 1 ]; then
		echo install; return 0
	fi
	echo "kernels: $d: neither a kernel build tree (.config, Module.symvers, vmlinux, arch/x86/boot/bzImage) nor an install layout (vmlinuz and one lib/modules/<release>/)" >&2
	return 1
}

# kbase_own_release DIR: the kernel release of a build tree or install.
kbase_own_release() {
	local d=$1 layout
	layout=$(kbase_own_layout "$d") || return 1
	case $layout in
	tree)	cat "$d/include/config/kernel.release" ;;
	install) basename "$(ls -d "$d"/lib/modules/*/ | head -n1)" ;;
	esac
}
