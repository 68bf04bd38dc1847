#!/bin/bash -eu
# ClusterFuzzLite's build step ($SRC/build.sh in the builder image, the
# tree in $SRC/mmufuzz).  The builder sets the engine's environment (CC,
# CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE, OUT); outside it the same
# script runs from the tree with those set by hand (tests/ci/check-cflite.sh).
if [ -n "${SRC:-}" ] && [ -d "$SRC/mmufuzz" ]; then
	cd "$SRC/mmufuzz"
else
	cd "$(dirname "$0")/.."
fi
exec fuzz/oss-fuzz-build.sh
