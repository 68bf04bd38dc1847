# Sourced first by the kernels/tests check scripts:
#   . "$(dirname "$0")/lib.sh" NAME
# Unset names are errors, the script runs from the tree's top, and ok/bad
# count one check each (one line printed); summary prints the line the
# callers read, "NAME: N passed, N failed", and fails if any check did.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
check_name=$1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
summary() { echo "$check_name: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
