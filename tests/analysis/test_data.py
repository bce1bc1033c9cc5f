"""Tests of analysis/wijksim/data.py, the loader of wijksim HDF5 files, on real output.

Run with `/usr/bin/python3 -m pytest -q tests/analysis`. A module fixture runs bin/wijksim
(built by `make`) on a small scenario: a run, a comparison of two scenarios and a factorial
sweep, in a temporary folder, a few seconds in all. What the loader returns is checked against
sources that do not go through it: the raw h5py datasets, the listings of `wijksim series` and
`wijksim params`, the arguments given to the commands and sums worked out here from the weekly
series.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("WIJKSIM", REPO / "bin" / "wijksim"))  # tests/run_tests.sh sets it
sys.path.insert(0, str(REPO / "analysis"))
from wijksim import data  # noqa: E402

WEEKS, BURN_IN, NEIGHBOURHOODS = 104, 26, 3
RUN_REPLICATES, RUN_SEED = 2, 3
CMP_REPLICATES, CMP_SEED, HORIZONS = 3, 5, [1, 2]
SWEEP_REPLICATES, SWEEP_SEED = 2, 4
FTE_VALUES, BARRIER_MIN, BARRIER_MAX = [6.0, 12.0], 0.1, 0.3
OTHER_TITLE = "Fewer staff"


def wijksim(*args, cwd):
    """Runs the binary; a failure stops the test with its error output."""
    p = subprocess.run([str(BIN), *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        pytest.fail(f"wijksim {' '.join(map(str, args))} exited with {p.returncode}:\n{p.stderr}")
    return p.stdout


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """A run, a comparison and a sweep of a 20,000-resident, 3-neighbourhood, 2-year scenario."""
    if not BIN.is_file():
        pytest.fail(f"{BIN} is missing: run make first")
    d = tmp_path_factory.mktemp("wijksim_data")
    (d / "base.cfg").write_text(
        f'@include "{REPO / "scenarios" / "baseline.cfg"}"\n'
        f"sim = {{ weeks = {WEEKS}; burn_in_weeks = {BURN_IN}; }};\n"
        f"world = {{ population = 20000; neighbourhoods = {NEIGHBOURHOODS}; }};\n")
    (d / "other.cfg").write_text(
        '@include "base.cfg"\n'
        f'title = "{OTHER_TITLE}";\n'
        "policy = ( { week = 0; team = { fte = 6.0; }; } );\n")
    (d / "spec.cfg").write_text(
        f'base = "base.cfg"; design = "factorial"; replicates = {SWEEP_REPLICATES}; '
        f"seed = {SWEEP_SEED}; horizons = [{', '.join(map(str, HORIZONS))}];\n"
        f'parameters = ( {{ name = "team.fte"; values = [{", ".join(map(str, FTE_VALUES))}]; }},\n'
        f'  {{ name = "access.barrier"; min = {BARRIER_MIN}; max = {BARRIER_MAX}; levels = 2; }} );\n')
    wijksim("run", "base.cfg", "-r", RUN_REPLICATES, "--seed", RUN_SEED, "-o", "run.h5", "-q", cwd=d)
    wijksim("compare", "base.cfg", "other.cfg", "-r", CMP_REPLICATES, "--seed", CMP_SEED,
            "-o", "cmp.h5", "-q", "--horizon", ",".join(map(str, HORIZONS)), cwd=d)
    wijksim("sweep", "spec.cfg", "-o", "sweep.h5", "-q", cwd=d)
    return SimpleNamespace(dir=d, run=d / "run.h5", cmp=d / "cmp.h5", sweep=d / "sweep.h5",
                           base_cfg=d / "base.cfg")


@pytest.fixture(scope="module")
def series_listing():
    """`wijksim series` as {name: (kind, unit)}, for the rows whose kind and unit fit their
    columns (printf "%-24s %-6s %-16s %s"); a longer field pushes the rest right and makes the
    row ambiguous, so such rows are left out."""
    rows = {}
    for line in wijksim("series", cwd=REPO).splitlines():
        fits = (len(line) > 49 and line[24] == " " and line[31] == " " and line[48] == " "
                and line[25] != " " and line[32] != " " and line[49] != " ")
        if fits:
            rows[line[:24].strip()] = (line[25:31].strip(), line[32:48].strip())
    return rows


@pytest.fixture(scope="module")
def markdown_tables():
    """`wijksim series --markdown`: the series table {name: (kind, unit)} (a ratio's kind cell
    is "ratio (`num` / `den`)") and the outcome table {name: (label, unit)}."""
    series, outcomes = {}, {}
    for line in wijksim("series", "--markdown", cwd=REPO).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `"):
            continue
        name = cells[0].strip("`")
        if len(cells) == 5:
            series[name] = (cells[2].split(" (")[0], cells[3])
        elif len(cells) == 6:
            outcomes[name] = (cells[1], cells[2])
    return series, outcomes


def params_unit(name):
    """The unit of a parameter from `wijksim params`: the last bracket of its line,
    "[min..max unit]"."""
    for line in wijksim("params", cwd=REPO).splitlines():
        if line.split(" ", 1)[0] == name:
            m = re.search(r"\[([^\[\]]*)\]\s*(schedulable)?\s*$", line)
            assert m, line
            return m.group(1).split(" ", 1)[1]
    raise AssertionError(f"{name} not in `wijksim params`")


def raw(path, dataset):
    with h5py.File(path, "r") as f:
        return f[dataset][()]


# ---- opening files --------------------------------------------------------------------------

@pytest.mark.parametrize("which,cls", [("run", data.RunFile), ("cmp", data.ComparisonFile),
                                       ("sweep", data.SweepFile)])
def test_open_file_returns_the_class_of_the_kind(out, which, cls):
    with data.open_file(getattr(out, which)) as f:
        assert type(f) is cls
        assert f.kind == {"run": "run", "cmp": "comparison", "sweep": "sweep"}[which]


@pytest.mark.parametrize("which,replicates,seed", [("run", RUN_REPLICATES, RUN_SEED),
                                                   ("cmp", CMP_REPLICATES, CMP_SEED),
                                                   ("sweep", SWEEP_REPLICATES, SWEEP_SEED)])
def test_file_attributes_equal_the_command_arguments(out, which, replicates, seed):
    with data.open_file(getattr(out, which)) as f:
        assert (f.weeks, f.burn_in_weeks, f.replicates, f.seed) == (WEEKS, BURN_IN, replicates, seed)
        assert f.years == WEEKS // 52


@pytest.mark.parametrize("attrs", [{}, {"kind": "something else"}])
def test_hdf5_file_not_written_by_wijksim_raises_file_error_with_its_path(tmp_path, attrs):
    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        f["municipality/cost_total"] = np.zeros((1, 52))
        f.attrs.update(attrs)
    with pytest.raises(data.FileError, match=re.escape(str(path))):
        data.open_file(path)


def test_text_file_raises_file_error_with_its_path(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("weeks = 104\n")
    with pytest.raises(data.FileError, match=re.escape(str(path))):
        data.open_file(path)


# ---- series -----------------------------------------------------------------------------------

def test_series_has_replicate_and_week_axes(out):
    with data.open_file(out.run) as f:
        s = f.series("cost_total")
    assert s.values.shape == (RUN_REPLICATES, WEEKS)
    assert s.dims == ("replicate", "week")


def test_per_domain_series_has_a_domain_axis(out):
    with data.open_file(out.run) as f:
        s = f.series("new_needs")
        assert s.values.shape == (RUN_REPLICATES, WEEKS, len(f.domain_names))
    assert s.dims == ("replicate", "week", "domain")
    assert len(f.domain_names) == 6


@pytest.mark.parametrize("name", ["new_needs", "crises", "unmet_need", "qol_index",
                                  "waiting_list", "residents_by_severity"])
def test_series_unit_and_kind_equal_the_series_listing(out, series_listing, name):
    assert name in series_listing, f"`wijksim series` row of {name} not parsed"
    with data.open_file(out.run) as f:
        s = f.series(name)
    assert (s.kind, s.unit) == series_listing[name]


def test_every_series_unit_and_kind_equal_the_reference_table(out, markdown_tables):
    series, _ = markdown_tables
    with data.open_file(out.run) as f:
        names = f.series_names()
        assert "cost_total" in names and len(names) == len(series)
        for name in names:
            s = f.series(name)
            assert (s.kind, s.unit) == series[name], name


@pytest.mark.parametrize("name", ["cost_total", "new_needs", "residents_by_severity", "waiting_time"])
def test_series_values_equal_the_raw_dataset(out, name):
    with data.open_file(out.run) as f:
        s = f.series(name)
    np.testing.assert_array_equal(s.values, raw(out.run, f"municipality/{name}"))


def test_series_of_a_comparison_scenario_come_from_its_group(out):
    with data.open_file(out.cmp) as f:
        first, second = f.series("cost_total"), f.series("cost_total", f.scenarios[1])
    np.testing.assert_array_equal(first.values, raw(out.cmp, "scenarios/00_base/municipality/cost_total"))
    np.testing.assert_array_equal(second.values, raw(out.cmp, "scenarios/01_other/municipality/cost_total"))
    assert not np.array_equal(first.values, second.values)


@pytest.mark.parametrize("name", ["crises", "new_needs"])
def test_neighbourhood_flows_sum_to_the_municipality(out, name):
    with data.open_file(out.run) as f:
        nb = f.series(name, level="neighbourhood")
        city = f.series(name)
    assert nb.dims[:3] == ("replicate", "week", "neighbourhood")
    assert nb.values.shape[:3] == (RUN_REPLICATES, WEEKS, NEIGHBOURHOODS)
    total = nb.total_over("neighbourhood")
    assert total.dims == city.dims
    np.testing.assert_allclose(total.values, city.values)
    assert city.values.sum() > 0


def test_total_over_domain_sums_the_domain_axis(out):
    with data.open_file(out.run) as f:
        s = f.series("new_needs")
    t = s.total_over("domain")
    assert t.dims == ("replicate", "week")
    assert (t.unit, t.kind) == (s.unit, s.kind)
    np.testing.assert_allclose(t.values, raw(out.run, "municipality/new_needs").sum(axis=2))


def test_unknown_series_raises_file_error_naming_it(out):
    with data.open_file(out.run) as f, pytest.raises(data.FileError, match="no_such_series"):
        f.series("no_such_series")


def test_comparison_without_detail_has_no_neighbourhood_series(out):
    with data.open_file(out.cmp) as f, pytest.raises(data.FileError, match="neighbourhood"):
        f.series("crises", f.scenarios[0], level="neighbourhood")


def test_run_file_lists_its_neighbourhoods(out):
    with data.open_file(out.run) as f:
        nb = f.neighbourhoods()
    assert {"index", "deprivation", "cohesion", "team"} <= set(nb)
    assert all(len(v) == NEIGHBOURHOODS for v in nb.values())


# ---- comparisons ------------------------------------------------------------------------------

def test_comparison_scenarios_in_command_order_with_their_labels(out):
    with data.open_file(out.cmp) as f:
        assert [s.index for s in f.scenarios] == [0, 1]
        assert [s.label for s in f.scenarios] == [out.base_cfg.stem, OTHER_TITLE]


def test_outcomes_are_replicate_by_horizon_by_outcome(out):
    with data.open_file(out.cmp) as f:
        for sc in f.scenarios:
            o = f.outcomes(sc)
            assert o.horizons == HORIZONS
            assert o.values.shape == (CMP_REPLICATES, len(HORIZONS), len(o.names))
            np.testing.assert_array_equal(o.values, raw(out.cmp, f"{sc.group}/outcomes"))


def test_outcome_units_keep_their_commas(out, markdown_tables):
    _, reference = markdown_tables
    with data.open_file(out.cmp) as f:
        o = f.outcomes(f.scenarios[0])
    assert len(o.units) == len(o.names) == len(o.labels)
    assert o.units[o.names.index("unmet_need")] == "residents, mean over the year"
    assert o.names == list(reference)
    assert [(label, unit) for label, unit in zip(o.labels, o.units)] == list(reference.values())


def test_cost_total_outcome_is_the_cumulative_weekly_cost_in_million_euro(out):
    with data.open_file(out.cmp) as f:
        for sc in f.scenarios:
            cost = raw(out.cmp, f"{sc.group}/municipality/cost_total")
            o = f.outcomes(sc)
            for h in HORIZONS:
                np.testing.assert_allclose(o.get("cost_total", h), cost[:, :52 * h].sum(axis=1) * 1e-6,
                                           rtol=1e-9)


def test_yearly_mean_outcome_covers_its_horizon_year(out):
    with data.open_file(out.cmp) as f:
        sc = f.scenarios[1]
        unmet = raw(out.cmp, f"{sc.group}/municipality/unmet_need")
        o = f.outcomes(sc)
    for h in HORIZONS:
        np.testing.assert_allclose(o.get("unmet_need", h), unmet[:, 52 * (h - 1):52 * h].mean(axis=1),
                                   rtol=1e-9)


# ---- sweeps -------------------------------------------------------------------------------------

POINTS = len(FTE_VALUES) * 2


def test_sweep_run_table_has_a_row_per_point_and_replicate(out):
    with data.open_file(out.sweep) as f:
        runs = f.runs()
        assert len(runs) == POINTS * SWEEP_REPLICATES
        assert f.factors == ["team_fte", "access_barrier"]
        assert f.factor_parameters == ["team.fte", "access.barrier"]
        assert {"cost_total_y1", "unmet_need_y2"} <= set(f.outcome_columns)
        assert set(f.outcome_columns) <= set(runs.dtype.names)
        assert f.horizons == HORIZONS
    np.testing.assert_array_equal(runs, raw(out.sweep, "runs"))
    np.testing.assert_array_equal(runs["replicate"], np.tile(np.arange(SWEEP_REPLICATES), POINTS))


def test_sweep_factor_unit_equals_the_parameter_listing(out):
    with data.open_file(out.sweep) as f:
        for name in ("team.fte", "access.barrier"):
            c = f.column(name)
            assert c["kind"] == "factor"
            assert c["unit"] == params_unit(name)
            assert f.column(c["name"]) is c and c["parameter"] == name


def test_sweep_unknown_column_raises_file_error_naming_it(out):
    with data.open_file(out.sweep) as f, pytest.raises(data.FileError, match="no_such_column"):
        f.column("no_such_column")


def test_sweep_points_span_the_spec_and_give_the_run_factors(out):
    with data.open_file(out.sweep) as f:
        points, runs = f.points(), f.runs()
    assert points.shape == (POINTS, 2)
    assert sorted(set(points[:, 0])) == FTE_VALUES
    np.testing.assert_allclose(sorted(set(points[:, 1])), [BARRIER_MIN, BARRIER_MAX])
    assert len({tuple(p) for p in points}) == POINTS
    for j, name in enumerate(["team_fte", "access_barrier"]):
        np.testing.assert_array_equal(runs[name], points[runs["point"], j])


def test_sweep_series_have_a_run_axis_matching_the_run_table(out):
    with data.open_file(out.sweep) as f:
        s = f.series("cost_total")
        runs = f.runs()
    assert s.values.shape == (POINTS * SWEEP_REPLICATES, WEEKS)
    assert s.dims == ("run", "week")
    np.testing.assert_array_equal(runs["run"], np.arange(len(runs)))
    for h in HORIZONS:
        np.testing.assert_allclose(runs[f"cost_total_y{h}"], s.values[:, :52 * h].sum(axis=1) * 1e-6,
                                   rtol=1e-9)


# ---- yearly -------------------------------------------------------------------------------------

def test_yearly_sums_and_means_whole_years_dropping_a_partial_year():
    rng = np.random.default_rng(11)
    v = rng.normal(size=(2, 3, 2 * 52 + 17))
    sums, means = data.yearly(v, "sum"), data.yearly(v, "mean")
    assert sums.shape == means.shape == (2, 3, 2)
    for y in range(2):
        week_block = v[..., 52 * y:52 * (y + 1)]
        np.testing.assert_allclose(sums[..., y], week_block.sum(axis=-1))
        np.testing.assert_allclose(means[..., y], week_block.mean(axis=-1))
    assert data.yearly(v[..., :51], "sum").shape == (2, 3, 0)


def test_total_over_refuses_a_ratio(out):
    """A ratio's total is summed numerator over summed denominator, not a sum or mean of ratios."""
    with data.open_file(out.run) as f:
        s = f.series("specialist_waiting_time")
        assert s.kind == "ratio"
        with pytest.raises(data.FileError, match="ratio"):
            s.total_over("domain")


# ---- identifiers, coordinates, tidy ------------------------------------------------------------

def test_sweep_run_table_columns_are_identifiers_pandas_takes(out):
    """df.team_fte and df.query("team_fte > 8") need identifiers, not `team.fte`."""
    names = raw(out.sweep, "runs").dtype.names
    assert "team_fte" in names and all(n.isidentifier() for n in names)


def test_series_coordinates_are_the_documented_values(out):
    with data.open_file(out.run) as f:
        s = f.series("residents_by_severity")
        nb = f.series("crises", level="neighbourhood")
        names = f.series_names()
    np.testing.assert_array_equal(s.coords["week"], np.arange(WEEKS))
    np.testing.assert_array_equal(s.coords["replicate"], np.arange(RUN_REPLICATES))
    assert list(s.coords["domain"]) == f.domain_names
    np.testing.assert_array_equal(s.coords["severity"], np.arange(5))
    np.testing.assert_array_equal(nb.coords["neighbourhood"], np.arange(NEIGHBOURHOODS))
    assert not {"week", "domain", "severity", "replicate"} & set(names)


def test_tidy_has_a_row_per_run_horizon_and_outcome_with_the_wide_value(out):
    with data.open_file(out.sweep) as f:
        runs, long = f.runs(), f.tidy()
        outcomes = sorted({n.rsplit("_y", 1)[0] for n in f.outcome_columns})
        factors = f.factors
    assert len(long) == len(runs) * len(HORIZONS) * len(outcomes)
    assert sorted(set(long["outcome"])) == outcomes and sorted(set(long["horizon"])) == HORIZONS
    for row in long[::37]:  # every 37th row against the wide table
        r = runs[runs["run"] == row["run"]][0]
        assert row["value"] == r[f"{row['outcome']}_y{row['horizon']}"]
        assert all(row[n] == r[n] for n in ["point", "replicate", "seed"] + factors)
    one = long[(long["outcome"] == "cost_total") & (long["horizon"] == HORIZONS[-1])]
    np.testing.assert_array_equal(one["value"], runs[f"cost_total_y{HORIZONS[-1]}"])


def make_old(src, dst):
    """The file src rewritten to the older layout: counts as arrays of one value, no
    coordinates or dimension scales, no `units`, run-table factor columns named by the
    parameter (`team.fte`) and /columns without `parameter`."""
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        objects = [f]
        f.visititems(lambda n, o: objects.append(o))
        coords = [o.name for o in objects if isinstance(o, h5py.Dataset) and data.is_coordinate(o)]
        for o in objects:
            for k in list(o.attrs):
                v = o.attrs[k]
                new = k == "units" and not o.name.endswith("/outcomes")  # outcomes had units
                if k in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME") or new:
                    del o.attrs[k]
                elif isinstance(v, np.integer):
                    del o.attrs[k]
                    o.attrs[k] = np.array([v])
        for name in coords:
            del f[name]
        if "runs" in f:
            runs, cols = f["runs"][()], f["columns"][()]
            old = {c["name"].decode(): c["parameter"].decode() for c in cols if c["kind"] == b"factor"}
            runs.dtype.names = [old.get(n, n) for n in runs.dtype.names]
            keep = [n for n in cols.dtype.names if n != "parameter"]
            cols = np.array([tuple(c[n] for n in keep) for c in cols],
                            dtype=[(n, cols.dtype[n]) for n in keep])
            cols["name"] = [old.get(n.decode(), n.decode()).encode() for n in cols["name"]]
            del f["runs"], f["columns"]
            f["runs"], f["columns"] = runs, cols
    return dst


@pytest.fixture(scope="module")
def old(out):
    return SimpleNamespace(**{w: make_old(getattr(out, w), out.dir / f"old_{w}.h5")
                              for w in ("run", "cmp", "sweep")})


def test_old_fixture_is_of_the_older_layout(old):
    """The fixture must really lack what the newer layout adds, or the tests below prove nothing."""
    with h5py.File(old.sweep, "r") as f:
        assert f.attrs["replicates"].shape == (1,) and "week" not in f["municipality"]
        assert "team.fte" in f["runs"].dtype.names and "parameter" not in f["columns"].dtype.names


@pytest.mark.parametrize("which", ["run", "cmp", "sweep"])
def test_old_layout_reads_as_the_new(out, old, which):
    with data.open_file(getattr(out, which)) as new, data.open_file(getattr(old, which)) as was:
        assert (was.weeks, was.replicates, was.seed) == (new.weeks, new.replicates, new.seed)
        assert was.series_names() == new.series_names()
        for name in ("new_needs", "cost_total", "residents_by_severity"):
            a, b = was.series(name), new.series(name)
            np.testing.assert_array_equal(a.values, b.values)
            assert (a.unit, a.dims) == (b.unit, b.dims)
            assert a.coords.keys() == b.coords.keys()
            for k in a.coords:
                np.testing.assert_array_equal(a.coords[k], b.coords[k])


def test_old_sweep_has_the_same_run_table_columns_and_tidy(out, old):
    with data.open_file(out.sweep) as new, data.open_file(old.sweep) as was:
        assert was.factors == new.factors == ["team_fte", "access_barrier"]
        assert was.factor_parameters == new.factor_parameters
        assert was.column("team.fte")["name"] == "team_fte" and was.column("team_fte")["unit"]
        np.testing.assert_array_equal(was.runs()["team_fte"], new.runs()["team_fte"])
        assert was.runs().dtype.names == new.runs().dtype.names
        np.testing.assert_array_equal(was.tidy(), new.tidy())


def test_old_comparison_outcomes_read_as_the_new(out, old):
    with data.open_file(out.cmp) as new, data.open_file(old.cmp) as was:
        a, b = was.outcomes(was.scenarios[1]), new.outcomes(new.scenarios[1])
    np.testing.assert_array_equal(a.values, b.values)
    assert (a.horizons, a.names, a.units) == (b.horizons, b.names, b.units) and a.horizons == HORIZONS
