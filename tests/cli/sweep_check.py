#!/usr/bin/env python3
"""Checks of `wijksim sweep` files for tests/cli/test_sweep.sh.

    sweep_check.py same A.h5 B.h5 LABEL          every dataset equal bit for bit, run for run
    sweep_check.py table SWEEP.h5 POINTS REPS    the run table against the design and series
    sweep_check.py run SWEEP.h5 RUN RUN.h5 REP [HOW]  run RUN of the sweep equals replicate REP
                                                 of a `wijksim run` file, series by series
    sweep_check.py detail SWEEP.h5               neighbourhood series sum to the municipality's
    sweep_check.py replicates SWEEP.h5 POINTS    replicates differ, and so do points

Each prints one line per check, "PASS name" or "FAIL name: why", and exits 0 (the shell
script counts the FAIL lines); it exits 2 only when it cannot read its input.
"""
import sys

import h5py
import numpy as np


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object:  # variable-length text (coordinates): its bytes are pointers
        return a.shape == b.shape and b.dtype == object and a.tolist() == b.tolist()
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def same(a_path, b_path, label):
    """Every dataset of A is in B with the same bytes, and the reverse; the run tables agree
    row by row (reported by run, so a failure names the first differing run)."""
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        da, db = datasets(a), datasets(b)
        report(f"{label}: the same datasets", sorted(da) == sorted(db),
               f"only in A: {sorted(set(da) - set(db))[:5]}, only in B: {sorted(set(db) - set(da))[:5]}")
        ra, rb = a["runs"][:], b["runs"][:]
        report(f"{label}: {len(ra)} runs in both", len(ra) == len(rb) and len(ra) > 0,
               f"{len(ra)} against {len(rb)}")
        bad = [int(ra["run"][i]) for i in range(min(len(ra), len(rb))) if ra[i].tobytes() != rb[i].tobytes()]
        report(f"{label}: run table equal run for run", not bad and len(ra) == len(rb),
               f"runs {bad[:5]} differ")
        diff = [n for n in sorted(set(da) & set(db)) if not same_bits(da[n][()], db[n][()])]
        report(f"{label}: every series and table equal bit for bit ({len(da)} datasets)", not diff,
               f"differ: {diff[:5]}")
        keep = {"created"}
        attrs = [k for k in a.attrs if k not in keep and (k not in b.attrs or str(a.attrs[k]) != str(b.attrs[k]))]
        report(f"{label}: root attributes equal (but created)", not attrs, f"differ: {attrs}")


def table(path, points, reps):
    """The run table has points x reps rows in run order, its factor columns are the rows of
    /points, and each outcome column is its outcome computed from the run's weekly series."""
    points, reps = int(points), int(reps)
    with h5py.File(path, "r") as f:
        runs = f["runs"][:]  # one call: a numpy structured array (pandas.DataFrame takes it)
        cols = f["columns"][:]
        kinds = {c["name"].decode(): c["kind"].decode() for c in cols}
        report("table: /columns describes every column of /runs, with units",
               list(kinds) == list(runs.dtype.names) and all(c["unit"] or c["kind"] == b"id" for c in cols),
               f"{list(kinds)[:6]} against {list(runs.dtype.names)[:6]}")
        n = points * reps
        report(f"table: {points} points x {reps} replicates = {n} rows", len(runs) == n, f"{len(runs)} rows")
        order = np.arange(n)
        report("table: rows in run order, run = point x replicates + replicate",
               np.array_equal(runs["run"], order) and np.array_equal(runs["point"], order // reps)
               and np.array_equal(runs["replicate"], order % reps), "wrong identity columns")
        report("table: seed column is the sweep's seed", np.all(runs["seed"] == f.attrs["seed"]),
               f"{runs['seed'][:3]} against {f.attrs['seed']}")
        factors = [c for c, k in kinds.items() if k == "factor"]
        pts = f["points"][:]
        fx = np.stack([runs[c] for c in factors], axis=1) if factors else np.zeros((n, 0))
        report(f"table: factor columns {factors} are the design's points",
               pts.shape == (points, len(factors)) and np.array_equal(fx, pts[runs["point"]]), "mismatch")
        # cost_total_yH: cumulative cost from output week 0 to 52 H - 1, in million euro.
        cost = f["municipality/cost_total"][:]
        for h in f.attrs["horizon_years"]:
            want = cost[:, : 52 * h].sum(axis=1) * 1e-6
            got = runs[f"cost_total_y{h}"]
            report(f"table: cost_total_y{h} is the run's summed weekly cost (million euro)",
                   np.allclose(got, want, rtol=1e-12, atol=0), f"{got[:3]} against {want[:3]}")
            # unmet_need_yH: the mean over the horizon year of the weekly stock.
            un = f["municipality/unmet_need"][:, 52 * (h - 1): 52 * h].mean(axis=1)
            report(f"table: unmet_need_y{h} is the mean unmet need over year {h}",
                   np.allclose(runs[f"unmet_need_y{h}"], un, rtol=1e-12), f"{runs[f'unmet_need_y{h}'][:3]} against {un[:3]}")


def run(path, r, run_path, rep, how="with the point's values as a week-0 policy"):
    """Run r of the sweep equals replicate rep of a plain run: the same series bit for bit."""
    r, rep = int(r), int(rep)
    with h5py.File(path, "r") as s, h5py.File(run_path, "r") as w:
        names = [n for n in s["municipality"] if s["municipality"][n].ndim >= 2]  # not coordinates
        diff = [n for n in names if not same_bits(s["municipality"][n][r], w["municipality"][n][rep])]
        report(f"run: sweep run {r} equals `wijksim run` {how} ({len(names)} series)",
               not diff and len(names) > 50, f"differ: {diff[:5]}")


def detail(path):
    """With --detail, every flow summed over the neighbourhoods is the municipality's."""
    with h5py.File(path, "r") as f:
        ok, bad = 0, []
        for name, d in f["neighbourhood"].items():
            if d.attrs.get("kind", b"").decode() not in ("flow", "stock", "cost"):  # coordinates have none
                continue
            got = d[()].sum(axis=2)
            want = f["municipality"][name][()]
            ok += 1
            if not np.allclose(got, want, rtol=1e-9, atol=1e-9):
                bad.append(name)
        report(f"detail: neighbourhood series sum to the municipality's ({ok} series)", ok > 20 and not bad,
               f"differ: {bad[:5]}")
        report("detail: [run, week, neighbourhood] dimensions",
               f["neighbourhood/unmet_need"].shape[:3] == (len(f["runs"]), f.attrs["weeks"], f.attrs["neighbourhoods"]),
               str(f["neighbourhood/unmet_need"].shape))


def replicates(path, points):
    """Replicates of one point differ (their own streams), and so do two points of one
    replicate (the factors act)."""
    with h5py.File(path, "r") as f:
        runs = f["runs"][:]
        reps = int(f.attrs["replicates"])
        u = f["municipality/cost_total"][()]
        report("replicates: two replicates of a point differ", reps > 1 and not np.array_equal(u[0], u[1]),
               "equal series")
        report("replicates: the first and last points of replicate 0 differ",
               int(points) > 1 and not np.array_equal(u[0], u[(int(points) - 1) * reps]), "equal series")
        report("replicates: runs cover every point", len(set(runs["point"])) == int(points), "points missing")


def main(argv):
    cmds = {"same": same, "table": table, "run": run, "detail": detail, "replicates": replicates}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except (OSError, KeyError) as e:
        print(f"FAIL sweep_check {argv[1]}: cannot read {argv[2:]}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
