#!/usr/bin/env python3
"""Checks of docs/policy_responses.md as analysis/responses.py writes it, for
tests/cli/test_responses.sh.

    responses_check.py PAGE.md CMP.h5 YEAR1.h5 LEVER_DIR

Prints one line per check, "PASS name" or "FAIL name: why", and exits 0 (the shell script
counts the FAIL lines); exits 2 only when it cannot read its input. The numbers are recomputed
here from the HDF5 files with h5py and scipy, not with the analysis package the script uses,
so that a slip in either shows.
"""
import math
import re
import sys
from pathlib import Path

import h5py
import numpy as np
from scipy import stats as sps

NUM = r"[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
CELL = re.compile(rf"^({NUM}) \[({NUM}), ({NUM})\]( \*)?$")


def report(name, ok, why=""):
    print(f"PASS responses: {name}" if ok else f"FAIL responses: {name}: {why}")


def decimals(s):
    s = s.lstrip("+-")
    return len(s.split(".")[1]) if "." in s else 0


def outcome_tables(lines):
    """(heading, rows) of every table whose header starts with '| Outcome'."""
    heading, tables, i = None, [], 0
    while i < len(lines):
        if lines[i].startswith("## "):
            heading = lines[i][3:].strip()
        if lines[i].startswith("| Outcome"):
            header = [c.strip() for c in lines[i].strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            tables.append((heading, header, rows))
            continue
        i += 1
    return tables


def main(page, cmp_path, year1_path, lever_dir):
    text = Path(page).read_text(encoding="utf-8")
    lines = text.split("\n")
    levers = sorted(p.stem for p in Path(lever_dir).glob("*.cfg"))
    tables = outcome_tables(lines)

    # Every lever has a section: a heading, its scenario line, a table, the sources, a verdict.
    for key in levers:
        m = re.search(rf"^## (.+)\n\nScenario `{key}`", text, re.M)
        body = text[m.end():].split("\n## ", 1)[0] if m else ""
        ok = m is not None and "| Outcome" in body and "**What the sources say.**" in body \
            and "**Verdict (computed):**" in body and re.search(r"seed 00\d L\d", body, re.I) is not None
        report(f"lever {key} has a section with table, sources and verdict", ok,
               "missing heading, table, sources, citation or verdict")
    report(f"one outcome table per lever and one for the baseline ({len(tables)})",
           len(tables) == len(levers) + 1, f"{len(tables)} tables for {len(levers)} levers")

    # Every table cell is a number with an interval.
    bad = [(h, r[0], c) for h, _, rows in tables for r in rows for c in r[1:] if not CELL.match(c)]
    ncells = sum(len(r) - 1 for _, _, rows in tables for r in rows)
    report(f"every one of {ncells} table cells is a number with an interval", ncells > 0 and not bad,
           f"{len(bad)} bad cells, first: {bad[:2]}")

    with h5py.File(cmp_path, "r") as f:
        groups = f.attrs["scenario_groups"].decode().split(",")
        base = f["scenarios"][groups[0]]["outcomes"]
        names = base.attrs["outcome_names"].decode().split(",")
        labels = base.attrs["labels"].decode().split("|")
        horizons = [int(h) for h in base.attrs["horizon_years"]]
        # One paired difference recomputed: the first lever's total cost and unmet need at
        # every horizon, mean and Student-t interval of lever - baseline per replicate.
        g = next(x for x in groups if x.endswith("team_threshold_plus1"))
        lev = f["scenarios"][g]["outcomes"]
        table = next(t for t in tables if t[0] and "threshold" in t[0].lower())
        for name in ("cost_total", "unmet_need"):
            row = next(r for r in table[2] if r[0].startswith(labels[names.index(name)] + " ("))
            for k, h in enumerate(horizons):
                d = lev[:, k, names.index(name)] - base[:, k, names.index(name)]
                n = d.size
                mean = d.mean()
                half = sps.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
                m = CELL.match(row[1 + k])
                if not m:
                    report(f"{name} year {h}: paired difference as recomputed", False, f"cell {row[1 + k]!r}")
                    continue
                tol = 0.5 * 10 ** -decimals(m.group(1)) * 1.001 + 1e-12
                got = [float(m.group(i)) for i in (1, 2, 3)]
                want = [mean, mean - half, mean + half]
                ok = all(abs(a - b) <= tol for a, b in zip(got, want))
                report(f"{name} year {h}: page {row[1 + k]} = h5py/scipy {want[0]:.6g} "
                       f"[{want[1]:.6g}, {want[2]:.6g}]", ok, "differs beyond rounding")
        # The prevention lever's budget is 1 % of the baseline's mean year-1 cost per 1,000.
        g = next(x for x in groups if x.endswith("prevention_plus_1pct"))
        pol = f["scenarios"][g]["policy"][()]
        budget = [float(r["value"]) for r in pol if r["parameter"] == b"prevention.budget"]
        with h5py.File(year1_path, "r") as y:
            cost = y["municipality/cost_total"][:, :52].sum(axis=1).mean()
            pop = float(y["parameters/world.population"][0])
            old = float(y["parameters/prevention.budget"][0])
        want = old + 0.01 * cost / (pop / 1000)
        report(f"prevention lever: budget {budget} = {old:.0f} + 1 % of the year-1 cost per 1,000 ({want:.1f})",
               len(budget) == 1 and abs(budget[0] - want) < 0.06, "differs")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(*sys.argv[1:]))
    except (OSError, KeyError, StopIteration) as e:
        print(f"FAIL responses: cannot read the page or the files: {e!r}")
        sys.exit(0)
