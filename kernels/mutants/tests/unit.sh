#!/bin/bash
# check-mutants: mutant generation on hand-made inputs (no VM, no kernel
# build, a few seconds): each operator fires where it applies and nowhere
# else, every patch applies to the source and reverses, sampling is
# reproducible from the seed, a candidate's mutants carry the candidate,
# the line selection (reached CR paths, a patch's changed lines), the
# code comparison, and the refusals of bad input.
# Prints "mutants: N passed, N failed".
set -u
cd "$(dirname "$0")/../../.."
m=kernels/mutants
pass=0 fail=0 skip=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect() {	# expect WHAT WANT GOT
	[ "$2" = "$3" ] && ok "$1" || bad "$1: got '$3', want '$2'"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# --- the operators, one line at a time -----------------------------------------
# ops LINE: "op@what@new" per mutant of LINE.
ops() {
	printf '%s\n' "$1" | awk -f $m/ops.awk -f <(echo '{ n = mut_ops($0); for (k = 1; k <= n; k++) print mut_op[k] "@" mut_what[k] "@" mut_new[k] }')
}
T=$'\t'
expect "negate: if" "negate@condition negated@${T}if (!(x & 1))" "$(ops "${T}if (x & 1)" | grep ^negate)"
expect "negate: while, nested parens" "${T}while (!(f(a) && (b)))" "$(ops "${T}while (f(a) && (b))" | grep ^negate | cut -d@ -f3)"
expect "negate: not for a condition that goes on to the next line" "" "$(ops "${T}if (a &&" | grep ^negate)"
expect "negate: not for an identifier ending in 'if'" "" "$(ops "${T}xif (a);" | grep ^negate)"
expect "drop-call: a call statement" "drop-call@call of kvm_mmu_free_roots() dropped@${T};" \
	"$(ops "${T}kvm_mmu_free_roots(vcpu->kvm, mmu, KVM_MMU_ROOTS_ALL);")"
expect "drop-call: a call through a pointer" "call of vcpu->arch.mmu->sync_page() dropped" \
	"$(ops "${T}vcpu->arch.mmu->sync_page(vcpu, sp);" | cut -d@ -f2)"
expect "drop-call: not an assignment" "" "$(ops "${T}r = f(x);" | grep ^drop-call)"
expect "drop-call: not a return" "" "$(ops "${T}return f(x);" | grep ^drop-call)"
expect "drop-call: not a call that goes on to the next line" "" "$(ops "${T}f(a," | grep ^drop-call)"
expect "drop-call: not two statements" "" "$(ops "${T}f(a); g(b);" | grep ^drop-call)"
for pair in "<:<=" "<=:<" ">:>=" ">=:>" "==:!=" "!=:==" "&&:||" "||:&&"; do
	a=${pair%%:*} b=${pair#*:}
	expect "relop: '$a' -> '$b'" "relop@'$a' -> '$b'@${T}r = x $b y;" "$(ops "${T}r = x $a y;")"
done
expect "relop: one mutant per site" 3 "$(ops "${T}r = a < b && c == d;" | grep -c ^relop)"
expect "relop: not '->', '<<', '>>' or '<<='" "" "$(ops "${T}x = p->a << 2 >> 1; y <<= 3;" | grep ^relop)"
expect "mask: a hex constant loses its lowest set bit" "mask@0x30 -> 0x20@${T}x = 0x20;" "$(ops "${T}x = 0x30;")"
expect "mask: 64-bit constants are exact" "${T}m = 0xfff0000000000000ULL;" \
	"$(ops "${T}m = 0xfff0000000000001ULL;" | cut -d@ -f3)"
expect "mask: the bit dropped is the lowest set one" "${T}m = 0x8000000000000400ull;" \
	"$(ops "${T}m = 0x8000000000000500ull;" | cut -d@ -f3)"
expect "mask: not a constant with one bit set" "" "$(ops "${T}x = 0x1000;")"
expect "mask: not inside an identifier" "" "$(ops "${T}x = ab0x33;")"
expect "mask: '| name' dropped" "mask@operand '| PT_USER_MASK' dropped@${T}a = b;" "$(ops "${T}a = b | PT_USER_MASK;")"
expect "mask: '| MACRO(x)' dropped whole" "${T}a = b;" "$(ops "${T}a = b | BIT_ULL(63);" | cut -d@ -f3)"
expect "mask: not '||' or '|='" "" "$(ops "${T}a |= b; c = d || e;" | grep ^mask)"
expect "no mutant in a comment line" "" "$(ops "${T} * if (a == b) f(x);")"
expect "no mutant in a preprocessor line" "" "$(ops "#define X(a) (a == 0x33)")"
expect "no mutant after '/*' on a code line" "0" "$(ops "${T}x = y; /* a == b, 0x33 */" | wc -l)"
expect "a macro body's trailing backslash is kept" "${T}if (!(a)) \\" "$(ops "${T}if (a) \\" | grep ^negate | cut -d@ -f3)"

# --- a small source tree ---------------------------------------------------------
src=$tmp/src
mkdir -p "$src/arch/x86/kvm/mmu" "$src/virt/kvm"
cat > "$src/arch/x86/kvm/x86.c" <<'C'
static int helper(int a)
{
	if (a < 3)
		return 1;
	return a | 0x30;
}

static int unrelated(int a)
{
	return a == 4;
}

int kvm_set_cr0(struct kvm_vcpu *vcpu, unsigned long cr0)
{
	if (cr0 & 0x80000001)
		helper(1);
	kvm_post_set_cr0(vcpu, cr0);
	return 0;
}

int kvm_set_cr3(struct kvm_vcpu *vcpu, unsigned long cr3)
{
	return 0;
}
int kvm_set_cr4(struct kvm_vcpu *vcpu, unsigned long cr4)
{
	return cr4 != 0;
}

int load_pdptrs(struct kvm_vcpu *vcpu, unsigned long cr3)
{
	return cr3 >= 32;
}

static int set_efer(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	return 0;
}
C
# Twenty lines of mmu.c with a mutation each.
for i in $(seq 1 20); do echo "	x$i = y$i < $i;"; done > "$src/arch/x86/kvm/mmu/mmu.c"
seq 1 20 | sed 's|^|arch/x86/kvm/mmu/mmu.c |' > "$tmp/lines"
echo "arch/x86/kvm/x86.c 15" >> "$tmp/lines"	# "if (cr0 & 0x80000001)": negate, mask

$m/mutate.sh --seed 7 --count 5 "$src" "$tmp/lines" "$tmp/a" 2> "$tmp/err"
expect "mutate.sh: 5 mutants" 5 "$(wc -l < "$tmp/a/index.tsv" 2>/dev/null)"
expect "mutate.sh: one patch per mutant" 5 "$(ls "$tmp/a"/m*.patch 2>/dev/null | wc -l)"
n_ok=0 n_rev=0 n_line=0
while IFS=$'\t' read -r id f n op what orig new; do
	cp -a "$src" "$tmp/t"
	patch -s -d "$tmp/t" -p1 --dry-run < "$tmp/a/$id.patch" > /dev/null 2>&1 && n_ok=$((n_ok + 1))
	patch -s -d "$tmp/t" -p1 < "$tmp/a/$id.patch" > /dev/null 2>&1
	# The one changed line is the index's line, holding the index's text.
	got=$(diff "$src/$f" "$tmp/t/$f" | sed -n 's/^> //p')
	want=$(awk -v s="$new" 'BEGIN { print s }')
	[ "$(diff "$src/$f" "$tmp/t/$f" | sed -n '1s/c.*//p')" = "$n" ] && [ "$got" = "$want" ] && n_line=$((n_line + 1))
	patch -s -d "$tmp/t" -p1 -R < "$tmp/a/$id.patch" > /dev/null 2>&1
	diff -r "$src" "$tmp/t" > /dev/null && n_rev=$((n_rev + 1))
	rm -rf "$tmp/t"
done < "$tmp/a/index.tsv"
expect "every patch applies to the source (patch -p1)" 5 "$n_ok"
expect "every patch changes exactly its index line to the index's text" 5 "$n_line"
expect "every patch reverses (patch -R gives the source back)" 5 "$n_rev"
expect "patches carry a/ b/ labels" 5 "$(grep -l '^--- a/arch/x86/kvm/' "$tmp/a"/m*.patch | wc -l)"
cp -a "$src" "$tmp/t"; patch -s -d "$tmp/t" -p1 < "$tmp/a/ref.patch"
expect "ref.patch appends only a comment" "> /* mmufuzz adequacy: the unmutated reference build */" "$(diff "$src/arch/x86/kvm/x86.c" "$tmp/t/arch/x86/kvm/x86.c" | tail -n 1)"
rm -rf "$tmp/t"

$m/mutate.sh --seed 7 --count 5 "$src" "$tmp/lines" "$tmp/b" 2> /dev/null
expect "the same seed gives the same index" same "$(cmp -s "$tmp/a/index.tsv" "$tmp/b/index.tsv" && echo same)"
expect "the same seed gives the same patches" same "$(cat "$tmp/a"/m*.patch | cmp -s - <(cat "$tmp/b"/m*.patch) && echo same)"
$m/mutate.sh --seed 8 --count 5 "$src" "$tmp/lines" "$tmp/c" 2> /dev/null
expect "another seed samples other lines" different "$(cut -f2,3 "$tmp/a/index.tsv" | cmp -s - <(cut -f2,3 "$tmp/c/index.tsv") && echo same || echo different)"
$m/mutate.sh --seed 7 --count 2 "$src" "$tmp/lines" "$tmp/d" 2> /dev/null
expect "--count 2 gives the first two of --count 5" same "$(head -n 2 "$tmp/a/index.tsv" | cmp -s - "$tmp/d/index.tsv" && echo same)"
$m/mutate.sh --seed 7 --count 100 "$src" "$tmp/lines" "$tmp/e" 2> /dev/null
expect "--count above the mutable lines takes each line once" "21 21" "$(wc -l < "$tmp/e/index.tsv") $(cut -f2,3 "$tmp/e/index.tsv" | sort -u | wc -l)"
$m/mutate.sh --seed 7 --count 5 "$src" "$tmp/lines" "$tmp/a" 2> "$tmp/err"; rc=$?
expect "an OUTDIR with an index is refused, the index kept" "1 same" "$rc $(cmp -s "$tmp/a/index.tsv" "$tmp/b/index.tsv" && echo same)"
printf 'arch/x86/kvm/mmu/mmu.c 3\narch/x86/kvm/mmu/mmu.c three\n' > "$tmp/badlines"
$m/mutate.sh "$src" "$tmp/badlines" "$tmp/f" 2> "$tmp/err"; rc=$?
expect "a malformed LINES line: exit 1 naming file:line" "1 yes" "$rc $(grep -q "badlines:2: expected" "$tmp/err" && echo yes)"
echo "arch/x86/kvm/x86.c 1" > "$tmp/nolines"	# "static int helper(int a)": nothing to mutate
$m/mutate.sh "$src" "$tmp/nolines" "$tmp/g" 2> "$tmp/err"; rc=$?
expect "no mutable line: exit 1 saying so" "1 yes" "$rc $(grep -q "none of its lines" "$tmp/err" && echo yes)"
$m/mutate.sh --count 0 "$src" "$tmp/lines" "$tmp/h" 2> /dev/null; expect "--count 0 is a usage error" 2 $?

# --- a candidate's lines and mutants ---------------------------------------------
cat > "$tmp/cand.patch" <<'P'
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -30,4 +30,6 @@ int load_pdptrs(struct kvm_vcpu *vcpu, unsigned long cr3)
 int load_pdptrs(struct kvm_vcpu *vcpu, unsigned long cr3)
 {
-	return cr3 >= 32;
+	if (cr3 == 0x60)
+		return 0;
+	return cr3 > 32;
 }
P
expect "lines.sh patch: the candidate's changed lines" "arch/x86/kvm/x86.c 32,arch/x86/kvm/x86.c 33,arch/x86/kvm/x86.c 34" \
	"$($m/lines.sh patch "$tmp/cand.patch" | paste -sd,)"
$m/lines.sh patch "$tmp/cand.patch" > "$tmp/clines"
$m/mutate.sh --seed 3 --count 3 --patch "$tmp/cand.patch" "$src" "$tmp/clines" "$tmp/cm" 2> /dev/null
# Line 33 ("return 0;") has nothing to mutate: two mutable lines.
expect "candidate mode: a mutant per mutable changed line" 2 "$(wc -l < "$tmp/cm/index.tsv" 2>/dev/null)"
cp -a "$src" "$tmp/cand"; patch -s -d "$tmp/cand" -p1 < "$tmp/cand.patch"
n_both=0
while IFS=$'\t' read -r id f n _; do
	cp -a "$src" "$tmp/t"
	# Applied to the pristine source, the mutant is the candidate with
	# one line changed: the index's.
	patch -s -d "$tmp/t" -p1 < "$tmp/cm/$id.patch" > /dev/null 2>&1 &&
		[ "$(diff "$tmp/cand/$f" "$tmp/t/$f" | grep -c '^[<>]')" = 2 ] &&
		[ "$(diff "$tmp/cand/$f" "$tmp/t/$f" | sed -n '1s/c.*//p')" = "$n" ] && n_both=$((n_both + 1))
	rm -rf "$tmp/t"
done < "$tmp/cm/index.tsv"
expect "candidate mode: each mutant applies to the pristine source and is the candidate plus its mutation" 2 "$n_both"
expect "candidate mode: ref.patch is the candidate" same "$(cmp -s "$tmp/cand.patch" "$tmp/cm/ref.patch" && echo same)"

# --- reached lines: mmu.c, paging_tmpl.h, the CR paths of x86.c -------------------
cat > "$tmp/t.info" <<'I'
TN:x
SF:/some/tree/arch/x86/kvm/x86.c
DA:3,1
DA:10,2
DA:15,1
DA:17,0
DA:27,1
end_of_record
SF:/some/tree/arch/x86/kvm/mmu/mmu.c
DA:5,2
DA:6,0
end_of_record
SF:/some/tree/arch/x86/kvm/mmu/paging_tmpl.h
DA:7,1
end_of_record
SF:/some/tree/arch/x86/kvm/svm/svm.c
DA:9,1
end_of_record
I
expect "lines.sh reached: CR paths and callees in x86.c, mmu.c, paging_tmpl.h; hit lines only" \
	"arch/x86/kvm/mmu/mmu.c 5,arch/x86/kvm/mmu/paging_tmpl.h 7,arch/x86/kvm/x86.c 3,arch/x86/kvm/x86.c 15,arch/x86/kvm/x86.c 27" \
	"$($m/lines.sh reached "$tmp/t.info" "$src" | paste -sd,)"
$m/lines.sh reached "$tmp/none.info" "$src" 2> "$tmp/err"; rc=$?
expect "lines.sh: a missing tracefile is refused by name" "1 yes" "$rc $(grep -q none.info "$tmp/err" && echo yes)"
sed -i 's/^int load_pdptrs/int load_pdptrs_renamed/' "$src/arch/x86/kvm/x86.c"
$m/lines.sh reached "$tmp/t.info" "$src" 2> "$tmp/err" > /dev/null; rc=$?
expect "lines.sh: a CR-path root missing from x86.c is an error" "1 yes" "$rc $(grep -q "no function load_pdptrs" "$tmp/err" && echo yes)"

# --- same-code.sh on small ELF objects ---------------------------------------------
mkobj() {	# mkobj DIR CONSTANT
	mkdir -p "$1"
	for k in kvm kvm-amd kvm-intel; do
		echo "int f(int a) { return a + $2; } const char s[] = \"$k\";" > "$tmp/o.c"
		cc -O2 -c -o "$1/$k.ko" "$tmp/o.c" || return 1
	done
}
if command -v cc > /dev/null && mkobj "$tmp/o1" 3 && mkobj "$tmp/o2" 3 && mkobj "$tmp/o3" 5; then
	$m/same-code.sh "$tmp/o1" "$tmp/o2" > "$tmp/out"; expect "same-code.sh: equal builds are the same" 0 $?
	$m/same-code.sh "$tmp/o1" "$tmp/o3" > "$tmp/out"; rc=$?
	expect "same-code.sh: a changed constant differs, in .text" "1 kvm.ko differs in .text" "$rc $(cat "$tmp/out")"
	rm "$tmp/o2/kvm-amd.ko"
	$m/same-code.sh "$tmp/o1" "$tmp/o2" 2> /dev/null; expect "same-code.sh: a missing module is an error" 2 $?
else
	bad "same-code.sh: cannot build the test objects with cc"
fi

# --- the real KVM sources, when a base is unpacked ---------------------------------
# Every line of mmu.c may be picked: 100 mutants of
# real kernel code must each apply and reverse, and change their line.
real=$(ls -d kernels/cache/src/*/arch/x86/kvm 2>/dev/null | head -n 1)
if [ -n "$real" ]; then
	rsrc=${real%/arch/x86/kvm}
	awk '{ print "arch/x86/kvm/mmu/mmu.c", NR }' "$rsrc/arch/x86/kvm/mmu/mmu.c" > "$tmp/rlines"
	$m/mutate.sh --seed 5 --count 100 "$rsrc" "$tmp/rlines" "$tmp/real" 2> /dev/null
	n_ok=0
	mkdir -p "$tmp/rt/arch/x86/kvm/mmu"
	while IFS=$'\t' read -r id f n op what orig new; do
		cp "$rsrc/$f" "$tmp/rt/$f"
		patch -s -d "$tmp/rt" -p1 < "$tmp/real/$id.patch" > /dev/null 2>&1 &&
			! cmp -s "$rsrc/$f" "$tmp/rt/$f" &&
			patch -s -d "$tmp/rt" -p1 -R < "$tmp/real/$id.patch" > /dev/null 2>&1 &&
			cmp -s "$rsrc/$f" "$tmp/rt/$f" && n_ok=$((n_ok + 1))
	done < "$tmp/real/index.tsv"
	expect "100 mutants of the real mmu.c ($rsrc) apply, change it and reverse" 100 "$n_ok"
	expect "the real mmu.c gets all four operators" 4 "$(cut -f4 "$tmp/real/index.tsv" | sort -u | wc -l)"
else
	skip=$((skip + 1)); echo "SKIP mutants of the real mmu.c: no base's kvm sources unpacked (kernels/cache/src/)"
fi

echo "mutants: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
