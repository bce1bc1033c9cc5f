"""Reading wijksim HDF5 files: runs, comparisons and sweeps, as numpy arrays with their units.

    from wijksim import data
    with data.open_file("comparison.h5") as f:          # a RunFile, ComparisonFile or SweepFile
        for sc in f.scenarios:                             # a run file has one, a sweep none
            s = f.series("unmet_need", sc)                 # Series: .values [replicate, week], .unit
        t = f.outcomes(f.scenarios[1])                     # Outcomes: .values [rep, horizon, outcome]
    with data.open_file("sweep.h5") as f:
        runs = f.runs()                                    # the run table, a numpy structured array
        cost = f.series("cost_total")                      # [run, week]
        long = f.tidy()                                    # one row per run, horizon and outcome

The layout is docs/output.md's: the file's root attribute `kind` says which of the three it
is. A run file is one scenario at the root; a comparison has one group per scenario under
/scenarios; a sweep has the run table /runs and series with a run dimension. Every dataset
carries its unit and description, and nothing here hard-codes either: they come from the file,
which took them from the registries. Strings are decoded to str; arrays are read whole (a
municipality series of 100 replicates x 520 weeks is 0.4 MB).

Files of the older layout read the same: attributes that are arrays of one value, no
coordinate datasets (the coordinates are made from the attributes) and run-table factor
columns named by the parameter (`team.fte`, renamed here to the identifier `team_fte` that
newer files use).
"""
import os
import re
import stat
import warnings
from dataclasses import dataclass, field

import h5py
import numpy as np

WEEKS_PER_YEAR = 52


class FileError(Exception):
    """A file that is not a wijksim output, or lacks what was asked for: one line for the user."""


def text(value):
    """An attribute as str (h5py gives bytes or numpy scalars), or as a number."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return text(value.reshape(-1)[0]) if value.size == 1 else [text(v) for v in value.reshape(-1)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def column_name(label):
    """A run-table column name from a factor's label: `team.fte` -> `team_fte`,
    `specialist.places[3]` -> `specialist_places_3` (an identifier, as wijksim names them)."""
    return re.sub(r"[^0-9A-Za-z_]+", "_", label).rstrip("_")


def is_coordinate(dataset):
    """True for a coordinate dataset (a dimension scale, `week` with dims "week"), which sits
    beside the series in a group but is none."""
    name = dataset.name.rsplit("/", 1)[-1]
    return (text(dataset.attrs.get("CLASS", b"")) == "DIMENSION_SCALE"
            or str(text(dataset.attrs.get("dims", ""))) == name)


@dataclass
class Series:
    """One output series: values with dimensions `dims` (e.g. replicate, week, domain), unit,
    description, kind (flow, stock, ratio, cost, cost total) and coords, each dimension's
    values (weeks 0, 1, ... from the end of the burn-in; domain names; severities 0-4)."""
    name: str
    values: np.ndarray
    unit: str
    description: str
    kind: str
    dims: tuple
    coords: dict = field(default_factory=dict)

    def total_over(self, dim):
        """The sum over a dimension (domain, severity or neighbourhood) as a Series. A ratio
        has no such sum (nor is it the mean of its parts: the file's ratios are summed
        numerator over summed denominator), so it is refused: sum those two instead."""
        if self.kind == "ratio":
            raise FileError(f"series '{self.name}' is a ratio: sum its numerator and denominator over "
                            f"{dim} and divide (docs/output.md names them), not the ratio itself")
        axis = self.dims.index(dim)
        return Series(self.name, np.nansum(self.values, axis=axis), self.unit, self.description, self.kind,
                      self.dims[:axis] + self.dims[axis + 1:],
                      {k: v for k, v in self.coords.items() if k != dim})


@dataclass
class Scenario:
    """A scenario of a file: its group (the file root for a run), index, label and attributes."""
    group: str
    index: int
    label: str
    attrs: dict = field(default_factory=dict)


@dataclass
class Outcomes:
    """Per-replicate outcomes of a scenario: values [replicate, horizon, outcome]."""
    values: np.ndarray
    names: list
    units: list
    labels: list
    horizons: list

    def get(self, name, horizon):
        """[replicate] values of one outcome at one horizon year."""
        return self.values[:, self.horizons.index(horizon), self.names.index(name)]


class WijksimFile:
    """What every wijksim file has: root attributes and series with units."""
    kind = None

    def __init__(self, path, f):
        self.path = str(path)
        self.f = f
        self.attrs = {k: text(v) for k, v in f.attrs.items()}
        self.weeks = int(self.attrs["weeks"])
        self.burn_in_weeks = int(self.attrs.get("burn_in_weeks", 0))
        self.replicates = int(self.attrs["replicates"])
        self.seed = int(self.attrs["seed"])
        self.domain_names = str(self.attrs.get("domain_names", "")).split(",")
        self.severity_names = str(self.attrs.get("severity_names", "")).split(",")
        self.version = self.attrs.get("wijksim_version", "?")
        self.commit = self.attrs.get("git_commit", "?")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.f.close()

    @property
    def years(self):
        """Whole years of output."""
        return self.weeks // WEEKS_PER_YEAR

    def _group(self, scenario):
        return self.f if scenario is None or scenario.group == "/" else self.f[scenario.group]

    def series_names(self, scenario=None, level="municipality"):
        """The series of a level, without its coordinates."""
        g = self._group(scenario)
        return sorted(k for k in g[level] if not is_coordinate(g[level][k])) if level in g else []

    def coordinate(self, dim, group, size):
        """The values of dimension `dim` (size values) as the group's coordinate dataset holds
        them, or, in a file without one (the older layout), as wijksim numbers them."""
        if dim in group and is_coordinate(group[dim]):
            v = group[dim][()]
            return np.array([text(x) for x in v]) if v.dtype.kind in "OS" else v
        if dim == "domain" and len(self.domain_names) == size:
            return np.array(self.domain_names)
        return np.arange(size)

    def series(self, name, scenario=None, level="municipality"):
        """A series of a scenario (the first by default) at the municipality or neighbourhood
        level."""
        if scenario is None and getattr(self, "scenarios", None):
            scenario = self.scenarios[0]
        g = self._group(scenario)
        if level not in g:
            raise FileError(f"{self.path}: no {level} series (written with --detail only)")
        if name not in g[level]:
            raise FileError(f"{self.path}: no series '{name}' (`wijksim series` lists them)")
        d = g[level][name]
        if is_coordinate(d):
            raise FileError(f"{self.path}: '{name}' is a coordinate of the {level} series, not a series")
        a = {k: text(v) for k, v in d.attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
        dims = tuple(str(a.get("dims", "")).split(","))
        values = d[()]
        coords = {dim: self.coordinate(dim, g[level], n) for dim, n in zip(dims, values.shape)}
        return Series(name, values, a.get("units", a.get("unit", "")), a.get("description", ""),
                      a.get("kind", ""), dims, coords)


class RunFile(WijksimFile):
    """`wijksim run`: one scenario, series [replicate, week, ...], neighbourhood series always."""
    kind = "run"

    def __init__(self, path, f):
        super().__init__(path, f)
        self.scenarios = [Scenario("/", 0, str(self.attrs.get("label", "run")), self.attrs)]

    def neighbourhoods(self):
        """index, deprivation, cohesion and team of every neighbourhood."""
        g = self.f["neighbourhoods"]
        return {k: g[k][()] for k in g if not is_coordinate(g[k])}


class ComparisonFile(WijksimFile):
    """`wijksim compare`: scenarios sharing seeds, each with series and outcomes."""
    kind = "comparison"

    def __init__(self, path, f):
        super().__init__(path, f)
        groups = str(self.attrs["scenario_groups"]).split(",")
        self.scenarios = []
        for i, g in enumerate(groups):
            a = {k: text(v) for k, v in f["scenarios"][g].attrs.items()}
            self.scenarios.append(Scenario(f"scenarios/{g}", i, str(a.get("label", g)), a))

    def outcomes(self, scenario):
        d = self._group(scenario)["outcomes"]
        a = {k: text(v) for k, v in d.attrs.items()}
        horizons = a["horizon_years"]
        horizons = [int(h) for h in (horizons if isinstance(horizons, list) else [horizons])]
        return Outcomes(d[()], str(a["outcome_names"]).split(","), str(a["units"]).split("|"),
                        str(a.get("labels", a["outcome_names"])).split("|"), horizons)


class SweepFile(WijksimFile):
    """`wijksim sweep` / `merge`: the run table and series [run, week, ...]."""
    kind = "sweep"

    def __init__(self, path, f):
        super().__init__(path, f)
        shard = str(self.attrs.get("shard", ""))
        if shard:
            raise FileError(f"{path}: shard {shard} of a sweep, holding {self.attrs.get('runs_in_file')} of its "
                            f"{self.attrs.get('runs')} runs: merge the parts first (wijksim merge part_*.h5 -o SWEEP.h5)")
        self.scenarios = []
        self.design = str(self.attrs.get("design", ""))
        horizons = self.attrs.get("horizon_years", [])
        self.horizons = [int(h) for h in (horizons if isinstance(horizons, list) else [horizons])]
        self.columns = [{k: text(c[k]) for k in c.dtype.names} for c in f["columns"][()]]
        for c in self.columns:  # the older layout named a factor's column by its parameter
            if c["kind"] == "factor":
                c.setdefault("parameter", c["name"])
                c["name"] = column_name(c["name"])
            c.setdefault("parameter", "")
        self.factors = [c["name"] for c in self.columns if c["kind"] == "factor"]
        self.factor_parameters = [c["parameter"] for c in self.columns if c["kind"] == "factor"]
        self.outcome_columns = [c["name"] for c in self.columns if c["kind"] == "outcome"]

    def runs(self):
        """The run table: one row per run, columns run, point, replicate, seed, the factors (by
        identifier: team_fte) and the outcomes NAME_yH (a numpy structured array;
        pandas.DataFrame takes it)."""
        runs = self.f["runs"][()]
        names = [column_name(n) if n not in ("run", "point", "replicate", "seed") else n
                 for n in runs.dtype.names]
        if names != list(runs.dtype.names):  # the older layout: factor columns `team.fte`
            runs = runs.copy()
            runs.dtype.names = names
        return runs

    def column(self, name):
        """unit, label, parameter, description and kind of a run-table column, by its name
        (`team_fte`) or, for a factor, its parameter's (`team.fte`)."""
        for c in self.columns:
            if name in (c["name"], c["parameter"]):
                return c
        raise FileError(f"{self.path}: no column '{name}' in /runs")

    def tidy(self):
        """The run table in long form: one row per run, horizon and outcome, with the run's
        identity and factors, `horizon` (years), `outcome` (its name) and `value` (a numpy
        structured array: pandas.DataFrame takes it, and so does a loop over its rows)."""
        runs = self.runs()
        ident = ["run", "point", "replicate", "seed"] + self.factors
        outcomes = list(dict.fromkeys(n.rsplit("_y", 1)[0] for n in self.outcome_columns))
        width = max([len(o) for o in outcomes] + [1])
        dtype = [(n, runs.dtype[n]) for n in ident] + [("horizon", "<i8"), ("outcome", f"<U{width}"),
                                                      ("value", "<f8")]
        n, nh, no = len(runs), len(self.horizons), len(outcomes)
        out = np.zeros(n * nh * no, dtype=dtype)
        for name in ident:
            out[name] = np.repeat(runs[name], nh * no)
        out["horizon"] = np.tile(np.repeat(self.horizons, no), n)
        out["outcome"] = np.tile(outcomes, n * nh)
        if n and nh and no:  # [run, horizon, outcome], in the rows' order
            out["value"] = np.stack([np.stack([runs[f"{o}_y{h}"] for o in outcomes], axis=1)
                                     for h in self.horizons], axis=1).reshape(-1)
        return out

    def points(self):
        """The design [point, factor]."""
        return self.f["points"][()]


KINDS = {"run": RunFile, "comparison": ComparisonFile, "sweep": SweepFile}


def open_file(path):
    """Opens a wijksim file as the class its `kind` attribute names."""
    try:
        regular = stat.S_ISREG(os.stat(str(path)).st_mode)
    except OSError:
        regular = True  # missing: h5py says so below
    if not regular:  # a FIFO would block the open
        raise FileError(f"{path}: cannot open as HDF5 (not a regular file)")
    try:
        f = h5py.File(str(path), "r")
    except OSError as e:
        raise FileError(f"{path}: cannot open as HDF5 ({e})") from None
    kind = text(f.attrs.get("kind", b""))
    if kind not in KINDS:
        f.close()
        raise FileError(f"{path}: not a wijksim output file (root attribute kind = {kind!r}, "
                        f"expected one of {', '.join(KINDS)})")
    try:
        return KINDS[kind](path, f)
    except KeyError as e:
        f.close()
        raise FileError(f"{path}: a {kind} file without {e}: written by another version?") from None
    except BaseException:
        f.close()
        raise


def blocks(values, how, size):
    """[..., week] -> [..., block] over whole blocks of `size` weeks (a partial last block is
    dropped): 'sum' for flows and costs, 'mean' for stocks and ratios; NaN weeks (a ratio with
    no events) are skipped, and an all-NaN block is NaN without a warning."""
    n = values.shape[-1] // size * size
    v = values[..., :n].reshape(values.shape[:-1] + (-1, size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nansum(v, axis=-1) if how == "sum" else np.nanmean(v, axis=-1)


def yearly(values, how):
    """[..., week] -> [..., year] over whole years (blocks of 52 weeks)."""
    return blocks(values, how, WEEKS_PER_YEAR)
