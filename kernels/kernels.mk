# kernels/: KVM module variants built out of tree from a base's sources
# (kernels/base.sh: Debian's 6.1, the default, Debian's 6.12, or an own
# kernel), named [BASE:]VARIANT.
#   make kernels             both bases: baseline + every patch of each
#   make kernels-6.1         6.1: baseline + every kernels/patches/*.patch
#   make kernels-6.12        6.12: baseline + every kernels/patches/6.12/*.patch
#   make kernel-<name>       one 6.1 variant (baseline, a patch's basename, or
#                            test-<name> for kernels/test-patches/<name>.patch)
#   make kernel-6.12-<name>  one 6.12 variant (make cannot take ':' in a target)
#   make check-kernels       patch refusals, cached builds, module checks
#   make check-kernels-vm    the variants on a real KVM in the test VM
#   make check-own-kernel    the own-kernel path on Debian's 6.12 laid out as a build
#   make bench-kernels       cached lookup and rebuild-after-edit times
# Output: kernels/cache/variants/<name>/ (6.1) and
# kernels/cache/bases/6.12/variants/<name>/: kvm.ko, kvm-amd.ko, info (and
# kvm-intel.ko where a VM can have VMX: kernels/base.sh, kvm_modules)
KERNEL_PATCHES  := $(sort $(wildcard kernels/patches/*.patch))
KERNEL_VARIANTS := baseline $(notdir $(KERNEL_PATCHES:.patch=))
KERNEL_PATCHES_612  := $(sort $(wildcard kernels/patches/6.12/*.patch))
KERNEL_VARIANTS_612 := baseline $(notdir $(KERNEL_PATCHES_612:.patch=))

.PHONY: kernels kernels-6.1 kernels-6.12 check-kernels check-kernels-vm check-own-kernel bench-kernels \
	$(KERNEL_VARIANTS:%=kernel-%) $(KERNEL_VARIANTS_612:%=kernel-6.12-%)
kernels: kernels-6.1 kernels-6.12
kernels-6.1: $(KERNEL_VARIANTS:%=kernel-%)
kernels-6.12: $(KERNEL_VARIANTS_612:%=kernel-6.12-%)

# Variants build in separate directories under their own locks, so
# `make -jN kernels` is safe; each build itself runs make -j$(JOBS).
# (Static patterns for the known variants: make skips implicit rules for
# .PHONY targets.  The plain patterns cover test-<name> and new patches.)
$(KERNEL_VARIANTS:%=kernel-%): kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null
$(KERNEL_VARIANTS_612:%=kernel-6.12-%): kernel-6.12-%:
	$(Q)kernels/variant-dir.sh 6.12:$* >/dev/null
kernel-6.12-%:
	$(Q)kernels/variant-dir.sh 6.12:$* >/dev/null
kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null

# Standalone KVM-API programs (static: they run inside the test VM, and
# serve as models for the project's standalone reproducers).
KERNEL_CHECK_SRCS := $(wildcard kernels/check/*.c)
KERNEL_CHECK_BINS := $(KERNEL_CHECK_SRCS:%.c=$(BUILD)/%)
$(BUILD)/kernels/check/%: kernels/check/%.c kernels/check/kvm_check.h harness/core/x86.h
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -static -O2 -pthread $(WARN) -o $@ $<
BINS += $(KERNEL_CHECK_BINS)

# The report check of the series needs the CLI.
check-kernels: $(MMUFUZZ)
	$(Q)kernels/tests/run.sh

# The own-kernel path end to end on Debian's 6.12 laid out as a user's
# build tree and install: one patched build, boots, a corpus verdict.
check-own-kernel: $(MMUFUZZ) $(BUILD)/vm/mmufuzz-agent
	$(Q)kernels/tests/own-kernel.sh

check-kernels-vm: $(KERNEL_CHECK_BINS)
	$(Q)kernels/tests/vm-check.sh $(BUILD)/kernels/check

bench-kernels:
	$(Q)kernels/tests/bench.sh

CHECKS  += check-kernels check-kernels-vm check-own-kernel
BENCHES += bench-kernels
