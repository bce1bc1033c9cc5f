#!/usr/bin/env bash
# Accounting identities of the output (tests/cli/conservation.py): municipality = sum of
# neighbourhoods, stock-flow balances of the waiting list, team cases and needs, residents by
# severity, costs and team hours. Run on a short run and on a stretched team (long intakes,
# heavy cases) so that the waiting list and the casework shortfall are not empty.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary conservation

PY=/usr/bin/python3
if ! "$PY" -c 'import h5py, numpy' 2>/dev/null; then
    fail "conservation: python" "$PY cannot import h5py and numpy (apt-get install python3-h5py python3-numpy)"
    finish
fi

BASELINE=$REPO_DIR/scenarios/baseline.cfg
D=$(scratch conservation)

# conserve LABEL ARGS...: runs 2 replicates with the extra ARGS and checks the identities.
conserve() {
    local label=$1
    shift
    wj run "$BASELINE" "${SHORT[@]}" -r 2 -q -o "$D/$label.h5" "$@"
    expect_rc "conservation $label: run exit status 0" 0
    [ "$RC" -eq 0 ] || return
    local out rc nf
    out=$("$PY" "$CLI_DIR/conservation.py" "$D/$label.h5" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed "s/^\(PASS\|FAIL\) conservation:/\1 conservation $label:/"
    nf=$(printf '%s\n' "$out" | grep -c '^FAIL ')
    N_FAILED=$((N_FAILED + nf))
    if [ "$rc" -ne 0 ]; then
        fail "conservation $label: checker" "conservation.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
    fi
}

conserve short
conserve stretched --set team.fte=1 --set team.intake_hours=10 --set team.case_hours=8
# An intake longer than a week's client hours is only possible on carried hours.
conserve carry --set team.fte=1 --set team.intake_hours=30 --set team.case_hours=4

# The stretched run must really have a waiting list and a casework shortfall.
wl=$(h5_data "$D/stretched.h5" /municipality/waiting_list | sort -g | tail -1)
check "conservation stretched: a waiting list forms (max $wl)" awk -v x="${wl:-0}" 'BEGIN { exit !(x > 0) }'
cov=$(h5_data "$D/stretched.h5" /municipality/casework_coverage | grep -vi nan | sort -g | head -1)
check "conservation stretched: casework hours fall short (min coverage $cov)" \
    awk -v x="${cov:-1}" 'BEGIN { exit !(x < 1) }'

finish
