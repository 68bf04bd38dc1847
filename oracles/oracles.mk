# The architectural oracle and the root oracle: pure C, no KVM headers.
ORACLE_SRCS := $(wildcard oracles/*.c)
ORACLE_OBJS := $(ORACLE_SRCS:%.c=$(BUILD)/%.o)
ORACLE_LIB  := $(BUILD)/liboracle.a

$(ORACLE_LIB): $(ORACLE_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# bench-oracle: programs/s and ops/s of oracle_eval() on one core.
BENCH_ORACLE := $(BUILD)/tests/bench/bench_oracle

$(BENCH_ORACLE): $(BUILD)/tests/bench/bench_oracle.o $(MMUFUZZ_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(MMUFUZZ_LIBS) $(LDLIBS)

.PHONY: bench-oracle
bench-oracle: $(BENCH_ORACLE)
	$(Q)taskset -c 0 $(BENCH_ORACLE) 2

BENCHES += bench-oracle

# check-oracle-san: every tests/unit/test_oracle*.c again with the oracle's
# own sources built under ASan + UBSan (any report fails the run).
ORACLE_SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/%.o,$(wildcard oracles/oracle_*.c))
ORACLE_SAN_BINS  := $(patsubst tests/%.c,$(BUILD)/san/%,$(wildcard tests/unit/test_oracle*.c))
ORACLE_SAN_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		    -Wall -Wextra -Wmissing-prototypes -Wno-unused-parameter

$(BUILD)/san/oracles/%.o: oracles/%.c $(wildcard oracles/oracle*.h)
	$(call msg,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(ORACLE_SAN_FLAGS) $(CPPFLAGS) -c -o $@ $<

$(BUILD)/san/%: tests/%.c tests/unit/test_oracle.h $(ORACLE_SAN_OBJS) $(MMUFUZZ_LIBS)
	$(call msg,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(ORACLE_SAN_FLAGS) $(CPPFLAGS) -o $@ $< $(ORACLE_SAN_OBJS) \
		$(MMUFUZZ_LIBS) $(LDLIBS)

.PHONY: check-oracle-san
check-oracle-san: $(ORACLE_SAN_BINS)
	$(Q)rc=0; for t in $(ORACLE_SAN_BINS); do echo "-- $$t (ASan+UBSan)"; $$t || rc=1; done; exit $$rc

CHECKS += check-oracle-san
