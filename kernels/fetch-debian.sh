#!/bin/bash
# Fetch one Debian base's kernel packages (never installed on the host)
# and unpack them under the base's cache directory (kernels/base.sh).
#
#   kernels/fetch-debian.sh [--base 6.1|6.12]           fetch + unpack, print the ABI
#   kernels/fetch-debian.sh [--base 6.1|6.12] --print   print the variables below
#
# Results (stable paths, used by the module build and the test VM):
#   $KCACHE/abi                 the ABI string, e.g. 6.1.0-57-amd64 or
#                               6.12.117+deb12-amd64
#   $KCACHE/version             the Debian package version of the image,
#                               e.g. 6.1.192-3 or 6.12.117-1~deb12u1
#   $KCACHE/debs/*.deb          the downloaded packages
#   $KCACHE/root/               everything unpacked with dpkg -x
#
# The ABI moves with Debian's updates, so it is resolved from the base's
# meta package (6.1: linux-image-amd64, 6.12: linux-image-6.12-amd64) at
# every fetch, never hard-coded (the answer is reused while apt's package
# lists are unchanged).  All five packages are fetched at the image's own
# version: the archive may carry a newer linux-source than image, and
# modules built from another release's sources would not be the kernel
# under test.  Packages whose versions differ are refused, naming both.
#
# Exit: 0 done, 2 usage, 5 version mismatch, 1 anything else.
set -euo pipefail
# One compound command: bash reads it whole before running it, so editing
# this file while a build runs cannot change what that build executes.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/base.sh"

die() { echo "kernels/fetch-debian.sh: $*" >&2; exit "${RC:-1}"; }

base=6.1 print=
while [ $# -gt 0 ]; do
	case $1 in
	--base) [ $# -ge 2 ] || RC=2 die "--base needs 6.1 or 6.12"; base=$2; shift ;;
	--print) print=1 ;;
	*) RC=2 die "unknown argument '$1' (want: [--base 6.1|6.12] [--print])" ;;
	esac
	shift
done
case $base in
6.1)	meta=linux-image-amd64 abi_re='6\.1\.0-[0-9]*-amd64' ;;
6.12)	meta=linux-image-6.12-amd64 abi_re='6\.12\.[0-9]*+deb12-amd64' ;;
*)	RC=2 die "unknown Debian base '$base' (known: 6.1, 6.12)" ;;
esac
KCACHE=${KCACHE:-$(kbase_cache "$base")}
mkdir -p "$KCACHE/debs"

resolve_abi() {
	local dep
	dep=$(apt-cache depends "$meta" 2>/dev/null |
	      sed -n "s/^ *Depends: linux-image-\($abi_re\)\$/\1/p" | head -n1)
	if [ -z "$dep" ]; then
		[ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null 2>&1
		dep=$(apt-cache depends "$meta" 2>/dev/null |
		      sed -n "s/^ *Depends: linux-image-\($abi_re\)\$/\1/p" | head -n1)
	fi
	[ -n "$dep" ] || die "cannot resolve the $base ABI from 'apt-cache depends $meta' (run apt-get update?)"
	echo "$dep"
}

# apt-cache takes seconds on a loaded machine and every cached variant
# lookup asks for the ABI: remember the answer for as long as apt's package
# lists are the same (an apt-get update changes their timestamps).
apt_state() {
	{ stat -c '%n %Y %s' /var/lib/apt/lists /var/lib/apt/lists/*Packages* \
		/var/cache/apt/pkgcache.bin 2>/dev/null || true; } | sha256sum | cut -d' ' -f1
}
# ABI=... in the environment pins one (an older ABI still in the archive).
abi=${ABI:-}
memo=$KCACHE/abi.resolved
if [ -z "$abi" ]; then
	state=$(apt_state)
	if [ -f "$memo" ] && [ "$(sed -n 1p "$memo")" = "$state" ]; then
		abi=$(sed -n 2p "$memo")
	fi
	if [ -z "$abi" ]; then
		abi=$(resolve_abi)
		printf '%s\n%s\n' "$(apt_state)" "$abi" > "$memo.$$" && mv "$memo.$$" "$memo"
	fi
fi
rel=${abi%-amd64}
case $base in
6.1)	pkgs=("linux-image-$abi-unsigned" "linux-headers-$abi" "linux-headers-$rel-common"
	      "linux-kbuild-6.1" "linux-source-6.1") ;;
6.12)	pkgs=("linux-image-$abi-unsigned" "linux-headers-$abi" "linux-headers-$rel-common"
	      "linux-kbuild-$rel" "linux-source-6.12") ;;
esac

# The newest .deb of package $1 in the cache, or nothing (never fails: a
# fresh cache has none yet, and set -e would end the script here).
deb_of() { ls "$KCACHE/debs/$1"_*.deb 2>/dev/null | sort -V | tail -n1 || true; }
# The image's version decides every other package's version.
stamp="$KCACHE/root/.unpacked-$abi"
if [ ! -e "$stamp" ]; then
	img=$(deb_of "${pkgs[0]}")
	if [ -z "$img" ]; then
		(cd "$KCACHE/debs" && apt-get -o APT::Sandbox::User=root download "${pkgs[0]}" >/dev/null) ||
			die "apt-get download ${pkgs[0]} failed"
		img=$(deb_of "${pkgs[0]}")
	fi
	ver=$(dpkg-deb -f "$img" Version)
	for p in "${pkgs[@]:1}"; do
		f=$(ls "$KCACHE/debs/${p}_${ver}_"*.deb 2>/dev/null | head -n1 || true)
		[ -n "$f" ] && continue
		if [ -z "$(deb_of "$p")" ] || [ "${MMUFUZZ_FETCH_OFFLINE:-}" != 1 ]; then
			(cd "$KCACHE/debs" && apt-get -o APT::Sandbox::User=root download "$p=$ver" >/dev/null 2>"$KCACHE/debs/.err") || {
				have=$(apt-cache madison "$p" 2>/dev/null | awk '{print $3}' | paste -sd' ' -)
				RC=5 die "$p: no version $ver, the version of ${pkgs[0]} (the archive has: ${have:-none}); $(tail -n1 "$KCACHE/debs/.err")"
			}
		fi
	done
	# Every package must carry the image's version (a .deb copied in by
	# hand, or one left from an older fetch, may not).
	for p in "${pkgs[@]:1}"; do
		f=$(ls "$KCACHE/debs/${p}_${ver}_"*.deb 2>/dev/null | head -n1 || true)
		[ -n "$f" ] || f=$(deb_of "$p")
		[ -n "$f" ] || die "$p: no .deb in $KCACHE/debs"
		v=$(dpkg-deb -f "$f" Version)
		[ "$v" = "$ver" ] || RC=5 die "version mismatch: $p is $v (${f##*/}) but ${pkgs[0]} is $ver; modules built from other sources than the image's are not the kernel under test"
	done
	rm -rf "$KCACHE/root"; mkdir -p "$KCACHE/root"
	for p in "${pkgs[@]}"; do
		f=$(ls "$KCACHE/debs/${p}_${ver}_"*.deb | head -n1)
		dpkg -x "$f" "$KCACHE/root"
	done
	echo "$ver" > "$KCACHE/root/.version"
	touch "$stamp"
fi
ver=$(cat "$KCACHE/root/.version" 2>/dev/null || dpkg-deb -f "$(deb_of "${pkgs[0]}")" Version)
echo "$abi" > "$KCACHE/abi.tmp.$$" && mv "$KCACHE/abi.tmp.$$" "$KCACHE/abi"
echo "$ver" > "$KCACHE/version.tmp.$$" && mv "$KCACHE/version.tmp.$$" "$KCACHE/version"
if [ -n "$print" ]; then
	echo "BASE=$base"
	echo "ABI=$abi"
	echo "VERSION=$ver"
	echo "KCACHE=$KCACHE"
	echo "KROOT=$KCACHE/root"
	echo "VMLINUZ=$KCACHE/root/boot/vmlinuz-$abi"
	echo "MODULES=$KCACHE/root/lib/modules/$abi"
	echo "SRCPKG=${pkgs[4]}"
else
	echo "$abi"
fi
exit
}
