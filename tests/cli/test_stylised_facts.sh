#!/usr/bin/env bash
# The stylised facts of MODEL_BRIEF s8 as claims about mechanisms, each on a pair of scenarios
# that differ in one lever. tests/cli/stylised.py lists the claims; this script builds the
# scenarios and runs them.
#
# Design.
# - One lever per pair, moved by a policy step at output week 0, after a burn-in that all
#   scenarios share: the reference scenario (the baseline scaled down) has a step at week 0
#   too, restating its own values of every lever, and each lever scenario includes it and
#   replaces that step with one that moves its lever. The files are written at test time into
#   the scratch folder (the world's size sets the staff).
# - One `wijksim compare` per world: the levers branch from a copy of the reference's state at
#   week 0, and replicate r of every scenario uses the same random streams, so the difference
#   of replicate r is paired (common random numbers). The exception is fact 6: family and
#   friend ties are built with the world and cannot change during a run, so thin networks get
#   a burn-in of their own, with the same seeds (still paired, less tightly).
# - Claims are about the mechanism the fact names, not the lever's own arithmetic: a higher
#   barrier lowers help requests, intakes and team cases opened (not "the barrier is higher");
#   a staff cut lowers the share of prevention and outreach in the hours worked. "Later",
#   "slowly" and "shifts" are differences of differences: the paired effect in years 4-5 minus
#   that in year 1, per replicate.
# - Each claim: direction, |mean paired difference| > k = 3 SE, at least 5 replicates, and a
#   minimum relative effect where a significant but trivial effect would mean nothing.
# - Every claim on three runs: two seeds at 20,000 residents and one at 40,000 (two seeds, two
#   sizes), each in 4 neighbourhoods with 2 teams (each team serves two neighbourhoods, so the
#   distance barrier acts) and the baseline's staff per resident; 2 years of burn-in, 5 of
#   output, 6 replicates. About 130 s of CPU: about 75 s on two idle cores, where the
#   40,000-resident run is the critical path and the two smaller ones share the other core.
# - A claim the model does not show FAILs with its numbers: nothing is silenced, and nothing in
#   the model or the claims is tuned to make a fact come out.
#
# STYLISED_RUNS ("POPULATION:SEED ..."), STYLISED_REPLICATES (5 at least) and STYLISED_JOBS
# (runs at a time, default 2) override the defaults; STYLISED_FACTS=1,3 checks some facts only;
# STYLISED_REPORT=FILE appends the EFFECT lines there (for the report table).
# WIJKSIM_QUICK=1 (make asan): the scenarios of one tiny world (6,000 residents, half a year
# of burn-in, one year of output, 2 replicates) run through `compare` under the sanitizers
# (checked: they run and branch as designed), and the claims are skipped, said in a SKIP
# line: runs that small cannot show the facts, and a claim is never turned into information.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary "stylised facts"
require_python "stylised facts" h5py numpy

BASELINE=$REPO_DIR/scenarios/baseline.cfg
D=$(scratch stylised)
trap 'rm -rf "$D"' EXIT
R=${STYLISED_REPLICATES:-6}
RUNS=${STYLISED_RUNS:-"40000:20240601 20000:20240601 20000:20240602"}
JOBS=${STYLISED_JOBS:-2}
BURN_IN=104
WEEKS=260
QUICK=${WIJKSIM_QUICK:-0}
if [ "$QUICK" = 1 ]; then
    RUNS="6000:20240601"
    R=2
    BURN_IN=26
    WEEKS=52
fi

# value FILE NAME: the value a scenario resolves a parameter to, as `wijksim params` prints
# it ("0.2", or "[2.0, 0.5, ...]" for a vector); the listing is cached in the scratch folder,
# never next to the file, so the repository's scenarios stay untouched.
value() {
    local cache=$D/params.$(printf '%s' "$1" | cksum | cut -d' ' -f1)
    [ -s "$cache" ] || "$WIJKSIM" params "$1" > "$cache" 2>&1
    awk -v n="$2" '$1 == n { sub(/^[^ ]+ +/, ""); sub(/  +\[[^]]*\].*$/, ""); print }' "$cache"
}

# scaled FILE NAME K: that value (a real number or a vector of them) times K, in the same
# form; every number keeps a decimal point, which libconfig needs to read it as a real.
scaled() {
    value "$1" "$2" | awk -v k="$3" '{
        vec = /^\[/; gsub(/[][ ]/, ""); n = split($0, x, ","); s = ""
        for (i = 1; i <= n; i++) {
            y = sprintf("%.10g", x[i] * k); if (y !~ /[.e]/) y = y ".0"
            s = s (i > 1 ? ", " : "") y
        }
        print (vec ? "[" s "]" : s) }'
}

# world DIR POPULATION: the reference and lever scenarios of one world in DIR.
world() {
    local dir=$1 pop=$2 fte
    mkdir -p "$dir"
    # Staff per resident as in the baseline: team.fte x (residents per team here) / (there).
    fte=$(awk -v f="$(value "$BASELINE" team.fte)" -v p="$(value "$BASELINE" world.population)" \
        -v n="$(value "$BASELINE" world.neighbourhoods)" -v q="$pop" \
        'BEGIN { printf "%.10g", f * (q / 2) / (p / n) }')
    printf '@include "%s"\nsim = { weeks = %d; burn_in_weeks = %d; };\nworld = { population = %d; neighbourhoods = 4; teams = 2; };\nteam = { fte = %s; };\n' \
        "$BASELINE" "$WEEKS" "$BURN_IN" "$pop" "$fte" > "$dir/world.cfg"
    local w=$dir/world.cfg
    # The reference: its own value of every lever, restated in a step at week 0.
    cat > "$dir/ref.cfg" <<EOF
@include "world.cfg"
title = "reference";
policy = ( { week = 0;
  access = { barrier = $(value "$w" access.barrier); distance_barrier = $(value "$w" access.distance_barrier);
             team_threshold = $(value "$w" access.team_threshold); refer_threshold = $(value "$w" access.refer_threshold); };
  team = { fte = $(value "$w" team.fte); mix = $(value "$w" team.mix); case_director = $(value "$w" team.case_director);
           prevention_protected = $(value "$w" team.prevention_protected); outreach_share = $(value "$w" team.outreach_share); };
  specialist = { places = $(value "$w" specialist.places); };
  prevention = { budget = $(value "$w" prevention.budget); }; } );
EOF
    # lever NAME SETTINGS: a scenario that moves one lever at week 0.
    lever() { printf '@include "ref.cfg"\ntitle = "%s";\npolicy = ( { week = 0; %s } );\n' "$1" "$2" > "$dir/$1.cfg"; }
    # 1. A higher barrier in the channel (0.4 as in almere_digital.cfg) and from a distance.
    lever barrier "access = { barrier = 0.4; };"
    lever distance "access = { distance_barrier = $(scaled "$w" access.distance_barrier 3); };"
    # 2. Half the staff, and half as much again; prevention and outreach unprotected (the
    #    reference's setting).
    lever staffcut "team = { fte = $(scaled "$w" team.fte 0.5); };"
    lever staffplus "team = { fte = $(scaled "$w" team.fte 1.5); };"
    # 3. The team threshold one level up, nothing else; and, separately, the referral
    #    threshold one level up for the services the law does not make an entitlement
    #    (specialist.entitlement 0: debt counselling, mental health care, day activities,
    #    shelter), nothing else.
    lever threshold "access = { team_threshold = $(( $(value "$w" access.team_threshold) + 1 )); };"
    lever refer "access = { refer_threshold = $(value "$w" access.refer_threshold | awk -v e="$(value "$w" specialist.entitlement)" '{
        gsub(/[][ ]/, ""); n = split($0, x, ","); gsub(/[][ ]/, "", e); split(e, ent, ",")
        s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") (ent[i] == "true" ? x[i] : (x[i] < 5 ? x[i] + 1 : 5))
        print "[" s "]" }'); };"
    # 4. Half the specialist places in every domain.
    lever places "specialist = { places = $(scaled "$w" specialist.places 0.5); };"
    # 5. Protected hours for collective prevention (out0) or for outreach (out1): the same
    #    casework capacity in both, the pair differs in who is reached.
    lever out0 "team = { prevention_protected = true; outreach_share = 0.0; };"
    lever out1 "team = { prevention_protected = true; outreach_share = 1.0; };"
    # 6. Half the family and friend ties: built with the world, so outside the policy.
    printf '@include "ref.cfg"\ntitle = "thin";\ninformal = { family_ties = %s; friend_ties = %s; };\n' \
        "$(scaled "$w" informal.family_ties 0.5)" "$(scaled "$w" informal.friend_ties 0.5)" > "$dir/thin.cfg"
    # 7. All generalists, all specialists, all specialists with a case director.
    lever generalists "team = { mix = [1.0, 0.0, 0.0]; };"
    lever specialists "team = { mix = [0.0, 1.0, 0.0]; };"
    lever director "team = { mix = [0.0, 1.0, 0.0]; case_director = true; };"
    # 8. Three times the collective prevention budget.
    lever prevbudget "prevention = { budget = $(scaled "$w" prevention.budget 3); };"
}
SCENARIOS=(ref barrier distance staffcut staffplus threshold refer places out0 out1 thin generalists specialists director prevbudget)

LABELS=()
for run in $RUNS; do
    pop=${run%%:*} seed=${run#*:} label="${run%%:*} residents, seed ${run#*:}"
    dir=$D/$pop-$seed
    world "$dir" "$pop"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    LABELS+=("$label")
    (cd "$dir" && "$WIJKSIM" compare "${SCENARIOS[@]/%/.cfg}" -r "$R" --seed "$seed" -t 1 \
        --horizon 1 -q -o facts.h5 >compare.log 2>&1; echo $? > compare.rc) &
done
wait

FILES=()
for run in $RUNS; do
    pop=${run%%:*} seed=${run#*:} label="${run%%:*} residents, seed ${run#*:}"
    dir=$D/$pop-$seed
    rc=$(cat "$dir/compare.rc" 2>/dev/null || echo none)
    if [ "$rc" != 0 ]; then
        fail "stylised facts [$label]: compare of the scenarios" "exit status $rc: $(head -3 "$dir/compare.log" | tr '\n' ' ')"
        continue
    fi
    pass "stylised facts [$label]: compare of the scenarios"
    FILES+=("$label=$dir/facts.h5")
done

# Every lever branches from the reference at week 0; thin networks have their own burn-in.
[ ${#FILES[@]} -gt 0 ] || finish
out=$("$PY" "$CLI_DIR/stylised.py" --branches "${FILES[@]}" 2>&1)
rc=$?
printf '%s\n' "$out"
N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
[ "$rc" -eq 0 ] || fail "stylised facts: branch check" "stylised.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
if [ "$QUICK" = 1 ]; then
    echo "SKIP stylised facts: the claims are not checked under WIJKSIM_QUICK=1 (runs this small cannot show them); make test checks them"
    finish
fi
LONG_CLAIMS=()
[ "${STYLISED_LONG:-0}" = 1 ] && LONG_CLAIMS=(--long)
out=$("$PY" "$CLI_DIR/stylised.py" --k 3 --min-replicates 5 --facts "${STYLISED_FACTS:-}" "${LONG_CLAIMS[@]}" "${FILES[@]}" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^EFFECT '
N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
[ -n "${STYLISED_REPORT:-}" ] && printf '%s\n' "$out" | grep '^EFFECT ' >> "$STYLISED_REPORT"
[ "$rc" -eq 0 ] || fail "stylised facts: checker" "stylised.py exit status $rc: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
finish
