#!/usr/bin/env bash
# Scenario and command-line errors: every configuration or usage error exits with status 2,
# says what is wrong (file:line, parameter, expected value) and writes nothing. Also the
# @include layering, and the help and version texts.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary config

F=$FIXTURES
BASELINE=$REPO_DIR/scenarios/baseline.cfg

# run_error NAME ARGS...: `wijksim run ARGS... -o DIR/out.h5` from an empty folder DIR must
# exit 2 and leave DIR empty (no output, no *.tmp.* file, no default-named output either).
run_error() {
    local name=$1
    shift
    RUN_DIR=$(scratch config)
    wj run "$@" -o "$RUN_DIR/out.h5"
    expect_rc "$name: exit status 2" 2
    expect_empty_dir "$name: no output or temporary file written" "$RUN_DIR"
}

# cfg_value TEXT NAME: the value of the dotted NAME in `wijksim params --cfg` output.
cfg_value() {
    printf '%s\n' "$1" | awk -v want="$2" '
        /^[a-z_]+ = \{$/ { group = $1; next }
        /^  [a-z_0-9]+ = / { v = $0; sub(/^  [a-z_0-9]+ = /, "", v); sub(/;$/, "", v)
                             if (group "." $1 == want) print v }'
}

# ---- errors in scenario files ------------------------------------------------------------
run_error "config syntax error" "$F/syntax_error.cfg"
expect_err "config syntax error: message names file, line 5 and 'syntax error'" \
    "syntax_error.cfg:5:" "syntax error"

run_error "config syntax error after @include" "$F/include_syntax.cfg"
expect_err "config syntax error after @include: line number not shifted by the @include" \
    "include_syntax.cfg:5:" "syntax error"

run_error "config @include without quotes" "$F/include_noquote.cfg"
expect_err "config @include without quotes: message names file:line and the expected form" \
    "include_noquote.cfg:2:" '@include "file.cfg"'

run_error "config @include with trailing text" "$F/include_trailing.cfg"
expect_err "config @include with trailing text: message names file:line and the rule" \
    "include_trailing.cfg:2:" "alone on its line"

wj params "$F/include_in_comment.cfg" --cfg
expect_rc "config @include inside a block comment is ignored: exit status 0" 0
check "config @include inside a block comment: the file's own value holds" \
    test "$(cfg_value "$OUT" team.fte)" = "5.5"

run_error "config scenario is a folder" "$F"
expect_err "config scenario is a folder: message says so" "not a regular file"

run_error "--set empty vector element" "$BASELINE" --set needs.escalation_rate=0.1,,0.3
expect_err "--set empty vector element: message names the parameter" "needs.escalation_rate" "expected a number"


run_error "config unknown key" "$F/unknown_key.cfg"
expect_err "config unknown key: message names file:3, the key and the suggestion" \
    "unknown_key.cfg:3:" "'access.team_treshold'" "did you mean 'access.team_threshold'"

run_error "config out of range" "$F/out_of_range.cfg"
expect_err "config out of range: message names file:3, parameter, value and range 0 to 1" \
    "out_of_range.cfg:3:" "'access.barrier'" "1.5" "0 to 1"

run_error "config vector element out of range" "$F/vector_element_out_of_range.cfg"
expect_err "config vector element out of range: message names parameter, element, value, range" \
    "vector_element_out_of_range.cfg:3:" "'needs.escalation_rate'" "element 2" "60" "0 to 52"

run_error "config wrong type string" "$F/wrong_type_string.cfg"
expect_err "config wrong type string: message names team.fte and what was expected" \
    "wrong_type_string.cfg:2:" "'team.fte'" "expected a number" "string"

run_error "config wrong type decimal for integer" "$F/wrong_type_int.cfg"
expect_err "config wrong type decimal for integer: message names the parameter and 'expected an integer'" \
    "wrong_type_int.cfg:2:" "'access.team_threshold'" "expected an integer"

run_error "config wrong type scalar for vector" "$F/wrong_type_vector_scalar.cfg"
expect_err "config wrong type scalar for vector: message names the parameter and the expected list" \
    "wrong_type_vector_scalar.cfg:2:" "'needs.escalation_rate'" "expected a list of 3 values"

run_error "config wrong vector length" "$F/wrong_type_vector_length.cfg"
expect_err "config wrong vector length: message names the parameter and 'expected 3 values, got 2'" \
    "wrong_type_vector_length.cfg:2:" "'needs.escalation_rate'" "expected 3 values, got 2"

run_error "config list for scalar" "$F/wrong_type_list_for_scalar.cfg"
expect_err "config list for scalar: message names the parameter and 'expected a single value'" \
    "wrong_type_list_for_scalar.cfg:2:" "'team.fte'" "expected a single value"

run_error "config missing scenario file" "$F/no_such_scenario.cfg"
expect_err "config missing scenario file: message names the file" "no_such_scenario.cfg" "cannot read"

# ---- --set overrides ---------------------------------------------------------------------
run_error "--set unknown name" "$BASELINE" "${SHORT[@]}" --set access.team_treshold=3
expect_err "--set unknown name: message mentions --set, the name and the suggestion" \
    "--set access.team_treshold=3" "'access.team_treshold'" "did you mean 'access.team_threshold'"

run_error "--set out of range" "$BASELINE" "${SHORT[@]}" --set access.barrier=1.5
expect_err "--set out of range: message mentions --set, parameter, value and range" \
    "--set access.barrier=1.5" "'access.barrier'" "1.5" "0 to 1"

run_error "--set not a number" "$BASELINE" "${SHORT[@]}" --set team.fte=many
expect_err "--set not a number: message mentions --set, parameter and 'expected'" \
    "--set team.fte=many" "'team.fte'" "expected a number" "'many'"

run_error "--set decimal for integer" "$BASELINE" "${SHORT[@]}" --set access.team_threshold=2.5
expect_err "--set decimal for integer: message mentions --set and 'expected an integer'" \
    "--set access.team_threshold=2.5" "'access.team_threshold'" "expected an integer"

run_error "--set too few vector values" "$BASELINE" "${SHORT[@]}" --set needs.escalation_rate=0.5
expect_err "--set too few vector values: message mentions --set and 'expected 3 values'" \
    "--set needs.escalation_rate=0.5" "'needs.escalation_rate'" "expected 3 values"

run_error "--set too many vector values" "$BASELINE" "${SHORT[@]}" --set needs.escalation_rate=1,2,3,4
expect_err "--set too many vector values: message mentions --set and 'expected 3 values'" \
    "--set needs.escalation_rate=1,2,3,4" "'needs.escalation_rate'" "expected 3 values"

run_error "--set two values for a scalar" "$BASELINE" "${SHORT[@]}" --set team.fte=6,7
expect_err "--set two values for a scalar: message mentions --set and 'expected 1 value'" \
    "--set team.fte=6,7" "'team.fte'" "expected 1 value"

run_error "--set without =" "$BASELINE" "${SHORT[@]}" --set team.fte
expect_err "--set without =: message mentions --set and 'expected name=value'" \
    "--set team.fte" "expected name=value"

# A good vector override is accepted (so the errors above are about the values).
wj params --set "needs.escalation_rate=[1.5, 2, 3]" --cfg
expect_rc "--set vector in brackets: accepted" 0
check "--set vector in brackets: value applied" \
    [ "$(cfg_value "$OUT" needs.escalation_rate)" = "[1.5, 2.0, 3.0]" ]

# ---- checks between parameters -----------------------------------------------------------
run_error "config deprivation_min > deprivation_max" "$F/deprivation_min_gt_max.cfg"
expect_err "config deprivation_min > deprivation_max: message names both parameters" \
    "'world.deprivation_min'" "'world.deprivation_max'" "min <= max"
expect_err "config deprivation_min > deprivation_max: message names where each was set" \
    "deprivation_min_gt_max.cfg:3" "deprivation_min_gt_max.cfg:4"
run_error "a cross-parameter error from --set" "$F/deprivation_min_gt_max.cfg" --set world.deprivation_max=0.5
expect_err "a cross-parameter error from --set: names --set and the file line" \
    "'world.deprivation_max' at --set" "deprivation_min_gt_max.cfg:3"

# Texts the output file could not store are refused before the run, not when it is written.
T=$(scratch big)
"$PY" -c "
import sys
steps = ',\n'.join('{ week = %d; team = { fte = %.1f; }; }' % ((40000 - 1 - i) % 5200, 5 + i % 10) for i in range(40000))
open(sys.argv[1] + '/policy.cfg', 'w').write('sim = { weeks = 5200; };\npolicy = (\n' + steps + '\n);\n')
open(sys.argv[1] + '/title.cfg', 'w').write('title = \"' + 'x' * 70000 + '\";\n')" "$T"
run_error "a policy of 40,000 steps" "$T/policy.cfg"
expect_err "a policy of 40,000 steps: says what fits" "40000 policy entries" "fewer policy steps"
run_error "a title over 64 KB" "$T/title.cfg"
expect_err "a title over 64 KB: says the limit" "'title'" "70000 characters" "at most 4096"

run_error "--set deprivation_min > deprivation_max" "$BASELINE" "${SHORT[@]}" \
    --set world.deprivation_min=0.9
expect_err "--set deprivation_min > deprivation_max: message names both parameters" \
    "'world.deprivation_min'" "'world.deprivation_max'"

run_error "population below 20 per neighbourhood" "$BASELINE" "${SHORT[@]}" \
    --set world.population=100 --set world.neighbourhoods=10
expect_err "population below 20 per neighbourhood: message names both parameters" \
    "'world.population'" "'world.neighbourhoods'"

# ---- @include layering -------------------------------------------------------------------
RUN_DIR=$(scratch config) # a cwd unrelated to the fixtures: includes resolve per file
wj params --cfg
defaults=$OUT
wj params "$F/include_override.cfg" --cfg
expect_rc "@include override: params --cfg exit status 0" 0
check "@include override: the including file's team.fte (9.25) wins over base.cfg's (5.5)" \
    [ "$(cfg_value "$OUT" team.fte)" = "9.25" ]
check "@include override: access.barrier set only in base.cfg is kept (0.25)" \
    [ "$(cfg_value "$OUT" access.barrier)" = "0.25" ]
check "@include override: sim.weeks from base.cfg is kept (26)" \
    [ "$(cfg_value "$OUT" sim.weeks)" = "26" ]
check "@include override: a value set nowhere keeps its default (team.hours_per_fte)" \
    [ -n "$(cfg_value "$OUT" team.hours_per_fte)" -a \
      "$(cfg_value "$OUT" team.hours_per_fte)" = "$(cfg_value "$defaults" team.hours_per_fte)" ]
resolved=$OUT

# The resolved configuration is itself a scenario that resolves to the same values.
printf '%s\n' "$resolved" > "$RUN_DIR/resolved.cfg"
wj params "$RUN_DIR/resolved.cfg" --cfg
check "@include override: params --cfg output loads back to the same configuration" \
    [ "$RC" -eq 0 -a "$OUT" = "$resolved" ]

wj params "$F/sub/nested_include.cfg" --cfg
expect_rc "@include nested from a subfolder: exit status 0" 0
check "@include nested from a subfolder: all three levels applied" \
    [ "$(cfg_value "$OUT" team.fte)" = "9.25" -a "$(cfg_value "$OUT" access.barrier)" = "0.25" \
      -a "$(cfg_value "$OUT" access.team_threshold)" = "3" ]

wj params "$F/include_override.cfg" --set team.fte=4.5 --cfg
check "@include override: --set overrides the scenario files" \
    [ "$RC" -eq 0 -a "$(cfg_value "$OUT" team.fte)" = "4.5" ]

run_error "@include of a missing file" "$F/include_missing.cfg"
expect_err "@include of a missing file: message names the missing file" "no_such_base.cfg"
expect_err "@include of a missing file: message names the including file and line" "include_missing.cfg:2: @include"

# A misspelt include gets the closest name in its folder.
T=$(scratch typo)
cp "$REPO_DIR/scenarios/baseline.cfg" "$T/base.cfg"
printf '@include "bsae.cfg"\n' > "$T/typo.cfg"
run_error "@include of a misspelt file" "$T/typo.cfg"
expect_err "@include of a misspelt file: suggests the close name" "typo.cfg:1:" 'did you mean "base.cfg"?'

# A block-comment opener inside a line comment or a string opens nothing: the include after it
# is read (here: from the scenario's own folder, so base.cfg's team.fte of 4.5 applies).
T=$(scratch comment)
printf 'team = { fte = 4.5; };\n' > "$T/base.cfg"
printf '# see /* the note\n// also /* here\ntitle = "a /* title";\n@include "base.cfg"\n' > "$T/c.cfg"
wj params --cfg "$T/c.cfg"
check "@include after /* in a # comment, a // comment and a string is applied" \
    [ "$RC" -eq 0 -a "$(cfg_value "$OUT" team.fte)" = "4.5" ]
printf '/* a block\n@include "base.cfg"\n*/\n' > "$T/b.cfg"
wj params --cfg "$T/b.cfg"
check "@include inside a block comment stays out" [ "$RC" -eq 0 -a "$(cfg_value "$OUT" team.fte)" != "4.5" ]

# Integers libconfig would wrap silently.
T=$(scratch ints)
printf 'sim = {\n  weeks = 5000000000;\n};\n' > "$T/int32.cfg"
run_error "an integer beyond 32 bits without L" "$T/int32.cfg"
expect_err "an integer beyond 32 bits: names file, line and the L suffix" "int32.cfg:2:" "5000000000" "L suffix"
printf 'team = { fte = 99999999999999999999; };\n' > "$T/int64.cfg"
run_error "an integer beyond 64 bits" "$T/int64.cfg"
expect_err "an integer beyond 64 bits: names file, line and the limit" "int64.cfg:1:" "64-bit"
printf '# 5000000000 in a comment\ntitle = "9999999999999";\nsim = { weeks = 520; };\n' > "$T/fine.cfg"
wj params --cfg "$T/fine.cfg"
check "large numbers in comments and strings are not integers" [ "$RC" -eq 0 ]

# Bytes a text editor or spreadsheet brings in.
T=$(scratch bytes)
printf 'team = { fte = 4.5; };\000\nno_such = 1;\n' > "$T/nul.cfg"
run_error "a NUL byte in a scenario" "$T/nul.cfg"
expect_err "a NUL byte: message names file, line and what is expected" "nul.cfg:1:" "NUL byte" "expected a text file"
printf '\357\273\277team = { fte = 4.5; };\n' > "$T/bom.cfg"
wj params --cfg "$T/bom.cfg"
check "a UTF-8 byte-order mark is accepted" [ "$RC" -eq 0 -a "$(cfg_value "$OUT" team.fte)" = "4.5" ]
printf 'access = {\n  barrier = 15%%;\n};\n' > "$T/pct.cfg"
run_error "a percentage" "$T/pct.cfg"
expect_err "a percentage: hint to write a fraction" "pct.cfg:2:" "write a share as a fraction: 0.15"
printf 'access = { barrier = 0,3; };\n' > "$T/comma.cfg"
run_error "a decimal comma" "$T/comma.cfg"
expect_err "a decimal comma: hint to write a point" "comma.cfg:1:" "write decimals with a point"

run_error "@include cycle" "$F/include_cycle.cfg"
expect_err "@include cycle: message names the including file and line, and the cycle" \
    "include_cycle.cfg:2:" "makes a cycle"

# ---- usage errors ------------------------------------------------------------------------
RUN_DIR=$(scratch usage)
wj frobnicate
expect_rc "usage unknown command: exit status 2" 2
expect_err "usage unknown command: message names it" "unknown command 'frobnicate'"

wj
expect_rc "usage no command: exit status 2" 2
expect_err "usage no command: usage on stderr" "usage: wijksim COMMAND"

wj run "$BASELINE" --bogus
expect_rc "usage unknown option: exit status 2" 2
expect_err "usage unknown option: message names it and points to run --help" \
    "unknown or incomplete option '--bogus'" "wijksim run --help"

wj run "$BASELINE" -o
expect_rc "usage option without its argument: exit status 2" 2

wj run
expect_rc "usage missing scenario: exit status 2" 2
expect_err "usage missing scenario: message says a scenario is expected" "SCENARIO.cfg"

wj run "$BASELINE" "$BASELINE"
expect_rc "usage two scenarios: exit status 2" 2

wj run "$BASELINE" --replicates 0
expect_rc "usage --replicates 0: exit status 2" 2
expect_err "usage --replicates 0: message names the option" "--replicates" "'0'"

wj run "$BASELINE" --seed abc
expect_rc "usage --seed abc: exit status 2" 2
expect_err "usage --seed abc: message names the option" "--seed" "'abc'"

wj run "$BASELINE" --seed -1
expect_rc "usage --seed -1: exit status 2" 2

wj run "$BASELINE" --seed " -1"
expect_rc "usage --seed ' -1' (leading space): exit status 2" 2

wj params --set world.deprivation_min=0.9 --cfg
expect_rc "params runs the cross-parameter checks: exit status 2" 2
expect_err "params cross-parameter check names both parameters" "world.deprivation_min" "world.deprivation_max"

wj run "$BASELINE" --threads 0
expect_rc "usage --threads 0: exit status 2" 2
expect_err "usage --threads 0: message names the option" "--threads"

wj params --bogus
expect_rc "usage params unknown option: exit status 2" 2
expect_err "usage params unknown option: points to params --help" "wijksim params --help"

wj series --bogus
expect_rc "usage series unknown option: exit status 2" 2
expect_err "usage series unknown option: points to series --help" "wijksim series --help"
expect_empty_dir "usage errors: nothing written in the current folder" "$RUN_DIR"

# ---- help and version --------------------------------------------------------------------
wj --help
expect_rc "help --help: exit status 0" 0
expect_out "help --help: lists the commands and exit statuses" \
    "usage: wijksim COMMAND" "run SCENARIO.cfg" "params" "series" "Exit status"

wj run --help
expect_rc "help run --help: exit status 0" 0
expect_out "help run --help: lists the run options" \
    "usage: wijksim run SCENARIO.cfg" "--output" "--seed" "--replicates" "--threads" "--set" "--force"
run_help=$OUT

wj help run
expect_rc "help help run: exit status 0" 0
check "help help run: same text as run --help" [ "$OUT" = "$run_help" ]

wj help params
check "help help params: params usage" eval '[ "$RC" -eq 0 ] && contains "$OUT" "usage: wijksim params"'
wj help series
check "help help series: series usage" eval '[ "$RC" -eq 0 ] && contains "$OUT" "usage: wijksim series"'

wj --version
expect_rc "help --version: exit status 0" 0
check "help --version: prints 'wijksim VERSION (commit ...)'" \
    eval '[[ $OUT =~ ^wijksim\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [^\)]+\)$ ]]'
expect_empty_dir "help and version: nothing written in the current folder" "$RUN_DIR"

finish
