# harness/report/: the reproducer runners (runner/).
#   runner/common.c      judging and setup, shared by both runners
#   runner/standalone.c  main() on the bare KVM API
#   runner/selftest.c    main() on the KVM selftests library
#   runner/runner_blob.S embeds the three as text (repro_runner_*)
# repro_c.c writes the runners out verbatim after the parts it prints
# (constants, image, expectations).  They are C files, not string literals,
# so that the normal build compiles them: runner/emitted.h stands in for
# the printed parts.  The selftest needs the selftests library's headers,
# which come from linux-source-6.1 (make kernels): with the tarball it is
# syntax-checked against the headers check-repro builds with; without it
# the build says the check was skipped.  check-repro then compiles and runs
# the real emitted files.
REPRO_RUNNER_DIR   := harness/report/runner
REPRO_RUNNER_TEXT  := $(addprefix $(REPRO_RUNNER_DIR)/,common.c standalone.c selftest.c)
REPRO_RUNNER_BLOB  := $(BUILD)/$(REPRO_RUNNER_DIR)/runner_blob.o
REPRO_RUNNER_CHECK := $(BUILD)/$(REPRO_RUNNER_DIR)/standalone.o $(BUILD)/$(REPRO_RUNNER_DIR)/selftest.checked

# The flags check-repro builds the emitted file with, and -Wextra; not
# $(WARN), whose -Wno-format-truncation clang (the OSS-Fuzz build) rejects.
$(BUILD)/$(REPRO_RUNNER_DIR)/standalone.o: $(REPRO_RUNNER_DIR)/standalone.c $(REPRO_RUNNER_DIR)/common.c \
		$(REPRO_RUNNER_DIR)/emitted.h
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Wall -Wextra -Werror -include $(REPRO_RUNNER_DIR)/emitted.h \
		-include $(REPRO_RUNNER_DIR)/common.c -c -o $@ $<

$(BUILD)/$(REPRO_RUNNER_DIR)/selftest.checked: $(REPRO_RUNNER_DIR)/selftest.c $(REPRO_RUNNER_DIR)/common.c \
		$(REPRO_RUNNER_DIR)/emitted.h tests/vm/selftests-lib.sh
	$(call msg,CHECK,$<)
	@mkdir -p $(dir $@)
	$(Q)flags=$$(tests/vm/selftests-lib.sh --cflags 2>/dev/null); rc=$$?; \
	if [ $$rc -eq 3 ]; then \
		echo "  $<: syntax check skipped: no linux-source-6.1 (make kernels)"; \
	elif [ $$rc -ne 0 ]; then \
		echo "$<: tests/vm/selftests-lib.sh --cflags failed ($$rc)" >&2; exit 1; \
	else \
		$(CC) $$flags -Werror -DREPRO_RUNNER_SELFTEST -include $(REPRO_RUNNER_DIR)/emitted.h \
			-include $(REPRO_RUNNER_DIR)/common.c -fsyntax-only $< && touch $@; \
	fi

# The checks come before the text is embedded: a runner that does not
# compile never reaches the library.
$(REPRO_RUNNER_BLOB): $(REPRO_RUNNER_DIR)/runner_blob.S $(REPRO_RUNNER_TEXT) | $(REPRO_RUNNER_CHECK)
	$(call msg,AS,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -o $@ $<

$(call harness_lib,report): $(REPRO_RUNNER_BLOB)
