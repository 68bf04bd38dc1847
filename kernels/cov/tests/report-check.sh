#!/bin/bash
# check-cov-report: patch coverage from `mmufuzz fuzz`, and its HTML report, for real.
#
#   kernels/cov/tests/report-check.sh MMUFUZZ [CANDIDATE]  (default pae-root-rfc)
#
# Runs what the issue's bar names, `mmufuzz fuzz --kernel
# baseline,CANDIDATE` (the project's corpus, until the first finding or
# FUZZ_S seconds), whose end replays the engine's inputs on CANDIDATE+cov
# in one test VM and runs kernels/cov/report.sh (harness/campaign/
# patchcov.h).  Checks: the printed patch coverage line has the promised
# form and R > 0 (pae-root-rfc rewrites PAE root allocation, which the
# corpus's PAE programs reach); the instrumented candidate still breaks
# the architecture on some input (the corpus holds the reviewer's
# two-PDPTs-on-one-page program: pae-root-rfc+cov keeps its bug); the
# printed report exists and its pages mark as many reached /
# never-reached lines as the line counts; and headless Chromium, opening
# the printed first changed line, paints the marks (pixels of the marker
# colours in its screenshot; none in a screenshot of the top of the same
# page, far from the patch).
# Prints "cov-report: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
mmufuzz=${1:?usage: report-check.sh MMUFUZZ [CANDIDATE]}
cand=${2:-pae-root-rfc}
FUZZ_S=${FUZZ_S:-30}
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
finish() { echo "cov-report: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
work=build/cov/report-fuzz-$cand	# kept for a look afterwards
rm -rf "$work"

# The +cov twin is built (or found cached) by the fuzz command's end; a
# build here first keeps its minutes out of the fuzz run's timing.
if ! kernels/variant-dir.sh "$cand+cov" > /dev/null 2>"$tmp/build.err"; then
	bad "$cand+cov: build failed: $(tail -n 5 "$tmp/build.err")"; finish
fi
start=$(date +%s)
"$mmufuzz" fuzz --kernel "baseline,$cand" --time "$FUZZ_S" --seed 1 --corpus corpus \
	--findings "$tmp/findings" --work "$work" > "$tmp/out" 2> "$tmp/err"
rc=$?
secs=$(( $(date +%s) - start ))
sed 's/^/     /' "$tmp/out"
{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && ok "mmufuzz fuzz --kernel baseline,$cand ran (exit $rc, $secs s with the patch coverage step)" ||
	{ bad "mmufuzz fuzz: exit $rc"; tail -n 20 "$tmp/err" | sed 's/^/     /'; finish; }
grep -q "^fuzz: engine libfuzzer, kernels baseline,$cand: " "$tmp/out" &&
	ok "the fuzzing's statistics come first" || bad "no statistics line"
line=$(sed -n "s/^fuzz: $cand: \(patch lines reached: .*\)$/\1/p" "$tmp/out")
if [[ "$line" =~ ^patch\ lines\ reached:\ ([0-9]+)/([0-9]+)(\;\ never\ reached:\ .+)?$ ]]; then
	r=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	ok "patch coverage line has its form"
	[ "$n" -gt 0 ] && ok "the patch has $n instrumented changed lines" || bad "no instrumented changed lines"
	[ "$r" -gt 0 ] && ok "the campaign's inputs reach $r of them" || bad "the campaign reaches none of the patch's lines"
else
	bad "no patch coverage line for $cand: $(grep "^fuzz: $cand:" "$tmp/out" | head -n 3)"
	tail -n 10 "$tmp/err" | sed 's/^/     /'; finish
fi
replayed=$(sed -n "s/^fuzz: $cand: from \([0-9]*\) of \([0-9]*\) kept input(s) replayed on $cand+cov in .*/\1 \2/p" "$tmp/out")
[ -n "$replayed" ] && [ "${replayed% *}" -gt 0 ] && [ "${replayed% *}" = "${replayed#* }" ] &&
	ok "every kept input ran on $cand+cov ($replayed)" || bad "replayed: '$replayed' (want K of K, K > 0)"
broke=$(sed -n "s/^fuzz: $cand: from .*; \([0-9]*\) broke the architecture there.*/\1/p" "$tmp/out")
[ "${broke:-0}" -gt 0 ] && ok "$cand+cov still breaks the architecture ($broke input(s)): instrumented, the bug stays" ||
	bad "no input broke the architecture on $cand+cov (its bug should stay)"
out=$(sed -n "s/^fuzz: $cand: coverage report \(.*\)\/html\/index.html$/\1/p" "$tmp/out")
page=$(sed -n "s/^fuzz: $cand: first changed line \(.*\)$/\1/p" "$tmp/out")
[ -n "$out" ] && [ -f "$out/html/index.html" ] && ok "the printed HTML report exists ($out/html/index.html)" ||
	{ bad "no HTML report printed or found ('$out')"; finish; }
[ "$(cat "$out/patch-coverage.txt")" = "$line" ] && ok "the printed line is report.sh's" || bad "printed line differs from $out/patch-coverage.txt"
mmu=$out/html/arch/x86/kvm/mmu/mmu.c.gcov.html
nr=$(cat "$out"/html/arch/x86/kvm/*.gcov.html "$out"/html/arch/x86/kvm/*/*.gcov.html 2>/dev/null | grep -c 'lineNum patchReached')
nn=$(cat "$out"/html/arch/x86/kvm/*.gcov.html "$out"/html/arch/x86/kvm/*/*.gcov.html 2>/dev/null | grep -c 'lineNum patchNever')
[ "$nr" -eq "$r" ] && [ "$nn" -eq $((n - r)) ] && ok "pages mark $nr reached and $nn never-reached changed lines" ||
	bad "pages mark $nr reached / $nn never, the line says $r / $((n - r))"
[ "${page%%#*}" = "$mmu" ] && [ -f "$mmu" ] && ok "the first changed line is on mmu.c's page (${page##*#})" ||
	{ bad "first changed line: '$page', want $mmu#N"; finish; }

# Patch-directed scheduling (fuzz/directed.h): a plain candidate gets
# none; the same candidate named +cov gets its patch's sites, and they
# are the ones report.sh found on the changed lines through a real
# boot's section bases (patch-sites.sh finds them without one).
[ ! -e "$work/directed" ] && ! grep -q "patch sites reached while fuzzing" "$tmp/out" &&
	ok "a plain candidate is not patch-directed" || bad "a plain candidate got patch-directed scheduling"
dwork=$work-directed
rm -rf "$dwork"
"$mmufuzz" fuzz --kernel "baseline,$cand+cov" --time "${DIRECTED_S:-20}" --seed 1 --corpus corpus \
	--keep-going --no-patch-coverage --findings "$tmp/findings-directed" --work "$dwork" \
	> "$tmp/dout" 2> "$tmp/derr"
rc=$?
{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && ok "mmufuzz fuzz --kernel baseline,$cand+cov ran (exit $rc)" ||
	{ bad "mmufuzz fuzz +cov: exit $rc"; tail -n 20 "$tmp/derr" | sed 's/^/     /'; }
nsites=$(sed -n 's/^mmufuzz fuzz: patch-directed: \([0-9]*\) patch site(s).*/\1/p' "$tmp/derr")
[ "${nsites:-0}" -gt 0 ] && ok "patch-directed at $nsites site(s) of $cand" || bad "not patch-directed: $(grep -i directed "$tmp/derr" | head -n 2)"
# (report.sh's record only has the modules that boot loaded: compare those.)
ours=$(awk -f kernels/cov/hex.awk -f <(echo '$1 == "line" { printf "%s %s 0x%x\n", $2, $3, hx_num($4) - 1 }') \
	"$dwork/directed/sites" 2>/dev/null | sort -u)
theirs=$(awk -F'\t' '{ split($2, so, "+"); print $1, so[1], so[2] }' "$out/patch-sites" | sort -u)
ours=$(echo "$ours" | awk -v t="$(echo "$theirs" | cut -d' ' -f1 | sort -u | tr '\n' ' ')" 'index(" " t, " " $1 " ")')
[ -n "$ours" ] && [ "$ours" = "$theirs" ] && ok "its $(echo "$ours" | wc -l) line sites are report.sh's, found through a boot" ||
	bad "line sites differ from report.sh's: $(diff <(echo "$ours") <(echo "$theirs") | head -n 4 | tr '\n' ' ')"
dline=$(sed -n 's/^fuzz: patch sites reached while fuzzing: line \([0-9]*\)\/\([0-9]*\),.*/\1 \2/p' "$tmp/dout")
[ -n "$dline" ] && [ "${dline% *}" -gt 0 ] && [ "${dline#* }" -eq "$(echo "$ours" | wc -l)" ] &&
	ok "the campaign reached ${dline% *} of the ${dline#* } line sites while fuzzing" ||
	bad "reached while fuzzing: '$(grep 'patch sites reached' "$tmp/dout")'"
npool=0 nbad=0
for f in "$dwork"/directed/pool/*; do
	[ -f "$f" ] || continue
	npool=$((npool + 1))
	"$mmufuzz" convert "$f" "$tmp/pool.mmu" > /dev/null 2>&1 || nbad=$((nbad + 1))
done
[ "$npool" -gt 0 ] && [ "$nbad" -eq 0 ] && ok "the pool holds $npool program(s), each decodes" ||
	bad "pool: $npool input(s), $nbad do not decode"
picks=$(sed -n 's/.*; \([0-9]*\) mutation(s) started from it.*/\1/p' "$tmp/dout")
[ "${picks:-0}" -gt 0 ] && ok "$picks mutation(s) started from a pool input" || bad "no mutation started from the pool: $(grep 'patch sites reached' "$tmp/dout")"

# Headless Chromium: the first changed line of mmu.c, a few lines above it.
if ! command -v chromium > /dev/null || ! command -v pngtopnm > /dev/null; then
	echo "skip screenshots: chromium or pngtopnm missing (apt-get install chromium netpbm)"; finish
fi
first=${page##*#}
# Headless Chromium paints nothing when a page this long is opened at a
# #fragment; in an iframe it scrolls and paints, so open it through one.
shot() {	# shot ANCHOR PNG
	echo "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"mmu.c.gcov.html#$1\" style=\"border:0;width:1000px;height:700px\"></iframe></body></html>" \
		> "$(dirname "$mmu")/.view.html"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,700 \
		--screenshot="$2" "file://$(cd "$(dirname "$mmu")" && pwd)/.view.html" > "$tmp/chromium.log" 2>&1
}
# marker_pixels PNG: pixels of the patchReached and patchNever colours.
marker_pixels() {
	pngtopnm "$1" | ppmhist -noheader 2>/dev/null |
		awk '($1 == 64 && $2 == 192 && $3 == 64) || ($1 == 255 && $2 == 0 && $3 == 255) { n += $NF } END { print n + 0 }'
}
if [ -n "$first" ] && shot $((first > 5 ? first - 5 : 1)) "$tmp/patch.png" && [ -s "$tmp/patch.png" ]; then
	px=$(marker_pixels "$tmp/patch.png")
	cp "$tmp/patch.png" "$out/screenshot-mmu.c-$first.png"
	[ "$px" -gt 200 ] && ok "Chromium paints the marks at mmu.c:$first ($px marker pixels)" ||
		bad "screenshot at mmu.c:$first has $px marker pixels"
	if shot 1 "$tmp/top.png" && [ -s "$tmp/top.png" ]; then
		px=$(marker_pixels "$tmp/top.png")
		[ "$px" -eq 0 ] && ok "and none at the top of the page (control)" || bad "top of mmu.c's page has $px marker pixels"
	else
		bad "chromium screenshot of the top failed: $(tail -n 3 "$tmp/chromium.log")"
	fi
else
	bad "chromium screenshot at mmu.c:${first:-?} failed: $(tail -n 3 "$tmp/chromium.log")"
fi
finish
