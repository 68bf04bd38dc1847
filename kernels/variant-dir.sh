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
echo "$dir"
