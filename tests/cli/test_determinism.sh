#!/usr/bin/env bash
# Determinism: the same seed gives the same output for any thread count (random streams
# belong to (seed, replicate, neighbourhood), never to threads), and a different seed gives
# different results.
#
# h5diff compares data and attributes and exits 0 when the files are equal, 1 when they
# differ. NaN: ratio series (waiting_time, casework_coverage) are NaN in weeks whose
# denominator is 0. h5diff 1.10 detects NaNs by default and counts NaN against NaN as equal
# (NaN against a number as a difference); -N/--nan would switch that detection off, so no
# option is passed. SOURCE_DATE_EPOCH=0 makes the `created` attribute equal.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary determinism

BASELINE=$REPO_DIR/scenarios/baseline.cfg
D=$(scratch determinism)
export SOURCE_DATE_EPOCH=0
# 8 threads even on a machine with fewer cores (wijksim caps --threads at the cores otherwise).
export WIJKSIM_OVERSUBSCRIBE=1
RUN=(run "$BASELINE" "${SHORT[@]}" --set world.neighbourhoods=12 -r 2 -q)

for t in 1 2 8; do
    wj "${RUN[@]}" --seed 42 --threads $t -o "$D/t$t.h5"
    expect_rc "determinism: seed 42 with --threads $t runs" 0
done

# The comparison must cover NaN values, or the NaN handling above is untested.
nan=$(h5_data "$D/t1.h5" /neighbourhood/waiting_time | grep -ci nan)
check "determinism: output has NaN ratio values (neighbourhood waiting_time: $nan)" [ "$nan" -gt 0 ]

for t in 2 8; do
    diffout=$(h5diff "$D/t1.h5" "$D/t$t.h5" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        pass "determinism: --threads 1 and --threads $t give equal files (h5diff)"
    else
        fail "determinism: --threads 1 and --threads $t give equal files (h5diff)" \
            "h5diff exit $rc: $(printf '%s' "$diffout" | grep -v '^$' | head -4 | tr '\n' ' ')"
    fi
    check "determinism: --threads 1 and --threads $t give byte-identical files" \
        cmp -s "$D/t1.h5" "$D/t$t.h5"
done

# Replicate streams depend on (seed, replicate) only: replicate 0 of a 2-replicate run is
# the 1-replicate run.
wj run "$BASELINE" "${SHORT[@]}" --set world.neighbourhoods=12 -r 1 -q --seed 42 -o "$D/r1.h5"
expect_rc "determinism: 1-replicate run" 0
two=$(h5_data "$D/t1.h5" /municipality/new_needs)
one=$(h5_data "$D/r1.h5" /municipality/new_needs)
half=$(( $(printf '%s\n' "$two" | wc -l) / 2 ))
check "determinism: replicate 0 of 2 equals the 1-replicate run (/municipality/new_needs)" \
    [ -n "$one" -a "$(printf '%s\n' "$two" | head -n "$half")" = "$one" ]
check "determinism: replicates 0 and 1 differ (/municipality/new_needs)" \
    [ "$(printf '%s\n' "$two" | head -n "$half")" != "$(printf '%s\n' "$two" | tail -n +"$((half + 1))")" ]

# A different seed gives different results.
wj "${RUN[@]}" --seed 43 --threads 2 -o "$D/s43.h5"
expect_rc "determinism: seed 43 runs" 0
h5diff -q "$D/t1.h5" "$D/s43.h5" /municipality/new_needs /municipality/new_needs >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ]; then
    pass "determinism: seeds 42 and 43 give different /municipality/new_needs (h5diff exit 1)"
else
    fail "determinism: seeds 42 and 43 give different /municipality/new_needs (h5diff exit 1)" \
        "h5diff exit $rc"
fi

# The chronic-need draws (needs.chronic_share, off by default) come from the neighbourhood's
# stream as well: with them switched on, 1 and 2 threads still give byte-identical files, and
# the runs do have chronic needs.
CHRONIC=(--set "needs.chronic_share=[0.0, 0.1, 0.3, 0.05, 0.0, 0.0]")
for t in 1 2; do
    wj "${RUN[@]}" "${CHRONIC[@]}" --seed 42 --threads $t -o "$D/c$t.h5"
    expect_rc "determinism: chronic needs on, --threads $t runs" 0
done
check "determinism: chronic needs on, --threads 1 and 2 give byte-identical files" cmp -s "$D/c1.h5" "$D/c2.h5"
chronic=$(h5_data "$D/c1.h5" /municipality/chronic_needs | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s + 0 }')
check "determinism: chronic needs on, the runs have chronic needs ($chronic need-weeks)" \
    awk -v c="$chronic" 'BEGIN { exit !(c > 0) }'

finish
