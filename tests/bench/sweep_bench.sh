#!/usr/bin/env bash
# Sweep throughput (make bench): runs per minute of a sweep of the baseline scenario, 20
# design points (team.fte x access.barrier) x RUNS/20 replicates, on 1 thread, on 2 threads and
# on 2 MPI ranks (SWEEP_THREADS=N: N threads and N ranks instead of 2, for make bench-scaling).
# The time is that of the whole command: spec, runs, journal and the HDF5 file.
# Usage: tests/bench/sweep_bench.sh [RUNS]   (default 200; a multiple of 20)
set -eu
cd "$(dirname "$0")/../.."
RUNS=${1:-200}
if ! [[ "$RUNS" =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 20 ] || [ $((RUNS % 20)) -ne 0 ]; then
    echo "sweep_bench.sh: RUNS must be a multiple of 20 (20 design points x replicates), not '$RUNS'" >&2
    exit 2
fi
BIN=${BIN:-bin}
W=$PWD/$BIN/wijksim
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cat > "$D/sweep.cfg" <<SPEC
base = "$PWD/scenarios/baseline.cfg";
design = "factorial";
replicates = $((RUNS / 20));
seed = 1;
parameters = (
  { name = "team.fte"; values = [8.0, 9.0, 10.0, 11.0, 12.0]; },
  { name = "access.barrier"; min = 0.1; max = 0.4; levels = 4; }
);
SPEC
echo "Sweep of the baseline: 20 points x $((RUNS / 20)) replicates = $RUNS runs ($(nproc) cores, $("$W" --version))"
# The issue's target: 1,000 runs of the baseline sharing the burn-in in 8 minutes on 2 cores;
# "1000 runs" is the time at this rate (each worker burns in each replicate it takes once, so
# a sweep with more replicates per point is, if anything, a little faster per run).
printf '%-14s %6s %10s %10s %14s %12s %8s\n' configuration runs seconds runs/min "peak RSS MB" \
    "1000 runs" "ratio"
measure() {
    local label=$1 out=$2
    shift 2
    /usr/bin/time -f '%e %M' -o "$D/time" "$@" -o "$D/$out" -q
    read -r secs kb < "$D/time"
    awk -v l="$label" -v n="$RUNS" -v s="$secs" -v kb="$kb" \
        'BEGIN { m = 1000 * s / n / 60;
                 printf "%-14s %6d %10.1f %10.1f %14.0f %8.1f min %8.1f\n", l, n, s, n * 60 / s,
                        kb / 1024, m, m / 8 }' 
}
measure "1 thread" t1.h5 "$W" sweep "$D/sweep.cfg" --threads 1
N=${SWEEP_THREADS:-2}
measure "$N threads" t2.h5 "$W" sweep "$D/sweep.cfg" --threads "$N"
if "$W" --version | grep -q "with MPI"; then
    measure "$N MPI ranks" mpi.h5 mpirun --oversubscribe -np "$N" "$W" sweep "$D/sweep.cfg"
else
    echo "$N MPI ranks: left out, $W is built without MPI"
fi
echo "(peak RSS: of the largest process; for MPI, of mpirun or one rank, as GNU time sees it)"
