# The CI files, the image's script and the ClusterFuzzLite build.
#   make check-ci       yamllint on the workflows; .ci/image-steps.sh's
#                       accelerator choice and exit codes (tests/check-ci.sh)
#   make check-cflite   .clusterfuzzlite/build.sh outside OSS-Fuzz's
#                       builder into a temporary $OUT, every target run
#                       (tests/check-cflite.sh; boots one test VM)
.PHONY: check-ci check-cflite
check-ci:
	$(Q)tests/check-ci.sh

check-cflite:
	$(Q)tests/check-cflite.sh

CHECKS += check-ci check-cflite
