#!/usr/bin/env bash
# The calibration fit (analysis/fit.py) on a tiny design: two stages of 4 points of the spec,
# 5,000 residents, one year of burn-in and one of output. Checks that the design checks refuse
# a policy lever and a range other than the registry's, that the same command gives the same
# report byte for byte, and, with a synthetic target table built around point 0's own
# figures, that the loss is 0 for a point inside every range and positive outside.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary fit
require_python fit numpy h5py

D=$(scratch fit)
FIT=("$PY" "$REPO_DIR/analysis/fit.py" --points 4 --population 5000 --neighbourhoods 1
     --burn-in 52 --weeks 52 --seed 3 --threads 2 --stages 2 --wijksim "$WIJKSIM" --out-dir "$D/run")

cd "$REPO_DIR" || exit 1
if "${FIT[@]}" -o "$D/fit.md" --json "$D/fit.json" > "$D/log1" 2>&1; then
    pass "fit: tiny design runs"
else
    fail "fit: tiny design runs" "$(tail -3 "$D/log1" | tr '\n' ' ')"
    finish
fi
"${FIT[@]}" --reuse -o "$D/fit2.md" > "$D/log2" 2>&1
check "fit: same report from the same command" cmp -s "$D/fit.md" "$D/fit2.md"
check "fit: --reuse reuses the sweep files" grep -q 'reusing' "$D/log2"

# A synthetic table: +-1 % around every figure of the first point of stage 1 that has a value
# and keeps the severity orderings (a point that inverts one has an infinite loss).
"$PY" - "$D/fit.json" "$D/targets.json" "$D/reference" <<'PYEOF'
import json, math, sys
r = json.load(open(sys.argv[1]))
ref = next(p for p in r["points"] if p["stage"] == 1 and not p["inverted"])
open(sys.argv[3], "w").write(ref["label"])
p0 = ref["means"]
t = {k: [v - 0.01 * abs(v) - 1e-9, v + 0.01 * abs(v) + 1e-9]
     for k, v in p0.items() if v is not None and math.isfinite(v)}
json.dump(t, open(sys.argv[2], "w"))
PYEOF
"${FIT[@]}" --reuse --targets "$D/targets.json" -o "$D/fit3.md" --json "$D/fit3.json" > "$D/log3" 2>&1
if "$PY" - "$D/fit3.json" "$(cat "$D/reference")" <<'PYEOF'
import json, math, sys
r, ref = json.load(open(sys.argv[1])), sys.argv[2]
loss = {p["label"]: p["loss"] for p in r["points"]}
assert loss.pop(ref) == 0, f"point {ref}, inside every range, has a loss"
assert len(loss) >= 7 and all(l > 0 for l in loss.values()), f"points outside: {loss}"
assert all(math.isinf(p["loss"]) for p in r["points"] if p["inverted"]), "an inverted point ranks"
assert r["best"] == ref, r["best"]
PYEOF
then pass "fit: loss 0 inside every range, positive outside"
else fail "fit: loss 0 inside every range, positive outside" "see $D/fit3.json"
fi

# A point of a sweep read through calibration.SweepPoint gives the figures of the same run
# made with `wijksim run --set` (burn_in = "per_point" runs are those runs, bit for bit).
small_base "$D/base.cfg" 52 52 1
cat > "$D/one.cfg" <<'CFG'
base = "base.cfg";
design = "factorial";
replicates = 2;
seed = 5;
burn_in = "per_point";
parameters = ( { name = "informal.need_hours"; element = 2; values = [20.0]; } );
CFG
"$WIJKSIM" sweep "$D/one.cfg" -o "$D/one.h5" --threads 2 --quiet --force > /dev/null 2>&1
# The same run by hand: the base's need hours with element 2 set to 20 (the others from the
# registry, as the sweep keeps them).
hours=$("$WIJKSIM" params "$D/base.cfg" | awk '$1 == "informal.need_hours" { sub(/^[^[]*\[/, ""); sub(/\].*$/, ""); gsub(/ /, ""); split($0, x, ","); x[2] = 20; print x[1] "," x[2] "," x[3] "," x[4] }')
"$WIJKSIM" run "$D/base.cfg" --set "informal.need_hours=$hours" --replicates 2 --seed 5 \
    -o "$D/one_run.h5" --force > /dev/null 2>&1
if "$PY" - "$D/one.h5" "$D/one_run.h5" <<'PYEOF'
import math, sys
sys.path.insert(0, "analysis")
import calibration as cal
p, r = cal.SweepPoint(sys.argv[1], 0), cal.Run(sys.argv[2])
assert p.param("informal.need_hours", 1) == r.param("informal.need_hours", 1) == 20
for t in cal.TARGETS:
    if t.get("pair"):
        continue
    a, b = cal.summarise_target(t, p, None)["mean"], cal.summarise_target(t, r, None)["mean"]
    assert (math.isnan(a) and math.isnan(b)) or a == b, (t["quantity"], a, b)
PYEOF
then pass "fit: a sweep point gives the figures of the same run"
else fail "fit: a sweep point gives the figures of the same run" "SweepPoint and Run differ"
fi

# The design checks: a lever, and a range other than the registry's, are refused.
sed 's/name = "informal.willingness"; min = [^;]*; max = [^;]*;/name = "access.barrier"; min = 0.1; max = 0.4;/' \
    scenarios/sweeps/calibration_lhs.cfg > "$D/lever.cfg"
out=$("$PY" analysis/fit.py --spec "$D/lever.cfg" --out-dir "$D/lever" -o "$D/x.md" 2>&1)
if [ $? -eq 1 ] && [[ $out == *"policy lever"* ]]; then pass "fit: refuses a policy lever"
else fail "fit: refuses a policy lever" "$out"; fi
sed 's/name = "informal.willingness"; min = [^;]*; max = [^;]*;/name = "informal.willingness"; min = 0.5; max = 1.0;/' \
    scenarios/sweeps/calibration_lhs.cfg > "$D/range.cfg"
out=$("$PY" analysis/fit.py --spec "$D/range.cfg" --out-dir "$D/range" -o "$D/x.md" 2>&1)
if [ $? -eq 1 ] && [[ $out == *"registry range"* ]]; then pass "fit: refuses a range other than the registry's"
else fail "fit: refuses a range other than the registry's" "$out"; fi
sed 's/name = "informal.willingness"; min = [^;]*; max = [^;]*;/name = "informal.network_effect"; min = 1.125; max = 1.995;/' \
    scenarios/sweeps/calibration_lhs.cfg > "$D/sourced.cfg"
out=$("$PY" analysis/fit.py --spec "$D/sourced.cfg" --out-dir "$D/sourced" -o "$D/x.md" 2>&1)
if [ $? -eq 1 ] && [[ $out == *"not marked an assumption"* ]]; then pass "fit: refuses a sourced figure"
else fail "fit: refuses a sourced figure" "$out"; fi

finish
