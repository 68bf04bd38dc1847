#!/bin/bash
# check-kernels: patch validation and the cached variant builds, on both
# Debian bases (6.1, the default, and 6.12).
#
# Refusals: every kernels/tests/bad-*.patch and not-a-diff.patch must be
# refused (exit 3) with a message naming the file (and the hunk for one
# that does not apply); an unknown base is refused (exit 2); packages
# whose versions differ are refused naming both (exit 5; fake .debs in a
# scratch cache, no network).  Series: a two-patch mbox and the same two
# patches as a folder apply in order and list both subjects; a series
# whose second patch fails names patch 2/2 and the hunk.  Acceptance:
# plain-diff.patch and every patch of each base apply (--check).
# Builds, per base: baseline and every patch give kvm.ko, kvm-amd.ko (and
# kvm-intel.ko where kvm_modules wants it) with the base's vermagic, module BTF and a truthful info
# file (base, ABI, package version, patch sha256); asking again is served
# from the cache; BASE:stock is info only.  The 6.12 series builds and
# its info and report list both subjects.  A variant whose info names a
# gone checkout's base paths is repointed at this cache (fake cache).  The
# first run builds (many minutes: seven module builds); later runs take
# seconds.
# Prints "kernels: N passed, N failed".
. "$(dirname "$0")/lib.sh" kernels
out=$(mktemp); scratch=$(mktemp -d); trap 'rm -rf "$out" "$scratch"' EXIT

# The module set: kvm-intel.ko only where a VM can have VMX, or when asked.
want="kvm kvm-amd"; grep -qw vmx /proc/cpuinfo && want="kvm kvm-amd kvm-intel"
got=$(. kernels/base.sh; echo "$(kvm_modules)|$(MMUFUZZ_KVM_INTEL=1 kvm_modules)|$(MMUFUZZ_KVM_INTEL=0 kvm_modules)")
[ "$got" = "$want|kvm kvm-amd kvm-intel|kvm kvm-amd" ] &&
	ok "kvm_modules: '$want' on this CPU, kvm-intel on MMUFUZZ_KVM_INTEL=1, not on =0" ||
	bad "kvm_modules: got '$got', want '$want|kvm kvm-amd kvm-intel|kvm kvm-amd'"

# expect_refusal VARIANT RC REGEX...: exit status RC, stderr matches each REGEX.
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
expect_refusal kernels/tests/bad-hunk.patch 3 'arch/x86/kvm/mmu/mmu.c: Hunk #2 FAILED' 'does not apply to linux-source-6.1 '
expect_refusal 6.12:kernels/tests/bad-hunk.patch 3 'arch/x86/kvm/mmu/mmu.c: Hunk #[0-9]+ FAILED' 'does not apply to linux-source-6.12 6\.12\.'
expect_refusal kernels/tests/bad-prefix.patch 3 'refused: arch/x86/kvm/x86.c: expected a/ or b/ prefix'
expect_refusal kernels/tests/not-a-diff.patch 3 'no file changes found'
expect_refusal kernels/tests/no-such.patch 2 'no such patch'
expect_refusal 'bad/name' 2 'no such patch|bad variant name'
expect_refusal 7.0:baseline 2 "unknown base '7.0'"
expect_refusal 6.12 2 "'6.12' is a base, not a variant"
expect_refusal /nonexistent/linux:baseline 2 "unknown base"
# A patch given by path may not take over a kernels/patches/ variant's name.
clash=$(mktemp -d); cp kernels/patches/pae-root-rfc.patch "$clash/pae-root-slot.patch"
expect_refusal "$clash/pae-root-slot.patch" 2 "variant name 'pae-root-slot' belongs to .*kernels/patches/pae-root-slot.patch"
expect_refusal "6.12:$clash/pae-root-slot.patch" 2 "variant name 'pae-root-slot' belongs to .*kernels/patches/6.12/pae-root-slot.patch"
rm -rf "$clash"

# Series: subjects in order, the cover letter skipped; a failing second
# patch is named with its hunk.
for s in kernels/tests/series-two.mbox 6.12:kernels/tests/series-two.mbox 6.12:kernels/tests/series-folder; do
	if kernels/build-variant.sh --check "$s" >/dev/null 2>"$out" &&
	   grep -q '2 patch(es) apply' "$out" &&
	   grep -q '  1/2: \[PATCH 1/2\] KVM: x86/mmu: Add a marker comment to mmu.c for the series test' "$out" &&
	   grep -q '  2/2: \[PATCH 2/2\] KVM: x86/mmu: Extend the marker comment of patch 1' "$out"; then
		ok "$s: 2 patches apply in order, both subjects listed"
	else
		bad "$s: series check"; sed 's/^/     /' "$out"
	fi
done
expect_refusal 6.12:kernels/tests/bad-series.mbox 3 \
	'patch 2/2 \(.*bad-series.mbox:[0-9]+\) does not apply: \[PATCH 2/2\] KVM: x86/mmu: A patch whose context is not there' \
	'arch/x86/kvm/mmu/mmu.c: Hunk #1 FAILED'

# Version match: the image decides; another version of any package is
# refused naming both (fake packages, so no network and no real archive).
fk=$scratch/fake; mkdir -p "$fk/debs"
fakedeb() {	# PACKAGE VERSION
	local d=$scratch/pkg-$1; mkdir -p "$d/DEBIAN"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t>\nDescription: fake\n' "$1" "$2" > "$d/DEBIAN/control"
	dpkg-deb -b "$d" "$fk/debs/${1}_${2}_all.deb" >/dev/null 2>&1
}
a=6.12.117+deb12-amd64
fakedeb "linux-image-$a-unsigned" 6.12.117-1~deb12u1
fakedeb "linux-headers-$a" 6.12.117-1~deb12u1
fakedeb "linux-headers-6.12.117+deb12-common" 6.12.117-1~deb12u1
fakedeb "linux-kbuild-6.12.117+deb12" 6.12.117-1~deb12u1
fakedeb "linux-source-6.12" 6.12.118-1~deb12u1
KCACHE=$fk ABI=$a MMUFUZZ_FETCH_OFFLINE=1 kernels/fetch-debian.sh --base 6.12 >/dev/null 2>"$out"; rc=$?
if [ "$rc" = 5 ] && grep -q 'version mismatch: linux-source-6.12 is 6.12.118-1~deb12u1 .* but linux-image-6.12.117+deb12-amd64-unsigned is 6.12.117-1~deb12u1' "$out" &&
   [ ! -e "$fk/root" ]; then
	ok "a linux-source of another version than the image is refused (exit 5): $(cut -c1-120 "$out")"
else
	bad "version mismatch: exit $rc, want 5 naming both versions"; sed 's/^/     /' "$out"
fi

# A cached variant's base paths, when the checkout that built it is gone:
# variant-dir.sh points them at the same files in this cache, and leaves a
# record alone whose paths are there, or whose files this cache lacks too
# (fake cache, no build: --lookup only).
repair_case() {	# WHAT VMLINUZ MODULES WANT_CHANGED
	local kc=$scratch/repair/cache v info before
	rm -rf "$scratch/repair"; mkdir -p "$kc/root/boot" "$kc/root/lib/modules/9.9.9-t" "$kc/variants/baseline"
	touch "$kc/root/boot/vmlinuz-9.9.9-t"
	kc=$(cd "$kc" && pwd -P)
	info=$kc/variants/baseline/info
	printf 'name=baseline\nbase=6.1\nbase_kind=debian\nvmlinuz=%s\nmodules=%s\ninput_hash=x\n' \
		"${2//@/$kc}" "${3//@/$kc}" > "$info"
	before=$(cat "$info")
	v=$(KCACHE_TOP=$kc kernels/variant-dir.sh --lookup baseline 2>"$out")
	if [ "$4" = 1 ]; then
		if [ "$v" = "$kc/variants/baseline" ] && grep -qx "vmlinuz=$kc/root/boot/vmlinuz-9.9.9-t" "$info" &&
		   grep -qx "modules=$kc/root/lib/modules/9.9.9-t" "$info" && grep -qx 'input_hash=x' "$info" &&
		   grep -q 'base paths .* gone; now ' "$out" && [ -z "$(ls -A "$kc/variants/baseline" | grep -v '^info$')" ]; then
			ok "$1: repointed at this cache, the rest of info kept"
		else
			bad "$1: not repaired (dir '$v')"; sed 's/^/     /' "$info" "$out"
		fi
	elif [ "$v" = "$kc/variants/baseline" ] && [ "$(cat "$info")" = "$before" ] && [ ! -s "$out" ]; then
		ok "$1: info left as it was"
	else
		bad "$1: info changed or an error (dir '$v')"; sed 's/^/     /' "$info" "$out"
	fi
}
repair_case "base paths of a gone checkout" /gone/kernels/cache/root/boot/vmlinuz-9.9.9-t \
	/gone/kernels/cache/root/lib/modules/9.9.9-t 1
repair_case "base paths that are there" @/root/boot/vmlinuz-9.9.9-t @/root/lib/modules/9.9.9-t 0
repair_case "base paths this cache lacks too" /gone/root/boot/vmlinuz-1.0 /gone/root/lib/modules/1.0 0

bases_patches() {	# BASE: the patch files that are variants of BASE
	case $1 in 6.1) ls kernels/patches/*.patch ;; *) ls kernels/patches/"$1"/*.patch ;; esac 2>/dev/null
}
# (test-patches/<name>/ folders are series, named test-<name>)
for p in kernels/tests/plain-diff.patch kernels/patches/*.patch kernels/test-patches/*.patch \
	 $(ls -d kernels/test-patches/*/ | xargs -rn1 basename | sed 's/^/test-/') \
	 6.12:kernels/tests/plain-diff.patch $(bases_patches 6.12 | xargs -rn1 basename | sed 's/\.patch$//; s/^/6.12:/'); do
	if kernels/build-variant.sh --check "$p" >/dev/null 2>"$out"; then
		ok "$p applies"
	else
		bad "$p does not apply"; sed 's/^/     /' "$out"
	fi
done

for base in 6.1 6.12; do
	eval "$(kernels/fetch-debian.sh --base "$base" --print)"
	stock=$(modinfo -F vermagic "$MODULES"/kernel/arch/x86/kvm/kvm.ko* 2>/dev/null)
	[ -n "$stock" ] && ok "$base: stock kvm.ko vermagic: $stock" || bad "$base: cannot read the stock kvm.ko's vermagic under $MODULES"
	img=$(ls "$KCACHE/debs/linux-image-$ABI-unsigned_"*.deb | head -n1)
	src=$(ls "$KCACHE/debs/$SRCPKG"_"$VERSION"_*.deb 2>/dev/null | head -n1)
	[ "$(dpkg-deb -f "$img" Version)" = "$VERSION" ] && [ -n "$src" ] && [ "$(dpkg-deb -f "$src" Version)" = "$VERSION" ] &&
		ok "$base: image and $SRCPKG are both $VERSION" || bad "$base: image/source versions differ from $VERSION"
	pre=; [ "$base" = 6.1 ] || pre=$base:
	base_sum=
	for v in baseline $(bases_patches "$base" | xargs -rn1 basename | sed 's/\.patch$//'); do
		start=$(date +%s)
		if ! dir=$(kernels/variant-dir.sh "$pre$v" 2>"$out"); then
			bad "$pre$v: build failed"; tail -n 20 "$out" | sed 's/^/     /'; continue
		fi
		t=$(( $(date +%s) - start ))
		[ "$dir" = "$KCACHE/variants/$v" ] && ok "$pre$v: built or cached in ${t}s: $dir" ||
			bad "$pre$v: unexpected directory '$dir' (want $KCACHE/variants/$v)"
		miss=
		mods=$(sed -n 's/^ko=//p' "$dir/info")
		[[ " $mods " == *" kvm "* && " $mods " == *" kvm-amd "* ]] || miss+=" info(ko=$mods)"
		for m in $mods; do
			f=$dir/$m.ko
			[ -s "$f" ] || { miss+=" $m.ko(missing)"; continue; }
			[ "$(modinfo -F vermagic "$f")" = "$stock" ] || miss+=" $m.ko(vermagic)"
			readelf -S "$f" | grep -q '\.BTF ' || miss+=" $m.ko(no .BTF)"
			readelf -S "$f" | grep -q '\.debug_info' && miss+=" $m.ko(debug info not stripped)"
		done
		[ -z "$miss" ] && ok "$pre$v: $mods modules, Debian's $base vermagic, BTF, stripped" || bad "$pre$v:$miss"
		want_sha=none
		[ "$v" != baseline ] && want_sha=$(sha256sum < "$(bases_patches "$base" | grep "/$v.patch$")" | cut -d' ' -f1)
		# The image by file, not by path: a shared cache records the
		# path the building checkout saw (variant-dir.sh).
		img=$(sed -n 's/^vmlinuz=//p' "$dir/info" | head -n1)
		if grep -qx "name=$v" "$dir/info" && grep -qx "base=$base" "$dir/info" && grep -qx "abi=$ABI" "$dir/info" &&
		   grep -qx "base_version=$VERSION" "$dir/info" && [ -n "$img" ] &&
		   [ "$(readlink -f "$img")" = "$(readlink -f "$VMLINUZ")" ] &&
		   grep -qx "patch_sha256=$want_sha" "$dir/info" && grep -qE '^input_hash=[0-9a-f]{64}$' "$dir/info"; then
			ok "$pre$v: info names the variant, base $base, ABI $ABI, package $VERSION, patch sha256, input hash"
		else
			bad "$pre$v: info is wrong:"; sed 's/^/     /' "$dir/info"
		fi
		sum=$(sha256sum < "$dir/kvm.ko" | cut -d' ' -f1)
		if [ "$v" = baseline ]; then base_sum=$sum
		elif [ -n "$base_sum" ] && [ "$sum" = "$base_sum" ]; then bad "$pre$v: kvm.ko identical to baseline's (patch not built in?)"
		else ok "$pre$v: kvm.ko differs from baseline's"
		fi
		start=$(date +%s)
		kernels/variant-dir.sh "$pre$v" >/dev/null 2>"$out"; t=$(( $(date +%s) - start ))
		grep -q "$v: cached" "$out" && [ "$t" -lt 30 ] && ok "$pre$v: second request served from the cache in ${t}s" ||
			{ bad "$pre$v: second request not cached (${t}s)"; sed 's/^/     /' "$out"; }
	done
	if dir=$(kernels/variant-dir.sh "${pre}stock" 2>"$out") && [ ! -e "$dir/kvm.ko" ] &&
	   grep -qx "base=$base" "$dir/info" && grep -qx "patch=none" "$dir/info" && grep -qx "vermagic=$stock" "$dir/info"; then
		ok "${pre}stock: info only (the base's own modules), vermagic $stock"
	else
		bad "${pre}stock: wrong"; cat "$out" "$dir/info" 2>/dev/null | sed 's/^/     /'
	fi
done

# A two-patch series builds; info and the mailing-list report list both subjects.
s=6.12:kernels/tests/series-two.mbox
if dir=$(kernels/variant-dir.sh "$s" 2>"$out"); then
	if grep -qx 'patches=2' "$dir/info" &&
	   grep -qx 'subject.1=\[PATCH 1/2\] KVM: x86/mmu: Add a marker comment to mmu.c for the series test' "$dir/info" &&
	   grep -qx 'subject.2=\[PATCH 2/2\] KVM: x86/mmu: Extend the marker comment of patch 1' "$dir/info"; then
		ok "$s: built, info lists both subjects"
	else
		bad "$s: info:"; sed 's/^/     /' "$dir/info"
	fi
	if [ -x build/mmufuzz ]; then
		build/mmufuzz repro --no-run --kernel "6.12:baseline,$s" -o "$scratch/r" corpus/pae-two-pdpts-one-page.mmu >/dev/null 2>"$out"
		flat=$(tr '\n' ' ' < "$scratch/r/report.txt" 2>/dev/null | tr -s ' ')
		case $flat in
		*"series series-two.mbox, 2 patches"*"[1] [PATCH 1/2] KVM: x86/mmu: Add a marker comment to mmu.c for the series test"*"[2] [PATCH 2/2] KVM: x86/mmu: Extend the marker comment of patch 1"*)
			ok "$s: the report lists both subjects" ;;
		*)	bad "$s: the report does not list both subjects"; sed -n '/^Kernels/,/^$/p' "$scratch/r/report.txt" 2>/dev/null | sed 's/^/     /'; cat "$out" ;;
		esac
	else
		echo "skip $s: report (build/mmufuzz not built; make build/mmufuzz)"
	fi
else
	bad "$s: build failed"; tail -n 20 "$out" | sed 's/^/     /'
fi
summary
