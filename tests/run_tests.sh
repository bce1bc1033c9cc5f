#!/usr/bin/env bash
# Runs every test: the C unit and statistical tests (bin/tests/test_*) and the command-line
# tests (tests/cli/test_*.sh). Each prints one line per check, "PASS name" or
# "FAIL name: why"; this script counts them and ends with "N passed, N failed".
# WIJKSIM_QUICK=1 (used by `make asan`) lets tests shrink their sample sizes.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
export WIJKSIM=${WIJKSIM:-$PWD/$BIN/wijksim}
export TEST_TMP=$(mktemp -d)
# Spinning OpenMP threads waste a shared machine's cores between the weekly phases.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
trap 'rm -rf "$TEST_TMP"' EXIT
log=$TEST_TMP/all.log
: > "$log"
status=0
for t in "$BIN"/tests/test_* tests/cli/test_*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t")
    start=$(date +%s)
    if [[ $t == *.sh ]]; then out=$(bash "$t" 2>&1); rc=$?; else out=$("$t" 2>&1); rc=$?; fi
    printf '%s\n' "$out" | tee -a "$log" | grep -E '^(FAIL|PASS)' | grep -v '^PASS' || true
    np=$(printf '%s\n' "$out" | grep -c '^PASS')
    nf=$(printf '%s\n' "$out" | grep -c '^FAIL')
    if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
        echo "FAIL $name: exited with status $rc"; echo "FAIL $name: exit $rc" >> "$log"
        printf '%s\n' "$out" | tail -20
    fi
    echo "  $name: $np passed, $nf failed ($(( $(date +%s) - start )) s)"
done
passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
