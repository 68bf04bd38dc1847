#!/bin/bash
# Build one KVM module variant out of tree against Debian's 6.1 headers.
#
#   kernels/build-variant.sh <variant> [--force]
#   kernels/build-variant.sh --check <variant>   validate and apply, no build
#
# <variant> is one of
#   baseline                 Debian's kvm sources, unmodified
#   <name>                   kernels/patches/<name>.patch
#   test-<name>              kernels/test-patches/<name>.patch (test-only)
#   path/to/<name>.patch     any patch file; the variant is called <name>
#   any of these + "+cov"    built for KVM code coverage (kernels/cov/variant.sh)
#
# Result: $KCACHE/variants/<name>/{kvm.ko,kvm-amd.ko,kvm-intel.ko,info}
# (debug info stripped).  The build is skipped when info's input_hash
# matches the hash of (ABI, source package version, patch, build scripts).
# Progress and errors go to stderr; the last stdout line is the directory.
#
# Exit: 0 built or cached, 2 usage, 3 patch refused (outside the module
# build or does not apply), 4 build failed, 1 anything else.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KCACHE=${KCACHE:-$here/cache}
export KCACHE
JOBS=${JOBS:-2}

die()  { echo "kernels: $*" >&2; exit "${RC:-1}"; }
note() { echo "kernels: $*" >&2; }

check_only=
if [ "${1:-}" = --check ]; then check_only=1; shift; fi
[ $# -ge 1 ] && [ $# -le 2 ] || RC=2 die "usage: build-variant.sh [--check] <variant> [--force]"
arg=$1 force=${2:-}
. "$here/cov/variant.sh"
cov=; case $arg in *+cov) cov=1 arg=${arg%+cov} ;; esac
case "$arg" in
baseline)	name=baseline patch= ;;
*.patch)	name=$(basename "$arg" .patch) patch=$arg ;;
test-*)		name=$arg patch=$here/test-patches/${arg#test-}.patch ;;
*)		name=$arg patch=$here/patches/$arg.patch ;;
esac
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || RC=2 die "bad variant name '$name'"
if [ -n "$patch" ]; then
	[ -f "$patch" ] || RC=2 die "$patch: no such patch (variants: baseline, kernels/patches/*.patch, test-<name> for kernels/test-patches/)"
	patch=$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")
	# A patch given by path must not overwrite the variant of a different
	# kernels/patches/ or kernels/test-patches/ file with the same name.
	own_files=("$here/patches/$name.patch")
	[[ "$name" == test-* ]] && own_files+=("$here/test-patches/${name#test-}.patch")
	for own in "${own_files[@]}"; do
		if [ -f "$own" ] && [ "$own" != "$patch" ] && ! cmp -s "$own" "$patch"; then
			RC=2 die "$patch: variant name '$name' belongs to $own; rename the patch"
		fi
	done
fi

# --- patch validation: only files the module build covers -----------------
# Reads the patch's own file headers ("diff --git", "---", "+++", renames),
# so a refused patch never touches the tree.
check_patch_paths() {
	awk -v P="$1" '
	function bad(path, why) {
		if (path in seen) return
		seen[path] = 1
		printf "kernels: %s:%d: refused: %s: %s\n", P, NR, path, why > "/dev/stderr"
		nbad++
	}
	function check(path,   p) {
		sub(/\t.*$/, "", path)
		if (path == "/dev/null") return
		if (path !~ /^[ab]\//) { bad(path, "expected a/ or b/ prefix (a patch for -p1 from the kernel tree root)"); return }
		p = substr(path, 3)
		if (p ~ /(^|\/)\.\.(\/|$)/) { bad(p, "path leaves the tree"); return }
		if (p ~ /^arch\/x86\/kvm\// || p ~ /^virt\/kvm\// || p == "arch/x86/include/asm/kvm_host.h") { nfiles++; return }
		bad(p, "outside what the module build covers (arch/x86/kvm/, virt/kvm/, arch/x86/include/asm/kvm_host.h)")
	}
	# A file header is a "--- " line right before a "+++ " line (inside a
	# hunk, a removed line starting "-- " is not followed by one).
	/^diff --git / { check($3); check($4) }
	/^\+\+\+ /     { if (prev ~ /^--- /) { split(prev, f, " "); check(f[2]); check($2) } }
	/^(rename|copy) (from|to) / { check("a/" $3) }
	{ prev = $0 }
	END {
		if (nbad) exit 3
		if (!nfiles) { printf "kernels: %s: refused: no file changes found (not a diff?)\n", P > "/dev/stderr"; exit 3 }
	}' "$1"
}
[ -z "$cov" ] || name=$name+cov
if [ -n "$patch" ]; then
	check_patch_paths "$patch" || RC=3 die "$patch: refused"
fi

# --- shared preparation, once per ABI (locked: parallel builds share it) ---
mkdir -p "$KCACHE/build" "$KCACHE/variants" "$KCACHE/src"
exec 8>"$KCACHE/.prep.lock"
flock 8
eval "$("$here/fetch-debian.sh" --print)"	# ABI KROOT VMLINUZ MODULES
srcdeb=$(ls "$KCACHE"/debs/linux-source-6.1_*.deb | tail -n1)
srcver=$(dpkg-deb -f "$srcdeb" Version)
src=$KCACHE/src/$srcver
if [ ! -e "$src/.done" ] || [ ! -e "$src/scripts/extract-vmlinux" ]; then
	note "unpacking the kvm sources of linux-source-6.1 $srcver"
	rm -rf "$src" "$src.tmp"; mkdir -p "$src.tmp"
	tar -xJf "$KROOT/usr/src/linux-source-6.1.tar.xz" -C "$src.tmp" --strip-components=1 \
		linux-source-6.1/arch/x86/kvm linux-source-6.1/virt/kvm \
		linux-source-6.1/arch/x86/include/asm/kvm_host.h \
		linux-source-6.1/scripts/extract-vmlinux
	touch "$src.tmp/.done"; mv "$src.tmp" "$src"
fi
# Fix 1: the headers' Makefile includes the -common tree by its absolute
# /usr/src path; point it at the unpacked copy.
KDIR=$KROOT/usr/src/linux-headers-$ABI
common=$(sed -n 's|^include .*/\(linux-headers-[^/]*-common\)/Makefile$|\1|p' "$KDIR/Makefile")
[ -n "$common" ] || die "$KDIR/Makefile: no 'include .../linux-headers-*-common/Makefile' line"
want="include $KROOT/usr/src/$common/Makefile"
grep -qxF "$want" "$KDIR/Makefile" || echo "$want" > "$KDIR/Makefile"
# Fix 3: module BTF (/sys/kernel/btf/kvm, used by the BPF tracer's tp_btf
# programs) is split BTF on top of vmlinux's; kbuild skips it unless
# $KDIR/vmlinux exists.  The vmlinux unpacked from Debian's vmlinuz is
# the very base the running kernel exposes.
if [ ! -s "$KDIR/vmlinux" ]; then
	note "extracting vmlinux (BTF base for module BTF) from $VMLINUZ"
	bash "$src/scripts/extract-vmlinux" "$VMLINUZ" > "$KDIR/vmlinux.tmp" ||
		die "cannot extract vmlinux from $VMLINUZ"
	readelf -S "$KDIR/vmlinux.tmp" | grep -q '\.BTF ' || die "$VMLINUZ: extracted vmlinux has no .BTF section"
	mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"
fi
flock -u 8

hash=$( { echo "abi=$ABI"; echo "source=$srcver"
	  if [ -n "$patch" ]; then cat "$patch"; else echo nopatch; fi
	  cat "$here/build-variant.sh" "$here/fetch-debian.sh"; cov_hash_inputs; } | sha256sum | cut -d' ' -f1)
psha=none; [ -n "$patch" ] && psha=$(sha256sum < "$patch" | cut -d' ' -f1)
out=$KCACHE/variants/$name

# --- per-variant lock: the same variant never builds twice at once --------
exec 9>"$KCACHE/build/$name.lock"
flock 9
if [ -z "$check_only" ] && [ "$force" != --force ] && [ -f "$out/info" ] && grep -qx "input_hash=$hash" "$out/info" &&
   [ -f "$out/kvm.ko" ] && [ -f "$out/kvm-amd.ko" ] && [ -f "$out/kvm-intel.ko" ] && cov_cached "$out"; then
	note "$name: cached ($out)"
	echo "$out"; exit 0
fi
start=$(date +%s)
work=$KCACHE/build/$name
stage=$work.stage
rm -rf "$stage"; mkdir -p "$stage" "$work/tree"
cp -a "$src/arch" "$src/virt" "$stage/"
if [ -n "$patch" ]; then
	if ! patch -d "$stage" -p1 --batch --forward --no-backup-if-mismatch \
		--reject-file=- -i "$patch" > "$work/patch.log" 2>&1; then
		# Name the file and hunk: patch says "patching file F" then
		# "Hunk #N FAILED at L." (or why it could not patch at all).
		awk '/^(patching|checking) file /{f=$3} /FAILED|can.t find file|malformed|Only garbage|Reversed/{print "kernels: " (f ? f ": " : "") $0}' \
			"$work/patch.log" >&2
		rm -rf "$stage"
		RC=3 die "$patch: does not apply to linux-source-6.1 $srcver (full output: $work/patch.log)"
	fi
	sed -n 's/^/kernels:   /p' "$work/patch.log" >&2
fi
if [ -n "$check_only" ]; then
	rm -rf "$stage"
	note "${patch:-baseline}: applies to linux-source-6.1 $srcver, touches only module sources"
	exit 0
fi
# Fix 2: the kvm Makefile takes its own sources from $(srctree) (the headers
# tree, which has none) and trace.h's TRACE_INCLUDE_PATH is ../../arch/x86/kvm
# relative to an include directory.  A patched kvm_host.h must come before
# the headers' copy on the include path.
tree=$work/tree
mk=$stage/arch/x86/kvm/Makefile
grep -q '$(srctree)/virt/kvm/Makefile.kvm' "$mk" || die "$mk: no \$(srctree)/virt/kvm/Makefile.kvm include to repoint"
sed -i "s|\$(srctree)/arch/x86/kvm|$tree/arch/x86/kvm|; s|\$(srctree)/virt/kvm/|$tree/virt/kvm/|" "$mk"
{ echo "# mmufuzz out-of-tree build (kernels/build-variant.sh)"
  echo "ccflags-y += -I $tree/include/trace"
  echo "LINUXINCLUDE := -I $tree/arch/x86/include \$(LINUXINCLUDE)"
  cat "$mk"; } > "$mk.new" && mv "$mk.new" "$mk"
cov_prepare "$mk"
mkdir -p "$stage/include/trace"
# Copy by checksum so unchanged sources keep their mtimes: kbuild then
# recompiles only what the patch touched.
rsync -rc --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.s' --exclude='modules.order' --exclude='Module.symvers' \
	--exclude='kvm-asm-offsets.h' --exclude='*.a' --exclude='.*.d' "$stage/" "$tree/"
rm -rf "$stage"

note "$name: building kvm.ko kvm-amd.ko kvm-intel.ko (log: $work/build.log)"
# kbuild does not redo a module's BTF when only vmlinux (the BTF base)
# changed: relink then.
if [ "$KDIR/vmlinux" -nt "$tree/arch/x86/kvm/kvm.ko" ]; then
	rm -f "$tree"/arch/x86/kvm/*.ko
fi
# The headers package has no resolve_btfids; kvm defines no BTF_ID sets
# (no .BTF_ids section in Debian's own kvm.ko), so there is nothing for it
# to resolve.
if ! make -C "$KDIR" M="$tree/arch/x86/kvm" -j"$JOBS" RESOLVE_BTFIDS=true "${cov_make_args[@]}" modules \
		> "$work/build.log" 2>&1; then
	grep -E 'error|Error' "$work/build.log" | head -n 20 >&2 || true
	RC=4 die "$name: module build failed (log: $work/build.log)"
fi
stock=$(modinfo -F vermagic "$MODULES/kernel/arch/x86/kvm/kvm.ko"* 2>/dev/null || true)
tmp=$KCACHE/variants/.$name.tmp.$$
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"; mkdir -p "$tmp"
for m in kvm kvm-amd kvm-intel; do
	strip --strip-debug -o "$tmp/$m.ko" "$tree/arch/x86/kvm/$m.ko"
done
vm=$(modinfo -F vermagic "$tmp/kvm.ko")
for m in kvm kvm-amd kvm-intel; do
	readelf -S "$tmp/$m.ko" | grep -q '\.BTF ' || die "$name: $m.ko has no .BTF section (log: $work/build.log)"
done
[ -z "$stock" ] || [ "$vm" = "$stock" ] || die "$name: vermagic '$vm' differs from the stock kvm.ko's '$stock'"
{ echo "name=$name"; echo "abi=$ABI"; echo "source=$srcver"
  echo "patch=${patch:-none}"; echo "patch_sha256=$psha"; echo "input_hash=$hash"
  echo "vermagic=$vm"; echo "built=$(date -u +%FT%TZ)"; echo "build_seconds=$(( $(date +%s) - start ))"; } > "$tmp/info"
cov_publish "$tree" "$tmp"
rm -rf "$out.old.$$"
[ -e "$out" ] && mv "$out" "$out.old.$$"
mv "$tmp" "$out"
rm -rf "$out.old.$$"
note "$name: built in $(( $(date +%s) - start ))s ($out)"
echo "$out"
