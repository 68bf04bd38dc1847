# tests/, by what a test needs:
#   tests/unit/    no KVM: mmufuzz's own logic         make check-unit
#   tests/kvm/     this host's /dev/kvm (what it cannot run is skipped,
#                  with the reason); in the test VM: check-exec-vm
#                                                      make check-kvm
#   tests/vm/      the QEMU test VM (check-vm, check-bpf, check-repro,
#                  check-lifecycle, check-planted)
#   tests/bench/   figures, not checks                 make bench-*
#                  (and planted.mk: check-planted, bench-reach)
#   tests/ci/      the CI files: workflow lints, the image's script, the
#                  ClusterFuzzLite build (ci.mk: check-ci, check-cflite)
# tests/unit/check-fleet.sh is the AFL++ fleet's check (fuzz/fleet.mk).
# One binary per tests/{unit,kvm}/test_*.c, linked with the layers.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/%.c=$(BUILD)/tests/%)
KVM_TEST_SRCS := $(wildcard tests/kvm/test_*.c)
KVM_TEST_BINS := $(KVM_TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter-out $(MMUFUZZ_LIBS),$^) $(MMUFUZZ_LINK) $(LDLIBS)

.PHONY: check-unit check-kvm
check-unit: $(UNIT_BINS)
	$(Q)rc=0; for t in $(UNIT_BINS); do echo "-- $$t"; $$t || rc=1; done; exit $$rc

check-kvm: $(KVM_TEST_BINS)
	$(Q)rc=0; for t in $(KVM_TEST_BINS); do echo "-- $$t"; $$t || rc=1; done; exit $$rc

CHECKS += check-unit check-kvm

# Option values: bad ones refused by name with exit 2, good ones taken.
.PHONY: check-cli
check-cli: $(MMUFUZZ)
	$(Q)tests/unit/check-cli.sh $(MMUFUZZ)
CHECKS += check-cli

# Reproducers of the headline finding, built and run in the test VM on
# baseline, pae-root-rfc and pae-root-slot (a few minutes).
.PHONY: check-repro
check-repro: $(MMUFUZZ)
	$(Q)tests/vm/check-repro.sh
CHECKS += check-repro

# check-layers: no #include and no call points up a layer, and every file
# of harness/ is in a layer folder (tests/check-layers.sh).  It reads the
# objects, so everything is built first (the recipe, not the prerequisite
# list, names the agent: vm.mk is read after this file).
.PHONY: check-layers
check-layers:
	$(Q)$(MAKE) --no-print-directory $(MMUFUZZ) $(VM_AGENT)
	$(Q)tests/check-layers.sh $(BUILD)

CHECKS += check-layers

# No finding lost, no process left behind (tests/vm/check-lifecycle.sh):
# a failed boot retried with its console kept; `mmufuzz fuzz` stopped by
# SIGTERM and by SIGKILL mid-run, with libFuzzer and with AFL++; `run`,
# `minimize` and `repro` stopped by SIGTERM and by SIGKILL (real VMs,
# about 20 minutes on a loaded 2-core host).
.PHONY: check-lifecycle
check-lifecycle: $(MMUFUZZ)
	$(Q)$(MAKE) --no-print-directory engines $(VM_AGENT)
	$(Q)tests/vm/check-lifecycle.sh
CHECKS += check-lifecycle

# Two short nights on baseline + pae-root-rfc in one folder
# (tests/vm/check-nightly.sh): one entry for the RFC's aliasing, its
# reproducers, a changed expected verdict flagged, exit 1; then exit 0.
.PHONY: check-nightly
check-nightly: $(MMUFUZZ)
	$(Q)$(MAKE) --no-print-directory engines $(VM_AGENT)
	$(Q)tests/vm/check-nightly.sh
CHECKS += check-nightly

# fuzz/kvm_edges.c and fuzz/directed.c are engine glue, not layers: their
# tests link them in.
$(BUILD)/tests/unit/test_kvm_edges: $(BUILD)/fuzz/kvm_edges.o
$(BUILD)/tests/unit/test_directed: $(BUILD)/fuzz/directed.o
