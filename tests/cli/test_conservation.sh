#!/usr/bin/env bash
# Accounting identities of the output (tests/cli/conservation.py): municipality = sum of
# neighbourhoods for every flow, stock and cost series; every ratio = its numerator over its
# denominator; cost_total = the sum of the cost series; stock-flow balances of the team's
# waiting list, team cases, specialist waiting lists and clients, volunteers and volunteer
# clients; residents by severity; team hours spent within hours available; bounds such as
# informal hours given <= needed. Each scenario below pushes a different part of the model
# off its quiet path so that the identities over it do not hold vacuously (--nonzero).
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary conservation

require_python "conservation" h5py numpy

BASELINE=$REPO_DIR/scenarios/baseline.cfg
D=$(scratch conservation)

# conserve LABEL NONZERO ARGS...: runs 2 replicates with the extra ARGS and checks the
# identities; NONZERO is a comma list of series that must not be zero all run long.
conserve() {
    local label=$1 nonzero=$2
    shift 2
    wj run "$BASELINE" "${SHORT[@]}" -r 2 -q -o "$D/$label.h5" "$@"
    expect_rc "conservation $label: run exit status 0" 0
    [ "$RC" -eq 0 ] || return
    local out rc nf
    out=$("$PY" "$CLI_DIR/conservation.py" "$D/$label.h5" --replicates 2 --nonzero "$nonzero" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed "s/^\(PASS\|FAIL\) conservation:/\1 conservation $label:/"
    nf=$(printf '%s\n' "$out" | grep -c '^FAIL ')
    N_FAILED=$((N_FAILED + nf))
    if [ "$rc" -ne 0 ]; then
        fail "conservation $label: checker" "conservation.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
    fi
}

# The baseline, shortened: informal care, specialist care, aftercare, relapses, spill-over
# and staff turnover all run. A year of burn-in: relapses need a case that opened, resolved and
# closed before the output weeks begin (with SHORT's 10 weeks a run of 2 replicates expects
# only a few, and may have none).
conserve short informal_hours,specialist_admissions,specialist_discharges,requests_aftercare,relapses,spillovers,staff_leavers,staff_hires,desk_applications,referrals_desk,referrals_around,specialist_clients_heavy,clients_1_domain,informal_hours_q1,informal_hours_q4 --set sim.burn_in_weeks=52
# A stretched team: a waiting list and a casework shortfall.
conserve stretched waiting_list,hours_casework_needed \
    --set team.fte=1 --set team.intake_hours=10,10,10,10 --set team.case_hours=8,8,8,8
# An intake longer than a week's client hours is only possible on carried hours.
conserve carry waiting_list --set team.fte=1 --set team.intake_hours=30,30,30,30 --set team.case_hours=4,4,4,4
# Scarce specialist places: full services, waiting lists and waiting exits, held cases; fast
# escalation and every crisis admitted, so emergency admissions jump the waiting lists.
conserve scarce specialist_waiting,specialist_waiting_exits,held_cases,crises,emergency_admissions \
    --set specialist.places=0.2,0.5,5,1,0.3,0.1 --set specialist.expand_weeks=0,0,0,0,0,0 \
    --set needs.escalation_rate=2,2,2 --set crisis.admit_share=1,1,1,1,1,1
# The other branches of access and casework: no mandate (municipal decisions), demand-led
# assessment, network first, a case director, protected outreach and prevention, respite;
# teams serving two neighbourhoods each, large enough for volunteer matches.
conserve levers decisions,hours_admin,assessments,hours_assessment,cost_assessment,network_referrals,hours_coordination,hours_outreach,hours_prevention,requests_outreach,respite_hours,volunteer_matches,requests_aftercare \
    --set world.neighbourhoods=4 --set world.teams=2 \
    --set access.mandate=0 --set access.demand_led=1 --set access.assessment_capacity=20 --set access.network_first=1 \
    --set team.case_director=1 --set team.prevention_protected=1 --set team.prevention_share=0.25 \
    --set informal.respite=0.5

# The stretched run must really have a waiting list and a casework shortfall.
wl=$(h5_data "$D/stretched.h5" /municipality/waiting_list | sort -g | tail -1)
check "conservation stretched: a waiting list forms (max $wl)" awk -v x="${wl:-0}" 'BEGIN { exit !(x > 0) }'
cov=$(h5_data "$D/stretched.h5" /municipality/casework_coverage | grep -vi nan | sort -g | head -1)
check "conservation stretched: casework hours fall short (min coverage $cov)" \
    awk -v x="${cov:-1}" 'BEGIN { exit !(x < 1) }'

finish
