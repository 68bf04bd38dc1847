# harness/vm/: the test VM (initramfs, in-VM agent) and its tests.
#   build/vm/mmufuzz-agent   static x86_64 agent for the VM's /opt
#   check-vm                 boots VMs under TCG: ping, exec, kill, hang, WARN
#   bench-vm                 boot-to-ready seconds, requests per second
VM_AGENT := $(BUILD)/vm/mmufuzz-agent
VM_AGENT_OBJS := $(BUILD)/harness/vm/agent.o $(BUILD)/harness/vm/agent_run.o

$(VM_AGENT): $(VM_AGENT_OBJS) $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $^ $(LDLIBS)

BINS += $(VM_AGENT)

# check-vm: real VMs under TCG (no hardware virtualization needed).
VM_CHECK := $(BUILD)/vm/vm_check
$(VM_CHECK): $(BUILD)/harness/vm/vm_check.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: check-vm
check-vm: $(VM_CHECK) $(VM_AGENT)
	$(Q)$(VM_CHECK)

CHECKS += check-vm
