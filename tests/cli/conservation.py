"""Accounting identities of a wijksim HDF5 file; called by test_conservation.sh.

usage: /usr/bin/python3 conservation.py FILE.h5

Prints one line per check, "PASS name" or "FAIL name: why" (the test runner's format), and
exits 0 (the runner counts the FAIL lines). Needs h5py and numpy.
"""
import sys

import h5py
import numpy as np

# Flows and stocks whose municipality value is the plain sum over neighbourhoods.
SUMMED = ["residents", "new_needs", "team_cases", "cost_total"]
TOL = 1e-9
# Ratio series (models/series.def): name, numerator, denominator.
RATIOS = [("waiting_time", "intake_wait_total", "intakes"),
          ("caseload_per_fte", "team_cases", "team_fte"),
          ("casework_coverage", "hours_casework", "hours_casework_needed")]


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def max_abs(a):
    return float(np.max(np.abs(a))) if a.size else 0.0


def close(a, b, rel=TOL):
    """Equal up to rounding of sums, relative to the size of the values."""
    scale = max(1.0, max_abs(a), max_abs(b))
    return max_abs(a - b) <= rel * scale


def main():
    f = h5py.File(sys.argv[1], "r")
    mun, nbh = f["municipality"], f["neighbourhood"]
    m = {k: mun[k][()] for k in mun}
    n = {k: nbh[k][()] for k in nbh}
    reps, weeks = m["residents"].shape
    report("conservation: file has 2 replicates", reps == 2, f"shape {m['residents'].shape}")

    # Municipality = sum over neighbourhoods (axis 2 of [replicate, week, nbh, ...]).
    for s in SUMMED:
        total = n[s].sum(axis=2)
        report(f"conservation: municipality {s} = sum over neighbourhoods",
               total.shape == m[s].shape and close(total, m[s]),
               f"max |diff| {max_abs(total - m[s]) if total.shape == m[s].shape else 'shape'}")

    # Stock-flow identities, per replicate and (for neighbourhoods) per neighbourhood, t >= 1.
    for level, d in (("municipality", m), ("neighbourhood", n)):
        wl = d["waiting_list"]
        pred = wl[:, :-1] + d["help_requests"][:, 1:] - d["intakes"][:, 1:] - d["waiting_exits"][:, 1:]
        report(f"conservation: {level} waiting_list(t) = waiting_list(t-1) + help_requests"
               " - intakes - waiting_exits",
               close(pred, wl[:, 1:]), f"max |diff| {max_abs(pred - wl[:, 1:])}")
        tc = d["team_cases"]
        pred = tc[:, :-1] + d["cases_opened"][:, 1:] - d["cases_closed"][:, 1:]
        report(f"conservation: {level} team_cases(t) = team_cases(t-1) + cases_opened - cases_closed",
               close(pred, tc[:, 1:]), f"max |diff| {max_abs(pred - tc[:, 1:])}")

        # residents_by_severity [.., domain, severity] summed over severities = residents.
        rbs = d["residents_by_severity"].sum(axis=-1)
        res = d["residents"][..., np.newaxis]
        report(f"conservation: {level} residents_by_severity summed over severities = residents"
               " in every domain",
               rbs.shape[:-1] == res.shape[:-1] and close(rbs, np.broadcast_to(res, rbs.shape)),
               f"max |diff| {max_abs(rbs - res)}")

        report(f"conservation: {level} cost_total = cost_team_staff",
               close(d["cost_total"], d["cost_team_staff"]),
               f"max |diff| {max_abs(d['cost_total'] - d['cost_team_staff'])}")

        # Intake hours not used in a week may be carried to the next (a partial intake, at
        # most one intake's worth per team), so hours spent never exceed hours available up
        # to any week plus what was carried in from before the first recorded week.
        teams = 1 if level == "neighbourhood" else n["residents"].shape[2]
        carried_in = teams * float(f["parameters/team.intake_hours"][0])
        spent = np.cumsum(d["hours_intake"] + d["hours_casework"], axis=1)
        avail = np.cumsum(d["hours_client"], axis=1) + carried_in
        over = spent - avail
        report(f"conservation: {level} hours spent <= hours available (cumulative)",
               bool(np.all(over <= 1e-9 * np.maximum(1.0, avail))),
               f"exceeded by up to {float(np.max(over))} hours")
        report(f"conservation: {level} hours are never negative",
               bool(np.all(d["hours_intake"] >= 0) and np.all(d["hours_casework"] >= 0)),
               f"min casework {float(np.min(d['hours_casework']))}")
        cov = d["casework_coverage"]
        cov = cov[~np.isnan(cov)]
        report(f"conservation: {level} casework coverage within [0, 1]",
               bool(np.all((cov >= 0) & (cov <= 1 + 1e-12))),
               f"range {float(np.min(cov))} .. {float(np.max(cov))}")

        report(f"conservation: {level} advice + cases_opened = intakes",
               close(d["advice"] + d["cases_opened"], d["intakes"]),
               f"max |diff| {max_abs(d['advice'] + d['cases_opened'] - d['intakes'])}")

        # Residents with a need in a domain change by new needs minus resolutions.
        withd = d["residents_by_severity"][..., 1:].sum(axis=-1)
        pred = withd[:, :-1] + d["new_needs"][:, 1:] - d["resolutions"][:, 1:]
        report(f"conservation: {level} residents with a need per domain (t) = (t-1) + new_needs"
               " - resolutions",
               close(pred, withd[:, 1:]), f"max |diff| {max_abs(pred - withd[:, 1:])}")

        # Ratios are num / den of the (summed) series, NaN exactly where den is 0.
        for ratio, num, den in RATIOS:
            with np.errstate(divide="ignore", invalid="ignore"):
                want = np.where(d[den] != 0, d[num] / d[den], np.nan)
            got = d[ratio]
            same_nan = bool(np.array_equal(np.isnan(want), np.isnan(got)))
            ok = same_nan and close(np.nan_to_num(want), np.nan_to_num(got))
            report(f"conservation: {level} {ratio} = {num} / {den} (NaN where {den} is 0)", ok,
                   "NaN pattern differs" if not same_nan
                   else f"max |diff| {max_abs(np.nan_to_num(want) - np.nan_to_num(got))}")

        nonneg = [k for k in d if k in ("residents", "waiting_list", "team_cases", "intakes",
                                         "help_requests", "cases_opened", "cases_closed")
                  and np.any(d[k] < 0)]
        report(f"conservation: {level} counts are non-negative", not nonneg,
               f"negative values in {nonneg}")

    # The identities above must not hold vacuously: the run has to have some traffic.
    report("conservation: run has help requests and cases",
           m["help_requests"].sum() > 0 and m["cases_opened"].sum() > 0,
           "no help requests or no cases opened: the checks above are vacuous")
    return 0


if __name__ == "__main__":
    sys.exit(main())
