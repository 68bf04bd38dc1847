# kernels/cov/: coverage of KVM's own code on Debian's stock kernel.
#   make kernel-baseline+cov   a variant built with -fsanitize-coverage=trace-pc
#                              (any variant name + "+cov"; kernels/cov/README)
#   make check-cov             the host-side tools on hand-made inputs
#   make check-cov-vm          the module loads, the hand-counted guests reach
#                              what they must, PCs resolve to the variant's lines
#   make check-cov-report      mmufuzz fuzz --kernel baseline,pae-root-rfc: its
#                              patch coverage line (replay on pae-root-rfc+cov),
#                              HTML report, Chromium screenshot of the marks
COV_CHECK_BINS := $(BUILD)/kernels/cov/check/cov_cr3
$(BUILD)/kernels/cov/check/%: kernels/cov/check/%.c kernels/cov/mmucov.h kernels/cov/mmucov_edges.h \
		kernels/check/kvm_check.h harness/core/x86.h
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -static -O2 -pthread $(WARN) -o $@ $<
BINS += $(COV_CHECK_BINS)

# The agent's per-RUN edges (harness/vm/agent_cov.c) through vmclient:
# a host program, linked with the layers.
COV_AGENT_CHECK := $(BUILD)/kernels/cov/tests/agent_check
$(COV_AGENT_CHECK): $(BUILD)/kernels/cov/tests/agent_check.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(MMUFUZZ_LINK) $(LDLIBS)

.PHONY: check-cov-vm
# (kernels.mk and vm.mk come after this file: name their programs, not
# their variables.)
check-cov-vm: $(COV_CHECK_BINS) $(COV_AGENT_CHECK) $(BUILD)/vm/mmufuzz-agent \
		$(addprefix $(BUILD)/kernels/check/,pae_two_pdpts pae_slots guest_modes)
	$(Q)kernels/cov/tests/vm-check.sh $(BUILD)/kernels/cov/check/cov_cr3 baseline+cov $(COV_AGENT_CHECK)

# mmufuzz fuzz --kernel baseline,pae-root-rfc: its patch coverage line
# (the inputs replayed on pae-root-rfc+cov) and genhtml report,
# screenshotted by headless Chromium.
.PHONY: check-cov-report
check-cov-report: $(BUILD)/mmufuzz $(BUILD)/fuzz/fuzz_kvm $(BUILD)/vm/mmufuzz-agent
	$(Q)kernels/cov/tests/report-check.sh $(BUILD)/mmufuzz

CHECKS += check-cov-vm check-cov-report

# Host-side tools on hand-made inputs (no VM, no kernel build).
.PHONY: check-cov
check-cov:
	$(Q)kernels/cov/tests/unit.sh

CHECKS += check-cov
