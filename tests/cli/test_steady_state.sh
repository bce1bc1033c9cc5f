#!/usr/bin/env bash
# The steady-state check of a run (docs/ODD.md 5, sim/outcomes.c outcomes_drift): the run
# group's attribute steady_state_drift holds the mean trend (percent per year) of each main
# stock named in steady_state_stocks, and `wijksim run` prints the largest against the
# 1 %/year limit, with its standard error over replicates. The printed value must be the
# largest |trend| of the attribute; stocks that stay at zero (no needs at all: every onset rate
# zero) report no trend rather than a logarithm of zero.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary "steady state"
require_python "steady state" h5py numpy

D=$(scratch steady)
SMALL=(--set world.population=8000 --set world.neighbourhoods=2 --set sim.burn_in_weeks=260
    --set sim.weeks=156)

wj run "$REPO_DIR/scenarios/baseline.cfg" "${SMALL[@]}" -r 3 -t 1 -o "$D/three.h5"
expect_rc "steady state: run exit status 0" 0
expect_out "steady state: the run says how far its main stocks drift" \
    "Steady state: the main stocks drift at most" "over 3 replicates" "limit 1 %/year"
printed=$(printf '%s\n' "$OUT" | sed -n 's/^Steady state: the main stocks drift at most \([0-9.]*\) .*/\1/p')
if "$PY" - "$D/three.h5" "$printed" <<'PYEOF'
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
d = np.ravel(f.attrs["steady_state_drift"]).astype(float)
names = f.attrs["steady_state_stocks"]
names = (names.decode() if isinstance(names, bytes) else str(names)).split(",")
assert len(d) == len(names) == 5 and np.all(np.isfinite(d)), (d, names)
assert "specialist_clients" in names and "unmet_need" in names, names
assert abs(np.max(np.abs(d)) - float(sys.argv[2])) < 0.006, (d, sys.argv[2])
PYEOF
then pass "steady state: the attribute holds the five trends and the printed one is the largest"
else fail "steady state: the attribute holds the five trends and the printed one is the largest" \
    "attribute or printed value wrong (printed '$printed')"
fi

wj run "$REPO_DIR/scenarios/baseline.cfg" "${SMALL[@]}" -r 1 -t 1 -o "$D/one.h5"
expect_out "steady state: one replicate says that chance is included" "one replicate: chance included"

# Nothing ever happens without onsets: every stock stays at zero, no trend, and no warning.
wj run "$REPO_DIR/scenarios/baseline.cfg" "${SMALL[@]}" -r 2 -t 1 -o "$D/none.h5" \
    --set needs.onset_0_17=0,0,0,0,0,0 --set needs.onset_18_64=0,0,0,0,0,0 \
    --set needs.onset_65_79=0,0,0,0,0,0 --set needs.onset_80plus=0,0,0,0,0,0
expect_out "steady state: stocks that stay at zero report no trend" "drift at most 0.00 %/year"
if contains "$OUT" "(sim.burn_in_weeks)"; then fail "steady state: no warning without drift" "$OUT"
else pass "steady state: no warning without drift"; fi

# Under two output years there is nothing to fit: no line.
wj run "$REPO_DIR/scenarios/baseline.cfg" "${SMALL[@]}" --set sim.weeks=52 -r 1 -t 1 -o "$D/short.h5"
if contains "$OUT" "Steady state"; then fail "steady state: no check under two output years" "$OUT"
else pass "steady state: no check under two output years"; fi

finish
