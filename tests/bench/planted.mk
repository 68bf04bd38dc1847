# The bug-class benchmark: planted regressions (kernels/test-patches/
# planted-*.patch), each with its check in corpus/planted/.
#   make check-planted   every check on baseline and its planted variant
#                        (test VMs, about a minute per patch; not yet in CHECKS)
#   make bench-reach     fuzz each planted bug for REACH_BUDGET seconds from
#                        the corpus minus the checks; long, not in make check
.PHONY: check-planted bench-reach
check-planted: $(MMUFUZZ)
	$(Q)tests/vm/check-planted.sh
bench-reach: $(MMUFUZZ) engines
	$(Q)tests/bench/bench-reach.sh $(REACH_BUDGET) $(REACH_ENGINE)
REACH_BUDGET ?= 300
REACH_ENGINE ?= libfuzzer
BENCHES += bench-reach
