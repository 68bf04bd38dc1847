#!/bin/bash
# check-kernels: patch validation and the cached variant builds.
#
# Refusals: every kernels/tests/bad-*.patch and not-a-diff.patch must be
# refused (exit 3) with a message naming the file (and the hunk for one
# that does not apply).  Acceptance: plain-diff.patch and every
# kernels/patches/*.patch apply (--check).  Builds: baseline and every
# kernels/patches/*.patch give kvm.ko, kvm-amd.ko, kvm-intel.ko with
# Debian's vermagic, module BTF and a truthful info file; asking again is
# served from the cache.  The first run builds (minutes); later runs take
# seconds.  Prints "kernels: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
out=$(mktemp); trap 'rm -f "$out"' EXIT

# expect_refusal PATCH RC REGEX...: exit status RC, stderr matches each REGEX.
expect_refusal() {
	local p=$1 want=$2 rc re; shift 2
	kernels/build-variant.sh --check "$p" >/dev/null 2>"$out"; rc=$?
	if [ "$rc" -ne "$want" ]; then bad "$p: exit $rc, want $want"; sed 's/^/     /' "$out"; return; fi
	for re in "$@"; do
		grep -qE -- "$re" "$out" || { bad "$p: no message matching '$re'"; sed 's/^/     /' "$out"; return; }
	done
	ok "$p refused (exit $rc): $(grep -m1 -E -- "$1" "$out" | cut -c1-110)"
}
expect_refusal kernels/tests/bad-outside.patch 3 'bad-outside.patch:[0-9]+: refused: arch/x86/mm/fault.c: outside'
expect_refusal kernels/tests/bad-hunk.patch 3 'arch/x86/kvm/mmu/mmu.c: Hunk #2 FAILED' 'does not apply'
expect_refusal kernels/tests/bad-prefix.patch 3 'refused: arch/x86/kvm/x86.c: expected a/ or b/ prefix'
expect_refusal kernels/tests/not-a-diff.patch 3 'no file changes found'
expect_refusal kernels/tests/no-such.patch 2 'no such patch'
expect_refusal 'bad/name' 2 'no such patch|bad variant name'
# A patch given by path may not take over a kernels/patches/ variant's name.
clash=$(mktemp -d); cp kernels/patches/pae-root-rfc.patch "$clash/pae-root-slot.patch"
expect_refusal "$clash/pae-root-slot.patch" 2 "variant name 'pae-root-slot' belongs to .*kernels/patches/pae-root-slot.patch"
rm -rf "$clash"

for p in kernels/tests/plain-diff.patch kernels/patches/*.patch kernels/test-patches/*.patch; do
	if kernels/build-variant.sh --check "$p" >/dev/null 2>"$out"; then
		ok "$p applies"
	else
		bad "$p does not apply"; sed 's/^/     /' "$out"
	fi
done

eval "$(kernels/fetch-debian.sh --print)"
stock=$(modinfo -F vermagic "$MODULES"/kernel/arch/x86/kvm/kvm.ko* 2>/dev/null)
[ -n "$stock" ] && ok "stock kvm.ko vermagic: $stock" || bad "cannot read the stock kvm.ko's vermagic under $MODULES"
base_sum=
for v in baseline $(ls kernels/patches/*.patch 2>/dev/null | xargs -rn1 basename | sed 's/\.patch$//'); do
	start=$(date +%s)
	if ! dir=$(kernels/variant-dir.sh "$v" 2>"$out"); then
		bad "$v: build failed"; tail -n 20 "$out" | sed 's/^/     /'; continue
	fi
	t=$(( $(date +%s) - start ))
	[ "$dir" = "$PWD/kernels/cache/variants/$v" ] && ok "$v: built or cached in ${t}s: $dir" ||
		bad "$v: unexpected directory '$dir'"
	miss=
	for m in kvm kvm-amd kvm-intel; do
		f=$dir/$m.ko
		[ -s "$f" ] || { miss+=" $m.ko(missing)"; continue; }
		[ "$(modinfo -F vermagic "$f")" = "$stock" ] || miss+=" $m.ko(vermagic)"
		readelf -S "$f" | grep -q '\.BTF ' || miss+=" $m.ko(no .BTF)"
		readelf -S "$f" | grep -q '\.debug_info' && miss+=" $m.ko(debug info not stripped)"
	done
	[ -z "$miss" ] && ok "$v: 3 modules, Debian's vermagic, BTF, stripped" || bad "$v:$miss"
	want_sha=none
	[ "$v" != baseline ] && want_sha=$(sha256sum < "kernels/patches/$v.patch" | cut -d' ' -f1)
	if grep -qx "name=$v" "$dir/info" && grep -qx "abi=$ABI" "$dir/info" &&
	   grep -qx "patch_sha256=$want_sha" "$dir/info" && grep -qE '^input_hash=[0-9a-f]{64}$' "$dir/info"; then
		ok "$v: info names the variant, ABI $ABI, patch sha256, input hash"
	else
		bad "$v: info is wrong:"; sed 's/^/     /' "$dir/info"
	fi
	sum=$(sha256sum < "$dir/kvm.ko" | cut -d' ' -f1)
	if [ "$v" = baseline ]; then base_sum=$sum
	elif [ -n "$base_sum" ] && [ "$sum" = "$base_sum" ]; then bad "$v: kvm.ko identical to baseline's (patch not built in?)"
	else ok "$v: kvm.ko differs from baseline's"
	fi
	start=$(date +%s)
	kernels/variant-dir.sh "$v" >/dev/null 2>"$out"; t=$(( $(date +%s) - start ))
	grep -q "$v: cached" "$out" && [ "$t" -lt 30 ] && ok "$v: second request served from the cache in ${t}s" ||
		{ bad "$v: second request not cached (${t}s)"; sed 's/^/     /' "$out"; }
done
echo "kernels: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
