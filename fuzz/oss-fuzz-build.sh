#!/bin/bash
# OSS-Fuzz / ClusterFuzzLite build of the codec fuzz targets, run from the
# repository root with the engine's environment:
#   CC, CFLAGS (sanitizer + coverage flags), LIB_FUZZING_ENGINE, OUT
# Puts fuzz_decode and fuzz_parse in $OUT with their .options, .dict and
# seed corpora (<target>_seed_corpus.zip).
#
# With MMUFUZZ_KVM_TARGET=1 it also builds the differential target
# fuzz_kvm, which boots its test VMs in LLVMFuzzerInitialize.  Our own
# code goes in without the engine's coverage flags (its coverage is KVM's
# behaviour, folded into libFuzzer's extra counters; fuzz/engines.mk does
# the same); the sanitizer flags stay.  fuzz_kvm finds its tree from its
# own path, so the pieces the VMs are made of go next to it: $OUT/harness/vm
# (init, scripts), $OUT/kernels (scripts, patches) and the in-VM agent in
# $OUT/build/vm (built with the system compiler: it runs in the VM).  At
# run time it needs what tests/install-deps.sh installs (QEMU, busybox,
# kmod ...) and Debian's 6.1 kernel packages, which the first boot fetches
# into $OUT/kernels/cache unless $KCACHE names a built cache.  That is a
# Debian 12 runner such as the Dockerfile's image, not ClusterFuzzLite's
# stock runner image (no QEMU there): so it is off by default.
set -eu
: "${CC:=clang}" "${CFLAGS:=-fsanitize=address,fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:=build/oss-fuzz}"
: "${CXX:=clang++}" "${CXXFLAGS:=$CFLAGS}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

srcs="$(ls harness/core/*.c harness/program/*.c harness/search/generate.c oracles/oracle*.c)"
objs=
for s in $srcs; do
	o="$work/$(echo "$s" | tr / _).o"
	$CC $CFLAGS -I. -D_GNU_SOURCE -c -o "$o" "$s"
	objs="$objs $o"
done
for t in fuzz_decode fuzz_parse; do
	$CC $CFLAGS -I. -D_GNU_SOURCE -c -o "$work/$t.o" "fuzz/$t.c"
	# The engine library is C++: link with the C++ driver.
	$CXX $CXXFLAGS -o "$OUT/$t" "$work/$t.o" $objs $LIB_FUZZING_ENGINE
	cp "fuzz/$t.options" "$OUT/"
	[ -f "fuzz/$t.dict" ] && cp "fuzz/$t.dict" "$OUT/"
done

# Seeds: the hand-written corpus, and its byte form for the decoder (made
# with the replay build of the codecs, no engine needed).
$CC -O1 -I. -D_GNU_SOURCE -o "$work/mmu2bin" -x c - $srcs <<'C'
#include <stdio.h>
#include "harness/program/prog.h"
int main(int argc, char **argv)
{
	static struct program p;
	char err[512];

	for (int i = 1; i + 1 < argc; i += 2)
		if (prog_load(argv[i], &p, err, sizeof(err)) || prog_save(argv[i + 1], &p, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	return 0;
}
C
mkdir -p "$work/seeds-decode"
args=
for f in corpus/*.mmu; do args="$args $f $work/seeds-decode/$(basename "$f" .mmu).bin"; done
"$work/mmu2bin" $args
rm -f "$OUT/fuzz_parse_seed_corpus.zip" "$OUT/fuzz_decode_seed_corpus.zip"
zip -q -j "$OUT/fuzz_parse_seed_corpus.zip" corpus/*.mmu
zip -q -j "$OUT/fuzz_decode_seed_corpus.zip" "$work"/seeds-decode/*.bin
built="fuzz_decode fuzz_parse"

if [ "${MMUFUZZ_KVM_TARGET:-0}" = 1 ]; then
	nocov=
	for f in $CFLAGS; do
		case $f in -fsanitize=fuzzer-no-link|-fsanitize-coverage=*) ;; *) nocov="$nocov $f" ;; esac
	done
	# The project's own rules build the libraries with the engine's
	# compiler and flags; the guest stub they embed is assembled first
	# with the system compiler (clang's assembler refuses stub.S).
	make --no-print-directory BUILD="$work/kvm" CC=cc "$work/kvm/kvm-guest/stub_blob.o" >&2
	# The layer libraries, top first (harness/harness.mk: one pass, no group).
	libs=$(make -s --no-print-directory BUILD="$work/kvm" print-mmufuzz-libs)
	make --no-print-directory BUILD="$work/kvm" CC="$CC" CFLAGS="$nocov" $libs >&2
	# The driver's own sources, as fuzz/engines.mk lists them.
	objs=
	for s in $(make -s --no-print-directory print-engine-srcs); do
		$CC $nocov -I. -D_GNU_SOURCE -c -o "$work/kvm/$(basename "$s" .c).o" "$s"
		objs="$objs $work/kvm/$(basename "$s" .c).o"
	done
	$CC $CFLAGS -I. -D_GNU_SOURCE -c -o "$work/kvm/fuzz_kvm.o" fuzz/fuzz_kvm.c
	$CXX $CXXFLAGS -o "$OUT/fuzz_kvm" "$work/kvm/fuzz_kvm.o" $objs \
		$libs \
		$LIB_FUZZING_ENGINE
	cp "$OUT/fuzz_decode_seed_corpus.zip" "$OUT/fuzz_kvm_seed_corpus.zip"
	printf '[libfuzzer]\nmax_len = 8192\n' > "$OUT/fuzz_kvm.options"

	# The VM's pieces.  The agent is a host build: no engine flags.
	mkdir -p "$OUT/harness/vm" "$OUT/kernels" "$OUT/build/vm"
	cp harness/vm/init harness/vm/*.sh "$OUT/harness/vm/"
	cp kernels/*.sh "$OUT/kernels/"
	cp -r kernels/patches kernels/test-patches kernels/cov "$OUT/kernels/"
	env -u CFLAGS -u CXXFLAGS -u LDFLAGS make --no-print-directory CC=cc CXX=c++ \
		BUILD="$work/host" "$work/host/vm/mmufuzz-agent" >&2
	cp "$work/host/vm/mmufuzz-agent" "$OUT/build/vm/"
	built="$built fuzz_kvm"
fi
echo "built $built into $OUT"
