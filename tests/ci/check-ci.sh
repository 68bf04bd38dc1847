#!/bin/bash
# The CI files and the image's script, checked without a container:
#  - every workflow file passes yamllint --strict (Debian's yamllint);
#  - .ci/image-steps.sh picks the accelerator right on fake /dev, /sys
#    and /proc trees (IMAGE_SYSROOT), and passes mmufuzz nightly's exit
#    status through (a stand-in binary exits 0, 1, 2 and 3);
#  - the Dockerfile builds through .ci/image-steps.sh (so the package
#    list stays in tests/install-deps.sh) and keeps local state out;
#  - .ci/kernel-cache.sh links, keeps and prunes the kernel cache right.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
expect() {	# expect NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi
}

for f in .github/workflows/*.yml .gitlab-ci.yml .clusterfuzzlite/project.yaml; do
	if out=$(yamllint --strict "$f" 2>&1); then ok "yamllint $f"; else bad "yamllint $f"; echo "$out"; fi
done
# The lint must be able to fail: a line over 80 columns and a bad indent.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf -- '---\nkey:\n   - %s\n  bad: 1\n' "$(printf 'x%.0s' $(seq 90))" > "$t/bad.yml"
yamllint --strict "$t/bad.yml" >/dev/null 2>&1 && bad "yamllint passed a broken file" ||
	ok "yamllint refuses a broken file"

# Fake machines for the accelerator choice.
fake() {	# fake DIR [kvm] [pvm] [vmx|svm] [nested value]
	local d=$t/$1
	mkdir -p "$d/dev" "$d/sys/module" "$d/proc"
	[ "${2:-}" = kvm ] && : > "$d/dev/kvm"
	[ "${3:-}" = pvm ] && mkdir -p "$d/sys/module/kvm_pvm"
	echo "flags		: fpu sse2 ${4:-}" > "$d/proc/cpuinfo"
	case ${4:-} in
	vmx) mkdir -p "$d/sys/module/kvm_intel/parameters"; echo "${5:-}" > "$d/sys/module/kvm_intel/parameters/nested" ;;
	svm) mkdir -p "$d/sys/module/kvm_amd/parameters"; echo "${5:-}" > "$d/sys/module/kvm_amd/parameters/nested" ;;
	esac
}
accel() { IMAGE_SYSROOT=$t/$1 MMUFUZZ_VM_ACCEL= .ci/image-steps.sh accel | cut -d' ' -f1; }
fake nodev "" "" vmx Y;     expect "no /dev/kvm: tcg" tcg "$(accel nodev)"
fake pvm kvm pvm vmx Y;     expect "kvm_pvm: tcg" tcg "$(accel pvm)"
fake intel kvm "" vmx Y;    expect "vmx, nested=Y: kvm" kvm "$(accel intel)"
fake amd kvm "" svm 1;      expect "svm, nested=1: kvm" kvm "$(accel amd)"
fake amdoff kvm "" svm 0;   expect "svm, nested=0: tcg" tcg "$(accel amdoff)"
fake intoff kvm "" vmx N;   expect "vmx, nested=N: tcg" tcg "$(accel intoff)"
fake novirt kvm "" "" "";   expect "neither vmx nor svm: tcg" tcg "$(accel novirt)"
expect "MMUFUZZ_VM_ACCEL is kept" kvm \
	"$(IMAGE_SYSROOT=$t/nodev MMUFUZZ_VM_ACCEL=kvm .ci/image-steps.sh accel | cut -d' ' -f1)"

# nightly's exit status reaches CI unchanged (anything odd becomes 2), and
# the binary sees the accelerator chosen.
cat > "$t/mmufuzz" <<'SH'
#!/bin/sh
echo "args=$* accel=$MMUFUZZ_VM_ACCEL"
exit "$FAKE_RC"
SH
chmod +x "$t/mmufuzz"
for rc in 0 1 2 3; do
	want=$rc
	[ $rc -gt 2 ] && want=2
	out=$(FAKE_RC=$rc MMUFUZZ_BIN=$t/mmufuzz IMAGE_SYSROOT=$t/nodev MMUFUZZ_VM_ACCEL= \
	      .ci/image-steps.sh nightly --time 5)
	expect "nightly exit $rc -> $want" $want $?
done
echo "$out" | grep -q '^args=nightly --time 5 accel=tcg$' && ok "nightly gets its options and MMUFUZZ_VM_ACCEL" ||
	bad "nightly's command line: $out"
MMUFUZZ_BIN=$t/missing .ci/image-steps.sh nightly >/dev/null 2>&1
expect "a missing mmufuzz binary is exit 2" 2 $?

# The Dockerfile: one build script, local state out of the image.
grep -q '^RUN .*\.ci/image-steps\.sh build' Dockerfile && ok "Dockerfile builds with .ci/image-steps.sh" ||
	bad "Dockerfile does not run .ci/image-steps.sh build"
grep -q 'tests/install-deps.sh' .ci/image-steps.sh && ok "image-steps installs through tests/install-deps.sh" ||
	bad "image-steps does not call tests/install-deps.sh"
grep -q '^ENTRYPOINT \[".ci/image-steps.sh"\]' Dockerfile && ok "the image's entry point is image-steps" ||
	bad "Dockerfile ENTRYPOINT"
for p in build kernels/cache findings; do
	grep -qx "$p" .dockerignore && ok ".dockerignore keeps $p out" || bad ".dockerignore lacks $p"
done
# .ci/kernel-cache.sh in a copy of the checkout's .ci: links a missing
# kernels/cache, leaves an existing one, does nothing for an empty CACHE,
# drops an own base whose tree is gone and keeps one whose tree is there
# or whose checkout stands at its path again.
co=$t/co; mkdir -p "$co/.ci" "$co/kernels"; cp .ci/kernel-cache.sh "$co/.ci/"
own() {	# own NAME BASE_DIR: an own base in the shared cache
	mkdir -p "$t/ci-cache/kernels/bases/$1/variants/baseline"
	echo "base_dir=$2" > "$t/ci-cache/kernels/bases/$1/variants/baseline/info"
}
own own-1-gone "$t/no-such-tree"; own own-2-here "$co"; own own-3-relaid "$co/build/own-kernel/tree"
"$co/.ci/kernel-cache.sh" "" >/dev/null
[ ! -e "$co/kernels/cache" ] && ok "kernel-cache: an empty CACHE links nothing" || bad "kernel-cache: linked with CACHE empty"
out=$("$co/.ci/kernel-cache.sh" "$t/ci-cache")
[ "$(readlink "$co/kernels/cache")" = "$t/ci-cache/kernels" ] && ok "kernel-cache: kernels/cache -> CACHE/kernels" ||
	bad "kernel-cache: kernels/cache is '$(readlink "$co/kernels/cache")': $out"
[ ! -e "$t/ci-cache/kernels/bases/own-1-gone" ] && [ -d "$t/ci-cache/kernels/bases/own-2-here" ] &&
	ok "kernel-cache: drops the own base of a gone tree, keeps a live one" || bad "kernel-cache: own bases: $out"
[ -d "$t/ci-cache/kernels/bases/own-3-relaid" ] &&
	ok "kernel-cache: keeps the own base of a tree a checkout at its path lays out again" || bad "kernel-cache: dropped own-3-relaid: $out"
rm "$co/kernels/cache"; mkdir "$co/kernels/cache"
"$co/.ci/kernel-cache.sh" "$t/ci-cache" >/dev/null
[ -d "$co/kernels/cache" ] && [ ! -L "$co/kernels/cache" ] && ok "kernel-cache: an existing kernels/cache is left as it is" ||
	bad "kernel-cache: replaced an existing kernels/cache"
grep -q '^\.ci/kernel-cache\.sh' .ci/run && ok ".ci/run keeps the kernel cache (.ci/kernel-cache.sh)" ||
	bad ".ci/run does not call .ci/kernel-cache.sh"
echo "ci: $pass passed, $fail failed"
[ $fail -eq 0 ]
