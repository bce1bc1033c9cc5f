#!/usr/bin/env python3
"""Checks of run files with a policy, for tests/cli/test_policy.sh.

    policy_check.py prefix A.h5 B.h5 WEEK [--differ-after]
    policy_check.py same A.h5 B.h5
    policy_check.py step F.h5 SERIES FIRST WEEK:VALUE...
    policy_check.py more A.h5 B.h5 SERIES WEEK MIN_COUNT
    policy_check.py rows F.h5 WEEK:PARAMETER:ELEMENT:VALUE...

Each prints one line per check, "PASS name" or "FAIL name: why", and exits 0 (the shell
script counts the FAIL lines); it exits 2 only when called wrongly.

Series are compared bit for bit (their bytes, so NaN ratios equal themselves): a policy step
must leave everything before its week exactly as the run without it.
"""
import math
import sys

import h5py
import numpy as np

TOPS = ("municipality", "neighbourhood")


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def series(f):
    return [(t, n) for t in TOPS if t in f for n in sorted(f[t]) if "kind" in f[t][n].attrs]  # not coordinates


def prefix(pa, pb, week, *flags):
    """Every series of B equals A's in the output weeks before WEEK (with --differ-after:
    and some series differs from WEEK on, else the step changed nothing)."""
    week = int(week)
    a, b = h5py.File(pa, "r"), h5py.File(pb, "r")
    names = series(a)
    differ = [f"{t}/{n}" for t, n in names if not same_bits(a[t][n][:, :week], b[t][n][:, :week])]
    report(f"policy: all {len(names)} series equal the run without the policy in weeks 0-{week - 1}",
           bool(names) and not differ, f"{len(differ)} differ, e.g. {differ[:4]}")
    if "--differ-after" in flags:
        after = [f"{t}/{n}" for t, n in names if not same_bits(a[t][n][:, week:], b[t][n][:, week:])]
        report(f"policy: the step changes some series from week {week} on ({len(after)} of {len(names)})",
               bool(after), "every series is identical after the step week: the step did nothing")


def same(pa, pb):
    """Every series of A equals B's, bit for bit."""
    a, b = h5py.File(pa, "r"), h5py.File(pb, "r")
    names = series(a)
    differ = [f"{t}/{n}" for t, n in names if n not in b[t] or not same_bits(a[t][n][()], b[t][n][()])]
    report(f"policy: all {len(names)} series of the two runs are identical", bool(names) and not differ,
           f"{len(differ)} differ, e.g. {differ[:4]}")


def step(path, name, first, *changes):
    """municipality/SERIES is piecewise constant: FIRST before the first change, and from each
    change WEEK:VALUE (in order of week) that value, in every replicate."""
    v = h5py.File(path, "r")["municipality"][name][()]
    edges = [(0, float(first))] + [(int(c.split(":")[0]), float(c.split(":")[1])) for c in changes]
    for i, (week, value) in enumerate(edges):
        end = edges[i + 1][0] if i + 1 < len(edges) else v.shape[1]
        part = v[:, week:end]
        if end <= week:
            continue
        ok = part.size > 0 and bool(np.all(np.abs(part - value) <= 1e-9 * abs(value)))
        report(f"policy: {name} is {value:g} in weeks {week}-{end - 1}", ok,
               f"values {sorted(set(np.round(part.ravel(), 6).tolist()))[:6]}"
               + ("" if part.size else f" (the run has {v.shape[1]} weeks)"))


def more(pa, pb, name, week, min_count):
    """The count SERIES (summed over replicates, the weeks from WEEK on, and domains) is
    higher in B, by more than 3 Poisson standard errors of the difference; the run without
    the step must have at least MIN_COUNT events (a guard: too few to tell otherwise)."""
    week, min_count = int(week), float(min_count)
    a = float(h5py.File(pa, "r")["municipality"][name][:, week:].sum())
    b = float(h5py.File(pb, "r")["municipality"][name][:, week:].sum())
    se = math.sqrt(a + b)
    if a < min_count:
        report(f"policy: {name} from week {week} on higher after the step", False,
               f"only {a:g} events without the step, at least {min_count:g} needed")
        return
    report(f"policy: {name} from week {week} on higher after the step ({a:g} -> {b:g})",
           b - a > 3 * se, f"difference {b - a:g}, 3 standard errors {3 * se:.4g}")


def rows(path, *want):
    """/policy holds exactly the rows WEEK:PARAMETER:ELEMENT:VALUE, in order."""
    d = h5py.File(path, "r")["policy"][()]
    got = [f"{int(r['week'])}:{r['parameter'].decode()}:{int(r['element'])}:{float(r['value']):g}" for r in d]
    want = [f"{w.split(':')[0]}:{w.split(':')[1]}:{w.split(':')[2]}:{float(w.split(':')[3]):g}" for w in want]
    report(f"policy: /policy holds the {len(want)} rows of the file's steps", got == want,
           f"got {got}, expected {want}")


def main():
    cmds = {"prefix": prefix, "same": same, "step": step, "more": more, "rows": rows}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmds[sys.argv[1]](*sys.argv[2:])
    except (OSError, KeyError, ValueError) as e:
        print(f"FAIL policy check {sys.argv[1]}: cannot read the input: {e!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
