"""Tests of analysis/calibration.py on tiny synthetic HDF5 files with known values.

Run with `/usr/bin/python3 -m pytest -q tests/analysis` (tests/cli/test_calibration_script.sh
does, inside `make test`). No wijksim binary is needed: the files are written here with the
layout wijksim writes (root attributes, /parameters, /municipality/NAME [replicate, week,
(domain)] with unit/description/kind/dims attributes), so the arithmetic of every measure can
be checked against figures worked out by hand.
"""
import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "analysis" / "calibration.py"
_spec = importlib.util.spec_from_file_location("calibration", SCRIPT)
cal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cal)

R = 3                    # replicates
YEARS = 2
WEEKS = YEARS * 52 + 5   # five weeks of a partial third year, which must be ignored
D = {name: i for i, name in enumerate(cal.DOMAINS)}
PARAMS = {"world.teams": [10], "team.fte_per_person": [0.8], "access.demand_led": [0],
          "cost.team_fte_year": [80000], "team.hours_per_fte": [36], "team.client_share": [0.6],
          "access.assessment_hours": [6], "cost.specialist_week": [46, 250, 110, 230, 80, 600]}
COST_SERIES = ("cost_team_staff", "cost_specialist", "cost_crisis", "cost_volunteers")
T975 = {1: 12.706205, 2: 4.302653, 4: 2.776445, 9: 2.262157, 19: 2.093024, 30: 2.042272}


def baseline_series():
    """Per replicate r (constant over weeks unless said): values chosen so that each measure
    has a round, known answer."""
    r = np.arange(R, dtype=float)[:, None]                 # [R, 1] broadcasts over weeks
    flat = np.ones((R, WEEKS))
    sd = lambda: np.zeros((R, WEEKS, len(cal.DOMAINS)))   # noqa: E731
    s = {}
    s["residents"] = (150_000 + 3_000 * r) * flat          # 15,000 / 15,300 / 15,600 per team
    s["youth"] = 30_000 * flat
    s["adults"] = 120_000 * flat
    s["team_fte"] = 80.0 * flat                            # 80 FTE / 0.8 / 10 teams = 10 people
    s["specialist_clients"] = sd()
    s["specialist_clients"][:, :, D["daily_living"]] = 0.05 * s["residents"]   # 50 per 1000
    s["specialist_clients"][:, :, D["parenting"]] = 1_000
    # Youth helped so far this year: a ramp whose year-end value is 9 % + r pp in year one and
    # 11 % + r pp in year two; the partial third year is absurd on purpose.
    ycy = np.zeros((R, WEEKS))
    week_in_year = np.arange(WEEKS) % 52 + 1
    year_end = np.where(np.arange(WEEKS) < 52, 2_700.0, 3_300.0)[None, :] + 300 * r
    ycy[:] = year_end * week_in_year / 52
    ycy[:, YEARS * 52:] = 30_000
    s["youth_care_year"] = ycy
    s["youth_care_team"] = 150 * flat
    s["youth_care_clients"] = 1_000 * flat                 # 15 %
    s["referrals"] = sd()
    s["referrals"][:, :, D["parenting"]] = 10
    s["referrals_gp"] = sd()
    s["referrals_gp"][:, :, D["parenting"]] = 5             # 50 %: near (42 % x 1.25 = 52.5 %)
    s["intensive_carers"] = 15_000 * flat                  # 12.5 % of adults
    s["carer_hours_intensive"] = 12.5 * 15_000 * flat
    s["carers"] = 20_000 * flat
    s["overloaded_carers"] = 1_500 * flat                  # 10 % of intensive: near 12.6-15.4 %
    s["carer_hours_overloaded"] = 28 * 1_500 * flat
    s["intake_referrals"] = 60 * flat
    s["intakes"] = 100 * flat                               # 40 % not referred on: off
    s["cost_team_staff"] = 80 * 80_000 / 52 * flat
    s["cost_specialist"] = sd()
    s["cost_specialist"][:, :, D["parenting"]] = 1_000 * 230           # 11.96 M a year
    s["cost_specialist"][:, :, D["finances"]] = 4_600
    s["cost_specialist"][:, :, D["daily_living"]] = 50_000
    s["specialist_discharges"] = sd()
    s["specialist_discharges"][:, :, D["finances"]] = 2                 # 2,300 per trajectory
    s["cost_crisis"] = 30_000 * flat
    s["cost_volunteers"] = 1_000 * flat
    s["hours_casework_needed"] = 1_000 * flat
    s["hours_casework"] = 800 * flat                       # 80 % of the needed hours given
    s["unmet_need"] = 5_000 * flat
    s["crises"] = 2 * flat
    return s


def demand_led_series():
    """The baseline with demand-led assessment: 10 assessments a week (6 kept), 20,000 +
    1,000 r euro a week less specialist and crisis care, 500 euro a week more volunteers; the
    kept needs ask for 500 casework hours a week more, of which the team gives 200 fewer."""
    s = baseline_series()
    r = np.arange(R, dtype=float)[:, None]
    s["assessments"] = 10.0 * np.ones((R, WEEKS))
    s["assessments_kept"] = 6.0 * np.ones((R, WEEKS))
    s["cost_crisis"] = s["cost_crisis"] - 10_000 - 1_000 * r
    s["cost_specialist"][:, :, D["daily_living"]] -= 10_000
    s["cost_volunteers"] = s["cost_volunteers"] + 500
    s["hours_casework_needed"] = s["hours_casework_needed"] + 500
    s["hours_casework"] = s["hours_casework"] - 200           # 40 % given
    s["unmet_need"] = s["unmet_need"] * 1.5
    s["crises"] = s["crises"] * 4
    return s


def write_run(path, series, params=None, **attrs):
    """A file in wijksim's layout; cost_total is the sum of the cost series, as in wijksim."""
    series = dict(series)
    series.setdefault("assessments", np.zeros((R, WEEKS)))
    series.setdefault("assessments_kept", np.zeros((R, WEEKS)))
    total = np.zeros((R, WEEKS))
    for c in COST_SERIES:
        v = series[c]
        total += v.sum(axis=2) if v.ndim == 3 else v
    series["cost_total"] = total
    root = {"weeks": WEEKS, "burn_in_weeks": 156, "replicates": R, "seed": 7,
            "neighbourhoods": 10, "wijksim_version": "9.9.9", "git_commit": "abc1234",
            "created": "2001-02-03T04:05:06Z", "config": "# resolved\n",
            "domain_names": ",".join(cal.DOMAINS),
            "scenario_files": str(REPO / "scenarios" / "baseline.cfg") + "\n",
            "set_overrides": ""}
    root.update(attrs)
    with h5py.File(path, "w") as f:
        for k, v in root.items():
            if isinstance(v, str):
                f.attrs[k] = np.bytes_(v)
            else:
                f.attrs[k] = np.array([v], dtype=np.uint64 if k == "seed" else np.int32)
        for name, values in {**PARAMS, **(params or {})}.items():
            f.create_dataset(f"parameters/{name}", data=np.asarray(values, dtype=float))
        for name, values in series.items():
            ds = f.create_dataset(f"municipality/{name}", data=values)
            ds.attrs["dims"] = np.bytes_("replicate,week" + (",domain" if values.ndim == 3 else ""))
            ds.attrs["unit"] = np.bytes_("test")
            ds.attrs["kind"] = np.bytes_("flow")
            ds.attrs["description"] = np.bytes_("synthetic")
    return path


@pytest.fixture
def files(tmp_path):
    base = write_run(tmp_path / "baseline.h5", baseline_series())
    dl = write_run(tmp_path / "demand_led.h5", demand_led_series(),
                   params={"access.demand_led": [1]}, set_overrides="access.demand_led=1\n")
    return base, dl


@pytest.fixture
def runs(files):
    base, dl = cal.Run(files[0]), cal.Run(files[1])
    yield base, dl
    base.close()
    dl.close()


def by_quantity(prefix):
    hits = [t for t in cal.TARGETS if t["quantity"].startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def measure(runs, prefix):
    return by_quantity(prefix)["measure"](*runs)


# ---- statistics --------------------------------------------------------------------------------

@pytest.mark.parametrize("df,expected", sorted(T975.items()))
def test_t_quantile_matches_tables(df, expected):
    assert cal.t_quantile(0.975, df) == pytest.approx(expected, abs=1e-5)


def test_summarise_gives_t_interval_and_percentile_spread():
    s = cal.summarise([15_000, 15_300, 15_600])
    half = T975[2] * 300 / math.sqrt(3)
    assert s["mean"] == pytest.approx(15_300)
    assert s["ci"] == pytest.approx((15_300 - half, 15_300 + half), abs=0.01)
    assert s["spread"] == pytest.approx(tuple(np.percentile([15_000, 15_300, 15_600], [2.5, 97.5])))


def test_summarise_skips_undefined_replicates_and_counts_them():
    s = cal.summarise([1.0, np.nan, 3.0])
    assert (s["n"], s["of"], s["mean"]) == (2, 3, 2.0)
    one = cal.summarise([5.0])
    assert one["mean"] == 5.0 and all(math.isnan(x) for x in one["ci"])
    assert math.isnan(cal.summarise([np.nan])["mean"])


def test_verdict_within_near_and_off():
    assert cal.verdict(10, 5, 25) == "within"
    assert cal.verdict(5, 5, 25) == "within"
    assert cal.verdict(3.75, 5, 25) == "near"      # 25 % below the lower edge
    assert cal.verdict(3.7, 5, 25) == "off"
    assert cal.verdict(31.25, 5, 25) == "near"
    assert cal.verdict(31.3, 5, 25) == "off"
    assert cal.verdict(-120, -100, -50) == "near"  # negative edges widen outward too
    assert cal.verdict(float("nan"), 0, 1) == "no data"
    # The mean outside, its 95 % interval reaching into the range: undecided, near or off.
    assert cal.verdict(3.7, 5, 25, ci=(-2.0, 5.0)) == "undecided"
    assert cal.verdict(31.3, 5, 25, ci=(24.9, 37.7)) == "undecided"
    assert cal.verdict(3.7, 5, 25, ci=(2.0, 4.9)) == "off"
    assert cal.verdict(3.75, 5, 25, ci=(3.7, 3.8)) == "near"
    assert cal.verdict(10, 5, 25, ci=(-100, 100)) == "within"


def test_targets_are_complete_and_ordered():
    for t in cal.TARGETS:
        assert t["lo"] < t["hi"], t["quantity"]
        assert t["source"] and t["how"] and callable(t["measure"])
        assert t["fmt"] in ("int", "pct", "dec1", "euro", "ratio")
        if t["figure"] is not None:
            assert t["lo"] <= t["figure"] <= t["hi"]


# ---- measures on the synthetic baseline --------------------------------------------------------

def test_teams_from_attribute_or_parameter(tmp_path):
    s = baseline_series()
    one_each = cal.Run(write_run(tmp_path / "a.h5", s, params={"world.teams": [0]}))
    assert one_each.teams() == 10                 # 0 = one per neighbourhood (10 here)
    grouped = cal.Run(write_run(tmp_path / "b.h5", s, params={"world.teams": [0]}, teams=4))
    assert grouped.teams() == 4                   # the root attribute wins
    assert by_quantity("inhabitants per team")["measure"](grouped, None) == \
        pytest.approx([37_500, 38_250, 39_000])
    one_each.close()
    grouped.close()


def test_period_is_full_years_only(runs):
    base, _ = runs
    assert (base.years, base.weeks) == (YEARS, YEARS * 52)
    assert base.series("residents").shape == (R, YEARS * 52)


@pytest.mark.parametrize("prefix,expected", [
    ("inhabitants per team", [15_000, 15_300, 15_600]),
    ("professionals per team", [10, 10, 10]),
    ("Wmo maatwerk", [50, 50, 50]),
    ("youth (0-17)", [0.10, 0.11, 0.12]),   # mean of the two year-end shares; partial year out
    ("share of youth care delivered", [0.15] * 3),
    ("GP share", [0.5] * 3),
    ("adults giving intensive", [0.125] * 3),
    ("hours per week of an intensive", [12.5] * 3),
    ("carers heavily burdened", [0.10] * 3),
    ("hours per week of a heavily", [28] * 3),
    ("requests that are simple", [0.40] * 3),
    # a year's spending over the youths in care that year (the year-end youth_care_year)
    ("youth care cost", [np.mean([230_000 * 52 / (2_700 + 300 * r), 230_000 * 52 / (3_300 + 300 * r)])
                         for r in range(3)]),
    ("debt counselling", [2_300] * 3),
])
def test_measure_per_replicate(runs, prefix, expected):
    assert measure(runs, prefix) == pytest.approx(expected)


def test_front_end_pair(runs):
    hour_cost = 80_000 / (52 * 36 * 0.6)
    cost_per_case = 6 / 3 * hour_cost + 500 / 10           # the team member's third + more volunteers
    gross_per_case = (20_000 + 1_000 * np.arange(R)) / 10
    parts = cal.front_end(*runs)
    assert parts["assessments_per_year"] == pytest.approx([520] * 3)
    assert parts["kept_share"] == pytest.approx([0.6] * 3)
    assert parts["cost_per_case"] == pytest.approx([cost_per_case] * 3)
    assert parts["gross_ratio"] == pytest.approx(gross_per_case / cost_per_case)
    assert parts["net_per_case"] == pytest.approx(gross_per_case - cost_per_case)
    assert parts["total_saving_per_case"] == pytest.approx(gross_per_case - 50)
    assert parts["casework_asked_per_case"] == pytest.approx([500 * hour_cost / 10] * 3)
    assert parts["coverage_base"] == pytest.approx([0.8] * 3)
    assert parts["coverage_dl"] == pytest.approx([0.4] * 3)
    assert parts["unmet_change"] == pytest.approx([0.5] * 3)
    assert parts["crises_change"] == pytest.approx([3.0] * 3)


def test_front_end_refuses_an_unmatched_pair(tmp_path, files):
    base = cal.Run(files[0])
    other_seed = write_run(tmp_path / "s.h5", demand_led_series(),
                           params={"access.demand_led": [1]}, seed=8)
    other_param = write_run(tmp_path / "p.h5", demand_led_series(),
                            params={"access.demand_led": [1], "world.teams": [5]})
    not_demand_led = write_run(tmp_path / "n.h5", demand_led_series())
    for path, needle in [(other_seed, "seed"), (other_param, "world.teams"),
                         (not_demand_led, "access.demand_led")]:
        dl = cal.Run(path)
        with pytest.raises(cal.CalibrationError, match=needle):
            cal.front_end(base, dl)
        dl.close()
    base.close()


# ---- the report --------------------------------------------------------------------------------

def table_rows(text):
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("| # | quantity"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def test_report_rows_values_and_verdicts(tmp_path, files):
    out = tmp_path / "calibration.md"
    assert cal.main([str(files[0]), "--demand-led", str(files[1]), "-o", str(out)]) == 0
    rows = table_rows(out.read_text())
    assert len(rows) == len(cal.TARGETS)
    got = {r[1]: r for r in rows}
    row = got["inhabitants per team"]
    half = T975[2] * 300 / math.sqrt(3)
    assert row[2] == "~15,000 (7,000-31,000)"
    assert row[4] == "15,300"
    assert row[5] == f"{15_300 - half:,.0f}-{15_300 + half:,.0f}"
    assert row[7] == "within"
    assert got["youth (0-17) receiving youth care within a year"][4] == "11.0 %"
    assert got["youth (0-17) receiving youth care within a year"][2] == "9.0-12.0 %"
    assert got["GP share of referrals to specialist youth care"][7] == "near"
    assert got["carers heavily burdened"][7] == "near"
    assert got["requests that are simple"][7] == "off"
    assert got["debt counselling cost per trajectory (euro)"][7] == "within"
    # Computed verdicts follow the computed means, whatever the numbers are.
    for t, r in zip(cal.TARGETS, rows):
        s = cal.summarise(t["measure"](cal.Run(files[0]), cal.Run(files[1])))
        want = cal.verdict(s["mean"], t["lo"], t["hi"], ci=s["ci"])
        if t.get("reason") and want not in ("within", "no data"):
            want += " (stated reason below)"
        assert r[7] == want


def test_stated_reasons_are_listed(tmp_path, files):
    out = tmp_path / "calibration.md"
    assert cal.main([str(files[0]), "--demand-led", str(files[1]), "-o", str(out)]) == 0
    text = out.read_text()
    rows = {r[1]: r for r in table_rows(text)}
    for i, t in enumerate(cal.TARGETS, 1):
        if not t.get("reason"):
            continue
        listed = f"- **{i}. {t['quantity']}**: {t['reason']}" in text
        assert listed == rows[t["quantity"]][7].endswith("(stated reason below)")
    assert any(t.get("reason") for t in cal.TARGETS)


def test_report_header_is_reproducible(tmp_path, files):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    cal.main([str(files[0]), "--demand-led", str(files[1]), "-o", str(a)])
    cal.main([str(files[0]), "--demand-led", str(files[1]), "-o", str(b)])
    text = a.read_text()
    assert text == b.read_text()
    assert "wijksim 9.9.9, commit `abc1234`" in text
    assert "`bin/wijksim run scenarios/baseline.cfg --seed 7 --replicates 3`" in text
    assert "--replicates 3 --set access.demand_led=1`" in text
    assert "2001-02-03" not in text and str(REPO) not in text and str(tmp_path) not in text
    assert "2 full 52-week years" in text


def test_years_option_takes_the_last_full_years(tmp_path, files):
    base = cal.Run(files[0])
    last = base.window(YEARS - 1, 1)
    # Year two's year-end share is 11 % + r pp; the partial third year stays out.
    assert by_quantity("youth (0-17)")["measure"](last, None) == pytest.approx([0.11, 0.12, 0.13])
    out = tmp_path / "y.md"
    assert cal.main([str(files[0]), "--years", "1", "-o", str(out)]) == 0
    text = out.read_text()
    assert "the last 1 of the 2 full 52-week years of output (years 2-2)" in text
    assert got_row(text, "youth (0-17) receiving youth care within a year")[4] == "12.0 %"
    assert cal.main([str(files[0]), "--years", "3", "-o", str(out)]) == 1
    base.close()


def test_drift_section_flags_a_moving_figure(tmp_path, files):
    out = tmp_path / "drift.md"
    assert cal.main([str(files[0]), "--demand-led", str(files[1]), "-o", str(out)]) == 0
    drift = out.read_text().split("## Drift")[1]
    lines = [line for line in drift.splitlines() if line.startswith("| ") and "---" not in line]
    rows = {line.split(" | ")[1]: line for line in lines}
    youth = rows["youth (0-17) receiving youth care within a year"]
    # 9-11 % against 11-13 %: with three replicates the two intervals still overlap.
    assert youth.endswith("| 10.0 % | 12.0 % | +20.0 % | steady |")
    assert rows["inhabitants per team"].endswith("| +0.0 % | steady |")
    assert len(rows) == len(cal.TARGETS) + 1          # the header row is in there too


def test_drift_between_years():
    a = cal.summarise([1.0, 1.1, 0.9])
    assert cal.drift(a, cal.summarise([1.05, 1.15, 0.95])) == "steady"
    assert cal.drift(a, cal.summarise([2.0, 2.1, 1.9])) == "rising"
    assert cal.drift(a, cal.summarise([0.0, 0.1, -0.1])) == "falling"
    assert cal.drift(cal.summarise([1.0]), cal.summarise([2.0])) == "n/a"


def got_row(text, quantity):
    return next(r for r in table_rows(text) if r[1] == quantity)


def test_report_without_demand_led_run_leaves_front_end_empty(tmp_path, files):
    out = tmp_path / "c.md"
    assert cal.main([str(files[0]), "-o", str(out)]) == 0
    rows = table_rows(out.read_text())
    front = [r for r in rows if r[1].startswith("front-end")]
    assert len(front) == 2 and all(r[4] == "n/a" and r[7].startswith("not run") for r in front)


def test_missing_series_is_a_clear_error_and_no_report(tmp_path, capsys):
    s = baseline_series()
    del s["youth_care_year"]
    path = write_run(tmp_path / "old.h5", s)
    out = tmp_path / "d.md"
    assert cal.main([str(path), "-o", str(out)]) == 1
    assert "youth_care_year" in capsys.readouterr().err
    assert not out.exists()


def test_script_runs_from_the_command_line(tmp_path, files):
    out = tmp_path / "e.md"
    res = subprocess.run([sys.executable, str(SCRIPT), str(files[0]), "--demand-led",
                          str(files[1]), "-o", str(out)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert out.read_text().startswith("# Calibration")
