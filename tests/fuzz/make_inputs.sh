#!/bin/bash
# The inputs the fuzz harnesses need besides their corpus, written to OUT: template.h5, a small
# sweep file (2 points x 2 replicates of a tiny town) for fuzz_merge, and params.dict, the
# registry's parameter and group names and the scenario syntax for fuzz_scenario and fuzz_spec
# (from `wijksim params --cfg`, so it never goes stale). Usage: make_inputs.sh WIJKSIM OUT
set -eu
WIJKSIM=$1
OUT=$2
mkdir -p "$OUT"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf 'sim = { weeks = 52; burn_in_weeks = 8; };\nworld = { population = 600; neighbourhoods = 2; };\n' > "$T/base.cfg"
printf 'base = "base.cfg";\ndesign = "factorial";\nreplicates = 2;\nparameters = ( { name = "team.fte"; values = [6.0, 12.0]; } );\n' > "$T/spec.cfg"
SOURCE_DATE_EPOCH=0 "$WIJKSIM" sweep "$T/spec.cfg" -o "$T/template.h5" -q --threads 1
mv "$T/template.h5" "$OUT/template.h5"
{
    for tok in '@include "' '";' ' = ' ' = { ' ' };' '[' ']' '(' ')' ', ' 'L' 'true' 'false' \
        'policy' 'week' 'set' 'title' 'base' 'design' 'factorial' 'oat' 'lhs' 'sobol' 'samples' \
        'replicates' 'seed' 'horizons' 'parameters' 'name' 'values' 'min' 'max' 'levels' \
        'burn_in' 'per_point' 'shared' '/*' '*/' '#' '//' '1e300' '5000000000' '-1' '0.5'; do
        printf '"%s"\n' "$(printf '%s' "$tok" | sed 's/\\/\\\\/g; s/"/\\"/g')"
    done
    "$WIJKSIM" params --cfg | sed -n 's/^\([a-z_]*\) = {$/\1/p; s/^  \([a-z_0-9]*\) = .*/\1/p' |
        sort -u | sed 's/.*/"&"/'
} > "$OUT/params.dict"
