#!/bin/bash
# The clang build (make clang, bin-clang/) runs and gives the same series, bit for bit, as the
# gcc build: no result may depend on the compiler.
source "$(dirname "$0")/lib.sh"
require_binary clang
CLANG=$REPO_DIR/bin-clang/wijksim # make clang (make test and make asan build it)
if [ ! -x "$CLANG" ]; then
    fail "clang build" "$CLANG is missing (make clang)"
    finish
fi
D=$(scratch clang)
export SOURCE_DATE_EPOCH=0
printf '@include "%s"\nsim = { weeks = 104; burn_in_weeks = 52; };\nworld = { population = 20000; neighbourhoods = 4; };\n' \
    "$REPO_DIR/scenarios/baseline.cfg" > "$D/small.cfg"
wj run "$D/small.cfg" -o "$D/gcc.h5" -r 2 -q
expect_rc "gcc build runs" 0
(cd "$D" && "$CLANG" run small.cfg -o clang.h5 -r 2 -q) 2>"$D/err"
check "clang build runs" [ $? -eq 0 -a -s "$D/clang.h5" ]
for g in municipality neighbourhood; do
    check "clang and gcc builds give identical /$g series (h5diff)" \
        h5diff -q "$D/gcc.h5" "$D/clang.h5" "/$g" "/$g"
done
finish
