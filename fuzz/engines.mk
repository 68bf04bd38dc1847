# The fuzzing engines' drivers (libFuzzer and AFL++) around harness/judge/diffrun.
#   build/fuzz/fuzz_kvm        libFuzzer, custom mutator + cross-over
#   build/fuzz/afl_kvm         AFL++ persistent mode (afl-clang-fast)
#   build/fuzz/afl_mutator.so  AFL++ custom mutator library
# Our own code is not what we want coverage of: only the drivers are built
# with the engines' instrumentation; KVM-behaviour features come from
# diffrun_features().
ENGINE_SRCS := fuzz/engine.c fuzz/mutator.c fuzz/kvm_edges.c fuzz/directed.c
FUZZ_KVM    := $(BUILD)/fuzz/fuzz_kvm
AFL_KVM     := $(BUILD)/fuzz/afl_kvm
AFL_MUT     := $(BUILD)/fuzz/afl_mutator.so
AFL_CC      ?= afl-clang-fast
# Sources of the mutator library, rebuilt position-independent.
AFL_MUT_SRCS := fuzz/afl_mutator.c fuzz/mutator.c fuzz/directed.c $(wildcard harness/core/*.c harness/program/*.c) \
	harness/search/generate.c harness/search/mutate.c $(wildcard oracles/*.c)

# The same list for fuzz/oss-fuzz-build.sh, which compiles it with the
# builder's flags.
.PHONY: print-engine-srcs
print-engine-srcs:
	@echo $(ENGINE_SRCS)

$(FUZZ_KVM): fuzz/fuzz_kvm.c $(ENGINE_SRCS) $(MMUFUZZ_LIBS) fuzz/engine.h fuzz/kvm_edges.h fuzz/directed.h
	$(call msg,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) -g -O2 $(CPPFLAGS) -c -o $(BUILD)/fuzz/engine_lf.o fuzz/engine.c
	$(Q)$(CLANG) -g -O2 $(CPPFLAGS) -c -o $(BUILD)/fuzz/mutator_lf.o fuzz/mutator.c
	$(Q)$(CLANG) -g -O2 $(CPPFLAGS) -c -o $(BUILD)/fuzz/kvm_edges_lf.o fuzz/kvm_edges.c
	$(Q)$(CLANG) -g -O2 $(CPPFLAGS) -c -o $(BUILD)/fuzz/directed_lf.o fuzz/directed.c
	$(Q)$(CLANG) -g -O2 $(CPPFLAGS) -fsanitize=fuzzer -o $@ fuzz/fuzz_kvm.c \
		$(BUILD)/fuzz/engine_lf.o $(BUILD)/fuzz/mutator_lf.o $(BUILD)/fuzz/kvm_edges_lf.o \
		$(BUILD)/fuzz/directed_lf.o \
		$(MMUFUZZ_LINK)

# -O0: the optimizer would fold the reserved edges' switch into one block.
$(BUILD)/fuzz/afl_edges.o: fuzz/afl_edges.c
	$(call msg,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_QUIET=1 $(AFL_CC) -O0 $(CPPFLAGS) -c -o $@ $<

$(AFL_KVM): fuzz/afl_kvm.c $(BUILD)/fuzz/afl_edges.o $(ENGINE_SRCS) $(BUILD)/fuzz/afl_map.o $(MMUFUZZ_LIBS) fuzz/engine.h
	$(call msg,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_QUIET=1 $(AFL_CC) -g -O2 $(CPPFLAGS) -o $@ fuzz/afl_kvm.c $(ENGINE_SRCS) \
		$(BUILD)/fuzz/afl_edges.o $(BUILD)/fuzz/afl_map.o $(MMUFUZZ_LINK)

$(AFL_MUT): $(AFL_MUT_SRCS) fuzz/engine.h fuzz/directed.h
	$(call msg,SO,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -g -O2 -fPIC -shared $(CPPFLAGS) -o $@ $(AFL_MUT_SRCS)

.PHONY: engines
engines: $(FUZZ_KVM) $(AFL_KVM) $(AFL_MUT)
BINS += $(FUZZ_KVM) $(AFL_KVM) $(AFL_MUT)

# Time to the headline bug, per engine, and the baseline-only false-positive
# run (long: RUNS x BUDGET per engine).  Not part of make check.
.PHONY: bench-time-to-bug
bench-time-to-bug: $(MMUFUZZ) engines
	$(Q)tests/bench/bench-time-to-bug.sh $(TTB_RUNS) $(TTB_BUDGET) "$(TTB_ENGINES)"
TTB_RUNS ?= 5
TTB_BUDGET ?= 300
TTB_ENGINES ?= libfuzzer afl
BENCHES += bench-time-to-bug

# KVM's edges as feedback (issue 13): programs/s with and without the
# instrument, lines of mmu.c + paging_tmpl.h + x86.c covered in the same
# time with today's feedback and with edge feedback.  Long (2 x RATE_S +
# 2 x MINUTES); an idle host only.  Not part of make check.
.PHONY: bench-kvm-edges
bench-kvm-edges: $(MMUFUZZ) engines
	$(Q)$(MAKE) --no-print-directory build/vm/mmufuzz-agent
	$(Q)tests/bench/bench-kvm-edges.sh $(KE_MINUTES) $(KE_RATE_S) $(KE_ENGINE)
KE_MINUTES ?= 10
KE_RATE_S ?= 120
KE_ENGINE ?= libfuzzer
BENCHES += bench-kvm-edges
