# Unit tests of mmufuzz's own logic: one binary per tests/test_*.c, linked
# with libmmufuzz and the oracle.  check-unit runs them all.
UNIT_SRCS := $(wildcard tests/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter-out $(MMUFUZZ_LIBS),$^) $(MMUFUZZ_LINK) $(LDLIBS)

.PHONY: check-unit
check-unit: $(UNIT_BINS)
	$(Q)rc=0; for t in $(UNIT_BINS); do echo "-- $$t"; $$t || rc=1; done; exit $$rc

CHECKS += check-unit

# Reproducers of the headline finding, built and run in the test VM on
# baseline, pae-root-rfc and pae-root-slot (a few minutes).
.PHONY: check-repro
check-repro: $(MMUFUZZ)
	$(Q)tests/check-repro.sh
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
