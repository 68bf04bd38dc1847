# An AFL++ fleet (fuzz/fleet.sh): main and secondaries over one sync
# folder.  make check-fleet (also make fleet-demo) runs one main and two
# secondaries on the decoder target for FLEET_SECONDS and checks that a
# find of one was imported by another (tests/unit/check-fleet.sh).
FLEET_DIR     := $(BUILD)/fuzz/fleet
FLEET_SECONDS ?= 60

# The libFuzzer-style target under AFL++ (afl-clang-fast's libAFLDriver).
$(FLEET_DIR)/afl_fuzz_decode: fuzz/fuzz_decode.c fuzz/codec_check.h $(CODEC_SRCS)
	$(call msg,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_QUIET=1 $(AFL_CC) -O2 -g -fsanitize=fuzzer $(CPPFLAGS) -o $@ $< $(CODEC_SRCS)

.PHONY: check-fleet fleet-demo
check-fleet fleet-demo: $(FLEET_DIR)/afl_fuzz_decode $(CODEC_DIR)/seeds-decode.stamp
	$(Q)tests/unit/check-fleet.sh $(FLEET_DIR) $(FLEET_SECONDS)

CHECKS += check-fleet
