# harness/vm/: the test VM (initramfs, in-VM agent, client); its tests are in tests/vm/.
#   build/vm/mmufuzz-agent   static x86_64 agent for the VM's /opt
#   check-vm                 boots VMs under TCG: ping, exec, kill, hang, WARN
#   bench-vm                 boot-to-ready seconds, requests per second
VM_AGENT := $(BUILD)/vm/mmufuzz-agent
VM_AGENT_OBJS := $(HARNESS_VM_AGENT_SRCS:%.c=$(BUILD)/%.o)

# Static: the initramfs has no libc.  Links the layers (the executor) and
# the BPF root tracer (harness/bpf/, static libbpf/libelf/zlib).
$(VM_AGENT): $(VM_AGENT_OBJS) $(ROOTRACE_LIB) $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $(VM_AGENT_OBJS) $(ROOTRACE_LIB) \
		$(MMUFUZZ_LIBS) $(ROOTRACE_LDLIBS) $(LDLIBS)

# agent_run.c includes the generated skeleton's neighbours.
$(BUILD)/harness/vm/agent_run.o: $(BPF_OUT)/rootrace.skel.h

BINS += $(VM_AGENT)

# The host programs of check-vm and bench-vm: one object each, the layers.
VM_CHECK := $(BUILD)/vm/vm_check
VM_BENCH := $(BUILD)/vm/vm_bench
VM_WARM_CHECK := $(BUILD)/vm/warm_check
$(VM_CHECK): $(BUILD)/tests/vm/vm_check.o
$(VM_BENCH): $(BUILD)/tests/bench/vm_bench.o
$(VM_WARM_CHECK): $(BUILD)/tests/vm/warm_check.o
$(VM_CHECK) $(VM_BENCH) $(VM_WARM_CHECK): $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(MMUFUZZ_LIBS) $(LDLIBS)

# check-vm: real VMs under TCG (no hardware virtualization needed); then
# warm starts against clean ones on the corpus and WARM_RANDOM programs
# (tests/vm/warm_check.c).
WARM_RANDOM ?= 300

.PHONY: check-vm
check-vm: $(VM_CHECK) $(VM_WARM_CHECK) $(VM_AGENT)
	$(Q)rc=0; $(VM_CHECK) || rc=1; tests/vm/vm-exec-check.sh || rc=1; \
		$(VM_WARM_CHECK) $(WARM_RANDOM) || rc=1; exit $$rc

CHECKS += check-vm

# bench-vm: boot-to-ready, ping/s, programs/s (one VM, two side by side).

.PHONY: bench-vm
bench-vm: $(VM_BENCH) $(VM_AGENT)
	$(Q)$(VM_BENCH)

BENCHES += bench-vm
