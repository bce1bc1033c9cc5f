#!/usr/bin/env bash
# The calibration report's arithmetic (analysis/calibration.py) on synthetic HDF5 files:
# runs the pytest suite in tests/analysis and turns each pytest result into the runner's
# "PASS name" / "FAIL name: why" line. Needs no wijksim binary.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import h5py, numpy, pytest' 2>/dev/null; then
    fail "calibration script: python" \
        "$PY cannot import h5py, numpy and pytest (apt-get install python3-h5py python3-numpy python3-pytest)"
    finish
fi

# -rA lists every test as "PASSED path::name" or "FAILED path::name - why" (cut to the
# terminal width, hence COLUMNS); no cache or bytecode is left in the repository.
out=$(cd "$REPO_DIR" && COLUMNS=250 PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest -q -rA -p no:cacheprovider \
    tests/analysis 2>&1)
rc=$?
printf '%s\n' "$out" | awk '
    /^PASSED / { sub(/^PASSED [^:]*::/, ""); print "PASS calibration script: " $0 }
    /^(FAILED|ERROR) / {
        kind = $1; sub(/^(FAILED|ERROR) /, ""); sub(/^[^ :]*::/, "")
        name = $0; why = kind
        if (match($0, / - /)) { name = substr($0, 1, RSTART - 1); why = substr($0, RSTART + 3) }
        print "FAIL calibration script: " name ": " why
    }'
nf=$(printf '%s\n' "$out" | grep -cE '^(FAILED|ERROR) ')
np=$(printf '%s\n' "$out" | grep -c '^PASSED ')
N_FAILED=$((N_FAILED + nf))
# A collection error or a crash of pytest itself shows no per-test line: say so.
if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
    fail "calibration script: pytest" "exit status $rc: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
elif [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then
    fail "calibration script: pytest" "no test ran: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
fi

finish
