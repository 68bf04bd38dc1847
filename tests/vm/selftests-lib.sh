#!/bin/bash
# Build the KVM selftests library of Debian's linux-source-6.1 (x86_64),
# cached under build/selftests/, and optionally link a test against it.
#
#   tests/vm/selftests-lib.sh                 build the library, print its dir
#   tests/vm/selftests-lib.sh TEST.c OUT      also compile TEST.c into OUT (static)
#   tests/vm/selftests-lib.sh --cflags        only extract the headers, print the
#                                             compiler flags (exit 3: no tarball;
#                                             the normal build's syntax check of
#                                             harness/report/runner/selftest.c)
#
# Only tools/ is taken from the source tarball; the uapi headers are
# Debian's linux-libc-dev (the same 6.1), as a selftests build with
# LINUX_HDR_PATH=/usr/include would use.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(kernels/fetch-debian.sh --print)"
KROOT=${KROOT:-kernels/cache/root}
tarball="$KROOT/usr/src/linux-source-6.1.tar.xz"
out=build/selftests
src="$out/linux-source-6.1"
kvm="$src/tools/testing/selftests/kvm"
if [ ! -f "$tarball" ]; then
	echo "selftests-lib: no $tarball (make kernels fetches it)" >&2
	exit 3
fi
tag=$(stat -c %s-%Y "$tarball")
stamp="$out/.lib-$tag"
CFLAGS=(-Wall -Wstrict-prototypes -Wuninitialized -O2 -g -std=gnu99 -fno-stack-protector -fno-PIE
	-I"$src/tools/include" -I"$src/tools/arch/x86/include" -I/usr/include
	-I"$kvm/include" -I"$kvm/lib" -I"$kvm/include/x86_64" -I"$src/tools/testing/selftests")
LIB=(lib/assert.c lib/elf.c lib/guest_modes.c lib/io.c lib/kvm_util.c lib/perf_test_util.c
     lib/rbtree.c lib/sparsebit.c lib/test_util.c lib/x86_64/apic.c lib/x86_64/handlers.S
     lib/x86_64/perf_test_util.c lib/x86_64/processor.c lib/x86_64/svm.c lib/x86_64/ucall.c
     lib/x86_64/vmx.c)

if [ ! -e "$out/.src-$tag" ]; then
	rm -rf "$out"; mkdir -p "$out/obj"
	tar -C "$out" -xf "$tarball" --wildcards 'linux-source-6.1/tools/include/*' \
		'linux-source-6.1/tools/arch/x86/include/*' 'linux-source-6.1/tools/lib/*' \
		'linux-source-6.1/tools/testing/selftests/*.h' \
		'linux-source-6.1/tools/testing/selftests/kvm/*'
	touch "$out/.src-$tag"
fi
if [ "${1:-}" = --cflags ]; then
	echo "${CFLAGS[*]}"
	exit 0
fi
if [ ! -e "$stamp" ]; then
	mkdir -p "$out/obj"
	for f in "${LIB[@]}"; do
		gcc "${CFLAGS[@]}" -c "$kvm/$f" -o "$out/obj/$(echo "$f" | tr / _).o"
	done
	ar rcs "$out/libkvm.a" "$out"/obj/*.o
	touch "$stamp"
fi
if [ $# -eq 2 ]; then
	gcc "${CFLAGS[@]}" -static -no-pie -o "$2" "$1" "$out/libkvm.a" -lpthread
fi
echo "$out"
