# kernels/: KVM module variants built out of tree from Debian's 6.1 sources.
#   make kernels             baseline + every kernels/patches/*.patch
#   make kernel-<name>       one variant (baseline, a patch's basename, or
#                            test-<name> for kernels/test-patches/<name>.patch)
#   make check-kernels       patch refusals, cached builds, module checks
#   make check-kernels-vm    the variants on a real KVM in the test VM
#   make bench-kernels       cached lookup and rebuild-after-edit times
# Output: kernels/cache/variants/<name>/{kvm.ko,kvm-amd.ko,kvm-intel.ko,info}
KERNEL_PATCHES  := $(sort $(wildcard kernels/patches/*.patch))
KERNEL_VARIANTS := baseline $(notdir $(KERNEL_PATCHES:.patch=))

.PHONY: kernels check-kernels check-kernels-vm bench-kernels $(KERNEL_VARIANTS:%=kernel-%)
kernels: $(KERNEL_VARIANTS:%=kernel-%)

# Variants build in separate directories under their own locks, so
# `make -jN kernels` is safe; each build itself runs make -j$(JOBS).
# (A static pattern for the known variants: make skips implicit rules for
# .PHONY targets.  The plain pattern covers test-<name> and new patches.)
$(KERNEL_VARIANTS:%=kernel-%): kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null
kernel-%:
	$(Q)kernels/variant-dir.sh $* >/dev/null

# Standalone KVM-API programs (static: they run inside the test VM, and
# serve as models for the project's standalone reproducers).
KERNEL_CHECK_SRCS := $(wildcard kernels/check/*.c)
KERNEL_CHECK_BINS := $(KERNEL_CHECK_SRCS:%.c=$(BUILD)/%)
$(BUILD)/kernels/check/%: kernels/check/%.c kernels/check/kvm_check.h
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -static -O2 -pthread $(WARN) -o $@ $<
BINS += $(KERNEL_CHECK_BINS)

check-kernels:
	$(Q)kernels/tests/run.sh

check-kernels-vm: $(KERNEL_CHECK_BINS)
	$(Q)kernels/tests/vm-check.sh $(BUILD)/kernels/check

bench-kernels:
	$(Q)kernels/tests/bench.sh

CHECKS  += check-kernels check-kernels-vm
BENCHES += bench-kernels
