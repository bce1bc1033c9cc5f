#!/usr/bin/env bash
# The stylised facts of MODEL_BRIEF section 8, each as a pair of scenarios that differ in
# one lever (parameters only: nothing in the model is written to produce a fact). Both runs
# of a pair use the same seed, so replicate r of one and replicate r of the other are paired;
# tests/cli/stylised.py checks that the per-replicate difference of each summary has the
# claimed sign and exceeds k = 3 standard errors of that difference, with at least 4
# replicates (a minimum-sample guard). See stylised.py for the measures and windows.
#
# Runs are small (30,000 residents, 2 neighbourhoods, 2 teams, 2 years of burn-in and 5
# years of output) so the whole file takes well under a minute on two cores.
# STYLISED_REPLICATES overrides the replicates (4 at least), STYLISED_SEED the seed;
# STYLISED_REPORT=FILE appends the EFFECT and INFO lines there (for docs).
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary "stylised facts"

require_python "stylised facts" h5py numpy

BASELINE=$REPO_DIR/scenarios/baseline.cfg
D=$(scratch stylised)
R=${STYLISED_REPLICATES:-5}
SEED=${STYLISED_SEED:-20240601}
# The reference: the baseline scaled down. Outreach and prevention take what casework leaves
# (the default) unless a pair says otherwise.
SMALL=(--set world.population=30000 --set world.neighbourhoods=2 --set world.teams=0
    --set sim.weeks=260 --set sim.burn_in_weeks=104 --set team.prevention_protected=0)
# WIJKSIM_QUICK=1 (make asan): tiny runs that exercise every scenario and the checker, with
# the claims reported but not asserted (too small to show anything).
ASSERT=()
if [ "${WIJKSIM_QUICK:-0}" = 1 ]; then
    SMALL=(--set world.population=6000 --set world.neighbourhoods=2 --set world.teams=0
        --set sim.weeks=52 --set sim.burn_in_weeks=26 --set team.prevention_protected=0)
    R=4
    ASSERT=(--no-assert)
fi

# Runs go JOBS at a time (STYLISED_JOBS, default 2), one thread each: replicates of a small
# world gain nothing from threads, and OpenMP's spinning barriers slow a loaded machine down.
JOBS=${STYLISED_JOBS:-2}
LABELS=()

# sim LABEL ARGS...: starts the small baseline with ARGS into $D/LABEL.h5 in the background.
sim() {
    local label=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    LABELS+=("$label")
    ("$WIJKSIM" run "$BASELINE" "${SMALL[@]}" --seed "$SEED" -r "$R" -t 1 -q -o "$D/$label.h5" "$@" \
        >"$D/$label.log" 2>&1; echo $? >"$D/$label.rc") &
}

# finished: waits for every run and reports each one's exit status.
finished() {
    wait
    local label rc
    for label in "${LABELS[@]}"; do
        rc=$(cat "$D/$label.rc" 2>/dev/null || echo none)
        if [ "$rc" = 0 ]; then
            pass "stylised facts: run $label"
        else
            fail "stylised facts: run $label" "exit status $rc: $(head -3 "$D/$label.log" | tr '\n' ' ')"
            rm -f "$D/$label.h5"
        fi
    done
}

# fact ID A B: compares runs A (reference) and B (lever moved) on the claims of fact ID.
fact() {
    local id=$1 a=$D/$2.h5 b=$D/$3.h5 out rc
    if [ ! -s "$a" ] || [ ! -s "$b" ]; then
        fail "stylised fact $id" "run $2 or $3 missing (see above)"
        return
    fi
    out=$("$PY" "$CLI_DIR/stylised.py" "$id" "$a" "$b" --k 3 --min-replicates 4 "${ASSERT[@]}" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
    [ -n "${STYLISED_REPORT:-}" ] && printf '%s\n' "$out" | grep -E '^(EFFECT|INFO) ' >> "$STYLISED_REPORT"
    [ "$rc" -eq 0 ] || fail "stylised fact $id: checker" "stylised.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
}

# scaled PARAM FACTOR: the reference scenario's value of a parameter (as written to the
# file of a one-week run of it) times FACTOR, as a --set value (comma list for a vector).
scaled() {
    h5_data "$D/defaults.h5" "/parameters/$1" | awk -v k="$2" '{ printf "%s%.10g", (NR > 1 ? "," : ""), $1 * k }'
}

# filled PARAM VALUE: VALUE for every element of a parameter (a comma list for a vector).
filled() {
    h5_data "$D/defaults.h5" "/parameters/$1" | awk -v v="$2" '{ printf "%s%s", (NR > 1 ? "," : ""), v }'
}

wj run "$BASELINE" "${SMALL[@]}" --set sim.weeks=1 --set sim.burn_in_weeks=0 -q -o "$D/defaults.h5"
expect_rc "stylised facts: the reference scenario's parameters" 0
[ "$RC" -eq 0 ] || finish

sim base
# 1. Low-threshold, nearby teams raise recorded demand: one far team behind a high channel
#    barrier against a team in every neighbourhood with a low one. The one team gets the
#    staff of two, so the pair differs in threshold and distance, not in capacity.
sim far --set access.barrier=0.4 --set access.distance_barrier=0.3 --set world.teams=1 \
    --set "team.fte=$(scaled team.fte 2)"
sim near --set access.barrier=0.05 --set access.distance_barrier=0 --set world.teams=0
# 2. Heavy caseloads crowd out prevention and outreach: half the staff, prevention unprotected.
sim halfstaff --set "team.fte=$(scaled team.fte 0.5)"
# 3. Stricter access: only severe needs become team cases, only crises are referred (in
#    every domain).
sim strict --set "access.team_threshold=$(filled access.team_threshold 3)" \
    --set "access.refer_threshold=$(filled access.refer_threshold 4)"
# 4. Specialist waiting lists: half the specialist places in every domain.
sim halfplaces --set "specialist.places=$(scaled specialist.places 0.5)"
# 5. Reaching people earlier: a quarter of client hours protected for outreach, against none,
#    with staff added for those hours so that intake and casework keep the same capacity
#    (otherwise the pair would compare less capacity, not earlier reach).
sim noprev --set team.prevention_protected=1 --set team.prevention_share=0
sim prev --set team.prevention_protected=1 --set team.prevention_share=0.25 \
    --set team.outreach_share=1 --set "team.fte=$(scaled team.fte 1.3333333333)"
# 6. Thin networks: half the family and friend ties.
sim thin --set "informal.family_ties=$(scaled informal.family_ties 0.5)" \
    --set "informal.friend_ties=$(scaled informal.friend_ties 0.5)"
# 7. Coordination: all generalists, all specialists, all specialists with a case director.
sim generalists --set team.mix=1,0,0
sim specialists --set team.mix=0,1,0
sim director --set team.mix=0,1,0 --set team.case_director=1
# 8. Prevention pays back slowly: three times the collective prevention budget from the first
#    week, starting from the level the old budget sustained (prevention.past_budget), against
#    the old budget. Without a burn-in, so the first output year is the policy's first year;
#    both runs share the start-up of needs (common random numbers), so the difference is policy.
sim prevold --set sim.burn_in_weeks=0
sim prevbudget --set sim.burn_in_weeks=0 --set "prevention.budget=$(scaled prevention.budget 3)" \
    --set "prevention.past_budget=$(scaled prevention.budget 1)"
finished

fact 1 far near
fact 2 base halfstaff
fact 3 base strict
fact 4 base halfplaces
fact 5 noprev prev
fact 6 base thin
fact 7a generalists specialists
fact 7b specialists director
fact 8 prevold prevbudget

finish
