# Mutation adequacy (issue 14): mutants of reached baseline lines, each
# fuzzed for ADQ_BUDGET seconds (tests/bench/bench-adequacy.sh; long, an
# idle host's figure; not in make check).
.PHONY: bench-adequacy
bench-adequacy: $(MMUFUZZ) engines
	$(Q)tests/bench/bench-adequacy.sh $(ADQ_MUTANTS) $(ADQ_BUDGET) $(ADQ_REACH_S) $(ADQ_ENGINE)
ADQ_MUTANTS ?= 60
ADQ_BUDGET ?= 60
ADQ_REACH_S ?= 600
ADQ_ENGINE ?= libfuzzer
BENCHES += bench-adequacy
