#!/bin/bash
# Four short nights of `mmufuzz nightly` on baseline + pae-root-rfc, in
# one scratch folder, on real test VMs:
#   night 1: SIGKILLed once its fuzzer has saved finding folders: no
#            process of it is left (no QEMU, no fuzzer), nothing is
#            half-written, nothing is committed (no group, no marker)
#   night 2: the same folder, resumed: exits 1; it triages the folders
#            night 1 left; the RFC's root findings (alias and stale: one
#            root reused for the PDPTs of one page) are ONE report entry
#            however many signature folders the fuzzer left; its
#            reproducers are there; a deliberately changed expected
#            verdict in the corpus copy is flagged as a replay finding of
#            its own; the group is saved in the store; the night kept to
#            its budget
#   the HTML report: its parts, its plots painted by headless Chromium
#   night 3: SIGTERMed while it fuzzes: exit 143, says so, no process
#            left, nothing half-written, the store as it was
#   night 4: the same folder, resumed: seeded from the corpus night 2
#            grew; nothing it calls new was in the store; exit 0, or 1
#            exactly when it reports a new group
#   a full disk: the night says so and exits 2 before booting anything
# Prints "nightly: N passed, N failed, N skipped".
#
#   tests/vm/check-nightly.sh   (CHECK_NIGHTLY_TIME=S for nights 2 and 3,
#                                default 130; night 4 gets 100 s)
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
t=${CHECK_NIGHTLY_TIME:-130}
t4=100
slack=60	# a request in flight at the deadline: its timeout, a reboot

work=$PWD/build/check-nightly; rm -rf "$work"; mkdir -p "$work"
cp -r corpus "$work/corpus"
rm -rf "$work/corpus/nightly"
exp=$work/corpus/expected/6.1-pae-root-rfc.txt
# The deliberate change: a program the RFC runs cleanly, expected otherwise.
victim=$(awk '$2 == "clean" { print $1; exit }' "$exp" 2>/dev/null)
if [ -n "$victim" ]; then
	sed -i "s/^$victim clean\$/$victim violation/" "$exp"
fi
fdir=$work/findings

night() {	# n budget
	local n=$1 start end
	start=$(date +%s)
	build/mmufuzz nightly --candidates pae-root-rfc --time "$2" --corpus "$work/corpus" \
		--findings "$fdir" > "$work/night$n.md" 2> "$work/night$n.log"
	echo $? > "$work/night$n.rc"
	end=$(date +%s)
	echo $((end - start)) > "$work/night$n.secs"
	echo "night $n: exit $(cat "$work/night$n.rc") after $((end - start)) s (budget $2 s)"
}

# The finding folders (not the nightly job's own state).
folders() { find "$fdir" -mindepth 1 -maxdepth 1 -type d ! -name nightly ! -name '.*' -printf '%f\n' 2>/dev/null | sort; }

# Processes of a night: its QEMUs name their run folder after the process
# that started them (build/vm/run/<variant>-<pid>-<n>: the night's own for
# the triage VMs, the engine's for the fuzzing VMs); the engine is a
# fuzz_kvm descendant of the night.
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
engine_of() {
	local p
	for p in $(descendants "$1"); do
		case $(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline") in
		*fuzz_kvm*|afl-fuzz*) echo "$p"; return ;;
		esac
	done
}
night_pids() {	# night_pid engine_pid
	{
		kill -0 "$1" 2>/dev/null && echo "$1"
		pgrep -f -- "build/vm/run/[^ ]*-$1-[0-9]" || true
		[ -n "$2" ] && { pgrep -g "$2" || true; pgrep -f -- "build/vm/run/[^ ]*-$2-[0-9]" || true; }
	} | sort -u
}
qemus_of() { pgrep -f -- "build/vm/run/[^ ]*-$1-[0-9]" | wc -l; }

# A finding folder is complete when its files are there and its program
# re-reads; nothing anywhere under the night's folders is a temporary.
folder_ok() {
	local d=$1 f
	if [ -f "$d/reason" ]; then	# a VM death saved by vmclient
		for f in reason variant console.log; do [ -s "$d/$f" ] || return 1; done
	else
		for f in program.mmu report.txt; do [ -s "$d/$f" ] || { echo "  $d: no $f"; return 1; }; done
	fi
	[ ! -s "$d/program.mmu" ] || build/mmufuzz explain "$d/program.mmu" > /dev/null 2>&1 ||
		{ echo "  $d: program.mmu does not re-read"; return 1; }
}
whole() {	# what
	local n=0 bad_n=0 d half
	for d in $(folders); do
		n=$((n + 1))
		folder_ok "$fdir/$d" || bad_n=$((bad_n + 1))
	done
	check "$1: all $n finding folder(s) complete and re-readable ($bad_n not)" test "$bad_n" = 0
	half=$(find "$fdir" "$work/corpus" \( -name '*.tmp*' -o -name '.tmp-*' \) -print | head -n 3)
	check "$1: nothing half-written${half:+ ($half)}" test -z "$half"
}
store_sum() { (cd "$fdir" && find nightly/groups -type f 2>/dev/null | sort | xargs -r sha256sum) | sha256sum; }

# A night stopped by signal sig once ready (a shell test) holds, or give
# up after 300 s.  Checks its exit status and that nothing of it is left.
stopped_night() {	# n sig budget ready-test
	local n=$1 sig=$2 pid epid= t0 tt rc left q
	t0=$(date +%s)
	build/mmufuzz nightly --candidates pae-root-rfc --time "$3" --corpus "$work/corpus" \
		--findings "$fdir" > "$work/night$n.md" 2> "$work/night$n.log" &
	pid=$!
	for ((tt = 0; tt < 600; tt++)); do
		kill -0 "$pid" 2>/dev/null || break
		[ -z "$epid" ] && epid=$(engine_of "$pid")
		eval "$4" && break
		sleep 0.5
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		bad "night $n ended (exit $?) before SIG$sig (see $work/night$n.log)"
		return 1
	fi
	q=$(qemus_of "$pid")
	[ -z "$epid" ] || q=$((q + $(qemus_of "$epid")))
	check "night $n: its QEMUs run before SIG$sig ($q; engine ${epid:-none})" test "$q" -gt 0
	kill "-$sig" "$pid"
	{ wait "$pid"; } 2> /dev/null
	rc=$?
	# SIGTERM: the night stops the engine and its VMs and waits for them.
	# SIGKILL: the kernel tells the engine and the VMs (PDEATHSIG).
	for ((tt = 0; tt < 60; tt++)); do
		[ -z "$(night_pids "$pid" "$epid")" ] && break
		sleep 1
	done
	left=$(night_pids "$pid" "$epid")
	echo "night $n: SIG$sig after $(($(date +%s) - t0)) s, exit $rc"
	check "night $n: no process of it is left${left:+ (left: $(echo $left))}" test -z "$left"
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	check "night $n: exit status $((128 + $(kill -l "$sig"))) (got $rc)" \
		test "$rc" = $((128 + $(kill -l "$sig")))
	return 0
}

# The nights' budgets are for the nights, not for a first build of their
# kernels (a cold or re-keyed cache takes minutes): build them first.
for v in baseline pae-root-rfc; do
	kernels/variant-dir.sh "$v" > /dev/null ||
		{ bad "variant $v does not build (see above)"; echo "nightly: $pass passed, $fail failed, $skip skipped"; exit 1; }
done

# ---- night 1: killed mid-way --------------------------------------------
# (once the fuzzer has saved two folders and its VMs run: what it saved is
# for night 2 to triage)
stopped_night 1 KILL "$t" '[ -n "$epid" ] && [ "$(qemus_of "$epid")" -ge 2 ] && [ "$(folders | wc -l)" -ge 2 ]'
folders > "$work/night1.folders"
whole "night 1 (SIGKILL)"
check "night 1 (SIGKILL): nothing committed (no group, no marker)" \
	test -z "$(ls "$fdir/nightly/groups" 2>/dev/null; ls "$fdir"/*/nightly-group.txt 2>/dev/null)"
echo "     (night 1 left $(wc -l < "$work/night1.folders") finding folder(s) untriaged)"

# ---- night 2: resumed, the findings ---------------------------------------
night 2 "$t"
r2=$(cat "$work/night2.rc")
check "night 2 exits 1 (new findings; got $r2)" test "$r2" = 1
check "night 2 kept to its budget (+${slack} s)" test "$(cat "$work/night2.secs")" -le $((t + slack))
n_left=0
while read -r d; do
	[ -s "$fdir/$d/nightly-group.txt" ] || { n_left=$((n_left + 1)); echo "     untriaged: $d"; }
done < "$work/night1.folders"
check "night 2 triaged every folder night 1 left ($n_left not)" test "$n_left" = 0
root_entries=$(grep -c '^### [0-9]*\. pae-root-rfc--patch-root-' "$work/night2.md")
check "the RFC's root findings are one entry (got $root_entries)" test "$root_entries" = 1
alias_entries=$(grep -c '^### [0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "$work/night2.md")
check "that entry is the reuse of one root for the PDPTs of a page (got $alias_entries)" \
	test "$alias_entries" = 1
# What it holds: the root rule of each member's minimized run.
rules=$(for m in "$fdir"/*/nightly-group.txt; do
		grep -q -- '--patch-root-' "$m" || continue
		grep -o -m1 '\(alias\|stale\|gfn\|role\|pdpte\) (a' "${m%/*}/repro/report.txt" |
			head -n1 | cut -d' ' -f1
	done | sort | uniq -c | xargs)
echo "     (its folders' root rules once minimized: ${rules:-none}; $(grep -c '^### ' "$work/night2.md") entries in all)"
rdir=$(grep -A6 '^### [0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "$work/night2.md" |
       sed -n 's/^- smallest reproducer: `\([^`]*\)`.*/\1/p')
for f in repro.mmu repro.c report.txt mmufuzz_repro_test.c; do
	check "root reproducer $f" test -s "${rdir:-/nonexistent}/$f"
done
check "the group is in the store" test -s "$fdir/nightly/groups/pae-root-rfc--patch-root-reuse-pdpt-page-pae/entry.txt"
if [ -n "$victim" ]; then
	check "the changed expected verdict of $victim is flagged, an entry of its own" \
		grep -q "^### [0-9]*\. pae-root-rfc--$victim-replay-violation-to-clean" "$work/night2.md"
else
	skip=$((skip + 1)); echo "SKIP no clean program in corpus/expected/6.1-pae-root-rfc.txt to change"
fi
check "triaged folders are marked" bash -c "ls $fdir/*/nightly-group.txt >/dev/null 2>&1"
check "the report is saved" bash -c "ls $fdir/nightly-*.md >/dev/null 2>&1"
merged=$(find "$work/corpus/nightly" -name '*.mmu' 2>/dev/null | wc -l)

# The HTML page, in a real browser: its parts, and the plot's line
# colour (#c0392b, nightly_html.c) painted in the screenshot.
html=$(ls "$fdir"/nightly-*.html 2>/dev/null | tail -n1)
check "the HTML report is written" test -s "${html:-/nonexistent}"
check "the HTML report has the findings" grep -q '<h3>[0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "${html:-/nonexistent}"
if grep -q '<svg' "${html:-/nonexistent}" 2>/dev/null; then
	ok "the HTML report inlines gnuplot's SVG"
	if command -v chromium > /dev/null && command -v pngtopnm > /dev/null; then
		timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
			--window-size=1000,4000 --screenshot="$work/report.png" "file://$html" \
			> "$work/chromium.log" 2>&1
		px=$(pngtopnm "$work/report.png" 2>/dev/null | ppmhist -noheader 2>/dev/null |
		     awk '$1 == 192 && $2 == 57 && $3 == 43 { n += $NF } END { print n + 0 }')
		check "Chromium paints the report's plots ($px plot-colour pixels)" test "$px" -gt 100
	else
		skip=$((skip + 1)); echo "SKIP screenshot: chromium or pngtopnm missing"
	fi
else
	skip=$((skip + 1)); echo "SKIP the report's plots: gnuplot missing (tests/install-deps.sh installs gnuplot-nox)"
fi

# ---- night 3: stopped while it fuzzes -------------------------------------
ls "$fdir/nightly/groups" > "$work/groups.before3" 2>/dev/null
sum3=$(store_sum)
# (3 s into fuzzing: the engine is running programs)
fuzzing=0
stopped_night 3 TERM "$t" '[ -n "$epid" ] && [ "$(qemus_of "$epid")" -ge 2 ] &&
	grep -q "^mmufuzz: fuzzing" "$work/night3.log" && fuzzing=$((fuzzing + 1)) && [ $fuzzing -ge 6 ]'
check "night 3 (SIGTERM): it says so" grep -q "^mmufuzz nightly: stopped by SIGTERM" "$work/night3.log"
check "night 3 (SIGTERM): the report says so" grep -q "^- stopped by SIGTERM" "$work/night3.md"
whole "night 3 (SIGTERM)"
check "night 3 (SIGTERM): the store is as it was" test "$(store_sum)" = "$sum3"

# ---- night 4: resumed -------------------------------------------------------
night 4 "$t4"
r4=$(cat "$work/night4.rc")
new4=$(sed -n '/^## New findings/,/^## Known/p' "$work/night4.md" | sed -n 's/^### [0-9]*\. //p')
n_new4=$(printf '%s' "$new4" | grep -c .)
seeds=$(sed -n 's/^mmufuzz fuzz: \([0-9]*\) seeds from .*/\1/p' "$work/night4.log" | head -n1)
corpus_n=$(ls "$work"/corpus/*.mmu | wc -l)
check "night 4 seeds from the corpus night 2 grew ($corpus_n + $merged; got ${seeds:-?})" \
	test "${seeds:-0}" = $((corpus_n + merged))
again=0
for k in $new4; do grep -qxF "$k" "$work/groups.before3" && { again=$((again + 1)); echo "     again: $k"; }; done
check "night 4 calls nothing new that the store held ($again)" test "$again" = 0
check "night 4 lists what the store held as known" grep -q '^- `pae-root-rfc--' "$work/night4.md"
if [ "$n_new4" = 0 ]; then
	check "night 4: nothing new, exit 0 (got $r4)" test "$r4" = 0
else
	echo "     night 4 found something new: $(echo $new4)"
	check "night 4: $n_new4 new group(s), exit 1 (got $r4)" test "$r4" = 1
fi
[ "$r4" = 0 ] || [ "$r4" = 1 ] || sed -n '/^## baseline/,/^## New/p' "$work/night4.md"

# A full disk: a 1 MiB tmpfs, filled.
if mkdir -p "$work/full" && mount -t tmpfs -o size=1m tmpfs "$work/full" 2>/dev/null; then
	dd if=/dev/zero of="$work/full/fill" bs=64k 2>/dev/null
	build/mmufuzz nightly --candidates pae-root-rfc --time 60 --corpus "$work/corpus" \
		--findings "$work/full/findings" > "$work/full.md" 2> "$work/full.log"
	rc=$?
	umount "$work/full"
	check "a full disk: exit 2 (got $rc)" test "$rc" = 2
	check "a full disk is named" grep -q "disk full" "$work/full.log"
else
	skip=$((skip + 1)); echo "SKIP a full disk: cannot mount a tmpfs here (not root?)"
fi

echo "nightly: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
