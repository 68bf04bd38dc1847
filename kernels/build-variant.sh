#!/bin/bash
# Build one KVM module variant out of tree against a base's headers.
#
#   kernels/build-variant.sh [BASE:]VARIANT [--force]
#   kernels/build-variant.sh --check [BASE:]VARIANT   validate and apply, no build
#   kernels/build-variant.sh --lookup [BASE:]VARIANT  print the cached directory
#                                  (any build of that name), never build
#
# BASE (kernels/base.sh): 6.1 (the default), 6.12, or a directory holding
# a kernel the user built.  VARIANT is one of
#   baseline                 the base's kvm sources, unmodified, rebuilt
#   stock                    the base's own modules as shipped (no build:
#                            the directory holds only info); for an own
#                            kernel, baseline means the same
#   <name>                   kernels/patches/<name>.patch or the series
#                            folder kernels/patches/<name>/ (6.1), and
#                            kernels/patches/<series>/<name>.patch or
#                            .../<name>/ for another base (6.12, or an
#                            own kernel's major.minor)
#   test-<name>              kernels/test-patches/<name>.patch or the series
#                            folder kernels/test-patches/<name>/ (test-only)
#   any of these + "+cov"    built for KVM code coverage (kernels/cov/variant.sh)
#   path/to/<name>.patch     any patch file or mbox; the variant is <name>
#   path/to/<name>/          a folder of numbered patches, applied in order
# A file holding several mails (an mbox from git format-patch --stdout or
# a list archive) is a series: each mail with a diff is one patch, applied
# in order; a mail without one (a cover letter) is skipped.
#
# Result: $KCACHE/variants/<name>/{kvm.ko,kvm-amd.ko,info}, and kvm-intel.ko
# where kvm_modules (base.sh) wants it (debug info stripped; KCACHE is the
# base's cache); info's ko= lists them.  The build is skipped
# when info's input_hash matches the hash of (base, ABI, source version,
# patches, build scripts).  Progress and errors go to stderr; the last
# stdout line is the directory.
#
# Exit: 0 built or cached, 2 usage, 3 patch refused (outside the module
# build or does not apply), 4 build failed, 5 base refused (package
# versions differ, not a kernel tree), 1 anything else.
set -euo pipefail
# One compound command: bash reads it whole before running it, so editing
# this file while a build runs cannot change what that build executes.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/base.sh"
JOBS=${JOBS:-2}

die()  { echo "kernels: $*" >&2; exit "${RC:-1}"; }
note() { echo "kernels: $*" >&2; }

check_only= lookup=
if [ "${1:-}" = --check ]; then check_only=1; shift; fi
if [ "${1:-}" = --lookup ]; then lookup=1; shift; fi
[ $# -ge 1 ] && [ $# -le 2 ] || RC=2 die "usage: build-variant.sh [--check|--lookup] [BASE:]VARIANT [--force]"
kbase_split "$1"; force=${2:-}
base=$kb_base arg=$kb_variant
. "$here/cov/variant.sh"
cov=; case $arg in *+cov) cov=1 arg=${arg%+cov} ;; esac
kind=$(kbase_kind "$base") || RC=2 die "unknown base '$base' (known: 6.1, 6.12, or the directory of a kernel you built)"
if [ "$kind" = own ]; then
	base=$(cd "$base" && pwd -P)
	layout=$(kbase_own_layout "$base") || RC=5 die "$base: refused as a base"
	release=$(kbase_own_release "$base")
	series=$(echo "$release" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
else
	series=$base
fi
KCACHE=${KCACHE:-$(kbase_cache "$base")}
export KCACHE
bid=$(kbase_id "$base")

# Where a patch named NAME lives for this base.
patch_home=$here/patches
[ "$series" = 6.1 ] || patch_home=$here/patches/$series
case "$arg" in
baseline|stock)	name=$arg src_arg= ;;
*.patch|*.mbox|*/*) name=$(basename "$arg"); name=${name%.patch}; name=${name%.mbox}; src_arg=$arg ;;
test-*)		name=$arg src_arg=$here/test-patches/${arg#test-}.patch
		[ -f "$src_arg" ] || [ ! -d "$here/test-patches/${arg#test-}" ] ||
			src_arg=$here/test-patches/${arg#test-} ;;
*)		name=$arg src_arg=$patch_home/$arg.patch
		[ -f "$src_arg" ] || [ ! -d "$patch_home/$arg" ] || src_arg=$patch_home/$arg ;;
esac
[ -z "$cov" ] || name=$name+cov
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || RC=2 die "bad variant name '$name'"
# kernels/patches/<major.minor>/ holds another base's patches, not a series.
[[ -n "$src_arg" && "$src_arg" == "$patch_home/$arg" && "$arg" =~ ^[0-9]+\.[0-9]+$ ]] &&
	RC=2 die "'$arg' is a base, not a variant: name it as $arg:VARIANT"
if [ -n "$src_arg" ]; then
	[ -e "$src_arg" ] || RC=2 die "$src_arg: no such patch (variants of base $bid: baseline, stock, $patch_home/*.patch or series folders, test-<name> for kernels/test-patches/)"
	src_arg=$(cd "$(dirname "$src_arg")" && pwd)/$(basename "$src_arg")
	# A patch given by path must not overwrite the variant of a different
	# kernels/patches/ or kernels/test-patches/ file with the same name.
	own_files=("$patch_home/$name.patch" "$patch_home/$name")
	[[ "$name" == test-* ]] && own_files+=("$here/test-patches/${name#test-}.patch" "$here/test-patches/${name#test-}")
	for own in "${own_files[@]}"; do
		if [ -e "$own" ] && [ "$own" != "$src_arg" ] && ! diff -rq "$own" "$src_arg" >/dev/null 2>&1; then
			RC=2 die "$src_arg: variant name '$name' belongs to $own; rename the patch"
		fi
	done
fi
if [ -n "$lookup" ]; then
	[ -f "$KCACHE/variants/$name/info" ] || die "$1: not built (no $KCACHE/variants/$name/info)"
	echo "$KCACHE/variants/$name"; exit 0
fi
if [ "$kind" = own ] && [ "$layout" = install ] && [ "$name" != stock ] && [ "$name" != baseline ]; then
	RC=2 die "$base: an install layout (vmlinuz + lib/modules/$release) has no build tree to rebuild KVM in; only '$base:baseline' (its own modules) runs on it (point at the build tree to test a patch)"
fi

# --- the patch list: one file, an mbox series, or a folder ---------------
# patches[i] is what `patch` reads, labels[i] how messages name it.
patches=() labels=() subjects=()
work_base=$KCACHE/build/$name
mkdir -p "$KCACHE/build" "$KCACHE/variants" "$KCACHE/src"
series_dir=$work_base.series
# subject_of FILE: the mail's Subject (folded lines joined), else "".
subject_of() {
	awk '/^Subject: /{s=substr($0,10); on=1; next}
	     on && /^[ \t]/{sub(/^[ \t]+/," "); s=s $0; next}
	     on{exit} /^$/{if (s != "") exit}
	     END{print s}' "$1"
}
# count_mails FILE: the number of mbox "From " separator lines.
count_mails() { grep -c '^From [^ ]* .*[0-9][0-9]:[0-9][0-9]' "$1" || true; }
if [ -n "$src_arg" ]; then
	if [ -d "$src_arg" ]; then
		for f in $(ls "$src_arg" | grep -E '\.(patch|diff)$' | sort -V); do
			patches+=("$src_arg/$f"); labels+=("$src_arg/$f")
		done
		[ ${#patches[@]} -gt 0 ] || RC=3 die "$src_arg: refused: a series folder holds numbered *.patch files; found none"
	elif [ "$(count_mails "$src_arg")" -ge 2 ]; then
		rm -rf "$series_dir"; mkdir -p "$series_dir"
		# Split at the separators; mail N goes to NNNN.mail, and the
		# first line of each is remembered for messages.
		awk -v D="$series_dir" '
			/^From [^ ]* .*[0-9][0-9]:[0-9][0-9]/ { n++; f = sprintf("%s/%04d.mail", D, n); print NR > (f ".line") }
			n { print > f }' "$src_arg"
		for f in "$series_dir"/*.mail; do
			if ! grep -qE '^(diff --git |\+\+\+ )' "$f"; then
				note "$src_arg:$(cat "$f.line"): skipping a mail with no diff: $(subject_of "$f")"
				continue
			fi
			patches+=("$f"); labels+=("$src_arg:$(cat "$f.line")")
		done
		[ ${#patches[@]} -gt 0 ] || RC=3 die "$src_arg: refused: no mail in it carries a diff"
	else
		patches=("$src_arg"); labels=("$src_arg")
	fi
	for i in "${!patches[@]}"; do
		s=$(subject_of "${patches[$i]}")
		[ -n "$s" ] || s="(no subject: $(basename "${labels[$i]%%:*}"))"
		subjects+=("$s")
	done
fi

# --- patch validation: only files the module build covers -----------------
# Reads the patch's own file headers ("diff --git", "---", "+++", renames),
# so a refused patch never touches the tree.  LABEL:LINE in messages is
# the line of the file the user gave (for an mbox, of the whole mbox).
check_patch_paths() {
	awk -v P="$2" -v OFF="${3:-0}" '
	function bad(path, why) {
		if (path in seen) return
		seen[path] = 1
		printf "kernels: %s:%d: refused: %s: %s\n", P, NR + OFF, path, why > "/dev/stderr"
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
for i in "${!patches[@]}"; do
	l=${labels[$i]} off=0
	case $l in *.mail) ;; *:[0-9]*) off=$(( ${l##*:} - 1 )); l=${l%:*} ;; esac
	check_patch_paths "${patches[$i]}" "$l" "$off" || RC=3 die "${labels[$i]}: refused"
done
npatch=${#patches[@]}

# --- shared preparation, once per base (locked: parallel builds share it) -
exec 8>"$KCACHE/.prep.lock"
flock 8
if [ "$kind" = debian ]; then
	eval "$("$here/fetch-debian.sh" --base "$base" --print)" ||
		RC=5 die "base $base: fetching Debian's packages failed"	# ABI VERSION KROOT VMLINUZ MODULES SRCPKG
	srcver=$VERSION
	KDIR=$KROOT/usr/src/linux-headers-$ABI
	base_version=$VERSION
	src=$KCACHE/src/$srcver
	if [ ! -e "$src/.done" ] || [ ! -e "$src/scripts/extract-vmlinux" ]; then
		note "unpacking the kvm sources of $SRCPKG $srcver"
		rm -rf "$src" "$src.tmp"; mkdir -p "$src.tmp"
		tar -xJf "$KROOT/usr/src/$SRCPKG.tar.xz" -C "$src.tmp" --strip-components=1 \
			"$SRCPKG/arch/x86/kvm" "$SRCPKG/virt/kvm" \
			"$SRCPKG/arch/x86/include/asm/kvm_host.h" \
			"$SRCPKG/scripts/extract-vmlinux"
		touch "$src.tmp/.done"; mv "$src.tmp" "$src"
	fi
	# Fix 1: the headers' Makefile includes the -common tree by its absolute
	# /usr/src path; point it at the unpacked copy.
	common=$(sed -n 's|^include .*/\(linux-headers-[^/]*-common\)/Makefile$|\1|p' "$KDIR/Makefile")
	[ -n "$common" ] || die "$KDIR/Makefile: no 'include .../linux-headers-*-common/Makefile' line"
	want="include $KROOT/usr/src/$common/Makefile"
	grep -qxF "$want" "$KDIR/Makefile" || echo "$want" > "$KDIR/Makefile"
	# Fix 3: module BTF (/sys/kernel/btf/kvm, used by the BPF tracer's
	# tp_btf programs) is split BTF on top of vmlinux's; kbuild skips it
	# unless $KDIR/vmlinux exists.  The vmlinux unpacked from Debian's
	# vmlinuz is the very base the running kernel exposes.
	if [ ! -s "$KDIR/vmlinux" ]; then
		note "extracting vmlinux (BTF base for module BTF) from $VMLINUZ"
		bash "$src/scripts/extract-vmlinux" "$VMLINUZ" > "$KDIR/vmlinux.tmp" ||
			die "cannot extract vmlinux from $VMLINUZ"
		readelf -S "$KDIR/vmlinux.tmp" | grep '\.BTF ' >/dev/null || die "$VMLINUZ: extracted vmlinux has no .BTF section"
		mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"
	fi
	stock_dir=$MODULES/kernel/arch/x86/kvm
	src_desc="$SRCPKG $srcver"
else
	# A kernel the user built: its own tree is the module build's KDIR
	# and the source of the pristine kvm files.
	ABI=$release
	if [ "$layout" = tree ]; then
		KDIR=$base VMLINUZ=$base/arch/x86/boot/bzImage MODULES=$base
		stock_dir=$base/arch/x86/kvm src=$base
		srcver="$release (tree $base)"
	else
		KDIR= VMLINUZ=$base/vmlinuz MODULES=$(ls -d "$base"/lib/modules/*/ | head -n1); MODULES=${MODULES%/}
		stock_dir=$MODULES/kernel/arch/x86/kvm src=
		srcver="$release (install $base)"
	fi
	base_version="$release (own build, $base)"
	src_desc="the kvm sources of $base"
fi
flock -u 8

# The base's description, shared by the stock and the built variants.
base_info() {
	echo "base=$bid"; echo "base_kind=$kind"; echo "base_dir=${base}"
	echo "base_version=$base_version"; echo "abi=$ABI"; echo "source=$srcver"
	echo "vmlinuz=$VMLINUZ"; echo "modules=$MODULES"
}
out=$KCACHE/variants/$name
# An own kernel's baseline is its own KVM modules (the user built them from
# that very tree); only Debian's bases rebuild theirs, to share the
# compiler and flags with the patched variants.
if [ "$name" = stock ] || { [ "$kind" = own ] && [ "$name" = baseline ]; }; then
	[ -z "$check_only" ] || { note "$name: nothing to apply"; exit 0; }
	ls "$stock_dir"/kvm.ko* >/dev/null 2>&1 || RC=5 die "base $bid: no kvm.ko under $stock_dir"
	tmp=$KCACHE/variants/.$name.tmp.$$
	rm -rf "$tmp"; mkdir -p "$tmp"
	{ echo "name=$name"; base_info; echo "patch=none"; echo "patch_sha256=none"; echo "patches=0"
	  echo "vermagic=$(modinfo -F vermagic "$(ls "$stock_dir"/kvm.ko* | head -n1)")"; } > "$tmp/info"
	if [ -f "$out/info" ] && cmp -s "$tmp/info" "$out/info"; then rm -rf "$tmp"
	else rm -rf "$out"; mv "$tmp" "$out"; fi
	echo "$out"; exit 0
fi

hash=$( { echo "base=$bid"; echo "abi=$ABI"; echo "source=$srcver"
	  if [ "$npatch" -gt 0 ]; then cat "${patches[@]}"; else echo nopatch; fi
	  cat "$here/build-variant.sh" "$here/fetch-debian.sh" "$here/base.sh"; cov_hash_inputs
	  # An own tree's kvm sources and config may change between builds.
	  if [ "$kind" = own ]; then
		  cat "$base/.config" "$base/Module.symvers"
		  (cd "$base" && find arch/x86/kvm virt/kvm arch/x86/include/asm/kvm_host.h -type f \
			  \( -name '*.[ch]' -o -name 'Makefile*' -o -name Kconfig \) -print0 |
			  sort -z | xargs -0 sha256sum)
	  fi; } | sha256sum | cut -d' ' -f1)
psha=none
[ "$npatch" -gt 0 ] && psha=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)

mods=$(kvm_modules)
has_modules() {
	local m
	for m in $mods; do [ -f "$1/$m.ko" ] || return 1; done
}
# kvm-intel.o is left out of kbuild's list when it is not wanted; the
# config (autoconf.h) stays the base's, so kvm.ko and kvm-amd.ko are the
# same either way.
mod_args=()
case " $mods " in *" kvm-intel "*) ;; *) mod_args=(CONFIG_KVM_INTEL=) ;; esac

# --- per-variant lock: the same variant never builds twice at once --------
exec 9>"$KCACHE/build/$name.lock"
flock 9
if [ -z "$check_only" ] && [ "$force" != --force ] && [ -f "$out/info" ] && grep -qx "input_hash=$hash" "$out/info" &&
   has_modules "$out" && cov_cached "$out"; then
	note "$bid:$name: cached ($out)"
	echo "$out"; exit 0
fi
start=$(date +%s)
work=$work_base
stage=$work.stage
rm -rf "$stage"; mkdir -p "$stage" "$work/tree"
if [ "$kind" = debian ]; then
	cp -a "$src/arch" "$src/virt" "$stage/"
else
	mkdir -p "$stage/arch/x86/include/asm"
	cp -a "$src/arch/x86/kvm" "$stage/arch/x86/"
	cp -a "$src/virt" "$stage/" 2>/dev/null || { mkdir -p "$stage/virt"; cp -a "$src/virt/kvm" "$stage/virt/"; }
	cp -a "$src/arch/x86/include/asm/kvm_host.h" "$stage/arch/x86/include/asm/"
	# Build products of the user's tree are not sources.
	find "$stage" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name modules.order -o -name Module.symvers -o -name '*.a' -o -name '.*.d' \) -delete
fi
: > "$work/patch.log"
for i in "${!patches[@]}"; do
	n=$((i + 1))
	{ echo "=== patch $n/$npatch: ${labels[$i]}: ${subjects[$i]}"; } >> "$work/patch.log"
	if ! patch -d "$stage" -p1 --batch --forward --no-backup-if-mismatch \
		--reject-file=- -i "${patches[$i]}" > "$work/patch.$n.log" 2>&1; then
		cat "$work/patch.$n.log" >> "$work/patch.log"
		# Name the patch, the file and the hunk: patch says "patching
		# file F" then "Hunk #N FAILED at L." (or why it could not).
		[ "$npatch" -gt 1 ] && note "patch $n/$npatch (${labels[$i]}) does not apply: ${subjects[$i]}"
		awk '/^(patching|checking) file /{f=$3} /FAILED|can.t find file|malformed|Only garbage|Reversed/{print "kernels: " (f ? f ": " : "") $0}' \
			"$work/patch.$n.log" >&2
		rm -rf "$stage"
		what=${labels[$i]}; [ "$npatch" -gt 1 ] && what="$src_arg: patch $n/$npatch ($what)"
		RC=3 die "$what: does not apply to $src_desc${npatch:+ (base $bid)} (full output: $work/patch.log)"
	fi
	cat "$work/patch.$n.log" >> "$work/patch.log"
	sed -n 's/^/kernels:   /p' "$work/patch.$n.log" >&2
done
if [ -n "$check_only" ]; then
	rm -rf "$stage"
	note "${src_arg:-baseline}: ${npatch} patch(es) apply to $src_desc (base $bid), touching only module sources"
	for i in "${!subjects[@]}"; do note "  $((i + 1))/$npatch: ${subjects[$i]}"; done
	exit 0
fi
# Fix 2: the kvm Makefile takes its own sources from $(srctree) (the headers
# tree, which has none) and trace.h's TRACE_INCLUDE_PATH is ../../arch/x86/kvm
# relative to an include directory.  A patched kvm_host.h must come before
# the headers' copy on the include path.
tree=$work/tree
# With ccache (tests/install-deps.sh installs it), a plain build runs
# through one fixed path per base, $KCACHE/build/.active/tree (a symlink
# to this variant's tree, held under a lock), so the compile commands of
# every variant are the same strings and ccache serves each object whose
# sources a patch does not change from an earlier variant's build: a new
# variant costs the files it touches, not the whole of kvm (a clean CI run
# builds a dozen variants).  A +cov build keeps its own path, which info's
# cov_tree names for the coverage reports.
if [ -z "$cov" ] && [ -x /usr/lib/ccache/gcc ] && [ "${MMUFUZZ_NO_CCACHE:-0}" = 0 ]; then
	exec 7>"$KCACHE/build/.active.lock"
	flock 7
	mkdir -p "$KCACHE/build/.active"
	ln -sfn "$work/tree" "$KCACHE/build/.active/tree"
	tree=$KCACHE/build/.active/tree
	export PATH=/usr/lib/ccache:$PATH CCACHE_DIR=$KCACHE/ccache CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-2G}
fi
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

note "$bid:$name: building $(printf '%s.ko ' $mods)(log: $work/build.log)"
# kbuild does not redo a module's BTF when only vmlinux (the BTF base)
# changed: relink then.
if [ "$KDIR/vmlinux" -nt "$tree/arch/x86/kvm/kvm.ko" ]; then
	rm -f "$tree"/arch/x86/kvm/*.ko
fi
# The headers package has no resolve_btfids; kvm defines no BTF_ID sets
# (no .BTF_ids section in Debian's own kvm.ko), so there is nothing for it
# to resolve.
if ! make -C "$KDIR" M="$tree/arch/x86/kvm" -j"$JOBS" RESOLVE_BTFIDS=true "${cov_make_args[@]}" ${mod_args[@]+"${mod_args[@]}"} modules \
		> "$work/build.log" 2>&1; then
	grep -E 'error|Error' "$work/build.log" | head -n 20 >&2 || true
	RC=4 die "$bid:$name: module build failed (log: $work/build.log)"
fi
stock=$(modinfo -F vermagic "$stock_dir"/kvm.ko* 2>/dev/null || true)
tmp=$KCACHE/variants/.$name.tmp.$$
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"; mkdir -p "$tmp"
for m in $mods; do
	strip --strip-debug -o "$tmp/$m.ko" "$tree/arch/x86/kvm/$m.ko"
done
[ "$tree" = "$work/tree" ] || exec 7>&-	# the fixed path is free again
vm=$(modinfo -F vermagic "$tmp/kvm.ko")
for m in $mods; do
	readelf -S "$tmp/$m.ko" | grep '\.BTF ' >/dev/null || die "$bid:$name: $m.ko has no .BTF section (log: $work/build.log)"
done
[ -z "$stock" ] || [ "$vm" = "$stock" ] || die "$bid:$name: vermagic '$vm' differs from the stock kvm.ko's '$stock'"
{ echo "name=$name"; base_info
  echo "patch=${src_arg:-none}"; echo "patch_sha256=$psha"; echo "patches=$npatch"
  for i in "${!subjects[@]}"; do echo "subject.$((i + 1))=${subjects[$i]}"; done
  echo "input_hash=$hash"; echo "ko=$mods"
  echo "vermagic=$vm"; echo "built=$(date -u +%FT%TZ)"; echo "build_seconds=$(( $(date +%s) - start ))"; } > "$tmp/info"
cov_publish "$tree" "$tmp"
rm -rf "$out.old.$$"
[ -e "$out" ] && mv "$out" "$out.old.$$"
mv "$tmp" "$out"
rm -rf "$out.old.$$"
note "$bid:$name: built in $(( $(date +%s) - start ))s ($out)"
echo "$out"
exit
}
