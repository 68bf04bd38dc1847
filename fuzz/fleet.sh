#!/bin/bash
# Run AFL++ instances that share finds through one sync folder: AFL++'s
# own main/secondary scheme (-M / -S), no scheduler of ours.
#
#   fuzz/fleet.sh -o SYNC -i SEEDS [-m] [-s N] [-p PREFIX] [-V SECONDS]
#                 [-x DICT] [--kvm KERNELS] -- TARGET [ARGS]
#
#   -m           start the main instance, called PREFIX"main" (one per fleet)
#   -s N         start N secondaries, PREFIX"s1" .. PREFIX"sN"
#   -p PREFIX    instance name prefix (default: the host name and "-"), so
#                machines sharing a sync folder never clash
#   -V SECONDS   each instance stops after this long (default 3600)
#   --kvm K      the differential target (build/fuzz/afl_kvm): kernels K
#                (e.g. baseline,pae-root-rfc), the structure-aware mutator
#                and the environment `mmufuzz fuzz --engine afl` sets.  Each
#                instance boots its own test VMs after __AFL_INIT().
#
# It waits for its instances, then prints one line per instance of the
# sync folder (its own and other machines'): executions, queue size, and
# how many queue entries it imported from each other instance (AFL++ names
# an imported entry "id:N,sync:OTHER,src:M").  Exit 0 when every instance
# it started ran to its time limit, 1 otherwise.  Ctrl-C stops only the
# instances it started.
set -u
sync= seeds= main=0 nsec=0 secs=3600 dict= kvm=
prefix="$(hostname -s 2>/dev/null || echo host)-"

die() { echo "fuzz/fleet.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) sync=${2:?}; shift ;;
	-i) seeds=${2:?}; shift ;;
	-m) main=1 ;;
	-s) nsec=${2:?}; shift ;;
	-p) prefix=${2?}; shift ;;
	-V) secs=${2:?}; shift ;;
	-x) dict=${2:?}; shift ;;
	--kvm) kvm=${2:?}; shift ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see the comment at the top)" ;;
	esac
	shift
done
[ $# -ge 1 ] || die "no target after --"
[ -n "$sync" ] || die "-o SYNC is required"
[ -d "$seeds" ] || die "-i '$seeds': no such folder"
[ -x "$1" ] || die "target '$1' is not an executable"
case $nsec in *[!0-9]*) die "-s '$nsec': not a number" ;; esac
[ $((main + nsec)) -ge 1 ] || die "nothing to start: give -m and/or -s N"
command -v afl-fuzz >/dev/null || die "afl-fuzz not found (tests/install-deps.sh installs afl++)"
mkdir -p "$sync" || die "cannot create $sync"

# Two cores are not one per instance: never bind; no UI (logs instead);
# sync at AFL++'s shortest interval (1 min; half that on the main).
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SYNC_TIME=${AFL_SYNC_TIME:-1}
timeout_ms=1000
if [ -n "$kvm" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	export MMUFUZZ_KERNELS=$kvm MMUFUZZ_KEEP_GOING=1
	export MMUFUZZ_FINDINGS=${MMUFUZZ_FINDINGS:-$top/findings}
	export AFL_CUSTOM_MUTATOR_LIBRARY=$top/build/fuzz/afl_mutator.so AFL_CUSTOM_MUTATOR_ONLY=1
	export AFL_MAP_SIZE=65536 AFL_FORKSRV_INIT_TMOUT=120000
	[ -f "$AFL_CUSTOM_MUTATOR_LIBRARY" ] || die "$AFL_CUSTOM_MUTATOR_LIBRARY missing (make engines)"
	timeout_ms=120000
fi

names=()
[ "$main" = 1 ] && names+=("${prefix}main")
for i in $(seq 1 "$nsec"); do names+=("${prefix}s$i"); done
pids=()
stop() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	exit 1
}
trap stop INT TERM

for n in "${names[@]}"; do
	role=-S
	[ "$n" = "${prefix}main" ] && role=-M
	extra=()
	[ -n "$dict" ] && extra+=(-x "$dict")
	afl-fuzz -i "$seeds" -o "$sync" "$role" "$n" -V "$secs" -t "$timeout_ms" \
		"${extra[@]}" -- "$@" > "$sync/$n.log" 2>&1 &
	pids+=($!)
	echo "fleet: $n ($role) pid $! log $sync/$n.log"
done

rc=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || { echo "fleet: ${names[$i]} exited with $?, see $sync/${names[$i]}.log"; rc=1; }
done

# The summary covers every instance in the folder, ours or not.
for d in "$sync"/*/; do
	n=$(basename "$d")
	[ -f "$d/fuzzer_stats" ] || continue
	execs=$(sed -n 's/^execs_done *: *//p' "$d/fuzzer_stats")
	count=$(ls "$d/queue" 2>/dev/null | grep -c '^id:')
	from=$(ls "$d/queue" 2>/dev/null | sed -n 's/.*,sync:\([^,]*\),.*/\1/p' | sort | uniq -c |
	       awk '{printf "%s%s %d", s, $2, $1; s=", "}')
	echo "fleet: $n: ${execs:-?} execs, queue $count, imported: ${from:-none}"
done
exit $rc
