"""Accounting identities of a wijksim HDF5 file; called by test_conservation.sh.

usage: /usr/bin/python3 conservation.py FILE.h5 [--replicates R] [--nonzero NAME,NAME...]

--nonzero names municipality series that must not be zero all run long, so that the
identities over them do not hold vacuously (the run really has a waiting list, etc.).

Prints one line per check, "PASS name" or "FAIL name: why" (the test runner's format), and
exits 0 (the runner counts the FAIL lines). Needs h5py and numpy.

What is generic comes from the registries, never from a list kept here: the series and their
kinds are read from the file's "kind" attributes and checked against core/series.def, the
numerator and denominator of every ratio come from series.def, and cost_total is checked
against every series of kind "cost". The stock-flow balances and bounds below are the
model's accounting (MODEL_BRIEF s6); each says in a comment which mechanism it guards.

Arrays are [replicate, week, ...] at municipality level and [replicate, week, nbh, ...] at
neighbourhood level; a balance stock(t) = stock(t-1) + in(t) - out(t) is checked for t >= 1
(the stock before the first recorded week is not in the file).
"""
import argparse
import math
import os
import re
import sys

import h5py
import numpy as np

# Relative tolerance of an identity, against the size of the values compared. Every series
# is a sum of at most a few million doubles (counts, hours, euros), so rounding stays orders
# of magnitude below this; a real accounting slip is at least one event (1 / the stock).
TOL = 1e-9
REGISTRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core",
                        "series.def")
# Every request enters the team's waiting list and leaves it by intake or by a waiting exit,
# in the week it arrived at the earliest: models/help_seeking.c puts self-referrals and
# signals in the neighbourhood's inbox and counts them in help_requests, models/access.c
# moves every inbox entry onto the team's queue and counts every pop that is not an intake
# as a waiting exit, and models/prevention.c pushes outreach finds onto the queue and counts
# them in help_requests. Aftercare relapses bypass the list (requests_aftercare, not in
# help_requests). Set to False if that ever changes: the weaker bound (cumulative intakes
# and exits <= list + cumulative requests) is checked in any case.
WAITING_LIST_TAKES_EVERY_REQUEST = True
# hours_client is attributed to a team's neighbourhoods by population share, but the hours
# spent are attributed to the neighbourhood of the work (hours_intake to the request's,
# hours_coordination to the household's: models/access.c, models/casework.c), so the hours
# bound holds per team, not per neighbourhood: it is checked for every neighbourhood only
# when each has its own team, and otherwise at municipality level only.
# The team hours spent (MODEL_BRIEF s4.5-4.6): every one comes out of hours_client.
TEAM_HOURS = ["hours_intake", "hours_admin", "hours_coordination", "hours_casework",
              "hours_aftercare", "hours_outreach", "hours_prevention"]


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def max_abs(a):
    a = np.asarray(a, dtype=float)
    return float(np.max(np.abs(a))) if a.size else 0.0


def close(a, b, rel=TOL):
    """Equal up to rounding of sums, relative to the size of the values."""
    scale = max(1.0, max_abs(a), max_abs(b))
    return max_abs(np.asarray(a) - np.asarray(b)) <= rel * scale


def le(a, b, rel=TOL):
    """a <= b everywhere, up to rounding relative to the size of the values."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    scale = max(1.0, max_abs(a), max_abs(b))
    over = a - b
    return bool(np.all(over <= rel * scale)), (float(np.max(over)) if over.size else 0.0)


def registry():
    """name -> (kind, numerator name, denominator name) from core/series.def."""
    text = open(REGISTRY).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rows = re.findall(r"SERIES\(\s*(\w+)\s*,\s*\"([^\"]+)\"\s*,\s*(\w+)\s*,\s*(\w+)\s*,"
                      r"\s*(\w+)\s*,\s*(\w+)\s*,", text)
    ident = {r[0]: r[1] for r in rows}
    kinds = {"K_FLOW": "flow", "K_STOCK": "stock", "K_RATIO": "ratio", "K_COST": "cost", "K_MAX": "max",
             "K_COST_TOTAL": "cost total"}
    return {name: (kinds.get(kind, kind), ident.get(num), ident.get(den))
            for _, name, _, kind, num, den in rows}


def kind_of(ds):
    k = ds.attrs.get("kind", b"")
    return k.decode() if isinstance(k, bytes) else str(k)


class Level:
    """The series of one level, with checks that name the level."""

    def __init__(self, name, group, kinds, domain_axis):
        self.name = name
        self.d = {k: group[k][()] for k in group if "kind" in group[k].attrs}  # not coordinates
        self.kinds = kinds
        self.dax = domain_axis  # axis of the domain in an SD series

    def __getitem__(self, k):
        return self.d[k]

    def __contains__(self, k):
        return k in self.d

    def has(self, *names):
        missing = [k for k in names if k not in self.d]
        if missing:
            report(f"conservation: {self.name} series present for the identities",
                   False, f"missing {missing}")
        return not missing

    def total(self, k):
        """A series summed over domains (SD) or domains and severities (SDS)."""
        v = self.d[k]
        return v.reshape(v.shape[:self.dax] + (-1,)).sum(axis=-1) if v.ndim > self.dax else v

    def equal(self, text, a, b):
        report(f"conservation: {self.name} {text}", close(a, b),
               f"max |diff| {max_abs(np.asarray(a) - np.asarray(b))}")

    def bounded(self, text, a, b):
        ok, worst = le(a, b)
        report(f"conservation: {self.name} {text}", ok, f"exceeded by up to {worst}")

    def balance(self, stock, inflows, outflows):
        """stock(t) = stock(t-1) + sum(inflows)(t) - sum(outflows)(t), t >= 1."""
        if not self.has(stock, *inflows, *outflows):
            return
        s = self.d[stock]
        pred = s[:, :-1] + sum(self.d[k][:, 1:] for k in inflows) \
            - sum(self.d[k][:, 1:] for k in outflows)
        text = f"{stock}(t) = {stock}(t-1) + {' + '.join(inflows)} - {' - '.join(outflows)}"
        self.equal(text, pred, s[:, 1:])

    def drained(self, stock, inflows, outflows):
        """What left a stock since week 0 never exceeds what was in it plus what came in:
        cumulative sum(outflows)(1..t) <= stock(0) + cumulative sum(inflows)(1..t)."""
        if not self.has(stock, *inflows, *outflows):
            return
        cin = np.cumsum(sum(self.d[k][:, 1:] for k in inflows), axis=1)
        cout = np.cumsum(sum(self.d[k][:, 1:] for k in outflows), axis=1)
        start = self.d[stock][:, :1]
        self.bounded(f"cumulative {' + '.join(outflows)} <= {stock}(0) + cumulative "
                     f"{' + '.join(inflows)}", cout, start + cin)


def check_registry(f, reg):
    """Every registry series is in the file at both levels, with the registry's kind."""
    for level in ("municipality", "neighbourhood"):
        g = f[level]
        names = {k for k in g if "kind" in g[k].attrs}  # the series, not their coordinates
        missing = sorted(set(reg) - names)
        extra = sorted(names - set(reg))
        wrong = sorted(k for k in reg if k in g and kind_of(g[k]) != reg[k][0])
        report(f"conservation: {level} holds exactly the series of core/series.def",
               not missing and not extra, f"missing {missing[:8]}, not in the registry {extra[:8]}")
        report(f"conservation: {level} kind attributes match core/series.def", not wrong,
               f"differ for {wrong[:8]}")


def generic(m, n, reg):
    """Checks that follow from the kinds alone, for every series."""
    summed = [k for k in m.d if m.kinds.get(k) in ("flow", "stock", "cost", "cost total")]
    bad = []
    for k in summed:
        if k not in n:
            continue
        total = n[k].sum(axis=2)
        if total.shape != m[k].shape or not close(total, m[k]):
            bad.append(f"{k} ({max_abs(total - m[k]) if total.shape == m[k].shape else 'shape'})")
    report(f"conservation: municipality = sum over neighbourhoods for all {len(summed)} flow,"
           " stock and cost series", bool(summed) and not bad, f"differs for {bad[:6]}")
    maxed = [k for k in m.d if m.kinds.get(k) == "max" and k in n]
    bad = [k for k in maxed if not close(n[k].max(axis=2), m[k])]
    report(f"conservation: municipality = largest neighbourhood value for all {len(maxed)} max"
           " series", bool(maxed) and not bad, f"differs for {bad[:6]}")

    for lv in (m, n):
        neg = [f"{k} (min {float(np.min(lv[k]))})" for k in lv.d
               if lv.kinds.get(k) != "ratio" and lv[k].size and np.min(lv[k]) < 0]
        report(f"conservation: {lv.name} flows, stocks and costs are never negative", not neg,
               f"negative values in {neg[:6]}")
        nan = [k for k in lv.d if lv.kinds.get(k) != "ratio" and np.any(~np.isfinite(lv[k]))]
        report(f"conservation: {lv.name} flows, stocks and costs are finite", not nan,
               f"NaN or infinite values in {nan[:6]}")

        # Ratios are num / den of the (summed) series, NaN exactly where den is 0.
        ratios = [(k, reg[k][1], reg[k][2]) for k in lv.d if lv.kinds.get(k) == "ratio"]
        for ratio, num, den in ratios:
            if not lv.has(num, den):
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                want = np.where(lv[den] != 0, lv[num] / lv[den], np.nan)
            got = lv[ratio]
            same_nan = bool(np.array_equal(np.isnan(want), np.isnan(got)))
            ok = same_nan and close(np.nan_to_num(want), np.nan_to_num(got))
            report(f"conservation: {lv.name} {ratio} = {num} / {den} (NaN where {den} is 0)", ok,
                   "NaN pattern differs" if not same_nan
                   else f"max |diff| {max_abs(np.nan_to_num(want) - np.nan_to_num(got))}")

        # cost_total = the sum of every series of kind "cost", found by its kind.
        costs = [k for k in lv.d if lv.kinds.get(k) == "cost"]
        for k in (k for k in lv.d if lv.kinds.get(k) == "cost total"):
            lv.equal(f"{k} = sum of the {len(costs)} cost series ({', '.join(sorted(costs))})",
                     sum(lv.total(c) for c in costs), lv[k])


def ratio_ranges(lv):
    def within(k, lo, hi, v=None):
        v = lv[k] if v is None else v
        v = v[~np.isnan(v)]
        ok = bool(np.all((v >= lo - TOL) & (v <= hi + TOL)))
        rng = f"{float(np.min(v))} .. {float(np.max(v))}" if v.size else "empty"
        report(f"conservation: {lv.name} {k} within [{lo}, {hi}]", ok, f"range {rng}")

    within("casework_coverage", 0, 1)
    within("qol_index", 0, 1)
    for k in ("waiting_time", "specialist_waiting_time", "workload", "caseload_per_fte"):
        within(k, 0, math.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in ("trust", "prevention_level"):  # index 0-1 x residents
            within(f"{k} / residents", 0, 1,
                   np.where(lv["residents"] > 0, lv[k] / lv["residents"], np.nan))


def needs(lv):
    """Residents, severities and need flows (MODEL_BRIEF s4.2)."""
    rbs = lv["residents_by_severity"]  # [.., domain, severity 0-4]
    res = lv["residents"][..., np.newaxis]
    lv.equal("residents_by_severity summed over severities = residents in every domain",
             rbs.sum(axis=-1), np.broadcast_to(res, rbs.shape[:-1]))
    lv.equal("youth + adults = residents", lv["youth"] + lv["adults"], lv["residents"])

    withd = rbs[..., 1:].sum(axis=-1)  # residents with a need, per domain
    lv.bounded("residents with a need in any one domain <= residents_with_need",
               withd.max(axis=-1), lv["residents_with_need"])
    lv.bounded("residents_with_need <= residents with a need summed over domains",
               lv["residents_with_need"], withd.sum(axis=-1))
    lv.bounded("residents_with_need <= residents", lv["residents_with_need"], lv["residents"])
    lv.bounded("unmet_need <= residents_with_need", lv["unmet_need"], lv["residents_with_need"])
    # A need is one resident in one domain, so the balance holds per domain.
    pred = withd[:, :-1] + lv["new_needs"][:, 1:] - lv["resolutions"][:, 1:]
    lv.equal("residents with a need per domain (t) = (t-1) + new_needs - resolutions",
             pred, withd[:, 1:])
    lv.equal("crisis_needs = residents at severity 4 summed over domains",
             rbs[..., 4].sum(axis=-1), lv["crisis_needs"])
    lv.bounded("resolutions <= improvements in every domain", lv["resolutions"], lv["improvements"])
    lv.bounded("crises <= escalations summed over domains", lv["crises"], lv.total("escalations"))
    lv.bounded("relapses + spillovers <= new_needs summed over domains",
               lv["relapses"] + lv["spillovers"], lv.total("new_needs"))


def informal(lv):
    """Informal care (MODEL_BRIEF s4.3)."""
    lv.bounded("informal_hours <= informal_hours_needed", lv["informal_hours"],
               lv["informal_hours_needed"])
    lv.bounded("intensive_carers <= carers", lv["intensive_carers"], lv["carers"])
    lv.bounded("carers <= residents", lv["carers"], lv["residents"])
    lv.bounded("overloaded_carers <= intensive_carers", lv["overloaded_carers"],
               lv["intensive_carers"])
    lv.bounded("carer_hours_intensive <= informal_hours", lv["carer_hours_intensive"],
               lv["informal_hours"])
    lv.bounded("carer_hours_overloaded <= informal_hours", lv["carer_hours_overloaded"],
               lv["informal_hours"])


def access(lv):
    """Help seeking, the team's waiting list and triage (MODEL_BRIEF s4.4-4.5)."""
    # Aftercare relapses are taken up at once, without the waiting list (not in help_requests).
    lv.bounded("requests_signal + requests_outreach <= help_requests",
               lv["requests_signal"] + lv["requests_outreach"], lv["help_requests"])
    if WAITING_LIST_TAKES_EVERY_REQUEST:
        lv.balance("waiting_list", ["help_requests"], ["intakes", "waiting_exits"])
    lv.drained("waiting_list", ["help_requests"], ["intakes", "waiting_exits"])
    lv.bounded("advice + network_referrals <= intakes", lv["advice"] + lv["network_referrals"],
               lv["intakes"])
    lv.bounded("assessments_kept <= assessments", lv["assessments_kept"], lv["assessments"])


def casework(lv):
    """Team cases and aftercare (MODEL_BRIEF s4.6)."""
    lv.balance("team_cases", ["cases_opened"], ["cases_closed"])
    lv.bounded("cases_capped <= cases_closed", lv["cases_capped"], lv["cases_closed"])
    lv.bounded("held_cases <= team_cases", lv["held_cases"], lv["team_cases"])
    # households_in_care is counted when coordination is paid, before this week's closings:
    # at most the cases open at the start of the week plus those opened at intake.
    lv.bounded("households_in_care(t) <= team_cases(t-1) + cases_opened(t)",
               lv["households_in_care"][:, 1:], lv["team_cases"][:, :-1] + lv["cases_opened"][:, 1:])
    lv.bounded("households_in_care <= professionals_per_household (one or more each)",
               lv["households_in_care"], lv["professionals_per_household"])
    lv.bounded("youth_care_team <= youth_care_clients", lv["youth_care_team"],
               lv["youth_care_clients"])
    lv.bounded("youth_care_clients <= youth_care_year", lv["youth_care_clients"],
               lv["youth_care_year"])
    lv.bounded("youth_care_clients <= youth", lv["youth_care_clients"], lv["youth"])


def team_hours(lv, p, level_is_municipality):
    """Team hours and workforce (MODEL_BRIEF s4.6, s4.10)."""
    lv.bounded("hours_casework <= hours_casework_needed", lv["hours_casework"],
               lv["hours_casework_needed"])
    # Intake hours not used in a week may be carried to the next while people wait (at most
    # the intake of the request at the head, models/access.c), so hours spent never exceed
    # hours available up to any week plus what was carried in before the first recorded
    # week: at most one intake's worth (the longest, team.intake_hours by severity) per team.
    nnbh = int(p["world.neighbourhoods"][0])
    nteams = int(p["world.teams"][0]) or nnbh  # 0 = one team per neighbourhood
    if level_is_municipality or nteams == nnbh:
        teams = nteams if level_is_municipality else 1
        carried_in = teams * float(np.max(p["team.intake_hours"][()]))
        spent = np.cumsum(sum(lv[k] for k in TEAM_HOURS), axis=1)
        avail = np.cumsum(lv["hours_client"], axis=1) + carried_in
        lv.bounded(f"cumulative team hours spent ({' + '.join(h[6:] for h in TEAM_HOURS)}) <= "
                   f"cumulative hours_client + carried-in intake ({teams} x max team.intake_hours)",
                   spent, avail)
    # Posts are filled (working or sick) or vacant.
    lv.equal("team_fte + vacancies = team_posts", lv["team_fte"] + lv["vacancies"],
             lv["team_posts"])
    lv.bounded("staff_sick <= team_fte", lv["staff_sick"], lv["team_fte"])


def volunteers(lv):
    """Volunteers (MODEL_BRIEF s4.7)."""
    lv.balance("volunteers", ["volunteer_recruits"], ["volunteer_dropouts"])
    lv.balance("volunteer_clients", ["volunteer_matches"], ["volunteer_match_ends"])
    lv.drained("volunteer_waiting", ["volunteer_referrals"], ["volunteer_matches"])


def specialist(lv):
    """Specialist services, per domain (MODEL_BRIEF s4.8-4.9). An emergency admission goes
    through the head of the waiting list, so every admission leaves the list."""
    lv.balance("specialist_waiting", ["referrals"],
               ["specialist_admissions", "specialist_waiting_exits"])
    lv.balance("specialist_clients", ["specialist_admissions"], ["specialist_discharges"])
    lv.bounded("referrals_gp <= referrals in every domain", lv["referrals_gp"], lv["referrals"])
    lv.bounded("emergency_admissions <= specialist_admissions in every domain",
               lv["emergency_admissions"], lv["specialist_admissions"])


def specialist_capacity(m, p):
    """Clients never exceed the places of a service: specialist.places per 1000 residents,
    rounded to whole places (lround, models/specialist.c), for the municipality's residents.
    Admission stops at the places; a crisis goes to the head of the list, not over it."""
    places = np.asarray(p["specialist.places"][()], dtype=float)
    res = m["residents"][..., np.newaxis]  # [replicate, week, 1]
    cap = np.floor(places * res / 1000.0 + 0.5)
    m.bounded("specialist_clients <= round(specialist.places x residents / 1000) per domain",
              m["specialist_clients"], cap)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--replicates", type=int, default=2)
    ap.add_argument("--nonzero", default="")
    args = ap.parse_args()
    f = h5py.File(args.file, "r")
    want_reps = args.replicates
    reg = registry()
    check_registry(f, reg)
    kinds = {k: kind_of(f["municipality"][k]) for k in f["municipality"] if "kind" in f["municipality"][k].attrs}
    m = Level("municipality", f["municipality"], kinds, 2)
    n = Level("neighbourhood", f["neighbourhood"], kinds, 3)
    p = f["parameters"]
    reps = m["residents"].shape[0]
    report(f"conservation: file has {want_reps} replicates", reps == want_reps,
           f"shape {m['residents'].shape}")

    generic(m, n, reg)
    for lv in (m, n):
        ratio_ranges(lv)
        needs(lv)
        informal(lv)
        access(lv)
        casework(lv)
        team_hours(lv, p, lv is m)
        volunteers(lv)
        specialist(lv)
    specialist_capacity(m, p)

    # The identities above must not hold vacuously: the run has to have some traffic.
    report("conservation: run has help requests and cases",
           m["help_requests"].sum() > 0 and m["cases_opened"].sum() > 0,
           "no help requests or no cases opened: the checks above are vacuous")
    for k in filter(None, args.nonzero.split(",")):
        total = float(np.nansum(m[k])) if k in m else float("nan")
        report(f"conservation: run has {k} (total {total:g})", total > 0,
               "zero all run long: the identities over it hold vacuously")
    return 0


if __name__ == "__main__":
    sys.exit(main())
