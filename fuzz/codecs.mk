# Codec fuzz targets: the byte decoder and the .mmu parser under libFuzzer
# with ASan + UBSan, plus replay drivers that run the same targets over
# the seeds without libFuzzer (plain cc, every build).
#   build/fuzz/codecs/fuzz_decode, fuzz_parse      libFuzzer binaries
#   build/fuzz/codecs/replay_fuzz_decode, ...      replay drivers
#   make check-fuzz-codecs   replay the seeds, then fuzz each target
#                            CODEC_FUZZ_SECONDS (30) s; any finding fails
# Seeds: corpus/*.mmu (parse) and their byte forms (decode), generated
# into build/fuzz/codecs/seeds-decode; libFuzzer works on copies so the
# hand-written corpus is never touched.
CODEC_DIR     := $(BUILD)/fuzz/codecs
CODEC_TARGETS := fuzz_decode fuzz_parse
CODEC_SRCS    := $(wildcard harness/core/*.c harness/program/*.c) harness/search/generate.c \
		 $(wildcard oracles/oracle*.c)
CODEC_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CODEC_OBJS    := $(CODEC_SRCS:%.c=$(CODEC_DIR)/%.o)
CODEC_FUZZ_SECONDS ?= 30
.SECONDARY: $(CODEC_OBJS)

# The library code is what we want coverage of: instrument it for libFuzzer.
$(CODEC_DIR)/%.o: %.c
	$(call msg,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(CPPFLAGS) -g -O1 $(CODEC_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(CODEC_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/codec_check.h $(CODEC_OBJS)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(CPPFLAGS) -g -O1 $(CODEC_SAN) -fsanitize=fuzzer -o $@ $< $(CODEC_OBJS)

$(CODEC_DIR)/replay_fuzz_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/codec_check.h $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< fuzz/replay.c $(MMUFUZZ_LINK) $(LDLIBS)

$(CODEC_DIR)/seeds-decode.stamp: $(CORPUS_MMU) $(MMUFUZZ)
	@mkdir -p $(CODEC_DIR)/seeds-decode
	$(Q)for f in $(CORPUS_MMU); do \
		$(MMUFUZZ) convert $$f $(CODEC_DIR)/seeds-decode/$$(basename $$f .mmu).bin || exit 1; done
	@touch $@

.PHONY: fuzz-codecs check-fuzz-codecs
fuzz-codecs: $(CODEC_TARGETS:%=$(CODEC_DIR)/%) $(CODEC_TARGETS:%=$(CODEC_DIR)/replay_%) \
	     $(CODEC_DIR)/seeds-decode.stamp

check-fuzz-codecs: fuzz-codecs
	$(Q)$(CODEC_DIR)/replay_fuzz_decode $(CODEC_DIR)/seeds-decode
	$(Q)$(CODEC_DIR)/replay_fuzz_parse $(CORPUS_MMU)
	$(Q)fuzz/run-codec-fuzz.sh $(CODEC_DIR) $(CODEC_FUZZ_SECONDS)

CHECKS += check-fuzz-codecs

# Codec and generator throughput (plain build, what the tools use).
$(CODEC_DIR)/bench_codecs: fuzz/bench_codecs.c $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(MMUFUZZ_LINK) $(LDLIBS)

.PHONY: bench-codecs
bench-codecs: $(CODEC_DIR)/bench_codecs
	$(Q)$<

BENCHES += bench-codecs
