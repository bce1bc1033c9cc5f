#!/usr/bin/env bash
# The analysis package's pytest suite (tests/analysis): the calibration report's arithmetic on
# synthetic HDF5 files, the statistics (intervals, Sobol indices, partial rank correlations,
# break-even) on synthetic data with known answers, and the loaders on real wijksim output
# (which needs bin/wijksim). Each pytest result becomes one of the runner's "PASS name" /
# "FAIL name: why" lines, named after the test file and test; a skipped test a "SKIP" line.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import h5py, numpy, pytest' 2>/dev/null; then
    fail "analysis: python" \
        "$PY cannot import h5py, numpy and pytest (apt-get install python3-h5py python3-numpy python3-pytest)"
    finish
fi

# -rA lists every test as "PASSED path::name" or "FAILED path::name - why" (cut to the
# terminal width, hence COLUMNS); no cache or bytecode is left in the repository.
out=$(cd "$REPO_DIR" && COLUMNS=250 PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest -q -rA -p no:cacheprovider \
    tests/analysis 2>&1)
rc=$?
printf '%s\n' "$out" | awk '
    /^PASSED / { sub(/^PASSED tests\/analysis\//, ""); sub(/\.py::/, ": "); print "PASS analysis " $0 }
    /^SKIPPED / { sub(/^SKIPPED (\[[0-9]+\] )?tests\/analysis\//, ""); sub(/\.py:/, ": line "); print "SKIP analysis " $0 }
    /^(FAILED|ERROR) / {
        kind = $1; sub(/^(FAILED|ERROR) tests\/analysis\//, ""); sub(/\.py::/, ": ")
        name = $0; why = kind
        if (match($0, / - /)) { name = substr($0, 1, RSTART - 1); why = substr($0, RSTART + 3) }
        print "FAIL analysis " name ": " why
    }'
nf=$(printf '%s\n' "$out" | grep -cE '^(FAILED|ERROR) ')
np=$(printf '%s\n' "$out" | grep -c '^PASSED ')
N_FAILED=$((N_FAILED + nf))
# A collection error or a crash of pytest itself shows no per-test line: say so.
if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
    fail "analysis: pytest" "exit status $rc: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
elif [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then
    fail "analysis: pytest" "no test ran: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
fi

finish
