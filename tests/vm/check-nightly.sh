#!/bin/bash
# Two short nights of `mmufuzz nightly` on baseline + pae-root-rfc, in one
# scratch folder, on real test VMs:
#   night 1: exits 1; the RFC's root findings (alias and stale: one root
#            reused for the PDPTs of one page) are ONE report entry however
#            many signature folders the fuzzer left; its reproducers are
#            there; a deliberately changed expected verdict in the corpus
#            copy is flagged as a replay finding; the group is saved in
#            the store; the night kept to its budget
#   night 2: the same folder: nothing new, exits 0
#   the HTML report: its parts, its plots painted by headless Chromium
#   a full disk: the night says so and exits 2 before booting anything
# Prints "nightly: N passed, N failed, N skipped".
#
#   tests/vm/check-nightly.sh   (CHECK_NIGHTLY_TIME=S per night, default 150)
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
t=${CHECK_NIGHTLY_TIME:-150}
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

night() {
	local n=$1 start end
	start=$(date +%s)
	build/mmufuzz nightly --candidates pae-root-rfc --time "$t" --corpus "$work/corpus" \
		--findings "$work/findings" > "$work/night$n.md" 2> "$work/night$n.log"
	echo $? > "$work/night$n.rc"
	end=$(date +%s)
	echo $((end - start)) > "$work/night$n.secs"
	echo "night $n: exit $(cat "$work/night$n.rc") after $((end - start)) s (budget $t s)"
}

night 1
r1=$(cat "$work/night1.rc")
check "night 1 exits 1 (new findings; got $r1)" test "$r1" = 1
check "night 1 kept to its budget (+${slack} s)" test "$(cat "$work/night1.secs")" -le $((t + slack))
root_entries=$(grep -c '^### [0-9]*\. pae-root-rfc--patch-root-' "$work/night1.md")
check "the RFC's root findings are one entry (got $root_entries)" test "$root_entries" = 1
alias_entries=$(grep -c '^### [0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "$work/night1.md")
check "that entry is the reuse of one root for the PDPTs of a page (got $alias_entries)" \
	test "$alias_entries" = 1
folders=$(grep -A6 '^### [0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "$work/night1.md" |
	  sed -n 's/.* under \([0-9]*\) signature folder.*/\1/p')
echo "     ($(grep -c '^### ' "$work/night1.md") entries in all; the aliasing one holds ${folders:-?} signature folders)"
rdir=$(grep -A6 '^### [0-9]*\. pae-root-rfc--patch-root-reuse-pdpt-page' "$work/night1.md" |
       sed -n 's/^- smallest reproducer: `\([^`]*\)`.*/\1/p')
for f in repro.mmu repro.c report.txt mmufuzz_repro_test.c; do
	check "root reproducer $f" test -s "${rdir:-/nonexistent}/$f"
done
check "the group is in the store" test -s "$work/findings/nightly/groups/pae-root-rfc--patch-root-reuse-pdpt-page-pae/entry.txt"
if [ -n "$victim" ]; then
	check "the changed expected verdict of $victim is flagged" \
		grep -q "^### [0-9]*\. pae-root-rfc--$victim-replay-violation-to-clean" "$work/night1.md"
else
	skip=$((skip + 1)); echo "SKIP no clean program in corpus/expected/6.1-pae-root-rfc.txt to change"
fi
check "triaged folders are marked" bash -c "ls $work/findings/*/nightly-group.txt >/dev/null 2>&1"
check "the report is saved" bash -c "ls $work/findings/nightly-*.md >/dev/null 2>&1"

# The HTML page, in a real browser: its parts, and the plot's line
# colour (#c0392b, nightly_html.c) painted in the screenshot.
html=$(ls "$work"/findings/nightly-*.html 2>/dev/null | head -n1)
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

night 2
r2=$(cat "$work/night2.rc")
check "night 2 in the same folder exits 0 (got $r2)" test "$r2" = 0
check "night 2 reports nothing new" grep -q '^0 new finding(s)' "$work/night2.md"
[ "$r2" = 0 ] || sed -n '/^## New findings/,/^## Known/p' "$work/night2.md"

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
