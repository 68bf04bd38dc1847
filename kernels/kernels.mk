# kernels/: KVM module variants built out of tree from Debian's 6.1 sources.
#   make kernels             baseline + every kernels/patches/*.patch
#   make kernel-<name>       one variant (baseline, a patch's basename, or
#                            test-<name> for kernels/test-patches/<name>.patch)
#   make check-kernels       patch refusals, cached builds, module checks
# Output: kernels/cache/variants/<name>/{kvm.ko,kvm-amd.ko,kvm-intel.ko,info}
KERNEL_PATCHES  := $(sort $(wildcard kernels/patches/*.patch))
KERNEL_VARIANTS := baseline $(notdir $(KERNEL_PATCHES:.patch=))

.PHONY: kernels check-kernels $(KERNEL_VARIANTS:%=kernel-%)
kernels: $(KERNEL_VARIANTS:%=kernel-%)

# Variants build in separate directories under their own locks, so
# `make -jN kernels` is safe; each build itself runs make -j$(JOBS).
# (A static pattern for the known variants: make skips implicit rules for
# .PHONY targets.  The plain pattern covers test-<name> and new patches.)
$(KERNEL_VARIANTS:%=kernel-%): kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null
kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null

check-kernels:
	$(Q)kernels/tests/run.sh

CHECKS += check-kernels
