# harness/: one folder per layer, one static library per layer.
#
# Bottom to top (README.md, "How it fits together"; tests/check-layers.sh
# holds the same order and enforces it):
#
#   core       the program struct, the fixed layout, observations, the message sink
#   bpf        the root tracer's event format and loader (harness/bpf/bpf.mk)
#   kvm-guest  the guest stub and its ABI (kvm-guest/guest.mk)
#   oracles    the architectural and root oracles (oracles/oracles.mk)
#   program    check, .mmu text, bytes, files, traits
#   search     generator, mutator, minimizer
#   exec       the executor: guest image, KVM ioctls, one run
#   store      the findings store (atomic folders, fresh names)
#   vm         the test VM: agent, initramfs, client
#   judge      differential runs: diff classes, diffrun, features, signatures
#   report     the mail report and the reproducers
#   campaign   fuzz, minimize, nightly as library calls
#   cli        the mmufuzz command: argument parsing and printing
#
# A layer may use the layers under it and nothing above, so the libraries
# link in one pass, top first, with no --start-group.
HARNESS_LAYERS := core program search exec store vm judge report campaign cli

# The test VM client is the vm layer's library; the agent is a program of
# its own (harness/vm/vm.mk), as is the CLI's main().
HARNESS_VM_AGENT_SRCS := harness/vm/agent.c harness/vm/agent_run.c harness/vm/agent_cov.c
HARNESS_EXTRA_SRCS    := harness/cli/mmufuzz.c $(HARNESS_VM_AGENT_SRCS)

harness_srcs = $(filter-out $(HARNESS_EXTRA_SRCS),$(wildcard harness/$(1)/*.c))
harness_lib  = $(BUILD)/harness/lib$(1).a

define HARNESS_LAYER_RULE
$(call harness_lib,$(1)): $(patsubst %.c,$(BUILD)/%.o,$(call harness_srcs,$(1)))
	$$(call msg,AR,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(HARNESS_LAYERS),$(eval $(call HARNESS_LAYER_RULE,$(l))))

HARNESS_CORE_LIB := $(call harness_lib,core)
MMUFUZZ          := $(BUILD)/mmufuzz

# Everything the host tools link, top layer first: one pass resolves it.
# (The bpf layer needs libbpf and only the agent links it: ROOTRACE_LIB.
# The oracle library is named by path: oracles.mk, read after this file,
# defines ORACLE_LIB and uses this list in its rules.)
MMUFUZZ_LIBS := $(foreach l,campaign report judge vm store exec search program,$(call harness_lib,$(l))) \
		$(BUILD)/liboracle.a $(HARNESS_CORE_LIB)
MMUFUZZ_LINK := $(MMUFUZZ_LIBS)

# For builds outside make (fuzz/oss-fuzz-build.sh): the list, in link order.
.PHONY: print-mmufuzz-libs
print-mmufuzz-libs:
	@echo $(MMUFUZZ_LIBS)

$(MMUFUZZ): $(BUILD)/harness/cli/mmufuzz.o $(call harness_lib,cli) $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

BINS += $(MMUFUZZ)

.PHONY: demo
# The README's first command: from a fresh clone it installs what is
# missing, builds the CLI, the libFuzzer driver and the VM agent, then
# runs (the kernel variants are built by the demo itself).
demo:
	$(Q)tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory $(MMUFUZZ) $(FUZZ_KVM) $(VM_AGENT)
	$(Q)$(MMUFUZZ) demo

.PHONY: nightly
# One night (mmufuzz nightly --help): NIGHTLY_ARGS, e.g.
#   make nightly NIGHTLY_ARGS="--candidates pae-root-rfc,pae-root-slot --time 1200"
# Its exit status is the night's (0 clean, 1 new finding, 2 harness failure).
nightly:
	$(Q)tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory $(MMUFUZZ) engines $(VM_AGENT)
	$(Q)$(MMUFUZZ) nightly $(NIGHTLY_ARGS)
