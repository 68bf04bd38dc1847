#!/bin/bash
# check-layers: the folder list is the architecture, and this keeps it true.
#
#   tests/check-layers.sh [BUILD]
#
# The layers, bottom to top.  A file may include, and an object may call,
# only its own layer and the layers under it.  fuzz/ and tests/ sit on top
# and may use everything.  Three rules, each counted:
#   1. every #include "..." in harness/, oracles/, kvm-guest/, fuzz/ and
#      tests/ resolves, and never points up a layer (file:line printed);
#   2. every undefined symbol of a layer's objects (nm, in BUILD) is
#      defined in that layer or one under it, never above (the object, the
#      symbol and the first source line naming it are printed);
#   3. no file of harness/ sits outside a layer folder;
#   4. inside harness/ and oracles/, no files call each other in a circle.
# The last line reads "check-layers: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
build=${1:-build}

layers=(
	kernels/cov		# mmucov's ABI and edge hash (headers the module,
				# cov_cr3 and the agent share)
	harness/core		# the program struct, layout, observations
	harness/bpf		# the root tracer: event format (rootrace.h) and loader
	kvm-guest		# the guest stub and its ABI with the executor
	oracles			# the architectural and root oracles
	harness/program		# check, .mmu text, bytes, files, traits
	harness/search		# generator, mutator, minimizer
	harness/exec		# the executor: guest image, KVM ioctls, one run
	harness/store		# the findings store
	harness/vm		# the test VM: agent, initramfs, client
	harness/judge		# differential runs, features, signatures
	harness/report		# mail report, reproducers
	harness/campaign	# fuzz, minimize, nightly as library calls
	harness/cli		# the mmufuzz command
)
top=(fuzz tests)
# C files that are text another layer file emits, not code it links: the
# reproducer runners (harness/report/report.mk compiles them as checks).
# Their includes count (rule 1); they have no objects of their own.
text_srcs='^harness/report/runner/'
# Objects of the layers whose objects are not $build/<source>.o.
declare -A extra_objs=(
	[harness/bpf]="$build/bpf/rootrace.o"
	[kvm-guest]="$build/kvm-guest/stub_blob.o"
)

# Layers whose only members the others use are headers (kernels/cov: its
# .c files are the module and programs of their own): no objects read.
declare -A headers_only=([kernels/cov]=1)
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "check-layers: $*" >&2; }
skip() { skipped=$((skipped + 1)); echo "check-layers: skipped: $*"; }

# The layer index of a path: its longest matching folder; ${#layers[@]}
# for the top; -1 outside every layer.
layer_of() {
	local p=$1 best=-1 len=0 i
	for i in "${!layers[@]}"; do
		case $p in "${layers[$i]}"/*)
			if [ ${#layers[$i]} -gt $len ]; then best=$i len=${#layers[$i]}; fi ;;
		esac
	done
	if [ $best -lt 0 ]; then
		for i in "${top[@]}"; do
			case $p in "$i"/*) best=${#layers[@]} ;; esac
		done
	fi
	echo $best
}
name_of() { if [ "$1" -ge ${#layers[@]} ]; then echo top; else echo "${layers[$1]}"; fi; }

# Rule 1: includes.  Quoted includes resolve as the compiler does: next to
# the including file, then -I. (the tree's root), then -Iharness/bpf (the
# tracer's own code); the BPF skeleton and vmlinux.h are generated into
# BUILD by the bpf layer.
resolve() {
	local dir=$1 inc=$2 p
	for p in "$dir/$inc" "$inc" "harness/bpf/$inc"; do
		if [ -f "$p" ]; then realpath -m --relative-to=. "$p"; return; fi
	done
	case $inc in rootrace.skel.h|vmlinux.h) echo "harness/bpf/$inc (generated)"; return ;; esac
	echo ""
}

while IFS= read -r f; do
	from=$(layer_of "$f")
	ok=1
	while IFS=: read -r line inc; do
		to_path=$(resolve "$(dirname "$f")" "$inc")
		if [ -z "$to_path" ]; then
			fail "$f:$line: #include \"$inc\" does not resolve"; ok=0; continue
		fi
		to=$(layer_of "${to_path%% *}")
		if [ "$to" -lt 0 ]; then
			fail "$f:$line: #include \"$inc\" is $to_path, in no layer"; ok=0
		elif [ "$to" -gt "$from" ]; then
			fail "$f:$line: #include \"$inc\" points up: $(name_of "$from") includes $(name_of "$to")"
			ok=0
		fi
	done < <(awk 'match($0, /^[ \t]*#[ \t]*include[ \t]*"[^"]*"/) {
		s = $0; sub(/^[^"]*"/, "", s); sub(/".*/, "", s); print FNR ":" s }' "$f")
	[ $ok -eq 1 ] && pass
done < <(git ls-files -co --exclude-standard harness oracles kvm-guest fuzz tests |
	 grep -E '\.(c|h|S)$')

# Rule 2: symbols.  Which layer defines what, from every layer's objects;
# then every object's undefined symbols against that table.
# (From the layer's sources, so a stale object of a moved file never counts.)
layer_objs() {
	local l=$1 s
	[ -n "${headers_only[$l]:-}" ] && return
	if [ -n "${extra_objs[$l]:-}" ]; then
		echo "${extra_objs[$l]}"
		return
	fi
	for s in $(git ls-files -co --exclude-standard "$l" | grep -E '\.c$' | grep -v "$text_srcs"); do
		echo "$build/${s%.c}.o"
	done
}
defs=$(mktemp) uses=$(mktemp)
trap 'rm -f "$defs" "$uses"' EXIT
have_objs=0
for i in "${!layers[@]}"; do
	objs=
	for o in $(layer_objs "${layers[$i]}"); do
		if [ -f "$o" ]; then objs="$objs $o"; else skip "$o: not built (make all first)"; fi
	done
	[ -z "$objs" ] && continue
	have_objs=1
	# main() is every program's own; it names no layer.
	nm -g --defined-only $objs 2>/dev/null |
		awk -v l="$i" 'NF == 3 && $3 != "main" { print $3, l }' >> "$defs"
	for o in $objs; do
		nm -u "$o" | awk -v l="$i" -v o="$o" '{ print $2, l, o }' >> "$uses"
	done
done
if [ $have_objs -eq 1 ]; then
	sort -u -o "$defs" "$defs"
	# A symbol defined twice (two layers) is itself a layering fault.
	while read -r sym n; do
		fail "symbol $sym is defined in $n layers"
	done < <(awk '{ n[$1]++ } END { for (s in n) if (n[s] > 1) print s, n[s] }' "$defs")
	declare -A bad=()
	while read -r sym from obj to; do
		src=${obj#"$build"/}; src=${src%.o}.c
		[ "$obj" = "$build/bpf/rootrace.o" ] && src=harness/bpf/rootrace.c
		at=$(grep -n -w -m1 "$sym" "$src" 2>/dev/null | cut -d: -f1)
		fail "$src:${at:-?}: $sym is defined in $(name_of "$to"), above $(name_of "$from")"
		bad[$obj]=1
	done < <(awk 'NR == FNR { def[$1] = $2; next }
		      ($1 in def) && def[$1] > $2 { print $1, $2, $3, def[$1] }' "$defs" "$uses")
	for obj in $(awk '{ print $3 }' "$uses" | sort -u); do
		[ -z "${bad[$obj]:-}" ] && pass
	done
fi

# Rule 4: inside harness/ and oracles/, no files call each other in a
# circle (a loop means two files share one concern: merge them or split
# the shared part out).  tsort names the files of a loop.
if [ $have_objs -eq 1 ]; then
	edges=$(mktemp)
	nm -g --defined-only $(git ls-files -co --exclude-standard harness oracles | grep -E '\.c$' | grep -v "$text_srcs" |
		sed "s@^@$build/@; s@\.c\$@.o@" | while read -r o; do [ -f "$o" ] && echo "$o"; done) \
		2>/dev/null | awk '/:$/ { o = substr($0, 1, length($0) - 1); next }
				   NF == 3 && $3 != "main" { print $3, o }' > "$defs.h"
	for o in $(awk '{ print $2 }' "$defs.h" | sort -u); do
		nm -u "$o" | awk -v o="$o" '{ print $2, o }'
	done | awk 'NR == FNR { def[$1] = $2; next }
		    ($1 in def) && def[$1] != $2 { print $2, def[$1] }' "$defs.h" - | sort -u > "$edges"
	loops=$(tsort "$edges" 2>&1 >/dev/null | sed -n 's@^tsort: \(.*\.o\)$@\1@p' | sed "s@^$build/@@" | tr '\n' ' ')
	if [ -n "$loops" ]; then fail "files that call each other in a circle: $loops"; else pass; fi
	rm -f "$edges" "$defs.h"
fi

# Rule 3: every file of harness/ sits in a layer folder.
while IFS= read -r f; do
	if [ "$f" = harness/harness.mk ]; then pass; continue; fi
	if [ "$(layer_of "$f")" -lt 0 ]; then fail "$f: outside every layer folder"; else pass; fi
done < <(git ls-files -co --exclude-standard harness)

echo "check-layers: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
