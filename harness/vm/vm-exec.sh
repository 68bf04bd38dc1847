#!/bin/bash
# Run one command inside the mmufuzz test VM and return its result.
#
#   harness/vm/vm-exec.sh [--stock | --variant DIR|[BASE:]NAME] [--npt 0|1]
#       [--timeout S] [--mem MiB] [--file PATH]... [--keep-log] -- CMD [ARGS]
#
# Boots the variant's base kernel (kernels/base.sh: Debian's 6.1 -- also
# for --stock --, Debian's 6.12 for 6.12:NAME, or a kernel the user built)
# under QEMU TCG (CPU $MMUFUZZ_VM_CPU, default
# qemu64 + svm/npt/nx/pse36/pge/smep/smap; MMUFUZZ_VM_ACCEL=kvm for a host
# with nested virtualization) with an initramfs holding busybox,
# the KVM modules (stock, or a variant directory with kvm.ko/kvm-amd.ko/...;
# BASE:stock is a base's own modules)
# and every --file copied into /opt.  Loads kvm + kvm_amd npt=N, runs CMD in
# /opt with /opt first in PATH, and prints CMD's stdout and stderr.
#
# Exit status: CMD's own; 124 when the VM hit the timeout, panicked (every
# WARN panics: panic_on_warn=1) or died otherwise -- the console tail is
# printed then; 125 when the VM could not be set up (bad module, no
# /dev/kvm) or on a usage error.  The console log's path is printed on
# stderr ("vm-exec: console log ...").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# MMUFUZZ_VM_ACCEL=kvm (a host with nested virtualization): -cpu host.
accel=${MMUFUZZ_VM_ACCEL:-tcg}
if [ "$accel" = kvm ]; then cpu=${MMUFUZZ_VM_CPU:-host}
else cpu=${MMUFUZZ_VM_CPU:-qemu64,+svm,+npt,+nx,+pse36,+pge,+smep,+smap}; fi
variant= npt=0 timeout=300 mem=1024 files=()

die() { echo "vm-exec: $*" >&2; exit 125; }
usage() { sed -n '2,/^set -e/p' "$0" | sed -n 's/^# \{0,1\}//p' >&2; exit 125; }

while [ $# -gt 0 ]; do
	case $1 in
	--stock) variant= ;;
	--variant) [ $# -ge 2 ] || die "--variant needs a directory or name"; variant=$2; shift ;;
	--npt) [ "${2:-}" = 0 ] || [ "${2:-}" = 1 ] || die "--npt takes 0 or 1"; npt=$2; shift ;;
	--timeout) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--timeout takes seconds"; timeout=$2; shift ;;
	--mem) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--mem takes MiB"; mem=$2; shift ;;
	--file) [ -e "${2:-}" ] || die "--file '${2:-}': no such file"; files+=("$2"); shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) die "unknown option '$1' (want: [options] -- CMD [ARGS])" ;;
	esac
	shift
done
[ $# -gt 0 ] || die "no command given (want: [options] -- CMD [ARGS])"

# A variant given by name is resolved by kernels/ (cached build).
if [ -n "$variant" ] && [ ! -d "$variant" ]; then
	[ -x "$top/kernels/variant-dir.sh" ] || die "variant '$variant' is not a directory and kernels/variant-dir.sh does not exist"
	variant=$("$top/kernels/variant-dir.sh" "$variant") || die "kernels/variant-dir.sh $variant failed"
fi
base=$("$here/mkinitramfs.sh" ${variant:+--variant "$variant"}) || die "initramfs build failed"
eval "$("$top/harness/vm/kenv.sh" ${variant:+--variant "$variant"})"

# Keep the newest logs of earlier runs, not all of them.
{ ls -dt "$top"/build/vm/exec.* 2>/dev/null || true; } | tail -n +40 | xargs -r rm -rf
run=$(mktemp -d "$top/build/vm/exec.XXXXXX")
cleanup() { [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null; rm -rf "$run/stage" "$run/initrd"; }
trap cleanup EXIT
mkdir -p "$run/stage/opt"
for f in "${files[@]}"; do cp -a "$f" "$run/stage/opt/"; done
# CMD, each word single-quoted for sh.
{
	printf 'exec'
	for a in "$@"; do printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"; done
	printf '\n'
} > "$run/stage/opt/.cmd"
# Per-run files first: the kernel's gzip reader may read past the end of
# its stream, so an uncompressed archive after it could be lost.
{ (cd "$run/stage" && find . | cpio -o -H newc --owner=0:0 --quiet); cat "$base"; } > "$run/initrd"

log=$run/console.log
echo "vm-exec: console log $log" >&2
start=$(date +%s.%N)
qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -m "$mem" -smp 1 \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "${MMUFUZZ_VM_KERNEL:-$VMLINUX}" -initrd "$run/initrd" \
	-append "console=ttyS0 loglevel=5 panic=-1 panic_on_warn=1 oops=panic nokaslr mitigations=off no_timer_check cryptomgr.notests kvm_amd.npt=$npt mmufuzz.mode=exec" \
	-serial "file:$log" -serial "file:$run/stdout" -serial "file:$run/stderr" -serial "file:$run/status" \
	</dev/null >"$run/qemu.out" 2>&1 &
qpid=$!
timed_out=0
deadline=$(( $(date +%s) + timeout ))
while kill -0 "$qpid" 2>/dev/null; do
	if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=1; kill "$qpid"; break; fi
	sleep 0.1
done
wait "$qpid" 2>/dev/null || true
qpid=
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

cat "$run/stdout" 2>/dev/null || true
cat "$run/stderr" >&2 2>/dev/null || true
status=$(tr -d '\r' < "$run/status" 2>/dev/null || true)
case $status in
rc=*)
	printf 'vm-exec: exit %s after %.1fs\n' "${status#rc=}" "$elapsed" >&2
	exit "${status#rc=}"
	;;
setup-failed:*)
	echo "vm-exec: VM setup failed: ${status#setup-failed: }" >&2
	tail -n 30 "$log" >&2
	exit 125
	;;
esac
if [ $timed_out = 1 ]; then
	echo "vm-exec: TIMEOUT after ${timeout}s; console tail ($log):" >&2
elif grep -q 'Kernel panic' "$log"; then
	echo "vm-exec: KERNEL PANIC; console tail ($log):" >&2
else
	echo "vm-exec: VM died without a status; qemu said: $(cat "$run/qemu.out"); console tail ($log):" >&2
fi
tail -n 60 "$log" >&2
exit 124
