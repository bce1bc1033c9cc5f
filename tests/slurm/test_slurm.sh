#!/usr/bin/env bash
# The Slurm scripts of docs/slurm on a real Slurm: a one-node cluster on this machine
# (slurmctld and slurmd on 127.0.0.1, munged with a key of its own), a small sweep submitted
# as the job array of sweep_array.sbatch and merged by a job that depends on it, a shard
# resubmitted on its own, and the same sweep as the MPI job of sweep_mpi.sbatch, with srun's
# pmix plugin and with mpirun inside the allocation. Every result must be the file that
# `wijksim sweep` writes in one process here, to the bit.
#
#   make test-slurm                     installs slurm-wlm and munge, builds, runs this
#   tests/slurm/test_slurm.sh           needs them installed; WIJKSIM (default bin/wijksim)
#
# Not part of `make test`: it needs root (the daemons and the jobs run as root), and it takes
# about a minute, most of it Slurm starting jobs. Everything lives in one folder under /tmp:
# slurm.conf (SLURM_CONF points there), the munge key and socket, state, spool and logs;
# nothing in /etc is read or changed. The daemons it started are stopped on exit, also after
# a failure or Ctrl-C, and the folder is removed unless a check failed (then its path is
# printed, with the logs) or SLURM_TEST_KEEP=1. Prints PASS/FAIL lines and "TIME" lines with
# the seconds each stage took; exits 1 if a check failed.
set -u
D=$(mktemp -d /tmp/wijksim-slurm.XXXXXX) || exit 2
chmod 755 "$D" # munged wants every folder above its socket searchable by all
mkdir -p "$D/scratch"
export TEST_TMP=$D/scratch
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
case $WIJKSIM in /*) ;; *) WIJKSIM=$PWD/$WIJKSIM ;; esac

STARTED=() # pid files of the daemons this script started, stopped in reverse order
cleanup() {
    if [ -n "${SLURM_CONF:-}" ] && [ -f "$D/slurmctld.pid" ]; then
        scancel --user="$(id -un)" 2>/dev/null
        for _ in $(seq 1 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
    fi
    local i pid
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        pid=$(cat "${STARTED[i]}" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    done
    if [ "$N_FAILED" -eq 0 ] && [ -z "${SLURM_TEST_KEEP:-}" ]; then
        rm -rf "$D"
    else
        echo "slurm: the cluster's folder, logs included, is kept: $D"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop NAME WHY: a FAIL line, then the end (cleanup runs on exit).
stop() {
    fail "$1" "$2"
    finish
}

# Before anything starts: the tools and a binary with MPI.
require_binary slurm
require_python slurm h5py numpy
for cmd in slurmctld slurmd sbatch srun squeue sinfo scontrol scancel munged mungekey mpirun h5diff; do
    command -v "$cmd" >/dev/null ||
        stop "slurm: $cmd installed" "not found (make test-slurm installs slurm-wlm and munge)"
done
[ "$(id -u)" -eq 0 ] || stop "slurm: run as root" "slurmd runs jobs as their user only when it runs as root"
"$WIJKSIM" --version | grep -q "with MPI" ||
    stop "slurm: $WIJKSIM is built with MPI" "$("$WIJKSIM" --version)"

SECONDS_AT=$(date +%s.%N)
# lap LABEL: prints the seconds since the last lap.
lap() {
    local now
    now=$(date +%s.%N)
    awk -v a="$SECONDS_AT" -v b="$now" -v l="$1" 'BEGIN { printf "TIME %s: %.1f s\n", l, b - a }'
    SECONDS_AT=$now
}

# free_port FROM: the first TCP port from FROM on that nothing listens on.
free_port() {
    local p=$1
    while [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
    echo "$p"
}

# munge: a key of its own, its socket in the folder; Slurm finds it through AuthInfo.
mkdir -p "$D/munge"
chmod 755 "$D/munge"
mungekey --create --keyfile="$D/munge/munge.key" 2>"$D/munge/mungekey.err" &&
    chmod 600 "$D/munge/munge.key" ||
    stop "slurm: munge key" "$(cat "$D/munge/mungekey.err")"
STARTED+=("$D/munge/munged.pid")
munged --key-file="$D/munge/munge.key" --socket="$D/munge/munge.socket" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" \
    --seed-file="$D/munge/munged.seed" 2>>"$D/munge/munged.log" ||
    stop "slurm: munged starts" "$(tail -3 "$D/munge/munged.log" | tr '\n' ' ')"
munge -S "$D/munge/munge.socket" -n | unmunge -S "$D/munge/munge.socket" >/dev/null 2>&1 &&
    pass "slurm: munged starts and a credential decodes" ||
    stop "slurm: munged starts" "munge | unmunge failed; $(tail -3 "$D/munge/munged.log" | tr '\n' ' ')"

# slurm.conf: one node, this machine's cores and memory; a job's processes tracked as the
# descendants of its slurmstepd and no task plugin, as cgroups cannot be relied on in a container (so no cgroup.conf).
# Daemons and jobs as root, their files in the folder (TmpFS too, where the pmix plugin puts
# its folders); no accounting database, so the finished jobs' states come from slurmctld
# (MinJobAge keeps them there for 10 minutes).
NODE=$(hostname -s)
CPUS=$(nproc)
MEM=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
CTLD_PORT=$(free_port 16817)
SLURMD_PORT=$(free_port $((CTLD_PORT + 1)))
mkdir -p "$D/state" "$D/spool" "$D/log" "$D/jobs" "$D/tmp"
cat >"$D/slurm.conf" <<EOF
ClusterName=wijksimtest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
TmpFS=$D/tmp
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=600
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=${MEM:-1000} State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$D/slurm.conf
STARTED+=("$D/slurmctld.pid")
slurmctld -i 2>>"$D/log/slurmctld.log" ||
    stop "slurm: slurmctld starts" "$(tail -3 "$D/log/slurmctld.log" | tr '\n' ' ')"
STARTED+=("$D/slurmd.pid")
slurmd -N "$NODE" 2>>"$D/log/slurmd.log" ||
    stop "slurm: slurmd starts" "$(tail -3 "$D/log/slurmd.log" | tr '\n' ' ')"
state=
for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$NODE" -o %t 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] && pass "slurm: the node $NODE ($CPUS CPUs) is idle" ||
    stop "slurm: the node is idle" "sinfo says '$state'; $(tail -3 "$D/log/slurmd.log" | tr '\n' ' ')"
VERSION=$(sinfo --version)
echo "slurm: $VERSION, srun --mpi plugins: $(srun --mpi=list 2>&1 | sed -n 's/^\t//p' | tr '\n' ' ')"
lap "start munged, slurmctld, slurmd"

# wait_jobs TIMEOUT ID...: waits until no job (or array task) of the IDs is queued or running.
wait_jobs() {
    local limit=$1 ids
    shift
    ids=$(IFS=,; echo "$*")
    for _ in $(seq 1 $((limit * 2))); do
        [ -z "$(squeue -h -j "$ids" 2>/dev/null)" ] && return 0
        sleep 0.5
    done
    return 1
}

# job_states ID: each task's "JobState ExitCode", one line per task.
job_states() {
    scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\) .* ExitCode=\([0-9:]*\) .*/\1 \2/p'
}

# expect_completed NAME ID N: all N tasks of the job ended COMPLETED with exit code 0.
expect_completed() {
    local states ok
    states=$(job_states "$2")
    ok=$(printf '%s\n' "$states" | grep -c '^COMPLETED 0:0$')
    if [ "$ok" -eq "$3" ]; then
        pass "$1"
    else
        fail "$1" "$ok of $3 tasks completed: $(printf '%s\n' "$states" | sort | uniq -c | tr '\n' ' ')"
    fi
}

# same_file NAME A B: h5diff finds no difference, data or attributes, and every dataset is
# equal run for run (tests/cli/sweep_check.py). No attribute needs excluding:
# SOURCE_DATE_EPOCH=0 makes `created` equal, the spec is given by the same absolute path
# (`spec_file`), the same binary wrote both (`git_commit`), and a merged file's `shard` is
# empty like a whole sweep's.
same_file() {
    local out rc
    out=$(h5diff "$2" "$3" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] && pass "$1: h5diff finds no difference" ||
        fail "$1: h5diff finds no difference" "status $rc: $(printf '%s' "$out" | grep -v '^-*$' | head -4 | tr '\n' ' ')"
    "$PY" "$CLI_DIR/sweep_check.py" same "$2" "$3" "$1" | tee "$D/same.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || fail "$1: sweep_check.py same" "cannot read $2 or $3"
    N_FAILED=$((N_FAILED + $(grep -c '^FAIL' "$D/same.log")))
}

# The sweep: a town of 1,000 residents in 2 neighbourhoods, 10 weeks of burn-in and half a
# year of output (well under a second per run); 3 x 2 points x 2 replicates = 12 runs.
export SOURCE_DATE_EPOCH=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_WAIT_POLICY=passive
W=$D/sweep
mkdir -p "$W"
printf '@include "%s"\nsim = { weeks = 26; burn_in_weeks = 10; };\nworld = { population = 1000; neighbourhoods = 2; };\n' \
    "$REPO_DIR/scenarios/baseline.cfg" >"$W/base.cfg"
cat >"$W/spec.cfg" <<'EOF'
base = "base.cfg";
design = "factorial";
replicates = 2;
seed = 11;
parameters = (
  { name = "team.fte"; values = [6.0, 12.0]; },
  { name = "access.barrier"; min = 0.1; max = 0.4; levels = 3; }
);
EOF
SPEC=$W/spec.cfg
"$WIJKSIM" sweep "$SPEC" -o "$W/local.h5" --threads "$CPUS" -q
check "slurm: the sweep runs here in one process" [ -f "$W/local.h5" ]
lap "local sweep, $CPUS threads"

# The job array as docs/slurm/sweep_array.sbatch has it (10 shards) with one core per task
# instead of 4, so that two tasks run at a time; then the merge job of its header.
cd "$REPO_DIR" || stop "slurm: repository" "cannot cd to $REPO_DIR"
ARRAY=(sbatch --parsable --cpus-per-task=1 --output="$D/jobs/array_%A_%a.out"
    --export="ALL,SPEC=$SPEC,OUTDIR=$W/parts,WIJKSIM=$WIJKSIM" docs/slurm/sweep_array.sbatch)
jid=$("${ARRAY[@]}" 2>"$D/jobs/sbatch.err") ||
    stop "slurm: sbatch sweep_array.sbatch" "$(cat "$D/jobs/sbatch.err")"
mid=$(sbatch --parsable --dependency=afterok:"$jid" --ntasks=1 --cpus-per-task=1 --time=00:30:00 \
    --output="$D/jobs/merge_%j.out" \
    --wrap "$WIJKSIM merge $W/parts/part_*.h5 -o $W/parts/sweep.h5" 2>"$D/jobs/sbatch.err") ||
    stop "slurm: sbatch the merge job" "$(cat "$D/jobs/sbatch.err")"
wait_jobs 300 "$jid" "$mid" || fail "slurm: the array and the merge end within 5 minutes" "squeue: $(squeue -h | head -3)"
lap "job array of 10 shards and merge job (submit to end)"
expect_completed "slurm: the 10 array tasks complete" "$jid" 10
expect_completed "slurm: the merge job, after the array (afterok), completes" "$mid" 1
n=$(find "$W/parts" -name 'part_*.h5' | wc -l)
check "slurm: the array wrote 10 part files (got $n)" [ "$n" -eq 10 ]
grep -q "shard 9 (of shards 0-9)" "$D/jobs/array_${jid}_9.out" && pass "slurm: task 9 ran shard 9 of 10" ||
    fail "slurm: task 9 ran shard 9 of 10" "$(head -2 "$D/jobs/array_${jid}_9.out" | tr '\n' ' ')"
same_file "slurm: array merged by the merge job against the local sweep" "$W/local.h5" "$W/parts/sweep.h5"

# A shard resubmitted on its own, as the script's header says (--array=3,7): task 3 finds its
# part complete, task 7 runs its shard again; the merge is again the same file.
rm -f "$W/parts/part_7.h5"
ARRAY=("${ARRAY[@]:0:2}" "--array=3,7" "${ARRAY[@]:2}")
jid=$("${ARRAY[@]}" 2>"$D/jobs/sbatch.err") ||
    stop "slurm: sbatch --array=3,7" "$(cat "$D/jobs/sbatch.err")"
wait_jobs 120 "$jid" || fail "slurm: --array=3,7 ends within 2 minutes" "squeue: $(squeue -h | head -3)"
lap "resubmitted tasks 3 and 7"
expect_completed "slurm: resubmitted tasks 3 and 7 complete" "$jid" 2
grep -q "part_3.h5 is complete" "$D/jobs/array_${jid}_3.out" && pass "slurm: task 3 finds its part complete" ||
    fail "slurm: task 3 finds its part complete" "$(head -2 "$D/jobs/array_${jid}_3.out" | tr '\n' ' ')"
"$WIJKSIM" merge "$W"/parts/part_*.h5 -o "$W/merged_again.h5" -q
same_file "slurm: array with shard 7 rerun, merged, against the local sweep" "$W/local.h5" "$W/merged_again.h5"

# The MPI job as docs/slurm/sweep_mpi.sbatch has it (srun --mpi=pmix), on one node with one
# rank per core instead of 4 nodes of 32; then the same with mpirun inside the allocation.
for launch in "srun --mpi=pmix" mpirun; do
    tag=${launch##*[ =]} # pmix, mpirun
    jid=$(sbatch --parsable --nodes=1 --ntasks-per-node="$CPUS" --output="$D/jobs/mpi_${tag}_%j.out" \
        --export="ALL,SPEC=$SPEC,OUT=$W/mpi_$tag/sweep.h5,WIJKSIM=$WIJKSIM,MPI_LAUNCH=$launch" \
        docs/slurm/sweep_mpi.sbatch 2>"$D/jobs/sbatch.err") ||
        stop "slurm: sbatch sweep_mpi.sbatch ($launch)" "$(cat "$D/jobs/sbatch.err")"
    wait_jobs 300 "$jid" || fail "slurm: the MPI job ($launch) ends within 5 minutes" "squeue: $(squeue -h | head -3)"
    lap "MPI job of $CPUS ranks, $launch (submit to end)"
    expect_completed "slurm: the MPI job ($launch) completes" "$jid" 1
    log=$D/jobs/mpi_${tag}_$jid.out
    grep -q "12 to run on $CPUS MPI ranks" "$log" && pass "slurm: $launch starts $CPUS MPI ranks" ||
        fail "slurm: $launch starts $CPUS MPI ranks" "$(grep -v 'runs done' "$log" | head -3 | tr '\n' ' ')"
    same_file "slurm: MPI job ($launch) against the local sweep" "$W/local.h5" "$W/mpi_$tag/sweep.h5"
done

finish
