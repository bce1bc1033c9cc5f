#!/usr/bin/env bash
# The command line's habits: standard output holds data only (a --format table parses as
# CSV without junk rows; log lines go to standard error), progress on standard error with the
# share done and the time left (a line per tenth when it is not a terminal, nothing with
# --quiet), help for an unknown command exits 2, -V, --verbose, the manual page and the
# bash completion.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_binary cli
require_python cli h5py

D=$(scratch cli)
export OMP_WAIT_POLICY=passive
small_base "$D/base.cfg" 104 26 3
cat > "$D/policy.cfg" <<'EOF'
@include "base.cfg"
title = "Fewer FTE";
policy = ( { year = 2; team = { fte = 8.0; }; } );
EOF

lacks() { ! contains "$@"; }

# is_csv NAME COLUMNS ROWS: $OUT is CSV with COLUMNS fields on every row and ROWS data rows.
is_csv() {
    local name=$1 cols=$2 rows=$3 got
    got=$(printf '%s\n' "$OUT" | "$PY" -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
widths = sorted({len(r) for r in rows})
print(len(rows) - 1, ",".join(map(str, widths)))')
    check "$name ($got)" [ "$got" = "$rows $cols" ]
}

# ---- standard output: data only ---------------------------------------------------------
wj run "$D/base.cfg" -o "$D/run.h5" --format csv
expect_rc "run --format csv: exit status 0" 0
is_csv "run --format csv: standard output is a CSV of 16 quantities, 3 columns" 3 16
check "run --format csv: the header names the columns" [ "$(printf '%s\n' "$OUT" | head -1)" = "quantity,value,unit" ]
expect_err "run --format csv: what the run was and its file on standard error" "wijksim 0." "Simulated" "Output: $D/run.h5"
wj run "$D/base.cfg" -o "$D/run_md.h5" --format markdown -q
check "run --format markdown -q: the table alone, 16 rows under a header" \
    [ "$(printf '%s\n' "$OUT" | grep -c '^| ')" -eq 17 -a "$(printf '%s\n' "$OUT" | wc -l)" -eq 18 -a -z "$ERR" ]
wj run "$D/base.cfg" -o "$D/run2.h5"
expect_out "run: the summary on standard output" "Municipality, mean over the last 52 weeks" "unmet need"
check "run: no log lines on standard output" lacks "$OUT" "Simulated"
check "run: no file name on standard output" lacks "$OUT" "Output:"
expect_err "run: time and file on standard error" "Simulated" "Output: $D/run2.h5"
wj run "$D/base.cfg" -o "$D/run3.h5" --format json
expect_rc "run --format json: exit status 2" 2
expect_err "run --format json: names what is expected" "--format: expected text, csv or markdown, got 'json'"
check "run --format json: nothing written" [ ! -e "$D/run3.h5" ]

wj compare "$D/base.cfg" "$D/policy.cfg" -r 2 --horizon 1 -o "$D/cmp.h5" --format csv
expect_rc "compare --format csv: exit status 0" 0
ncmp=$(grep -c '^OUTCOME(' "$REPO_DIR/core/outcomes.def")
is_csv "compare --format csv: standard output is the tidy CSV alone (outcomes x 2 scenarios, 12 columns)" 12 $((ncmp * 2))
expect_err "compare --format csv: time and file on standard error" "Simulated" "Output: $D/cmp.h5"

printf 'base = "base.cfg"; design = "factorial"; replicates = 1; horizons = [1];\nparameters = ( { name = "team.fte"; values = [8.0, 10.0]; } );\n' > "$D/spec.cfg"
wj sweep "$D/spec.cfg" -o "$D/sweep.h5"
expect_rc "sweep: exit status 0" 0
check "sweep: nothing on standard output (the results are the file)" [ -z "$OUT" ]
expect_err "sweep: what it runs, its time and file on standard error" "2 points x 1 replicate" "Output: $D/sweep.h5"
wj merge "$D/sweep.h5" -o "$D/merged.h5"
check "merge: nothing on standard output" [ -z "$OUT" -a "$RC" -eq 0 ]
expect_err "merge: the merged file on standard error" "Merged 1 file: $D/merged.h5"

# ---- progress -----------------------------------------------------------------------------
# A run of two to three seconds on one thread, standard error a file: a line per tenth after the
# first second, with the share done, the weeks and the time left, ending at 100 %.
printf '@include "%s"\nsim = { weeks = 260; burn_in_weeks = 52; };\nworld = { population = 150000; neighbourhoods = 4; };\n' \
    "$REPO_DIR/scenarios/baseline.cfg" > "$D/slow.cfg"
wj run "$D/slow.cfg" -o "$D/slow.h5" -t 1
lines=$(printf '%s\n' "$ERR" | grep -c '^wijksim run: *[0-9]* % ([0-9]* of 312 weeks), [0-9]* s so far')
secs=$(printf '%s\n' "$ERR" | sed -n 's/^Simulated .* in \([0-9.]*\) s.*/\1/p')
if awk -v s="${secs:-0}" 'BEGIN { exit !(s >= 1.5) }'; then
    check "progress: a line per tenth after the first second ($lines lines in $secs s)" \
        [ "$lines" -ge 2 -a "$lines" -le 10 ]
    check "progress: the last line is 100 %" contains "$ERR" "wijksim run: 100 % (312 of 312 weeks)"
    check "progress: says the time left" contains "$ERR" " left"
    check "progress: no carriage returns outside a terminal" lacks "$ERR" $'\r'
else
    echo "SKIP progress lines: the run took ${secs:-?} s, too quick to show progress on this machine"
fi
wj run "$D/slow.cfg" -o "$D/slow_q.h5" -t 1 -q
check "progress: --quiet writes nothing on standard error" [ -z "$ERR" -a -z "$OUT" -a "$RC" -eq 0 ]

# ---- help, version, verbose ----------------------------------------------------------------
wj help frobnicate
expect_rc "help UNKNOWN: exit status 2" 2
expect_err "help UNKNOWN: names the command" "help: unknown command 'frobnicate'"
wj help sweep
expect_rc "help sweep: exit status 0" 0
expect_out "help sweep: the sweep usage" "usage: wijksim sweep"
wj -V
expect_rc "-V: exit status 0" 0
expect_out "-V: prints the version like --version" "wijksim 0." "commit"
wj run "$D/policy.cfg" -o "$D/v.h5" --set team.fte=9 -v -q
check "run --verbose -q: quiet wins (nothing said)" [ -z "$ERR" -a "$RC" -eq 0 ]
wj run "$D/policy.cfg" -o "$D/v2.h5" --set world.neighbourhoods=4 --verbose
expect_err "run --verbose: the parameters set, their defaults and where they were set" \
    "Parameters that differ from the defaults:" "sim.weeks = 104 (default " "$D/base.cfg:2)" \
    "world.neighbourhoods = 4 (default " "; --set)"
expect_err "run --verbose: the policy steps with their weeks" "week 52 (year 2): team.fte = 8" "$D/policy.cfg:3"
expect_err "run --verbose: the memory per resident" "bytes per resident"
wj compare "$D/base.cfg" "$D/policy.cfg" -r 1 --horizon 1 -o "$D/cmpv.h5" -v
expect_err "compare --verbose: each scenario and what it shares" "Scenario 2, Fewer FTE" "shares the history of"

# ---- the manual page -----------------------------------------------------------------------
"$WIJKSIM" manpage > "$D/wijksim.1"
warn=$(groff -man -Tutf8 -ww -z "$D/wijksim.1" 2>&1)
check "manpage: groff renders it without warnings${warn:+ ($(printf '%s' "$warn" | head -2 | tr '\n' ' '))}" [ -z "$warn" ]
text=$(groff -man -Tutf8 -P-cbou "$D/wijksim.1" 2>/dev/null)
missing=()
for c in run compare sweep merge report params series; do
    "$WIJKSIM" help "$c" | grep -oE '(^|[][ ,|])--[a-z][a-z-]*' | sed 's/^[][ ,|]//' | sort -u > "$D/opts"
    while read -r o; do contains "$text" "$o" || missing+=("$c $o"); done < "$D/opts"
done
check "manpage: every option of every command is in it${missing:+ (missing: ${missing[*]:0:5})}" [ ${#missing[@]} -eq 0 ]
"$WIJKSIM" params --names > "$D/names"
nparams=$(wc -l < "$D/names")
nabsent=0
while read -r p; do contains "$text" "$p" || nabsent=$((nabsent + 1)); done < "$D/names"
check "manpage: all $nparams parameters are in it ($nabsent missing)" [ "$nparams" -gt 100 -a "$nabsent" -eq 0 ]
check "params --names: one name per line, as many as the markdown table has rows" \
    [ "$nparams" -eq "$("$WIJKSIM" params --markdown | grep -c '^| `')" ]

# ---- bash completion -----------------------------------------------------------------------
# complete WORDS...: the completions bash offers for the last word (empty for a new word).
complete_words() {
    (cd "$D/comp" && bash --norc --noprofile -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _wijksim
        printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$REPO_DIR/contrib/wijksim.bash" "$WIJKSIM" "$@")
}
mkdir -p "$D/comp/sub"
touch "$D/comp/scen.cfg" "$D/comp/scen.h5" "$D/comp/scen.html" "$D/comp/sweep.cfg"
got=$(complete_words "" | tr '\n' ' ')
check "completion: the commands ($got)" contains "$got" " compare " " merge " " run " " series " " sweep " " report "
got=$(complete_words sw | tr '\n' ' ')
check "completion: sw -> sweep ($got)" [ "$got" = "sweep " ]
got=$(complete_words run --re | tr '\n' ' ')
check "completion: run --re -> --replicates ($got)" [ "$got" = "--replicates " ]
got=$(complete_words sweep --sh | tr '\n' ' ')
check "completion: sweep --sh -> --shard ($got)" [ "$got" = "--shard " ]
got=$(complete_words run --set world.popu | tr '\n' ' ')
check "completion: --set world.popu -> world.population= ($got)" [ "$got" = "world.population= " ]
got=$(complete_words run sc | tr '\n' ' ')
check "completion: run takes .cfg files ($got)" [ "$got" = "scen.cfg " ]
got=$(complete_words report "" | tr '\n' ' ')
check "completion: report takes .h5 files and folders ($got)" [ "$got" = "scen.h5 sub " ]
got=$(complete_words compare a.cfg --format "" | tr '\n' ' ')
check "completion: --format values ($got)" [ "$got" = "csv markdown text " ]
got=$(complete_words help com | tr '\n' ' ')
check "completion: help com -> compare ($got)" [ "$got" = "compare " ]

finish
