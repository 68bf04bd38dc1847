#!/bin/bash
# Print the directory of a KVM module variant, building it first if its
# cached build is missing or stale (see build-variant.sh for names:
# "[BASE:]VARIANT", BASE 6.1 by default, 6.12, or an own kernel's directory).
#
#   dir=$(kernels/variant-dir.sh pae-root-rfc)        # .../cache/variants/pae-root-rfc
#   dir=$(kernels/variant-dir.sh 6.12:pae-root-rfc)   # .../cache/bases/6.12/variants/...
#   dir=$(kernels/variant-dir.sh --lookup NAME)       # never builds; fails if not built
#
# On failure prints why on stderr and exits non-zero (3: patch refused,
# 4: build failed, 5: base refused); stdout stays empty then.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$("$here/build-variant.sh" "$@" | tail -n1)
[ -n "$dir" ] && [ -f "$dir/info" ] || { echo "kernels: no variant directory for '$*'" >&2; exit 1; }

# A Debian base's variant records the base's image and module tree by
# absolute path, as the building checkout saw its cache.  A cache shared
# between checkouts (kernels/cache a symlink) then names a checkout that
# may be gone.  Point such a record at the same files in this cache (the
# paths are not part of the input hash, so this is no rebuild), once,
# atomically, under the variant's build lock.
repair_base_paths() {
	local info=$1/info img mods kc new_img new_mods tmp
	grep -qx 'base_kind=debian' "$info" || return 0
	img=$(sed -n 's/^vmlinuz=//p' "$info" | head -n1)
	mods=$(sed -n 's/^modules=//p' "$info" | head -n1)
	[ -n "$img" ] && [ -n "$mods" ] || return 0
	[ -r "$img" ] && [ -d "$mods" ] && return 0
	kc=$(cd "$1/../.." && pwd -P)	# the base's cache: <cache>/variants/<name>
	new_img=$kc/root/boot/${img##*/} new_mods=$kc/root/lib/modules/${mods##*/}
	[ -r "$new_img" ] && [ -d "$new_mods" ] || return 0	# kenv.sh names what is missing
	mkdir -p "$kc/build"
	exec 7>"$kc/build/${1##*/}.lock"
	flock 7
	tmp=$1/.info.tmp.$$
	sed -e "s|^vmlinuz=.*|vmlinuz=$new_img|" -e "s|^modules=.*|modules=$new_mods|" "$info" > "$tmp"
	mv "$tmp" "$info"
	flock -u 7
	echo "kernels: $1/info: base paths $img, $mods gone; now $new_img, $new_mods" >&2
}
repair_base_paths "$dir"
echo "$dir"
