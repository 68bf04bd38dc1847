#!/bin/bash
# Print the directory of a KVM module variant, building it first if its
# cached build is missing or stale (see build-variant.sh for names).
#
#   dir=$(kernels/variant-dir.sh pae-root-rfc)   # .../variants/pae-root-rfc
#
# On failure prints why on stderr and exits non-zero (3: patch refused,
# 4: build failed); stdout stays empty then.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$("$here/build-variant.sh" "$@" | tail -n1)
[ -n "$dir" ] && [ -f "$dir/info" ] || { echo "kernels: no variant directory for '$*'" >&2; exit 1; }
echo "$dir"
