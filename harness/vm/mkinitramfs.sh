#!/bin/bash
# Build (cached) the base initramfs of the test VM and print its path.
#
#   harness/vm/mkinitramfs.sh [--stock | --variant DIR] [--add FILE]... [--out DIR]
#
# The archive holds busybox-static, /init (harness/vm/init) and the KVM
# modules with their dependencies: from DIR (kvm.ko, kvm-amd.ko,
# kvm-intel.ko built by kernels/) when --variant is given, otherwise from
# the base's stock module tree (a variant directory without modules, as
# kernels/ writes for [BASE:]stock, means the stock ones of its base).
# The base -- Debian's 6.1 or 6.12, or a kernel the user built -- comes
# from DIR/info (harness/vm/kenv.sh); without --variant it is Debian's
# 6.1.  Dependencies (irqbypass, ccp, virtio_*) always come from the
# base's stock tree; modules its kernel has built in (modules.builtin:
# 6.12 has virtio_pci and virtio_console built in) are left out.  Each --add FILE goes to /opt (the
# agent, the BPF tracer).  The load order is written to
# /lib/modules/kvm.list and /lib/modules/virtio.list, one file name a line.
#
# The result is build/vm/base-<hash>.cpio.gz, the hash taken over the
# inputs (see the cache key below), so an unchanged set costs little.
# vm-exec.sh puts its per-run files in a second, uncompressed cpio in
# front of this one: the kernel unpacks concatenated archives in order.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/vm
variant=
adds=()

die() { echo "harness/vm/mkinitramfs.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--stock) variant= ;;
	--variant) [ $# -ge 2 ] || die "--variant needs a directory"; variant=$2; shift ;;
	--add) [ -f "${2:-}" ] || die "--add '${2:-}': no such file"; adds+=("$2"); shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done

if [ -n "$variant" ]; then
	[ -d "$variant" ] || die "variant directory '$variant' does not exist"
	variant=$(cd "$variant" && pwd)
	[ -e "$variant/kvm.ko" ] || [ -f "$variant/info" ] ||
		die "variant directory '$variant' has neither kvm.ko nor an info file"
fi
eval "$("$top/harness/vm/kenv.sh" ${variant:+--variant "$variant"})"
# A Debian or installed tree keeps its modules under kernel/; a build tree
# has them next to their sources.
modroot=$MODULES/kernel
[ -d "$modroot" ] || modroot=$MODULES
[ -d "$modroot" ] || die "no module tree at $MODULES (kernels/fetch-debian.sh failed?)"
busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"

# Cache key, cheap enough for every boot: the content of our own inputs,
# size and mtime of the module files (the stock tree is unpacked once per
# ABI; kernels/ rewrites a variant's .ko files when it rebuilds them).
key=$( {
	sha256sum "$here/init" "$0"
	stat -L -c '%n %s %Y' "$busybox" "$MODULES"
	if [ -n "$variant" ]; then stat -c '%n %s %Y' "$variant"/*.ko "$variant/info" 2>/dev/null || true; fi
	for f in "${adds[@]}"; do echo "${f##*/}"; sha256sum < "$f"; done
} | sha256sum | cut -c1-16)
img=$out/base-$key.cpio.gz
# A reused image counts as new: the pruning below goes by age, and a run
# that makes a new image per kernel (mmufuzz adequacy: one per mutant)
# would otherwise delete the baseline's between its lookup and QEMU's open.
if [ -s "$img" ]; then touch "$img"; echo "$img"; exit 0; fi

file -L "$busybox" 2>/dev/null | grep 'statically linked' >/dev/null ||
	die "$busybox is not statically linked (apt-get install busybox-static)"

# Module index: name with '-' folded to '_' -> path.  Variant files win.
declare -A modpath
while IFS= read -r f; do
	b=${f##*/}; b=${b%%.ko*}; modpath[${b//-/_}]=$f
done < <(find "$modroot" -name '*.ko*' -not -path '*/.tmp_versions/*')
declare -A builtin
if [ -f "$MODULES/modules.builtin" ]; then
	while IFS= read -r f; do
		b=${f##*/}; b=${b%%.ko*}; builtin[${b//-/_}]=1
	done < "$MODULES/modules.builtin"
fi
if [ -n "$variant" ]; then
	for f in "$variant"/*.ko; do
		[ -e "$f" ] || continue
		b=${f##*/}; b=${b%.ko}; modpath[${b//-/_}]=$f
	done
fi

declare -A seen
order=()
add_mod() {	# depth-first: dependencies before the module
	local n=${1//-/_} d
	[ -n "${seen[$n]:-}" ] && return 0
	seen[$n]=1
	[ -n "${builtin[$n]:-}" ] && [ -z "${modpath[$n]:-}" ] && return 0
	[ -n "${modpath[$n]:-}" ] || die "module '$n' not found in $MODULES${variant:+ or $variant}"
	for d in $(modinfo -F depends "${modpath[$n]}" | tr ',' ' '); do add_mod "$d"; done
	order+=("$n")
}
# A variant built without kvm-intel.ko (kernels/base.sh, kvm_modules) must
# not pick up the stock one: it would load against another kvm.ko.
kvm_mods=(kvm_amd)
[ -n "$variant" ] && [ -f "$variant/kvm.ko" ] && [ ! -f "$variant/kvm-intel.ko" ] || kvm_mods+=(kvm_intel)
virtio_mods=(virtio_pci virtio_console)
for m in "${kvm_mods[@]}"; do add_mod "$m"; done
nkvm=${#order[@]}
for m in "${virtio_mods[@]}"; do add_mod "$m"; done

mkdir -p "$out"
# Old images pile up as inputs change: keep the newest few.
{ ls -t "$out"/base-*.cpio.gz 2>/dev/null || true; } | tail -n +12 | xargs -r rm -f
stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage" "$img.tmp.$$"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,opt,run,lib/modules,sys}
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
cp "$here/init" "$stage/init"; chmod 755 "$stage/init"
for f in "${adds[@]}"; do cp "$f" "$stage/opt/"; done
: > "$stage/lib/modules/kvm.list"; : > "$stage/lib/modules/virtio.list"
i=0
for n in "${order[@]}"; do
	f=${modpath[$n]}
	case $f in
	*.ko) cp "$f" "$stage/lib/modules/$n.ko" ;;
	*.ko.xz) xz -dc "$f" > "$stage/lib/modules/$n.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$stage/lib/modules/$n.ko" ;;
	*.ko.gz) gzip -dc "$f" > "$stage/lib/modules/$n.ko" ;;
	*) die "unknown module format: $f" ;;
	esac
	# Debian's modules carry no debug info, kernels/ strips its own;
	# strip again in case a variant did not (19 MB -> 2 MB per kvm.ko).
	strip --strip-debug "$stage/lib/modules/$n.ko" 2>/dev/null || true
	if [ $i -lt $nkvm ]; then list=kvm.list; else list=virtio.list; fi
	echo "$n.ko" >> "$stage/lib/modules/$list"
	i=$((i + 1))
done
{ echo "${variant:-stock}"; [ -f "${variant:-/nonexistent}/info" ] && sed -n 's/^base=/base /p' "$variant/info"; } \
	> "$stage/lib/modules/variant"
(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
	gzip -1 > "$img.tmp.$$"
# Several VMs may boot at once: each builder writes its own file, the
# rename makes the result appear whole.
mv "$img.tmp.$$" "$img"
echo "$img"
