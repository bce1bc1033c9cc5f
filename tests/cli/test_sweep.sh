#!/usr/bin/env bash
# Parameter sweeps (wijksim sweep, wijksim merge): the same spec gives the same file, run for
# run, on one thread, on two, over three MPI ranks, as three shards merged, from the build
# without MPI, and after a kill -9 and a resume; the run table matches the design and the
# weekly series; a run equals a plain `wijksim run` with the point's values; bad specs, a
# changed spec and existing files are refused with exit status 2 before anything runs.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary sweep
require_python sweep h5py numpy

D=$(scratch sweep)
export SOURCE_DATE_EPOCH=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
CHECK="$PY $CLI_DIR/sweep_check.py"

# A small city, short runs: 20 weeks of burn-in, one year of output.
small_base "$D/base.cfg" 60 20 4
# 2 x 3 factorial x 2 replicates = 12 runs.
cat > "$D/spec.cfg" <<'EOF'
base = "base.cfg";
design = "factorial";
replicates = 2;
seed = 5;
parameters = (
  { name = "team.fte"; values = [6.0, 12.0]; },
  { name = "access.barrier"; min = 0.1; max = 0.4; levels = 3; }
);
EOF

wj sweep "$D/spec.cfg" -o "$D/t1.h5" --threads 1
expect_rc "sweep: a factorial sweep on one thread runs" 0
expect_err "sweep: says what it runs" "6 points x 2 replicates = 12 runs" "Output: $D/t1.h5"
check "sweep: no journal is left once the file is complete" [ ! -e "$D/t1.h5.journal" ]
$CHECK table "$D/t1.h5" 6 2
$CHECK replicates "$D/t1.h5" 6

wj sweep "$D/spec.cfg" -o "$D/t2.h5" --threads 2 --verbose
expect_rc "sweep: on two threads runs" 0
$CHECK same "$D/t1.h5" "$D/t2.h5" "threads 2 against 1"
# A worker keeps to the replicate whose world it burned in: at most replicates + workers - 1
# burn-ins (here 3), where handing runs out in order made each worker burn in each (4).
burned=$(printf '%s\n' "$ERR" | sed -n 's/^Burned in \([0-9]*\) worlds\{0,1\} for 2 replicates\.$/\1/p')
burned_ok() { [ "${burned:-0}" -ge 2 ] && [ "${burned:-9}" -le 3 ]; }
check "sweep: two workers burn in 2 replicates 2 or 3 times, not 4 (burned: ${burned:-none})" burned_ok

# A run of the sweep is a plain run of the base with the point's values from output week 0:
# run 9 is point 4 (team.fte 12, access.barrier 0.25), replicate 1.
cat > "$D/point4.cfg" <<EOF
@include "base.cfg"
policy = ( { week = 0; team = { fte = 12.0; }; access = { barrier = 0.25; }; } );
EOF
wj run "$D/point4.cfg" -o "$D/point4.h5" --seed 5 --replicates 2 -q
expect_rc "sweep: the plain run of point 4 runs" 0
$CHECK run "$D/t1.h5" 9 "$D/point4.h5" 1

# A burn-in per point: any parameter may vary, a model assumption too; a run is then a plain
# run with the point's values set from the start. Run 5 is point 2 (needs.spillover 0.5,
# team.fte 6), replicate 1.
cat > "$D/perpoint.cfg" <<'SPEC'
base = "base.cfg"; design = "factorial"; replicates = 2; seed = 5; burn_in = "per_point";
parameters = ( { name = "needs.spillover"; values = [0.1, 0.5]; }, { name = "team.fte"; values = [6.0, 10.0]; } );
SPEC
wj sweep "$D/perpoint.cfg" -o "$D/perpoint.h5" --threads 2 -q
expect_rc "sweep: a burn-in per point lets a model assumption vary" 0
wj run "$D/base.cfg" --set needs.spillover=0.5 --set team.fte=6.0 -o "$D/perpoint_run.h5" --seed 5 --replicates 2 -q
$CHECK run "$D/perpoint.h5" 5 "$D/perpoint_run.h5" 1 "with the point's values set from the start (burn_in per_point)"

# MPI: three ranks (rank 0 serves and runs), dynamic scheduling, one file.
if "$WIJKSIM" --version | grep -q "with MPI"; then
    out=$(timeout 300 mpirun --oversubscribe -np 3 "$WIJKSIM" sweep "$D/spec.cfg" -o "$D/mpi.h5" 2>&1)
    rc=$?
    check "sweep: mpirun -np 3 runs (status $rc)" [ "$rc" -eq 0 ]
    contains "$out" "12 to run on 3 MPI ranks" && pass "sweep: mpirun reports 3 ranks" ||
        fail "sweep: mpirun reports 3 ranks" "output: $(printf '%s' "$out" | head -3 | tr '\n' ' ')"
    $CHECK same "$D/t1.h5" "$D/mpi.h5" "mpirun -np 3 against one process"
    out=$(cd "$D" && timeout 120 mpirun --oversubscribe -np 2 "$WIJKSIM" sweep spec.cfg -o mpi2.h5 --threads 2 2>&1)
    rc=$?
    check "sweep: --threads under mpirun is refused (status $rc), nothing written" \
        [ "$rc" -ne 0 -a ! -e "$D/mpi2.h5" ]
    printf 'base = "missing.cfg"; design = "oat";\nparameters = ( { name = "team.fte"; values = [6.0]; } );\n' > "$D/nobase.cfg"
    out=$(timeout 120 mpirun --oversubscribe -np 3 "$WIJKSIM" sweep "$D/nobase.cfg" -o "$D/nobase.h5" 2>&1)
    rc=$?
    n=$(printf '%s\n' "$out" | grep -c "^wijksim: .*missing.cfg: cannot read scenario file")
    check "sweep: a bad spec under mpirun exits 2 (status $rc) with its message once (got $n)" \
        [ "$rc" -eq 2 -a "$n" -eq 1 -a ! -e "$D/nobase.h5" -a ! -e "$D/nobase.h5.journal" ]
elif [ -n "${WIJKSIM_NO_MPI:-}" ]; then
    echo "SKIP sweep: MPI checks: $WIJKSIM is built without MPI (WIJKSIM_NO_MPI set)"
else
    fail "sweep: MPI build" "$WIJKSIM is built without MPI: install openmpi (make deps) and rebuild"
fi

# The build without MPI gives the same file, and refuses to run under mpirun.
NOMPI=$REPO_DIR/${BIN:-bin}-nompi/wijksim
[ -n "${WIJKSIM_NO_MPI:-}" ] && NOMPI=$WIJKSIM
if [ -x "$NOMPI" ]; then
    check "sweep: the build without MPI says so" bash -c "'$NOMPI' --version | grep -q 'without MPI'"
    "$NOMPI" sweep "$D/spec.cfg" -o "$D/nompi.h5" -q
    check "sweep: the build without MPI runs the sweep" [ -f "$D/nompi.h5" ]
    $CHECK same "$D/t1.h5" "$D/nompi.h5" "build without MPI against the MPI build"
    if command -v mpirun >/dev/null; then
        out=$(cd "$D" && timeout 60 mpirun --oversubscribe -np 2 "$NOMPI" sweep spec.cfg -o nompi2.h5 2>&1)
        contains "$out" "built without MPI" && pass "sweep: the build without MPI refuses mpirun, saying why" ||
            fail "sweep: the build without MPI refuses mpirun" "output: $(printf '%s' "$out" | head -2 | tr '\n' ' ')"
    fi
else
    fail "sweep: build without MPI" "$NOMPI missing (make nompi)"
fi

# Shards for job arrays, merged: the same file as the whole sweep.
for i in 0 1 2; do
    wj sweep "$D/spec.cfg" --shard $i/3 -o "$D/part_$i.h5" -q
    expect_rc "sweep: shard $i/3 runs" 0
done
check "sweep: a shard's file holds its 4 runs" [ "$(h5_dims "$D/part_1.h5" runs)" = "{4}" ]
wj merge "$D/part_0.h5" "$D/part_2.h5" -o "$D/partial.h5"
expect_rc "merge: a missing shard is refused" 2
expect_err "merge: names the runs missing" "4 of 12 runs are in none of the 2 files"
check "merge: nothing written for a refused merge" [ ! -e "$D/partial.h5" ]
wj merge "$D/part_0.h5" "$D/part_1.h5" "$D/part_2.h5" -o "$D/merged.h5"
expect_rc "merge: three shards merge" 0
$CHECK same "$D/t1.h5" "$D/merged.h5" "merged shards against one process"
diffout=$(h5diff "$D/t1.h5" "$D/merged.h5" 2>&1)
check "merge: h5diff finds the merged file equal to the whole sweep (data and attributes)" [ $? -eq 0 ]
wj merge "$D/part_0.h5" "$D/part_1.h5" "$D/part_2.h5" -o "$D/merged.h5"
expect_rc "merge: an existing output is refused without --force" 2
wj sweep "$D/spec.cfg" --shard 0/3 --detail -o "$D/part_0d.h5" -q
wj merge "$D/part_0d.h5" "$D/part_1.h5" "$D/part_2.h5" -o "$D/mixed.h5"
expect_rc "merge: parts written with and without --detail are refused" 2
expect_err "merge: says which part differs" "part_1.h5 was written without --detail"
check "merge: nothing written for mixed parts" [ ! -e "$D/mixed.h5" ]
cp "$D/part_2.h5" "$D/part_2x.h5"
$PY -c 'import h5py, sys; f = h5py.File(sys.argv[1], "r+"); f.attrs["git_commit"] = "0000000"' "$D/part_2x.h5"
wj merge "$D/part_0.h5" "$D/part_1.h5" "$D/part_2x.h5" -o "$D/mixed2.h5"
expect_rc "merge: parts from another wijksim build are refused" 2
expect_err "merge: says the builds differ" "different wijksim builds"
wj report "$D/part_1.h5" -o "$D/part_1.html"
expect_rc "report: a shard's part file is refused" 2
expect_err "report: says to merge the parts first" "merge the parts first"
check "report: nothing written for a shard" [ ! -e "$D/part_1.html" ]
wj sweep "$D/spec.cfg" --shard 3/3 -o "$D/bad.h5"
expect_rc "sweep: --shard 3/3 is refused (0 <= I < N)" 2

# Kill -9 midway, resume with the same command: the same file as an uninterrupted sweep.
sed -e 's/replicates = 2;/replicates = 6;/' "$D/spec.cfg" > "$D/long.cfg"
wj sweep "$D/long.cfg" -o "$D/whole.h5" -q
expect_rc "resume: the uninterrupted sweep runs" 0
(cd "$D" && exec "$WIJKSIM" sweep long.cfg -o killed.h5 --threads 1 -q) &
pid=$!
records=0
for _ in $(seq 1 600); do # a record is 60 weeks x 209 values x 8 bytes, about 100 kB
    size=$(stat -c %s "$D/killed.h5.journal" 2>/dev/null || echo 0)
    records=$((size / 100000))
    [ "$records" -ge 5 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "resume: the sweep was killed after $records runs, before it ended" [ "$records" -ge 5 -a ! -e "$D/killed.h5" ]
# A half-written run: cut the journal inside its last record.
size=$(stat -c %s "$D/killed.h5.journal")
truncate -s $((size - 5000)) "$D/killed.h5.journal"
wj sweep "$D/long.cfg" -o "$D/killed.h5" --threads 2
expect_rc "resume: the same command finishes the sweep" 0
expect_err "resume: skips the runs in the journal and redoes the half-written one" "already in" \
    "1 run from a half-written or damaged end of the journal dropped"
$CHECK same "$D/whole.h5" "$D/killed.h5" "killed and resumed against uninterrupted"
check "resume: the journal is gone once the file is complete" [ ! -e "$D/killed.h5.journal" ]

# A changed spec is refused rather than mixed with the runs of the old one.
(cd "$D" && exec "$WIJKSIM" sweep long.cfg -o changed.h5 --threads 1 -q) &
pid=$!
for _ in $(seq 1 600); do [ "$(stat -c %s "$D/changed.h5.journal" 2>/dev/null || echo 0)" -gt 200000 ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
sed -e 's/seed = 5;/seed = 6;/' "$D/long.cfg" > "$D/long6.cfg"
cp "$D/long6.cfg" "$D/long.cfg"
wj sweep "$D/long.cfg" -o "$D/changed.h5" -q
expect_rc "resume: a changed spec is refused" 2
expect_err "resume: the refusal names the journal and why" "changed.h5.journal" "another sweep specification"
check "resume: nothing is written for a changed spec" [ ! -e "$D/changed.h5" ]

# --detail: per-neighbourhood series too.
wj sweep "$D/spec.cfg" -o "$D/detail.h5" --detail -q
expect_rc "sweep: --detail runs" 0
$CHECK detail "$D/detail.h5"
wj sweep "$D/spec.cfg" -o "$D/detail.h5" -q
expect_rc "sweep: an existing output is refused without --force" 2
expect_err "sweep: says to use --force" "output file exists; use --force"

# Specs that are not files: refused at once (a FIFO would block, /dev/zero fill memory).
E=$(scratch notfile)
mkfifo "$E/fifo.cfg"
mkdir "$E/folder.cfg"
for spec in "$E/fifo.cfg" /dev/zero "$E/folder.cfg"; do
    RUN_DIR=$E wj sweep "$spec" -o "$E/out.h5"
    expect_rc "spec that is not a file ($spec): exit 2" 2
    expect_err "spec that is not a file ($spec): says so" "$spec" "expected a sweep specification file"
    check "spec that is not a file ($spec): nothing written" [ ! -e "$E/out.h5" -a ! -e "$E/out.h5.journal" ]
done
RUN_DIR=$E wj sweep "$D/spec.cfg" -o "$E/t.h5" --threads 4096 -q
expect_rc "--threads beyond the cores: runs" 0
expect_err "--threads beyond the cores: capped with a note" "--threads 4096" "cores; using"

# Bad specs: exit 2, file and line and parameter named, nothing written.
bad() { # NAME SPEC-TEXT NEEDLE...
    local name=$1 text=$2 E
    shift 2
    E=$(scratch badspec)
    cp "$D/base.cfg" "$E/base.cfg"
    printf '%s\n' "$text" > "$E/s.cfg"
    RUN_DIR=$E wj sweep s.cfg -o out.h5
    expect_rc "spec: $name: exit 2" 2
    expect_err "spec: $name: message" "$@"
    local left
    left=$(cd "$E" && ls -A | grep -v -e '^base.cfg$' -e '^s.cfg$' | tr '\n' ' ')
    check "spec: $name: nothing written" [ -z "$left" ]
}
HEAD='base = "base.cfg"; design = "factorial";'
bad "unknown parameter" "$HEAD parameters = ( { name = \"team.ftee\"; values = [1.0]; } );" \
    "s.cfg:1" "unknown parameter 'team.ftee'" "did you mean 'team.fte'"
bad "range outside the registry's bounds" "$HEAD parameters = ( { name = \"access.barrier\"; min = 0.1; max = 1.5; levels = 2; } );" \
    "s.cfg:1" "access.barrier"
bad "parameter that cannot change during a run" "$HEAD parameters = ( { name = \"world.population\"; values = [1000, 2000]; } );" \
    "s.cfg:1" "'world.population' cannot be varied" "schedulable"
bad "a shared burn-in names the way out" "$HEAD parameters = ( { name = \"needs.spillover\"; values = [0.1, 0.2]; } );" \
    "s.cfg:1" "'needs.spillover' cannot be varied" "burn_in = \"per_point\""
bad "the output's shape cannot vary" "$HEAD burn_in = \"per_point\"; parameters = ( { name = \"sim.weeks\"; values = [52, 60]; } );" \
    "s.cfg:1" "'sim.weeks' cannot be varied" "shape"
bad "unknown burn_in" "$HEAD burn_in = \"each\"; parameters = ( { name = \"team.fte\"; values = [6.0]; } );" \
    "s.cfg:1" "'burn_in'" "per_point"
bad "unknown design" 'base = "base.cfg"; design = "grid"; parameters = ( { name = "team.fte"; values = [1.0]; } );' \
    "s.cfg:1" "'design'" "factorial"
bad "missing base" 'design = "oat"; parameters = ( { name = "team.fte"; values = [1.0]; } );' "s.cfg" "'base'"
bad "horizon beyond the run" "$HEAD horizons = [5]; parameters = ( { name = \"team.fte\"; values = [1.0]; } );" \
    "s.cfg:1" "'horizons'" "within the run"
P='parameters = ( { name = "team.fte"; values = [1.0]; } );'
bad "a seed too large for a double to hold exactly" "$HEAD seed = 1e300; $P" "s.cfg:1" "'seed'" "2^53"
bad "a 32-bit integer that overflows" "$HEAD seed = 5000000000; $P" "s.cfg:1" "5000000000" "L suffix"
bad "an integer beyond 64 bits" "$HEAD seed = 99999999999999999999L; $P" "s.cfg:1" "64-bit"
bad "a horizon whose weeks overflow" "$HEAD horizons = [2305843011361177599L]; $P" "s.cfg:1" "'horizons'" "within the run"
bad "syntax error" "$HEAD parameters = ( { name = \"team.fte\"; values = [1.0; } );" "s.cfg:1" "syntax error"
bad "replicates not a whole number" "$HEAD replicates = 2.5; parameters = ( { name = \"team.fte\"; values = [1.0]; } );" \
    "s.cfg:1" "'replicates'"
bad "range without levels in a factorial design" "$HEAD parameters = ( { name = \"team.fte\"; min = 4.0; max = 8.0; } );" \
    "s.cfg:1" "'team.fte'" "needs 'levels'"
bad "misspelt setting" "$HEAD replicate = 3; parameters = ( { name = \"team.fte\"; values = [1.0]; } );" \
    "s.cfg:1" "unknown sweep setting 'replicate'" "did you mean 'replicates'"
bad "misspelt factor setting" "design = \"lhs\"; samples = 4; base = \"base.cfg\"; parameters = ( { name = \"team.fte\"; min = 4.0; max = 8.0; distribuion = \"loguniform\"; } );" \
    "s.cfg:1" "unknown factor setting 'distribuion'" "did you mean 'distribution'"
wj sweep "$D/spec.cfg" -o "$D/no/such/folder/x.h5"
expect_rc "sweep: an output folder that does not exist is a usage error" 2
expect_err "sweep: says to check the folder" "does not exist"
# A factor the base's own policy sets would be overridden part-way: refused.
E=$(scratch badspec)
printf '@include "%s"\npolicy = ( { week = 10; team = { fte = 9.0; }; } );\n' "$D/base.cfg" > "$E/policy_base.cfg"
printf 'base = "policy_base.cfg"; design = "oat";\nparameters = ( { name = "team.fte"; values = [6.0, 8.0]; } );\n' > "$E/s.cfg"
RUN_DIR=$E wj sweep s.cfg -o out.h5
expect_rc "spec: a factor the base's policy sets: exit 2" 2
expect_err "spec: a factor the base's policy sets: message names both places" "s.cfg:2" "policy_base.cfg:2" "team.fte"
check "spec: a factor the base's policy sets: nothing written" [ ! -e "$E/out.h5" -a ! -e "$E/out.h5.journal" ]

finish
