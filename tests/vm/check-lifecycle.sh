#!/bin/bash
# No finding lost, no process left behind (issue #11 part 3), on real
# test VMs:
#   1. a boot that fails is retried, and the evidence of the failed boot
#      is kept where the message says (MMUFUZZ_TEST_BOOT_FAILS makes the
#      guest's init refuse to start the agent, a real failed boot); when
#      every try fails, the command fails and every try's console is kept
#   2. `mmufuzz fuzz --kernel baseline,<path>/pae-root-rfc.patch
#      --keep-going` is stopped mid-run by SIGTERM, then (a second run) by
#      SIGKILL, once it has saved a finding (libFuzzer, then AFL++): no process of the run is
#      left, every finding folder is complete and its program re-reads,
#      there is no half-written .tmp folder, and after SIGTERM the
#      statistics are printed and the exit status is 128+15; and an
#      engine that gives up before its driver starts (afl-fuzz without
#      its custom mutator) makes `mmufuzz fuzz` fail, not pass as clean
#   3. `mmufuzz run`, `minimize` and `repro` (they hold their test VMs
#      themselves) are stopped by SIGTERM, then by SIGKILL: run and repro
#      while their VMs boot, minimize once it has kept a smaller
#      candidate (mid-request): no QEMU of the command is left, the
#      finding folder it was pointed at is byte for byte as before, no
#      half-written file, exit status 128+N; after SIGTERM minimize has
#      saved the smallest program so far (minimized.mmu, "partly
#      minimized", re-readable, smaller), repro has written nothing
# Prints "lifecycle: N passed, N failed, N skipped".
#
#   tests/vm/check-lifecycle.sh      (LIFECYCLE_WAIT_S: how long to wait for
#                                     the first finding, default 900;
#                                     LIFECYCLE_PARTS: which of 1 2 3 to
#                                     run, default all; LIFECYCLE_CMDS: the
#                                     commands of part 3, default
#                                     "run minimize repro")
set -u
cd "$(dirname "$0")/../.."
top=$PWD
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
wait_s=${LIFECYCLE_WAIT_S:-900}

parts=" ${LIFECYCLE_PARTS:-1 2 3} "
part() { case $parts in *" $1 "*) return 0 ;; esac; echo "(part $1 not asked for)"; return 1; }

work=$top/build/check-lifecycle; rm -rf "$work"; mkdir -p "$work"
prog=corpus/pae-two-pdpts-one-page.mmu

# ---- 1. boot retry and kept evidence ----------------------------------
if part 1; then
# (--timeout: 60 s a request; on a loaded host the default 10 s can pass
# for a hang, and this part is about the boots.)
MMUFUZZ_TEST_BOOT_FAILS=1 build/mmufuzz run --timeout 15000 --kernel baseline "$prog" \
	> "$work/retry.out" 2> "$work/retry.err"
rc=$?
check "one failed boot is retried: run succeeds (exit $rc)" test "$rc" = 0
check "the failed boot is reported with its reason" \
	grep -q "did not boot (boot 1): .*channel closed\|did not boot (boot 1): QEMU exited" "$work/retry.err"
kept=$(sed -n "s/^vmclient: 'baseline': console log and QEMU output kept in //p" "$work/retry.err" | head -n 1)
check "the message names a kept folder ($kept)" test -n "$kept" -a -d "$kept"
# (the retry's boot would have overwritten it: that line would be gone)
check "the kept console shows why the boot failed" \
	grep -q "unknown mmufuzz.mode=boot-fails-on-purpose" "$kept/console.log"
check "the kept folder says which boot and why" grep -q "^boot 1$" "$kept/why.txt"

MMUFUZZ_TEST_BOOT_FAILS=3 build/mmufuzz run --timeout 15000 --kernel baseline "$prog" \
	> "$work/giveup.out" 2> "$work/giveup.err"
rc=$?
check "three failed boots: the command fails (exit $rc)" test "$rc" != 0
check "it gives up after 3 boots, saying so" grep -q "giving up after 3 boots" "$work/giveup.err"
n_kept=0
while read -r d; do
	[ -s "$d/console.log" ] && n_kept=$((n_kept + 1))
done < <(sed -n "s/^vmclient: 'baseline': console log and QEMU output kept in //p" "$work/giveup.err")
check "every failed boot's console is kept ($n_kept of 3)" test "$n_kept" = 3
fi

# ---- 2. stopping a fuzz run ------------------------------------------
# Processes of one run: everything whose command line names its work or
# findings folder, the engine's process group, and the QEMUs whose run
# folder carries the engine's pid (build/vm/run/<variant>-<pid>-<n>).
run_pids() {	# run_dir engine_pid
	{
		pgrep -f -- "$1/" || true
		[ -n "$2" ] && { pgrep -g "$2" || true; pgrep -f -- "build/vm/run/[^ ]*-$2-[0-9]" || true; }
	} | sort -u
}

# A finding folder is complete when all its files are there and its
# program parses (re-read by mmufuzz itself).
folder_ok() {
	local d=$1 f
	if [ -f "$d/reason" ]; then	# a VM death saved by vmclient
		for f in reason variant console.log; do [ -s "$d/$f" ] || return 1; done
		[ -s "$d/program.mmu" ] || [ -s "$d/argv.txt" ] || return 1
	else
		for f in program.mmu report.txt input.bin trace-baseline.txt trace-pae-root-rfc.txt; do
			[ -f "$d/$f" ] || { echo "  $d: no $f"; return 1; }
		done
	fi
	[ ! -s "$d/program.mmu" ] || build/mmufuzz explain "$d/program.mmu" > /dev/null 2>&1 ||
		{ echo "  $d: program.mmu does not re-read"; return 1; }
	# The engine's bytes decode to the very program saved beside them
	# (the decoder is total, so "it decodes" alone would prove nothing).
	[ ! -e "$d/input.bin" ] ||
		build/mmufuzz convert "$d/input.bin" - 2>/dev/null | cmp -s - "$d/program.mmu" ||
		{ echo "  $d: input.bin is not program.mmu"; return 1; }
}

stop_run() {	# signal engine
	local sig=$1 engine=$2 dir=$work/run-$1-$2 pid epid t rc
	local what="SIG$1 ($2)" mark
	# The engine process leads the run's process group.
	case $engine in
	libfuzzer) mark="artifact_prefix=$dir/work/" ;;
	afl) mark="^afl-fuzz -i $dir/work/seeds" ;;
	esac
	mkdir -p "$dir"
	build/mmufuzz fuzz --engine "$engine" --kernel "baseline,$top/kernels/patches/pae-root-rfc.patch" \
		--keep-going --time 3600 --findings "$dir/findings" --work "$dir/work" \
		> "$dir/out" 2> "$dir/err" &
	pid=$!
	epid=
	for ((t = 0; t < wait_s; t++)); do
		[ -z "$epid" ] && epid=$(pgrep -f -- "$mark" | head -n 1)
		ls "$dir/findings" 2>/dev/null | grep -q '^[^.]' && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	if ! ls "$dir/findings" 2>/dev/null | grep -q '^[^.]'; then
		bad "$what: no finding within $wait_s s (see $dir/err)"
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		return
	fi
	ok "$what: a finding saved after ${t} s (engine pid ${epid:-?})"
	check "$what: the run's processes are found before the stop" \
		test -n "$(run_pids "$dir" "$epid")"
	kill "-$sig" "$pid"
	{ wait "$pid"; } 2> /dev/null	# (no "Killed" job notice from bash)
	rc=$?
	# SIGTERM: mmufuzz has waited for its group.  SIGKILL: the kernel
	# tells the engine (PDEATHSIG), which takes the VMs down; give it time.
	for ((t = 0; t < 60; t++)); do
		[ -z "$(run_pids "$dir" "$epid")" ] && break
		sleep 1
	done
	left=$(run_pids "$dir" "$epid")
	check "$what: no process of the run is left${left:+ (left: $(echo $left))}" test -z "$left"
	[ -n "$left" ] && ps -o pid,ppid,pgid,args -p "$(echo $left | tr ' ' ,)" | cut -c1-160
	if [ "$sig" = TERM ]; then
		check "$what: exit status 143 (128+15; got $rc)" test "$rc" = 143
		check "$what: the statistics are printed" grep -q "^fuzz: engine .* programs in" "$dir/out"
		check "$what: it says it was stopped" grep -q "^fuzz: stopped by" "$dir/out"
	else
		check "$what: exit status 137 (got $rc)" test "$rc" = 137
	fi
	local n=0 bad_n=0 d
	for d in "$dir"/findings/*/; do
		d=${d%/}
		n=$((n + 1))
		folder_ok "$d" || bad_n=$((bad_n + 1))
	done
	check "$what: all $n finding folder(s) complete and re-readable ($bad_n not)" test "$bad_n" = 0
	half=$(find "$dir/findings" -mindepth 1 -maxdepth 1 -name '.*' | head -n 3)
	check "$what: no half-written folder${half:+ ($half)}" test -z "$half"
	check "$what: nothing was NOT SAVED" bash -c "! grep -q 'NOT SAVED' '$dir/err'"
}

# An engine that gives up before its driver starts (afl-fuzz without its
# custom mutator: a build missing afl_mutator.so) is a failed run, not a
# clean one.  A copy of mmufuzz whose fuzz/ folder lacks the .so.
no_mutator() {
	local d=$work/no-mutator rc
	mkdir -p "$d/fuzz"
	cp build/mmufuzz "$d/mmufuzz"
	ln -sf "$top/build/fuzz/afl_kvm" "$d/fuzz/afl_kvm"
	"$d/mmufuzz" fuzz --engine afl --kernel baseline --time 30 --findings "$d/findings" \
		--work "$d/work" > "$d/out" 2> "$d/err"
	rc=$?
	check "afl-fuzz without its mutator: mmufuzz fuzz fails (exit $rc)" test "$rc" != 0
	check "afl-fuzz without its mutator: it says the engine gave up before its driver started" \
		grep -q "before its driver started" "$d/err"
}

if part 2; then
if command -v afl-fuzz > /dev/null && [ -x build/fuzz/afl_kvm ]; then
	no_mutator
else
	echo "SKIP afl-fuzz without its mutator: no afl-fuzz or build/fuzz/afl_kvm (make engines)"
	skip=$((skip + 2))
fi
stop_run TERM libfuzzer
stop_run KILL libfuzzer
if command -v afl-fuzz > /dev/null && [ -x build/fuzz/afl_kvm ]; then
	stop_run TERM afl
	stop_run KILL afl
else
	echo "SKIP AFL++ rounds: no afl-fuzz or build/fuzz/afl_kvm (make engines)"
	skip=$((skip + 2))
fi
fi

# ---- 3. stopping run, minimize and repro ------------------------------
# These hold their QEMUs as children: a QEMU of command pid P names its
# run folder build/vm/run/<variant>-P-<n>.
qemus_of() { pgrep -f -- "build/vm/run/[^ ]*-$1-[0-9]" || true; }

stop_cmd() {	# signal command
	local sig=$1 cmd=$2 dir=$work/$2-$1 pid t rc left kept=0 n_min
	local what="$cmd SIG$sig"
	mkdir -p "$dir/finding"
	cp "$prog" "$dir/finding/program.mmu"
	echo "saved before the command ran" > "$dir/finding/note.txt"
	(cd "$dir/finding" && sha256sum program.mmu note.txt > ../before.sha256)
	local args=("$cmd" --kernel baseline,pae-root-rfc)
	case $cmd in
	run) args+=(--timeout 15000 "$dir/finding/program.mmu") ;;	# (60 s a request)
	minimize) args+=(--verbose "$dir/finding") ;;
	repro) args+=("$dir/finding") ;;
	esac
	# In its folder (a VM death it saves goes to ./findings), and exec'd:
	# $! is the command itself.
	# minimize: each request waits 150 ms first (test-only knob), or an
	# idle host finishes its ~40 requests in the seconds the loop below
	# needs to see a kept candidate with both VMs up.
	local delay=0
	[ "$cmd" = minimize ] && delay=150
	(cd "$dir" && MMUFUZZ_TEST_RUN_DELAY_MS=$delay exec "$top/build/mmufuzz" "${args[@]}") \
		> "$dir/out" 2> "$dir/err" &
	pid=$!
	# run, repro: stop them while their VMs boot (both QEMUs up, 2 s in);
	# minimize: once it kept a smaller candidate, i.e. amid its requests.
	for ((t = 0; t < wait_s * 5; t++)); do
		kill -0 "$pid" 2>/dev/null || break
		if [ "$cmd" = minimize ]; then
			# (the first "kept" line is the original program's check;
			# a candidate that kills a VM leaves a moment with one
			# QEMU down while it reboots: wait for both to be up)
			[ "$(grep -c "^  kept: " "$dir/err")" -ge 2 ] &&
				[ "$(qemus_of "$pid" | wc -l)" -ge 2 ] && { kept=1; break; }
		elif [ "$(qemus_of "$pid" | wc -l)" -ge 2 ]; then
			sleep 2
			break
		fi
		sleep 0.2
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		bad "$what: the command ended before the signal (see $dir/err)"
		wait "$pid"
		return
	fi
	check "$what: its QEMUs run before the stop" test -n "$(qemus_of "$pid")"
	kill "-$sig" "$pid"
	{ wait "$pid"; } 2> /dev/null
	rc=$?
	# SIGTERM: the command killed and reaped its QEMUs before it exited.
	# SIGKILL: the kernel SIGKILLs them (PR_SET_PDEATHSIG); allow a moment.
	for ((t = 0; t < 30; t++)); do
		[ -z "$(qemus_of "$pid")" ] && break
		[ "$sig" = TERM ] && break
		sleep 1
	done
	left=$(qemus_of "$pid")
	check "$what: no QEMU of the command is left${left:+ (left: $(echo $left))}" test -z "$left"
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	check "$what: exit status $((128 + $(kill -l "$sig"))) (got $rc)" \
		test "$rc" = $((128 + $(kill -l "$sig")))
	check "$what: the finding's files are as they were" \
		bash -c "cd '$dir/finding' && sha256sum --quiet -c ../before.sha256"
	half=$(find "$dir/finding" -name '*.tmp*' -o -name '.tmp-*' | head -n 3)
	check "$what: no half-written file${half:+ ($half)}" test -z "$half"
	if [ "$sig" = TERM ]; then
		check "$what: it says it was stopped" grep -q "^mmufuzz $cmd: stopped by SIGTERM" "$dir/err"
	fi
	case $cmd-$sig in
	minimize-TERM)
		local m=$dir/finding/minimized.mmu
		check "$what: the smallest program so far is saved ($m)" test -s "$m"
		check "$what: it re-reads" build/mmufuzz explain "$m" > /dev/null 2>&1
		check "$what: its title says it is partly minimized" \
			grep -q "^title \"partly minimized " "$m"
		n_min=$(grep -c '^[a-z]' "$m"); n_orig=$(grep -c '^[a-z]' "$dir/finding/program.mmu")
		check "$what: it is smaller ($n_min lines of ops/stores, was $n_orig)" \
			test "$n_min" -lt "$n_orig"
		;;
	minimize-KILL)
		for m in "$dir"/finding/minimized*.mmu; do
			[ -e "$m" ] || continue
			check "$what: $m re-reads" build/mmufuzz explain "$m" > /dev/null 2>&1
		done
		;;
	repro-*)
		check "$what: no reproducer from half a run" test ! -e "$dir/finding/repro"
		;;
	esac
}

if part 3; then
for c in ${LIFECYCLE_CMDS:-run minimize repro}; do
	stop_cmd TERM $c
	stop_cmd KILL $c
done
fi

echo "lifecycle: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
