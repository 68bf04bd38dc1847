# The CI files and the image's script.
#   make check-ci       yamllint on the workflows; .ci/image-steps.sh's
#                       accelerator choice and exit codes (tests/check-ci.sh)
.PHONY: check-ci
check-ci:
	$(Q)tests/check-ci.sh

CHECKS += check-ci
