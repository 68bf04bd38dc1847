# kernels/mutants/: mutants of KVM's reached lines for mutation adequacy
# (mmufuzz adequacy, make bench-adequacy).
#   make check-mutants   the generator, line selection and code comparison
#                        on hand-made inputs (no VM, no kernel build)
.PHONY: check-mutants
check-mutants:
	$(Q)kernels/mutants/tests/unit.sh

CHECKS += check-mutants
