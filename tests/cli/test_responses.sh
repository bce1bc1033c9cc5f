#!/usr/bin/env bash
# analysis/responses.py (make responses) on a tiny town: 6,000 residents, 2 neighbourhoods,
# 26 weeks of burn-in, 3 years of output, 3 replicates. The page must have a section for every
# lever in scenarios/levers/, every table cell a number with an interval, paired differences
# that match those recomputed from the HDF5 file (tests/cli/responses_check.py, with h5py and
# scipy), the prevention lever sized at 1 % of the baseline's yearly cost; and it must be
# written atomically: an existing page is refused without --force, and a failed run leaves it
# as it was.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary responses
require_python responses h5py numpy scipy

D=$(scratch responses)
trap 'rm -rf "$D"' EXIT
export OMP_WAIT_POLICY=passive
RESP=("$PY" "$REPO_DIR/analysis/responses.py" --wijksim "$WIJKSIM" --dir "$D/run" --population 6000
      --neighbourhoods 2 --burn-in 26 --weeks 156 --horizon 1,2,3 --replicates 3 --seed 3 --threads 2)

# Every lever file loads on its own and includes the baseline.
for f in "$REPO_DIR"/scenarios/levers/*.cfg; do
    wj params "$f" --cfg
    expect_rc "responses: lever $(basename "$f") loads (wijksim params --cfg)" 0
    check "responses: lever $(basename "$f") resolves to a policy step at week 0" grep -q 'week = 0;' <<< "$OUT"
    check "responses: lever $(basename "$f") includes the baseline" grep -q '^@include "../baseline.cfg"' "$f"
done

start=$(date +%s)
"${RESP[@]}" -o "$D/page.md" > "$D/out.txt" 2> "$D/err.txt"
rc=$?
took=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ] && [ -s "$D/page.md" ]; then
    pass "responses: the script writes the page for a tiny town (${took} s)"
else
    fail "responses: the script writes the page" "exit status $rc; $(tail -3 "$D/err.txt" | tr '\n' ' ')"
    finish
fi
check "responses: the tiny town takes under 60 s (${took} s)" [ "$took" -lt 60 ]

out=$("$PY" "$CLI_DIR/responses_check.py" "$D/page.md" "$D/run/responses.h5" "$D/run/baseline_year1.h5" \
      "$REPO_DIR/scenarios/levers" 2>&1)
printf '%s\n' "$out"
N_FAILED=$((N_FAILED + $(printf '%s\n' "$out" | grep -c '^FAIL ')))

check "responses: every lever moves its one parameter as the script expects (no failed check)" \
    bash -c "! grep -q 'Check failed' '$D/page.md'"
expect_no_tmp "responses: no temporary page is left behind" "$D"
before=$(sha256sum < "$D/page.md")

# An existing page is refused without --force, before anything runs.
"${RESP[@]}" -o "$D/page.md" > /dev/null 2> "$D/err.txt"
rc=$?
check "responses: an existing page is refused without --force (exit $rc)" [ "$rc" -eq 2 ]
check "responses: the refusal says to use --force" grep -q -- "--force" "$D/err.txt"

# A failed run (a run file where the comparison belongs) leaves the page as it was.
"${RESP[@]}" -o "$D/page.md" --force --from-h5 "$D/run/baseline_year1.h5" > /dev/null 2> "$D/err.txt"
rc=$?
check "responses: a file that is not a comparison is an error (exit $rc)" [ "$rc" -eq 1 ]
check "responses: the page is unchanged after refusals and failures" [ "$(sha256sum < "$D/page.md")" = "$before" ]
expect_no_tmp "responses: no temporary page is left behind after a failure" "$D"

# The page comes from the comparison file alone: --from-h5 writes it again, byte for byte.
"${RESP[@]}" -o "$D/again.md" --from-h5 "$D/run/responses.h5" > /dev/null 2> "$D/err.txt"
check "responses: --from-h5 rewrites the same page byte for byte" cmp -s "$D/page.md" "$D/again.md"

finish
