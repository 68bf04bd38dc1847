# Sourced by kernels/build-variant.sh: the "+cov" variants.
#
# A variant named <name>+cov is <name> (baseline, a patch, test-<name>)
# with every KVM object compiled with -fsanitize-coverage=trace-pc, the
# callback resolved against mmucov.ko (kernels/cov/build-module.sh), and
# in the variant directory, besides the stripped modules:
#   mmucov.ko            loaded before kvm.ko (kvm.ko depends on it, so
#                        harness/vm/mkinitramfs.sh picks it up by itself)
#   debug/<mod>.ko       the unstripped modules, for PC -> file:line
#   info                 cov=trace-pc, cov_module=<mmucov build dir>,
#                        cov_tree=<the built source tree, for file:line>
# build-variant.sh sets cov=1 for such a name.  Each function dies
# (through build-variant.sh's die) on failure.

cov_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# What a +cov build adds to the cache key (the module's sources).
cov_hash_inputs() {
	[ -n "$cov" ] || return 0
	echo cov=trace-pc
	cat "$cov_dir/mmucov.c" "$cov_dir/mmucov.h" "$cov_dir/Kbuild" \
	    "$cov_dir/build-module.sh" "$cov_dir/variant.sh"
}

# cov_cached OUT: true when OUT holds what a +cov variant must hold.
cov_cached() {
	[ -z "$cov" ] || { [ -f "$1/mmucov.ko" ] && [ -f "$1/debug/kvm.ko" ]; }
}

# cov_prepare MAKEFILE: build mmucov.ko (cached), add the flag to the kvm
# Makefile (its ccflags-y reach arch/x86/kvm, its svm/ vmx/ mmu/ objects
# and virt/kvm's, which Makefile.kvm lists in the same Makefile) and set
# cov_make_args for the module build.
cov_make_args=()
cov_prepare() {
	[ -n "$cov" ] || return 0
	cov_module=$(KDIR="$KDIR" ABI="$ABI" "$cov_dir/build-module.sh") || die "mmucov.ko build failed"
	echo "ccflags-y += -fsanitize-coverage=trace-pc" >> "$1"
	cov_make_args=(KBUILD_EXTRA_SYMBOLS="$cov_module/Module.symvers")
}

# cov_publish TREE TMP: check the result and put the extras into TMP.
cov_publish() {
	[ -n "$cov" ] || return 0
	local m
	mkdir -p "$2/debug"
	for m in $mods; do
		modinfo -F depends "$2/$m.ko" | tr ',' '\n' | grep -qx mmucov ||
			die "$m.ko does not depend on mmucov (not built with -fsanitize-coverage=trace-pc?)"
		cp "$1/arch/x86/kvm/$m.ko" "$2/debug/$m.ko"
	done
	cp "$cov_module/mmucov.ko" "$2/mmucov.ko"
	{ echo "cov=trace-pc"; echo "cov_module=$cov_module"; echo "cov_tree=$1"; } >> "$2/info"
}
