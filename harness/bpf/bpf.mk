# harness/bpf/: the eBPF root tracer (runs inside the test VM).
#
#   $(ROOTRACE_LIB)      static library the agent links: rootrace.c with the
#                        BPF object embedded (generated skeleton)
#   ROOTRACE_CPPFLAGS    include paths for rootrace_api.h and the skeleton
#   ROOTRACE_LDLIBS      static libbpf/libelf/zlib (link with -static)
#   check-bpf            in-VM tests: attach, hand-counted roots, aliasing
#   bench-bpf            tracer cost per run in the test VM
#
# vmlinux.h is generated from the Debian kernel the VM boots (see
# gen-vmlinux-h.sh), never committed.
BPF_OUT      := $(BUILD)/bpf
BPF_CLANG    ?= clang
ROOTRACE_LIB := $(BPF_OUT)/librootrace.a
ROOTRACE_CPPFLAGS := -Iharness/bpf -I$(BPF_OUT)
ROOTRACE_LDLIBS   := -l:libbpf.a -l:libelf.a -l:libz.a

$(BPF_OUT)/vmlinux.h: harness/bpf/gen-vmlinux-h.sh
	$(call msg,GEN,$@)
	$(Q)harness/bpf/gen-vmlinux-h.sh $(BPF_OUT)

$(BPF_OUT)/rootrace.bpf.o: harness/bpf/rootrace.bpf.c harness/bpf/rootrace.h $(BPF_OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall \
		-Iharness/bpf -I$(BPF_OUT) -c -o $@ $<

$(BPF_OUT)/rootrace.skel.h: $(BPF_OUT)/rootrace.bpf.o
	$(call msg,SKEL,$@)
	$(Q)bpftool gen skeleton $< name rootrace_bpf > $@

$(BPF_OUT)/rootrace.o: harness/bpf/rootrace.c harness/bpf/rootrace_api.h $(BPF_OUT)/rootrace.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ROOTRACE_CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(ROOTRACE_LIB): $(BPF_OUT)/rootrace.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# In-VM test and benchmark driver (tests/vm/): static, so the initramfs needs nothing.
ROOTRACE_VMTEST := $(BPF_OUT)/rt-vmtest
ROOTRACE_VMTEST_SRCS := tests/vm/rt_vmtest.c tests/vm/rt_guest.c

$(BPF_OUT)/%.o: tests/vm/%.c $(BPF_OUT)/rootrace.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ROOTRACE_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(ROOTRACE_VMTEST): $(ROOTRACE_VMTEST_SRCS:tests/vm/%.c=$(BPF_OUT)/%.o) $(BUILD)/oracles/roots.o \
		$(BUILD)/oracles/roots_print.o $(BUILD)/harness/exec/kvm_ioctl.o $(ROOTRACE_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) -static $(CFLAGS) -o $@ $^ $(ROOTRACE_LDLIBS)

# The same with real programs through the executor (what the agent runs).
ROOTRACE_EXECTEST := $(BPF_OUT)/rt-exectest
$(ROOTRACE_EXECTEST): $(BPF_OUT)/rt_exectest.o $(ROOTRACE_LIB) $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) -static $(CFLAGS) -o $@ $^ $(ROOTRACE_LDLIBS) $(LDLIBS)

.PHONY: check-bpf bench-bpf rootrace
rootrace: $(ROOTRACE_LIB) $(ROOTRACE_VMTEST) $(ROOTRACE_EXECTEST)

# (The CLI and the agent for its one differential run; VM_AGENT is
# defined by a fragment read later, hence the recipe.)
check-bpf: $(ROOTRACE_VMTEST) $(ROOTRACE_EXECTEST)
	$(Q)$(MAKE) --no-print-directory $(MMUFUZZ) $(VM_AGENT)
	$(Q)tests/vm/check-bpf.sh $(ROOTRACE_VMTEST) $(ROOTRACE_EXECTEST)

bench-bpf: $(ROOTRACE_VMTEST) $(ROOTRACE_EXECTEST)
	$(Q)tests/vm/check-bpf.sh --bench $(ROOTRACE_VMTEST) $(ROOTRACE_EXECTEST)

CHECKS  += check-bpf
BENCHES += bench-bpf
