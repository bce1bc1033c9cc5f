#!/usr/bin/env bash
# The HTML report (wijksim report, analysis/report.py) from real wijksim output: a comparison
# with a prevention scenario, a run, and sweeps with a Latin hypercube, a Sobol and a factorial
# design. Each report must be one self-contained page (charts inline, nothing fetched), every
# chart with its title and reading aid, and must render in headless Chromium with all its
# charts; the screenshots are kept in tests/artefacts/ (report_*.png). What the pages say is
# checked against the files (report_check.py content): the comparison's summary (each
# scenario's policy steps, its paired differences with intervals), the paired-difference
# charts, the significance marks of the outcome table, level intervals that stay above zero;
# the sweeps' plausible ranges, the Sobol rows and the factorial design's interaction.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary report
require_python report h5py numpy matplotlib scipy

D=$(scratch report)
ART=$REPO_DIR/tests/artefacts
mkdir -p "$ART"
export OMP_WAIT_POLICY=passive

small_base "$D/base.cfg" 104 26 3
cat > "$D/prevention.cfg" <<'EOF'
@include "base.cfg"
title = "More prevention";
policy = ( { week = 0; prevention = { budget = 20000.0; }; } );
EOF
cat > "$D/strict.cfg" <<'EOF'
@include "base.cfg"
title = "Strict access";
policy = ( { week = 0; access = { barrier = 0.45; }; } );
EOF
cat > "$D/lhs.cfg" <<'EOF'
base = "base.cfg"; design = "lhs"; samples = 12; replicates = 2; horizons = [2];
parameters = ( { name = "team.fte"; min = 5.0; max = 14.0; },
               { name = "access.barrier"; min = 0.05; max = 0.5; } );
EOF
sed -e 's/design = "lhs"; samples = 12; replicates = 2/design = "sobol"; samples = 8; replicates = 1/' \
    "$D/lhs.cfg" > "$D/sobol.cfg"
cat > "$D/fact.cfg" <<'EOF'
base = "base.cfg"; design = "factorial"; replicates = 2; horizons = [2];
parameters = ( { name = "team.fte"; values = [6.0, 10.0, 14.0]; },
               { name = "access.barrier"; min = 0.1; max = 0.4; levels = 2; } );
EOF

wj compare "$D/base.cfg" "$D/prevention.cfg" "$D/strict.cfg" -r 3 --horizon 1,2 -o "$D/cmp.h5" -q
expect_rc "report: the comparison to report on runs" 0
wj run "$D/base.cfg" -r 2 -o "$D/run.h5" -q
expect_rc "report: the run to report on runs" 0
wj sweep "$D/lhs.cfg" -o "$D/lhs.h5" -q
expect_rc "report: the Latin hypercube sweep runs" 0
wj sweep "$D/sobol.cfg" -o "$D/sobol.h5" -q
expect_rc "report: the Sobol sweep runs" 0
wj sweep "$D/fact.cfg" -o "$D/fact.h5" -q
expect_rc "report: the factorial sweep runs" 0

CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || fail "report: chromium" "chromium is not installed (make deps installs Debian's chromium)"

for kind in cmp run lhs sobol fact; do
    wj report "$D/$kind.h5" -o "$D/$kind.html"
    expect_rc "report $kind: wijksim report writes the page" 0
    n=$(printf '%s' "$OUT" | sed -n 's/^Report (\([0-9]*\) charts).*/\1/p')
    check "report $kind: says how many charts it drew ($n)" [ "${n:-0}" -gt 0 ]
    $PY "$CLI_DIR/report_check.py" static "$D/$kind.html" "${n:-0}" "$kind"
    $PY "$CLI_DIR/report_check.py" content "$kind" "$D/$kind.html" "$D/$kind.h5"
    [ -n "$CHROMIUM" ] || continue
    # The page as Chromium renders it: its DOM after loading, and a screenshot.
    profile=$(mktemp -d "$TEST_TMP/chromium.XXXXXX")
    flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
           --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1000,5000)
    timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$D/$kind.html" > "$D/$kind.dom" 2>/dev/null
    rm -f "$ART/report_$kind.png"
    timeout 120 "$CHROMIUM" "${flags[@]}" --screenshot="$ART/report_$kind.png" "file://$D/$kind.html" \
        >/dev/null 2>&1
    $PY "$CLI_DIR/report_check.py" rendered "$D/$kind.dom" "$ART/report_$kind.png" "${n:-0}" "$kind"
done

# What the pages say: sections of each kind.
contains "$(cat "$D/cmp.html")" "When does prevention pay for itself?" "Extra cumulative cost of More prevention" \
    "Extra cost against the change in unmet need" "Outcomes with 95 % intervals" &&
    pass "report cmp: trade-off, break-even and outcome table present" ||
    fail "report cmp: trade-off, break-even and outcome table present" "a section is missing"
contains "$(cat "$D/lhs.html")" "Partial rank correlation" "team.fte" "access.barrier" &&
    pass "report lhs: partial rank correlations of both parameters" ||
    fail "report lhs: partial rank correlations of both parameters" "missing"
contains "$(cat "$D/sobol.html")" "Sobol sensitivity indices" "first order" &&
    pass "report sobol: Sobol indices for a Sobol design" || fail "report sobol: Sobol indices" "missing"
contains "$(cat "$D/run.html")" "Per neighbourhood" "Unmet need per 1,000 residents by neighbourhood" &&
    pass "report run: per-neighbourhood charts" || fail "report run: per-neighbourhood charts" "missing"

# Refusals: an existing page, a file that is not wijksim output.
wj report "$D/cmp.h5" -o "$D/cmp.html"
expect_rc "report: an existing page is refused without --force" 2
expect_err "report: says to use --force" "exists; use --force"
wj report "$D/base.cfg" -o "$D/x.html"
expect_rc "report: a file that is not HDF5 is refused" 2
expect_err "report: names the file" "base.cfg" "cannot open as HDF5"
check "report: nothing written for a refused file" [ ! -e "$D/x.html" ]

finish
