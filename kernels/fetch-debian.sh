#!/bin/bash
# Fetch Debian's current 6.1 kernel packages (never installed on the host)
# and unpack them under $KCACHE (default kernels/cache).
#
#   kernels/fetch-debian.sh            fetch + unpack, print the ABI
#   kernels/fetch-debian.sh --print    print the variables below, fetch if needed
#
# Results (stable paths, used by the module build and the test VM):
#   $KCACHE/abi                 the ABI string, e.g. 6.1.0-56-amd64
#   $KCACHE/debs/*.deb          the downloaded packages
#   $KCACHE/root/               everything unpacked with dpkg -x
#   $KCACHE/root/boot/vmlinuz-$ABI, $KCACHE/root/lib/modules/$ABI/...
#
# The ABI number moves with Debian's updates, so it is resolved from
# linux-image-amd64's dependency at every fetch, never hard-coded (the
# answer is reused while apt's package lists are unchanged).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KCACHE=${KCACHE:-$here/cache}
mkdir -p "$KCACHE/debs"

die() { echo "kernels/fetch-debian.sh: $*" >&2; exit 1; }

resolve_abi() {
	local dep
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
	      sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
	if [ -z "$dep" ]; then
		[ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null 2>&1
		dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
		      sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
	fi
	[ -n "$dep" ] || die "cannot resolve the 6.1 ABI from 'apt-cache depends linux-image-amd64' (run apt-get update?)"
	echo "$dep"
}

# apt-cache takes seconds on a loaded machine and every cached variant
# lookup asks for the ABI: remember the answer for as long as apt's package
# lists are the same (an apt-get update changes their timestamps).
apt_state() {
	{ stat -c '%n %Y %s' /var/lib/apt/lists /var/lib/apt/lists/*Packages* \
		/var/cache/apt/pkgcache.bin 2>/dev/null || true; } | sha256sum | cut -d' ' -f1
}
memo=$KCACHE/abi.resolved
state=$(apt_state)
abi=
if [ -f "$memo" ] && [ "$(sed -n 1p "$memo")" = "$state" ]; then
	abi=$(sed -n 2p "$memo")
fi
if [ -z "$abi" ]; then
	abi=$(resolve_abi)
	printf '%s\n%s\n' "$(apt_state)" "$abi" > "$memo.$$" && mv "$memo.$$" "$memo"
fi
num=${abi%-amd64}; num=${num#6.1.0-}
pkgs=(
	"linux-image-$abi-unsigned"
	"linux-headers-$abi"
	"linux-headers-6.1.0-$num-common"
	"linux-kbuild-6.1"
	"linux-source-6.1"
)
stamp="$KCACHE/root/.unpacked-$abi"
if [ ! -e "$stamp" ]; then
	(cd "$KCACHE/debs" && for p in "${pkgs[@]}"; do
		ls "${p}"_*.deb >/dev/null 2>&1 || apt-get -o APT::Sandbox::User=root download "$p" >/dev/null ||
			die "apt-get download $p failed"
	done)
	rm -rf "$KCACHE/root"; mkdir -p "$KCACHE/root"
	for p in "${pkgs[@]}"; do
		dpkg -x "$(ls "$KCACHE/debs/${p}"_*.deb | tail -n1)" "$KCACHE/root"
	done
	touch "$stamp"
fi
echo "$abi" > "$KCACHE/abi"
if [ "${1:-}" = "--print" ]; then
	echo "ABI=$abi"
	echo "KROOT=$KCACHE/root"
	echo "VMLINUZ=$KCACHE/root/boot/vmlinuz-$abi"
	echo "MODULES=$KCACHE/root/lib/modules/$abi"
else
	echo "$abi"
fi
