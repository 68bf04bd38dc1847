# mmufuzz top-level Makefile.
#
# Each part of the tree contributes a fragment (<dir>/*.mk) that appends
# its binaries to BINS and its test targets to CHECKS.  Build products go
# under build/ (BUILD).  Quiet by default; V=1 shows the commands.
#
#   make            build the CLI and the tools
#   make check      run every test, print "N passed, N failed"
#   make kernels    fetch Debian's 6.1 packages, build KVM variants
#   make bench      print the benchmark figures

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation
CPPFLAGS += -I. -D_GNU_SOURCE
LDLIBS   +=

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all check bench clean kernels deps

BINS   :=
CHECKS :=
BENCHES :=

all: all-bins

# Fragments, one per part of the tree.  The libraries come first: later
# fragments name them in rule prerequisites (harness.mk lists every layer
# library, the oracle's included).
FIRST_MK := harness/harness.mk oracles/oracles.mk
include $(FIRST_MK)
include $(filter-out $(FIRST_MK),$(sort $(wildcard */*.mk) $(wildcard */*/*.mk)))

all-bins: $(BINS)

$(BUILD)/%.o: %.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# make check: run every CHECKS target, each logged, then one summary line.
check:
	$(Q)tests/install-deps.sh
	$(Q)tests/run-checks.sh $(CHECKS)

bench: $(BENCHES)

deps:
	$(Q)tests/install-deps.sh

clean:
	rm -rf $(BUILD)
