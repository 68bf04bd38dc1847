#!/bin/bash
# check-cov: the host-side coverage tools on hand-made inputs (no VM, no
# kernel build): hex.awk's 64-bit address arithmetic, patchcov.sh's line
# numbering and summary, the tools' refusals of bad input.
# Prints "cov: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
c=kernels/cov
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect() {	# expect WHAT WANT GOT
	[ "$2" = "$3" ] && ok "$1" || bad "$1: got '$3', want '$2'"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# --- hex.awk: exact where doubles are not ------------------------------------
h() { awk -f $c/hex.awk -f <(echo "BEGIN { print $1 }") < /dev/null; }
expect "hx_sub of two module addresses" 4099 "$(h 'hx_sub("0xffffffffc0221ac3", "0xffffffffc0220ac0")')"
expect "hx_sub across different upper halves is -1" -1 "$(h 'hx_sub("0xffffffffc0000000", "0xfffffffec0000000")')"
expect "hx_add keeps every bit" 0xffffffffc0221ac7 "$(h 'hx_add("0xffffffffc0221ac3", 4)')"
expect "hx_num of a short hex" 4096 "$(h 'hx_num("1000")')"
# The bug this guards against: doubles round 0xffffffffc0221ac3 + 4.
expect "plain awk arithmetic would be wrong here" different \
	"$(awk 'BEGIN { a = 18446744072637000387; if (sprintf("%.0f", a + 4) == "18446744072637000391") print "same"; else print "different" }')"

# --- patchcov.sh --------------------------------------------------------------
# A patch adding lines 11-12 and 30 (new numbering) of a.c, removing one
# before line 52 and replacing line 73; a tracefile with sites there.
cat > "$tmp/p.patch" <<'P'
diff --git a/arch/x86/kvm/a.c b/arch/x86/kvm/a.c
--- a/arch/x86/kvm/a.c
+++ b/arch/x86/kvm/a.c
@@ -10,3 +10,5 @@ int f(void)
 	x = 1;
+	y = 2;
+	z = 3;
 	w = 4;
@@ -27,3 +29,4 @@ int g(void)
 	a = 1;
+	b = 2;
 	c = 3;
@@ -48,3 +51,2 @@ int h(void)
 	d = 1;
-	e = 2;
 	f = 3;
@@ -70,3 +72,3 @@ int k(void)
 	r = 1;
-	q = 1;
+	q = 2;
 	s = 3;
P
info() {	# info COUNT11 COUNT12 COUNT30 COUNT52 COUNT73
	printf 'TN:t\nSF:/src/tree/arch/x86/kvm/a.c\nDA:11,%d\nDA:12,%d\nDA:30,%d\nDA:52,%d\nDA:60,1\nDA:73,%d\nLF:6\nLH:1\nend_of_record\n' "$@"
}
info 1 1 1 1 1 > "$tmp/all.info"
expect "patchcov: every changed line reached, a replaced line counted once" "patch lines reached: 5/5" \
	"$($c/patchcov.sh "$tmp/p.patch" "$tmp/all.info" "$tmp/lines")"
expect "patchcov: changed lines numbered in the patched file" "11 12 30 52 73" \
	"$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }' "$tmp/lines")"
info 0 0 1 0 1 > "$tmp/some.info"
expect "patchcov: never-reached lines joined into ranges" \
	"patch lines reached: 2/5; never reached: a.c:11-12, a.c:52" \
	"$($c/patchcov.sh "$tmp/p.patch" "$tmp/some.info" "$tmp/lines")"
expect "patchcov: per-line states (11 never, 30 reached)" "never reached" \
	"$(awk '$2 == 11 { a = $3 } $2 == 30 { b = $3 } END { print a, b }' "$tmp/lines")"
printf 'TN:t\nSF:/src/tree/arch/x86/kvm/b.c\nDA:11,1\nend_of_record\n' > "$tmp/other.info"
expect "patchcov: lines of files the tracefile lacks do not count" "patch lines reached: 0/0" \
	"$($c/patchcov.sh "$tmp/p.patch" "$tmp/other.info")"

# --- refusals -------------------------------------------------------------------
$c/patchcov.sh "$tmp/nope.patch" "$tmp/all.info" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "nope.patch: no such patch" "$tmp/err" && ok "patchcov: a missing patch is named, exit $rc" ||
	bad "patchcov: missing patch: exit $rc, $(cat "$tmp/err")"
mkdir -p "$tmp/v"
echo 'section kvm .text 0xffffffffc0200000' | $c/resolve.sh "$tmp/v" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "no unstripped modules" "$tmp/err" && ok "resolve.sh: a variant without debug/ is refused, exit $rc" ||
	bad "resolve.sh: variant without debug/: exit $rc, $(cat "$tmp/err")"
$c/lcov.sh "$tmp/v" "$tmp/none.record" "$tmp/o.info" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "none.record: no such record" "$tmp/err" && [ ! -e "$tmp/o.info" ] &&
	ok "lcov.sh: a missing record is named, nothing written, exit $rc" || bad "lcov.sh: missing record: exit $rc, $(cat "$tmp/err")"
# A record from another build: its build ID is not the debug module's.
mkdir -p "$tmp/w/debug"
echo 'int kvm_x;' | gcc -shared -fPIC -Wl,--build-id=sha1 -x c - -o "$tmp/w/debug/kvm.ko"
id=$(readelf -n "$tmp/w/debug/kvm.ko" | sed -n 's/^ *Build ID: //p')
printf 'buildid kvm 00%s\nsection kvm .text 0xffffffffc0200000\n' "${id:2}" | $c/resolve.sh "$tmp/w" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "from another variant's boot" "$tmp/err" && ok "resolve.sh: a record of another build is refused, exit $rc" ||
	bad "resolve.sh: other build: exit $rc, $(cat "$tmp/err")"
printf 'buildid kvm %s\nsection kvm .text 0xffffffffc0200000\n' "$id" | $c/resolve.sh "$tmp/w" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok "resolve.sh: a record of the same build is accepted" || bad "resolve.sh: same build: exit $rc, $(cat "$tmp/err")"
# --- patch-sites.sh: the patch's callback sites without a boot ------------------
# A relocatable object built as the +cov modules are (trace-pc, -g) stands
# in for debug/kvm.ko: f's line 5 is changed, h is untouched.
mkdir -p "$tmp/ps/debug" "$tmp/ps/tree/arch/x86/kvm"
cat > "$tmp/ps/tree/arch/x86/kvm/a.c" <<'SRC'
int g1;
int f(int x)
{
	if (x > 3)
		g1 = x * 7;
	else
		g1 = 2;
	return g1;
}
int h(int x)
{
	if (x)
		g1 = 5;
	return 0;
}
SRC
cat > "$tmp/ps/p.patch" <<'P'
--- a/arch/x86/kvm/a.c
+++ b/arch/x86/kvm/a.c
@@ -4,3 +4,3 @@ int f(int x)
 	if (x > 3)
-		g1 = 1;
+		g1 = x * 7;
 	else
P
(cd "$tmp/ps/tree" && gcc -O1 -g -fsanitize-coverage=trace-pc -c arch/x86/kvm/a.c -o "$tmp/ps/debug/kvm.ko")
printf 'name=t\npatch=%s\ncov_tree=%s\nabi=none\n' "$tmp/ps/p.patch" "$tmp/ps/tree" > "$tmp/ps/info"
$c/patch-sites.sh "$tmp/ps" "$tmp/ps/sites" 2> "$tmp/err"
rc=$?
expect "patch-sites: exit 0" 0 "$rc"
expect "patch-sites: some site is on the changed line" yes \
	"$(awk '$1 == "line" && $5 == "arch/x86/kvm/a.c:5" { y = "yes" } END { print y ? y : "no" }' "$tmp/ps/sites")"
expect "patch-sites: every line site is on the changed line, in f" "" \
	"$(awk '$1 == "line" && ($5 != "arch/x86/kvm/a.c:5" || $6 != "f")' "$tmp/ps/sites")"
expect "patch-sites: f's other sites are func sites" yes \
	"$(awk '$1 == "func" && $6 == "f" { y = "yes" } END { print y ? y : "no" }' "$tmp/ps/sites")"
expect "patch-sites: nothing of the untouched h" "" "$(awk '$6 == "h"' "$tmp/ps/sites")"
# The callback's return address is the relocation's offset + 4.
offs=$(readelf -rW "$tmp/ps/debug/kvm.ko" | awk -f $c/hex.awk -f <(echo '$5 == "__sanitizer_cov_trace_pc" { printf " 0x%x", hx_num($1) + 4 }'))
stray=$(awk -v o="$offs " '{ if (index(o, " " $4 " ") == 0) print $4 }' "$tmp/ps/sites")
expect "patch-sites: offsets are call sites' return addresses" "" "$stray"
printf 'name=t\npatch=none\ncov_tree=%s\n' "$tmp/ps/tree" > "$tmp/ps/info"
$c/patch-sites.sh "$tmp/ps" "$tmp/ps/sites2" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "has no patch" "$tmp/err" && [ ! -e "$tmp/ps/sites2" ] &&
	ok "patch-sites: a variant without a patch is refused, exit $rc" || bad "patch-sites: no patch: exit $rc, $(cat "$tmp/err")"

# --- patch-text.sh: a series folder in build-variant.sh's order ----------------
mkdir -p "$tmp/series"
echo two > "$tmp/series/0002-b.patch"; echo ten > "$tmp/series/0010-c.diff"
echo one > "$tmp/series/0001-a.patch"; echo no > "$tmp/series/README"
expect "patch-text: a folder's patches in sort -V order, others left out" "one two ten" \
	"$($c/patch-text.sh "$tmp/series" | tr '\n' ' ' | sed 's/ $//')"
$c/patch-text.sh "$tmp/nope" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "nope: no such patch" "$tmp/err" && ok "patch-text: a missing patch is named, exit $rc" ||
	bad "patch-text: missing: exit $rc, $(cat "$tmp/err")"
echo "cov: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
