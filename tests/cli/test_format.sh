#!/bin/bash
# The C sources are in the project's clang-format style (.clang-format; `make format` applies
# it). The check itself must be able to fail: a badly formatted line is refused.
source "$(dirname "$0")/lib.sh"
if ! command -v clang-format >/dev/null; then
    fail "format: clang-format" "clang-format is not installed (make deps)"
    finish
fi
cd "$REPO_DIR" || exit 1
files=$(ls core/*.c core/*.h sim/*.c sim/*.h models/*.c models/*.h tests/unit/*.c tests/unit/*.h \
    tests/bench/*.c tests/fuzz/*.c tests/fuzz/*.h)
bad=""
for f in $files; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
check "format: every C source is as clang-format writes it (else: make format)${bad:+; not:$bad}" [ -z "$bad" ]
printf 'int  main( ){return 0 ;}\n' | clang-format --dry-run --Werror --assume-filename=x.c >/dev/null 2>&1
check "format: the check refuses a badly formatted source" [ $? -ne 0 ]
finish
