#!/bin/bash
# make fuzz: runs each libFuzzer harness (bin-fuzz/fuzz/fuzz_NAME, built with clang, ASan and
# UBSan) for SECONDS, from the seed corpus tests/fuzz/corpus/NAME plus what earlier runs found
# (build-fuzz/corpus/NAME), with a dictionary of the registry's parameter names. A crash is
# written to tests/fuzz/crashes/NAME/ (commit it: make test replays it from then on) and makes
# this script fail. Usage: run_fuzz.sh SECONDS [NAME...]
set -u
SECONDS_EACH=${1:-60}
shift
NAMES=${*:-scenario spec journal merge}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build-fuzz
mkdir -p "$OUT"
# A small sweep file for the merge harness to edit, and the dictionary.
"$ROOT/tests/fuzz/make_inputs.sh" "$ROOT/bin/wijksim" "$OUT" || exit 1
export WIJKSIM_FUZZ_SWEEP=$OUT/template.h5
export LSAN_OPTIONS=suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0
status=0
for name in $NAMES; do
    mkdir -p "$OUT/corpus/$name" "$ROOT/tests/fuzz/crashes/$name"
    opts=()
    case $name in
    scenario | spec) opts=(-dict="$OUT/params.dict" -max_len=16384) ;;
    merge) opts=(-max_len=256 -len_control=0) ;;
    *) opts=(-max_len=16384) ;;
    esac
    echo "== fuzz_$name for $SECONDS_EACH s"
    "$ROOT/bin-fuzz/fuzz/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 "${opts[@]}" \
        -artifact_prefix="$ROOT/tests/fuzz/crashes/$name/" \
        "$OUT/corpus/$name" "$ROOT/tests/fuzz/corpus/$name" >"$OUT/fuzz_$name.log" 2>&1
    rc=$?
    grep -E "^#[0-9]+.*(DONE|pulse)" "$OUT/fuzz_$name.log" | tail -1
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$OUT/fuzz_$name.log"
    if [ $rc -ne 0 ]; then
        echo "fuzz_$name: FOUND A CRASH (exit $rc): see $OUT/fuzz_$name.log and tests/fuzz/crashes/$name/"
        status=1
    fi
done
exit $status
