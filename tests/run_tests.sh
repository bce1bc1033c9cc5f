#!/usr/bin/env bash
# Runs every test: the C unit and statistical tests (bin/tests/test_*) and the command-line
# tests (tests/cli/test_*.sh). Each prints one line per check, "PASS name" or
# "FAIL name: why", and "SKIP name: why" (or "OPEN name: ...", a claim printed but not
# asserted) for a check it leaves out; this script counts them and ends with one line,
# "N passed, N failed, N skipped", and status 0 only when nothing failed and something passed.
#
#   tests/run_tests.sh [NAME...]   only the tests named (test_sweep, sweep or test_s*; also
#                                  TESTS="NAME..."); a name that matches no test fails
#
# The tests expected come from the sources, so the list never goes stale: tests/unit/test_X.c
# is the binary $BIN/tests/test_X, and every tests/cli/test_X.sh. A test fails, with a FAIL
# line of the runner's, when its binary is missing, when it exits non-zero without a FAIL
# line, when it exits 0 without a single PASS or FAIL line, or when it runs longer than
# TEST_TIMEOUT seconds (default 600; coreutils timeout, then SIGKILL 30 s later).
# WIJKSIM_QUICK=1 (used by `make asan`) lets tests shrink their sample sizes.
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
LIMIT=${TEST_TIMEOUT:-600}
if ! [[ $LIMIT =~ ^[1-9][0-9]*$ ]]; then
    echo "run_tests.sh: TEST_TIMEOUT must be a whole number of seconds, not '$LIMIT'" >&2
    exit 2
fi
export WIJKSIM=${WIJKSIM:-$PWD/$BIN/wijksim}
TEST_TMP=$(mktemp -d) || exit 2
export TEST_TMP
# Spinning OpenMP threads waste a shared machine's cores between the weekly phases.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
pid=
# Ctrl-C or TERM: the test runs in its own process group (timeout's), so stop it here.
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"; echo "interrupted"; exit 130' INT TERM
trap 'rm -rf "$TEST_TMP"' EXIT

expected=()
for src in tests/unit/test_*.c; do [ -e "$src" ] && expected+=("$BIN/tests/$(basename "$src" .c)"); done
for t in tests/cli/test_*.sh; do [ -e "$t" ] && expected+=("$t"); done

# The filter: arguments, else TESTS (spaces or commas between names).
IFS=', ' read -r -a patterns <<< "${*:-${TESTS:-}}"
matches() {  # matches TEST PATTERN: TEST's name is PATTERN, with or without test_ and .sh
    local short
    short=$(basename "$1" .sh)
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    [[ $short == $2 || $short == test_$2 || $short.sh == $2 ]]
}

passed=0 failed=0 skipped=0
runner_fail() {  # runner_fail NAME WHY: a FAIL line of the runner's own, counted
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

selected=()
if [ ${#patterns[@]} -eq 0 ]; then
    selected=("${expected[@]}")
else
    for p in "${patterns[@]}"; do
        hit=0
        for t in "${expected[@]}"; do
            matches "$t" "$p" || continue
            hit=1
            [[ " ${selected[*]-} " == *" $t "* ]] || selected+=("$t")
        done
        [ "$hit" -eq 1 ] || runner_fail "run_tests.sh" "no test matches '$p' (tests: $(printf '%s ' "${expected[@]##*/}"))"
    done
fi

for t in "${selected[@]}"; do
    name=$(basename "$t")
    if [[ $t != *.sh ]] && [ ! -x "$t" ]; then
        runner_fail "$name" "$t is missing: tests/unit/$name.c has no binary (run make unit-tests)"
        echo "  $name: missing"
        continue
    fi
    out=$TEST_TMP/$name.out
    start=$(date +%s)
    # In the background, so that the INT/TERM trap can run while the test does.
    if [[ $t == *.sh ]]; then
        timeout -k 30 "$LIMIT" bash "$t" >"$out" 2>&1 &
    else
        timeout -k 30 "$LIMIT" "$t" >"$out" 2>&1 &
    fi
    pid=$!
    wait "$pid"
    rc=$?
    pid=
    secs=$(( $(date +%s) - start ))
    grep -E '^(FAIL|SKIP |OPEN )' "$out"
    np=$(grep -c '^PASS' "$out")
    nf=$(grep -c '^FAIL' "$out")
    ns=$(grep -cE '^(SKIP|OPEN) ' "$out")
    passed=$((passed + np)) failed=$((failed + nf)) skipped=$((skipped + ns))
    if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ "$secs" -ge "$LIMIT" ]; }; then
        runner_fail "$name" "timed out after $LIMIT s (TEST_TIMEOUT) and was stopped"
        tail -20 "$out"
    elif [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
        runner_fail "$name" "exited with status $rc"
        tail -20 "$out"
    elif [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then
        runner_fail "$name" "exited with status $rc without a single PASS or FAIL line"
        tail -20 "$out"
    fi
    echo "  $name: $np passed, $nf failed, $ns skipped ($secs s)"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
