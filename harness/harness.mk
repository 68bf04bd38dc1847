# harness/: the program model, the executor, the test-VM client, the CLI.
#   harness/cli_*.c, harness/mmufuzz.c   the mmufuzz command
#   harness/*.c (the rest)              libmmufuzz, linked by the CLI,
#                                       tests/ and fuzz/
HARNESS_CLI_SRCS := harness/mmufuzz.c $(wildcard harness/cli_*.c)
HARNESS_LIB_SRCS := $(filter-out $(HARNESS_CLI_SRCS),$(wildcard harness/*.c))
HARNESS_LIB      := $(BUILD)/libmmufuzz.a
MMUFUZZ          := $(BUILD)/mmufuzz

# Everything the host tools link.  The two libraries call each other
# (prog_check uses the oracle, the oracle prints programs), so they are
# linked as a group.
MMUFUZZ_LIBS := $(HARNESS_LIB) $(ORACLE_LIB)
MMUFUZZ_LINK := -Wl,--start-group $(MMUFUZZ_LIBS) -Wl,--end-group

$(HARNESS_LIB): $(HARNESS_LIB_SRCS:%.c=$(BUILD)/%.o)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(MMUFUZZ): $(HARNESS_CLI_SRCS:%.c=$(BUILD)/%.o) $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter-out $(MMUFUZZ_LIBS),$^) $(MMUFUZZ_LINK) $(LDLIBS)

BINS += $(MMUFUZZ)

.PHONY: demo
# The README's first command: from a fresh clone it installs what is
# missing, builds the CLI, the libFuzzer driver and the VM agent, then
# runs (the kernel variants are built by the demo itself).
demo:
	$(Q)tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory $(MMUFUZZ) $(FUZZ_KVM) $(VM_AGENT)
	$(Q)$(MMUFUZZ) demo
