#!/usr/bin/env bash
# Runs every test of a build folder: the cmocka binaries in BUILD/tests and the CLI scripts in
# tests/cli. Prints each suite's summary and closes with one line "tests: N passed, N failed".
set -u
build=${1:-build}
cd "$(dirname "$0")/.."
export AECLUST="$PWD/$build/aeclust"
export AECLUST_DATA="${AECLUST_DATA:-$PWD/data}"
export CMOCKA_MESSAGE_OUTPUT=stdout
logdir="$build/test-logs"; mkdir -p "$logdir"
passed=0; failed=0; skipped=0; broken=()

count() { # file pattern -> first number on the matching line
  grep -E "$2" "$1" | tail -n 1 | grep -oE '[0-9]+' | head -n 1
}

for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t"); log="$logdir/$name.log"
  start=$EPOCHREALTIME
  "$t" >"$log" 2>&1; rc=$?
  secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  p=$(count "$log" '^\[  PASSED  \] [0-9]+ test') ; p=${p:-0}
  f=$(count "$log" '^\[  FAILED  \] [0-9]+ test') ; f=${f:-0}
  s=$(count "$log" '^\[  SKIPPED \] [0-9]+ test') ; s=${s:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before its summary
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  printf '%-28s %3d passed %3d failed %3d skipped  %6ss\n' "$name" "$p" "$f" "$s" "$secs"
  if [ "$f" -ne 0 ]; then broken+=("$name"); grep -E '^\[  (FAILED|  ERROR)|^\[  ERROR|Failure|error:|ERROR' "$log" | head -n 20 | sed 's/^/    /'; fi
done

for s in tests/cli/test_*.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh); log="$logdir/$name.log"
  start=$EPOCHREALTIME
  bash "$s" >"$log" 2>&1; rc=$?
  secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  p=$(grep -cE '^ok ' "$log"); f=$(grep -cE '^not ok ' "$log")
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-28s %3d passed %3d failed %3d skipped  %6ss\n' "$name" "$p" "$f" 0 "$secs"
  if [ "$f" -ne 0 ]; then broken+=("$name"); grep -E '^not ok|^#' "$log" | head -n 20 | sed 's/^/    /'; fi
done

[ ${#broken[@]} -eq 0 ] || echo "failing suites: ${broken[*]} (logs in $logdir)"
# tests that need the data skip without it; set-up always provides it, so in CI a skip is a failure
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = "true" ]; then
  echo "$skipped tests skipped in CI: is the data folder ($AECLUST_DATA) complete?"; failed=$((failed + skipped))
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
