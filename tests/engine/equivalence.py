#!/usr/bin/python3
"""The engine gives the same model: the outcome distributions of a comparison run now against
those recorded from an earlier engine (the performance issue: "individual random draws may
change; the distribution of outcomes may not").

    equivalence.py record COMPARISON.h5 FIXTURE.json --command "..."   write the fixture
    equivalence.py check  COMPARISON.h5 FIXTURE.json                  compare, exit 1 if not

The fixture holds, per scenario and outcome at the last horizon, every replicate's value
(besides mean and 95 % interval, for people to read). The check runs the comparison with
another seed (an independent sample, so that an unchanged engine is not compared with
itself), and tests each scenario x outcome with Welch's two-sample t test; the p values are
corrected for the number of tests with Holm's method, and the family is rejected at 1 %. An
outcome that does not vary in either sample must have the same value in both.
"""
import argparse
import json
import sys

import h5py
import numpy as np
from scipy import stats

ALPHA = 0.01
MIN_REPLICATES = 30


def read(path):
    """{scenario label: {outcome: [replicate values]}} at the last horizon, and that horizon."""
    out = {}
    with h5py.File(path, "r") as f:
        for g in f["scenarios"]:
            grp = f["scenarios"][g]
            d = grp["outcomes"]
            names = d.attrs["outcome_names"]
            names = (names.decode() if isinstance(names, bytes) else str(names)).split(",")
            hz = list(np.atleast_1d(d.attrs["horizon_years"]))
            v = d[:, -1, :]
            label = grp.attrs["label"]
            label = label.decode() if isinstance(label, bytes) else str(label)
            out[label] = {n: v[:, k].tolist() for k, n in enumerate(names)}
    return out, int(hz[-1])


def summary(x):
    x = np.asarray(x, float)
    m, s = x.mean(), x.std(ddof=1)
    h = stats.t.ppf(0.975, len(x) - 1) * s / np.sqrt(len(x))
    return {"mean": m, "ci": [m - h, m + h]}


def record(a):
    values, horizon = read(a.file)
    reps = min(len(next(iter(o.values()))) for o in values.values())
    if reps < MIN_REPLICATES:
        sys.exit(f"equivalence: {reps} replicates; the fixture needs at least {MIN_REPLICATES}")
    fixture = {"command": a.command, "horizon_year": horizon, "replicates": reps,
               "scenarios": {s: {n: {"values": v, **summary(v)} for n, v in o.items()}
                             for s, o in values.items()}}
    with open(a.fixture, "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"equivalence: recorded {len(values)} scenarios x {len(next(iter(values.values())))} "
          f"outcomes x {reps} replicates at year {horizon} in {a.fixture}")


def holm(p):
    """Holm-adjusted p values (step-down, monotone)."""
    p = np.asarray(p, float)
    order = np.argsort(p)
    adj = np.empty_like(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adj[i] = running
    return adj


def check(a):
    with open(a.fixture) as f:
        fixture = json.load(f)
    values, horizon = read(a.file)
    if horizon != fixture["horizon_year"]:
        sys.exit(f"equivalence: horizon year {horizon}, the fixture has {fixture['horizon_year']}")
    rows, pvals = [], []
    for s, outs in fixture["scenarios"].items():
        if s not in values:
            sys.exit(f"equivalence: scenario '{s}' of the fixture is not in {a.file}")
        for n, rec in outs.items():
            old, new = np.asarray(rec["values"], float), np.asarray(values[s][n], float)
            if len(new) < MIN_REPLICATES:
                sys.exit(f"equivalence: {len(new)} replicates; the check needs {MIN_REPLICATES}")
            if np.all(np.isnan(old)) and np.all(np.isnan(new)):
                continue
            old, new = old[~np.isnan(old)], new[~np.isnan(new)]
            if old.std() == 0 and new.std() == 0:
                p = 1.0 if old[0] == new[0] else 0.0
            else:
                p = stats.ttest_ind(old, new, equal_var=False).pvalue
            rows.append((s, n, old.mean(), new.mean()))
            pvals.append(p)
    adj = holm(pvals)
    bad = 0
    for (s, n, mo, mn), p, q in zip(rows, pvals, adj):
        flag = q < ALPHA
        bad += flag
        if flag or a.verbose:
            print(f"{'DIFFERS' if flag else 'same   '} {s:28.28s} {n:24s} recorded {mo:14.6g} "
                  f"now {mn:14.6g}  p {p:.2g}, Holm {q:.2g}")
    print(f"equivalence: {len(rows)} tests (scenario x outcome), {bad} differ at a family-wise "
          f"{ALPHA:.0%} (Welch t, Holm); smallest p {min(pvals):.2g}")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["record", "check"])
    ap.add_argument("file")
    ap.add_argument("fixture")
    ap.add_argument("--command", default="")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if a.what == "record":
        record(a)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
