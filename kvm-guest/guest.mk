# kvm-guest/: the guest stub, a flat image loaded at LAYOUT_STUB_BASE.
#   stub.S        the interpreter and exception handlers (32- and 64-bit code)
#   stub_abi.h    the contract with harness/exec/
#   stub_blob.S   embeds the image into the exec layer's library (stub_image_start/end)
STUB_BIN  := $(BUILD)/kvm-guest/stub.bin
STUB_BLOB := $(BUILD)/kvm-guest/stub_blob.o

$(BUILD)/kvm-guest/stub.o: kvm-guest/stub.S kvm-guest/stub_abi.h harness/core/layout.h harness/core/x86.h
	$(call msg,AS,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -o $@ $<

$(STUB_BIN): $(BUILD)/kvm-guest/stub.o kvm-guest/stub.lds
	$(call msg,LD,$@)
	$(Q)ld -nostdlib -T kvm-guest/stub.lds -o $@ $<

$(STUB_BLOB): kvm-guest/stub_blob.S $(STUB_BIN)
	$(call msg,AS,$@)
	$(Q)$(CC) -c -DSTUB_BIN='"$(STUB_BIN)"' -o $@ $<

# The executor (harness/exec/) links the image: put it in the library.
$(call harness_lib,exec): $(STUB_BLOB)

# Static test binaries for the test VM (no /dev/kvm on the build host).
EXEC_VM_BINS := $(BUILD)/tests/kvm/test_exec.static $(BUILD)/tests/kvm/test_exec_oracle.static
EXEC_VM_RANDOM ?= 4000
EXEC_VM_REPEAT ?= 1000

$(BUILD)/tests/%.static: $(BUILD)/tests/%.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $< $(MMUFUZZ_LIBS) $(LDLIBS)

# check-exec-vm: the executor's tests inside the QEMU test VM (TCG+SVM,
# kvm_amd npt=0): every mode, transitions, 1,000 identical reruns, hang,
# shutdown, refusal; then the corpus and EXEC_VM_RANDOM random programs
# judged by the oracle (zero violations expected on the stock KVM).  Then
# the same corpus and EXEC_VM_RANDOM_NPT random programs with npt=1,
# judged by the AMD NPT/TCG profile (oracles/README.md).
# EXEC_VM_KERNEL=6.12:baseline (any [BASE:]VARIANT, kernels/README) runs
# it on that kernel instead of Debian's stock 6.1.  make check runs 4,000
# and 2,000 (about 110 s of TCG); the verdicts bar of 10,000 each way is
#   make check-exec-vm EXEC_VM_RANDOM=10000 EXEC_VM_RANDOM_NPT=10000
EXEC_VM_RANDOM_NPT ?= 2000
EXEC_VM_KERNEL ?=
EXEC_VM_VARIANT := $(if $(EXEC_VM_KERNEL),--variant $(EXEC_VM_KERNEL))
.PHONY: check-exec-vm bench-exec
check-exec-vm: $(EXEC_VM_BINS)
	$(Q)harness/vm/vm-exec.sh $(EXEC_VM_VARIANT) --timeout 3000 $(foreach b,$(EXEC_VM_BINS),--file $(b)) \
		--file corpus --file tests/kvm/test_exec_cases -- sh -c '\
		rc=0; test_exec.static --repeat $(EXEC_VM_REPEAT) || rc=1; \
		test_exec_oracle.static --corpus corpus --random 0 || rc=1; \
		test_exec_oracle.static --corpus test_exec_cases --random 0 || rc=1; \
		test_exec_oracle.static --corpus none --random $(EXEC_VM_RANDOM) || rc=1; exit $$rc'
	$(Q)echo "check-exec-vm: the same with kvm_amd npt=1 (nested paging)"
	$(Q)harness/vm/vm-exec.sh $(EXEC_VM_VARIANT) --npt 1 --timeout 1500 --file $(BUILD)/tests/kvm/test_exec_oracle.static \
		--file corpus --file tests/kvm/test_exec_cases -- sh -c '\
		rc=0; test_exec_oracle.static --corpus corpus --random 0 || rc=1; \
		test_exec_oracle.static --corpus test_exec_cases --random 0 || rc=1; \
		test_exec_oracle.static --corpus none --random $(EXEC_VM_RANDOM_NPT) --seed 7 || rc=1; \
		exit $$rc'

CHECKS += check-exec-vm

# bench-exec: programs/s and the cost split inside the test VM (KVM
# nested in QEMU TCG, the KVM under test), then on the local /dev/kvm
# when there is one (on the CI machines that is kvm_pvm: long mode only).
bench-exec: $(BUILD)/tests/bench/bench_exec.static
	$(Q)echo "bench-exec: in the test VM (Debian 6.1 KVM nested in QEMU TCG)"
	$(Q)harness/vm/vm-exec.sh --timeout 1200 --file $< -- bench_exec.static --n 2000
	$(Q)if [ -e /dev/kvm ]; then echo "bench-exec: on this host's /dev/kvm"; $<; \
	else echo "bench-exec: no /dev/kvm on this host: no native figures"; fi

BENCHES += bench-exec
