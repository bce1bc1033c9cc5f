#!/bin/bash
# Replays every fuzz harness (tests/fuzz/fuzz_NAME.c, built as bin/fuzz/replay_NAME by make
# test) over its seed corpus and every input that ever crashed it (tests/fuzz/corpus/NAME,
# tests/fuzz/crashes/NAME): none may crash. make fuzz runs the harnesses under libFuzzer.
source "$(dirname "$0")/lib.sh"
require_binary fuzz_replay
FZ=$REPO_DIR/tests/fuzz
B=$REPO_DIR/${BIN:-bin}/fuzz
D=$(scratch fuzz)
"$FZ/make_inputs.sh" "$WIJKSIM" "$D" >/dev/null 2>&1
check "fuzz inputs: template sweep file and dictionary written" [ -s "$D/template.h5" -a -s "$D/params.dict" ]
export WIJKSIM_FUZZ_SWEEP=$D/template.h5
# Under make asan: libconfig's own leak after a syntax error is not ours (tests/fuzz/lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$FZ/lsan.supp:print_suppressions=0}
for name in scenario spec journal merge; do
    if [ ! -x "$B/replay_$name" ]; then
        fail "fuzz replay $name" "$B/replay_$name is missing (make fuzz-replay)"
        continue
    fi
    out=$(cd "$D" && TMPDIR=$D timeout 300 "$B/replay_$name" "$FZ/corpus/$name" "$FZ/crashes/$name" 2>&1)
    rc=$?
    n=$(printf '%s\n' "$out" | sed -n 's/^replayed \([0-9]*\) inputs$/\1/p')
    check "fuzz replay $name: every corpus and crash input runs without a crash (exit $rc)" [ "$rc" -eq 0 ]
    check "fuzz replay $name: the corpus is not empty (${n:-0} inputs)" [ "${n:-0}" -ge 3 ]
done
check "fuzz replay: the harnesses leave no scratch folder" [ -z "$(ls -d "$D"/wijksim-fuzz.* 2>/dev/null)" ]
finish
