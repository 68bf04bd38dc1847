#!/bin/bash
# check-own-kernel: the own-kernel path end to end on Debian's 6.12 laid
# out as a user's build tree and install (kernels/tests/own-layout.sh):
#   - the tree is recognized (release, layout); a directory that is
#     neither is refused (exit 5), naming what is missing
#   - TREE:baseline is the tree's own modules (no build), TREE:pae-root-rfc
#     is built against the tree (kernels/patches/6.12/, chosen by the
#     tree's release) with the tree's vermagic and module BTF
#   - INSTALL:baseline works, INSTALL:pae-root-rfc is refused (exit 2:
#     an install has no build tree)
#   - mmufuzz run --kernel TREE:baseline,TREE:pae-root-rfc on the corpus's
#     two PDPTs on one page boots the tree's bzImage with each module set
#     and reports the regression; INSTALL:baseline alone runs it clean
# Prints "own-kernel: N passed, N failed".
. "$(dirname "$0")/lib.sh" own-kernel
out=$(mktemp); empty=$(mktemp -d); trap 'rm -rf "$out" "$empty"' EXIT

lay=build/own-kernel
if ! kernels/tests/own-layout.sh "$lay" > "$out" 2>&1; then
	bad "laying out Debian's 6.12 as an own build failed:"; sed 's/^/     /' "$out"
	summary; exit 1
fi
# Relative paths keep the variant names short (reports, finding folders).
tree=$lay/tree inst=$lay/install
rel=$(cat "$tree/include/config/kernel.release")

mkdir -p "$empty/lib"
kernels/build-variant.sh --check "$empty:baseline" >/dev/null 2>"$out"; rc=$?
[ "$rc" = 5 ] && grep -q 'neither a kernel build tree' "$out" && ok "a directory that is no kernel is refused (exit 5)" ||
	{ bad "empty directory as base: exit $rc"; sed 's/^/     /' "$out"; }
cp -a "$tree/.config" "$empty/"
kernels/build-variant.sh --check "$empty:baseline" >/dev/null 2>"$out"; rc=$?
[ "$rc" = 5 ] && grep -q 'not a usable kernel build tree, missing: Module.symvers vmlinux' "$out" &&
	ok "a tree without Module.symvers, vmlinux, ... is refused naming them" ||
	{ bad "half a tree as base: exit $rc"; sed 's/^/     /' "$out"; }

if dir=$(kernels/variant-dir.sh "$tree:baseline" 2>"$out") && [ ! -e "$dir/kvm.ko" ] &&
   grep -qx "base_kind=own" "$dir/info" && grep -qx "abi=$rel" "$dir/info" &&
   grep -qx "vmlinuz=$(cd "$tree" && pwd -P)/arch/x86/boot/bzImage" "$dir/info"; then
	ok "$tree:baseline: the tree's own modules, release $rel, boots its bzImage"
else
	bad "$tree:baseline:"; cat "$out" "${dir:-/nonexistent}/info" 2>/dev/null | sed 's/^/     /'
fi
start=$(date +%s)
if dir=$(kernels/variant-dir.sh "$tree:pae-root-rfc" 2>"$out"); then
	stock=$(modinfo -F vermagic "$tree/arch/x86/kvm/kvm.ko")
	miss=
	mods=$(sed -n 's/^ko=//p' "$dir/info")
	[[ " $mods " == *" kvm "* && " $mods " == *" kvm-amd "* ]] || miss+=" info(ko=$mods)"
	for m in $mods; do
		[ "$(modinfo -F vermagic "$dir/$m.ko" 2>/dev/null)" = "$stock" ] || miss+=" $m.ko(vermagic)"
		readelf -S "$dir/$m.ko" 2>/dev/null | grep -q '\.BTF ' || miss+=" $m.ko(no .BTF)"
	done
	grep -qx "patch=$PWD/kernels/patches/6.12/pae-root-rfc.patch" "$dir/info" || miss+=" info(patch=)"
	[ -z "$miss" ] && ok "$tree:pae-root-rfc: built against the tree in $(( $(date +%s) - start ))s (the 6.12 port, vermagic $stock, BTF)" ||
		bad "$tree:pae-root-rfc:$miss"
else
	bad "$tree:pae-root-rfc: build failed"; tail -n 20 "$out" | sed 's/^/     /'
fi
if dir=$(kernels/variant-dir.sh "$inst:baseline" 2>"$out") && grep -qx "modules=$(cd "$inst" && pwd -P)/lib/modules/$rel" "$dir/info"; then
	ok "$inst:baseline: the installed modules of $rel"
else
	bad "$inst:baseline:"; sed 's/^/     /' "$out"
fi
kernels/build-variant.sh --check "$inst:pae-root-rfc" >/dev/null 2>"$out"; rc=$?
[ "$rc" = 2 ] && grep -q 'an install layout .* has no build tree' "$out" && ok "$inst:pae-root-rfc refused (exit 2): an install has no build tree" ||
	{ bad "$inst:pae-root-rfc: exit $rc"; sed 's/^/     /' "$out"; }

prog=corpus/pae-two-pdpts-one-page.mmu
if [ ! -x build/mmufuzz ]; then
	bad "build/mmufuzz missing (make build/mmufuzz)"
else
	# MMUFUZZ_RUN_TIMEOUT_MS: a longer request timeout for a loaded host.
	to=${MMUFUZZ_RUN_TIMEOUT_MS:+--timeout $MMUFUZZ_RUN_TIMEOUT_MS}
	build/mmufuzz run $to --kernel "$tree:baseline,$tree:pae-root-rfc" "$prog" > "$out" 2>&1; rc=$?
	if [ "$rc" = 1 ] && grep -q '^differential verdict: regression' "$out"; then
		ok "run --kernel $tree:baseline,$tree:pae-root-rfc $prog: $(grep -m1 '^differential verdict' "$out" | cut -c1-100)"
	else
		bad "run on the own tree: exit $rc, want 1 with a regression verdict"; tail -n 30 "$out" | sed 's/^/     /'
	fi
	build/mmufuzz run $to --kernel "$inst:baseline" "$prog" > "$out" 2>&1; rc=$?
	# The tracer reads kvm_mmu with CO-RE (6.12's layout differs from
	# 6.1's): no root finding, and no violation, on the baseline.
	if [ "$rc" = 0 ]; then
		ok "run --kernel $inst:baseline $prog: clean (exit 0)"
	else
		bad "run on the install: exit $rc, want 0"; tail -n 30 "$out" | sed 's/^/     /'
	fi
fi
summary
