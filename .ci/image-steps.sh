#!/bin/bash
# The container image's steps, kept in one script so that they can be run
# (and tested) outside a container too: the Dockerfile runs "build" when
# the image is made and "nightly" when it is started.
#
#   .ci/image-steps.sh build           Debian packages (tests/install-deps.sh)
#                                      and every binary (make all); with
#                                      MMUFUZZ_IMAGE_KERNELS=1 also the
#                                      kernel variants (else they are built,
#                                      or restored, at the first nightly)
#   .ci/image-steps.sh accel           print "kvm" or "tcg" and why
#   .ci/image-steps.sh nightly [ARGS]  mmufuzz nightly ARGS on the chosen
#                                      accelerator
#
# Exit status of "nightly" is mmufuzz nightly's own: 0 no new finding,
# 1 new findings, 2 error (any other failure of this script is 2 too), so
# CI can fail the pipeline on 1 or 2 and tell them apart.
#
# The accelerator: the test VMs run the KVM under test nested.  Hardware
# virtualization (MMUFUZZ_VM_ACCEL=kvm) needs a /dev/kvm we may open whose
# KVM offers nested virtualization to its guests; everything else
# (no device, kvm_pvm, nesting off) runs them under QEMU TCG.  An
# MMUFUZZ_VM_ACCEL already set is kept.  IMAGE_SYSROOT (tests only)
# prefixes /dev, /sys and /proc so the choice can be checked on fake trees.
set -u
cd "$(dirname "$0")/.."
root=${IMAGE_SYSROOT:-}
MMUFUZZ_BIN=${MMUFUZZ_BIN:-build/mmufuzz}

die() { echo "image-steps: $*" >&2; exit 2; }

# Print "kvm|tcg <reason>".
choose_accel() {
	local kvm=$root/dev/kvm flags nested=

	if [ -n "${MMUFUZZ_VM_ACCEL:-}" ]; then
		echo "$MMUFUZZ_VM_ACCEL MMUFUZZ_VM_ACCEL was set by the caller"
		return
	fi
	if [ ! -e "$kvm" ]; then
		echo "tcg no /dev/kvm (start the container with --device /dev/kvm where the host has one)"
		return
	fi
	if [ ! -r "$kvm" ] || [ ! -w "$kvm" ]; then
		echo "tcg /dev/kvm is not readable and writable by $(id -un 2>/dev/null || id -u)"
		return
	fi
	# kvm_pvm runs long-mode guests only and does not nest.
	if [ -e "$root/sys/module/kvm_pvm" ]; then
		echo "tcg the host KVM is kvm_pvm (no nested virtualization)"
		return
	fi
	flags=$(grep -m1 '^flags' "$root/proc/cpuinfo" 2>/dev/null)
	case " $flags " in
	*" vmx "*) nested=$(cat "$root/sys/module/kvm_intel/parameters/nested" 2>/dev/null) ;;
	*" svm "*) nested=$(cat "$root/sys/module/kvm_amd/parameters/nested" 2>/dev/null) ;;
	*) echo "tcg the CPU shows neither vmx nor svm"; return ;;
	esac
	case $nested in
	Y|y|1) echo "kvm /dev/kvm nests (nested=$nested)" ;;
	"") echo "tcg cannot read the KVM module's nested parameter" ;;
	*) echo "tcg the host KVM has nested virtualization off (nested=$nested)" ;;
	esac
}

step_build() {
	tests/install-deps.sh || die "installing Debian's packages failed"
	make -j"${JOBS:-2}" all || die "make all failed"
	if [ "${MMUFUZZ_IMAGE_KERNELS:-0}" = 1 ]; then
		make kernels || die "make kernels failed"
	fi
	"$MMUFUZZ_BIN" --help >/dev/null 2>&1 || die "$MMUFUZZ_BIN does not run"
	echo "image-steps: build done ($MMUFUZZ_BIN and the engines, the VM agent)"
}

step_nightly() {
	local choice accel rc

	[ -x "$MMUFUZZ_BIN" ] || die "$MMUFUZZ_BIN is missing (run '$0 build' first)"
	choice=$(choose_accel)
	accel=${choice%% *}
	echo "image-steps: test VMs on $accel: ${choice#* }"
	MMUFUZZ_VM_ACCEL=$accel "$MMUFUZZ_BIN" nightly "$@"
	rc=$?
	case $rc in
	0) echo "image-steps: nightly: no new finding" ;;
	1) echo "image-steps: nightly: NEW FINDINGS (exit 1)" ;;
	*) echo "image-steps: nightly: error (exit $rc)"; rc=2 ;;
	esac
	return $rc
}

case ${1:-} in
build) shift; step_build "$@" ;;
accel) choose_accel ;;
nightly) shift; step_nightly "$@" ;;
*) die "usage: $0 build | accel | nightly [mmufuzz nightly options]" ;;
esac
