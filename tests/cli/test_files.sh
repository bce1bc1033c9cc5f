#!/bin/bash
# Output files (sim/files.c, analysis/wijksim/files.py): a full disk, targets that are not
# files, files that appear during a run, stale temporary files, signals, and the sweep journal.
# Each case asserts the exit status, the message and what is (not) left behind.
source "$(dirname "$0")/lib.sh"
require_binary files
require_python files h5py numpy

D=$(scratch files)
export SOURCE_DATE_EPOCH=0
# A small town: a run takes well under a second.
printf '@include "%s"\nsim = { weeks = 104; burn_in_weeks = 20; };\nworld = { population = 3000; neighbourhoods = 2; };\n' \
    "$REPO_DIR/scenarios/baseline.cfg" > "$D/small.cfg"
# A slower one, for what must happen while a run is under way.
printf '@include "%s"\nsim = { weeks = 520; burn_in_weeks = 260; };\nworld = { population = 40000; neighbourhoods = 4; };\n' \
    "$REPO_DIR/scenarios/baseline.cfg" > "$D/slow.cfg"
cat > "$D/spec.cfg" <<'EOF'
base = "small.cfg";
design = "factorial";
replicates = 2;
seed = 5;
parameters = ( { name = "team.fte"; values = [6.0, 12.0]; } );
EOF

# ---- a full disk -------------------------------------------------------------------------
# ulimit -f caps each file this process writes (in KiB); with SIGXFSZ ignored a write past it
# fails with EFBIG, as a full disk fails with ENOSPC.
full_disk() { # full_disk KIB ARGS...: runs wijksim with files capped at KIB
    local kib=$1
    shift
    wj_capped() ( trap '' XFSZ; ulimit -f "$kib"; exec "$WIJKSIM" "$@" )
    (cd "$FD" && wj_capped "$@") >"$D/fd.out" 2>"$D/fd.err"
    RC=$?
    ERR=$(cat "$D/fd.err")
}
FD=$(scratch full)
full_disk 200 run "$D/small.cfg" -o "$FD/o.h5" -r 3
expect_rc "full disk, run: exit status 1 (no crash)" 1
expect_err "full disk, run: message names the target and the reason" "$FD/o.h5" "File too large"
expect_empty_dir "full disk, run: no file and no temporary file left" "$FD"

full_disk 200 compare "$D/small.cfg" "$D/small.cfg" -o "$FD/c.h5" -r 3 -q
expect_rc "full disk, compare: exit status 1 (no crash)" 1
expect_err "full disk, compare: message names the target and the reason" "$FD/c.h5" "File too large"
expect_empty_dir "full disk, compare: nothing left" "$FD"

wj sweep "$D/spec.cfg" -o "$D/s1.h5" -q
expect_rc "sweep for the merge cases runs" 0
cp "$D/s1.h5" "$D/s2.h5"
full_disk 100 merge "$D/s1.h5" "$D/s2.h5" -o "$FD/m.h5"
expect_rc "full disk, merge: exit status 1 (no crash)" 1
expect_err "full disk, merge: message names the target and the reason" "$FD/m.h5" "File too large"
expect_empty_dir "full disk, merge: nothing left" "$FD"

# The final write of a sweep: the journal fits, the sweep file does not. Only a small file
# system can tell the two apart (a per-file cap hits the larger journal first).
if [ "$(id -u)" = 0 ] && mkdir -p "$D/tmpfs" && mount -t tmpfs -o size=600k tmpfs "$D/tmpfs" 2>/dev/null; then
    wj sweep "$D/spec.cfg" -o "$D/tmpfs/s.h5" -q
    # The run may end at the journal or at the final file, depending on sizes: both are a
    # full disk, and either way the message names the file and the reason, and no temporary
    # file is left.
    expect_rc "full disk (tmpfs), sweep: exit status 1 (no crash)" 1
    expect_err "full disk (tmpfs), sweep: says no space is left" "No space left on device" "$D/tmpfs/s.h5"
    expect_no_tmp "full disk (tmpfs), sweep: no temporary file left" "$D/tmpfs"
    check "full disk (tmpfs), sweep: no half sweep file published" [ ! -e "$D/tmpfs/s.h5" ]
    umount "$D/tmpfs"
else
    echo "SKIP full disk (tmpfs), sweep: cannot mount a tmpfs here (needs root)"
fi

# ---- targets that are not files ----------------------------------------------------------
T=$(scratch targets)
mkfifo "$T/fifo"
RUN_DIR=$T
for cmd in "run $D/small.cfg -o fifo" "compare $D/small.cfg -o c.h5 --table fifo" \
           "sweep $D/spec.cfg -o fifo" "merge $D/s1.h5 -o fifo"; do
    # shellcheck disable=SC2086
    wj $cmd --force
    expect_rc "a FIFO as target (${cmd%% *} --force): exit status 2" 2
    expect_err "a FIFO as target (${cmd%% *} --force): says it is not a regular file" "fifo" "not a regular file"
    check "a FIFO as target (${cmd%% *} --force): still a FIFO" [ -p "$T/fifo" ]
done
timeout 60 "$PY" "$REPO_DIR/analysis/report.py" "$D/s1.h5" -o "$T/fifo" --force >/dev/null 2>"$D/rep.err"
RC=$?
ERR=$(cat "$D/rep.err")
expect_rc "a FIFO as target (report --force): exit status 2" 2
expect_err "a FIFO as target (report --force): says it is not a regular file" "not a regular file"
check "a FIFO as target (report --force): still a FIFO" [ -p "$T/fifo" ]
rm -f "$T/fifo"
expect_empty_dir "targets that are not files: nothing written" "$T"

wj run "$D/small.cfg" -o ""
expect_rc "an empty output name: exit status 2" 2
expect_err "an empty output name: says so" "output file name is empty"
wj compare "$D/small.cfg" -o "$T/c.h5" --table "$T/nodir/t.csv"
expect_rc "--table in a missing folder: exit status 2 before the run" 2
expect_err "--table in a missing folder: names the folder" "$T/nodir" "does not exist"
wj compare "$D/small.cfg" -o "$T/c.h5" --table "$T/c.h5"
expect_rc "--table equal to -o: exit status 2" 2
expect_err "--table equal to -o: says so" "the same file as the output"
mkdir "$T/folder"
wj sweep "$D/spec.cfg" -o "$T/folder" --force
expect_rc "sweep -o FOLDER --force: exit status 2 before any run" 2
expect_err "sweep -o FOLDER --force: says it is a folder" "is a folder"
check "sweep -o FOLDER --force: no journal written" [ ! -e "$T/folder.journal" ]
if [ "$(id -u)" != 0 ]; then
    mkdir "$T/ro" && chmod 555 "$T/ro"
    wj compare "$D/small.cfg" -o "$T/c.h5" --table "$T/ro/t.csv"
    expect_rc "--table in a read-only folder: exit status 2 before the run" 2
    chmod 755 "$T/ro"
else
    echo "SKIP --table in a read-only folder: root can write anywhere"
fi
rmdir "$T/folder" "$T/ro" 2>/dev/null
expect_empty_dir "early output checks: nothing written" "$T"

# ---- a file that appears during the run is never replaced without --force ----------------
C=$(scratch concurrent)
"$WIJKSIM" run "$D/slow.cfg" -o "$C/o.h5" -q --threads 1 2>"$C/err.txt" &
pid=$!
sleep 0.5
if kill -0 "$pid" 2>/dev/null; then
    echo "the other writer's file" > "$C/o.h5"
    wait "$pid"
    RC=$?
    ERR=$(cat "$C/err.txt")
    expect_rc "a file that appeared during the run: exit status 1" 1
    expect_err "a file that appeared during the run: says so" "appeared" "nothing was replaced"
    check "a file that appeared during the run: kept as it was" grep -q "the other writer's file" "$C/o.h5"
    expect_no_tmp "a file that appeared during the run: no temporary file left" "$C"
else
    wait "$pid"
    echo "SKIP a file that appeared during the run: the run ended within 0.5 s"
fi

# ---- signals and stale temporary files ---------------------------------------------------
S=$(scratch signals)
for sig in INT TERM HUP; do
    "$WIJKSIM" run "$D/slow.cfg" -o "$S/o.h5" -q --threads 1 2>/dev/null &
    pid=$!
    sleep 0.5
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check "SIG$sig: the run ends by the signal" [ $? -gt 128 ]
    expect_empty_dir "SIG$sig: no temporary file left" "$S"
done
# SIGPIPE: stdout to a pipe whose reader is gone (the run writes its summary at the end).
( "$WIJKSIM" run "$D/small.cfg" -o "$S/o.h5" 2>/dev/null; echo $? > "$S/../pipe.rc" ) | true
check "SIGPIPE: the run ends by the signal or an error" [ "$(cat "$S/../pipe.rc")" -ne 0 ]
rm -f "$S/o.h5" # SIGPIPE comes after the file was published; only the summary is lost
expect_empty_dir "SIGPIPE: no temporary file left" "$S"

host=$(hostname | tr '/' '_')
dead=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
: > "$S/o.h5.tmp.$host.$dead"     # a process that is gone
: > "$S/o.h5.tmp.20240101"        # not wijksim's form: a user's dated copy
: > "$S/o.h5.tmp.$host.99999999"  # a number no process can have: not wijksim's
: > "$S/o.h5.tmp.$host.$$"        # this shell's: alive
: > "$S/o.h5.tmp.otherhost.$dead" # another host's: cannot be asked
wj run "$D/small.cfg" -o "$S/o.h5" -q
expect_rc "stale temporary files: the run works" 0
check "stale temporary files of gone processes are removed" [ ! -e "$S/o.h5.tmp.$host.$dead" ]
check "temporary files of live processes and other hosts are kept" \
    [ -e "$S/o.h5.tmp.$host.$$" -a -e "$S/o.h5.tmp.otherhost.$dead" ]
check "files that only look like temporary files are kept" \
    [ -e "$S/o.h5.tmp.20240101" -a -e "$S/o.h5.tmp.$host.99999999" ]
rm -f "$S"/o.h5*
# A stale file with this very process's id (a container that always runs as pid 1 after a kill):
# removed, not a reason to fail.
(cd "$S" && sh -c ': > o.h5.tmp.$(hostname | tr / _).$$; exec "$0" run "$1" -o o.h5 -q' "$WIJKSIM" "$D/small.cfg")
check "a stale temporary file with the run's own process id does not stop it" [ $? -eq 0 -a -f "$S/o.h5" ]
expect_no_tmp "a stale temporary file with the run's own process id is removed" "$S"

# ---- damaged and foreign sweep files (merge, report) ---------------------------------------
H=$(scratch damaged)
"$PY" - "$D/s1.h5" "$H" <<'PYEOF'
import shutil, sys
import h5py, numpy as np
src, out = sys.argv[1], sys.argv[2]
def variant(name, change):
    path = f"{out}/{name}.h5"
    shutil.copy(src, path)
    with h5py.File(path, "r+") as f:
        change(f)
def fixed_array(f):
    del f.attrs["kind"]
    f.attrs.create("kind", np.array([b"sweep"] * 4000, dtype="S8"))
def vlen_array(f):
    del f.attrs["kind"]
    f.attrs.create("kind", ["sweep"] * 2000, dtype=h5py.string_dtype())
def runs_array(f):
    del f.attrs["runs"]
    f.attrs.create("runs", np.arange(5000, dtype=np.int64))
def rank12(f):
    name = sorted(f["municipality"])[0]
    del f["municipality"][name]
    f["municipality"].create_dataset(name, data=np.zeros((4,) + (1,) * 11))
def utf8(f):
    for k in ("kind", "spec_hash", "git_commit", "wijksim_version"):
        v = f.attrs[k]
        v = v.decode() if isinstance(v, bytes) else str(v)
        del f.attrs[k]
        f.attrs[k] = v  # h5py's default: a variable-length UTF-8 string
def bad_utf8(f):
    del f.attrs["kind"]
    f.attrs.create("kind", np.bytes_(b"\xff\xfe sweep"))
variant("fixed_array", fixed_array)
variant("vlen_array", vlen_array)
variant("zero_reps", lambda f: f.attrs.modify("replicates", np.int32(0)))
variant("runs_array", runs_array)
variant("rank12", rank12)
variant("no_runs", lambda f: f.__delitem__("runs"))
variant("utf8", utf8)
def runs_rank2(f):
    old = f["runs"][:]
    del f["runs"]
    f.create_dataset("runs", data=np.repeat(old[:, None], 3, axis=1))
def runs_big_endian(f):
    old = f["runs"][:]
    del f["runs"]
    f.create_dataset("runs", data=old.astype(old.dtype.newbyteorder(">")))
def runs_padded(f):
    old = f["runs"][:]
    del f["runs"]
    dt = np.dtype({"names": ["run", "x"], "formats": ["<i8", "<f8"], "offsets": [0, 32], "itemsize": 64})
    a = np.zeros(len(old), dtype=dt)
    a["run"] = old["run"]
    a["x"] = 1.5
    f.create_dataset("runs", data=a)
def external(f):
    old = f["municipality/cost_total"][:]
    del f["municipality/cost_total"]
    f.create_dataset("municipality/cost_total", data=old, external=[(out + "/victim.txt", 0, h5py.h5f.UNLIMITED)])
def row_overflow(f):
    del f["municipality/adults"]
    f.create_dataset("municipality/adults", shape=(4, 2**31, 2**30), dtype="<f8", chunks=(1, 1, 1024))
def hard_cycle(f):
    f["base/loop"] = f["base"]
def soft_cycle(f):
    f["base/up"] = h5py.SoftLink("/base")
open(out + "/victim.txt", "w").write("precious user data\n" * 200)
variant("runs_rank2", runs_rank2)
variant("runs_big_endian", runs_big_endian)
variant("runs_padded", runs_padded)
variant("external", external)
variant("row_overflow", row_overflow)
variant("hard_cycle", hard_cycle)
variant("soft_cycle", soft_cycle)
variant("no_municipality", lambda f: f.__delitem__("municipality"))
variant("bad_utf8", bad_utf8)
variant("kind_list", fixed_array)
PYEOF
RUN_DIR=$H
for v in fixed_array vlen_array zero_reps runs_array rank12 no_runs runs_rank2 row_overflow hard_cycle \
    soft_cycle no_municipality; do
    wj merge "$v.h5" "$D/s1.h5" -o "m_$v.h5"
    expect_rc "merge of a damaged sweep file ($v): exit status 2 (no crash)" 2
    expect_err "merge of a damaged sweep file ($v): says what is wrong" "not a wijksim sweep file"
    check "merge of a damaged sweep file ($v): nothing written" [ ! -e "$H/m_$v.h5" ]
    expect_no_tmp "merge of a damaged sweep file ($v): no temporary file" "$H"
done
wj merge utf8.h5 "$D/s1.h5" -o m_utf8.h5
expect_rc "merge accepts UTF-8 variable-length text attributes (as h5py writes them)" 0
# A series stored in an external file: merge must neither read it nor write into that file.
sum_before=$(md5sum "$H/victim.txt")
wj merge external.h5 -o m_external.h5
expect_rc "merge of a series stored outside the file: exit status 2" 2
expect_err "merge of a series stored outside the file: says so" "storage outside the file"
check "merge of a series stored outside the file: the outside file is untouched" [ "$(md5sum "$H/victim.txt")" = "$sum_before" ]
# Run tables of another layout or byte order: the runs keep their numbers.
for v in runs_big_endian runs_padded; do
    wj merge "$v.h5" -o "m_$v.h5"
    expect_rc "merge of a run table in another layout ($v): runs" 0
    check "merge of a run table in another layout ($v): the run numbers survive" \
        "$PY" -c "import h5py, numpy, sys; r = h5py.File(sys.argv[1])['runs']['run']; sys.exit(0 if list(r) == list(range(len(r))) else 1)" "$H/m_$v.h5"
done
for v in bad_utf8 kind_list; do
    timeout 60 "$PY" "$REPO_DIR/analysis/report.py" "$H/$v.h5" -o "$H/r_$v.html" >/dev/null 2>"$D/rep.err"
    RC=$?
    ERR=$(cat "$D/rep.err")
    expect_rc "report of a damaged file ($v): exit status 2" 2
    check "report of a damaged file ($v): a message, no traceback" \
        [ -n "$ERR" -a "$(grep -c Traceback "$D/rep.err")" = 0 ]
    check "report of a damaged file ($v): nothing written" [ ! -e "$H/r_$v.html" ]
done
RUN_DIR=

# ---- the sweep journal -------------------------------------------------------------------
J=$(scratch journal)
echo "my notes" > "$J/s.h5.journal"
wj sweep "$D/spec.cfg" -o "$J/s.h5" -q
expect_rc "a journal path holding another file: exit status 2" 2
expect_err "a journal path holding another file: says it is not a journal" "not a wijksim sweep journal"
check "a journal path holding another file: left as it was" grep -q "my notes" "$J/s.h5.journal"
check "a journal path holding another file: no sweep file" [ ! -e "$J/s.h5" ]
rm "$J/s.h5.journal"
mkfifo "$J/s.h5.journal"
wj sweep "$D/spec.cfg" -o "$J/s.h5" -q
expect_rc "a FIFO at the journal path: exit status 2 (no hang)" 2
check "a FIFO at the journal path: still a FIFO" [ -p "$J/s.h5.journal" ]

finish
