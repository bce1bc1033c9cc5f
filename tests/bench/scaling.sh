#!/usr/bin/env bash
# make bench-scaling: how the engine scales with threads, for a machine with many cores (the
# performance issue asks for 16). Runs bin/bench for 1,000,000 residents and for the
# Netherlands (17.9 million) on 1, 2, 4, ... threads up to the machine's cores (or THREADS,
# e.g. THREADS="1 2 4 8 16"), prints each run's speed-up over one thread and its efficiency
# (speed-up / threads; the target is >= 75 % at 16 threads for the national run), then a
# sweep of the baseline with all cores as threads and as MPI ranks (tests/bench/sweep_bench.sh
# with SWEEP_THREADS). SCALING_NATIONAL=0 leaves the national rows out (they need about
# 4 GB and, on one thread, tens of minutes). Each run first shows where its time went
# (BENCH_PHASES=1: each phase's work, each parallel loop's wall time and the threads it kept
# busy), so that a phase that does not scale stands out. Record the output in
# docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
BIN=${BIN:-bin}
CORES=$(nproc)
if [ -z "${THREADS:-}" ]; then
    THREADS=1
    t=2
    while [ "$t" -le "$CORES" ]; do THREADS="$THREADS $t"; t=$((t * 2)); done
fi
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
echo "make bench-scaling on $(hostname): $CORES cores, $("$BIN/wijksim" --version), threads: $THREADS"
rows=("1000000 66")
[ "${SCALING_NATIONAL:-1}" = 1 ] && rows+=("17900000 1180")
for row in "${rows[@]}"; do
    read -r pop nbh <<< "$row"
    t1=
    for t in $THREADS; do
        out=$(BENCH_PHASES=1 "$BIN/bench" "$pop" "$nbh" "$t")
        line=$(tail -1 <<< "$out")
        sed -n '3,$p' <<< "$out" | sed '$d' # the phase lines
        secs=$(awk '{ print $5 }' <<< "$line")
        [ -z "$t1" ] && t1=$secs
        awk -v l="$line" -v t="$t" -v s="$secs" -v t1="$t1" \
            'BEGIN { printf "%s  speed-up %5.2f  efficiency %5.1f %%\n", l, t1 / s, 100 * t1 / s / t }'
    done
done
SWEEP_THREADS=$CORES BIN=$BIN tests/bench/sweep_bench.sh "${SCALING_SWEEP_RUNS:-200}"
