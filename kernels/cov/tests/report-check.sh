#!/bin/bash
# check-cov-report: patch coverage and the HTML report, for real.
#
#   kernels/cov/tests/report-check.sh COV_CR3 [VARIANT]  (default pae-root-rfc+cov)
#
# One boot of the test VM runs kernels/cov/check/cov_cr3 on the patched
# +cov variant; kernels/cov/report.sh turns its PCs into an lcov
# tracefile, the patch coverage line and genhtml pages.  Checks: the line
# has the promised form, the PAE CR3 load reaches some of the patch's
# lines (pae-root-rfc rewrites PAE root allocation), the pages mark as
# many reached / never-reached lines as the line counts, and headless
# Chromium, opening the page at the first changed line, paints the
# marks (pixels of the marker colours in its screenshot; none in a
# screenshot of the top of the same page, far from the patch).
# Prints "cov-report: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
bin=${1:?usage: report-check.sh COV_CR3 [VARIANT]}
variant=${2:-pae-root-rfc+cov}
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
finish() { echo "cov-report: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=build/cov/report-$variant

if ! dir=$(kernels/variant-dir.sh "$variant" 2>"$tmp/build.err"); then
	bad "$variant: build failed: $(tail -n 5 "$tmp/build.err")"; finish
fi
two=$(dirname "$bin")/../../check/pae_two_pdpts
files=(--file "$bin"); [ -x "$two" ] && files+=(--file "$two")
harness/vm/vm-exec.sh --variant "$dir" --timeout 300 "${files[@]}" -- \
	sh -c '[ -x pae_two_pdpts ] && { ./pae_two_pdpts > /dev/null 2>&1; echo "RESULT pae_two_pdpts $?"; }; cov_cr3 1' \
	>"$tmp/rec" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "cov_cr3 ran on $variant" || { bad "cov_cr3 on $variant: exit $rc"; tail -n 20 "$tmp/err"; finish; }
# Instrumented, the candidate still has its bug (pae_two_pdpts: 1 wrong frame).
if [ "$variant" = pae-root-rfc+cov ]; then
	got=$(sed -n 's/^RESULT pae_two_pdpts \([0-9]*\)$/\1/p' "$tmp/rec")
	[ "$got" = 1 ] && ok "pae_two_pdpts exit 1 on $variant (the reviewer's bug, as without +cov)" ||
		bad "pae_two_pdpts exit '${got:-did not run}' on $variant, want 1"
fi
if ! kernels/cov/report.sh "$dir" "$tmp/rec" "$out" > "$tmp/line" 2>"$tmp/rerr"; then
	bad "report.sh failed: $(cat "$tmp/rerr")"; finish
fi
line=$(cat "$tmp/line")
echo "     $line"
if [[ "$line" =~ ^patch\ lines\ reached:\ ([0-9]+)/([0-9]+)(\;\ never\ reached:\ .+)?$ ]]; then
	r=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	ok "patch coverage line has its form"
	[ "$n" -gt 0 ] && ok "the patch has $n instrumented changed lines" || bad "no instrumented changed lines"
	[ "$r" -gt 0 ] && ok "a PAE CR3 load reaches $r of them" || bad "the PAE guest reaches none of the patch's lines"
else
	bad "patch coverage line: '$line'"; finish
fi
mmu=$out/html/arch/x86/kvm/mmu/mmu.c.gcov.html
[ -f "$out/html/index.html" ] && [ -f "$mmu" ] && ok "genhtml wrote index.html and mmu.c's page" || { bad "no genhtml pages in $out/html"; finish; }
nr=$(cat "$out"/html/arch/x86/kvm/*.gcov.html "$out"/html/arch/x86/kvm/*/*.gcov.html 2>/dev/null | grep -c 'lineNum patchReached')
nn=$(cat "$out"/html/arch/x86/kvm/*.gcov.html "$out"/html/arch/x86/kvm/*/*.gcov.html 2>/dev/null | grep -c 'lineNum patchNever')
[ "$nr" -eq "$r" ] && [ "$nn" -eq $((n - r)) ] && ok "pages mark $nr reached and $nn never-reached changed lines" ||
	bad "pages mark $nr reached / $nn never, the line says $r / $((n - r))"

# Headless Chromium: the first changed line of mmu.c, a few lines above it.
if ! command -v chromium > /dev/null || ! command -v pngtopnm > /dev/null; then
	echo "skip screenshots: chromium or pngtopnm missing (apt-get install chromium netpbm)"; finish
fi
first=$(awk '$1 == "arch/x86/kvm/mmu/mmu.c" && $3 != "uninstrumented" { print $2; exit }' "$out/patch-lines")
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
