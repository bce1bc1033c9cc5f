#!/usr/bin/env bash
# Policies in scenario files (sim/config.h): a step takes effect at the start of the output
# week it names and not before (everything earlier is bit for bit the run without it), `year`
# Y is week 52 (Y - 1), an onset-rate step redraws the onset calendar and a team.mix step
# re-profiles staff without touching the past, errors stop before any output, the run file
# stores the policy (`policy` attribute, /policy dataset) and a resolved `config` that loads
# and runs again to the same series, and a file that defines `policy` replaces its bases'.
# tests/cli/policy_check.py does the HDF5 checks.
#
# Small worlds (6,000 residents in 2 neighbourhoods, so 2 teams of 10 FTE: 20 team posts),
# half a year of burn-in and two years of output, 2 replicates: each run takes a fraction of
# a second.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary policy
require_python policy h5py numpy

D=$(scratch policy)
trap 'rm -rf "$D"' EXIT
RUN_DIR=$D
CHECK=("$PY" "$CLI_DIR/policy_check.py")
check_py() {
    local out
    out=$("${CHECK[@]}" "$@" 2>&1)
    printf '%s\n' "$out"
    N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
    printf '%s\n' "$out" | grep -qE '^(PASS|FAIL) ' || fail "policy check $1" "no result: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
}

SETS=(--set sim.burn_in_weeks=26 --set sim.weeks=104)
RUNARGS=("${SETS[@]}" -r 2 --seed 23 -t 1 -q)
W=40
cat >"$D/small.cfg" <<EOF
@include "$REPO_DIR/scenarios/baseline.cfg"
world = { population = 6000; neighbourhoods = 2; };
EOF
# scenario NAME POLICY: NAME.cfg is the small world with that policy block.
scenario() {
    printf '@include "small.cfg"\n%s\n' "$2" >"$D/$1.cfg"
}
# run NAME [ARGS...]: runs NAME.cfg into NAME.h5; one check for the exit status.
run() {
    local name=$1
    shift
    wj run "$name.cfg" -o "$name.h5" "${RUNARGS[@]}" "$@"
    expect_rc "policy run $name: exit status 0" 0
}

run small
# ---- (a) a team.fte step takes effect in its week and not before -------------------------
scenario cut "policy = ( { week = $W; team = { fte = 8.0; }; } );"
run cut
check_py step "$D/cut.h5" team_posts 20 "$W:16"
check_py prefix "$D/small.h5" "$D/cut.h5" $W --differ-after
# Edges: from the first output week, and in the last one only.
scenario cut0 "policy = ( { week = 0; team = { fte = 8.0; }; } );"
run cut0
check_py step "$D/cut0.h5" team_posts 16
scenario cutlast "policy = ( { week = 103; team = { fte = 8.0; }; } );"
run cutlast
check_py step "$D/cutlast.h5" team_posts 20 103:16
check_py prefix "$D/small.h5" "$D/cutlast.h5" 103
# Two steps, the second by year; --set changes the start value, the policy still applies.
scenario twosteps "policy = ( { week = $W; team = { fte = 9.0; }; }, { year = 2; team = { fte = 8.0; }; } );"
run twosteps
check_py step "$D/twosteps.h5" team_posts 20 "$W:18" 52:16
wj run cut.cfg -o cutset.h5 "${RUNARGS[@]}" --set team.fte=9
expect_rc "policy run cut --set team.fte=9: exit status 0" 0
check_py step "$D/cutset.h5" team_posts 18 "$W:16"

# ---- (b) year = 2 is week = 52 -------------------------------------------------------------
scenario year2 "policy = ( { year = 2; team = { fte = 8.0; }; } );"
scenario week52 "policy = ( { week = 52; team = { fte = 8.0; }; } );"
run year2
run week52
check_py same "$D/year2.h5" "$D/week52.h5"
check_py step "$D/year2.h5" team_posts 20 52:16

# ---- (c) an onset-rate step: the past untouched, more new needs after ---------------------
onset=$(h5_data "$D/small.h5" /parameters/needs.onset_18_64 | awk '{ printf "%s%.10g", (NR > 1 ? ", " : ""), 3 * $1 }')
scenario onset "policy = ( { week = $W; needs = { onset_18_64 = [$onset]; }; } );"
run onset
check_py prefix "$D/small.h5" "$D/onset.h5" $W --differ-after
check_py more "$D/small.h5" "$D/onset.h5" new_needs $W 500

# ---- (d) a team.mix step: runs, the past untouched ----------------------------------------
scenario mix "policy = ( { week = $W; team = { mix = [1.0, 0.0, 0.0]; }; } );"
run mix
check_py prefix "$D/small.h5" "$D/mix.h5" $W --differ-after

# ---- (f) errors: exit 2 with file:line and the parameter, nothing written ------------------
# bad NAME WANT_IN_STDERR... with the scenario in $D/NAME.cfg: run it into an empty folder.
bad() {
    local name=$1 E
    shift
    E=$(mktemp -d "$D/error-$name.XXXXXX")
    wj run "$name.cfg" -o "$E/out.h5" "${RUNARGS[@]}"
    expect_rc "policy error $name: exit status 2" 2
    expect_err "policy error $name: message names the file and what is wrong" "$@"
    expect_empty_dir "policy error $name: nothing written" "$E"
}
printf '@include "small.cfg"\npolicy = ( { week = 10;\n  world = { population = 5000; }; } );\n' >"$D/nonsched.cfg"
bad nonsched "nonsched.cfg:3" "world.population" "schedulable"
scenario beyond "policy = ( { week = 104; team = { fte = 8.0; }; } );"
bad beyond "beyond.cfg:2" "week 104" "0 to 103"
scenario beyondyear "policy = ( { year = 3; team = { fte = 8.0; }; } );"
bad beyondyear "beyondyear.cfg:2" "week 104"
scenario both "policy = ( { week = 10; year = 2; team = { fte = 8.0; }; } );"
bad both "both.cfg:2" "week" "year"
scenario neither "policy = ( { team = { fte = 8.0; }; } );"
bad neither "neither.cfg:2" "week" "year"
scenario empty "policy = ( { week = 10; } );"
bad empty "empty.cfg:2" "at least one parameter"
scenario emptygroup "policy = ( { week = 10; team = { }; } );"
bad emptygroup "emptygroup.cfg:2" "at least one parameter"
scenario unknown "policy = ( { week = 10; team = { fteee = 8.0; }; } );"
bad unknown "unknown.cfg:2" "team.fteee" "team.fte"
scenario notalist "policy = 5;"
bad notalist "notalist.cfg:2" "policy" "list"
scenario negweek "policy = ( { week = -1; team = { fte = 8.0; }; } );"
bad negweek "negweek.cfg:2" "week"
scenario year0 "policy = ( { year = 0; team = { fte = 8.0; }; } );"
bad year0 "year0.cfg:2" "year"
scenario range "policy = ( { week = 10; team = { fte = -1.0; }; } );"
bad range "range.cfg:2" "team.fte" "range"
scenario length "policy = ( { week = 10; access = { refer_threshold = [4, 4]; }; } );"
bad length "length.cfg:2" "access.refer_threshold" "6 values"
wj params nonsched.cfg
expect_rc "policy error: wijksim params FILE fails too (exit status 2)" 2

# ---- (g) what the file stores ------------------------------------------------------------
check_py rows "$D/twosteps.h5" "$W:team.fte:0:9" 52:team.fte:0:8
check_py rows "$D/onset.h5" $(h5_data "$D/small.h5" /parameters/needs.onset_18_64 |
    awk -v w=$W '{ printf "%d:needs.onset_18_64:%d:%.10g ", w, NR - 1, 3 * $1 }')
check_py rows "$D/small.h5"
# root_attr FILE NAME: a root string attribute as stored (h5_attr drops leading blanks).
root_attr() {
    "$PY" -c 'import sys, h5py; v = h5py.File(sys.argv[1], "r").attrs[sys.argv[2]]
sys.stdout.write(v.decode() if isinstance(v, bytes) else str(v))' "$1" "$2"
}
wj params twosteps.cfg --cfg
cfg_policy=$(printf '%s\n' "$OUT" | sed -n '/^policy = ($/,$p')
check "policy: the policy attribute is the policy that wijksim params --cfg prints" \
    [ -n "$cfg_policy" -a "$(root_attr "$D/twosteps.h5" policy)" = "$cfg_policy" ]
check "policy: the policy attribute names both steps by week" \
    contains "$(h5_attr "$D/twosteps.h5" /policy)" "week = $W;" "week = 52;" "fte = 9.0;" "fte = 8.0;"
check "policy: the policy attribute of a run without a policy is empty" [ -z "$(h5_attr "$D/small.h5" /policy)" ]
root_attr "$D/twosteps.h5" config >"$D/reloaded.cfg"
check "policy: the config attribute holds the policy" contains "$(cat "$D/reloaded.cfg")" "$cfg_policy"
wj params reloaded.cfg --cfg
expect_rc "policy: the config attribute loads again (wijksim params FILE --cfg)" 0
printf '%s\n' "$OUT" >"$D/reloaded2.cfg"
check "policy: the config attribute resolves to itself" cmp -s "$D/reloaded.cfg" "$D/reloaded2.cfg"
wj run reloaded.cfg -o reloaded.h5 -r 2 --seed 23 -t 1 -q
expect_rc "policy: the config attribute runs (no --set)" 0
check_py same "$D/twosteps.h5" "$D/reloaded.h5"

# ---- (h) inheritance: a file that defines policy replaces its bases' ----------------------
# budget_cut.cfg cuts team.fte to 9.25 from week 104 and to 8.5 from week 156.
printf '@include "%s"\npolicy = ( { week = 10; access = { barrier = 0.3; }; } );\n' \
    "$REPO_DIR/scenarios/budget_cut.cfg" >"$D/own.cfg"
printf '@include "%s"\ntitle = "child";\n' "$REPO_DIR/scenarios/budget_cut.cfg" >"$D/inherit.cfg"
printf '@include "%s"\npolicy = ( );\n' "$REPO_DIR/scenarios/budget_cut.cfg" >"$D/cleared.cfg"
wj params own.cfg --cfg
p=$(printf '%s\n' "$OUT" | sed -n '/^policy = ($/,$p')
check "policy inheritance: an own policy replaces budget_cut's" \
    eval 'contains "$p" "week = 10;" "barrier = 0.3;" && ! contains "$p" "week = 104" && ! contains "$p" "week = 156"'
wj params inherit.cfg --cfg
p=$(printf '%s\n' "$OUT" | sed -n '/^policy = ($/,$p')
check "policy inheritance: without policy, budget_cut's is kept" \
    contains "$p" "week = 104;" "fte = 9.25;" "week = 156;" "fte = 8.5;"
wj params cleared.cfg --cfg
check "policy inheritance: 'policy = ( );' clears budget_cut's" eval '! contains "$OUT" "policy ="'
INH=(--set world.population=6000 --set world.neighbourhoods=2 --set sim.burn_in_weeks=26
    --set sim.weeks=160 -r 1 --seed 23 -t 1 -q)
wj run own.cfg -o own.h5 "${INH[@]}"
expect_rc "policy inheritance: run own.cfg" 0
check_py rows "$D/own.h5" 10:access.barrier:0:0.3
check_py step "$D/own.h5" team_posts 20
wj run inherit.cfg -o inherit.h5 "${INH[@]}"
expect_rc "policy inheritance: run inherit.cfg" 0
check_py rows "$D/inherit.h5" 104:team.fte:0:9.25 156:team.fte:0:8.5
check_py step "$D/inherit.h5" team_posts 20 104:18.5 156:17
wj run cleared.cfg -o cleared.h5 "${INH[@]}"
expect_rc "policy inheritance: run cleared.cfg" 0
check_py rows "$D/cleared.h5"
RUN_DIR=

finish
