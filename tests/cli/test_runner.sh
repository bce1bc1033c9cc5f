#!/usr/bin/env bash
# The test runner itself (tests/run_tests.sh), run on a scratch tree of made-up tests: a
# missing unit-test binary, a script that checks nothing, one that crashes and one that runs
# too long each count as a failure; SKIP and OPEN lines are counted as skipped; the closing
# line reads "N passed, N failed, N skipped"; TESTS= and arguments select tests; a stopped
# runner stops its test.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$(scratch runner)
mkdir -p "$D/tests/unit" "$D/tests/cli" "$D/bin/tests"
cp "$REPO_DIR/tests/run_tests.sh" "$D/tests/"
# A unit test is its source and, when built, its binary; here a script stands in for both.
touch "$D/tests/unit/test_ok.c" "$D/tests/unit/test_missing.c"
printf '#!/bin/sh\necho "PASS ok one"\necho "PASS ok two"\necho "SKIP ok three: not here"\n' \
    > "$D/bin/tests/test_ok"
chmod +x "$D/bin/tests/test_ok"
printf 'echo "PASS open one"\necho "OPEN open two: printed, not asserted"\n' > "$D/tests/cli/test_open.sh"
printf 'echo "nothing checked"\nexit 0\n' > "$D/tests/cli/test_empty.sh"
printf 'echo "PASS crash before"\nexit 3\n' > "$D/tests/cli/test_crash.sh"
# The slow test leaves a child, which the timeout must stop with it.
printf 'echo "PASS slow start"\nsleep 120 &\necho $! > "%s/slow.pid"\nwait\n' "$D" > "$D/tests/cli/test_slow.sh"

# runner ARGS...: the copy of the runner, 2 s per test; sets RC and OUT.
runner() {
    OUT=$(cd "$D" && env -u TESTS BIN=bin WIJKSIM=/bin/false TEST_TIMEOUT=2 \
        timeout 120 bash tests/run_tests.sh "$@" 2>&1)
    RC=$?
}
# has NAME LINE: OUT holds LINE as a whole line.
has() {
    if printf '%s\n' "$OUT" | grep -qxF -- "$2"; then
        pass "$1"
    else
        fail "$1" "no line '$2' in: $(printf '%s' "$OUT" | grep -v '^ ' | tail -8 | tr '\n' '|')"
    fi
}
# gone: the slow test's child has ended (within 5 s: a killed process takes a moment to go).
gone() {
    local child
    child=$(cat "$D/slow.pid" 2>/dev/null) || return 1
    for _ in $(seq 50); do
        kill -0 "$child" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

runner
has "runner: a missing unit-test binary fails" \
    "FAIL test_missing: bin/tests/test_missing is missing: tests/unit/test_missing.c has no binary (run make unit-tests)"
has "runner: a script that exits 0 without a check fails" \
    "FAIL test_empty.sh: exited with status 0 without a single PASS or FAIL line"
has "runner: a script that exits non-zero without a FAIL line fails" "FAIL test_crash.sh: exited with status 3"
has "runner: a test over TEST_TIMEOUT fails" \
    "FAIL test_slow.sh: timed out after 2 s (TEST_TIMEOUT) and was stopped"
check "runner: the timeout stops the test's children too" gone
has "runner: SKIP lines are shown" "SKIP ok three: not here"
check "runner: a test's line counts its skipped checks" \
    grep -q '^  test_ok: 2 passed, 0 failed, 1 skipped ([0-9]* s)$' <<< "$OUT"
has "runner: the closing line counts passed, failed and skipped (OPEN and SKIP)" \
    "5 passed, 4 failed, 2 skipped"
check "runner: failures give status 1 (got $RC)" [ "$RC" -eq 1 ]

runner ok test_open.sh
has "runner: arguments select tests" "3 passed, 0 failed, 2 skipped"
check "runner: the selected tests pass with status 0 (got $RC)" [ "$RC" -eq 0 ]
OUT=$(cd "$D" && env BIN=bin WIJKSIM=/bin/false TESTS="test_o*,empty" timeout 60 bash tests/run_tests.sh 2>&1)
RC=$?
has "runner: TESTS= selects tests, globs and commas allowed" "3 passed, 1 failed, 2 skipped"
runner nosuch ok
has "runner: a name that matches no test fails" "2 passed, 1 failed, 1 skipped"
check "runner: ... with status 1 (got $RC)" [ "$RC" -eq 1 ]
OUT=$(cd "$D" && TEST_TIMEOUT=10m bash tests/run_tests.sh ok 2>&1)
RC=$?
check "runner: a TEST_TIMEOUT that is not whole seconds is refused (status $RC)" [ "$RC" -eq 2 ]

# A runner stopped with TERM (or Ctrl-C) stops its test rather than leaving it running.
rm -f "$D/slow.pid"
(cd "$D" && exec env BIN=bin WIJKSIM=/bin/false TEST_TIMEOUT=100 bash tests/run_tests.sh slow >/dev/null 2>&1) &
rpid=$!
for _ in $(seq 50); do [ -s "$D/slow.pid" ] && break; sleep 0.1; done
kill -TERM "$rpid"
wait "$rpid"
RC=$?
check "runner: stopped by TERM, it exits 130 (got $RC)" [ "$RC" -eq 130 ]
check "runner: stopped by TERM, its test's children are gone" gone

finish
