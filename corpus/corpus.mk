# corpus/: hand-written .mmu programs, kept in canonical form (a unit test
# checks it).  `make corpus-fmt` rewrites every file canonically; the
# title line carries each program's story, generated comments the rest.
CORPUS_MMU := $(sort $(wildcard corpus/*.mmu))

.PHONY: corpus-fmt
corpus-fmt: $(MMUFUZZ)
	$(Q)for f in $(CORPUS_MMU); do $(MMUFUZZ) convert $$f $$f || exit 1; done
	$(Q)echo "corpus-fmt: $(words $(CORPUS_MMU)) files canonical"
