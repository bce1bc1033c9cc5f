#!/usr/bin/python3
"""Mutation testing: every mutant of tests/mutants/mutants.txt (a deliberate break of the
model) is applied to its own copy of the tree, built without MPI and run against the tests
it names, which must kill it (print a FAIL line or exit non-zero).

The tree is what git tracks plus untracked files it does not ignore (a new test counts
before it is committed), as it is in the working copy now. It is copied and built once
(the base); the base's named tests must pass, or no verdict would mean anything. Each mutant
then starts from a copy of the built base, so only the broken file is recompiled and only
what its tests need is relinked (the named unit tests, or everything for a command-line
test). Two mutants run at a time (MUTANTS_JOBS). A mutant whose `find` text does not occur
exactly once is STALE and one that does not compile is BROKEN: both are failures of the
list, which must keep in step with the code. Exit status 0 only when every mutant was
KILLED (1 otherwise; 2 when the list, the base build or the base's tests are at fault).

Usage: mutants.py [ID...]    (no ID: all of them)
Environment: MUTANTS_JOBS (2), MUTANTS_TIMEOUT (seconds per test, 600; a test that runs
over kills its mutant), MUTANTS_KEEP=1 keeps the scratch folder, MUTANTS_LIST another list
(for testing this script). Standard library only."""

import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LIST = os.environ.get("MUTANTS_LIST") or os.path.join(HERE, "mutants.txt")
KEYS = ("id", "what", "file", "find", "replace", "tests")
JOBS = int(os.environ.get("MUTANTS_JOBS", "2"))
TIMEOUT = float(os.environ.get("MUTANTS_TIMEOUT", "600"))
MAKE = ["make", "--no-print-directory", "MPI=0"]


def parse(path):
    """The mutants of the list, in order, as dicts of KEYS; raises ValueError with the line."""
    mutants, cur, last = [], None, None
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            where = f"{os.path.relpath(path, REPO)}:{no}"
            if line.startswith("| ") or line == "|":
                if cur is None or last not in ("find", "replace"):
                    raise ValueError(f"{where}: a '| ' line continues only find or replace")
                cur[last] += "\n" + line[2:]
                continue
            if not line.strip() or line.startswith("#"):
                last = None
                continue
            m = re.match(r"([a-z]+):(?: (.*))?$", line)
            if not m or m.group(1) not in KEYS:
                raise ValueError(f"{where}: expected 'key: value' with key one of {', '.join(KEYS)}")
            key, value = m.group(1), m.group(2) or ""
            if key == "id":
                cur = {"line": where}
                mutants.append(cur)
            elif cur is None:
                raise ValueError(f"{where}: '{key}:' before the first 'id:'")
            if key in cur:
                raise ValueError(f"{where}: '{key}:' twice in mutant {cur.get('id')}")
            cur[key] = value
            last = key
    seen = set()
    for m in mutants:
        missing = [k for k in KEYS if k not in m]
        if missing:
            raise ValueError(f"{m['line']}: mutant {m.get('id')} lacks {', '.join(missing)}")
        if not re.match(r"^[A-Za-z0-9_-]+$", m["id"]) or m["id"] in seen:
            raise ValueError(f"{m['line']}: id '{m['id']}' is malformed or used twice")
        seen.add(m["id"])
        if not m["find"] or m["find"] == m["replace"]:
            raise ValueError(f"{m['line']}: mutant {m['id']}: find is empty or equals replace")
        m["tests"] = [test_path(t) for t in m["tests"].split()]
        if not m["tests"]:
            raise ValueError(f"{m['line']}: mutant {m['id']} names no test")
    return mutants


def test_path(name):
    """bin/tests/test_X or tests/cli/test_X.sh; a bare test_X or test_X.sh is completed."""
    if "/" in name:
        return name
    return f"tests/cli/{name}" if name.endswith(".sh") else f"bin/tests/{name}"


def tree_files():
    out = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], check=True, capture_output=True).stdout
    names = sorted(set(x.decode() for x in out.split(b"\0") if x))
    return [n for n in names if os.path.isfile(os.path.join(REPO, n))]


def copy_tree(files, dest):
    for name in files:
        os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
        shutil.copy2(os.path.join(REPO, name), os.path.join(dest, name))


def build(root, jobs, log, targets=("all", "unit-tests")):
    with open(log, "w") as f:
        return subprocess.run(MAKE + list(targets) + [f"-j{jobs}"], cwd=root, stdout=f,
                              stderr=subprocess.STDOUT).returncode == 0


def first_error(log):
    lines = open(log, errors="replace").read().splitlines()
    errs = [l.strip() for l in lines if "error:" in l] or [l.strip() for l in lines[-2:]]
    return errs[0][:300]


def run_test(root, test, scratch):
    """(killed, why, seconds) for one test in the tree at root."""
    tmp = tempfile.mkdtemp(dir=scratch, prefix="test.")
    env = dict(os.environ, BIN="bin", WIJKSIM=os.path.join(root, "bin", "wijksim"), TEST_TMP=tmp,
               OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"))
    cmd = ["bash", test] if test.endswith(".sh") else [os.path.join(root, test)]
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return True, f"over {TIMEOUT:g} s", time.time() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
    fails = [l for l in out.splitlines() if l.startswith("FAIL")]
    if fails:
        first = fails[0][5:].split(":")[0][:60]
        return True, f"{len(fails)} FAIL ({first}{', ...' if len(fails) > 1 else ''})", time.time() - start
    if p.returncode != 0:
        return True, f"exit {p.returncode}", time.time() - start
    return False, "passed", time.time() - start


def run_mutant(m, base, scratch):
    """(verdict, detail, seconds)."""
    start = time.time()
    src = os.path.join(base, m["file"])
    if not os.path.isfile(src):
        return "STALE", f"{m['file']} does not exist", 0
    with open(src, encoding="utf-8") as f:
        text = f.read()
    count = text.count(m["find"])
    if count != 1:
        return "STALE", f"find text occurs {count} times in {m['file']}", 0
    root = os.path.join(scratch, "m-" + m["id"])
    subprocess.run(["cp", "-a", base, root], check=True)
    with open(os.path.join(root, m["file"]), "w", encoding="utf-8") as f:
        f.write(text.replace(m["find"], m["replace"]))
    log = os.path.join(scratch, m["id"] + ".build.log")
    # Only what the tests need is rebuilt (the rest of the base is left as it was): the named
    # unit tests, or everything when a command-line test is named.
    cli = any(t.endswith(".sh") for t in m["tests"])
    if not build(root, 1, log, ("all", "unit-tests") if cli else m["tests"]):
        return "BROKEN", "does not compile: " + first_error(log), time.time() - start
    killers, others = [], []
    for t in m["tests"]:
        killed, why, secs = run_test(root, t, scratch)
        (killers if killed else others).append(f"{os.path.basename(t)}: {why} ({secs:.0f} s)")
    shutil.rmtree(root, ignore_errors=True)
    if killers:
        detail = "by " + "; ".join(killers)
        if others:
            detail += "; not by " + ", ".join(o.split(":")[0] for o in others)
        return "KILLED", detail, time.time() - start
    return "SURVIVED", "all passed: " + "; ".join(others), time.time() - start


def main(argv):
    t0 = time.time()
    try:
        mutants = parse(LIST)
    except ValueError as e:
        print(f"mutants: {e}")
        return 2
    if argv:
        unknown = [a for a in argv if a not in {m["id"] for m in mutants}]
        if unknown:
            print(f"mutants: no mutant {', '.join(unknown)} in {os.path.relpath(LIST, REPO)}; "
                  f"known: {' '.join(m['id'] for m in mutants)}")
            return 2
        mutants = [m for m in mutants if m["id"] in argv]
    scratch = tempfile.mkdtemp(prefix="wijksim-mutants.")
    try:
        base = os.path.join(scratch, "base")
        copy_tree(tree_files(), base)
        print(f"mutants: {len(mutants)} to run; building the base in {base}", flush=True)
        if not build(base, JOBS, os.path.join(scratch, "base.build.log")):
            print(open(os.path.join(scratch, "base.build.log"), errors="replace").read()[-2000:])
            print("mutants: the unmutated tree does not build")
            return 2
        tests = sorted({t for m in mutants for t in m["tests"]})
        missing = [t for t in tests if not os.path.isfile(os.path.join(base, t))]
        if missing:
            print(f"mutants: named tests that do not exist: {', '.join(missing)}")
            return 2
        # The named tests must pass on the unmutated tree, or a kill means nothing.
        with cf.ThreadPoolExecutor(JOBS) as pool:
            res = dict(zip(tests, pool.map(lambda t: run_test(base, t, scratch), tests)))
        bad = [f"{t}: {why}" for t, (killed, why, _) in res.items() if killed]
        print(f"mutants: base passes {len(tests) - len(bad)} of {len(tests)} named tests "
              f"({time.time() - t0:.0f} s)", flush=True)
        if bad:
            print("mutants: tests failing without a mutant:\n  " + "\n  ".join(bad))
            return 2
        results = {}
        with cf.ThreadPoolExecutor(JOBS) as pool:
            futures = {pool.submit(run_mutant, m, base, scratch): m for m in mutants}
            for fut in cf.as_completed(futures):
                m = futures[fut]
                results[m["id"]] = fut.result()
                verdict, detail, secs = results[m["id"]]
                print(f"{verdict:8} {m['id']} ({secs:.0f} s): {detail}", flush=True)
        width = max(len(m["id"]) for m in mutants)
        print(f"\n{'mutant':{width}}  verdict   what")
        for m in mutants:
            print(f"{m['id']:{width}}  {results[m['id']][0]:8}  {m['what']}")
        counts = {}
        for verdict, _, _ in results.values():
            counts[verdict] = counts.get(verdict, 0) + 1
        summary = ", ".join(f"{counts.get(v, 0)} {v.lower()}" for v in ("KILLED", "SURVIVED", "STALE", "BROKEN"))
        print(f"\n{len(mutants)} mutants: {summary} ({time.time() - t0:.0f} s)")
        return 0 if counts.get("KILLED", 0) == len(mutants) else 1
    finally:
        if os.environ.get("MUTANTS_KEEP") == "1":
            print(f"mutants: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
