"""Policy responses: what each headline lever does, against what the sources say, written as
docs/policy_responses.md from runs and never by hand (`make responses`).

usage: /usr/bin/python3 analysis/responses.py [-o docs/policy_responses.md] [--force]
           [--replicates 10] [--seed 1] [--threads 2] [--horizon 1,2,5,10] [--dir out/responses]
           [--population N] [--neighbourhoods N] [--burn-in WEEKS] [--weeks WEEKS]
           [--set name=value]... [--wijksim bin/wijksim] [--from-h5 FILE.h5]

What it runs (LEVERS below is the one list of levers, their scenario files in
scenarios/levers/, and what the seeds say about each):

1. `wijksim run scenarios/baseline.cfg --set sim.weeks=52` with the same seed and replicates
   as the comparison: one output year of the baseline, the same burn-in as the comparison's.
   Its mean year-1 total cost sets the prevention lever's amount, 1 % of the town's yearly
   social-domain spending: prevention.budget += 0.01 x cost / (population / 1000). The script
   writes that lever, a copy of scenarios/levers/prevention_plus_1pct.cfg with the computed
   budget, into --dir, so the label "+1 % of the budget" stays true for any town or model
   version; the checked-in file keeps a value for the baseline city that a reader can run.
2. One `wijksim compare` of the baseline and every lever (`--horizon 1,2,5,10`), which shares
   the baseline's burn-in with every lever (each moves one schedulable parameter at output
   week 0), so the levers and the baseline differ only by policy (common random numbers).
3. The page, from the comparison file alone (`--from-h5 FILE` redoes this step only): per
   lever the paired difference from the baseline of every outcome the file has, with 95 %
   Student-t intervals over replicates, the break-even year of the cumulative cost difference
   from the weekly cost_total series, the sources' view, and a verdict computed from the
   numbers.

The page goes to a temporary file renamed into place; an existing page is refused (exit 2)
without --force, before anything runs. Needs numpy and h5py (Debian's /usr/bin/python3).
"""
import argparse
import math
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from wijksim import data, stats  # noqa: E402
from wijksim.files import write_atomically  # noqa: E402

REPO_DIR = Path(__file__).resolve().parent.parent
LEVER_DIR = REPO_DIR / "scenarios" / "levers"
WEEKS_PER_YEAR = 52
PREVENTION_SHARE = 0.01          # the prevention lever: +1 % of the yearly total cost


# ---- the levers and what the sources say ---------------------------------------------------

@dataclass
class Expect:
    """The direction the sources expect for one outcome at one horizon year: sign +1 (rises)
    or -1 (falls). `what` names the outcome in the verdict line."""
    outcome: str
    year: int
    sign: int
    what: str


@dataclass
class Lever:
    """One headline lever: its scenario file, the parameter it moves and how (`relation`
    maps the baseline's value to the lever's, checked against the comparison file), what the
    sources say (markdown, citations as `seed NNN Lx`) and the directions they expect."""
    key: str
    name: str
    param: str
    relation: object
    sources: str
    expect: list = field(default_factory=list)

    @property
    def file(self):
        return LEVER_DIR / f"{self.key}.cfg"


LEVERS = [
    Lever("team_threshold_plus1", "Team threshold +1", "access.team_threshold", lambda b: b + 1,
          "Stricter access is a known response to rising demand: close, low-threshold teams see "
          "more, and \"some municipalities look for ways to curb this higher call on provisions "
          "and raise access criteria\" (seed 002 L1965-1979). The same study warns that such "
          "thresholds may mainly make vulnerable groups disappear from view, people who feel "
          "shame or cannot put their question into words, who then \"fall between the cracks\" "
          "(seed 002 L1855-1871). Seed 004 L347 and L381 describe the weight that then falls on "
          "informal carers. Expected: lower spending at first, more unmet need and carer "
          "overload, and needs that escalate later (MODEL_BRIEF s8 fact 3).",
          [Expect("cost_total", 1, -1, "total cost"), Expect("unmet_need", 2, +1, "unmet need"),
           Expect("overloaded_carers", 5, +1, "overloaded carers"), Expect("crises", 5, +1, "crises")]),
    Lever("team_fte_minus15", "Team FTE -15 %", "team.fte", lambda b: b * 0.85,
          "The seeds describe teams already short of time: \"the workload and changes in staffing "
          "make it hard for the teams to make time for early signalling\" (seed 001 L232-235); a "
          "large caseload together with staff changes left less attention for prevention "
          "(seed 002 L1249-1250); pressure to clear waiting lists costs the longer term "
          "(seed 003 L298); turnover among team professionals is high (seed 002 L1901-1902). "
          "None of them measures a cut. Expected: lower staff cost, longer waits for intake, and "
          "more needs worsening as casework thins (MODEL_BRIEF s10, staffing).",
          [Expect("cost_team_staff", 1, -1, "team staff cost"), Expect("waiting_time", 1, +1, "the intake wait"),
           Expect("escalations", 5, +1, "needs worsening")]),
    Lever("prevention_plus_1pct", "Prevention +1 % of the budget", "prevention.budget", None,
          "Seed 004 L309: \"change costs time and money; it takes a while before the benefits "
          "actually show\". Seed 002 L1242-1258 and L756-758: teams hardly get to prevention "
          "because individual cases come first, and seed 002 L1976-1977 notes that prevention "
          "often means preventing the use of provisions rather than of problems. Breda's "
          "front-end project paid back within its two-year pilot (seed 001 L278-284), but that "
          "was individual front-end work, not collective prevention. Expected: costs first, "
          "fewer new needs after a lag, and a pay-back that is slow, if it comes within a "
          "budget period at all (MODEL_BRIEF s8 fact 8).",
          [Expect("cost_total", 1, +1, "total cost"), Expect("new_needs", 10, -1, "new needs")]),
    Lever("outreach_protected", "Protected outreach and prevention time", "team.prevention_protected",
          lambda b: 1.0,
          "Seed 002 L1838-1840 proposes exactly this: reserve part of the time and budget in "
          "advance, so that prevention and outreach are not crowded out by cases, while adding "
          "that it will not by itself change behaviour. Seed 002 L745-766 and seed 003 L292-298: "
          "high caseloads keep the focus on individual cases. Seed 001 L217-222 (Breda): by "
          "working outreach-wise residents are reached in time and short support is more often "
          "enough. Seed 002 L1872-1880: outreach to care avoiders has hardly got off the ground. "
          "Expected: more outreach hours at once, and needs found earlier, so fewer worsen "
          "(MODEL_BRIEF s8 facts 2 and 5).",
          [Expect("hours_outreach", 1, +1, "outreach hours"), Expect("escalations", 5, -1, "needs worsening")]),
    Lever("specialist_team", "Specialist team (against the baseline's mixed team)", "team.mix", None,
          "Seed 004 L207: putting specialists together \"does not automatically lead to more "
          "integrality\": several torches in a dark room instead of one lamp; seed 004 L201: a "
          "family with 15 helpers who did not know of each other; seed 004 L576: integral work "
          "needs not one person \"but five, or ten\", each consulting the others. Seed 002 "
          "L602-612: municipalities want every professional to have a generalist basis "
          "(T-shaped). The comparison here is with the baseline's mix (half generalists, a fifth "
          "specialists, the rest T-shaped), not with an all-generalist team. Expected: more "
          "coordination time (MODEL_BRIEF s8 fact 7).",
          [Expect("hours_coordination", 1, +1, "coordination hours")]),
    Lever("case_director", "Case director on", "team.case_director", lambda b: 1.0,
          "Seed 004 L205: \"one family, one plan, one practitioner\" is what the Almere advisers "
          "want, \"so important for the effectiveness of care\", though hard in practice. Seed 004 "
          "L570-648 (Bannink) is sceptical: coordination among professions with different views "
          "of the problem is necessary and hard, no mechanism makes them agree, and where it "
          "works it was luck more than design (L648). Expected: less coordination time "
          "(MODEL_BRIEF s8 fact 7); whether outcomes improve, the sources disagree.",
          [Expect("hours_coordination", 1, -1, "coordination hours")]),
    Lever("demand_led", "Demand-led assessment on", "access.demand_led", lambda b: 1.0,
          "Seed 001 L264-276 (Breda, 2017): trios of the resident, a social worker and the "
          "municipality's Wmo consultant looked at the question rather than the offer; in 18 of "
          "28 cases the resident chose another solution than a maatwerk provision. Seed 001 "
          "L278-284: a follow-up of 400 cases saved over 600,000 euro on Wmo and Wlz for about "
          "150,000 euro of cost, some 450,000 euro net (about 4 euro gross per euro spent, "
          "MODEL_BRIEF s7). Expected: fewer referrals at once, lower specialist cost, and a net "
          "saving within two years.",
          [Expect("referrals", 1, -1, "referrals"), Expect("cost_specialist", 2, -1, "specialist cost"),
           Expect("cost_total", 2, -1, "total cost")]),
    Lever("specialist_places_half", "Specialist places halved", "specialist.places", lambda b: b * 0.5,
          "Seed 002 L721-725: help in the teams is heavier and longer than intended, partly "
          "because of waiting lists at second-line organisations, since \"the social teams do "
          "not want to leave people out in the cold\"; seed 002 L1825-1826: the complexity of "
          "questions grows with waiting lists in specialised care; seed 004 L345: complex, "
          "intensive care is expensive, so some municipalities do not buy enough of it. Seed 002 "
          "L1016-1029: GPs remain a legal route to youth care regardless. Expected: longer "
          "specialist waits, teams holding heavier cases (a higher workload), lower specialist "
          "cost (MODEL_BRIEF s8 fact 4, s10 entitlement versus capacity).",
          [Expect("specialist_waiting_time", 1, +1, "the specialist wait"), Expect("workload", 1, +1, "team workload"),
           Expect("cost_specialist", 1, -1, "specialist cost")]),
]

# Outcomes in the order the page lists them: the costs first (every cost_* the file has, in the
# file's order), then these, then whatever else the file has. Names missing from the file are
# skipped, so outcomes added to core/outcomes.def appear without a change here.
OUTCOME_ORDER = ["unmet_need", "waiting_time", "team_wait_worst", "referrals", "escalations",
                 "crises", "overloaded_carers", "qol_index"]


class ResponsesError(Exception):
    """A failed run or an unusable file: one line, exit status 1."""


# ---- running ---------------------------------------------------------------------------------

def run(cmd, what):
    print(f"responses: {what}: {' '.join(shlex.quote(str(c)) for c in cmd)}", file=sys.stderr, flush=True)
    t0 = time.time()
    r = subprocess.run([str(c) for c in cmd], stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        raise ResponsesError(f"{what} failed with exit status {r.returncode}")
    print(f"responses: {what} took {time.time() - t0:.0f} s", file=sys.stderr, flush=True)


def prevention_budget(year1_h5):
    """The prevention lever's budget from a one-year baseline run: the baseline's budget plus
    1 % of the mean year-1 total cost per 1,000 residents. Returns (budget, base budget, cost
    in euro, population)."""
    with data.open_file(year1_h5) as f:
        cost = f.series("cost_total").values[:, :WEEKS_PER_YEAR].sum(axis=1).mean()
        params = f.f["parameters"]
        pop = float(params["world.population"][()][0])
        base = float(params["prevention.budget"][()][0])
    return base + PREVENTION_SHARE * cost / (pop / 1000), base, cost, pop


def write_prevention_lever(path, budget, base, cost, pop):
    """The prevention lever for this town: the checked-in file, with its policy replaced by
    the computed budget (a later policy replaces an included one)."""
    text = (f"# Written by analysis/responses.py: scenarios/levers/prevention_plus_1pct.cfg with the\n"
            f"# budget computed for this town: {base:.1f} + 0.01 x {cost:.0f} euro (the baseline's mean\n"
            f"# year-1 total cost) / ({pop:.0f} residents / 1000).\n"
            f"@include \"{LEVER_DIR / 'prevention_plus_1pct.cfg'}\"\n\n"
            f"policy = ( {{ week = 0; prevention = {{ budget = {budget:.1f}; }}; }} );\n")
    write_atomically(path, text)


def run_all(args, comparison):
    sets = []
    for s in args.set:
        sets += ["--set", s]
    common = ["--replicates", str(args.replicates), "--seed", str(args.seed), "--threads", str(args.threads),
              "--quiet", "--force"]
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    year1 = out / "baseline_year1.h5"
    run([args.wijksim, "run", REPO_DIR / "scenarios" / "baseline.cfg", *sets, "--set", "sim.weeks=52",
         "-o", year1, *common], "one output year of the baseline (prevention amount)")
    budget, base, cost, pop = prevention_budget(year1)
    files = []
    for lever in LEVERS:
        if lever.key == "prevention_plus_1pct":
            f = out / lever.file.name
            write_prevention_lever(f, budget, base, cost, pop)
            files.append(f)
        else:
            files.append(lever.file)
    run([args.wijksim, "compare", REPO_DIR / "scenarios" / "baseline.cfg", *files, *sets,
         "--horizon", ",".join(str(h) for h in args.horizon), "-o", comparison, *common],
        "the comparison of the baseline and every lever")


# ---- numbers ---------------------------------------------------------------------------------

def rounding(*values):
    """Decimals for a figure and its interval: two significant digits of the half-width, or
    four of the largest value when the interval has no width."""
    v = [abs(x) for x in values if np.isfinite(x)]
    if not v:
        return 0
    half = (max(values) - min(values)) / 2 if len(values) > 1 else 0
    if max(v) == 0:
        return 0
    # At most four significant digits of the value, however narrow the interval.
    ref = max(half, max(v) * 1e-3) if half > 0 else max(v)
    return int(min(8, max(0, (1 if half > 0 else 3) - math.floor(math.log10(ref)))))


def fmt(x, d, sign=False):
    if not np.isfinite(x):
        return "n/a"
    s = f"{x:+.{d}f}" if sign else f"{x:.{d}f}"
    return "0" if float(s) == 0 and d == 0 else s


def cell(mean, lo, hi, sign):
    """mean [lo, hi], with a star when a difference's interval excludes zero."""
    if not (np.isfinite(mean) and np.isfinite(lo) and np.isfinite(hi)):
        return "n/a"
    d = rounding(mean, lo, hi)
    star = " *" if sign and (lo > 0 or hi < 0) else ""
    return f"{fmt(mean, d, sign)} [{fmt(lo, d, sign)}, {fmt(hi, d, sign)}]{star}"


def ordered_outcomes(names):
    costs = [n for n in names if n.startswith("cost_")]
    listed = [n for n in OUTCOME_ORDER if n in names]
    return costs + listed + [n for n in names if n not in costs and n not in listed]


def horizon_for(year, horizons):
    """The horizon year to judge an expectation for `year` at: that year, or the last one
    before it that the file has (a short test run), or the first."""
    before = [h for h in horizons if h <= year]
    return max(before) if before else horizons[0]


def break_even_text(base_cost, lever_cost, weeks):
    """The cumulative paired cost difference from weekly cost_total [replicate, week]:
    (summary line, break-even point estimate in years or None)."""
    diff = np.cumsum(lever_cost[:, :weeks] - base_cost[:, :weeks], axis=1) / 1e6   # million euro
    mean, lo, hi, n = stats.mean_ci(diff, axis=0)
    t = np.arange(1, weeks + 1) / WEEKS_PER_YEAR
    years = weeks // WEEKS_PER_YEAR
    y1 = min(WEEKS_PER_YEAR, weeks) - 1
    first = (f"cumulative cost difference after year 1: {cell(mean[y1], lo[y1], hi[y1], True)} million euro; "
             f"after year {years}: {cell(mean[-1], lo[-1], hi[-1], True)}")

    def when(b):
        if b is None:
            return f"not within {years} years"
        return "from the start" if b <= t[0] else f"year {b:.1f}"

    if np.all(diff == 0):
        return "No cost difference at all: the lever left the weekly total cost unchanged in every replicate.", None
    if mean[y1] > 0:
        be = stats.break_even(t, mean)
        early = stats.break_even(t, lo)
        late = stats.break_even(t, hi) if np.all(np.isfinite(hi)) else None
        reps = [stats.break_even(t, d) for d in diff]
        k = sum(r is not None for r in reps)
        return (f"Costs more in year 1 ({first}). **Break-even: {when(be)}** (95 % interval "
                f"{when(early)} to {when(late)}; {k} of {len(reps)} replicates break even within "
                f"{years} years)."), be
    # Saves first: when, if ever, is the saving used up (the mirror of a break-even)?
    lost = stats.break_even(t, -mean)
    return (f"Costs less in year 1 ({first}). " +
            (f"The cumulative saving is used up from {when(lost)}." if lost is not None
             else f"The saving lasts all {years} years.")), None


def verdict(lever, diffs, horizons, units, unchanged=False):
    """One line: does the model's direction agree with the sources' expectations?"""
    if unchanged:
        return ("**no response**: the lever changed no outcome in any replicate at any horizon, so the model "
                "cannot say what the sources expect here (look at whether the mechanism is active in this town).")
    parts, score = [], []
    for e in lever.expect:
        if e.outcome not in diffs:
            continue
        h = horizon_for(e.year, horizons)
        m, lo, hi = diffs[e.outcome][h]
        got = 1 if lo > 0 else -1 if hi < 0 else 0
        when = "in year 1" if h == 1 else f"by year {h}"
        c = cell(m, lo, hi, True).replace(" *", "")
        if got == 0:
            parts.append(f"{e.what}: no clear change {when} ({c}; sources: {'up' if e.sign > 0 else 'down'})")
        else:
            parts.append(f"{e.what} {'up' if got > 0 else 'down'} {when} ({c} {units[e.outcome]}; "
                         f"sources: {'up' if e.sign > 0 else 'down'})")
        score.append(0 if got == 0 else 1 if got == e.sign else -1)
    if not score:
        return "no verdict: none of the outcomes the sources speak of is in the file"
    if all(s == 1 for s in score):
        word = "agrees"
    elif all(s == -1 for s in score):
        word = "disagrees"
    elif -1 in score:
        word = "partly disagrees" if 1 in score else "disagrees (and unclear)"
    elif 1 in score:
        word = "partly agrees (the rest unclear)"
    else:
        word = "unclear (no interval excludes zero)"
    return f"**{word}**: " + "; ".join(parts) + "."


def check_lever(lever, base_params, policy):
    """Problems with a lever as the comparison file resolved it: it must move its parameter
    (and only that one) at output week 0, by the stated relation to the baseline's value."""
    problems = []
    moved = {}
    for row in policy:
        name = data.text(row["parameter"])
        if int(row["week"]) != 0:
            problems.append(f"a policy step at week {int(row['week'])}, expected week 0 only")
        moved.setdefault(name, {})[int(row["element"])] = float(row["value"])
    others = sorted(set(moved) - {lever.param})
    if others:
        problems.append(f"also moves {', '.join(others)}")
    if lever.param not in moved:
        return problems + [f"does not move {lever.param}"]
    base = np.asarray(base_params[lever.param][()], dtype=float).reshape(-1)
    got = base.copy()
    for i, v in moved[lever.param].items():
        got[i] = v
    if lever.relation is not None:
        want = np.asarray(lever.relation(base), dtype=float)
        if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
            problems.append(f"{lever.param} is {got.tolist()}, expected {want.tolist()} from the baseline's "
                            f"{base.tolist()}: the lever file is stale")
    return problems


# ---- the page --------------------------------------------------------------------------------

def command_of(f, horizons, threads):
    """The compare command that wrote the file, from what the file records."""
    files = []
    for sc in f.scenarios:
        listed = str(sc.attrs.get("scenario_files", "")).strip().split("\n")
        files.append(os.path.relpath(listed[-1], REPO_DIR) if listed[-1].startswith("/") else listed[-1])
    sets = [s for s in str(f.scenarios[0].attrs.get("set_overrides", "")).strip().split("\n") if s]
    cmd = ["bin/wijksim", "compare", *files, *sum((["--set", s] for s in sets), []),
           "--horizon", ",".join(map(str, horizons)), "--replicates", str(f.replicates),
           "--seed", str(f.seed), "--threads", str(threads), "-o", os.path.relpath(f.path, REPO_DIR)]
    year1 = ["bin/wijksim", "run", files[0], *sum((["--set", s] for s in sets), []), "--set", "sim.weeks=52",
             "--replicates", str(f.replicates), "--seed", str(f.seed), "--threads", str(threads), "-o",
             os.path.join(os.path.dirname(os.path.relpath(f.path, REPO_DIR)), "baseline_year1.h5")]
    return " ".join(shlex.quote(c) for c in cmd), " ".join(shlex.quote(c) for c in year1)


def render(path, threads):
    with data.open_file(path) as f:
        if f.kind != "comparison":
            raise ResponsesError(f"{path}: a {f.kind} file, expected the comparison that responses.py runs")
        if len(f.scenarios) != len(LEVERS) + 1:
            raise ResponsesError(f"{path}: {len(f.scenarios)} scenarios, expected the baseline and "
                                 f"{len(LEVERS)} levers")
        base_sc = f.scenarios[0]
        base = f.outcomes(base_sc)
        horizons = base.horizons
        names = ordered_outcomes(base.names)
        units = dict(zip(base.names, base.units))
        labels = dict(zip(base.names, base.labels))
        bparams = f.f[base_sc.group]["parameters"]
        pop = float(bparams["world.population"][()][0])
        weeks = min(f.weeks, max(horizons) * WEEKS_PER_YEAR)
        base_cost = f.series("cost_total", base_sc).values

        def levels(o, name, h):
            return stats.mean_ci(o.get(name, h))[:3]

        out = []
        w = out.append
        w("# Policy responses: what each lever does, and what the sources say\n")
        w("<!-- Written by analysis/responses.py (`make responses`) from the comparison file; do not edit "
          "by hand: edit the script's LEVERS or the lever files and run it again. -->\n")
        w(f"This page is generated from simulation runs. For each headline lever of MODEL_BRIEF s5 it gives what "
          f"the model does when the municipality moves that one lever from the start of output year 1 (output "
          f"week 0), compared with carrying on as in the baseline, and beside it what the Dutch source documents "
          f"(the seeds, `seed NNN Lx` = file `NNN_*.txt` in the project's shared seeds, around line x) say. Read "
          f"the directions and the sizes relative to the baseline more than the levels: the city is stylised "
          f"(docs/calibration.md shows how close it comes to Dutch figures).\n")
        w("## What was run\n")
        cmd, year1 = command_of(f, horizons, threads)
        w(f"- Command: `{cmd}`")
        w(f"- Before it, `{year1}` (one output year of the baseline) sized the prevention lever; see that lever. `make responses` "
          f"(RESP_REPLICATES, RESP_SEED, RESP_DIR) runs both and writes this page; `analysis/responses.py --from-h5 FILE` "
          f"rewrites it from the comparison file alone.")
        w(f"- wijksim {f.version}, commit `{f.commit}`; {f.replicates} replicates, seed {f.seed}; a town of "
          f"{pop:,.0f} residents in {int(base_sc.attrs.get('neighbourhoods', 0))} neighbourhoods, "
          f"{f.burn_in_weeks} weeks of burn-in, {f.weeks} weeks of output.")
        shared = all(int(sc.attrs.get("shares_history_with", -1)) == 0 and
                     not str(sc.attrs.get("own_burn_in_because", "")) for sc in f.scenarios[1:])
        w(f"- Every lever is a file in `scenarios/levers/` that includes the baseline and moves one parameter as a "
          f"policy step at output week 0. "
          + ("All of them share the baseline's burn-in and random streams (common random numbers)."
             if shared else "**Not every lever shares the baseline's burn-in; see the notes under the levers.**"))
        w("- Each cell is the **paired difference** lever minus baseline: computed replicate by replicate (both runs "
          "share their chance events), then the mean over replicates and its 95 % interval, mean +- t(0.975, R-1) "
          "sd / sqrt(R) (Student t). A star `*` marks an interval that excludes zero: the direction is clear. An "
          "interval that includes zero means \"no clear effect with these replicates\", not \"no effect\".")
        w("- Costs are cumulative from output week 0 to the end of the year shown (million euro); the other "
          "outcomes are for that year alone (docs/output.md, Outcomes). The last column is the baseline's own "
          "level in the last year, mean [95 % interval], for scale.")
        w("- **Break-even** (levers that cost more than the baseline in year 1, on the mean over replicates): the first time from which the cumulative paired "
          "difference of the weekly total cost (`cost_total`) stays at or below zero to the end of the run, linearly "
          "interpolated between weeks (analysis/wijksim/stats.py, break_even), for the mean over replicates. Its "
          "interval: the break-even times of the lower and upper edges of the pointwise 95 % interval of that mean "
          "cumulative difference; the count of replicates that break even on their own is given too.")
        w("- **Verdict**: for each outcome the sources speak of, the model's direction at the year named (or the "
          "last year run before it) is read from the interval: rises or falls when it excludes zero, otherwise "
          "unclear. It agrees when every clear direction matches the sources', and is computed, not written.\n")

        # Summaries first, for the reader in a hurry.
        sections, summary = [], []
        for lever, sc in zip(LEVERS, f.scenarios[1:]):
            lo_ = f.outcomes(sc)
            diffs = {}
            for n in names:
                diffs[n] = {h: stats.paired_diff_ci(lo_.get(n, h), base.get(n, h))[:3] for h in horizons}
            lev_cost = f.series("cost_total", sc).values
            be_line, be = break_even_text(base_cost, lev_cost, weeks)
            unchanged = all(np.array_equal(lo_.get(n, h), base.get(n, h), equal_nan=True)
                            for n in names for h in horizons)
            v = verdict(lever, diffs, horizons, units, unchanged)
            problems = check_lever(lever, bparams, f.f[sc.group]["policy"][()])
            if int(sc.attrs.get("shares_history_with", 0)) != 0 or str(sc.attrs.get("own_burn_in_because", "")):
                problems.append(f"does not share the baseline's burn-in ({sc.attrs.get('own_burn_in_because')})")
            summary.append((lever, v, be_line))
            s = [f"## {lever.name}\n", f"Scenario `{lever.key}` ({sc.label}); moves `{lever.param}` at output week 0."]
            if lever.key == "prevention_plus_1pct":
                pol = f.f[sc.group]["policy"][()]
                new = [float(r["value"]) for r in pol if data.text(r["parameter"]) == "prevention.budget"]
                old = float(bparams["prevention.budget"][()][0])
                if new:
                    extra = (new[0] - old) * pop / 1000
                    y1 = (f" (computed before the comparison from a one-year run of the baseline with the same seed and "
                          f"replicates, the same weeks as this comparison's baseline year 1, which cost "
                          f"{stats.mean_ci(base.get('cost_total', 1))[0]:.2f} million euro)" if 1 in horizons else "")
                    s[-1] += (f" The budget goes from {old:,.0f} to {new[0]:,.0f} euro per 1,000 residents a year: "
                              f"+{extra / 1e6:.3f} million euro a year for this town, 1 % of "
                              f"{extra / PREVENTION_SHARE / 1e6:.2f} million euro, the baseline's mean total cost in "
                              f"its first output year{y1}.")
            for p in problems:
                s.append(f"\n**Check failed:** {p}.")
            s.append("")
            hdr = "| Outcome (unit) | " + " | ".join(f"Year {h}" for h in horizons) + \
                  f" | Baseline, year {horizons[-1]} |"
            s.append(hdr)
            s.append("|" + "---|" * (len(horizons) + 2))
            for n in names:
                row = [cell(*diffs[n][h], True) for h in horizons]
                row.append(cell(*levels(base, n, horizons[-1]), False))
                s.append(f"| {labels[n]} ({units[n]}) | " + " | ".join(row) + " |")
            s.append("")
            s.append(f"**Costs over time.** {be_line}\n")
            s.append(f"**What the sources say.** {lever.sources}\n")
            s.append(f"**Verdict (computed):** {v}\n")
            sections.append("\n".join(s))

        w("## Summary\n")
        w("| Lever | Verdict against the sources | Costs over time |")
        w("|---|---|---|")
        for lever, v, be_line in summary:
            w(f"| [{lever.name}](#{anchor(lever.name)}) | {v} | {be_line} |")
        w("")
        out.extend(sections)
        w("## The baseline\n")
        w("The baseline's own levels, mean [95 % interval] over replicates, for scale.\n")
        w("| Outcome (unit) | " + " | ".join(f"Year {h}" for h in horizons) + " |")
        w("|" + "---|" * (len(horizons) + 1))
        for n in names:
            w(f"| {labels[n]} ({units[n]}) | " + " | ".join(cell(*levels(base, n, h), False) for h in horizons) + " |")
        w("")
        return "\n".join(out)


def anchor(title):
    """GitHub's anchor of a heading."""
    keep = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return keep.replace(" ", "-")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=str(REPO_DIR / "docs" / "policy_responses.md"))
    ap.add_argument("-f", "--force", action="store_true", help="replace an existing page (and the run files)")
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--horizon", default="1,2,5,10", help="horizon years (default 1,2,5,10)")
    ap.add_argument("--dir", default=str(REPO_DIR / "out" / "responses"), help="folder for the run files")
    ap.add_argument("--wijksim", default=os.environ.get("WIJKSIM", str(REPO_DIR / "bin" / "wijksim")))
    ap.add_argument("--population", type=int, help="residents (world.population; a small town for tests)")
    ap.add_argument("--neighbourhoods", type=int, help="world.neighbourhoods")
    ap.add_argument("--burn-in", type=int, help="sim.burn_in_weeks")
    ap.add_argument("--weeks", type=int, help="sim.weeks (at least 52 x the last horizon year)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter for every run (repeatable)")
    ap.add_argument("--from-h5", help="write the page from this comparison file, without running")
    args = ap.parse_args(argv)
    try:
        args.horizon = [int(h) for h in args.horizon.split(",")]
    except ValueError:
        ap.error(f"--horizon {args.horizon}: expected years such as 1,2,5,10")
    for opt, name in (("population", "world.population"), ("neighbourhoods", "world.neighbourhoods"),
                      ("burn_in", "sim.burn_in_weeks"), ("weeks", "sim.weeks")):
        if getattr(args, opt) is not None:
            args.set.append(f"{name}={getattr(args, opt)}")
    if Path(args.output).exists() and not args.force:
        print(f"responses: {args.output} exists; use --force to replace it", file=sys.stderr)
        return 2
    comparison = Path(args.from_h5) if args.from_h5 else Path(args.dir) / "responses.h5"
    t0 = time.time()
    try:
        if not args.from_h5:
            if comparison.exists() and not args.force:
                print(f"responses: {comparison} exists; use --force to replace it", file=sys.stderr)
                return 2
            run_all(args, comparison)
        text = render(comparison, args.threads)
    except (ResponsesError, data.FileError) as e:
        print(f"responses: {e}", file=sys.stderr)
        return 1
    write_atomically(args.output, text + "\n")
    print(f"responses: wrote {args.output} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
