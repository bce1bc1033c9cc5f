#!/bin/bash
# Bad input, case by case (tests/cli/bad_inputs.py; the table is docs/bad_inputs.md): exit
# status, message and nothing left behind, for every class of bad input and every parameter.
source "$(dirname "$0")/lib.sh"
require_binary bad_inputs
"$PY" "$CLI_DIR/bad_inputs.py" "$WIJKSIM"
finish
