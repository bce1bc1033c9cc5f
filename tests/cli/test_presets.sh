#!/usr/bin/env bash
# The scenario presets (scenarios/*.cfg): each one loads and validates (`wijksim params`),
# runs a short horizon to a file with a finite, positive cost_total in every week, cites at
# least one passage of the seeds in its header comment ("seed NNN L..." or "Seed NNN L..."), and every preset but
# the baseline starts from another file (@include), so that it reads as "baseline, except".
#
# Runs keep the presets' own municipalities (the full model runs a city of 150,000 for a year
# in about half a second) with half a year of burn-in and half a year of output, or up to the
# preset's last policy step when that is later (a step beyond the run is an error).
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary presets

D=$(scratch presets)
# WIJKSIM_QUICK=1 (make asan): every municipality shrunk to 15,000 residents.
SMALLER=()
[ "${WIJKSIM_QUICK:-0}" = 1 ] && SMALLER=(--set world.population=15000)
trap 'rm -rf "$D"' EXIT
n=0
for f in "$REPO_DIR"/scenarios/*.cfg; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    name=$(basename "$f" .cfg)
    tag="preset $name"

    # The header comment: the lines before the first line that is not a comment.
    header=$(awk '!/^#/ { exit } { print }' "$f")
    if printf '%s\n' "$header" | grep -qiE 'seed [0-9]{3} L[0-9]+'; then
        pass "$tag: the header comment cites a seed passage"
    else
        fail "$tag: the header comment cites a seed passage" \
            "no 'seed NNN L<line>' in the $(printf '%s\n' "$header" | grep -c .) header lines"
    fi
    if [ "$name" != baseline ]; then
        check "$tag: starts from another file (@include)" grep -qE '^@include "[^"]+\.cfg"' "$f"
    fi

    wj params "$f"
    expect_rc "$tag: loads and validates (wijksim params)" 0
    [ "$RC" -eq 0 ] || continue
    wj params "$f" --cfg
    last=$(printf '%s\n' "$OUT" | sed -n 's/.*{ week = \([0-9]*\);.*/\1/p' | sort -n | tail -1)
    weeks=26
    [ -n "$last" ] && [ "$last" -ge "$weeks" ] && weeks=$((last + 1))

    start=$(date +%s%N)
    wj run "$f" -o "$D/$name.h5" --set sim.weeks=$weeks --set sim.burn_in_weeks=26 "${SMALLER[@]}" -r 1 -t 1 -q
    ms=$((($(date +%s%N) - start) / 1000000))
    expect_rc "$tag: runs $weeks weeks ($ms ms)" 0
    [ "$RC" -eq 0 ] || continue
    cost=$(h5_data "$D/$name.h5" /municipality/cost_total)
    good=$(printf '%s\n' "$cost" | awk '$1 + 0 > 0 && $1 !~ /nan|inf/ { k++ } END { print k + 0 }')
    check "$tag: cost_total is finite and positive in all $weeks weeks (found $good)" [ "$good" -eq "$weeks" ]
    rm -f "$D/$name.h5"
done
check "presets: scenarios/ holds the baseline and at least 11 presets (found $n)" \
    [ "$n" -ge 12 -a -e "$REPO_DIR/scenarios/baseline.cfg" ]

# Presets combine: a base reached through two included presets is applied once, so the
# second preset adds its own settings without bringing back the baseline's.
base_pop=$(sed -n 's/^ *population = \([0-9]*\);.*/\1/p' "$REPO_DIR/scenarios/baseline.cfg")
kog_pop=$(sed -n 's/^ *population = \([0-9]*\);.*/\1/p' "$REPO_DIR/scenarios/koggenland.cfg")
printf '@include "%s"\n@include "%s"\n' "$REPO_DIR/scenarios/koggenland.cfg" \
    "$REPO_DIR/scenarios/more_prevention.cfg" > "$D/combo.cfg"
wj params "$D/combo.cfg" --cfg
expect_rc "combined presets: koggenland + more_prevention loads" 0
check "combined presets: Koggenland's population ($kog_pop) survives the second include (baseline: $base_pop)" \
    grep -qx "  population = $kog_pop;" <<<"$OUT"
check "combined presets: more_prevention's policy is there" grep -q "prevention = { budget" <<<"$OUT"

finish
