#!/bin/bash
# Install what mmufuzz needs from Debian's packages, only what is missing.
# Run as root (CI and the developer machines are root); otherwise print the
# exact command to run.
set -eu
PKGS=(
	build-essential gcc-multilib clang llvm lld libclang-rt-14-dev   # host, guest stub, fuzzers
	afl++                                                       # AFL++ engine
	libbpf-dev libelf-dev zlib1g-dev bpftool                    # BPF root tracer
	qemu-system-x86 busybox-static cpio kmod zstd xz-utils file # test VM
	bc flex bison libssl-dev dwarves rsync ccache               # KVM module builds
	yamllint zip unzip                                          # CI files, ClusterFuzzLite seeds
	lcov chromium netpbm                                        # KVM coverage reports (kernels/cov)
	gnuplot-nox                                                 # the nightly report's plots
)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "mmufuzz: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
