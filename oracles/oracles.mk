# The architectural oracle and the root oracle: pure C, no KVM headers.
ORACLE_SRCS := $(wildcard oracles/*.c)
ORACLE_OBJS := $(ORACLE_SRCS:%.c=$(BUILD)/%.o)
ORACLE_LIB  := $(BUILD)/liboracle.a

$(ORACLE_LIB): $(ORACLE_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^
