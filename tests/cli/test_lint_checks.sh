#!/usr/bin/env bash
# The lint of the command-line tests (tests/cli/lint_checks.py): no `check NAME COMMAND...`
# in tests/cli/*.sh chains `&&`, `||` or a pipe after its command (check returns 0, so what
# follows would never be checked). The lint is tested too: each deliberately bad line below
# must be found at its line, and each good one must pass.
# shellcheck disable=SC2016  # the sample lines are shell text, not to be expanded here
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_python "lint" re

LINT=$CLI_DIR/lint_checks.py
for f in "$CLI_DIR"/*.sh; do
    out=$("$PY" "$LINT" "$f" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        pass "lint: every check in $(basename "$f") checks its whole command"
    else
        fail "lint: $(basename "$f")" "$(printf '%s' "$out" | head -3 | tr '\n' ' ')"
    fi
done

# bad_line NAME TEXT: the lint must refuse a script whose line 2 is TEXT (line 1 a comment).
D=$(scratch lint)
bad_line() {
    local name=$1 out rc
    printf '# a sample\n%s\necho after\n' "$2" > "$D/bad.sh"
    out=$("$PY" "$LINT" "$D/bad.sh" 2>&1)
    rc=$?
    if [ "$rc" -eq 1 ] && contains "$out" "$D/bad.sh:2: "; then
        pass "lint refuses $name"
    else
        fail "lint refuses $name" "status $rc, output: $(printf '%s' "$out" | head -2 | tr '\n' ' ')"
    fi
}
# good_line NAME TEXT: the lint must accept it.
good_line() {
    local name=$1 out rc
    printf '# a sample\n%s\necho after\n' "$2" > "$D/good.sh"
    out=$("$PY" "$LINT" "$D/good.sh" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
        pass "lint accepts $name"
    else
        fail "lint accepts $name" "status $rc, output: $(printf '%s' "$out" | head -2 | tr '\n' ' ')"
    fi
}

bad_line "check NAME [ a ] && [ b ]" 'check "x" [ "$a" -eq 1 ] && [ ! -e "$f" ]'
bad_line "check NAME [ a ] || [ b ]" 'check "x" [ "$a" -eq 1 ] || [ -e "$f" ]'
bad_line "a chain after a continued line" $'check "x" \\\n    [ "$a" -eq 1 ] && [ -e "$f" ]'
bad_line "a check inside if ... then" 'if [ -n "$a" ]; then check "x" true && false; fi'
bad_line "a check after a prefix assignment" 'RUN_DIR=/tmp check "x" true || false'
bad_line "a check piped into another command" 'check "x" cmp -s a b | tail -1'
bad_line "a check of a negation (\"\$@\" cannot run !)" 'check "x" ! grep -q y f'
bad_line "a check of [[ ]]" 'check "x" [[ $a == b ]]'
bad_line "a check without a command" 'check "x"'

good_line "&& inside the quoted command of eval" "check \"x && y\" eval '[ \"\$a\" -eq 1 ] && [ ! -e \"\$f\" ]'"
good_line "&& inside a command substitution" 'check "x" [ "$(a && b || c)" = "$(d "e" && f)" ]'
good_line "a test joined with -a" 'check "x" [ "$a" -eq 1 -a ! -e "$f" ]'
good_line "a redirection after the check's command" 'check "x" grep -q y <<< "$OUT" 2>&1'
good_line "a check after && (a conditional check)" '[ -n "$a" ] && check "x" true'
good_line "a check in a loop" 'for t in 1 2; do check "x $t" [ "$t" -gt 0 ]; done'
good_line "pass || fail after a test" 'contains "$OUT" y && pass "x" || fail "x" "why"'
good_line "a comment that mentions check" '# check "x" [ a ] && [ b ]'
good_line "a here-document holding such a line" $'cat <<\'EOF\'\ncheck "x" [ a ] && [ b ]\nEOF'
good_line "the definition of check" 'check() { local name=$1; shift; "$@" && pass "$name"; }'
good_line "a word that merely starts with check" 'check_py "x" a b && echo done'

finish
