# kvm-guest/: the guest stub, a flat image loaded at LAYOUT_STUB_BASE.
#   stub.S        the interpreter and exception handlers (32- and 64-bit code)
#   stub_abi.h    the contract with harness/executor*.c
#   stub_blob.S   embeds the image into libmmufuzz (stub_image_start/end)
STUB_BIN  := $(BUILD)/kvm-guest/stub.bin
STUB_BLOB := $(BUILD)/kvm-guest/stub_blob.o

$(BUILD)/kvm-guest/stub.o: kvm-guest/stub.S kvm-guest/stub_abi.h harness/layout.h
	$(call msg,AS,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -o $@ $<

$(STUB_BIN): $(BUILD)/kvm-guest/stub.o kvm-guest/stub.lds
	$(call msg,LD,$@)
	$(Q)ld -nostdlib -T kvm-guest/stub.lds -o $@ $<

$(STUB_BLOB): kvm-guest/stub_blob.S $(STUB_BIN)
	$(call msg,AS,$@)
	$(Q)$(CC) -c -DSTUB_BIN='"$(STUB_BIN)"' -o $@ $<

# The executor (harness/executor*.c) links the image: put it in the library.
$(HARNESS_LIB): $(STUB_BLOB)
