# The CI files, the image's script and the ClusterFuzzLite build.
#   make check-ci       yamllint on the workflows; .ci/image-steps.sh's
#                       accelerator choice and exit codes (tests/ci/check-ci.sh)
#   make check-cflite   .clusterfuzzlite/build.sh outside OSS-Fuzz's
#                       builder into a temporary $OUT, every target run
#                       (tests/ci/check-cflite.sh; boots one test VM)
.PHONY: check-ci check-cflite
check-ci:
	$(Q)tests/ci/check-ci.sh

check-cflite:
	$(Q)tests/ci/check-cflite.sh

CHECKS += check-ci check-cflite
