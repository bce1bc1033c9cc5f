#!/usr/bin/env bash
# The directional stylised facts of MODEL_BRIEF s8 as `wijksim compare` shows them for the
# presets that embody them: more_prevention against the baseline (fact 8: prevention costs
# come first, fewer new needs later), strict_access against the baseline (fact 3: lower
# short-term spending and fewer referrals, more unmet need, overloaded carers, escalations and
# crises later) and specialist_team against generalist_team (fact 7: more coordination hours).
# One compare of the five presets: every policy variant shares the baseline's burn-in and
# branches at output week 0, and replicate r of every scenario uses the same seeds, so the
# differences are paired. tests/cli/compare_facts.py asserts each claim's direction and
# |mean paired difference| > 3 standard errors, from the outcomes dataset, with at least 5
# replicates; the claims and their horizons are listed there.
#
# The presets' city scaled down to 35,000 residents in 4 neighbourhoods (teams keep their
# 10 FTE, so staffing per resident is the baseline's), two years of burn-in and five of
# output, 8 replicates, horizons 1 and 5: about 22 s on two cores.
# COMPARE_FACTS_REPLICATES (5 at least) and COMPARE_FACTS_SEED override the replicates and
# the seed; WIJKSIM_QUICK=1 (make asan) runs a tiny version and reports without asserting.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary "compare facts"
require_python "compare facts" h5py numpy

S=$REPO_DIR/scenarios
D=$(scratch compare-facts)
trap 'rm -rf "$D"' EXIT
R=${COMPARE_FACTS_REPLICATES:-8}
SEED=${COMPARE_FACTS_SEED:-20240601}
SIZE=(--set world.population=35000 --set world.neighbourhoods=4 --set sim.burn_in_weeks=104
    --set sim.weeks=260 --horizon 1,5)
ASSERT=()
if [ "${WIJKSIM_QUICK:-0}" = 1 ]; then
    SIZE=(--set world.population=6000 --set world.neighbourhoods=2 --set sim.burn_in_weeks=26
        --set sim.weeks=104 --horizon 1,2)
    R=5
    ASSERT=(--no-assert)
fi

wj compare "$S/baseline.cfg" "$S/more_prevention.cfg" "$S/strict_access.cfg" \
    "$S/generalist_team.cfg" "$S/specialist_team.cfg" -o "$D/facts.h5" -r "$R" --seed "$SEED" \
    -t 2 "${SIZE[@]}" -q
expect_rc "compare facts: compare of the five presets" 0
[ "$RC" -eq 0 ] || finish
for g in 01_more_prevention 02_strict_access 03_generalist_team 04_specialist_team; do
    check "compare facts: $g branches from the baseline at output week 0" \
        [ "$(h5_attr "$D/facts.h5" "/scenarios/$g/shares_history_with")" = 0 -a \
          "$(h5_attr "$D/facts.h5" "/scenarios/$g/branch_week")" = 0 ]
done

out=$("$PY" "$CLI_DIR/compare_facts.py" "$D/facts.h5" --k 3 --min-replicates 5 "${ASSERT[@]}" 2>&1)
rc=$?
printf '%s\n' "$out"
N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
[ "$rc" -eq 0 ] || fail "compare facts: checker" "compare_facts.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"

finish
