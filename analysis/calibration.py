"""Calibration report: the simulated baseline against the real Dutch figures of
MODEL_BRIEF section 7, written as a markdown table (docs/calibration.md).

usage: /usr/bin/python3 analysis/calibration.py BASELINE.h5 [--demand-led DEMAND_LED.h5]
                                                [--years N] [-o docs/calibration.md]

BASELINE.h5 comes from `wijksim run scenarios/baseline.cfg --replicates R --seed S`;
DEMAND_LED.h5 from the same command with `--set access.demand_led=1`. The Breda front-end
figures compare replicate r of one file with replicate r of the other (same seed, so the
same residents and the same random streams until the policies diverge); without the second
file those rows say so instead of a number.

Every figure is computed per replicate over all full 52-week years of output, or the last N
with --years N (years count from the end of the burn-in, as `youth_care_year` does), then
summarised over replicates:
the mean, a 95 % interval for the mean (mean +- t(0.975, R-1) sd / sqrt(R)) and the spread
of the replicates themselves (2.5 and 97.5 percentiles). The verdict compares the mean and
its interval to the target range (verdict()); a target may carry a stated reason why it is not
met, printed below the table. TARGETS below is the one place where the real figures live.

Nothing here depends on the clock or the machine, so the same HDF5 files give the same
markdown byte for byte. Needs numpy and h5py only (Debian's /usr/bin/python3 has both).
"""
import argparse
import copy
import math
import sys
from pathlib import Path

import h5py
import numpy as np

# The statistics live in the analysis package next to this script (analysis/wijksim).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from wijksim.data import text as _text  # noqa: E402
from wijksim.files import write_atomically  # noqa: E402
from wijksim.stats import t_quantile  # noqa: E402

WEEKS_PER_YEAR = 52
DOMAINS = ("finances", "mental_health", "daily_living", "parenting", "loneliness", "housing")
# How far outside the target range a mean may lie and still be "near": a share of the value
# of the nearer edge (so 12-13 % allows 9-16.25 %, 7,000-31,000 allows 5,250-38,750).
NEAR_SHARE = 0.25
# A target given only as an approximate figure ("~15 %") gets this range around it. The
# sources give no range, so this is the report's assumption, said so in the output.
APPROX_TOLERANCE = 0.10
REPO_DIR = Path(__file__).resolve().parent.parent


class CalibrationError(Exception):
    """A problem with the input files, reported as one line and exit status 1."""


# ---- reading a run -------------------------------------------------------------------------

class Run:
    """One wijksim HDF5 file, seen through a window of full years of output (all of them
    unless `window` narrows it).

    Series come back as float arrays [replicate, week, ...] of the municipality totals; the
    helpers reduce them to one value per replicate so that every measure below is a
    per-replicate array. Windows of one file share its open handle and its cache of read
    series, so asking for the same series in several windows reads it once."""

    def __init__(self, path):
        self.path = str(path)
        try:
            self.f = h5py.File(self.path, "r")
        except OSError as e:
            raise CalibrationError(f"{self.path}: cannot open as HDF5 ({e})") from None
        self._setup({k: _text(v) for k, v in self.f.attrs.items()})

    def _setup(self, attrs):
        """What every run view shares: the root attributes, the replicates and the window of
        full years (all of them)."""
        self.attrs = attrs
        for key in ("weeks", "replicates", "seed"):
            if key not in self.attrs:
                raise CalibrationError(f"{self.path}: root attribute '{key}' is missing")
        self.replicates = int(self.attrs["replicates"])
        weeks = int(self.attrs["weeks"])
        # A trailing partial year is left out: year boundaries follow the output's week 0,
        # as the yearly counter youth_care_year does.
        self.full_years = weeks // WEEKS_PER_YEAR
        if self.full_years < 1:
            raise CalibrationError(f"{self.path}: {weeks} weeks of output, a full year "
                                   f"({WEEKS_PER_YEAR} weeks) is needed")
        self.first_year, self.years = 0, self.full_years
        self._cache = {}
        names = self.attrs.get("domain_names")
        if names is not None and tuple(names.split(",")) != DOMAINS:
            raise CalibrationError(f"{self.path}: domain order '{names}' is not the one this "
                                   f"script knows ({','.join(DOMAINS)})")

    def window(self, first_year, years):
        """The same file restricted to `years` full years from year `first_year` (0 is the
        first year of output)."""
        if first_year < 0 or years < 1 or first_year + years > self.full_years:
            raise CalibrationError(f"{self.path}: years {first_year + 1}-{first_year + years} "
                                   f"asked for, the file has {self.full_years} full years")
        w = copy.copy(self)
        w.first_year, w.years = first_year, years
        return w

    @property
    def weeks(self):
        return self.years * WEEKS_PER_YEAR

    def close(self):
        self.f.close()

    def param(self, name, index=0):
        key = f"parameters/{name}"
        if key not in self.f:
            raise CalibrationError(f"{self.path}: parameter '{name}' is missing (/{key})")
        return float(np.asarray(self.f[key][()]).reshape(-1)[index])

    def teams(self):
        """Teams in the run: the root attribute wijksim writes, or else the parameter, whose 0
        means one team per neighbourhood."""
        if "teams" in self.attrs:
            return float(self.attrs["teams"])
        teams = self.param("world.teams")
        if teams == 0:
            if "neighbourhoods" not in self.attrs:
                raise CalibrationError(f"{self.path}: world.teams is 0 (one per "
                                       f"neighbourhood) and the root attribute "
                                       f"'neighbourhoods' is missing")
            teams = float(self.attrs["neighbourhoods"])
        return teams

    def parameters(self):
        """Every parameter as name -> tuple of values (to check that two runs match)."""
        group = self.f.get("parameters")
        if group is None:
            return {}
        return {k: tuple(np.asarray(group[k][()]).reshape(-1).tolist()) for k in group}

    def _load(self, name):
        """The whole series as a float array [replicate, week, ...] and its dimension names."""
        key = f"municipality/{name}"
        if key not in self.f:
            raise CalibrationError(f"{self.path}: series '{name}' is missing (/{key}); "
                                   f"is it a file of the full model?")
        ds = self.f[key]
        return np.asarray(ds[()], dtype=float), _text(ds.attrs.get("dims", "")).split(",")

    def _read(self, name):
        if name not in self._cache:
            key = f"municipality/{name}"
            data, dims = self._load(name)
            need = self.full_years * WEEKS_PER_YEAR
            if data.shape[0] != self.replicates or data.shape[1] < need:
                raise CalibrationError(f"{self.path}: /{key} has shape {data.shape}, expected "
                                       f"({self.replicates}, >= {need}, ...)")
            self._cache[name] = (data, dims)
        return self._cache[name]

    def series(self, name, domain=None):
        key = f"municipality/{name}"
        data, dims = self._read(name)
        start = self.first_year * WEEKS_PER_YEAR
        data = data[:, start:start + self.weeks]
        if domain is not None:
            if "domain" not in dims:
                raise CalibrationError(f"{self.path}: /{key} has no domain dimension "
                                       f"(dims '{','.join(dims)}')")
            data = np.take(data, DOMAINS.index(domain), axis=dims.index("domain"))
        elif data.ndim != 2:
            raise CalibrationError(f"{self.path}: /{key} has dims '{','.join(dims)}'; "
                                   f"a domain must be chosen")
        return data

    def total(self, name, domain=None):
        """Sum over the period (flows: events, hours, euros of the whole period)."""
        return self.series(name, domain).sum(axis=1)

    def mean(self, name, domain=None):
        """Mean over the weeks of the period (stocks: the typical level)."""
        return self.series(name, domain).mean(axis=1)


class SweepPoint(Run):
    """One point of a `wijksim sweep` file seen as a run file: its replicates are the runs of
    that point (rows point x replicates + r of /runs, /runs says so), its parameters those of
    the base scenario (/base/parameters) with the point's factors set. Every measure and the
    pairing check of a demand-led twin work on it as on a file of `wijksim run`, so a fit
    over a sweep uses the definitions of this report unchanged. Points of one file share its
    handle and its cache of read series (analysis/fit.py opens one file per sweep)."""

    def __init__(self, path, point, _shared=None):
        self.path = f"{path} (point {point})"
        shared = _shared if _shared is not None else SweepPoint._open(path)
        self.f, self._full = shared["f"], shared["series"]
        if _text(self.f.attrs.get("kind", "")) != "sweep":
            raise CalibrationError(f"{path}: not a sweep file (root attribute kind)")
        attrs = {k: _text(v) for k, v in self.f.attrs.items()}
        points = int(attrs.get("points", 0))
        if not 0 <= point < points:
            raise CalibrationError(f"{path}: point {point} asked for, the file has {points}")
        self._setup(attrs)
        self.point = point
        runs = self.f["runs"]
        self._rows = np.arange(point * self.replicates, (point + 1) * self.replicates)
        if (not np.array_equal(runs["point"][self._rows], np.full(self.replicates, point)) or
                not np.array_equal(runs["replicate"][self._rows], np.arange(self.replicates))):
            raise CalibrationError(f"{path}: /runs is not in the order point x replicates + "
                                   f"replicate")
        factors = [c for c in attrs.get("factors", "").split(",") if c]
        self.factors = dict(zip(factors, (float(x) for x in self.f["points"][point])))
        self._shared = shared

    @staticmethod
    def _open(path):
        try:
            return {"f": h5py.File(str(path), "r"), "series": {}}
        except OSError as e:
            raise CalibrationError(f"{path}: cannot open as HDF5 ({e})") from None

    @classmethod
    def all_points(cls, path):
        """Every point of a sweep file, sharing one handle and one series cache."""
        shared = cls._open(path)
        n = int(np.asarray(shared["f"].attrs.get("points", 0)).reshape(-1)[0])
        return [cls(path, p, shared) for p in range(n)]

    def _factor(self, name, index):
        """The point's value of element `index` (from 0) of a parameter, or None when the
        sweep does not vary it."""
        if name in self.factors:
            return self.factors[name]
        return self.factors.get(f"{name}[{index + 1}]")

    def param(self, name, index=0):
        v = self._factor(name, index)
        if v is not None:
            return v
        key = f"base/parameters/{name}"
        if key not in self.f:
            raise CalibrationError(f"{self.path}: parameter '{name}' is missing (/{key})")
        return float(np.asarray(self.f[key][()]).reshape(-1)[index])

    def parameters(self):
        group = self.f.get("base/parameters")
        out = {}
        for k in group or {}:
            vals = np.asarray(group[k][()], dtype=float).reshape(-1).tolist()
            for i in range(len(vals)):
                v = self._factor(k, i)
                if v is not None:
                    vals[i] = v
            out[k] = tuple(vals)
        return out

    def _load(self, name):
        if name not in self._full:
            self._full[name] = Run._load(self, name)
        data, dims = self._full[name]
        return data[self._rows], dims

    def close(self):
        self.f.close()


def _ratio(num, den):
    """Element-wise num / den, NaN where den is 0 (a replicate without the event)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


# ---- the measures: each returns one value per replicate --------------------------------------

def inhabitants_per_team(base, _dl):
    return base.mean("residents") / base.teams()


def professionals_per_team(base, _dl):
    # Filled posts, split into people of the mean contract size.
    people = base.mean("team_fte") / base.param("team.fte_per_person")
    return people / base.teams()


def wmo_per_1000(base, _dl):
    return 1000 * _ratio(base.mean("specialist_clients", "daily_living"), base.mean("residents"))


def youth_in_care_within_year(base, _dl):
    # youth_care_year counts youth helped since the start of the 52-week year, so its value
    # in the last week of each year is that year's count; divided by the year's mean youth.
    years = base.years
    reached = base.series("youth_care_year")[:, WEEKS_PER_YEAR - 1::WEEKS_PER_YEAR]
    youth = base.series("youth").reshape(base.replicates, years, WEEKS_PER_YEAR).mean(axis=2)
    return _ratio(reached, youth).mean(axis=1)


def team_share_of_youth_care(base, _dl):
    return _ratio(base.total("youth_care_team"), base.total("youth_care_clients"))


def gp_share_of_youth_referrals(base, _dl):
    return _ratio(base.total("referrals_gp", "parenting"), base.total("referrals", "parenting"))


def intensive_carer_share(base, _dl):
    return _ratio(base.mean("intensive_carers"), base.mean("adults"))


def intensive_carer_hours(base, _dl):
    # Both series are weekly, so the ratio of their sums is hours per week per carer.
    return _ratio(base.total("carer_hours_intensive"), base.total("intensive_carers"))


def overloaded_carer_share(base, _dl):
    # CBS's 1 in 7 is a share of its carers (mantelzorgers: three months or longer, or at
    # least 8 hours a week), the model's intensive_carers; not of everyone who helped a little.
    return _ratio(base.total("overloaded_carers"), base.total("intensive_carers"))


def overloaded_carer_hours(base, _dl):
    return _ratio(base.total("carer_hours_overloaded"), base.total("overloaded_carers"))


def simple_request_share(base, _dl):
    # "80 % of all questions you can handle easily, but for 20 % you must know whom to bring
    # in" (seed 004 L257): the share of intakes the team does not refer on at once.
    return 1 - _ratio(base.total("intake_referrals"), base.total("intakes"))


def youth_care_cost_per_youth(base, _dl):
    # Like the source (national spend over the youths who had youth care in the year): each
    # year's youth-care spending over the youths in care at any time of that year
    # (youth_care_year in its last week, as for the share of youth in care), averaged over years.
    years = base.years
    spend = base.series("cost_specialist", "parenting")[:, :years * WEEKS_PER_YEAR]
    spend = spend.reshape(base.replicates, years, WEEKS_PER_YEAR).sum(axis=2)
    reached = base.series("youth_care_year")[:, WEEKS_PER_YEAR - 1::WEEKS_PER_YEAR][:, :years]
    return _ratio(spend, reached).mean(axis=1)


def debt_cost_per_trajectory(base, _dl):
    return _ratio(base.total("cost_specialist", "finances"),
                  base.total("specialist_discharges", "finances"))


def check_pair(base, dl):
    """The demand-led file must be the baseline with only access.demand_led switched on,
    the same seed and the same replicates, or the paired differences mean nothing."""
    for key in ("seed", "replicates", "weeks", "burn_in_weeks"):
        if str(base.attrs.get(key)) != str(dl.attrs.get(key)):
            raise CalibrationError(f"{dl.path}: {key} {dl.attrs.get(key)} differs from the "
                                   f"baseline's {base.attrs.get(key)}")
    if base.param("access.demand_led") != 0 or dl.param("access.demand_led") != 1:
        raise CalibrationError(f"access.demand_led must be 0 in {base.path} and 1 in {dl.path}")
    pb, pd = base.parameters(), dl.parameters()
    differ = sorted(k for k in set(pb) | set(pd)
                    if k != "access.demand_led" and pb.get(k) != pd.get(k))
    if differ:
        raise CalibrationError(f"{dl.path}: parameters other than access.demand_led differ "
                               f"from the baseline: {', '.join(differ)}")


def front_end(base, dl):
    """The Breda comparison per replicate (seed 001 L278-284: about 600,000 euro of Wmo and
    Wlz care saved for about 150,000 euro of cost, mostly social workers' time, over 400
    cases). A joint team of a team member, a provider and a municipal officer assesses
    would-be referrals as far as its hours go (access.assessment_capacity). The team has
    fixed posts, so its member's third of the person-hours (access.assessment_hours / 3) is
    paid in team time taken from other work: valued at the cost of a client hour (an FTE's
    yearly cost over its yearly client hours). The provider's and the municipality's two
    thirds are the cost series cost_assessment, one of the other non-care costs, whose
    change (team staff, joint assessments, volunteers, prevention, administration, respite)
    completes the front-end cost."""
    check_pair(base, dl)
    hour_cost = dl.param("cost.team_fte_year") / (
        WEEKS_PER_YEAR * dl.param("team.hours_per_fte") * dl.param("team.client_share"))
    assessments = dl.total("assessments")
    assessment_cost = assessments * dl.param("access.assessment_hours") / 3 * hour_cost

    def care(run):
        return sum(run.total("cost_specialist", d) for d in DOMAINS) + run.total("cost_crisis")

    gross_saving = care(base) - care(dl)
    total_saving = base.total("cost_total") - dl.total("cost_total")
    other_extra = gross_saving - total_saving   # rise of every non-care cost category
    cost = assessment_cost + other_extra
    # Not in the front-end cost, shown beside it: needs the team keeps must still be worked
    # (those that go to a volunteer instead leave the team's casework),
    # and a fixed team can only do that by spreading its casework thinner.
    casework_asked = dl.total("hours_casework_needed") - base.total("hours_casework_needed")
    return {
        "assessments_per_year": assessments / dl.years,
        "kept_share": _ratio(dl.total("assessments_kept"), assessments),
        "cost_per_case": _ratio(cost, assessments),
        "gross_per_case": _ratio(gross_saving, assessments),
        "total_saving_per_case": _ratio(total_saving, assessments),
        "casework_asked_per_case": _ratio(casework_asked * hour_cost, assessments),
        "coverage_base": _ratio(base.total("hours_casework"), base.total("hours_casework_needed")),
        "coverage_dl": _ratio(dl.total("hours_casework"), dl.total("hours_casework_needed")),
        "unmet_change": _ratio(dl.mean("unmet_need"), base.mean("unmet_need")) - 1,
        "crises_change": _ratio(dl.total("crises"), base.total("crises")) - 1,
        "gross_ratio": _ratio(gross_saving, np.where(cost > 0, cost, 0)),
        "net_per_case": _ratio(gross_saving - cost, assessments),
    }


def front_end_gross_ratio(base, dl):
    return front_end(base, dl)["gross_ratio"]


def front_end_net_per_case(base, dl):
    return front_end(base, dl)["net_per_case"]


# ---- the targets: the single source of the real figures --------------------------------------

def approx(figure, tolerance=APPROX_TOLERANCE):
    """A target known only as '~figure': the range is the figure +- tolerance."""
    return {"figure": figure, "lo": figure * (1 - tolerance), "hi": figure * (1 + tolerance),
            "approx": True}


def span(lo, hi, figure=None):
    """A target the source gives as a range (optionally with a central figure)."""
    return {"figure": figure, "lo": lo, "hi": hi, "approx": False}


# Why the two Breda rows cannot be compared: the saving they report lies partly outside the
# model's costs.
BREDA_SCOPE = (
    "Breda's saving of ~600,000 euro over 400 cases was on the Wmo and the Wlz together (seed 001 "
    "L279-281), and the source gives no split. The Wlz (long-term care: nursing homes and lasting "
    "care at home, paid nationally, not by the municipality) is outside the model: a need that "
    "leaves for it leaves without a cost. The model counts only the municipality's side, so its "
    "figure is at most the Wmo part of Breda's and cannot be compared with the total. What it "
    "avoids on that side per assessment (the front-end rows below) is, at 20 replicates, not "
    "told apart from zero: about 170 assessments a year in a city of 150,000 move its total "
    "cost by less than the replicates differ (Breda: ~1,500 euro per case, Wmo and Wlz).")

# fmt: how values print ("int": 15,000; "pct": fractions shown as 12.3 %; "dec1": 12.3;
# "euro": 12,000; "ratio": 4.00; "change": relative changes shown as +12.3 %). measure:
# function of (baseline Run, demand-led Run or None) returning one value per replicate; pair:
# needs the demand-led run. how: the definition printed under the table.
TARGETS = [
    dict(quantity="inhabitants per team", fmt="int", **span(7_000, 31_000, 15_000),
         source="seed 002 appendix L2121-2135", measure=inhabitants_per_team,
         how="mean `residents` / teams (the root attribute `teams`)"),
    dict(quantity="professionals per team", fmt="dec1", **span(5, 25, 10),
         source="seed 002 L497-502", measure=professionals_per_team,
         how="mean `team_fte` / `team.fte_per_person` / teams (filled posts)"),
    dict(quantity="Wmo maatwerk provisions per 1,000 inhabitants", fmt="dec1", **span(48, 63),
         source="CBS 83264NED, 2022-2023 (Almere, Alkmaar, Amersfoort)", measure=wmo_per_1000,
         how="1,000 x mean `specialist_clients[daily_living]` / mean `residents`"),
    dict(quantity="youth (0-17) receiving youth care within a year", fmt="pct",
         **span(0.09, 0.12), source="seed 002 L1498 (8.8-10.7 %); CBS 2019 (~1 in 8)",
         measure=youth_in_care_within_year,
         how="`youth_care_year` in the last week of each year / that year's mean `youth`, "
             "averaged over the years"),
    dict(quantity="share of youth care delivered by the team itself", fmt="pct",
         **approx(0.15), source="CBS youth care, first half of 2023",
         measure=team_share_of_youth_care,
         how="sum `youth_care_team` / sum `youth_care_clients` (youth in care on an average week)"),
    dict(quantity="GP share of referrals to specialist youth care", fmt="pct",
         **span(0.31, 0.42), source="seed 002 L1026-1029", measure=gp_share_of_youth_referrals,
         how="sum `referrals_gp[parenting]` / sum `referrals[parenting]`"),
    dict(quantity="adults giving intensive informal care", fmt="pct", **span(0.12, 0.13),
         source="CBS 2021-2022 (adults 16+; the model counts 18+)",
         measure=intensive_carer_share,
         how="mean `intensive_carers` / mean `adults` (carers as CBS counts them: caring "
             "for `informal.long_weeks` or longer, or a burden above `informal.intensive_hours`)"),
    dict(quantity="hours per week of an intensive carer", fmt="dec1", **span(12, 13),
         source="CBS 2021-2022", measure=intensive_carer_hours,
         how="sum `carer_hours_intensive` / sum `intensive_carers`"),
    dict(quantity="carers heavily burdened", fmt="pct", **approx(0.14),
         source="CBS (1 in 7)", measure=overloaded_carer_share,
         how="sum `overloaded_carers` / sum `intensive_carers` (heavily burdened among the "
             "carers CBS counts)"),
    dict(quantity="hours per week of a heavily burdened carer", fmt="dec1", **approx(28),
         source="CBS", measure=overloaded_carer_hours,
         how="sum `carer_hours_overloaded` / sum `overloaded_carers`"),
    dict(quantity="requests that are simple", fmt="pct", **approx(0.80),
         source="seed 004 L257", measure=simple_request_share,
         how="1 - sum `intake_referrals` / sum `intakes` (intakes not referred on at once)"),
    dict(quantity="youth care cost per youth in care per year (euro)", fmt="euro",
         **approx(12_000),
         source="national spend 5.4-5.6 bn euro for ~443,000 youths (2019)",
         measure=youth_care_cost_per_youth,
         how="`cost_specialist[parenting]` per year / that year's `youth_care_year` (youths in care at any time of the year, as the source counts them)",
         reason="the model's youth-care prices are Nijmegen's (2016: 35 M euro, ~22 M for ~2,600 "
                "youths without a stay, the rest for ~400 with one) and its places Nijmegen's (~16 "
                "per 1,000 residents), so its spending per resident (~180 euro a year) is "
                "Nijmegen's (~200); the national figure (5.4-5.6 bn euro in 2019, ~320 euro per "
                "inhabitant) is about 1.6 times that. Reaching 12,000 euro per youth would mean "
                "scaling the prices to the national total, which would make the target an input."),
    dict(quantity="debt counselling cost per trajectory (euro)", fmt="euro", **approx(2_400),
         source="Nijmegen 2015", measure=debt_cost_per_trajectory,
         how="sum `cost_specialist[finances]` / sum `specialist_discharges[finances]`"),
    dict(quantity="front-end investment: gross saving per euro of front-end cost",
         fmt="ratio", **approx(4.0), source="seed 001 L278-284 (Breda, 2018-2019)",
         measure=front_end_gross_ratio, pair=True,
         how="specialist and crisis cost avoided by `access.demand_led=1` / front-end cost "
             "(see below); replicate r of both runs paired",
         reason=BREDA_SCOPE),
    dict(quantity="front-end investment: net saving per assessed case (euro)", fmt="euro",
         **approx(1_100), source="seed 001 L278-284 (Breda: ~450,000 euro over 400 cases)",
         measure=front_end_net_per_case, pair=True,
         how="(care cost avoided - front-end cost) / `assessments` of the demand-led run",
         reason=BREDA_SCOPE),
]

# Extra lines on the Breda pair, to see what drives the two front-end rows (no targets).
FRONT_END_DETAILS = [
    ("demand-led assessments per year", "int", "assessments_per_year"),
    ("assessments that found another solution than a referral (a volunteer, or the team)", "pct", "kept_share"),
    ("front-end cost per assessment (euro)", "euro", "cost_per_case"),
    ("specialist and crisis cost avoided per assessment (euro)", "euro", "gross_per_case"),
    ("total cost saved per assessment, assessment time unpriced (euro)", "euro",
     "total_saving_per_case"),
    ("extra casework hours the demand-led team is asked for, valued, per assessment (euro; "
     "not in the front-end cost)", "euro", "casework_asked_per_case"),
    ("share of needed casework hours given, baseline", "pct", "coverage_base"),
    ("share of needed casework hours given, demand-led", "pct", "coverage_dl"),
    ("residents with unmet need, demand-led against baseline", "change", "unmet_change"),
    ("crises, demand-led against baseline", "change", "crises_change"),
]


# ---- statistics ------------------------------------------------------------------------------

def summarise(values):
    """Mean, 95 % interval of the mean and 2.5-97.5 % spread of the finite replicate values;
    replicates where the measure is undefined (no events) are counted, not averaged."""
    v = np.asarray(values, dtype=float).reshape(-1)
    ok = v[np.isfinite(v)]
    s = {"n": int(ok.size), "of": int(v.size), "mean": math.nan,
         "ci": (math.nan, math.nan), "spread": (math.nan, math.nan)}
    if ok.size == 0:
        return s
    s["mean"] = float(ok.mean())
    s["spread"] = tuple(float(x) for x in np.percentile(ok, [2.5, 97.5]))
    if ok.size >= 2:
        half = t_quantile(0.975, ok.size - 1) * float(ok.std(ddof=1)) / math.sqrt(ok.size)
        s["ci"] = (s["mean"] - half, s["mean"] + half)
    return s


def verdict(mean, lo, hi, near=NEAR_SHARE, ci=None):
    """within the target range; undecided: the mean is outside but its 95 % interval `ci`
    reaches into the range (the replicates can neither confirm nor contradict the target);
    near: outside by at most `near` x the nearer edge's value; off otherwise."""
    if not math.isfinite(mean):
        return "no data"
    if lo <= mean <= hi:
        return "within"
    if ci is not None and all(math.isfinite(x) for x in ci) and ci[0] <= hi and ci[1] >= lo:
        return "undecided"
    if lo - near * abs(lo) <= mean <= hi + near * abs(hi):
        return "near"
    return "off"


# ---- markdown --------------------------------------------------------------------------------

def fmt_value(x, fmt):
    if not math.isfinite(x):
        return "n/a"
    if fmt == "pct":
        return f"{100 * x:.1f} %"
    if fmt == "change":
        return f"{100 * x:+.1f} %"
    if fmt in ("int", "euro"):
        return f"{x:,.0f}"
    if fmt == "ratio":
        return f"{x:.2f}"
    return f"{x:.1f}"


def fmt_range(lo, hi, fmt):
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "n/a"
    # "a-b" reads badly with negative numbers; "a to b" does not.
    sep = "-" if lo >= 0 and hi >= 0 and fmt != "change" else " to "
    a, b = fmt_value(lo, fmt), fmt_value(hi, fmt)
    if fmt in ("pct", "change"):
        a = a[:-2]
    return f"{a}{sep}{b}"


def fmt_target(t):
    rng = fmt_range(t["lo"], t["hi"], t["fmt"])
    if t["figure"] is None:
        return rng
    return f"~{fmt_value(t['figure'], t['fmt'])} ({rng})"


def command_of(run):
    """The wijksim command that made a run, rebuilt from its attributes; scenario paths are
    given relative to the repository so that the report does not depend on the checkout."""
    files = [p for p in str(run.attrs.get("scenario_files", "")).splitlines() if p]
    shown = []
    for p in files:
        try:
            shown.append(str(Path(p).resolve().relative_to(REPO_DIR)))
        except ValueError:
            shown.append(p)
    sets = [s for s in str(run.attrs.get("set_overrides", "")).splitlines() if s]
    parts = ["bin/wijksim run", *shown, f"--seed {run.attrs['seed']}",
             f"--replicates {run.replicates}", *[f"--set {s}" for s in sets]]
    return " ".join(parts)


def _cell(x):
    return str(x).replace("|", "\\|")


def summarise_target(t, base, dl):
    """The summary of one target's measure, or None when it needs the missing twin."""
    if t.get("pair") and dl is None:
        return None
    return summarise(t["measure"](base, dl))


def drift(first, last):
    """Whether a figure moved between two years: steady when their 95 % intervals overlap."""
    (a0, a1), (b0, b1) = first["ci"], last["ci"]
    if not all(math.isfinite(x) for x in (a0, a1, b0, b1)):
        return "n/a"
    if a1 >= b0 and b1 >= a0:
        return "steady"
    return "rising" if last["mean"] > first["mean"] else "falling"


def render(base, dl, years=None):
    """The whole report as a string. Deterministic: no dates, no absolute paths.

    years: the last `years` full years of output are the period of the table (default all);
    the drift section always compares the first and the last year of output."""
    full = base.full_years
    years = full if years is None else years
    period_b = base.window(full - years, years)
    period_d = dl.window(full - years, years) if dl is not None else None
    if years == full:
        period = f"all {full} full 52-week years of output"
    else:
        period = (f"the last {years} of the {full} full 52-week years of output "
                  f"(years {full - years + 1}-{full})")

    rows, notes, reasons = [], [], []
    for i, t in enumerate(TARGETS, 1):
        s = summarise_target(t, period_b, period_d)
        if s is None:
            s, verdict_text = summarise([]), "not run (needs the demand-led file)"
        else:
            verdict_text = verdict(s["mean"], t["lo"], t["hi"], ci=s["ci"])
            if t.get("reason") and verdict_text not in ("within", "no data"):
                verdict_text += " (stated reason below)"
                reasons.append(f"- **{i}. {t['quantity']}**: {t['reason']}")
        mean = fmt_value(s["mean"], t["fmt"])
        if 0 < s["n"] < s["of"]:
            mean += f" ({s['n']} of {s['of']} replicates)"
        rows.append([i, t["quantity"], fmt_target(t), t["source"], mean,
                     fmt_range(*s["ci"], t["fmt"]), fmt_range(*s["spread"], t["fmt"]),
                     verdict_text])
        notes.append(f"{i}. {t['quantity']}: {t['how']}.")

    a = base.attrs
    burn_in = a.get("burn_in_weeks", "?")
    out = ["# Calibration", "",
           "Generated by `make calibration` (`analysis/calibration.py`); do not edit by hand. "
           "The real figures are those of `MODEL_BRIEF.md` section 7; they live in "
           "`TARGETS` in the script.", "",
           f"- wijksim {a.get('wijksim_version', '?')}, commit `{a.get('git_commit', '?')}`",
           f"- baseline: `{command_of(base)}`"]
    if dl is not None:
        out.append(f"- demand-led twin (front-end rows): `{command_of(dl)}`")
    else:
        out.append("- demand-led twin: not given, so the front-end rows are empty")
    out += [f"- {int(base.attrs['weeks'])} weeks of output after {burn_in} weeks of burn-in; "
            f"{a.get('neighbourhoods', '?')} neighbourhoods",
            "",
            f"Each figure is computed per replicate over {period} (years count from the end "
            f"of the burn-in), then summarised over the {base.replicates} replicates: the "
            "mean, the 95 % interval of that mean (mean +- t(0.975, R-1) sd / sqrt(R)) and the "
            "spread of the replicates themselves (their 2.5 and 97.5 percentiles). Verdict: "
            "*within* the target range; *undecided*: the mean lies outside it, but its 95 % "
            "interval reaches into it (these replicates can neither confirm nor contradict the "
            f"target); *near*: outside it by at most {100 * NEAR_SHARE:.0f} % "
            "of the nearer edge's value; *off* otherwise. A target given only as ~figure gets "
            f"a range of +-{100 * APPROX_TOLERANCE:.0f} % around it (this report's assumption, "
            "not the source's).",
            "",
            "| # | quantity | target | source | simulated mean | 95 % interval | "
            "replicates 2.5-97.5 % | verdict |",
            "|---|---|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    if reasons:
        out += ["", "## Why a target is not met: stated reasons", "",
                "A target outside its range for a reason found in the sources, not in a missing "
                "mechanism (docs/ODD.md section 8 gives the measurements behind each):", ""]
        out += reasons
    out += ["", "## How each figure is measured", "",
            "Series names are those of `docs/output.md` (municipality totals); "
            "`[domain]` picks one life domain.", ""]
    out += notes

    out += ["", "## Front-end investment (Breda): the parts", ""]
    if dl is None:
        out.append("Not run: give the demand-led file (`make calibration` does).")
    else:
        out += ["The demand-led twin has a joint assessment team (a team member, a provider "
                "and a municipal officer) that assesses would-be referrals as far as its hours "
                "go (`access.assessment_capacity`). The team has fixed posts, so its member's "
                "third of each assessment's person-hours is paid in team time taken from other "
                "work, valued at the cost of a client hour (`cost.team_fte_year` / (52 x "
                "`team.hours_per_fte` x `team.client_share`)); the provider's and the "
                "municipality's hours are the cost series `cost_assessment`. With any rise in "
                "the other non-care costs they make the front-end cost: Breda's costs, too, "
                "were mostly the professionals' time (seed 001 L278-284). "
                "Differences are baseline minus demand-led, replicate by replicate, over the "
                "same period as the table.", "",
                "| quantity | mean | 95 % interval | replicates 2.5-97.5 % |",
                "|---|---|---|---|"]
        parts = front_end(period_b, period_d)
        for label, fmt, key in FRONT_END_DETAILS:
            s = summarise(parts[key])
            out.append(f"| {label} | {fmt_value(s['mean'], fmt)} | {fmt_range(*s['ci'], fmt)} | "
                       f"{fmt_range(*s['spread'], fmt)} |")

    out += ["", "## Drift: the first against the last year of output", ""]
    if full < 2:
        out.append("Not shown: the output has a single full year.")
    else:
        # A baseline still settling after its burn-in makes every figure depend on the
        # period chosen; this shows where.
        out += ["Each figure in year 1 and in year "
                f"{full} of output. *steady*: the 95 % intervals of the two years overlap; "
                "otherwise *rising* or *falling* (the burn-in may be too short for it).", "",
                f"| # | quantity | year 1 | year {full} | change | drift |",
                "|---|---|---|---|---|---|"]
        windows = [(r.window(0, 1), r.window(full - 1, 1)) if r is not None else (None, None)
                   for r in (base, dl)]
        for i, t in enumerate(TARGETS, 1):
            first = summarise_target(t, windows[0][0], windows[1][0])
            last = summarise_target(t, windows[0][1], windows[1][1])
            if first is None:
                continue
            change = (last["mean"] - first["mean"]) / abs(first["mean"]) \
                if first["mean"] else math.nan
            out.append(f"| {i} | {_cell(t['quantity'])} | {fmt_value(first['mean'], t['fmt'])} | "
                       f"{fmt_value(last['mean'], t['fmt'])} | {fmt_value(change, 'change')} | "
                       f"{drift(first, last)} |")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline", help="HDF5 file of the baseline run")
    ap.add_argument("--demand-led", help="HDF5 file of the baseline with access.demand_led=1")
    ap.add_argument("-o", "--output", default="docs/calibration.md", help="markdown to write")
    ap.add_argument("--years", type=int,
                    help="use the last N full years of output (default: all full years)")
    args = ap.parse_args(argv)
    runs = []
    try:
        runs.append(Run(args.baseline))
        if args.demand_led:
            runs.append(Run(args.demand_led))
        if args.years is not None and not 1 <= args.years <= runs[0].full_years:
            raise CalibrationError(f"--years {args.years}: the baseline has "
                                   f"{runs[0].full_years} full years of output")
        text = render(runs[0], runs[1] if len(runs) > 1 else None, args.years)
    except CalibrationError as e:
        print(f"calibration: {e}", file=sys.stderr)
        return 1
    finally:
        for r in runs:
            r.close()
    write_atomically(args.output, text)
    print(f"calibration: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
