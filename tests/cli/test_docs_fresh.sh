#!/usr/bin/env bash
# The generated reference docs are up to date: docs/parameters.md is `wijksim params
# --markdown`, docs/output.md is `wijksim series --markdown`, docs/wijksim.1 is `wijksim
# manpage`, docs/bad_inputs.md the table of tests/cli/bad_inputs.py.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary docs

D=$(scratch docs)

# fresh NAME DOC COMMAND...: DOC equals the command's output.
fresh() {
    local name=$1 rel=$2 doc=$REPO_DIR/$2 gen=$D/$(basename "$2")
    shift 2
    if ! "$WIJKSIM" "$@" > "$gen" 2> "$D/err"; then
        fail "$name" "'wijksim $*' failed: $(head -2 "$D/err" | tr '\n' ' ')"
    elif [ ! -f "$doc" ]; then
        fail "$name" "$rel is missing; run make docs"
    elif ! diff -q "$doc" "$gen" >/dev/null; then
        fail "$name" "$rel differs from 'wijksim $*' ($(diff "$doc" "$gen" | grep -c '^[<>]') lines); run make docs"
    else
        pass "$name"
    fi
}

fresh "docs: docs/parameters.md is up to date" docs/parameters.md params --markdown
fresh "docs: docs/output.md is up to date" docs/output.md series --markdown
fresh "docs: docs/wijksim.1 (the manual page) is up to date" docs/wijksim.1 manpage

# docs/bad_inputs.md: its table is `bad_inputs.py --markdown` (after a fixed heading).
"$PY" "$CLI_DIR/bad_inputs.py" "$WIJKSIM" --markdown > "$D/bad.md" 2>"$D/err"
if ! tail -n +5 "$REPO_DIR/docs/bad_inputs.md" 2>/dev/null | diff -q - "$D/bad.md" >/dev/null; then
    fail "docs: docs/bad_inputs.md is up to date" "its table differs from tests/cli/bad_inputs.py --markdown; run make docs"
else
    pass "docs: docs/bad_inputs.md is up to date"
fi

finish
