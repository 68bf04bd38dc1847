#!/bin/bash
# Make the Dockerfile's base image (debian:12) locally, for a machine that
# reaches Debian's archive but no image registry: debootstrap bookworm
# (minbase), give it the apt sources Debian's own image has (bookworm,
# bookworm-updates, bookworm-security: without the last two apt resolves
# an older kernel ABI than the host and the kernel cache would not match),
# and import it into podman as docker.io/library/debian:12, where the
# Dockerfile's FROM finds it without a pull.
#   .ci/debian-base.sh [WORKDIR]     (default build/debian-base)
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build/debian-base}
mirror=http://deb.debian.org/debian
command -v debootstrap >/dev/null || { echo "debian-base: apt-get install debootstrap" >&2; exit 2; }
command -v podman >/dev/null || { echo "debian-base: apt-get install podman" >&2; exit 2; }
rm -rf "$dir/rootfs"
mkdir -p "$dir"
debootstrap --variant=minbase bookworm "$dir/rootfs" "$mirror"
rm -f "$dir/rootfs/etc/apt/sources.list"
cat > "$dir/rootfs/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror}-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
rm -rf "$dir/rootfs/var/lib/apt/lists/"* "$dir/rootfs/var/cache/apt/"*.bin
tar -C "$dir/rootfs" -c . | podman import - docker.io/library/debian:12
rm -rf "$dir/rootfs"
echo "debian-base: docker.io/library/debian:12 imported"
