# Shared helpers for the command-line tests (tests/cli/test_*.sh); sourced, not run.
#
# The runner (tests/run_tests.sh) sets WIJKSIM (the binary) and TEST_TMP (a scratch folder
# shared by all scripts); run alone, a script falls back to bin/wijksim and a fresh folder.
# Every check prints exactly one line, "PASS name" or "FAIL name: why"; `finish` ends the
# script with status 1 if any check failed.

CLI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$CLI_DIR/../.." && pwd)
FIXTURES=$CLI_DIR/fixtures
WIJKSIM=${WIJKSIM:-$REPO_DIR/bin/wijksim}
TEST_TMP=${TEST_TMP:-$(mktemp -d)}
N_FAILED=0

# A short run: half a year of output after ten weeks of burn-in, 20,000 residents.
SHORT=(--set sim.weeks=26 --set sim.burn_in_weeks=10 --set world.population=20000)

# small_base FILE WEEKS BURN_IN NEIGHBOURHOODS: a scenario file that is the baseline in a
# 20,000-resident town, for tests that need a base scenario on disk (sweeps, reports).
small_base() {
    printf '@include "%s"\nsim = { weeks = %d; burn_in_weeks = %d; };\nworld = { population = 20000; neighbourhoods = %d; };\n' \
        "$REPO_DIR/scenarios/baseline.cfg" "$2" "$3" "$4" > "$1"
}

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $2"
    N_FAILED=$((N_FAILED + 1))
}

# check NAME COMMAND...: PASS when the command succeeds.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}

finish() { [ "$N_FAILED" -eq 0 ] && exit 0 || exit 1; }

# Stops the script when the binary is missing (one FAIL line instead of dozens).
require_binary() {
    if [ ! -x "$WIJKSIM" ]; then
        fail "${1:-setup}: wijksim binary" "'$WIJKSIM' is not an executable (run make)"
        finish
    fi
}

# require_python LABEL MODULE...: Debian's Python ($PY) must import the modules, else the
# script fails with what to install and stops.
PY=/usr/bin/python3
require_python() {
    local label=$1 mods
    shift
    mods=$(IFS=,; echo "$*")
    if ! "$PY" -c "import $mods" 2>/dev/null; then
        fail "$label: python" "$PY cannot import $* (apt-get install $(printf 'python3-%s ' "$@"))"
        finish
    fi
}

# A fresh, empty scratch folder under TEST_TMP (which all scripts share).
scratch() { mktemp -d "$TEST_TMP/${1:-cli}.XXXXXX"; }

# wj ARGS...: runs wijksim in folder $RUN_DIR (default: the current one) and sets RC, OUT
# (stdout) and ERR (stderr).
wj() {
    local o e
    o=$(mktemp "$TEST_TMP/wj.out.XXXXXX")
    e=$(mktemp "$TEST_TMP/wj.err.XXXXXX")
    (cd "${RUN_DIR:-.}" && exec "$WIJKSIM" "$@") >"$o" 2>"$e"
    RC=$?
    OUT=$(cat "$o")
    ERR=$(cat "$e")
    rm -f "$o" "$e"
}

# expect_rc NAME WANT: checks RC from the last wj.
expect_rc() {
    if [ "$RC" -eq "$2" ]; then
        pass "$1"
    else
        fail "$1" "exit status $RC, expected $2; stderr: $(printf '%s' "$ERR" | head -3 | tr '\n' ' ')"
    fi
}

# contains TEXT NEEDLE...: every needle occurs in TEXT (fixed strings).
contains() {
    local text=$1 s
    shift
    for s in "$@"; do
        case $text in *"$s"*) ;; *) return 1 ;; esac
    done
}

# expect_err NAME NEEDLE...: stderr of the last wj contains every needle.
expect_err() {
    local name=$1 s missing=()
    shift
    for s in "$@"; do contains "$ERR" "$s" || missing+=("[$s]"); done
    if [ ${#missing[@]} -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "stderr lacks ${missing[*]}; stderr: $(printf '%s' "$ERR" | head -3 | tr '\n' ' ')"
    fi
}

# expect_out NAME NEEDLE...: the same for stdout.
expect_out() {
    local name=$1 s missing=()
    shift
    for s in "$@"; do contains "$OUT" "$s" || missing+=("[$s]"); done
    if [ ${#missing[@]} -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "stdout lacks ${missing[*]}; stdout: $(printf '%s' "$OUT" | head -3 | tr '\n' ' ')"
    fi
}

# expect_empty_dir NAME DIR: nothing (no output file, no *.tmp.* file) was written there.
expect_empty_dir() {
    local left
    left=$(ls -A "$2" 2>/dev/null | head -5 | tr '\n' ' ')
    if [ -d "$2" ] && [ -z "$left" ]; then pass "$1"; else fail "$1" "folder $2 holds: ${left:-<folder missing>}"; fi
}

# expect_no_tmp NAME DIR: no temporary "*.tmp.*" output file is left in DIR.
expect_no_tmp() {
    local left
    left=$(cd "$2" && ls -A | grep -F '.tmp.' | head -5 | tr '\n' ' ')
    if [ -z "$left" ]; then pass "$1"; else fail "$1" "left behind in $2: $left"; fi
}

# h5_attr FILE PATH: the value of one attribute (PATH like /seed or /group/dataset/attr) as
# h5dump prints it, quotes removed; a multi-line string keeps its lines.
h5_attr() {
    h5dump -a "$2" "$1" 2>/dev/null | awk '
        /^   DATA \{$/ { on = 1; next }
        on && /^   \}$/ { exit }
        on { sub(/^ *(\(0\): )?/, ""); print }' | sed -e '1s/^"//' -e '$s/"$//'
}

# h5_dims FILE OBJECT: the dimensions of a dataset as h5ls prints them, e.g. "{2, 26}".
h5_dims() {
    h5ls "$1/$2" 2>/dev/null | sed -n 's/^.*Dataset \({.*}\).*$/\1/p'
}

# h5_objects FILE: every group and dataset path, and every attribute as PATH@NAME (the root's
# as /@NAME), from the header that h5dump -A prints.
h5_objects() {
    h5dump -A "$1" 2>/dev/null | awk '
        match($0, /^ *(GROUP|DATASET|ATTRIBUTE) "/) {
            lead = match($0, /[^ ]/) - 1; depth = lead / 3
            kind = $1; name = $0
            sub(/^ *[A-Z]+ "/, "", name); sub(/" \{$/, "", name)
            if (kind == "ATTRIBUTE") {
                parent = path[depth - 1]
                print (parent == "" ? "/" : parent) "@" name
                next
            }
            path[depth] = depth == 0 ? "" : path[depth - 1] "/" name
            print (depth == 0 ? "/" : path[depth])
        }'
}

# h5_data FILE DATASET: the values of a dataset, one per line, in storage order.
h5_data() {
    h5dump -y -w 0 -d "$2" "$1" 2>/dev/null | awk '
        /^   DATA \{$/ { on = 1; next }
        on && /^   \}$/ { exit }
        on { gsub(/[ ,]+/, "\n"); printf "%s", $0; print "" }' | sed '/^$/d'
}
