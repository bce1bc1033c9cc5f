#!/usr/bin/env bash
# The HDF5 output: written atomically (temporary file + rename), never over an existing file
# without --force, nothing left behind by a failed or interrupted run, and the documented
# layout: root attributes, /parameters, and every registry series under /municipality and
# /neighbourhood with its attributes and shape.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary output

BASELINE=$REPO_DIR/scenarios/baseline.cfg
NNBH=7
RUN=(run "$BASELINE" "${SHORT[@]}" --set world.neighbourhoods=$NNBH --set team.fte=6.5 -r 2)

D=$(scratch output)
X=$D/x.h5

# ---- writing, refusing to overwrite, --force ---------------------------------------------
SOURCE_DATE_EPOCH=86400 wj "${RUN[@]}" -o "$X"
expect_rc "output run: exit status 0" 0
check "output run: file written" [ -s "$X" ]
expect_err "output run: names the output file on standard error" "Output: $X"
sum1=$(sha256sum < "$X")

wj "${RUN[@]}" -o "$X"
expect_rc "output exists: exit status 2 without --force" 2
expect_err "output exists: message says the file exists and names it" "$X" "exists" "--force"
check "output exists: file unchanged" [ "$(sha256sum < "$X")" = "$sum1" ]

SOURCE_DATE_EPOCH=86400 wj "${RUN[@]}" -o "$X" --seed 7 --force -q
expect_rc "output --force: exit status 0" 0
check "output --force: file replaced" [ "$(sha256sum < "$X")" != "$sum1" ]
check "output --quiet: prints nothing" [ -z "$OUT" -a -z "$ERR" ]
expect_no_tmp "output: no temporary file left" "$D"
check "output: only the target file in the folder" [ "$(ls -A "$D")" = "x.h5" ]

# ---- root attributes ---------------------------------------------------------------------
wj --version # "wijksim VERSION (commit COMMIT, with MPI)"
version=$(printf '%s' "$OUT" | awk '{print $2}')
commit=$(printf '%s' "$OUT" | sed -n 's/.*(commit \([^,]*\), with\(out\)\? MPI)$/\1/p')
check "output attribute wijksim_version equals --version ($version)" \
    [ -n "$version" -a "$(h5_attr "$X" /wijksim_version)" = "$version" ]
check "output attribute git_commit equals --version ($commit)" \
    [ -n "$commit" -a "$(h5_attr "$X" /git_commit)" = "$commit" ]
check "output attribute seed is 7" [ "$(h5_attr "$X" /seed)" = "7" ]
check "output attribute replicates is 2" [ "$(h5_attr "$X" /replicates)" = "2" ]
check "output attribute weeks is 26" [ "$(h5_attr "$X" /weeks)" = "26" ]
check "output attribute burn_in_weeks is 10" [ "$(h5_attr "$X" /burn_in_weeks)" = "10" ]
check "output attribute neighbourhoods is $NNBH" [ "$(h5_attr "$X" /neighbourhoods)" = "$NNBH" ]
check "output attribute created follows SOURCE_DATE_EPOCH" \
    [ "$(h5_attr "$X" /created)" = "1970-01-02T00:00:00Z" ]
config=$(h5_attr "$X" /config)
check "output attribute config holds the resolved configuration" \
    contains "$config" "team_threshold = " "fte = 6.5;" "neighbourhoods = $NNBH;" "weeks = 26;"
check "output attribute scenario_files names the scenario" \
    contains "$(h5_attr "$X" /scenario_files)" "scenarios/baseline.cfg"
check "output attribute set_overrides lists the --set values" \
    contains "$(h5_attr "$X" /set_overrides)" "team.fte=6.5" "world.neighbourhoods=$NNBH"

# ---- series, parameters, shapes ----------------------------------------------------------
objects=$(h5_objects "$X")
has() { printf '%s\n' "$objects" | grep -qxF "$1"; }
wj series
series=$(printf '%s\n' "$OUT" | awk 'NF {print $1}')
nseries=$(printf '%s\n' "$series" | grep -c .)
check "output: wijksim series lists series ($nseries)" [ "$nseries" -gt 20 ]
for s in $series; do
    missing=""
    for g in municipality neighbourhood; do
        for o in "/$g/$s" "/$g/$s@unit" "/$g/$s@description" "/$g/$s@kind" "/$g/$s@dims"; do
            has "$o" || missing="$missing $o"
        done
    done
    if [ -z "$missing" ]; then
        pass "output series $s: in /municipality and /neighbourhood with unit and description"
    else
        fail "output series $s: in /municipality and /neighbourhood with unit and description" "missing$missing"
    fi
done
# Besides the series, each group holds its coordinates (week, domain, ...; checked below).
COORDS='^/(municipality|neighbourhood)/(replicate|run|week|domain|severity|neighbourhood)$'
for g in municipality neighbourhood; do
    n=$(printf '%s\n' "$objects" | grep -vE "$COORDS" | grep -c "^/$g/[^/@]*\$")
    check "output: /$g holds exactly the $nseries registry series (found $n)" [ "$n" -eq "$nseries" ]
done
check "output: the unit attribute of /municipality/residents is 'residents'" \
    [ "$(h5_attr "$X" /municipality/residents/unit)" = "residents" ]

dims() {
    local got
    got=$(h5_dims "$X" "$1")
    if [ "$got" = "$2" ]; then pass "output shape $1 $2"; else fail "output shape $1 $2" "found '${got:-no dataset}'"; fi
}
dims /municipality/residents "{2, 26}"
dims /neighbourhood/residents "{2, 26, $NNBH}"
dims /municipality/new_needs "{2, 26, 6}"
dims /neighbourhood/new_needs "{2, 26, $NNBH, 6}"
dims /municipality/residents_by_severity "{2, 26, 6, 5}"
dims /neighbourhood/residents_by_severity "{2, 26, $NNBH, 6, 5}"
dims /neighbourhoods/deprivation "{$NNBH}"

check "output: /parameters/team.fte exists with unit and description" \
    eval 'has /parameters/team.fte && has /parameters/team.fte@unit && has /parameters/team.fte@description'
check "output: /parameters/team.fte holds the --set value 6.5" [ "$(h5_data "$X" /parameters/team.fte)" = "6.5" ]
check "output: /parameters/needs.escalation_rate has one value per severity step (3)" \
    [ "$(h5_dims "$X" /parameters/needs.escalation_rate)" = "{3}" ]
nparams=$(printf '%s\n' "$objects" | grep -v '^/parameters/elements_[0-9]*$' | grep -c '^/parameters/[^@]*$')
wj params --cfg
ncfg=$(printf '%s\n' "$OUT" | grep -c '^  [a-z_0-9]* = ')
check "output: /parameters holds every registry parameter ($ncfg, found $nparams)" [ "$nparams" -eq "$ncfg" ]
dep=$(h5_data "$X" /neighbourhoods/deprivation)
check "output: /neighbourhoods/deprivation runs from deprivation_min to deprivation_max" \
    [ "$(printf '%s\n' "$dep" | head -1)" = "$(h5_data "$X" /parameters/world.deprivation_min)" -a \
      "$(printf '%s\n' "$dep" | tail -1)" = "$(h5_data "$X" /parameters/world.deprivation_max)" ]
check "output: /municipality/residents holds numbers, no fill values" \
    eval '[ "$(h5_data "$X" /municipality/residents | grep -c "^[0-9]")" -eq 52 ]'

# ---- researchers' tools: xarray, units, UTF-8, scalars ------------------------------------
# Every group of a run, a comparison with --detail, a sweep with --detail and a merged sweep
# opens in xarray (h5netcdf) with named dimensions and coordinates; every dataset has units,
# text is UTF-8, counts are scalars (tests/cli/xarray_check.py).
require_python output h5py numpy xarray h5netcdf
XCHECK="$PY $CLI_DIR/xarray_check.py"
check "output: /neighbourhoods/index has units" [ "$(h5_attr "$X" /neighbourhoods/index/units)" = "1" ]
check "output: /policy has units (its values' are their parameters')" eval 'has /policy@units'
check "output: the unit attribute is kept for older readers" \
    [ "$(h5_attr "$X" /municipality/new_needs/unit)" = "$(h5_attr "$X" /municipality/new_needs/units)" ]
weeks=$(h5_data "$X" /municipality/week | tr -s ' \n' ' ' | sed 's/ $//')
check "output: /municipality/week is 0 .. 25 (weeks from the end of the burn-in)" \
    [ "$weeks" = "$(seq -s ' ' 0 25)" ]
$XCHECK "$X" "output xarray run"
small_base "$D/small.cfg" 60 20 3 # a year of output for the outcomes
printf '@include "small.cfg"\ntitle = "Fewer staff";\npolicy = ( { week = 0; team = { fte = 6.0; }; } );\n' > "$D/fewer.cfg"
wj compare "$D/small.cfg" "$D/fewer.cfg" -r 2 --detail -o "$D/cmp.h5" -q
expect_rc "output xarray: a comparison with --detail runs" 0
$XCHECK "$D/cmp.h5" "output xarray comparison"
cat > "$D/spec.cfg" <<'EOF'
base = "small.cfg"; design = "factorial"; replicates = 2; seed = 3;
parameters = ( { name = "team.fte"; values = [6.0, 9.0]; },
               { name = "specialist.places"; element = 3; values = [5.0, 8.0]; } );
EOF
export SOURCE_DATE_EPOCH=0
wj sweep "$D/spec.cfg" -o "$D/sweep.h5" --detail -q
expect_rc "output xarray: a sweep with --detail runs" 0
$XCHECK "$D/sweep.h5" "output xarray sweep"
for i in 0 1; do wj sweep "$D/spec.cfg" --shard $i/2 --detail -o "$D/part_$i.h5" -q; done
wj merge "$D/part_0.h5" "$D/part_1.h5" -o "$D/merged.h5" -q
expect_rc "output xarray: two shards merge" 0
$XCHECK "$D/merged.h5" "output xarray merged sweep"
$PY "$CLI_DIR/sweep_check.py" same "$D/sweep.h5" "$D/merged.h5" "output xarray merged against whole"
unset SOURCE_DATE_EPOCH
# A part of the older layout (counts as arrays of one value) is refused, not merged.
cp "$D/part_1.h5" "$D/old_1.h5"
$PY -c 'import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], "r+")
for k in ("runs", "replicates", "weeks", "runs_in_file"):
    v = f.attrs[k]
    del f.attrs[k]
    f.attrs[k] = np.array([v])' "$D/old_1.h5"
wj merge "$D/part_0.h5" "$D/old_1.h5" -o "$D/merged_old.h5"
expect_rc "output: merge refuses a part of the older layout (exit status 2)" 2
expect_err "output: merge says the part is of an older layout" "old_1.h5" "older layout"
check "output: nothing written for a refused merge" [ ! -e "$D/merged_old.h5" ]

# ---- default output name -----------------------------------------------------------------
RUN_DIR=$(scratch output-default)
wj run "$FIXTURES/base.cfg" -q
expect_rc "output default name: exit status 0" 0
check "output default name: SCENARIO.h5 in the current folder" [ "$(ls -A "$RUN_DIR")" = "base.h5" ]
RUN_DIR=

# ---- failures leave nothing --------------------------------------------------------------
E=$(scratch output-nodir)
wj "${RUN[@]}" -o "$E/nodir/x.h5"
expect_rc "output to a missing folder: exit status 2" 2
expect_err "output to a missing folder: message names the path and the cause" \
    "nodir/x.h5" "its folder" "does not exist"
expect_empty_dir "output to a missing folder: nothing written" "$E"

E=$(scratch output-isdir)
mkdir "$E/d.h5"
wj "${RUN[@]}" -o "$E/d.h5" --force -q
expect_rc "output over a folder with --force: refused before running, exit status 2" 2
expect_err "output over a folder with --force: message names the target" "d.h5" "is a folder; expected an output file name"
check "output over a folder with --force: folder kept, nothing else written" \
    [ -d "$E/d.h5" -a "$(ls -A "$E")" = "d.h5" ]

# A long run interrupted by a signal removes its temporary file and writes no target.
interrupt() {
    local sig=$1 want=$2 K pid i rc seen=0
    K=$(scratch "output-$sig")
    (cd "$K" && exec "$WIJKSIM" run "$BASELINE" -q -o "$K/big.h5" --set world.population=2000000) \
        >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 100); do # the temporary file appears when the run starts writing
        if compgen -G "$K/big.h5.tmp.*" >/dev/null; then seen=1; break; fi
        sleep 0.05
    done
    sleep 0.5
    kill "-$sig" "$pid" 2>/dev/null
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        fail "output $sig mid-run: process ends" "still running 10 s after SIG$sig"
    fi
    wait "$pid"
    rc=$?
    check "output $sig mid-run: the run had started writing (temporary file seen)" [ "$seen" -eq 1 ]
    if [ "$rc" -eq "$want" ]; then
        pass "output $sig mid-run: killed by the signal (status $want)"
    else
        fail "output $sig mid-run: killed by the signal (status $want)" "exit status $rc"
    fi
    expect_empty_dir "output $sig mid-run: no temporary file and no target left" "$K"
}
interrupt TERM 143
interrupt INT 130

finish
