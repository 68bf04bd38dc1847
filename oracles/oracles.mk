# The architectural oracle and the root oracle: pure C, no KVM headers.
ORACLE_SRCS := $(wildcard oracles/*.c)
ORACLE_OBJS := $(ORACLE_SRCS:%.c=$(BUILD)/%.o)
ORACLE_LIB  := $(BUILD)/liboracle.a

$(ORACLE_LIB): $(ORACLE_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# bench-oracle: programs/s and ops/s of oracle_eval() on one core.
BENCH_ORACLE := $(BUILD)/tests/bench_oracle

$(BENCH_ORACLE): $(BUILD)/tests/bench_oracle.o $(BUILD)/libmmufuzz.a $(ORACLE_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< -Wl,--start-group $(BUILD)/libmmufuzz.a $(ORACLE_LIB) -Wl,--end-group $(LDLIBS)

.PHONY: bench-oracle
bench-oracle: $(BENCH_ORACLE)
	$(Q)taskset -c 0 $(BENCH_ORACLE) 2

BENCHES += bench-oracle
