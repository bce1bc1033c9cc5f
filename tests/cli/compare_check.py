#!/usr/bin/env python3
"""Checks of `wijksim compare` files for tests/cli/test_compare.sh.

    compare_check.py branch CMP.h5 REF_GROUP GROUP WEEK
    compare_check.py standalone CMP.h5 GROUP RUN.h5
    compare_check.py same-files A.h5 B.h5
    compare_check.py csv-zero CSV LABEL
    compare_check.py csv-outcomes CMP.h5 CSV

Each prints one line per check, "PASS name" or "FAIL name: why", and exits 0 (the shell
script counts the FAIL lines); it exits 2 only when it cannot read its input.

Series are compared bit for bit (their bytes, so NaN ratios compare equal to themselves):
burn-in branching promises the very same numbers as a run that never branched, not numbers
that are close.
"""
import csv
import math
import sys

import h5py
import numpy as np


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object:  # variable-length text (coordinates): its bytes are pointers
        return a.shape == b.shape and b.dtype == object and a.tolist() == b.tolist()
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def groups(f):
    return f["scenarios"]


def branch(path, ref, grp, week):
    """Every municipality series of GROUP equals REF's in the weeks before WEEK, and the
    group's branch_week attribute is WEEK."""
    week = int(week)
    f = h5py.File(path, "r")
    a, b = groups(f)[ref], groups(f)[grp]
    bw = int(np.asarray(b.attrs["branch_week"]).reshape(-1)[0])  # a scalar (an array before)
    report(f"compare branch: {grp} attribute branch_week is {week}", bw == week, f"branch_week = {bw}")
    names = sorted(n for n in a["municipality"] if a["municipality"][n].ndim >= 2)  # not coordinates
    differ = [n for n in names
              if not same_bits(a["municipality"][n][:, :week], b["municipality"][n][:, :week])]
    report(f"compare branch: all {len(names)} municipality series of {grp} equal {ref}'s in weeks 0-{week - 1}",
           bool(names) and not differ, f"{len(differ)} differ, e.g. {differ[:4]}")
    after = [n for n in names
             if not same_bits(a["municipality"][n][:, week:], b["municipality"][n][:, week:])]
    report(f"compare branch: {grp} differs from {ref} from week {week} on", bool(after),
           "every series is identical after the branch week: the policy step did nothing")


def standalone(path, grp, run_path):
    """Every series of GROUP equals the standalone run file's, bit for bit."""
    f, r = h5py.File(path, "r"), h5py.File(run_path, "r")
    g = groups(f)[grp]
    checked, differ, missing = 0, [], []
    for top in ("municipality", "neighbourhood"):
        if top not in g:
            continue
        for n in sorted(g[top]):
            checked += 1
            if n not in r[top]:
                missing.append(f"{top}/{n}")
            elif not same_bits(g[top][n][()], r[top][n][()]):
                differ.append(f"{top}/{n}")
    report(f"compare standalone: {grp}'s {checked} series equal `wijksim run` of it bit for bit",
           checked > 0 and not differ and not missing,
           f"{len(differ)} differ, e.g. {differ[:4]}; missing in the run file: {missing[:4]}")


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def same_files(pa, pb):
    """The two files hold the same datasets with the same bits."""
    da, db = datasets(h5py.File(pa, "r")), datasets(h5py.File(pb, "r"))
    only = sorted(set(da) ^ set(db))
    differ = [n for n in sorted(set(da) & set(db)) if not same_bits(da[n][()], db[n][()])]
    report(f"compare files: the same {len(da)} datasets, bit for bit",
           bool(da) and not only and not differ, f"in one file only: {only[:4]}; differ: {differ[:4]}")


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def csv_zero(path, label):
    """Every row of scenario LABEL but the reference's (the first row of each horizon and
    outcome: a scenario compared with itself has the reference's label) has diff,
    diff_ci_low and diff_ci_high exactly 0."""
    seen, rows = set(), []
    for r in read_csv(path):
        key = (r["horizon_year"], r["outcome"])
        if key in seen and r["scenario"] == label:
            rows.append(r)
        seen.add(key)
    bad = [f"{r['horizon_year']}/{r['outcome']}: {r['diff']} [{r['diff_ci_low']}, {r['diff_ci_high']}]"
           for r in rows
           if not all(r[c] != "" and float(r[c]) == 0.0 for c in ("diff", "diff_ci_low", "diff_ci_high"))]
    report(f"compare itself: {len(rows)} rows of '{label}' have diff and its interval exactly 0",
           bool(rows) and not bad, f"{len(bad)} rows do not, e.g. {bad[:3]}")


def close(a, b, rel=1e-9):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300


def csv_outcomes(path, csv_path):
    """The CSV means (and paired differences) summarise the HDF5 outcomes: for each scenario,
    horizon h and outcome k, mean over replicates of outcomes[:, h, k] is the CSV mean, and
    mean(outcomes_B - outcomes_ref) is the CSV diff, to 1e-9 relative (the CSV has 10
    significant digits)."""
    f = h5py.File(path, "r")
    rows = {(r["scenario"], int(r["horizon_year"]), r["outcome"]): r for r in read_csv(csv_path)}
    names = [g for g in groups(f)]
    ref = groups(f)[names[0]]["outcomes"][()]
    n, bad, bad_diff, missing = 0, [], [], []
    for gname in names:
        g = groups(f)[gname]
        o = g["outcomes"]
        label = g.attrs["label"].decode() if isinstance(g.attrs["label"], bytes) else str(g.attrs["label"])
        outcomes = o.attrs["outcome_names"]
        outcomes = (outcomes.decode() if isinstance(outcomes, bytes) else str(outcomes)).split(",")
        horizons = [int(h) for h in o.attrs["horizon_years"]]
        v = o[()]
        for hi, h in enumerate(horizons):
            for k, name in enumerate(outcomes):
                n += 1
                row = rows.get((label, h, name))
                if row is None:
                    missing.append(f"{label}/{h}/{name}")
                    continue
                mean = float(np.mean(v[:, hi, k]))
                if not close(mean, float(row["mean"])):
                    bad.append(f"{label} year {h} {name}: HDF5 {mean!r}, CSV {row['mean']}")
                if gname != names[0]:
                    # relative to the difference, or to the mean when the difference is ~0
                    d = float(np.mean(v[:, hi, k] - ref[:, hi, k]))
                    if not close(d, float(row["diff"])) and abs(d - float(row["diff"])) > 1e-9 * abs(mean):
                        bad_diff.append(f"{label} year {h} {name}: HDF5 {d!r}, CSV {row['diff']}")
    report(f"compare outcomes: the CSV mean of each of {n} (scenario, horizon, outcome) is the mean of the HDF5 outcomes",
           n > 0 and not bad and not missing, f"{len(bad)} differ, e.g. {bad[:3]}; not in the CSV: {missing[:3]}")
    report("compare outcomes: the CSV diff is the mean paired difference of the HDF5 outcomes",
           n > 0 and not bad_diff, f"{len(bad_diff)} differ, e.g. {bad_diff[:3]}")


def main():
    cmds = {"branch": branch, "standalone": standalone, "same-files": same_files,
            "csv-zero": csv_zero, "csv-outcomes": csv_outcomes}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmds[sys.argv[1]](*sys.argv[2:])
    except (OSError, KeyError, ValueError) as e:
        print(f"FAIL compare check {sys.argv[1]}: cannot read the input: {e!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
