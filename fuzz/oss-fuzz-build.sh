#!/bin/bash
# OSS-Fuzz / ClusterFuzzLite build of the codec fuzz targets, run from the
# repository root with the engine's environment:
#   CC, CFLAGS (sanitizer + coverage flags), LIB_FUZZING_ENGINE, OUT
# Puts fuzz_decode and fuzz_parse in $OUT with their .options, .dict and
# seed corpora (<target>_seed_corpus.zip).  The KVM targets need a test
# VM and are not built here.
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
echo "built fuzz_decode fuzz_parse into $OUT"
