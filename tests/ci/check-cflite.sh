#!/bin/bash
# The ClusterFuzzLite build outside OSS-Fuzz's builder image: the same
# .clusterfuzzlite/build.sh with the builder's variables set by hand
# (clang + libFuzzer from Debian, OSS-Fuzz's ASan flags) into a temporary
# $OUT, then every target it made is run:
#  - the codec targets over their seed corpora and a few seconds of
#    fuzzing (a finding fails the check);
#  - the differential target fuzz_kvm: only its driver carries the
#    engine's coverage, the VM's pieces are beside it, and it boots its
#    test VM in LLVMFuzzerInitialize from $OUT and runs programs on the
#    baseline KVM.
#   tests/ci/check-cflite.sh
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
out=$t/out

export CC=clang CXX=clang++ LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
unset SRC

if OUT=$out MMUFUZZ_KVM_TARGET=1 .clusterfuzzlite/build.sh > "$t/build.log" 2>&1; then
	ok "build.sh: $(tail -n1 "$t/build.log")"
else
	bad "build.sh failed:"; tail -n 20 "$t/build.log"
fi
# A broken toolchain must stop the build, not leave a partial $OUT looking fine.
if OUT=$t/broken CC=/nonexistent/clang .clusterfuzzlite/build.sh > "$t/broken.log" 2>&1; then
	bad "build.sh succeeded with CC=/nonexistent/clang"
else
	ok "build.sh fails on a broken compiler (exit $?)"
fi

for tg in fuzz_decode fuzz_parse; do
	if [ ! -x "$out/$tg" ] || [ ! -f "$out/$tg.options" ] || [ ! -f "$out/${tg}_seed_corpus.zip" ]; then
		bad "$tg: target, options or seed corpus missing in \$OUT"
		continue
	fi
	mkdir -p "$t/seeds-$tg"
	unzip -q -o "$out/${tg}_seed_corpus.zip" -d "$t/seeds-$tg"
	n=$(ls "$t/seeds-$tg" | wc -l)
	dict=()
	[ -f "$out/$tg.dict" ] && dict=("-dict=$out/$tg.dict")
	if "$out/$tg" -max_total_time=5 -print_final_stats=1 "${dict[@]}" "$t/seeds-$tg" > "$t/$tg.log" 2>&1; then
		ok "$tg: $n seeds, $(sed -n 's/^stat::number_of_executed_units: *//p' "$t/$tg.log") execs in 5 s, no finding"
	else
		bad "$tg: finding or crash:"; grep -m5 -E 'ERROR|SUMMARY|invariant' "$t/$tg.log"
	fi
done

k=$out/fuzz_kvm
if [ -x "$k" ]; then
	ok "fuzz_kvm built"
	# libFuzzer's inline counters come from the driver alone (a few);
	# the harness's own edges would be thousands.
	cnt=$(objdump -h "$k" | awk '$2 == "__sancov_cntrs" { print $3 }')
	[ -n "$cnt" ] && cnt=$((16#$cnt))
	if [ -n "$cnt" ] && [ "$cnt" -lt 64 ]; then ok "fuzz_kvm: $cnt inline counters (the driver only)"
	else bad "fuzz_kvm: ${cnt:-no} inline counters: the harness was built with coverage"; fi
	miss=
	for p in harness/vm/mkinitramfs.sh harness/vm/init harness/vm/kenv.sh kernels/variant-dir.sh \
		 kernels/patches build/vm/mmufuzz-agent fuzz_kvm_seed_corpus.zip; do
		[ -e "$out/$p" ] || miss="$miss $p"
	done
	[ -z "$miss" ] && ok "fuzz_kvm: the VM's pieces are in \$OUT" || bad "missing in \$OUT:$miss"

	# The kernel cache is the tree's (built here if it is not yet).
	kc=$(pwd)/kernels/cache
	if ! kernels/variant-dir.sh baseline > "$t/variant.log" 2>&1; then
		bad "cannot build the baseline variant:"; tail -n 5 "$t/variant.log"
	else
		mkdir -p "$t/seeds-kvm"
		unzip -q -o "$out/fuzz_kvm_seed_corpus.zip" -d "$t/seeds-kvm"
		if (cd "$t" && KCACHE=$kc MMUFUZZ_KERNELS=baseline MMUFUZZ_FINDINGS=$t/findings \
		    timeout 600 "$k" -runs=100 -print_final_stats=1 seeds-kvm) > "$t/kvm.log" 2>&1 &&
		   grep -q 'booting test VMs' "$t/kvm.log"; then
			ok "fuzz_kvm booted its test VM from \$OUT and ran $(sed -n 's/^stat::number_of_executed_units: *//p' "$t/kvm.log") programs on baseline"
		else
			bad "fuzz_kvm did not run:"; tail -n 15 "$t/kvm.log"
		fi
	fi
else
	bad "fuzz_kvm was not built"
fi
echo "cflite: $pass passed, $fail failed"
[ $fail -eq 0 ]
