#!/usr/bin/env bash
# `wijksim compare`: burn-in branching (a scenario that differs from the reference only by a
# policy step shares its history up to that week, and its series are bit for bit those of a
# standalone `wijksim run` of it), an own burn-in for a scenario that differs in a parameter
# that cannot change during a run, a scenario compared with itself (differences exactly 0),
# the same bits for any thread count, the table formats and files, the refusals (existing
# output or table, a bad scenario, a horizon beyond the run) and that the table summarises the
# outcomes stored in the file. tests/cli/compare_check.py does the HDF5 and CSV checks.
#
# Small worlds (6,000 residents, 2 neighbourhoods, half a year of burn-in, two years of
# output, 3 replicates): each compare takes well under a second.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary compare
require_python compare h5py numpy

D=$(scratch compare)
trap 'rm -rf "$D"' EXIT
CHECK=("$PY" "$CLI_DIR/compare_check.py")
# check_py ARGS...: runs compare_check.py and counts its FAIL lines.
check_py() {
    local out
    out=$("${CHECK[@]}" "$@" 2>&1)
    printf '%s\n' "$out"
    N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
    printf '%s\n' "$out" | grep -qE '^(PASS|FAIL) ' || fail "compare check $1" "no result: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
}

# The scenarios: a small baseline (the reference), the same with a team cut from output week
# W, the same with a second step later, a policy step that sets the value already in force
# (never differs), and a bigger town (own burn-in). Weeks come from --set, as a user would.
W=40
cat >"$D/small.cfg" <<EOF
@include "$REPO_DIR/scenarios/baseline.cfg"
title = "small";
world = { population = 6000; neighbourhoods = 2; };
EOF
cat >"$D/cut.cfg" <<EOF
@include "small.cfg"
title = "cut";
policy = ( { week = $W; team = { fte = 8.0; }; } );
EOF
cat >"$D/cut2.cfg" <<EOF
@include "small.cfg"
title = "cut, then barrier";
policy = ( { week = $W; team = { fte = 8.0; }; }, { week = 60; access = { barrier = 0.4; }; } );
EOF
cat >"$D/same.cfg" <<EOF
@include "small.cfg"
title = "no change";
policy = ( { week = $W; team = { fte = 10.0; }; } );
EOF
cat >"$D/bigger.cfg" <<EOF
@include "small.cfg"
title = "bigger town";
world = { population = 7000; };
EOF
cat >"$D/bad.cfg" <<EOF
@include "small.cfg"
policy = ( { week = 10; world = { population = 5000; }; } );
EOF
SETS=(--set sim.burn_in_weeks=26 --set sim.weeks=104)
COMMON=(-r 3 --seed 17 "${SETS[@]}")
RUN_DIR=$D

# ---- (a) branching, standalone equality, own burn-in (c) ----------------------------------
SOURCE_DATE_EPOCH=86400 wj compare small.cfg cut.cfg cut2.cfg same.cfg bigger.cfg -o c1.h5 \
    "${COMMON[@]}" --horizon 1,2 -t 1
expect_rc "compare five scenarios: exit status 0" 0
expect_out "compare: the text notes the shared history up to week $W" \
    "cut: shares the history of small up to output week $W"
expect_out "compare: the text notes the own burn-in and names the parameter" \
    "bigger town: own burn-in" "world.population"
check "compare: root attribute kind is comparison" [ "$(h5_attr "$D/c1.h5" /kind)" = comparison ]
check "compare: root attribute scenarios is 5" [ "$(h5_attr "$D/c1.h5" /scenarios)" = 5 ]
check "compare: root attribute scenario_groups lists the groups" \
    [ "$(h5_attr "$D/c1.h5" /scenario_groups)" = "00_small,01_cut,02_cut2,03_same,04_bigger" ]
check "compare: the second scenario's label is its title" \
    [ "$(h5_attr "$D/c1.h5" /scenarios/01_cut/label)" = cut ]
check "compare: the second scenario shares the history of the first (shares_history_with 0)" \
    [ "$(h5_attr "$D/c1.h5" /scenarios/01_cut/shares_history_with)" = 0 ]
check "compare: own_burn_in_because names world.population for the bigger town" \
    [ "$(h5_attr "$D/c1.h5" /scenarios/04_bigger/own_burn_in_because)" = world.population ]
check "compare: own_burn_in_because is empty for a policy variant" \
    [ -z "$(h5_attr "$D/c1.h5" /scenarios/01_cut/own_burn_in_because)" ]
check "compare: the bigger town does not share the reference's history" \
    [ "$(h5_attr "$D/c1.h5" /scenarios/04_bigger/shares_history_with)" != 0 ]
check "compare: a step to the value in force never branches (branch_week = weeks = 104)" \
    [ "$(h5_attr "$D/c1.h5" /scenarios/03_same/branch_week)" = 104 ]
check_py branch "$D/c1.h5" 00_small 01_cut $W
check_py branch "$D/c1.h5" 00_small 02_cut2 $W
for s in small cut cut2 same bigger; do
    wj run "$s.cfg" -o "run_$s.h5" "${COMMON[@]}" -t 1 -q
    expect_rc "compare: standalone run of $s.cfg" 0
done
check_py standalone "$D/c1.h5" 00_small "$D/run_small.h5"
check_py standalone "$D/c1.h5" 01_cut "$D/run_cut.h5"
check_py standalone "$D/c1.h5" 02_cut2 "$D/run_cut2.h5"
check_py standalone "$D/c1.h5" 03_same "$D/run_same.h5"
check_py standalone "$D/c1.h5" 04_bigger "$D/run_bigger.h5"
check "compare: /policy of the cut scenario has its one step" \
    [ "$(h5_dims "$D/c1.h5" /scenarios/01_cut/policy)" = "{1}" ]
check "compare: the policy attribute of the cut scenario holds its step" \
    contains "$(h5_attr "$D/c1.h5" /scenarios/01_cut/policy)" "week = $W" "fte = 8.0"

# ---- (d) thread count changes nothing -----------------------------------------------------
SOURCE_DATE_EPOCH=86400 wj compare small.cfg cut.cfg bigger.cfg -o t1.h5 "${COMMON[@]}" -t 1 -q
expect_rc "compare --threads 1: exit status 0" 0
SOURCE_DATE_EPOCH=86400 wj compare small.cfg cut.cfg bigger.cfg -o t2.h5 "${COMMON[@]}" -t 2 -q
expect_rc "compare --threads 2: exit status 0" 0
check_py same-files "$D/t1.h5" "$D/t2.h5"

# ---- (b) a scenario compared with itself --------------------------------------------------
wj compare small.cfg small.cfg -o self.h5 "${COMMON[@]}" -t 1 --horizon 1,2 --format csv -q
expect_rc "compare itself: exit status 0" 0
printf '%s\n' "$OUT" >"$D/self.csv"
check_py csv-zero "$D/self.csv" "small (2)" # the second copy is labelled apart

# ---- (e) formats and table files ----------------------------------------------------------
wj compare small.cfg cut.cfg bigger.cfg -o f.h5 "${COMMON[@]}" -t 1 --horizon 1,2 --table f.csv -q
expect_rc "compare --table FILE.csv: exit status 0" 0
wj compare small.cfg cut.cfg bigger.cfg -o f2.h5 "${COMMON[@]}" -t 1 --horizon 1,2 --format csv -q
expect_rc "compare --format csv: exit status 0" 0
printf '%s\n' "$OUT" >"$D/f.stdout.csv"
nout=$(h5_attr "$D/f.h5" /scenarios/00_small/outcomes/outcome_names | tr ',' '\n' | grep -c .)
rows=$(grep -c . "$D/f.csv")
check "compare csv: $rows lines = 2 horizons x $nout outcomes x 3 scenarios + header" \
    [ "$nout" -gt 10 -a "$rows" -eq $((2 * nout * 3 + 1)) ]
check "compare csv: the header names the documented columns" [ "$(head -1 "$D/f.csv")" = \
    "horizon_year,outcome,label,unit,scenario,replicates,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high" ]
check "compare --table FILE.csv: the file holds what --format csv prints" cmp -s "$D/f.csv" "$D/f.stdout.csv"
expect_no_tmp "compare --table: no temporary file left" "$D"
# (f) the table summarises the stored outcomes
check_py csv-outcomes "$D/f.h5" "$D/f.csv"

wj compare small.cfg cut.cfg -o m.h5 "${COMMON[@]}" -t 1 --horizon 1,2 --format markdown -q
expect_rc "compare --format markdown: exit status 0" 0
nh=$(printf '%s\n' "$OUT" | grep -c '^### Year ')
nt=$(printf '%s\n' "$OUT" | grep -c '^| outcome |')
nr=$(printf '%s\n' "$OUT" | grep -c '^|---|')
check "compare markdown: one heading and one table per horizon (headings $nh, tables $nt, rules $nr)" \
    [ "$nh" -eq 2 -a "$nt" -eq 2 -a "$nr" -eq 2 ]
check "compare markdown: each table has a row per outcome" \
    [ "$(printf '%s\n' "$OUT" | grep -c '^| ')" -eq $((2 * (nout + 1))) ]

wj compare small.cfg cut.cfg -o md.h5 "${COMMON[@]}" -t 1 --horizon 1,2 --table t.md -q
expect_rc "compare --table FILE.md: exit status 0" 0
check "compare --table FILE.md: markdown from the extension" \
    eval '[ "$(grep -c "^### Year " "$D/t.md")" -eq 2 ]'

# Refusals: nothing run, nothing written.
E=$(mktemp -d "$D/refuse.XXXXXX")
cp "$D"/*.cfg "$E"/
RUN_DIR=$E
printf 'old table\n' >"$E/t.csv"
wj compare small.cfg cut.cfg -o x.h5 "${COMMON[@]}" -t 1 --table t.csv -q
expect_rc "compare --table over an existing file: exit status 2" 2
expect_err "compare --table over an existing file: message names the file and --force" "t.csv" "--force"
check "compare --table over an existing file: table kept, no HDF5 output" \
    [ "$(cat "$E/t.csv")" = "old table" -a ! -e "$E/x.h5" ]
expect_no_tmp "compare --table over an existing file: no temporary file" "$E"
wj compare small.cfg cut.cfg -o x.h5 "${COMMON[@]}" -t 1 --table t.csv --force -q
expect_rc "compare --table --force over an existing file: exit status 0" 0
check "compare --table --force: table replaced" [ "$(head -c 12 "$E/t.csv")" = "horizon_year" ]
sum=$(sha256sum <"$E/x.h5")
wj compare small.cfg cut.cfg -o x.h5 "${COMMON[@]}" -t 1 -q
expect_rc "compare over an existing output: exit status 2" 2
expect_err "compare over an existing output: message names the file and --force" "x.h5" "--force"
check "compare over an existing output: file unchanged" [ "$(sha256sum <"$E/x.h5")" = "$sum" ]
rm -f "$E/x.h5" "$E/t.csv"

wj compare small.cfg cut.cfg bad.cfg -o y.h5 "${COMMON[@]}" -t 1 --table y.csv -q
expect_rc "compare with a bad scenario among three: exit status 2" 2
expect_err "compare with a bad scenario: message names file:line and the parameter" "bad.cfg:2" "world.population"
check "compare with a bad scenario: no output file, no table" [ ! -e "$E/y.h5" -a ! -e "$E/y.csv" ]
wj compare small.cfg nosuch.cfg -o y.h5 "${COMMON[@]}" -t 1 -q
expect_rc "compare with a missing scenario file: exit status 2" 2
check "compare with a missing scenario file: no output file" [ ! -e "$E/y.h5" ]
wj compare small.cfg cut.cfg -o y.h5 "${COMMON[@]}" -t 1 --horizon 1,3 -q
expect_rc "compare --horizon 3 in a 2-year run: exit status 2" 2
expect_err "compare --horizon beyond the run: message names the option" "--horizon"
check "compare --horizon beyond the run: no output file" [ ! -e "$E/y.h5" ]
wj compare small.cfg cut.cfg -o y.h5 "${COMMON[@]}" -t 1 --format html -q
expect_rc "compare --format html: exit status 2" 2
check "compare --format html: no output file" [ ! -e "$E/y.h5" ]
expect_no_tmp "compare refusals: no temporary file left" "$E"
check "compare refusals: only the scenario files left" \
    eval '[ -z "$(ls -A "$E" | grep -v "\.cfg$")" ]'
RUN_DIR=

finish
